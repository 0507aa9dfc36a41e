"""The local outbox: a Django email backend that stores mail in the database.

Embedded installs have no mail server; this backend keeps every message (raw MIME, parts and
headers) so the Outbox page can show it like a mail client and the demo works offline.
"""

from __future__ import annotations

from collections.abc import Sequence
from email import message_from_bytes
from email.message import Message as MimeMessage

from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend

from talentloop.outreach.models import LocalEmail, Message


class LocalOutboxBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        stored = [self._row(email) for email in email_messages]
        LocalEmail.objects.bulk_create(stored)
        return len(stored)

    def _row(self, email: EmailMessage) -> LocalEmail:
        # Parsed back from bytes, so whatever builds the message, the stored copy is what a
        # mail server would have received.
        mime = message_from_bytes(email.message().as_bytes(linesep="\r\n"))
        message_id = str(mime["Message-ID"] or "")
        workspace_id = (
            Message.objects.filter(message_id=message_id)
            .values_list("workspace_id", flat=True)
            .first()
        )
        text, html = _parts(mime)
        return LocalEmail(
            workspace_id=workspace_id,
            message_id=message_id,
            from_address=str(email.from_email or ""),
            to_addresses=list(email.recipients()),
            subject=str(mime["Subject"] or ""),
            text=text,
            html=html,
            headers={key: str(value) for key, value in mime.items()},
            raw=mime.as_bytes().decode("utf-8", errors="replace"),
        )


def _parts(mime: MimeMessage) -> tuple[str, str]:
    text = html = ""
    for part in mime.walk():
        if part.is_multipart():
            continue
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes):
            continue
        content = payload.decode(part.get_content_charset() or "utf-8", errors="replace")
        if part.get_content_type() == "text/html" and not html:
            html = content
        elif part.get_content_type() == "text/plain" and not text:
            text = content
    return text, html
