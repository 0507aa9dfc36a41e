"""Reading inbound mail: replies, auto-replies and delivery status notifications (bounces).

Pure functions over `email.message.Message` objects; no database, no network.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage, Message
from email.utils import parseaddr
from enum import StrEnum

_MESSAGE_ID = re.compile(r"<([^<>\s]+)>")
_AUTO_PRECEDENCE = {"auto_reply", "bulk", "junk"}
_STATUS_CODE = re.compile(r"\b([245])\.(\d{1,3})\.(\d{1,3})\b")
_QUOTE_HEADER = re.compile(r"^\s*(On .{0,200}wrote:|-{2,}\s*Original Message\s*-{2,})\s*$", re.I)
REPLY_TEXT_LIMIT = 10_000


class BounceKind(StrEnum):
    HARD = "hard"  # permanent: the address does not work, suppress it
    SOFT = "soft"  # temporary: mailbox full, try later; recorded only


@dataclass(frozen=True)
class Bounce:
    kind: BounceKind
    status: str  # the enhanced status code, e.g. "5.1.1"
    recipient: str
    diagnostic: str
    original_message_id: str  # our Message-ID without brackets, "" when the report omits it


def parse_bytes(raw: bytes) -> EmailMessage:
    """Parse a raw RFC 5322 message with the modern policy."""
    parsed = message_from_bytes(raw, policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def message_ids(header_value: str | None) -> list[str]:
    """The Message-IDs in a Message-ID/In-Reply-To/References value, without angle brackets."""
    return _MESSAGE_ID.findall(str(header_value or ""))


def referenced_ids(message: Message) -> list[str]:
    """Every Message-ID the message answers: In-Reply-To first, then References newest first."""
    seen: dict[str, None] = {}
    for found in message_ids(message.get("In-Reply-To")):
        seen.setdefault(found, None)
    for found in reversed(message_ids(message.get("References"))):
        seen.setdefault(found, None)
    return list(seen)


def is_auto_reply(message: Message) -> bool:
    """An out-of-office or other automatic answer (RFC 3834 and the common vendor headers)."""
    auto_submitted = str(message.get("Auto-Submitted", "")).strip().lower()
    if auto_submitted and auto_submitted != "no":
        return True
    if message.get("X-Autoreply") is not None or message.get("X-Autorespond") is not None:
        return True
    precedence = str(message.get("Precedence", "")).strip().lower()
    return precedence in _AUTO_PRECEDENCE


def is_delivery_report(message: Message) -> bool:
    return (
        message.get_content_type() == "multipart/report"
        and str(message.get_param("report-type", "")).lower() == "delivery-status"
    )


def parse_dsn(message: Message) -> list[Bounce]:
    """The failed or delayed recipients of a DSN (RFC 3464); [] when it is not a DSN."""
    if not is_delivery_report(message):
        return []
    status_part = _part_of_type(message, "message/delivery-status")
    if status_part is None:
        return []
    blocks = _status_blocks(status_part)
    original_id = _original_message_id(message)
    bounces = []
    for block in blocks[1:]:  # the first block is about the message, the rest per recipient
        bounce = _bounce_from(block, original_id)
        if bounce is not None:
            bounces.append(bounce)
    return bounces


def _part_of_type(message: Message, content_type: str) -> Message | None:
    for part in message.walk():
        if part.get_content_type() == content_type:
            return part
    return None


def _status_blocks(part: Message) -> list[Message]:
    payload = part.get_payload()
    if isinstance(payload, list):
        return [block for block in payload if isinstance(block, Message)]
    return []


def _bounce_from(block: Message, original_id: str) -> Bounce | None:
    action = str(block.get("Action", "")).strip().lower()
    if action not in {"failed", "delayed"}:
        return None  # delivered, relayed, expanded: not a problem
    diagnostic = " ".join(str(block.get("Diagnostic-Code", "")).split())
    status = _status_code(str(block.get("Status", "")), diagnostic)
    hard = action == "failed" and not status.startswith("4")
    recipient = str(block.get("Final-Recipient") or block.get("Original-Recipient") or "")
    return Bounce(
        kind=BounceKind.HARD if hard else BounceKind.SOFT,
        status=status,
        recipient=_address_of(recipient),
        diagnostic=diagnostic[:500],
        original_message_id=original_id,
    )


def _status_code(status_field: str, diagnostic: str) -> str:
    match = _STATUS_CODE.search(status_field) or _STATUS_CODE.search(diagnostic)
    return ".".join(match.groups()) if match else ""


def _address_of(recipient_field: str) -> str:
    # "rfc822; someone@example.com" → someone@example.com
    _type, _sep, address = recipient_field.rpartition(";")
    return parseaddr(address.strip())[1].lower() or address.strip().lower()


def _original_message_id(message: Message) -> str:
    for content_type in ("message/rfc822", "text/rfc822-headers", "message/rfc822-headers"):
        part = _part_of_type(message, content_type)
        if part is None:
            continue
        headers = _embedded_headers(part)
        if headers is not None:
            found = message_ids(headers.get("Message-ID"))
            if found:
                return found[0]
    return ""


def _embedded_headers(part: Message) -> Message | None:
    payload = part.get_payload()
    if isinstance(payload, list) and payload and isinstance(payload[0], Message):
        return payload[0]
    raw = part.get_payload(decode=True)
    if isinstance(raw, bytes):
        return message_from_bytes(raw, policy=policy.default)
    return None


def reply_text(message: Message) -> str:
    """The new text of a reply: its plain-text body without the quoted earlier message."""
    body = _plain_body(message)
    kept: list[str] = []
    for line in body.splitlines():
        if _QUOTE_HEADER.match(line):
            break
        if line.lstrip().startswith(">"):
            continue
        kept.append(line.rstrip())
    return "\n".join(kept).strip()[:REPLY_TEXT_LIMIT]


def _plain_body(message: Message) -> str:
    if isinstance(message, EmailMessage):
        part = message.get_body(preferencelist=("plain", "html"))
        if part is None:
            return ""
        content = str(part.get_content())
        if part.get_content_type() == "text/html":
            return _strip_tags(content)
        return content
    payload = message.get_payload(decode=True)
    return payload.decode(errors="replace") if isinstance(payload, bytes) else ""


def _strip_tags(html: str) -> str:
    text = re.sub(r"(?is)<(script|style).*?</\1>", " ", html)
    text = re.sub(r"(?i)<br\s*/?>|</p>|</div>", "\n", text)
    return re.sub(r"<[^>]+>", "", text)


def sender_address(message: Message) -> str:
    return parseaddr(str(message.get("From", "")))[1].lower()
