"""Raw inbound emails for tests: replies, auto-replies and delivery status notifications."""

from __future__ import annotations


def reply(
    *,
    in_reply_to: str,
    references: str = "",
    sender: str = "ada@example.org",
    to: str = "recruiter@acme.test",
    body: str = "Thanks, happy to talk next week.",
    extra_headers: str = "",
    message_id: str = "<reply-1@example.org>",
) -> bytes:
    references_line = f"References: {references}\r\n" if references else ""
    return (
        f"From: Ada Lovelace <{sender}>\r\n"
        f"To: {to}\r\n"
        "Subject: Re: A role you might like\r\n"
        "Date: Tue, 13 Jan 2026 10:00:00 +0100\r\n"
        f"Message-ID: {message_id}\r\n"
        f"In-Reply-To: {in_reply_to}\r\n"
        f"{references_line}"
        f"{extra_headers}"
        "MIME-Version: 1.0\r\n"
        'Content-Type: text/plain; charset="utf-8"\r\n'
        "\r\n"
        f"{body}\r\n"
        "\r\n"
        "On Mon, 12 Jan 2026 at 09:00, Recruiter <recruiter@acme.test> wrote:\r\n"
        "> Hi Ada, a role you might like.\r\n"
    ).encode()


def out_of_office(*, in_reply_to: str, sender: str = "ada@example.org") -> bytes:
    return reply(
        in_reply_to=in_reply_to,
        sender=sender,
        body="I am out of the office until Monday.",
        extra_headers="Auto-Submitted: auto-replied\r\n",
        message_id="<ooo-1@example.org>",
    )


def dsn(
    *,
    recipient: str,
    original_message_id: str,
    action: str = "failed",
    status: str = "5.1.1",
    diagnostic: str = "smtp; 550 5.1.1 <{recipient}>: Recipient address rejected: User unknown",
) -> bytes:
    """A delivery status notification shaped like the ones Postfix sends (RFC 3464)."""
    diagnostic = diagnostic.format(recipient=recipient)
    return (
        "From: MAILER-DAEMON@mx.example.org (Mail Delivery System)\r\n"
        "To: recruiter@acme.test\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\n"
        "Date: Tue, 13 Jan 2026 10:00:05 +0100\r\n"
        "Message-ID: <dsn-1@mx.example.org>\r\n"
        "Auto-Submitted: auto-replied\r\n"
        "MIME-Version: 1.0\r\n"
        "Content-Type: multipart/report; report-type=delivery-status;\r\n"
        '\tboundary="BOUNDARY-1"\r\n'
        "\r\n"
        "--BOUNDARY-1\r\n"
        "Content-Description: Notification\r\n"
        "Content-Type: text/plain; charset=us-ascii\r\n"
        "\r\n"
        "I'm sorry to have to inform you that your message could not\r\n"
        "be delivered to one or more recipients.\r\n"
        "\r\n"
        "--BOUNDARY-1\r\n"
        "Content-Description: Delivery report\r\n"
        "Content-Type: message/delivery-status\r\n"
        "\r\n"
        "Reporting-MTA: dns; mx.example.org\r\n"
        "Arrival-Date: Tue, 13 Jan 2026 10:00:01 +0100\r\n"
        "\r\n"
        f"Final-Recipient: rfc822; {recipient}\r\n"
        f"Original-Recipient: rfc822;{recipient}\r\n"
        f"Action: {action}\r\n"
        f"Status: {status}\r\n"
        "Remote-MTA: dns; mail.example.org\r\n"
        f"Diagnostic-Code: {diagnostic}\r\n"
        "\r\n"
        "--BOUNDARY-1\r\n"
        "Content-Description: Undelivered Message Headers\r\n"
        "Content-Type: text/rfc822-headers\r\n"
        "\r\n"
        "From: Recruiter <recruiter@acme.test>\r\n"
        f"To: {recipient}\r\n"
        "Subject: A role you might like\r\n"
        f"Message-ID: {original_message_id}\r\n"
        "\r\n"
        "--BOUNDARY-1--\r\n"
    ).encode()
