"""REST shapes for segments, their members, counts and facets, and static lists."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from ninja import Field, Schema

from talentloop.api.common import StorableText, StrictIn
from talentloop.people.schemas import PersonSort, PersonSummaryOut
from talentloop.search.actions import DESCRIPTION_MAX, NAME_MAX, QUERY_MAX
from talentloop.search.facets import DEFAULT_TOP, MAX_TOP
from talentloop.search.list_actions import MAX_IDS_PER_CALL
from talentloop.search.models import Segment

SegmentSort = Literal["name", "-name", "created_at", "-created_at", "updated_at", "-updated_at"]
SEGMENT_SORTS = {"name": "name", "created_at": "created_at", "updated_at": "updated_at"}
Limit = Field(50, ge=1, le=200, description="Items per page")


class SegmentIn(StrictIn):
    name: str = Field(..., min_length=1, max_length=NAME_MAX)
    query: str = Field("", max_length=QUERY_MAX, description="A query (see docs/search.md)")
    description: str = Field("", max_length=DESCRIPTION_MAX)


class SegmentPatch(StrictIn):
    name: str | None = Field(None, min_length=1, max_length=NAME_MAX)
    query: str | None = Field(None, max_length=QUERY_MAX)
    description: str | None = Field(None, max_length=DESCRIPTION_MAX)


class SegmentOut(Schema):
    """A saved segment; `last_count` is null for viewers who see only some people."""

    id: int
    name: str
    description: str
    query: str
    owner_id: int | None
    last_count: int | None
    last_evaluated_at: datetime | None
    last_error: str
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_last_count(segment: Segment, context: dict[str, Any]) -> int | None:
        from talentloop.search.segment_queries import sees_workspace_counts

        request = context.get("request")
        user = getattr(request, "auth", None)
        if user is None or not sees_workspace_counts(user):
            return None
        return segment.last_count


class SegmentCountOut(Schema):
    counted_at: datetime
    count: int
    entered: int
    left: int
    full: bool


class SegmentListPage(StorableText):
    sort: SegmentSort = "name"
    cursor: str | None = Field(None, max_length=500)
    limit: int = Limit


class SegmentMembersPage(StorableText):
    sort: PersonSort = "-created_at"
    cursor: str | None = Field(None, max_length=500)
    limit: int = Limit


class SegmentHistoryPage(StorableText):
    cursor: str | None = Field(None, max_length=500)
    limit: int = Field(100, ge=1, le=1000)


FacetName = Literal["skills", "country", "city", "seniority", "source", "stage", "tags"]


def _all_facets() -> list[FacetName]:
    return ["skills", "country", "city", "seniority", "source", "stage", "tags"]


class SegmentFacetQuery(StorableText):
    facets: list[FacetName] = Field(default_factory=_all_facets)
    top: int = Field(DEFAULT_TOP, ge=1, le=MAX_TOP)


class SegmentFacetValueOut(Schema):
    value: str
    count: int


class SegmentFacetsOut(Schema):
    facets: dict[str, list[SegmentFacetValueOut]]


class SegmentPreviewIn(StrictIn):
    query: str = Field("", max_length=QUERY_MAX)
    facets: list[FacetName] = Field(default_factory=_all_facets)
    top: int = Field(DEFAULT_TOP, ge=1, le=MAX_TOP)
    limit: int = Field(25, ge=1, le=200)


class SegmentPreviewOut(Schema):
    """What a query would hold right now, for you: how many, their facets, the first page."""

    count: int
    facets: dict[str, list[SegmentFacetValueOut]]
    items: list[PersonSummaryOut]


class StaticListIn(StrictIn):
    name: str = Field(..., min_length=1, max_length=NAME_MAX)
    description: str = Field("", max_length=DESCRIPTION_MAX)


class StaticListPatch(StrictIn):
    name: str | None = Field(None, min_length=1, max_length=NAME_MAX)
    description: str | None = Field(None, max_length=DESCRIPTION_MAX)


class StaticListOut(Schema):
    id: int
    name: str
    description: str
    owner_id: int | None
    source_segment_id: int | None
    created_at: datetime
    updated_at: datetime


class SegmentSnapshotIn(StrictIn):
    name: str = Field(..., min_length=1, max_length=NAME_MAX)
    description: str = Field("", max_length=DESCRIPTION_MAX)


class ListMembersIn(StrictIn):
    person_ids: list[int] = Field(..., min_length=1, max_length=MAX_IDS_PER_CALL)


class ListMembersChangedOut(Schema):
    changed: int


class SegmentRefreshOut(Schema):
    entered: int
    left: int
    count: int
