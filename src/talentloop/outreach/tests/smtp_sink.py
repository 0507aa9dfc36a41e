"""A real SMTP server on loopback (aiosmtpd) that records what it accepts.

Used by the tests and bench/send.py. Replies can be scripted per recipient address to
exercise temporary (4xx) and permanent (5xx) failures.
"""

from __future__ import annotations

import email
import logging
import socket
import threading
from dataclasses import dataclass, field
from email.message import Message as MimeMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

# aiosmtpd logs every SMTP line at INFO; a sink taking 100,000 messages must stay quiet.
logging.getLogger("mail.log").setLevel(logging.WARNING)


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes

    @property
    def message(self) -> MimeMessage:
        return email.message_from_bytes(self.data)

    @property
    def message_id(self) -> str:
        return str(self.message["Message-ID"] or "")


@dataclass
class SinkHandler:
    keep_data: bool = True
    received: list[Received] = field(default_factory=list)
    # address -> list of SMTP replies to give at RCPT, one per attempt ("451 ...", "550 ...")
    scripted: dict[str, list[str]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: Any
    ) -> str:
        with self.lock:
            replies = self.scripted.get(address.lower())
            if replies:
                return replies.pop(0)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        data = envelope.original_content or b""
        if isinstance(data, str):
            data = data.encode()
        with self.lock:
            self.received.append(
                Received(
                    str(envelope.mail_from),
                    list(envelope.rcpt_tos),
                    data if self.keep_data else _headers_only(data),
                )
            )
        return "250 Message accepted"

    def message_ids(self) -> list[str]:
        with self.lock:
            return [item.message_id for item in self.received]


def _headers_only(data: bytes) -> bytes:
    head, _, _ = data.partition(b"\r\n\r\n")
    return head + b"\r\n\r\n"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class SmtpSink:
    """Start with `start()`; `host`/`port` to connect; `handler.received` to inspect."""

    def __init__(self, *, keep_data: bool = True, port: int | None = None) -> None:
        self.handler = SinkHandler(keep_data=keep_data)
        self.host = "127.0.0.1"
        self.port = port or free_port()
        self.controller = Controller(
            self.handler, hostname=self.host, port=self.port, data_size_limit=None
        )

    def start(self) -> SmtpSink:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()

    @property
    def received(self) -> list[Received]:
        return self.handler.received
