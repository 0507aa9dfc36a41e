"""Pure outreach rules: who may be contacted, retry backoff, sending budgets, SMTP error classes."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from email_validator import EmailNotValidError, validate_email


class MailboxKind(StrEnum):
    LOCAL = "local"  # the embedded outbox shown in the UI
    SMTP = "smtp"  # this mailbox's own SMTP server
    DEFAULT = "default"  # Django's EMAIL_BACKEND (e.g. an email service provider via anymail)


class SmtpSecurity(StrEnum):
    NONE = "none"
    STARTTLS = "starttls"
    SSL = "ssl"


class Basis(StrEnum):
    CONSENT = "consent"
    LEGITIMATE_INTEREST = "legitimate_interest"


class SuppressionReason(StrEnum):
    UNSUBSCRIBED = "unsubscribed"
    HARD_BOUNCE = "hard_bounce"
    COMPLAINT = "complaint"
    ERASED = "erased"
    MANUAL = "manual"


class MessageState(StrEnum):
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    REFUSED = "refused"
    CANCELLED = "cancelled"


class CampaignState(StrEnum):
    DRAFT = "draft"
    SCHEDULED = "scheduled"
    SENDING = "sending"
    SENT = "sent"
    CANCELLED = "cancelled"


class DeliveryEventKind(StrEnum):
    QUEUED = "queued"
    SENT = "sent"
    RETRY = "retry"
    FAILED = "failed"
    REFUSED = "refused"
    CANCELLED = "cancelled"
    BOUNCE = "bounce"
    COMPLAINT = "complaint"
    OPEN = "open"
    CLICK = "click"
    REPLY = "reply"


def _choices(enum_class: type[StrEnum]) -> list[tuple[str, str]]:
    return [(member.value, member.value.replace("_", " ")) for member in enum_class]


MAILBOX_KIND_CHOICES = _choices(MailboxKind)
SMTP_SECURITY_CHOICES = _choices(SmtpSecurity)
BASIS_CHOICES = _choices(Basis)
SUPPRESSION_REASON_CHOICES = _choices(SuppressionReason)
MESSAGE_STATE_CHOICES = _choices(MessageState)
CAMPAIGN_STATE_CHOICES = _choices(CampaignState)
DELIVERY_EVENT_CHOICES = _choices(DeliveryEventKind)

TOPICS = ("outreach", "newsletter", "job_alerts", "events")
OPEN_STATES = (MessageState.QUEUED.value, MessageState.SENDING.value)


@dataclass(frozen=True)
class BasisFact:
    basis: str
    given_at: datetime
    expires_at: datetime | None
    withdrawn_at: datetime | None

    def active(self, now: datetime) -> bool:
        if self.withdrawn_at is not None and self.withdrawn_at <= now:
            return False
        return self.expires_at is None or self.expires_at > now


@dataclass(frozen=True)
class ContactFacts:
    """Everything that decides whether one address of one person may get an email now."""

    address: str
    suppression_reason: str | None = None
    has_person: bool = True
    do_not_contact: bool = False
    unsubscribed_all: bool = False
    opted_out_topics: Collection[str] = ()
    bases: tuple[BasisFact, ...] = ()


@dataclass(frozen=True)
class Refusal:
    code: str
    reason: str


def normalise_address(address: str) -> str:
    return address.strip().lower()


# Addresses were validated in full when they were stored (people.domain.normalize_email); at
# send time a cheap shape check is enough to skip junk, and it runs for every message.
_ADDRESS_SHAPE = re.compile(r"^[^@\s<>,;:\"()\[\]]+@[^@\s<>,;:\"()\[\]]+\.[^@\s<>,;:\"()\[\].]+$")


def address_problem(address: str) -> str | None:
    """Why an address cannot be mailed, or None when it looks like one."""
    if not address:
        return "no email address"
    if len(address) > 254 or not _ADDRESS_SHAPE.match(address):
        return "invalid email address"
    return None


def full_address_problem(address: str) -> str | None:
    """The thorough check (RFC syntax, no DNS) for addresses typed into settings."""
    try:
        validate_email(address, check_deliverability=False)
    except EmailNotValidError as error:
        return f"invalid email address: {error}"
    return None


def contactability(facts: ContactFacts, *, topic: str | None, now: datetime) -> Refusal | None:
    """The reason this email must not go out, or None when it may."""
    problem = address_problem(facts.address)
    if problem:
        return Refusal("invalid_address", problem)
    if facts.suppression_reason:
        reason = facts.suppression_reason.replace("_", " ")
        return Refusal("suppressed", f"address is on the suppression list ({reason})")
    if not facts.has_person:
        return None  # a test send to a teammate: no lawful-basis question
    if facts.do_not_contact:
        return Refusal("do_not_contact", "person is marked do-not-contact")
    if facts.unsubscribed_all:
        return Refusal("unsubscribed", "person unsubscribed from all email")
    if topic and topic in facts.opted_out_topics:
        return Refusal("topic_opt_out", f"person opted out of '{topic}' emails")
    if not any(basis.active(now) for basis in facts.bases):
        return Refusal("no_lawful_basis", "no lawful basis for outreach (consent or interest)")
    return None


RETRY_DELAYS_S = (60, 300, 900, 3600, 3 * 3600, 6 * 3600)
MAX_ATTEMPTS = len(RETRY_DELAYS_S) + 1


def retry_delay(attempts: int) -> timedelta | None:
    """Backoff after the given number of failed attempts; None when it is time to give up."""
    if attempts < 1 or attempts >= MAX_ATTEMPTS:
        return None
    return timedelta(seconds=RETRY_DELAYS_S[attempts - 1])


def smtp_code_is_permanent(code: int | None) -> bool:
    """5xx replies are permanent (RFC 5321); 4xx and connection trouble are temporary."""
    return code is not None and 500 <= code < 600


def remaining_budget(*, daily_limit: int, sent_last_24h: int) -> int:
    return max(daily_limit - sent_last_24h, 0)


def next_slot(*, now: datetime, spacing_s: int, sent_now: int) -> datetime | None:
    """When the mailbox may send again after sending `sent_now` messages at `now`."""
    if spacing_s <= 0:
        return None
    return now + timedelta(seconds=spacing_s * max(sent_now, 1))


def unsubscribe_body_is_one_click(body: bytes) -> bool:
    """RFC 8058: the POST body carries List-Unsubscribe=One-Click (form-encoded)."""
    return b"List-Unsubscribe=One-Click" in body


def basis_problems(*, basis: str, evidence: str, note: str) -> dict[str, str]:
    """Consent needs its evidence; legitimate interest needs its note (the balancing test)."""
    if basis == Basis.CONSENT:
        return {} if evidence.strip() else {"evidence": "consent needs its evidence"}
    if basis == Basis.LEGITIMATE_INTEREST:
        return {} if note.strip() else {"note": "legitimate interest needs a note"}
    return {"basis": "must be consent or legitimate_interest"}


def clean_list(values: Collection[str], *, limit: int = 20) -> list[str]:
    """Trimmed, de-duplicated, non-empty entries in their first order."""
    seen: dict[str, None] = {}
    for value in values:
        text = " ".join(str(value).split())[:100]
        if text and text.lower() not in {item.lower() for item in seen}:
            seen[text] = None
    return list(seen)[:limit]


def mailbox_problems(
    *, kind: str, from_address: str, smtp_host: str, daily_limit: int
) -> dict[str, str]:
    problems: dict[str, str] = {}
    if kind not in {member.value for member in MailboxKind}:
        problems["kind"] = "must be local, smtp or default"
    if full_address_problem(from_address):
        problems["from_address"] = "not a valid email address"
    if kind == MailboxKind.SMTP and not smtp_host.strip():
        problems["smtp_host"] = "an SMTP mailbox needs a host"
    if daily_limit < 1:
        problems["daily_limit"] = "must be at least 1"
    return problems
