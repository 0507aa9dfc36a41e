"""Workflows, their immutable versions, runs and the record of every step a run took."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from talentloop.automation.domain import RunState
from talentloop.core.models import WorkspaceScopedModel
from talentloop.people.models import Person

RUN_STATE_CHOICES = [(state.value, state.value) for state in RunState]


class Workflow(WorkspaceScopedModel):
    """Trigger → condition → steps. What runs is always the current version's definition."""

    name = models.CharField(max_length=200)
    description = models.TextField(blank=True, default="")
    enabled = models.BooleanField(default=False)
    # Denormalised from the current version so the event consumer finds candidates in one
    # indexed query per event.
    trigger_kind = models.CharField(max_length=32)
    current_version = models.ForeignKey(
        "WorkflowVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    webhook_secret = models.CharField(max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    round_robin_turn = models.PositiveIntegerField(default=0)
    # Time-based triggers: the end of the last window the periodic scan looked at.
    scanned_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["workspace", "trigger_kind"],
                name="workflow_enabled_trigger",
                condition=models.Q(enabled=True),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class WorkflowVersion(models.Model):
    """One saved definition. Never changed: an edit saves a new version."""

    workflow = models.ForeignKey(Workflow, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    definition = models.JSONField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workflow", "number"], name="workflow_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.workflow_id} v{self.number}"


class Run(WorkspaceScopedModel):
    """One workflow version working on one subject (a person or a candidacy)."""

    workflow = models.ForeignKey(Workflow, on_delete=models.CASCADE, related_name="runs")
    version = models.ForeignKey(WorkflowVersion, on_delete=models.CASCADE, related_name="runs")
    subject_type = models.CharField(max_length=16)
    subject_id = models.BigIntegerField()
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="workflow_runs")
    trigger_event_id = models.BigIntegerField(null=True, blank=True)
    # What started it (`event:<id>`, `cron:<time>:<person>`, …); unique per workflow, so an
    # event delivered twice or a scan repeated starts no second run.
    trigger_key = models.CharField(max_length=120)
    state = models.CharField(max_length=8, choices=RUN_STATE_CHOICES, default="running")
    depth = models.PositiveSmallIntegerField(default=0)
    warning = models.CharField(max_length=300, blank=True, default="")
    error = models.TextField(blank=True, default="")
    current_path = models.CharField(max_length=200, blank=True, default="")
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workflow", "trigger_key"], name="run_unique_trigger")
        ]
        indexes = [
            models.Index(fields=["workflow", "-id"], name="run_workflow_recent"),
            models.Index(fields=["person", "-id"], name="run_person_recent"),
            models.Index(fields=["workspace", "state", "-id"], name="run_ws_state"),
            models.Index(fields=["workflow", "person", "started_at"], name="run_rate_limit"),
        ]

    def __str__(self) -> str:
        return f"run {self.pk} of workflow {self.workflow_id} ({self.state})"


class RunStep(models.Model):
    """What one step of a run did: its input, the decision, the result or the error."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="steps")
    path = models.CharField(max_length=200)
    kind = models.CharField(max_length=32)
    # run + path: the key every side effect of the step carries (outbox, webhook header).
    idempotency_key = models.CharField(max_length=220, unique=True)
    state = models.CharField(max_length=8, default="done")  # done | failed
    input = models.JSONField(default=dict, blank=True)
    decision = models.CharField(max_length=500, blank=True, default="")
    result = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True, default="")
    attempts = models.PositiveSmallIntegerField(default=1)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.idempotency_key} ({self.state})"


class Notification(WorkspaceScopedModel):
    """An in-app message to a teammate, from a workflow's notify_user step."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True, default="")
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.CASCADE)
    run = models.ForeignKey(Run, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    idempotency_key = models.CharField(max_length=220, unique=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "read_at", "-id"], name="notification_inbox")]

    def __str__(self) -> str:
        return self.title


class ChecklistTemplate(WorkspaceScopedModel):
    """A list of onboarding tasks a `start_onboarding` step creates for a new hire."""

    name = models.CharField(max_length=100)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return self.name


class ChecklistItem(models.Model):
    """One task of a checklist: who gets it (an assignee rule) and when it is due."""

    checklist = models.ForeignKey(ChecklistTemplate, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    # The workflow assignee shape: {"rule": "job_recruiter", "fallback_user_id": 3}.
    assignee = models.JSONField()
    due_offset_days = models.SmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(
                fields=["checklist", "position"], name="checklist_item_position"
            )
        ]

    def __str__(self) -> str:
        return self.title
