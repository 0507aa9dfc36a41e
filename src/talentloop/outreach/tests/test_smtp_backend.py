"""The SMTP backend's fast path hands the outbox row's envelope to the server unchanged, and
anything it cannot vouch for takes Django's own address handling."""

from __future__ import annotations

import smtplib

import pytest

from talentloop.outreach.mime import OutboxEmail
from talentloop.outreach.smtp_backend import OutboxSMTPBackend
from talentloop.outreach.tests.smtp_sink import SmtpSink


def _backend(sink: SmtpSink) -> OutboxSMTPBackend:
    return OutboxSMTPBackend(host=sink.host, port=sink.port, use_tls=False, fail_silently=False)


def test_an_outbox_email_goes_out_with_its_envelope(smtp_sink: SmtpSink) -> None:
    # given
    email = OutboxEmail(
        subject="Hello", body="Hi", from_email="Acme Talent <talent@acme.example.com>",
        to=["ada@example.com"], headers={"Message-ID": "<m1@acme.example.com>"},
    )  # fmt: skip
    email.envelope_from = "talent@acme.example.com"

    # when
    sent = _backend(smtp_sink).send_messages([email])

    # then
    [received] = smtp_sink.received
    assert sent == 1
    assert received.mail_from == "talent@acme.example.com"
    assert received.rcpt_tos == ["ada@example.com"]
    assert received.message_id == "<m1@acme.example.com>"
    assert received.message["From"] == "Acme Talent <talent@acme.example.com>"


@pytest.mark.parametrize(
    ("envelope_from", "recipient", "expected_rcpt"),
    [
        ("", "ada@example.com", "ada@example.com"),  # no envelope: Django parses the From
        ("talent@acme.example.com", "zoë@bücher.example", "zoë@xn--bcher-kva.example"),
    ],
)
def test_anything_else_takes_django_s_address_handling(
    smtp_sink: SmtpSink, envelope_from: str, recipient: str, expected_rcpt: str
) -> None:
    email = OutboxEmail(
        subject="Hello", body="Hi", from_email="talent@acme.example.com", to=[recipient],
        headers={"Message-ID": "<m2@acme.example.com>"},
    )  # fmt: skip
    email.envelope_from = envelope_from

    _backend(smtp_sink).send_messages([email])

    [received] = smtp_sink.received
    assert received.mail_from == "talent@acme.example.com"
    assert received.rcpt_tos == [expected_rcpt]


def test_a_refused_recipient_on_the_plain_envelope_path_raises_with_the_server_reply(
    smtp_sink: SmtpSink,
) -> None:
    # given the server refuses the one recipient at RCPT
    smtp_sink.handler.scripted["gone@example.com"] = ["550 5.1.1 No such user"]
    email = OutboxEmail(
        subject="Hello", body="Hi", from_email="talent@acme.example.com",
        to=["gone@example.com"], headers={"Message-ID": "<m3@acme.example.com>"},
    )  # fmt: skip
    email.envelope_from = "talent@acme.example.com"

    # when / then: smtplib's own refusal, with the code the delivery worker classifies
    with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
        _backend(smtp_sink).send_messages([email])
    assert refused.value.recipients == {"gone@example.com": (550, b"5.1.1 No such user")}
    assert smtp_sink.received == []
