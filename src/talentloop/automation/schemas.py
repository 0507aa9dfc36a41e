"""REST shapes for workflows, their runs, dry runs and notifications."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from ninja import Field, Schema

from talentloop.api.common import StorableText, StrictIn
from talentloop.api.pagination import DEFAULT_LIMIT, MAX_LIMIT
from talentloop.automation.models import ChecklistTemplate, Run, Workflow

Id = Annotated[int, Field(ge=1, le=2**63 - 1)]
RunStateName = Literal["running", "waiting", "done", "failed", "skipped"]
DEFINITION_HELP = "trigger, condition and steps; see docs/automation.md"


class WorkflowIn(StrictIn):
    name: str = Field(..., max_length=200)
    description: str = Field("", max_length=5000)
    enabled: bool = False
    definition: dict[str, Any] = Field(..., description=DEFINITION_HELP)


class WorkflowPatch(StrictIn):
    """Change what is sent; a changed definition is saved as a new version."""

    name: str | None = Field(None, max_length=200)
    description: str | None = Field(None, max_length=5000)
    definition: dict[str, Any] | None = Field(None, description=DEFINITION_HELP)


class DefinitionIn(StrictIn):
    definition: dict[str, Any] = Field(..., description=DEFINITION_HELP)


class YamlIn(StrictIn):
    yaml: str = Field(..., max_length=200_000, description="a document written by export")


class DryRunIn(StrictIn):
    days: int = Field(30, ge=1, le=90, description="replay the events of this many days")
    limit: int = Field(100, ge=1, le=500, description="at most this many people")


class PageFilters(StorableText):
    cursor: str | None = Field(None, max_length=500)
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)


class WorkflowFilters(PageFilters):
    enabled: bool | None = None


class RunFilters(PageFilters):
    workflow_id: Id | None = None
    person_id: Id | None = None
    state: RunStateName | None = None


class NotificationFilters(PageFilters):
    unread: bool = False


class WorkflowOut(Schema):
    id: int
    name: str
    description: str
    enabled: bool
    trigger_kind: str
    version: int | None
    definition: dict[str, Any]
    created_by_id: int | None
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_version(obj: Workflow) -> int | None:
        return obj.current_version.number if obj.current_version else None

    @staticmethod
    def resolve_definition(obj: Workflow) -> dict[str, Any]:
        return dict(obj.current_version.definition) if obj.current_version else {}


class VersionOut(Schema):
    number: int
    definition: dict[str, Any]
    created_by_id: int | None
    created_at: datetime


class ValidateOut(Schema):
    valid: bool
    definition: dict[str, Any] = Field(..., description="the definition in canonical form")


class YamlOut(Schema):
    yaml: str


class SecretOut(Schema):
    webhook_secret: str = Field(..., description="key of the HMAC-SHA256 webhook signatures")


class RunOut(Schema):
    id: int
    workflow_id: int
    workflow_name: str
    version: int
    subject_type: str
    subject_id: int
    person_id: int
    person_name: str
    trigger_event_id: int | None
    state: str
    depth: int
    warning: str
    error: str
    current_path: str
    started_at: datetime
    finished_at: datetime | None

    @staticmethod
    def resolve_workflow_name(obj: Run) -> str:
        return obj.workflow.name

    @staticmethod
    def resolve_version(obj: Run) -> int:
        return obj.version.number

    @staticmethod
    def resolve_person_name(obj: Run) -> str:
        return obj.person.full_name


class RunStepOut(Schema):
    path: str
    kind: str
    state: str
    input: dict[str, Any]
    decision: str
    result: dict[str, Any]
    error: str
    attempts: int
    started_at: datetime
    finished_at: datetime | None


class RunDetailOut(RunOut):
    steps: list[RunStepOut]

    @staticmethod
    def resolve_steps(obj: Run) -> list[Any]:
        return list(obj.steps.order_by("id"))


class DryRunNoteOut(Schema):
    path: str
    kind: str
    text: str


class DryRunEntryOut(Schema):
    person_id: int
    person_name: str
    subject_type: str
    subject_id: int
    event_id: int | None
    occurred_at: datetime | None
    matched: bool
    notes: list[DryRunNoteOut]


class DryRunOut(Schema):
    days: int
    examined: int = Field(..., description="events (or, for time triggers, people) looked at")
    affected: int = Field(..., description="subjects the workflow would have acted on")
    truncated: bool
    entries: list[DryRunEntryOut]


class NotificationOut(Schema):
    id: int
    title: str
    body: str
    person_id: int | None
    run_id: int | None
    read_at: datetime | None
    created_at: datetime


# --- onboarding checklists ----------------------------------------------------------------------


class ChecklistIn(StrictIn):
    name: str = Field(..., max_length=100)
    items: list[dict[str, Any]] = Field(
        ...,
        description='Each {"title", "assignee": {"rule": …}, "due_offset_days"}; '
        "the assignee rules are those of workflow tasks.",
    )


class ChecklistItemOut(Schema):
    position: int
    title: str
    assignee: dict[str, Any]
    due_offset_days: int


class ChecklistOut(Schema):
    id: int
    name: str
    items: list[ChecklistItemOut]

    @staticmethod
    def resolve_items(obj: ChecklistTemplate) -> list[Any]:
        return list(obj.items.all())
