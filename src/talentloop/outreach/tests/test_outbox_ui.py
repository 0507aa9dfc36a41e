"""The embedded local outbox backend and the Outbox pages that show it like a mail client."""

from __future__ import annotations

from django.test import Client

from talentloop.conftest import Personas
from talentloop.outreach import actions, delivery
from talentloop.outreach.models import LocalEmail, Mailbox, Message, Template
from talentloop.people.models import Person


def _send(personas: Personas, mailbox: Mailbox, person: Person, template: Template) -> Message:
    message = actions.queue_message(
        actor=personas.recruiter,
        workspace=personas.workspace,
        mailbox=mailbox,
        person=person,
        template=template,
        idempotency_key="k",
    )
    delivery.deliver_due(worker_id="t")
    message.refresh_from_db()
    return message


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_local_outbox_stores_the_full_email_without_a_mail_server(
    personas: Personas, local_mailbox: Mailbox, contactable: Person, template: Template
) -> None:
    message = _send(personas, local_mailbox, contactable, template)
    assert message.state == "sent"
    stored = LocalEmail.objects.get()
    assert stored.workspace_id == personas.workspace.pk
    assert stored.message_id == message.message_id
    assert stored.to_addresses == [contactable.primary_email]
    assert stored.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "Hello Ada" in stored.html
    assert "Hello Ada" in stored.text


def test_outbox_lists_messages_and_shows_one_like_a_mail_client(
    personas: Personas, local_mailbox: Mailbox, contactable: Person, template: Template
) -> None:
    message = _send(personas, local_mailbox, contactable, template)
    client = _client(personas.analyst)
    listing = client.get("/outbox/")
    assert listing.status_code == 200
    assert message.subject.encode() in listing.content
    page = client.get(f"/outbox/{message.pk}/")
    assert page.status_code == 200
    assert message.message_id.encode() in page.content.replace(b"&lt;", b"<").replace(b"&gt;", b">")
    assert b'sandbox=""' in page.content  # the HTML body cannot run scripts
    assert b"Raw message" in page.content
    assert _client(personas.outsider).get(f"/outbox/{message.pk}/").status_code == 404


def test_outbox_nav_entry_is_on_every_page(personas: Personas) -> None:
    assert b'href="/outbox/"' in _client(personas.recruiter).get("/outbox/").content


def test_cancel_from_the_outbox_needs_a_writer(
    personas: Personas, local_mailbox: Mailbox, contactable: Person, template: Template
) -> None:
    message = actions.queue_message(
        actor=personas.recruiter,
        workspace=personas.workspace,
        mailbox=local_mailbox,
        person=contactable,
        template=template,
        idempotency_key="k",
    )
    assert _client(personas.analyst).post(f"/outbox/{message.pk}/cancel/").status_code == 403
    assert _client(personas.recruiter).post(f"/outbox/{message.pk}/cancel/").status_code == 302
    message.refresh_from_db()
    assert message.state == "cancelled"


def test_every_worker_loop_step_delivers_through_the_registered_hook(
    personas: Personas, local_mailbox: Mailbox, contactable: Person, template: Template
) -> None:
    from talentloop.core.worker import run_tick_hooks

    message = actions.queue_message(
        actor=personas.recruiter,
        workspace=personas.workspace,
        mailbox=local_mailbox,
        person=contactable,
        template=template,
        idempotency_key="k",
    )
    assert run_tick_hooks("worker-test") >= 1
    message.refresh_from_db()
    assert message.state == "sent"
    assert LocalEmail.objects.filter(message_id=message.message_id).exists()
