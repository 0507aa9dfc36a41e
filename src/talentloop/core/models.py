"""Shared base models and the append-only Event outbox."""

from __future__ import annotations

from django.db import models


class TimestampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class WorkspaceScopedModel(TimestampedModel):
    """A row that belongs to exactly one workspace; queries always filter on it."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")

    class Meta:
        abstract = True


class Event(models.Model):
    """Who did what to which record, when. Never holds PII values, only field names and ids."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    actor = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verb = models.CharField(max_length=64, db_index=True)
    subject_type = models.CharField(max_length=32)
    subject_id = models.BigIntegerField()
    changed_fields = models.JSONField(default=list, blank=True)
    data = models.JSONField(default=dict, blank=True)
    request_id = models.CharField(max_length=64, blank=True, default="")
    occurred_at = models.DateTimeField(db_index=True)
    dispatched_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["subject_type", "subject_id"]),
            models.Index(fields=["workspace", "occurred_at"]),
            models.Index(
                fields=["id"],
                name="event_undispatched",
                condition=models.Q(dispatched_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.verb} {self.subject_type}#{self.subject_id}"


class WorkerHeartbeat(models.Model):
    """Last sign of life from each background worker; /readyz reads the newest."""

    worker_id = models.CharField(max_length=64, unique=True)
    hostname = models.CharField(max_length=255, blank=True, default="")
    pid = models.IntegerField(default=0)
    seen_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return self.worker_id


class IdempotencyRecord(models.Model):
    """A POST's response kept under the caller's Idempotency-Key so a retry repeats nothing."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    request_fingerprint = models.CharField(max_length=64)
    status_code = models.IntegerField()
    response_body = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_unique_user_key")
        ]

    def __str__(self) -> str:
        return self.key


class DueItem(models.Model):
    """Work that must happen at `due_at`: a sequence step, a workflow wait, a weekly digest.

    `key` makes scheduling idempotent: scheduling the same key twice returns the first row.
    `payload` holds ids only, never PII. A claimed row carries `claimed_by` and a lease
    (`claimed_until`); a worker that dies mid-run leaves the row to be claimed again once the
    lease runs out.
    """

    class State(models.TextChoices):
        PENDING = "pending"
        RUNNING = "running"
        DONE = "done"
        FAILED = "failed"
        CANCELLED = "cancelled"

    workspace = models.ForeignKey(
        "accounts.Workspace", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=64)
    key = models.CharField(max_length=255, unique=True)
    payload = models.JSONField(default=dict, blank=True)
    due_at = models.DateTimeField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    max_attempts = models.PositiveIntegerField(default=8)
    claimed_by = models.CharField(max_length=96, blank=True, default="")
    claimed_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True, default="")
    finished_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            # (due_at, id) is the claim order: the claim reads the first rows of this index.
            models.Index(
                fields=["due_at", "id"],
                name="dueitem_pending_due",
                condition=models.Q(state="pending"),
            ),
            models.Index(
                fields=["claimed_until"],
                name="dueitem_running_lease",
                condition=models.Q(state="running"),
            ),
            models.Index(fields=["kind", "state"], name="dueitem_kind_state"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.key} ({self.state})"
