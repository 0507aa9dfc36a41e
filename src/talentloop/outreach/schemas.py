"""REST shapes for mailboxes, templates, consents, suppressions, messages and campaigns."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from ninja import Field, Schema

from talentloop.api.common import StorableText, StrictIn
from talentloop.api.pagination import DEFAULT_LIMIT, MAX_LIMIT

MailboxKindName = Literal["local", "smtp", "default"]
SecurityName = Literal["none", "starttls", "ssl"]
TopicName = Literal["outreach", "newsletter", "job_alerts", "events"]
BasisName = Literal["consent", "legitimate_interest"]
ReasonName = Literal["unsubscribed", "hard_bounce", "complaint", "erased", "manual"]
StateName = Literal["queued", "sending", "sent", "failed", "refused", "cancelled"]


class PageQuery(StorableText):
    cursor: str | None = None
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)


class MailboxIn(StrictIn):
    name: str = Field(..., min_length=1, max_length=100)
    from_address: str = Field(..., min_length=3, max_length=254)
    from_name: str = Field("", max_length=200)
    reply_to: str = Field("", max_length=254)
    kind: MailboxKindName = "local"
    shared: bool = Field(True, description="false makes it your personal mailbox")
    allow_send_on_behalf: bool = Field(False, description="admins only: teammates may send as it")
    smtp_host: str = Field("", max_length=253)
    smtp_port: int = Field(587, ge=1, le=65535)
    smtp_security: SecurityName = "starttls"
    smtp_username: str = Field("", max_length=254)
    smtp_password: str | None = Field(None, max_length=1000, description="write-only")
    imap_host: str = Field("", max_length=253)
    imap_port: int = Field(993, ge=1, le=65535)
    imap_ssl: bool = True
    imap_username: str = Field("", max_length=254)
    imap_password: str | None = Field(None, max_length=1000, description="write-only")
    imap_folder: str = Field("INBOX", max_length=200)
    daily_limit: int = Field(500, ge=1, le=1_000_000)
    min_spacing_seconds: int = Field(0, ge=0, le=86_400)
    track_opens: bool = Field(False, description="record opens with a 1x1 image (off by default)")
    track_clicks: bool = Field(False, description="send links through a signed redirect")


class MailboxPatch(StrictIn):
    name: str | None = Field(None, min_length=1, max_length=100)
    from_name: str | None = Field(None, max_length=200)
    reply_to: str | None = Field(None, max_length=254)
    allow_send_on_behalf: bool | None = None
    smtp_host: str | None = Field(None, max_length=253)
    smtp_port: int | None = Field(None, ge=1, le=65535)
    smtp_security: SecurityName | None = None
    smtp_username: str | None = Field(None, max_length=254)
    smtp_password: str | None = Field(None, max_length=1000)
    imap_host: str | None = Field(None, max_length=253)
    imap_port: int | None = Field(None, ge=1, le=65535)
    imap_ssl: bool | None = None
    imap_username: str | None = Field(None, max_length=254)
    imap_password: str | None = Field(None, max_length=1000)
    imap_folder: str | None = Field(None, max_length=200)
    daily_limit: int | None = Field(None, ge=1, le=1_000_000)
    min_spacing_seconds: int | None = Field(None, ge=0, le=86_400)
    active: bool | None = None
    track_opens: bool | None = None
    track_clicks: bool | None = None


class MailboxOut(Schema):
    id: int
    name: str
    from_name: str
    from_address: str
    reply_to: str
    kind: str
    owner_id: int | None
    allow_send_on_behalf: bool
    smtp_host: str
    smtp_port: int
    smtp_security: str
    smtp_username: str
    has_smtp_password: bool
    imap_host: str
    imap_port: int
    imap_ssl: bool
    imap_username: str
    has_imap_password: bool
    imap_folder: str
    daily_limit: int
    min_spacing_seconds: int
    active: bool
    track_opens: bool
    track_clicks: bool

    @staticmethod
    def resolve_has_smtp_password(mailbox: object) -> bool:
        return bool(getattr(mailbox, "smtp_password_encrypted", ""))

    @staticmethod
    def resolve_has_imap_password(mailbox: object) -> bool:
        return bool(getattr(mailbox, "imap_password_encrypted", ""))


class TemplateIn(StrictIn):
    name: str = Field(..., min_length=1, max_length=200)
    topic: TopicName = "outreach"
    subject: str = Field(..., min_length=1, max_length=500)
    html: str = Field("", max_length=200_000)
    text: str = Field("", max_length=200_000)


class TemplatePatch(StrictIn):
    name: str | None = Field(None, min_length=1, max_length=200)
    topic: TopicName | None = None
    subject: str | None = Field(None, min_length=1, max_length=500)
    html: str | None = Field(None, max_length=200_000)
    text: str | None = Field(None, max_length=200_000)


class TemplateOut(Schema):
    id: int
    name: str
    topic: str
    subject: str
    html: str
    text: str
    created_at: datetime
    updated_at: datetime


class DraftIn(StrictIn):
    subject: str = Field(..., max_length=500)
    html: str = Field("", max_length=200_000)
    text: str = Field("", max_length=200_000)
    person_id: int | None = Field(None, description="render for this person (default: newest)")


class PreviewIn(StrictIn):
    person_id: int | None = None
    job_id: int | None = None


class RenderedOut(Schema):
    subject: str
    html: str
    text: str


class BasisIn(StrictIn):
    basis: BasisName
    evidence: str = Field("", max_length=5000)
    note: str = Field("", max_length=5000)
    given_at: datetime | None = None
    expires_at: datetime | None = None


class BasisOut(Schema):
    id: int
    person_id: int
    purpose: str
    basis: str
    evidence: str
    note: str
    given_at: datetime
    expires_at: datetime | None
    withdrawn_at: datetime | None


class ContactabilityOut(Schema):
    person_id: int
    address: str
    contactable: bool
    code: str
    reason: str


class SuppressionIn(StrictIn):
    address: str = Field(..., min_length=3, max_length=254)
    reason: ReasonName = "manual"
    note: str = Field("", max_length=200)


class SuppressionOut(Schema):
    id: int
    address: str
    reason: str
    note: str
    created_at: datetime


class MessageIn(StrictIn):
    mailbox_id: int
    person_id: int
    template_id: int
    job_id: int | None = None
    idempotency_key: str = Field(..., min_length=1, max_length=200)
    reply_to_message_id: int | None = Field(None, description="send as a reply in that thread")
    send_after: datetime | None = None


class MessageFilters(PageQuery):
    state: StateName | None = None
    person_id: int | None = None
    campaign_id: int | None = None


class MessageOut(Schema):
    id: int
    mailbox_id: int
    person_id: int | None
    campaign_id: int | None
    idempotency_key: str
    message_id: str
    in_reply_to: str
    references: str
    topic: str
    from_address: str
    to_address: str
    subject: str
    state: str
    reason: str
    attempts: int
    next_attempt_at: datetime
    sent_at: datetime | None
    created_at: datetime


class MessageDetailOut(MessageOut):
    html: str
    text: str


class CampaignIn(StrictIn):
    name: str = Field(..., min_length=1, max_length=200)
    template_id: int
    mailbox_id: int
    audience_query: str = Field("", max_length=5000)
    segment_id: int | None = None
    topic: TopicName = "newsletter"


class CampaignPatch(StrictIn):
    name: str | None = Field(None, min_length=1, max_length=200)
    template_id: int | None = None
    mailbox_id: int | None = None
    audience_query: str | None = Field(None, max_length=5000)
    segment_id: int | None = None
    topic: TopicName | None = None


class CampaignOut(Schema):
    id: int
    name: str
    template_id: int
    mailbox_id: int
    audience_query: str
    segment_id: int | None
    topic: str
    state: str
    scheduled_at: datetime | None
    started_at: datetime | None
    finished_at: datetime | None
    queued_count: int
    refused_count: int


class SkippedOut(Schema):
    person_id: int
    name: str
    reason: str


class CampaignPreviewOut(Schema):
    total: int
    will_send: int
    skipped: list[SkippedOut]
    sample_person_id: int | None
    sample: RenderedOut | None


class ScheduleIn(StrictIn):
    send_at: datetime | None = Field(None, description="omit to send now")


class TestSendIn(StrictIn):
    to_address: str | None = Field(None, max_length=254, description="default: your own address")
