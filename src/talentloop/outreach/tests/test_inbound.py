from __future__ import annotations

import socket
import uuid
from datetime import timedelta

import pytest
import time_machine

from talentloop.core.models import DueItem, Event
from talentloop.outreach import delivery, inbound, mailbox_actions
from talentloop.outreach.models import DeliveryEvent, Message, Suppression
from talentloop.outreach.sequence_models import Enrollment, MailboxCursor
from talentloop.outreach.tests import mail_samples
from talentloop.outreach.tests.conftest import make_contactable
from talentloop.outreach.tests.sequence_helpers import (
    TUESDAY_10_UTC,
    email,
    make_sequence,
    run_at,
    wait,
)
from talentloop.people.models import Activity

pytestmark = pytest.mark.django_db


@pytest.fixture
def now():
    with time_machine.travel(TUESDAY_10_UTC, tick=False):
        yield TUESDAY_10_UTC


@pytest.fixture
def inbox(imap_server, personas):
    """A mailbox whose replies land in a fresh account of the real IMAP server."""
    username = f"talent-{uuid.uuid4().hex[:8]}@acme.example.com"
    password = imap_server.add_user(username)
    mailbox = mailbox_actions.save_mailbox(
        actor=personas.admin,
        name=f"Replies {username}",
        from_address=username,
        kind="local",
        imap_host=imap_server.host,
        imap_port=imap_server.port,
        imap_ssl=False,
        imap_username=username,
        imap_password=password,
        owner_id=None,
    )
    return mailbox, username, password


def enrolled(personas, mailbox, template, **person_fields) -> Enrollment:
    from talentloop.outreach.enrollment_actions import enrol

    person = make_contactable(personas.recruiter, personas.workspace, **person_fields)
    sequence = make_sequence(
        personas.recruiter,
        mailbox,
        [email(template), wait(2), email(template, "reply")],
        name=f"Seq {uuid.uuid4().hex[:6]}",
    )
    return enrol(actor=personas.recruiter, sequence=sequence, people=[person]).enrolled[0]


def first_message(enrollment: Enrollment) -> Message:
    return Message.objects.get(idempotency_key=f"enrollment:{enrollment.pk}:step:0")


def poll(moment):
    """Book and run the IMAP polls the worker's tick would, at `moment`."""
    with time_machine.travel(moment, tick=False):
        inbound.schedule_polls(moment, 60)
    run_at(moment)


def test_a_reply_sent_through_smtp_and_read_over_imap_stops_the_sequence(
    personas, smtp_mailbox, smtp_sink, template, imap_server, inbox, now
):
    # given a person whose first email really went out over SMTP
    enrollment = enrolled(personas, smtp_mailbox, template, first_name="Ada")
    run_at(now)
    with time_machine.travel(now, tick=False):
        stats = delivery.deliver_due(now=now)
    assert stats.sent == 1
    sent = first_message(enrollment)
    (received,) = smtp_sink.handler.received
    assert received.message_id == sent.message_id

    # when the person replies to it (the reply lands in another mailbox of the workspace)
    _mailbox, username, password = inbox
    reply = mail_samples.reply(in_reply_to=received.message_id, sender=sent.to_address, to=username)
    imap_server.deliver(username, password, reply)
    poll(now + timedelta(minutes=5))

    # then the reply is on the timeline with its text, and the sequence stopped
    activity = Activity.objects.get(person_id=enrollment.person_id, kind="email")
    assert activity.body == "Thanks, happy to talk next week."
    assert activity.direction == "in"
    enrollment.refresh_from_db()
    assert (enrollment.state, enrollment.stop_reason) == ("stopped", "replied")
    assert Event.objects.filter(verb="reply.received", subject_id=sent.pk).count() == 1
    assert "reply" in list(enrollment.history.values_list("kind", flat=True))
    # and the follow-up step never gets queued
    run_at(now + timedelta(days=7))
    assert not Message.objects.filter(idempotency_key=f"enrollment:{enrollment.pk}:step:2")


def test_reading_the_folder_again_handles_nothing_twice(
    personas, local_mailbox, template, imap_server, inbox, now
):
    enrollment = enrolled(personas, local_mailbox, template)
    run_at(now)
    sent = first_message(enrollment)
    mailbox, username, password = inbox
    imap_server.deliver(username, password, mail_samples.reply(in_reply_to=sent.message_id))
    poll(now + timedelta(minutes=1))

    # when the cursor is lost (or the folder's UIDVALIDITY changes) and the folder is re-read
    MailboxCursor.objects.filter(mailbox=mailbox).update(last_uid=0, uid_validity="")
    poll(now + timedelta(minutes=2))
    poll(now + timedelta(minutes=3))

    assert Activity.objects.filter(person_id=enrollment.person_id, kind="email").count() == 1
    assert DeliveryEvent.objects.filter(message=sent, kind="reply").count() == 1


