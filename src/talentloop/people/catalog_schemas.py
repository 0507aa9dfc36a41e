"""REST shapes for companies, sources and their costs, custom fields and tasks."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import AfterValidator

from talentloop.api.common import ErrorOut, StorableText, StrictIn
from talentloop.api.pagination import DEFAULT_LIMIT, MAX_LIMIT

LIST_ERRORS: dict[int, Any] = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut}
READ_ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
WRITE_ERRORS: dict[int, Any] = {**READ_ERRORS, 400: ErrorOut, 409: ErrorOut}

FieldType = Literal["text", "number", "date", "boolean", "choice", "url"]
TaskKind = Literal["todo", "call", "email", "follow_up", "meeting", "reminder"]
SourceKind = Literal["job_board", "referral", "agency", "social", "event", "career_site", "other"]
# Why bounded: a filter id beyond a 64-bit column is a 422, not a database overflow.
FilterId = Annotated[int, Field(ge=1, le=2**63 - 1)]
NameSort = Literal["name", "-name", "created_at", "-created_at", "id", "-id"]


def in_utc(value: dt.datetime) -> dt.datetime:
    """A time the database can store: aware, in UTC, inside the calendar's range."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    try:
        return value.astimezone(dt.UTC)
    except OverflowError:
        raise ValueError("out of range") from None


UtcDateTime = Annotated[dt.datetime, AfterValidator(in_utc)]


class PageParams(StorableText):
    cursor: str | None = Field(None, max_length=500)
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Items per page")


class CompanyFilters(PageParams):
    q: str | None = Field(None, max_length=200, description="Part of the name or domain")
    is_client: bool | None = None
    sort: NameSort = "name"


class SourceFilters(PageParams):
    sort: NameSort = "name"


class CostFilters(PageParams):
    sort: Literal["period_start", "-period_start", "created_at", "-created_at", "id", "-id"] = (
        "-period_start"
    )


class CustomFieldFilters(PageParams):
    include_archived: bool = False
    sort: Literal["key", "-key", "created_at", "-created_at", "id", "-id"] = "key"


class TaskFilters(PageParams):
    assignee_id: FilterId | None = None
    mine: bool = Field(False, description="Only tasks assigned to you")
    status: Literal["open", "done", "overdue"] | None = None
    person_id: FilterId | None = None
    due_before: UtcDateTime | None = None
    sort: Literal[
        "due_at", "-due_at", "created_at", "-created_at", "updated_at", "-updated_at", "id", "-id"
    ] = "due_at"


# --- companies --------------------------------------------------------------------------------


class CompanyOut(Schema):
    id: int
    name: str
    domain: str
    website: str
    industry: str
    size: str
    city: str
    country: str
    is_client: bool
    created_at: dt.datetime
    updated_at: dt.datetime


class CompanyFieldsIn(StrictIn):
    domain: str | None = Field(None, max_length=253)
    website: str | None = Field(None, max_length=200)
    industry: str | None = Field(None, max_length=100)
    size: str | None = Field(None, max_length=32)
    city: str | None = Field(None, max_length=100)
    country: str | None = Field(None, max_length=2)
    is_client: bool | None = None


class CompanyIn(CompanyFieldsIn):
    name: str = Field(..., min_length=1, max_length=200)


class CompanyPatch(CompanyFieldsIn):
    name: str | None = Field(None, min_length=1, max_length=200)


# --- sources and costs ------------------------------------------------------------------------


class SourceOut(Schema):
    id: int
    name: str
    kind: str
    created_at: dt.datetime
    updated_at: dt.datetime


class SourceIn(StrictIn):
    name: str = Field(..., min_length=1, max_length=100)
    kind: SourceKind = "other"


class SourcePatch(StrictIn):
    name: str | None = Field(None, min_length=1, max_length=100)
    kind: SourceKind | None = None


class SourceCostOut(Schema):
    id: int
    source_id: int
    amount: Decimal
    currency: str
    period_start: dt.date
    period_end: dt.date
    note: str
    created_at: dt.datetime


class SourceCostIn(StrictIn):
    amount: Decimal = Field(..., ge=0, max_digits=12, decimal_places=2)
    currency: str = Field(..., min_length=3, max_length=3, description="ISO 4217, e.g. EUR")
    period_start: dt.date
    period_end: dt.date
    note: str = Field("", max_length=200)


# --- custom fields ----------------------------------------------------------------------------


class CustomFieldOut(Schema):
    id: int
    key: str
    label: str
    field_type: str
    choices: list[str]
    archived: bool
    created_at: dt.datetime
    updated_at: dt.datetime


class CustomFieldIn(StrictIn):
    key: str = Field(..., max_length=64, description="Fixed once created.")
    label: str = Field(..., min_length=1, max_length=100)
    field_type: FieldType
    choices: list[str] = Field(default_factory=list)


class CustomFieldPatch(StrictIn):
    key: str | None = Field(None, description="Accepted only unchanged: keys never change.")
    label: str | None = Field(None, min_length=1, max_length=100)
    choices: list[str] | None = None


# --- tasks ------------------------------------------------------------------------------------


class TaskOut(Schema):
    id: int
    title: str
    description: str
    kind: str
    person_id: int | None
    assignee_id: int
    created_by_id: int | None
    due_at: dt.datetime | None
    snoozed_until: dt.datetime | None
    completed_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime


class TaskIn(StrictIn):
    title: str = Field(..., min_length=1, max_length=200)
    description: str = Field("", max_length=20000)
    kind: TaskKind = "todo"
    assignee_id: int | None = Field(None, description="Defaults to the caller.")
    person_id: int | None = None
    due_at: UtcDateTime | None = None


class TaskPatch(StrictIn):
    title: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = Field(None, max_length=20000)
    kind: TaskKind | None = None
    due_at: UtcDateTime | None = None


class SnoozeIn(StrictIn):
    until: UtcDateTime


class ReassignIn(StrictIn):
    assignee_id: int
