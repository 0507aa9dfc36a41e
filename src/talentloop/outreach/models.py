"""Outreach records: mailboxes, contact basis and preferences, suppressions, templates,
the message outbox with its delivery events, campaigns and the local (embedded) outbox."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from talentloop.core.models import WorkspaceScopedModel
from talentloop.outreach.domain import (
    BASIS_CHOICES,
    CAMPAIGN_STATE_CHOICES,
    DELIVERY_EVENT_CHOICES,
    MAILBOX_KIND_CHOICES,
    MESSAGE_STATE_CHOICES,
    SMTP_SECURITY_CHOICES,
    SUPPRESSION_REASON_CHOICES,
)


class Mailbox(WorkspaceScopedModel):
    """A sending identity: SMTP (or the local outbox) out, IMAP in. Secrets stored encrypted."""

    name = models.CharField(max_length=100)
    from_name = models.CharField(max_length=200, blank=True, default="")
    from_address = models.CharField(max_length=254)
    reply_to = models.CharField(max_length=254, blank=True, default="")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Empty for a shared mailbox.",
    )
    allow_send_on_behalf = models.BooleanField(
        default=False, help_text="Teammates may send through this personal mailbox."
    )
    kind = models.CharField(max_length=8, choices=MAILBOX_KIND_CHOICES, default="local")
    smtp_host = models.CharField(max_length=253, blank=True, default="")
    smtp_port = models.PositiveIntegerField(default=587)
    smtp_security = models.CharField(
        max_length=8, choices=SMTP_SECURITY_CHOICES, default="starttls"
    )
    smtp_username = models.CharField(max_length=254, blank=True, default="")
    smtp_password_encrypted = models.TextField(blank=True, default="")
    imap_host = models.CharField(max_length=253, blank=True, default="")
    imap_port = models.PositiveIntegerField(default=993)
    imap_ssl = models.BooleanField(default=True)
    imap_username = models.CharField(max_length=254, blank=True, default="")
    imap_password_encrypted = models.TextField(blank=True, default="")
    imap_folder = models.CharField(max_length=200, blank=True, default="INBOX")
    daily_limit = models.PositiveIntegerField(default=500)
    min_spacing_seconds = models.PositiveIntegerField(default=0)
    # Why off by default: an open pixel and rewritten links tell the sender when and where a
    # recipient read the mail; a workspace turns that on per mailbox, knowingly.
    track_opens = models.BooleanField(
        default=False, help_text="Add a 1x1 image that records when a message is opened."
    )
    track_clicks = models.BooleanField(
        default=False, help_text="Send links through a signed redirect that records clicks."
    )
    # Why counters on the row: a claim locks the mailbox, reserves its messages against the
    # day's budget and moves next_send_at, so concurrent workers never overshoot the limit.
    next_send_at = models.DateTimeField(null=True, blank=True)
    budget_day = models.DateField(null=True, blank=True)
    budget_used = models.PositiveIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"], name="mailbox_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class ContactBasis(WorkspaceScopedModel):
    """The lawful basis for contacting a person: consent (evidence, date, expiry) or
    legitimate interest (with its note). Withdrawn rows stay as history."""

    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="contact_bases"
    )
    purpose = models.CharField(max_length=32, default="outreach")
    basis = models.CharField(max_length=24, choices=BASIS_CHOICES)
    evidence = models.TextField(blank=True, default="")
    note = models.TextField(blank=True, default="")
    given_at = models.DateTimeField()
    expires_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["workspace", "person"], name="basis_ws_person")]

    def __str__(self) -> str:
        return f"{self.basis} for person {self.person_id}"


class ContactPreference(WorkspaceScopedModel):
    """What a person asked for in the preference centre: opt-outs and job-alert interests."""

    person = models.OneToOneField(
        "people.Person", on_delete=models.CASCADE, related_name="contact_preference"
    )
    unsubscribed_all_at = models.DateTimeField(null=True, blank=True)
    opted_out_topics = models.JSONField(default=list, blank=True)
    job_alerts = models.BooleanField(default=False)
    role_interests = models.JSONField(default=list, blank=True)
    locations = models.JSONField(default=list, blank=True)
    seniorities = models.JSONField(default=list, blank=True)

    def __str__(self) -> str:
        return f"preferences of person {self.person_id}"


class Suppression(WorkspaceScopedModel):
    """An address nothing is ever sent to (unsubscribed, hard bounce, complaint, erased)."""

    address = models.CharField(max_length=254)
    reason = models.CharField(max_length=16, choices=SUPPRESSION_REASON_CHOICES)
    note = models.CharField(max_length=200, blank=True, default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "address"], name="suppression_unique")
        ]

    def __str__(self) -> str:
        return f"{self.address} ({self.reason})"


class Template(WorkspaceScopedModel):
    """A sandboxed Jinja2 email template with subject, HTML and plain-text parts."""

    name = models.CharField(max_length=200)
    topic = models.CharField(max_length=32, default="outreach")
    subject = models.CharField(max_length=500)
    html = models.TextField(blank=True, default="")
    text = models.TextField(blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    archived = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"], name="template_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class Campaign(WorkspaceScopedModel):
    """A one-off send of a template to everyone matching a segment's query."""

    name = models.CharField(max_length=200)
    template = models.ForeignKey(Template, on_delete=models.PROTECT, related_name="campaigns")
    mailbox = models.ForeignKey(Mailbox, on_delete=models.PROTECT, related_name="campaigns")
    audience_query = models.TextField(blank=True, default="")
    segment_id = models.BigIntegerField(null=True, blank=True)
    topic = models.CharField(max_length=32, default="newsletter")
    state = models.CharField(max_length=12, choices=CAMPAIGN_STATE_CHOICES, default="draft")
    scheduled_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    queued_count = models.PositiveIntegerField(default=0)
    refused_count = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["state", "scheduled_at"], name="campaign_due")]

    def __str__(self) -> str:
        return self.name