def test_an_out_of_office_reply_pauses_instead_of_stopping(
    personas, local_mailbox, template, imap_server, inbox, now
):
    enrollment = enrolled(personas, local_mailbox, template)
    run_at(now)
    sent = first_message(enrollment)
    _mailbox, username, password = inbox

    imap_server.deliver(username, password, mail_samples.out_of_office(in_reply_to=sent.message_id))
    poll(now + timedelta(minutes=1))

    enrollment.refresh_from_db()
    assert enrollment.state == "paused"
    assert list(enrollment.history.values_list("kind", flat=True))[-2:] == [
        "auto_reply",
        "paused",
    ]
    assert not Activity.objects.filter(person_id=enrollment.person_id, kind="email").exists()


def test_a_hard_bounce_suppresses_the_address_and_stops_the_sequence(
    personas, local_mailbox, template, imap_server, inbox, now
):
    enrollment = enrolled(personas, local_mailbox, template, primary_email="gone@example.org")
    run_at(now)
    sent = first_message(enrollment)
    _mailbox, username, password = inbox

    dsn = mail_samples.dsn(recipient="gone@example.org", original_message_id=sent.message_id)
    imap_server.deliver(username, password, dsn)
    poll(now + timedelta(minutes=1))

    suppression = Suppression.objects.get(workspace=personas.workspace, address="gone@example.org")
    assert suppression.reason == "hard_bounce"
    enrollment.refresh_from_db()
    assert (enrollment.state, enrollment.stop_reason) == ("stopped", "bounced: 5.1.1")
    bounce = DeliveryEvent.objects.get(message=sent, kind="bounce")
    assert bounce.detail.startswith("hard 5.1.1")
    assert Event.objects.get(verb="bounce.received").data == {"kind": "hard", "status": "5.1.1"}


def test_a_soft_bounce_is_recorded_only(personas, local_mailbox, template, imap_server, inbox, now):
    enrollment = enrolled(personas, local_mailbox, template, primary_email="full@example.org")
    run_at(now)
    sent = first_message(enrollment)
    _mailbox, username, password = inbox

    dsn = mail_samples.dsn(
        recipient="full@example.org",
        original_message_id=sent.message_id,
        action="delayed",
        status="4.2.2",
        diagnostic="smtp; 452 4.2.2 Mailbox full",
    )
    imap_server.deliver(username, password, dsn)
    poll(now + timedelta(minutes=1))

    assert DeliveryEvent.objects.get(message=sent, kind="bounce").detail.startswith("soft 4.2.2")
    assert not Suppression.objects.filter(address="full@example.org").exists()
    enrollment.refresh_from_db()
    assert enrollment.state == "active"


def test_mail_that_answers_none_of_our_messages_is_left_alone(
    personas, local_mailbox, template, imap_server, inbox, now
):
    enrollment = enrolled(personas, local_mailbox, template)
    run_at(now)
    mailbox, username, password = inbox

    imap_server.deliver(username, password, mail_samples.reply(in_reply_to="<other@elsewhere>"))
    poll(now + timedelta(minutes=1))

    enrollment.refresh_from_db()
    assert enrollment.state == "active"
    assert MailboxCursor.objects.get(mailbox=mailbox).last_uid == 1


def test_an_unreachable_imap_server_is_noted_on_the_mailbox_and_tried_again_later(
    personas, imap_server, now
):
    # given a mailbox whose IMAP server refuses connections (a closed loopback port)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    mailbox = mailbox_actions.save_mailbox(
        actor=personas.admin, name="Broken", from_address="broken@acme.example.com",
        kind="local", imap_host="127.0.0.1", imap_port=closed_port, imap_ssl=False,
        imap_username="broken", imap_password="x", owner_id=None,
    )  # fmt: skip

    poll(now)

    cursor = MailboxCursor.objects.get(mailbox=mailbox)
    assert "ConnectionRefusedError" in cursor.last_error
    assert not DueItem.objects.filter(kind=inbound.POLL_KIND, state="failed").exists()
    # and the next minute polls again
    assert inbound.schedule_polls(now + timedelta(minutes=1), 60) == 1
