"""Sequences: ordered steps (email, wait, manual task) and the people enrolled in them.

Imported by outreach/models.py so Django registers them with the outreach app.
"""

from __future__ import annotations

from datetime import time

from django.conf import settings
from django.db import models

from talentloop.core.models import WorkspaceScopedModel
from talentloop.outreach.sequence_rules import (
    ENROLLMENT_SOURCE_CHOICES,
    ENROLLMENT_STATE_CHOICES,
    HISTORY_KIND_CHOICES,
    LIVE_STATES,
    STEP_KIND_CHOICES,
    TASK_KIND_CHOICES,
    THREAD_CHOICES,
)


def _monday_to_friday() -> list[int]:
    return [0, 1, 2, 3, 4]


class Sequence(WorkspaceScopedModel):
    """Steps sent from one mailbox inside the recipient's business hours."""

    name = models.CharField(max_length=200)
    mailbox = models.ForeignKey(
        "outreach.Mailbox", on_delete=models.PROTECT, related_name="sequences"
    )
    description = models.TextField(blank=True, default="")
    business_start = models.TimeField(default=time(9, 0))
    business_end = models.TimeField(default=time(17, 0))
    business_days = models.JSONField(default=_monday_to_friday)
    fallback_time_zone = models.CharField(
        max_length=64,
        blank=True,
        default="",
        help_text="Used for people without a time zone; empty: the mailbox owner's, else UTC.",
    )
    archived = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"], name="sequence_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class SequenceStep(models.Model):
    sequence = models.ForeignKey(Sequence, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=8, choices=STEP_KIND_CHOICES)
    template = models.ForeignKey(
        "outreach.Template", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    thread = models.CharField(max_length=8, choices=THREAD_CHOICES, default="new")
    wait_days = models.PositiveSmallIntegerField(default=0)
    task_kind = models.CharField(max_length=8, choices=TASK_KIND_CHOICES, blank=True, default="")
    task_note = models.CharField(max_length=500, blank=True, default="")

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["sequence", "position"], name="step_unique_position")
        ]

    def __str__(self) -> str:
        return f"{self.sequence_id} #{self.position} {self.kind}"


class Enrollment(WorkspaceScopedModel):
    """One person going through one sequence; `current_step` is the next step to run."""

    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="enrollments"
    )
    sequence = models.ForeignKey(Sequence, on_delete=models.CASCADE, related_name="enrollments")
    mailbox = models.ForeignKey("outreach.Mailbox", on_delete=models.PROTECT, related_name="+")
    state = models.CharField(max_length=10, choices=ENROLLMENT_STATE_CHOICES, default="active")
    current_step = models.PositiveSmallIntegerField(default=0)
    next_run_at = models.DateTimeField(null=True, blank=True)
    # Bumped by each resume, so the due item of a resumed step gets a fresh scheduling key.
    generation = models.PositiveIntegerField(default=0)
    stop_reason = models.CharField(max_length=200, blank=True, default="")
    source = models.CharField(max_length=16, choices=ENROLLMENT_SOURCE_CHOICES, default="profile")
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_message = models.ForeignKey(
        "outreach.Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["person", "state"], name="enrollment_person_state"),
            models.Index(fields=["sequence", "state"], name="enrollment_sequence_state"),
        ]
        constraints = [
            # One person is in at most one live (active or paused) sequence per mailbox.
            models.UniqueConstraint(
                fields=["person", "mailbox"],
                condition=models.Q(state__in=LIVE_STATES),
                name="enrollment_one_live_per_mailbox",
            )
        ]

    def __str__(self) -> str:
        return f"person {self.person_id} in sequence {self.sequence_id} ({self.state})"


class EnrollmentHistory(models.Model):
    """What happened to an enrolment, step by step; shown on the person's profile."""

    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="history")
    kind = models.CharField(max_length=16, choices=HISTORY_KIND_CHOICES)
    step_position = models.PositiveSmallIntegerField(null=True, blank=True)
    detail = models.CharField(max_length=300, blank=True, default="")
    message = models.ForeignKey(
        "outreach.Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    occurred_at = models.DateTimeField()

    class Meta:
        ordering = ["occurred_at", "id"]
        verbose_name_plural = "enrollment history"

    def __str__(self) -> str:
        return f"{self.kind} ({self.enrollment_id})"


class MailboxCursor(models.Model):
    """How far IMAP polling has read a mailbox's folder (UIDs are only valid per UIDVALIDITY)."""

    mailbox = models.OneToOneField(
        "outreach.Mailbox", on_delete=models.CASCADE, related_name="imap_cursor"
    )
    uid_validity = models.CharField(max_length=32, blank=True, default="")
    last_uid = models.PositiveBigIntegerField(default=0)
    polled_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True, default="")

    def __str__(self) -> str:
        return f"mailbox {self.mailbox_id} at uid {self.last_uid}"
