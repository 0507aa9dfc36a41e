"""REST shapes for sequences and enrolments."""

from __future__ import annotations

from datetime import datetime, time
from typing import Annotated, Literal

from ninja import Field, Schema

from talentloop.api.common import StorableText, StrictIn
from talentloop.api.pagination import DEFAULT_LIMIT, MAX_LIMIT

Id = Annotated[int, Field(ge=1, le=2**63 - 1)]
EnrollmentStateName = Literal["active", "paused", "stopped", "completed"]


class StepIn(StrictIn):
    kind: Literal["email", "wait", "task"]
    template_id: Id | None = None
    thread: Literal["new", "reply"] = "new"
    wait_days: int | None = Field(None, ge=0, le=1000)
    task_kind: Literal["call", "linkedin", "other"] | None = None
    task_note: str = Field("", max_length=500)


class SequenceIn(StrictIn):
    name: str = Field(..., max_length=200)
    mailbox_id: Id
    description: str = Field("", max_length=5000)
    steps: list[StepIn] = Field(..., max_length=100)
    business_start: time = time(9, 0)
    business_end: time = time(17, 0)
    business_days: list[int] = Field([0, 1, 2, 3, 4], max_length=7)
    fallback_time_zone: str = Field("", max_length=64)


class StepOut(Schema):
    position: int
    kind: str
    template_id: int | None
    thread: str
    wait_days: int
    task_kind: str
    task_note: str


class SequenceOut(Schema):
    id: int
    name: str
    description: str
    mailbox_id: int
    business_start: time
    business_end: time
    business_days: list[int]
    fallback_time_zone: str
    archived: bool
    steps: list[StepOut]
    created_at: datetime

    @staticmethod
    def resolve_steps(obj: object) -> list[object]:
        return list(obj.steps.all())  # type: ignore[attr-defined]


class PeopleIn(StrictIn):
    """Name the people by exactly one of: ids, a search query, or a job's open pipeline."""

    person_ids: list[Id] | None = Field(None, max_length=5000)
    query: str | None = Field(None, max_length=2000)
    job_id: Id | None = None
    stage_id: Id | None = None


class EnrolIn(PeopleIn):
    source: Literal["profile", "search", "job", "api"] = "api"


class PersonRef(Schema):
    person_id: int
    name: str


class SkippedOut(PersonRef):
    code: str
    reason: str


class PreviewOut(Schema):
    eligible: list[PersonRef]
    skipped: list[SkippedOut]


class HistoryOut(Schema):
    kind: str
    step_position: int | None
    detail: str
    message_id: int | None
    occurred_at: datetime


class EnrollmentOut(Schema):
    id: int
    person_id: int
    sequence_id: int
    mailbox_id: int
    state: EnrollmentStateName
    current_step: int
    next_run_at: datetime | None
    stop_reason: str
    source: str
    created_at: datetime
    finished_at: datetime | None


class EnrollmentDetailOut(EnrollmentOut):
    history: list[HistoryOut]

    @staticmethod
    def resolve_history(obj: object) -> list[object]:
        return list(obj.history.all())  # type: ignore[attr-defined]


class EnrolOut(Schema):
    enrolled: list[EnrollmentOut]
    skipped: list[SkippedOut]


class EnrollmentFilters(StorableText):
    cursor: str | None = Field(None, max_length=500)
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    person_id: Id | None = None
    sequence_id: Id | None = None
    state: EnrollmentStateName | None = None


class SequenceFilters(StorableText):
    cursor: str | None = Field(None, max_length=500)
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    archived: bool = False
