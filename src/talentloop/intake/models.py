"""Intake records: import batches, their per-record issues, external ids, fields to review."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from talentloop.core.models import WorkspaceScopedModel


class SourceKind(models.TextChoices):
    """What a batch reads; each kind has one reader (intake.readers)."""

    CSV = "csv", "CSV"
    XLSX = "xlsx", "Excel (XLSX)"
    RESUMES = "resumes", "Resumes (PDF, DOCX, TXT, or a zip of them)"
    VCARD = "vcard", "vCard"
    JSON_RESUME = "json_resume", "JSON Resume"
    GREENHOUSE = "greenhouse", "Greenhouse export"
    LEVER = "lever", "Lever export"


class BatchStatus(models.TextChoices):
    MAPPING = "mapping", "Waiting for the column mapping"
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Importing"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"
    INTERRUPTED = "interrupted", "Interrupted"


FINISHED_STATUSES = frozenset({BatchStatus.DONE, BatchStatus.FAILED, BatchStatus.INTERRUPTED})


class ImportBatch(WorkspaceScopedModel):
    """One uploaded file (or folder) and what importing it did.

    `headers` holds the column titles only and `mapping` column index → target; no cell
    values are kept here. `stored_file` is the upload, kept until the import finishes and
    then deleted: the report (ImportIssue) is all that remains of the file.

    A running import holds a lease: `attempt` names the run that holds it and
    `heartbeat_at` moves on with every chunk it commits. A run whose heartbeat stops (its
    worker was killed) is marked interrupted; resuming it starts a new attempt after the
    `processed_rows` already in. An interrupted batch keeps its file until it is resumed
    and finishes.
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source_kind = models.CharField(max_length=16, choices=SourceKind.choices)
    file_name = models.CharField(max_length=255)
    stored_file = models.FileField(upload_to="imports/%Y/%m/", blank=True, default="")
    size = models.PositiveBigIntegerField(default=0)
    encoding = models.CharField(max_length=32, blank=True, default="")
    status = models.CharField(
        max_length=16, choices=BatchStatus.choices, default=BatchStatus.MAPPING
    )
    headers = models.JSONField(default=list, blank=True)
    mapping = models.JSONField(default=dict, blank=True)
    options = models.JSONField(default=dict, blank=True)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    skipped_count = models.PositiveIntegerField(default=0)
    failed_count = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=500, blank=True, default="")
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    attempt = models.PositiveIntegerField(default=0)
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["workspace", "-created_at"], name="importbatch_ws_recent")]

    def __str__(self) -> str:
        return f"{self.source_kind} {self.file_name} ({self.status})"

    @property
    def is_finished(self) -> bool:
        """Nothing is running it: done, failed, or interrupted and waiting to be resumed."""
        return self.status in FINISHED_STATUSES

    @property
    def is_interrupted(self) -> bool:
        return self.status == BatchStatus.INTERRUPTED

    @property
    def percent_done(self) -> int:
        if self.status in {BatchStatus.DONE, BatchStatus.FAILED}:
            return 100
        if not self.total_rows:
            return 0
        return min(99, self.processed_rows * 100 // self.total_rows)


class IssueLevel(models.TextChoices):
    ERROR = "error", "Not imported"
    WARNING = "warning", "Imported with a warning"
    SKIPPED = "skipped", "Skipped"


class ImportIssue(models.Model):
    """One line of a batch's report: where (row/file and column) and what, in words.

    The message names the problem, not the cell's value, so the report keeps no more
    personal data than the importing user needs to find and fix the row in their file.
    """

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="issues")
    locator = models.CharField(max_length=300)
    field = models.CharField(max_length=100, blank=True, default="")
    level = models.CharField(max_length=8, choices=IssueLevel.choices, default=IssueLevel.ERROR)
    message = models.CharField(max_length=500)
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["batch", "id"], name="importissue_batch")]

    def __str__(self) -> str:
        return f"{self.locator}: {self.message}"


class ExternalId(WorkspaceScopedModel):
    """A person's id in another system ("greenhouse", "lever", "import"): an upsert key."""

    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="external_ids"
    )
    system = models.CharField(max_length=32)
    value = models.CharField(max_length=200)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "system", "value"], name="externalid_unique_per_system"
            )
        ]

    def __str__(self) -> str:
        return f"{self.system}:{self.value}"


class ReviewStatus(models.TextChoices):
    OPEN = "open", "To review"
    ACCEPTED = "accepted", "Accepted"
    DISMISSED = "dismissed", "Dismissed"


class FieldReview(WorkspaceScopedModel):
    """A value a resume parser was unsure of: kept aside until someone accepts or dismisses it.

    `value` is what the parser read as text for reviewers of the workspace, `proposed` the
    same as data to apply; it reaches the person only through an accepting action.
    """

    batch = models.ForeignKey(
        ImportBatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="reviews"
    )
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    field = models.CharField(max_length=64)
    value = models.TextField()
    proposed = models.JSONField(default=dict, blank=True)
    confidence = models.FloatField()
    status = models.CharField(
        max_length=12, choices=ReviewStatus.choices, default=ReviewStatus.OPEN
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["workspace", "status"], name="fieldreview_ws_status")]

    def __str__(self) -> str:
        return f"{self.field} ({self.status})"