class Message(WorkspaceScopedModel):
    """One email in the transactional outbox. The idempotency key makes a retry a no-op."""

    mailbox = models.ForeignKey(Mailbox, on_delete=models.PROTECT, related_name="messages")
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    template = models.ForeignKey(
        Template, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    campaign = models.ForeignKey(
        Campaign, null=True, blank=True, on_delete=models.SET_NULL, related_name="messages"
    )
    idempotency_key = models.CharField(max_length=200)
    message_id = models.CharField(max_length=255, unique=True)
    in_reply_to = models.CharField(max_length=255, blank=True, default="")
    references = models.TextField(blank=True, default="")
    topic = models.CharField(max_length=32, blank=True, default="")
    from_address = models.CharField(max_length=254)
    to_address = models.CharField(max_length=254)
    subject = models.CharField(max_length=998)
    html = models.TextField(blank=True, default="")
    text = models.TextField(blank=True, default="")
    unsubscribe_url = models.CharField(max_length=1000, blank=True, default="")
    state = models.CharField(max_length=10, choices=MESSAGE_STATE_CHOICES, default="queued")
    reason = models.TextField(blank=True, default="")
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    claimed_by = models.CharField(max_length=64, blank=True, default="")
    claimed_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "idempotency_key"], name="message_unique_idempotency"
            )
        ]
        indexes = [
            # Why next_attempt_at also serves as the lease expiry of a claimed (sending) row: one
            # index then finds both due and abandoned work of a mailbox.
            models.Index(fields=["mailbox", "state", "next_attempt_at"], name="message_due"),
            models.Index(fields=["workspace", "to_address", "state"], name="message_ws_to"),
            models.Index(fields=["mailbox", "sent_at"], name="message_mailbox_sent"),
            models.Index(fields=["workspace", "-id"], name="message_ws_recent"),
        ]

    def __str__(self) -> str:
        return self.message_id


class DeliveryEvent(WorkspaceScopedModel):
    """What happened to a message: queued, attempt, sent, retry, failed, refused, bounce…"""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="delivery_events")
    kind = models.CharField(max_length=16, choices=DELIVERY_EVENT_CHOICES)
    detail = models.TextField(blank=True, default="")
    occurred_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["message", "occurred_at"], name="delivery_msg_time")]

    def __str__(self) -> str:
        return f"{self.kind} message {self.message_id}"


class LocalEmail(models.Model):
    """An email 'delivered' by the local outbox backend (embedded mode: no mail server)."""

    workspace = models.ForeignKey(
        "accounts.Workspace", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    message_id = models.CharField(max_length=255, db_index=True)
    from_address = models.CharField(max_length=254)
    to_addresses = models.JSONField(default=list)
    subject = models.CharField(max_length=998, blank=True, default="")
    text = models.TextField(blank=True, default="")
    html = models.TextField(blank=True, default="")
    headers = models.JSONField(default=dict)
    raw = models.TextField()
    delivered_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return self.message_id


# Sequences live in their own module; importing them here registers them with the app.
from talentloop.outreach.sequence_models import (  # noqa: E402, F401
    Enrollment,
    EnrollmentHistory,
    MailboxCursor,
    Sequence,
    SequenceStep,
)
