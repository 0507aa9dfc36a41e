"""Django's SMTP backend with a fast path for outbox messages.

Why: Django's `_send` runs `sanitize_address` on the sender and every recipient, a full
RFC 5322 parse that costs more than the SMTP exchange itself. Outbox rows carry addresses
that were validated and normalised when the message was queued, so for an `OutboxEmail` with
plain ASCII addresses the envelope is used as it is. Anything else (an internationalised
address, another kind of message) takes Django's own path.
"""

from __future__ import annotations

import smtplib
from typing import Any

from django.core.mail.backends.smtp import EmailBackend

from talentloop.outreach.mime import OutboxEmail


class OutboxSMTPBackend(EmailBackend):
    def _send(self, email_message: Any) -> bool:
        envelope = _plain_envelope(email_message)
        if envelope is None:
            return bool(super()._send(email_message))  # type: ignore[misc]  # private in the stubs
        sender, recipients = envelope
        assert self.connection is not None
        try:
            self.connection.sendmail(
                sender, recipients, email_message.message().as_bytes(linesep="\r\n")
            )
        except smtplib.SMTPException:
            if not self.fail_silently:
                raise
            return False
        return True


def _plain_envelope(email_message: Any) -> tuple[str, list[str]] | None:
    if not isinstance(email_message, OutboxEmail) or not email_message.envelope_from:
        return None
    addresses = [email_message.envelope_from, *email_message.recipients()]
    if not all(_is_plain(address) for address in addresses):
        return None
    return email_message.envelope_from, email_message.recipients()


def _is_plain(address: str) -> bool:
    # A bare addr-spec in ASCII with no characters that would need quoting or folding.
    return (
        address.isascii()
        and address.count("@") == 1
        and not any(character in address for character in ' <>()[],;:"\\\r\n')
    )
