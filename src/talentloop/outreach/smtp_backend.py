"""Django's SMTP backend with a fast path for outbox messages.

Why: Django's `_send` runs `sanitize_address` on the sender and every recipient, a full
RFC 5322 parse that costs more than the SMTP exchange itself. Outbox rows carry addresses
that were validated and normalised when the message was queued, so for an `OutboxEmail` with
plain ASCII addresses the envelope is used as it is. Anything else (an internationalised
address, another kind of message) takes Django's own path. For the same reason the SMTP
connection skips smtplib's own re-parse of plain envelope addresses in MAIL FROM / RCPT TO.
"""

from __future__ import annotations

import smtplib
from typing import Any

from django.core.mail.backends.smtp import EmailBackend

from talentloop.outreach.mime import OutboxEmail


class _PlainEnvelopeMixin:
    """MAIL FROM / RCPT TO without `quoteaddr`'s RFC 5322 parse when the address is a bare
    ASCII addr-spec (what quoting would produce is then just `<address>`)."""

    def mail(self, sender: str, options: Any = ()) -> tuple[int, bytes]:
        if options or not _is_plain(sender):
            return super().mail(sender, options)  # type: ignore[misc,no-any-return]
        self.putcmd("mail", f"FROM:<{sender}>")  # type: ignore[attr-defined]
        return self.getreply()  # type: ignore[attr-defined,no-any-return]

    def rcpt(self, recip: str, options: Any = ()) -> tuple[int, bytes]:
        if options or not _is_plain(recip):
            return super().rcpt(recip, options)  # type: ignore[misc,no-any-return]
        self.putcmd("rcpt", f"TO:<{recip}>")  # type: ignore[attr-defined]
        return self.getreply()  # type: ignore[attr-defined,no-any-return]


class _SMTP(_PlainEnvelopeMixin, smtplib.SMTP):
    pass


class _SMTPSSL(_PlainEnvelopeMixin, smtplib.SMTP_SSL):
    pass


class OutboxSMTPBackend(EmailBackend):
    @property
    def connection_class(self) -> type[smtplib.SMTP]:
        return _SMTPSSL if self.use_ssl else _SMTP

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
    recipients: list[str] = email_message.recipients()
    if not all(_is_plain(address) for address in [email_message.envelope_from, *recipients]):
        return None
    return email_message.envelope_from, recipients


def _is_plain(address: str) -> bool:
    # A bare addr-spec in ASCII with no characters that would need quoting or folding.
    return address.isascii() and address.count("@") == 1 and _NEEDS_QUOTING.isdisjoint(address)


_NEEDS_QUOTING = frozenset(' <>()[],;:"\\\r\n')
