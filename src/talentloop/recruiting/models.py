"""Jobs, pipelines and their stages, talent pools, candidacies and their stage history."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from talentloop.core.models import WorkspaceScopedModel
from talentloop.people.domain import SalaryPeriod
from talentloop.people.models import Company, Person, Source, _choices
from talentloop.recruiting.domain import (
    EmploymentType,
    JobStatus,
    Origin,
    Outcome,
    PipelineKind,
    ReasonKind,
    RemotePolicy,
    StageCategory,
)


class PipelineTemplate(WorkspaceScopedModel):
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=8, choices=_choices(PipelineKind), default="job")
    is_default = models.BooleanField(default=False)

    def __str__(self) -> str:
        return self.name


class Stage(models.Model):
    pipeline = models.ForeignKey(PipelineTemplate, on_delete=models.CASCADE, related_name="stages")
    key = models.SlugField(max_length=32)
    name = models.CharField(max_length=64)
    position = models.PositiveSmallIntegerField()
    category = models.CharField(max_length=8, choices=_choices(StageCategory), default="active")

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["pipeline", "key"], name="stage_unique_key"),
        ]

    def __str__(self) -> str:
        return self.name


class RejectionReason(WorkspaceScopedModel):
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=10, choices=_choices(ReasonKind), default="rejected")
    active = models.BooleanField(default=True)

    def __str__(self) -> str:
        return self.name


class Job(WorkspaceScopedModel):
    title = models.CharField(max_length=200)
    department = models.CharField(max_length=100, blank=True, default="")
    company = models.ForeignKey(
        Company, null=True, blank=True, on_delete=models.SET_NULL, related_name="jobs"
    )
    description = models.TextField(blank=True, default="")
    city = models.CharField(max_length=100, blank=True, default="")
    country = models.CharField(max_length=2, blank=True, default="")
    remote_policy = models.CharField(max_length=8, choices=_choices(RemotePolicy), default="onsite")
    employment_type = models.CharField(
        max_length=12, choices=_choices(EmploymentType), default="full_time"
    )
    salary_currency = models.CharField(max_length=3, blank=True, default="")
    salary_min = models.PositiveIntegerField(null=True, blank=True)
    salary_max = models.PositiveIntegerField(null=True, blank=True)
    salary_period = models.CharField(
        max_length=8, choices=_choices(SalaryPeriod), blank=True, default="year"
    )
    openings = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(max_length=8, choices=_choices(JobStatus), default="open")
    hiring_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="managed_jobs",
    )
    recruiter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="recruited_jobs",
    )
    pipeline = models.ForeignKey(PipelineTemplate, on_delete=models.PROTECT, related_name="jobs")
    required_skills = models.JSONField(default=list, blank=True)
    nice_to_have_skills = models.JSONField(default=list, blank=True)
    min_years = models.PositiveSmallIntegerField(null=True, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["workspace", "status"], name="job_ws_status")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(salary_min__isnull=True)
                | models.Q(salary_max__isnull=True)
                | models.Q(salary_min__lte=models.F("salary_max")),
                name="job_salary_range_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.title


class TalentPool(WorkspaceScopedModel):
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True, default="")
    pipeline = models.ForeignKey(PipelineTemplate, on_delete=models.PROTECT, related_name="pools")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return self.name


class Candidacy(WorkspaceScopedModel):
    """A person in one job's pipeline or in one talent pool."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="candidacies")
    job = models.ForeignKey(
        Job, null=True, blank=True, on_delete=models.CASCADE, related_name="candidacies"
    )
    pool = models.ForeignKey(
        TalentPool, null=True, blank=True, on_delete=models.CASCADE, related_name="candidacies"
    )
    stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="+")
    stage_entered_at = models.DateTimeField()
    outcome = models.CharField(max_length=10, choices=_choices(Outcome), default="open")
    outcome_reason = models.ForeignKey(
        RejectionReason, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome_note = models.TextField(blank=True, default="")
    closed_at = models.DateTimeField(null=True, blank=True)
    origin = models.CharField(max_length=10, choices=_choices(Origin), default="sourced")
    source = models.ForeignKey(
        Source, null=True, blank=True, on_delete=models.SET_NULL, related_name="candidacies"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name_plural = "candidacies"
        indexes = [
            models.Index(fields=["job", "stage", "outcome"], name="candidacy_board"),
            models.Index(fields=["pool", "stage"], name="candidacy_pool_board"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(job__isnull=False) & models.Q(pool__isnull=True))
                | (models.Q(job__isnull=True) & models.Q(pool__isnull=False)),
                name="candidacy_job_xor_pool",
            ),
            models.UniqueConstraint(
                fields=["person", "job"],
                condition=models.Q(job__isnull=False),
                name="candidacy_unique_person_job",
            ),
            models.UniqueConstraint(
                fields=["person", "pool"],
                condition=models.Q(pool__isnull=False),
                name="candidacy_unique_person_pool",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} in {self.job_id or self.pool_id}"


class StageChange(models.Model):
    """One stay of a candidacy in one stage: entered, and exited once it moves on."""

    candidacy = models.ForeignKey(Candidacy, on_delete=models.CASCADE, related_name="history")
    stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="+")
    from_stage = models.ForeignKey(
        Stage, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField()
    exited_at = models.DateTimeField(null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["entered_at", "id"]
        indexes = [models.Index(fields=["candidacy", "entered_at"], name="stagechange_history")]

    def __str__(self) -> str:
        return f"{self.candidacy_id} → {self.stage_id}"


class Interview(WorkspaceScopedModel):
    """A scheduled conversation with a candidate about one job candidacy."""

    class State(models.TextChoices):
        SCHEDULED = "scheduled"
        CANCELLED = "cancelled"

    candidacy = models.ForeignKey(Candidacy, on_delete=models.CASCADE, related_name="interviews")
    title = models.CharField(max_length=200, blank=True, default="")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    time_zone = models.CharField(max_length=64, default="UTC")
    location = models.CharField(max_length=300, blank=True, default="")
    link = models.URLField(max_length=500, blank=True, default="")
    interviewers = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="interviews")
    state = models.CharField(max_length=10, choices=State.choices, default=State.SCHEDULED)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["workspace", "state", "starts_at"], name="interview_upcoming"),
            models.Index(fields=["candidacy", "starts_at"], name="interview_candidacy"),
        ]

    def __str__(self) -> str:
        return f"interview {self.pk} of candidacy {self.candidacy_id}"


class Offer(WorkspaceScopedModel):
    """An offer of the job to a candidate: drafted, extended, then accepted or declined."""

    class Status(models.TextChoices):
        DRAFT = "draft"
        EXTENDED = "extended"
        ACCEPTED = "accepted"
        DECLINED = "declined"

    candidacy = models.ForeignKey(Candidacy, on_delete=models.CASCADE, related_name="offers")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    note = models.TextField(blank=True, default="")
    extended_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            # One live (not declined) offer per candidacy.
            models.UniqueConstraint(
                fields=["candidacy"],
                condition=~models.Q(status="declined"),
                name="offer_one_live_per_candidacy",
            )
        ]

    def __str__(self) -> str:
        return f"offer {self.pk} of candidacy {self.candidacy_id} ({self.status})"
