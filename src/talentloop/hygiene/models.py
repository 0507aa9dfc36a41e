"""Hygiene records: blocking keys, duplicate candidates and merge records (for undo)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from talentloop.core.models import WorkspaceScopedModel


class BlockingKey(models.Model):
    """One block a person falls in (see hygiene.matching.blocking); narrow on purpose.

    Checking one incoming record reads the rows of its own keys through the
    (workspace, key) index, then scores only the people found there.
    """

    # Why no database constraints: the rows are derived (rebuilt by every scan and check) and
    # a batch scan writes millions of them; checking each against people at commit doubled
    # the scan's time. Deleting a person still removes its keys (Django's cascade).
    # No index of its own on workspace: the (workspace, key) index serves every workspace
    # look-up, and one index fewer to fill is felt when a scan writes a million rows.
    workspace = models.ForeignKey(
        "accounts.Workspace",
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    key = models.CharField(max_length=128)

    class Meta:
        indexes = [
            models.Index(fields=["workspace", "key"], include=["person"], name="blockkey_ws_key")
        ]

    def __str__(self) -> str:
        return f"{self.person_id}:{self.key}"


class CandidateStatus(models.TextChoices):
    OPEN = "open", "To review"
    DISMISSED = "dismissed", "Not a duplicate"
    MERGED = "merged", "Merged"


class DuplicateCandidate(WorkspaceScopedModel):
    """Two people who may be one; `low` always has the smaller id so a pair is stored once."""

    low = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    high = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    score = models.FloatField()
    verdict = models.CharField(max_length=10)
    # Feature names, similarities and weights only, never the compared values.
    reasons = models.JSONField(default=list, blank=True)
    status = models.CharField(
        max_length=10, choices=CandidateStatus.choices, default=CandidateStatus.OPEN
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["workspace", "status", "-score"], name="dupcand_ws_queue"),
            models.Index(fields=["high"], name="dupcand_high"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["low", "high"], name="dupcand_unique_pair"),
            models.CheckConstraint(
                condition=models.Q(low__lt=models.F("high")), name="dupcand_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.low_id}~{self.high_id} ({self.status})"


class MergeRecord(WorkspaceScopedModel):
    """One merge: both people and every row it touched as they were, so it can be undone."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Plain ids, not foreign keys: the merged-away person no longer exists after a merge.
    survivor_id = models.BigIntegerField()
    other_id = models.BigIntegerField()
    field_choices = models.JSONField(default=dict, blank=True)
    # Serialised rows ("app.model", pk, fields) before the merge, and what the merge did.
    snapshot = models.JSONField(default=dict)
    notes = models.JSONField(default=dict, blank=True)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["workspace", "-created_at"], name="merge_ws_recent")]

    def __str__(self) -> str:
        return f"merge {self.other_id} into {self.survivor_id}"
