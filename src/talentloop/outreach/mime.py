"""Outgoing MIME built directly from an outbox row.

Why not Django's `EmailMessage.message()`: the stdlib email generator it uses costs more per
message than the SMTP exchange itself. Outbox rows are always the same shape (text part,
optional HTML part, a few known headers), so they are written out directly: non-ASCII header
values as RFC 2047 words, bodies as UTF-8 base64. `OutboxEmail` stays a Django
`EmailMultiAlternatives`, so every Django email backend (SMTP, the local outbox, anymail)
sends it; only `message()` is faster.
"""

from __future__ import annotations

import base64
import email
import random
from email.header import Header
from email.message import Message as MimeMessage
from email.utils import formatdate
from typing import Any

from django.core.mail import EmailMultiAlternatives


def _header(value: str) -> str:
    if value.isascii():
        return value
    return Header(value, "utf-8", maxlinelen=998).encode()


def _base64(text: str) -> bytes:
    # 76-character lines, as RFC 2045 asks.
    return base64.encodebytes(text.encode("utf-8"))


class PreparedMime:
    """What Django's backends need from `message()`: bytes, text and header look-up."""

    def __init__(self, raw: bytes) -> None:
        self.raw = raw

    def as_bytes(self, linesep: str = "\n", **_: Any) -> bytes:
        return self.raw if linesep == "\r\n" else self.raw.replace(b"\r\n", linesep.encode())

    def as_string(self, **_: Any) -> str:
        return self.raw.decode("ascii")

    def parsed(self) -> MimeMessage:
        return email.message_from_bytes(self.raw)

    def __getitem__(self, name: str) -> Any:
        return self.parsed()[name]


class OutboxEmail(EmailMultiAlternatives):
    # The bare sender address for the SMTP envelope (the From header may carry a name).
    envelope_from = ""

    def message(self) -> PreparedMime:
        headers = {
            "From": _header(str(self.from_email)),
            "To": ", ".join(_header(address) for address in self.to),
            "Subject": _header(str(self.subject)),
            "Date": formatdate(localtime=False),
            "MIME-Version": "1.0",
        }
        if self.reply_to:
            headers["Reply-To"] = ", ".join(self.reply_to)
        headers.update({name: _header(str(value)) for name, value in self.extra_headers.items()})
        lines = [f"{name}: {value}".encode() for name, value in headers.items()]
        text = [b"Content-Type: text/plain; charset=utf-8", b"Content-Transfer-Encoding: base64"]
        html = [alt for alt in self.alternatives if alt[1] == "text/html"]
        if not html:
            body = b"\r\n".join([*lines, *text, b""]) + b"\r\n" + _crlf(_base64(str(self.body)))
            return PreparedMime(body)
        # Why not secrets: a boundary must only differ from the body, which is base64 and
        # cannot contain "=_"; a fresh random number per message is plenty.
        boundary = f"=_tl_{random.getrandbits(96):024x}"
        parts = [
            *lines,
            f'Content-Type: multipart/alternative; boundary="{boundary}"'.encode(),
            b"",
            f"--{boundary}".encode(),
            *text,
            b"",
            _crlf(_base64(str(self.body))),
            f"--{boundary}".encode(),
            b"Content-Type: text/html; charset=utf-8",
            b"Content-Transfer-Encoding: base64",
            b"",
            _crlf(_base64(str(html[0][0]))),
            f"--{boundary}--".encode(),
            b"",
        ]
        return PreparedMime(b"\r\n".join(parts))


def _crlf(encoded: bytes) -> bytes:
    return encoded.replace(b"\n", b"\r\n").removesuffix(b"\r\n")
