"""Automation fixtures: a shared mailbox, a template, contactable people, and a driver that
dispatches events and runs due work the way a worker loop does."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine

from talentloop.accounts.models import User, Workspace
from talentloop.automation.actions import do_create_workflow
from talentloop.automation.models import Workflow
from talentloop.conftest import Personas
from talentloop.core import clock, scheduling
from talentloop.core.events import dispatch_pending
from talentloop.outreach import actions as outreach_actions
from talentloop.outreach import mailbox_actions, template_actions
from talentloop.outreach.models import Mailbox, Template
from talentloop.people.models import Person
from talentloop.testing.factories import PersonFactory

# Tuesday 13 January 2026, 10:00 UTC.
NOW = datetime(2026, 1, 13, 10, 0, tzinfo=UTC)


@pytest.fixture
def now():
    with time_machine.travel(NOW, tick=False):
        yield NOW


@pytest.fixture
def local_webhooks(settings: Any) -> None:
    """Let webhooks call this machine's loopback address, where tests run their receivers."""
    settings.AUTOMATION_WEBHOOK_ALLOWED_HOSTS = ["127.0.0.0/8"]


@pytest.fixture
def mailbox(personas: Personas) -> Mailbox:
    return mailbox_actions.save_mailbox(
        actor=personas.admin,
        name="Talent team",
        from_address="talent@acme.example.com",
        kind="local",
        owner_id=None,
    )


@pytest.fixture
def template(personas: Personas) -> Template:
    return template_actions.save_template(
        actor=personas.recruiter,
        name="Hello",
        subject="Hello {{ person.first_name | default('there') }}",
        html="<p>Hi {{ person.first_name | default('there') }}</p>",
        text="",
    )


def new_person(workspace: Workspace, **fields: Any) -> Person:
    person: Person = PersonFactory(workspace=workspace, **fields)  # type: ignore[assignment]
    return person


def new_people(count: int, workspace: Workspace, **fields: Any) -> list[Person]:
    return [new_person(workspace, **fields) for _ in range(count)]


def contactable(actor: User, workspace: Workspace, **fields: Any) -> Person:
    """A person with an address and a recorded legitimate interest."""
    fields.setdefault("primary_email", f"person{Person.objects.count() + 1}@example.com")
    person = new_person(workspace, **fields)
    outreach_actions.record_basis(
        actor=actor, person=person, basis="legitimate_interest", note="sourced"
    )
    return person


def drive(moment: datetime | None = None, rounds: int = 30) -> int:
    """Dispatch committed events and run due items until nothing is left; returns items run."""
    moment = moment or clock.now()
    total = 0
    with time_machine.travel(moment, tick=False):
        for _ in range(rounds):
            dispatched = dispatch_pending()
            ran = scheduling.run_due(moment, 500)
            total += ran
            if not dispatched and not ran:
                break
    return total


def make_workflow(
    actor: User,
    trigger: dict[str, Any],
    steps: list[dict[str, Any]],
    *,
    condition: str = "",
    enabled: bool = True,
    name: str = "Test workflow",
    **extra: Any,
) -> Workflow:
    definition: dict[str, Any] = {"trigger": trigger, "steps": steps, **extra}
    if condition:
        definition["condition"] = condition
    return do_create_workflow(actor=actor, name=name, definition=definition, enabled=enabled)
