from __future__ import annotations

from talentloop.outreach import mail_parsing as mp
from talentloop.outreach.tests import mail_samples


def test_referenced_ids_read_in_reply_to_then_references_newest_first():
    message = mp.parse_bytes(
        mail_samples.reply(in_reply_to="<b@acme.test>", references="<a@acme.test> <b@acme.test>")
    )
    assert mp.referenced_ids(message) == ["b@acme.test", "a@acme.test"]


def test_reply_text_drops_the_quoted_message():
    message = mp.parse_bytes(mail_samples.reply(in_reply_to="<a@acme.test>"))
    assert mp.reply_text(message) == "Thanks, happy to talk next week."
    assert mp.sender_address(message) == "ada@example.org"


def test_a_plain_reply_is_not_an_auto_reply():
    assert not mp.is_auto_reply(mp.parse_bytes(mail_samples.reply(in_reply_to="<a@x>")))


def test_auto_reply_headers_are_recognised():
    for header in (
        "Auto-Submitted: auto-replied",
        "Auto-Submitted: auto-generated",
        "X-Autoreply: yes",
        "X-Autorespond: Out of office",
        "Precedence: auto_reply",
        "Precedence: bulk",
        "Precedence: JUNK",
    ):
        raw = mail_samples.reply(in_reply_to="<a@x>", extra_headers=f"{header}\r\n")
        assert mp.is_auto_reply(mp.parse_bytes(raw)), header


def test_auto_submitted_no_means_a_person_wrote_it():
    raw = mail_samples.reply(in_reply_to="<a@x>", extra_headers="Auto-Submitted: no\r\n")
    assert not mp.is_auto_reply(mp.parse_bytes(raw))


def test_a_hard_bounce_names_the_recipient_status_and_our_message():
    raw = mail_samples.dsn(recipient="Gone@Example.org", original_message_id="<m-1@acme.test>")

    bounces = mp.parse_dsn(mp.parse_bytes(raw))

    assert len(bounces) == 1
    bounce = bounces[0]
    assert bounce.kind is mp.BounceKind.HARD
    assert bounce.status == "5.1.1"
    assert bounce.recipient == "gone@example.org"
    assert bounce.original_message_id == "m-1@acme.test"
    assert "User unknown" in bounce.diagnostic


def test_a_full_mailbox_is_a_soft_bounce():
    raw = mail_samples.dsn(
        recipient="full@example.org",
        original_message_id="<m-2@acme.test>",
        action="delayed",
        status="4.2.2",
        diagnostic="smtp; 452 4.2.2 Mailbox full",
    )
    (bounce,) = mp.parse_dsn(mp.parse_bytes(raw))
    assert (bounce.kind, bounce.status) == (mp.BounceKind.SOFT, "4.2.2")


def test_a_failed_action_with_a_temporary_code_is_soft():
    raw = mail_samples.dsn(
        recipient="x@example.org", original_message_id="<m@x>", status="4.4.7", diagnostic=""
    )
    (bounce,) = mp.parse_dsn(mp.parse_bytes(raw))
    assert bounce.kind is mp.BounceKind.SOFT


def test_the_status_code_is_taken_from_the_diagnostic_when_the_status_field_is_bare():
    raw = mail_samples.dsn(
        recipient="x@example.org",
        original_message_id="<m@x>",
        status="5.0.0",
        diagnostic="smtp; 550 5.7.1 blocked by policy",
    )
    (bounce,) = mp.parse_dsn(mp.parse_bytes(raw))
    assert bounce.status == "5.0.0"


def test_a_delivered_report_and_an_ordinary_message_are_not_bounces():
    delivered = mail_samples.dsn(
        recipient="x@example.org", original_message_id="<m@x>", action="delivered", status="2.0.0"
    )
    assert mp.parse_dsn(mp.parse_bytes(delivered)) == []
    assert mp.parse_dsn(mp.parse_bytes(mail_samples.reply(in_reply_to="<m@x>"))) == []


def test_html_only_replies_are_read_as_text():
    raw = (
        b"From: a@example.org\r\nSubject: Re: hi\r\nIn-Reply-To: <m@x>\r\nMIME-Version: 1.0\r\n"
        b"Content-Type: text/html; charset=utf-8\r\n\r\n"
        b"<p>Sounds <b>great</b></p><style>p{}</style>"
    )
    assert mp.reply_text(mp.parse_bytes(raw)) == "Sounds great"
