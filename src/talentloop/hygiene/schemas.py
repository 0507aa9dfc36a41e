"""REST shapes for duplicates, merges and the data-quality report."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from ninja import Field, Schema

from talentloop.api.common import StorableText, StrictIn
from talentloop.api.pagination import DEFAULT_LIMIT, MAX_LIMIT

Side = Literal["survivor", "other"]
Short = Field("", max_length=200)


class MatchReasonOut(Schema):
    feature: str
    similarity: float
    weight: float


class CandidateOut(Schema):
    id: int
    person_ids: list[int]
    score: float
    verdict: str
    status: str
    reasons: list[MatchReasonOut]
    created_at: datetime


class RecordIn(StrictIn):
    """An incoming person to check before creating it; every field is optional."""

    first_name: str = Short
    last_name: str = Short
    emails: list[str] = Field(default_factory=list, max_length=20)
    phones: list[str] = Field(default_factory=list, max_length=20)
    external_ids: list[str] = Field(default_factory=list, max_length=20)
    company: str = Short
    title: str = Short
    city: str = Short
    region: str = Short
    links: list[str] = Field(default_factory=list, max_length=20)


class MatchOut(Schema):
    person_id: int
    score: float
    verdict: str
    reasons: list[MatchReasonOut]


class MergeIn(StrictIn):
    survivor_id: int
    other_id: int
    field_choices: dict[str, Side] = Field(default_factory=dict)


class MergeOut(Schema):
    id: int
    survivor_id: int
    other_id: int
    field_choices: dict[str, str]
    notes: dict[str, object]
    created_at: datetime
    undone_at: datetime | None


class PageQuery(StorableText):
    cursor: str | None = Field(None, max_length=500)
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)


class QualityOut(Schema):
    people: int
    missing_email: int
    invalid_phones: int
    suspected_duplicates: int
    stale: int


class ScanOut(Schema):
    queued: bool
