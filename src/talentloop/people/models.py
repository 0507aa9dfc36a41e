"""People, their contact points, history and timeline; companies, tags, sources, tasks, files."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower

from talentloop.core.models import WorkspaceScopedModel
from talentloop.people.domain import (
    ActivityKind,
    ContactKind,
    CustomFieldType,
    LabelledEnum,
    Lifecycle,
    SalaryPeriod,
    Seniority,
    SkillLevel,
)


def _choices(enum_class: type[LabelledEnum]) -> list[tuple[str, str]]:
    return [(member.value, member.label) for member in enum_class]


class Company(WorkspaceScopedModel):
    name = models.CharField(max_length=200)
    domain = models.CharField(max_length=253, blank=True, default="")
    website = models.URLField(blank=True, default="")
    industry = models.CharField(max_length=100, blank=True, default="")
    size = models.CharField(max_length=32, blank=True, default="")
    city = models.CharField(max_length=100, blank=True, default="")
    country = models.CharField(max_length=2, blank=True, default="")
    is_client = models.BooleanField(default=False)

    class Meta:
        verbose_name_plural = "companies"
        indexes = [models.Index(fields=["workspace", "name"])]

    def __str__(self) -> str:
        return self.name


class Source(WorkspaceScopedModel):
    """Where people come from (a job board, a referral, an agency); costs feed cost-per-hire."""

    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=32, default="other")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"], name="source_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class SourceCost(WorkspaceScopedModel):
    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="costs")
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3)
    period_start = models.DateField()
    period_end = models.DateField()
    note = models.CharField(max_length=200, blank=True, default="")

    def __str__(self) -> str:
        return f"{self.source} {self.amount} {self.currency}"


class Tag(WorkspaceScopedModel):
    name = models.CharField(max_length=64)
    color = models.CharField(max_length=16, default="slate")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"], name="tag_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class CustomFieldDefinition(WorkspaceScopedModel):
    """A typed field on people; its key never changes once created, so stored values stay valid."""

    key = models.SlugField(max_length=64)
    label = models.CharField(max_length=100)
    field_type = models.CharField(max_length=16, choices=_choices(CustomFieldType))
    choices = models.JSONField(default=list, blank=True)
    archived = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "key"], name="customfield_unique_key")
        ]

    def __str__(self) -> str:
        return self.key


class Person(WorkspaceScopedModel):
    first_name = models.CharField(max_length=100, blank=True, default="")
    last_name = models.CharField(max_length=100, blank=True, default="")
    headline = models.CharField(max_length=200, blank=True, default="")
    summary = models.TextField(blank=True, default="")
    current_title = models.CharField(max_length=200, blank=True, default="")
    current_company = models.ForeignKey(
        Company, null=True, blank=True, on_delete=models.SET_NULL, related_name="people"
    )
    current_company_name = models.CharField(max_length=200, blank=True, default="")
    city = models.CharField(max_length=100, blank=True, default="")
    region = models.CharField(max_length=100, blank=True, default="")
    country = models.CharField(max_length=2, blank=True, default="")
    time_zone = models.CharField(max_length=64, blank=True, default="")
    seniority = models.CharField(max_length=16, choices=_choices(Seniority), blank=True, default="")
    seniority_rank = models.PositiveSmallIntegerField(default=0)
    years_experience = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    salary_currency = models.CharField(max_length=3, blank=True, default="")
    salary_min = models.PositiveIntegerField(null=True, blank=True)
    salary_max = models.PositiveIntegerField(null=True, blank=True)
    salary_period = models.CharField(
        max_length=8, choices=_choices(SalaryPeriod), blank=True, default=""
    )
    source = models.ForeignKey(
        Source, null=True, blank=True, on_delete=models.SET_NULL, related_name="people"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_people",
    )
    lifecycle = models.CharField(
        max_length=16, choices=_choices(Lifecycle), default=Lifecycle.LEAD.value
    )
    do_not_contact = models.BooleanField(default=False)
    do_not_contact_reason = models.CharField(max_length=200, blank=True, default="")
    custom_fields = models.JSONField(default=dict, blank=True)
    tags: models.ManyToManyField[Tag, PersonTag] = models.ManyToManyField(
        Tag, through="PersonTag", related_name="people", blank=True
    )
    # Denormalised from ContactPoint so lists and look-ups never join.
    primary_email = models.CharField(max_length=254, blank=True, default="")
    primary_phone = models.CharField(max_length=32, blank=True, default="")
    external_id = models.CharField(max_length=100, blank=True, default="")
    last_engaged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "people"
        indexes = [
            models.Index(fields=["workspace", "-id"], name="person_ws_recent"),
            models.Index(fields=["workspace", "last_name", "first_name"], name="person_ws_name"),
            models.Index(fields=["workspace", "primary_email"], name="person_ws_email"),
            models.Index(fields=["workspace", "last_engaged_at"], name="person_ws_engaged"),
            models.Index(fields=["workspace", "owner"], name="person_ws_owner"),
            models.Index(fields=["workspace", "external_id"], name="person_ws_external"),
            models.Index(fields=["workspace", "updated_at"], name="person_ws_updated"),
            # Filters of the query language (talentloop.search): each narrows a segment count.
            # Why these columns together, and the id: "country + level + engaged lately", the
            # most common segment, is answered from this index alone (an index-only scan).
            models.Index(
                fields=["workspace", "country", "seniority_rank", "last_engaged_at"],
                include=["id"],
                name="person_ws_place_level",
            ),
            models.Index(fields=["workspace", "seniority_rank"], name="person_ws_seniority"),
            models.Index(fields=["workspace", "lifecycle"], name="person_ws_lifecycle"),
            models.Index(fields=["workspace", "created_at"], name="person_ws_created"),
            models.Index(models.F("workspace"), Lower("city"), name="person_ws_city"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(salary_min__isnull=True)
                | models.Q(salary_max__isnull=True)
                | models.Q(salary_min__lte=models.F("salary_max")),
                name="person_salary_range_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip() or "(no name)"


class PersonTag(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE)
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "tag"], name="persontag_unique")]

    def __str__(self) -> str:
        return f"{self.person_id}:{self.tag_id}"


class ContactPoint(WorkspaceScopedModel):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="contact_points")
    kind = models.CharField(max_length=8, choices=_choices(ContactKind))
    value = models.CharField(max_length=500)
    label = models.CharField(max_length=32, blank=True, default="")
    is_primary = models.BooleanField(default=False)
    verified = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["workspace", "kind", "value"], name="contact_ws_value")]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "kind", "value"], name="contactpoint_unique_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.value}"


class PersonSkill(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="skills")
    name = models.CharField(max_length=100)
    normalized = models.CharField(max_length=100, db_index=True)
    level = models.CharField(max_length=16, choices=_choices(SkillLevel), blank=True, default="")
    years = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)

    class Meta:
        # Why (normalized, person): "who has skill X" reads only this index, never the table.
        indexes = [models.Index(fields=["normalized", "person"], name="personskill_by_name")]
        constraints = [
            models.UniqueConstraint(fields=["person", "normalized"], name="personskill_unique")
        ]

    def __str__(self) -> str:
        return self.name


class WorkExperience(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="work_history")
    company_name = models.CharField(max_length=200)
    title = models.CharField(max_length=200, blank=True, default="")
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    is_current = models.BooleanField(default=False)
    description = models.TextField(blank=True, default="")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "-start_date"]

    def __str__(self) -> str:
        return f"{self.title} @ {self.company_name}"


class Education(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="education")
    institution = models.CharField(max_length=200)
    degree = models.CharField(max_length=200, blank=True, default="")
    field_of_study = models.CharField(max_length=200, blank=True, default="")
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "-end_date"]
        verbose_name_plural = "education"

    def __str__(self) -> str:
        return self.institution


class Activity(WorkspaceScopedModel):
    """One entry of a person's timeline. Engagement kinds move `last_engaged_at` forward."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="activities")
    kind = models.CharField(max_length=16, choices=_choices(ActivityKind))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    occurred_at = models.DateTimeField()
    subject = models.CharField(max_length=200, blank=True, default="")
    body = models.TextField(blank=True, default="")
    direction = models.CharField(max_length=8, blank=True, default="")
    # Ids only (candidacy, job, stages): lets the timeline link without a hard model dependency.
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name_plural = "activities"
        indexes = [
            models.Index(fields=["person", "-occurred_at"], name="activity_person_recent"),
            models.Index(fields=["workspace", "-occurred_at"], name="activity_ws_recent"),
            # Why: "emailed<30d", "replied:yes" in the query language pick one kind of row.
            models.Index(fields=["workspace", "kind", "occurred_at"], name="activity_ws_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.occurred_at:%Y-%m-%d}"


class Task(WorkspaceScopedModel):
    """A to-do or reminder, usually about a person."""

    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.CASCADE, related_name="tasks"
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, default="")
    kind = models.CharField(max_length=16, default="todo")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assigned_tasks"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    due_at = models.DateTimeField(null=True, blank=True)
    snoozed_until = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["assignee", "completed_at", "due_at"], name="task_inbox"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_done(self) -> bool:
        return self.completed_at is not None


class Attachment(WorkspaceScopedModel):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="attachments/%Y/%m/")
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    kind = models.CharField(max_length=16, default="resume")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return self.original_name
