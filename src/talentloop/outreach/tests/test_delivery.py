"""Delivery through a real SMTP server on loopback: headers, retries, failures, idempotency."""

from __future__ import annotations

from datetime import timedelta

import time_machine

from talentloop.conftest import Personas
from talentloop.core import clock
from talentloop.core.models import Event
from talentloop.outreach import actions, delivery
from talentloop.outreach.models import DeliveryEvent, Mailbox, Message, Template
from talentloop.outreach.tests.conftest import queue
from talentloop.outreach.tests.smtp_sink import SmtpSink
from talentloop.people.models import Person


def test_queued_message_arrives_with_unsubscribe_headers_and_both_parts(
    personas: Personas,
    smtp_mailbox: Mailbox,
    smtp_sink: SmtpSink,
    contactable: Person,
    template: Template,
) -> None:
    # given
    message = queue(personas, smtp_mailbox, contactable, template)
    # when
    stats = delivery.deliver_due(worker_id="t")
    # then
    assert stats.sent == 1
    [received] = smtp_sink.received
    mime = received.message
    assert received.rcpt_tos == [contactable.primary_email]
    assert mime["Message-ID"] == message.message_id
    assert mime["Subject"] == "Hi Ada"
    assert mime["List-Unsubscribe"].strip().startswith("<http")
    assert mime["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    types = [part.get_content_type() for part in mime.walk()]
    assert "text/plain" in types
    assert "text/html" in types
    message.refresh_from_db()
    assert message.state == "sent"
    assert message.sent_at is not None
    assert Event.objects.filter(verb="message.sent", subject_id=message.pk).count() == 1


def test_same_idempotency_key_twice_queues_and_sends_one_message(
    personas: Personas,
    smtp_mailbox: Mailbox,
    smtp_sink: SmtpSink,
    contactable: Person,
    template: Template,
) -> None:
    first = queue(personas, smtp_mailbox, contactable, template, key="enrolment-1:step-1")
    second = queue(personas, smtp_mailbox, contactable, template, key="enrolment-1:step-1")
    delivery.deliver_due(worker_id="t")
    delivery.deliver_due(worker_id="t")
    assert first.pk == second.pk
    assert Message.objects.count() == 1
    assert smtp_sink.handler.message_ids() == [first.message_id]


def test_reply_in_thread_carries_in_reply_to_and_references(
    personas: Personas,
    smtp_mailbox: Mailbox,
    smtp_sink: SmtpSink,
    contactable: Person,
    template: Template,
) -> None:
    first = queue(personas, smtp_mailbox, contactable, template, key="a")
    follow_up = actions.queue_message(
        actor=personas.recruiter,
        workspace=personas.workspace,
        mailbox=smtp_mailbox,
        person=contactable,
        template=template,
        idempotency_key="b",
        thread_of=first,
    )
    delivery.deliver_due(worker_id="t")
    reply = next(
        item.message for item in smtp_sink.received if item.message_id == follow_up.message_id
    )
    assert reply["In-Reply-To"] == first.message_id
    assert first.message_id in reply["References"]
    assert reply["Subject"].startswith("Re: ")


def test_temporary_failure_retries_with_backoff_then_sends(
    personas: Personas,
    smtp_mailbox: Mailbox,
    smtp_sink: SmtpSink,
    contactable: Person,
    template: Template,
) -> None:
    smtp_sink.handler.scripted[contactable.primary_email] = ["451 4.3.0 try again later"]
    message = queue(personas, smtp_mailbox, contactable, template)
    start = clock.now()
    with time_machine.travel(start, tick=False):
        stats = delivery.deliver_due(worker_id="t")
    message.refresh_from_db()
    assert stats.retried == 1
    assert message.state == "queued"
    assert message.attempts == 1
    assert "451" in message.reason
    assert message.next_attempt_at >= start + timedelta(seconds=60)
    with time_machine.travel(start + timedelta(seconds=30), tick=False):
        assert delivery.deliver_due(worker_id="t").handled == 0  # not due yet
    with time_machine.travel(start + timedelta(minutes=2), tick=False):
        assert delivery.deliver_due(worker_id="t").sent == 1
    message.refresh_from_db()
    assert message.state == "sent"
    assert message.attempts == 2
    assert list(
        DeliveryEvent.objects.filter(message=message).values_list("kind", flat=True).order_by("id")
    ) == [
        "queued",
        "retry",
        "sent",
    ]


def test_permanent_failure_marks_failed_with_the_servers_reason(
    personas: Personas,
    smtp_mailbox: Mailbox,
    smtp_sink: SmtpSink,
    contactable: Person,
    template: Template,
) -> None:
    smtp_sink.handler.scripted[contactable.primary_email] = ["550 5.1.1 no such user"]
    message = queue(personas, smtp_mailbox, contactable, template)
    stats = delivery.deliver_due(worker_id="t")
    message.refresh_from_db()
    assert stats.failed == 1
    assert message.state == "failed"
    assert "550" in message.reason
    assert "no such user" in message.reason
    assert smtp_sink.received == []


def test_temporary_failures_give_up_after_the_last_attempt(
    personas: Personas,
    smtp_mailbox: Mailbox,
    smtp_sink: SmtpSink,
    contactable: Person,
    template: Template,
) -> None:
    from talentloop.outreach.domain import MAX_ATTEMPTS

    smtp_sink.handler.scripted[contactable.primary_email] = ["421 busy"] * MAX_ATTEMPTS
    message = queue(personas, smtp_mailbox, contactable, template)
    moment = clock.now()
    for _ in range(MAX_ATTEMPTS):
        with time_machine.travel(moment, tick=False):
            delivery.deliver_due(worker_id="t")
        moment += timedelta(hours=7)
    message.refresh_from_db()
    assert message.state == "failed"
    assert message.reason.startswith(f"gave up after {MAX_ATTEMPTS} attempts")


def test_unreachable_server_is_a_temporary_failure(
    personas: Personas,
    smtp_mailbox: Mailbox,
    smtp_sink: SmtpSink,
    contactable: Person,
    template: Template,
) -> None:
    from talentloop.outreach.tests.smtp_sink import free_port

    smtp_mailbox.smtp_port = free_port()  # nothing listens there
    smtp_mailbox.save()
    message = queue(personas, smtp_mailbox, contactable, template)
    stats = delivery.deliver_due(worker_id="t")
    message.refresh_from_db()
    assert stats.retried == 1
    assert message.state == "queued"


def test_daily_limit_holds_the_rest_for_tomorrow(
    personas: Personas, smtp_mailbox: Mailbox, smtp_sink: SmtpSink, template: Template
) -> None:
    from talentloop.outreach.tests.conftest import make_contactable

    smtp_mailbox.daily_limit = 2
    smtp_mailbox.save()
    for index in range(3):
        person = make_contactable(personas.recruiter, personas.workspace)
        queue(personas, smtp_mailbox, person, template, key=f"k{index}")
    assert delivery.deliver_due(worker_id="t").sent == 2
    assert delivery.deliver_due(worker_id="t").sent == 0
    with time_machine.travel(clock.now() + timedelta(days=1), tick=False):
        assert delivery.deliver_due(worker_id="t").sent == 1
    assert len(smtp_sink.received) == 3


def test_spacing_sends_one_message_per_interval(
    personas: Personas, smtp_mailbox: Mailbox, smtp_sink: SmtpSink, template: Template
) -> None:
    from talentloop.outreach.tests.conftest import make_contactable

    smtp_mailbox.min_spacing_seconds = 90
    smtp_mailbox.save()
    for index in range(2):
        person = make_contactable(personas.recruiter, personas.workspace)
        queue(personas, smtp_mailbox, person, template, key=f"k{index}")
    start = clock.now()
    with time_machine.travel(start, tick=False):
        assert delivery.deliver_due(worker_id="t").sent == 1
        assert delivery.deliver_due(worker_id="t").sent == 0
    with time_machine.travel(start + timedelta(seconds=91), tick=False):
        assert delivery.deliver_due(worker_id="t").sent == 1


def test_abandoned_claim_is_sent_after_its_lease_expires(
    personas: Personas,
    smtp_mailbox: Mailbox,
    smtp_sink: SmtpSink,
    contactable: Person,
    template: Template,
) -> None:
    message = queue(personas, smtp_mailbox, contactable, template)
    now = clock.now()
    rows, _token = delivery.claim(smtp_mailbox, worker_id="crashed", now=now)
    assert [row.pk for row in rows] == [message.pk]  # claimed, then the worker "dies"
    assert delivery.deliver_due(worker_id="t", now=now).handled == 0
    with time_machine.travel(now + timedelta(minutes=10), tick=False):
        assert delivery.deliver_due(worker_id="t").sent == 1
    assert smtp_sink.handler.message_ids() == [message.message_id]


def test_non_ascii_headers_and_bodies_survive_the_trip(
    personas: Personas, smtp_mailbox: Mailbox, smtp_sink: SmtpSink, template: Template
) -> None:
    from email import message_from_bytes
    from email import policy as email_policy

    from talentloop.outreach import template_actions
    from talentloop.outreach.tests.conftest import make_contactable

    smtp_mailbox.from_name = "Équipe Talent"
    smtp_mailbox.save()
    zoe = make_contactable(personas.recruiter, personas.workspace, first_name="Zoë")
    greeting = template_actions.save_template(
        actor=personas.recruiter,
        name="Grüße",
        subject="Grüße, {{ person.first_name }} — ein Angebot",
        html="<p>Hallo {{ person.first_name }}, schöne Grüße ✓</p>",
        text="Hallo {{ person.first_name }}, schöne Grüße ✓",
    )
    queue(personas, smtp_mailbox, zoe, greeting)
    delivery.deliver_due(worker_id="t")
    [received] = smtp_sink.received
    mime = message_from_bytes(received.data, policy=email_policy.default)
    assert str(mime["Subject"]) == "Grüße, Zoë — ein Angebot"
    assert str(mime["From"]) == "Équipe Talent <talent@acme.example.com>"
    text = mime.get_body(preferencelist=("plain",))
    html = mime.get_body(preferencelist=("html",))
    assert text is not None
    assert html is not None
    assert text.get_content() == "Hallo Zoë, schöne Grüße ✓"
    assert "schöne Grüße ✓" in html.get_content()
