"""Outreach fixtures: a real SMTP server on loopback, mailboxes and contactable people."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from talentloop.accounts.models import User, Workspace
from talentloop.conftest import Personas
from talentloop.outreach import actions, mailbox_actions, template_actions
from talentloop.outreach.models import Mailbox, Message, Template
from talentloop.outreach.tests.imap_fixture import imap_server  # noqa: F401 - fixture
from talentloop.outreach.tests.smtp_sink import SmtpSink
from talentloop.people.models import Person
from talentloop.testing.factories import PersonFactory


@pytest.fixture(scope="session")
def _smtp_server() -> Iterator[SmtpSink]:
    # One real server for the session (starting one takes a while); each test gets it empty.
    sink = SmtpSink().start()
    yield sink
    sink.stop()


@pytest.fixture
def smtp_sink(_smtp_server: SmtpSink) -> SmtpSink:
    with _smtp_server.handler.lock:
        _smtp_server.handler.received.clear()
        _smtp_server.handler.scripted.clear()
    return _smtp_server


@pytest.fixture
def smtp_mailbox(personas: Personas, smtp_sink: SmtpSink) -> Mailbox:
    return mailbox_actions.save_mailbox(
        actor=personas.admin,
        name="Talent team",
        from_name="Acme Talent",
        from_address="talent@acme.example.com",
        kind="smtp",
        smtp_host=smtp_sink.host,
        smtp_port=smtp_sink.port,
        smtp_security="none",
        owner_id=None,
    )


@pytest.fixture
def local_mailbox(personas: Personas) -> Mailbox:
    return mailbox_actions.save_mailbox(
        actor=personas.admin,
        name="Local outbox",
        from_address="hello@acme.example.com",
        kind="local",
        owner_id=None,
    )


@pytest.fixture
def template(personas: Personas) -> Template:
    return template_actions.save_template(
        actor=personas.recruiter,
        name="Intro",
        subject="Hi {{ person.first_name | default('there') }}",
        html="<p>Hello {{ person.first_name | default('there') }},</p>"
        '<p>We are hiring. <a href="{{ links.preferences }}">Preferences</a></p>',
        text="",
    )


def make_contactable(actor: User, workspace: Workspace, **fields: Any) -> Person:
    """A person with an address and a recorded legitimate interest."""
    fields.setdefault("primary_email", f"person{Person.objects.count() + 1}@example.com")
    person: Person = PersonFactory(workspace=workspace, **fields)  # type: ignore[assignment]
    actions.record_basis(
        actor=actor, person=person, basis="legitimate_interest", note="sourced for a role"
    )
    return person


def queue(
    personas: Personas, mailbox: Mailbox, person: Person, template: Template, key: str = "k1"
) -> Message:
    """One message to the person from the recruiter, queued the way the app queues it."""
    return actions.queue_message(
        actor=personas.recruiter,
        workspace=personas.workspace,
        mailbox=mailbox,
        person=person,
        template=template,
        idempotency_key=key,
    )


@pytest.fixture
def contactable(personas: Personas) -> Person:
    return make_contactable(personas.recruiter, personas.workspace, first_name="Ada")
