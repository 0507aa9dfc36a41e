"""Shapes of the imports API."""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Schema

from talentloop.api.common import StorableText, StrictIn
from talentloop.intake.domain import MATCH_KEYS


class ImportOptionsIn(StrictIn):
    tags: list[str] = Field(default_factory=list, max_length=20)
    source_id: int | None = None
    match_on: list[str] = Field(default_factory=lambda: list(MATCH_KEYS), max_length=3)
    update_existing: bool = True
    external_system: str = Field("import", max_length=32)


class MappingIn(StrictIn):
    """Column index (as text, "0" for the first) → target; omit `mapping` to keep the guess."""

    mapping: dict[str, str] | None = None
    options: ImportOptionsIn = Field(
        default_factory=lambda: ImportOptionsIn(external_system="import")
    )


class TargetOut(Schema):
    value: str
    label: str


class ImportBatchOut(Schema):
    id: int
    source_kind: str
    file_name: str
    size: int
    encoding: str
    status: str
    headers: list[str]
    mapping: dict[str, str]
    options: dict[str, object]
    total_rows: int
    processed_rows: int
    percent_done: int
    created_count: int
    updated_count: int
    skipped_count: int
    failed_count: int
    error: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    heartbeat_at: datetime | None


class ProblemOut(Schema):
    field: str
    message: str


class PreviewLineOut(Schema):
    locator: str
    label: str
    action: str
    problems: list[ProblemOut]


class ImportIssueOut(Schema):
    id: int
    locator: str
    field: str
    level: str
    message: str
    person_id: int | None


class IssuePageQuery(StorableText):
    cursor: str | None = Field(None, max_length=500)
    limit: int = Field(100, ge=1, le=500)
