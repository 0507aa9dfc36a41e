"""REST endpoints for saved segments and static lists: CRUD, members, facets, counts, export.

Every read of people narrows the stored (workspace-wide) membership to the people the
viewer may see; writes need a role that changes records; exports need the `export` token
scope and a role that may export personal data.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, StreamingHttpResponse
from ninja import Query, Router, Status

from talentloop.accounts.domain import Scope
from talentloop.accounts.models import User, Workspace
from talentloop.accounts.permissions import require_export, require_write
from talentloop.api.common import current_user, require_scope
from talentloop.api.pagination import Page, paginate
from talentloop.core.errors import PermissionDenied
from talentloop.people.export import csv_lines
from talentloop.people.models import Person
from talentloop.people.schemas import PERSON_SORTS, PersonSummaryOut
from talentloop.search import actions, list_actions
from talentloop.search import segment_queries as reads
from talentloop.search.facets import FacetRows, facet_counts
from talentloop.search.models import Segment, StaticList
from talentloop.search.queries import people_matching
from talentloop.search.segments_schemas import (
    SEGMENT_SORTS,
    ListMembersChangedOut,
    ListMembersIn,
    SegmentCountOut,
    SegmentFacetQuery,
    SegmentFacetsOut,
    SegmentHistoryPage,
    SegmentIn,
    SegmentListPage,
    SegmentMembersPage,
    SegmentOut,
    SegmentPatch,
    SegmentPreviewIn,
    SegmentPreviewOut,
    SegmentRefreshOut,
    SegmentSnapshotIn,
    StaticListIn,
    StaticListOut,
    StaticListPatch,
)

router = Router()
_CSV_DOC = {
    "responses": {
        "200": {
            "description": "CSV of the members you may see",
            "content": {"text/csv": {"schema": {"type": "string"}}},
        }
    }
}


def _workspace(user: User) -> Workspace:
    assert user.workspace is not None  # auth admits only users with a workspace
    return user.workspace


def _facets_out(counts: dict[str, FacetRows]) -> dict[str, list[dict[str, Any]]]:
    return {
        name: [{"value": value, "count": count} for value, count in rows]
        for name, rows in counts.items()
    }


def _members_page(people: QuerySet[Person], page: SegmentMembersPage) -> dict[str, Any]:
    items, next_cursor = paginate(
        people.prefetch_related("tags"),
        cursor=page.cursor,
        limit=page.limit,
        sort=page.sort,
        allowed=PERSON_SORTS,
    )
    return {"items": items, "next_cursor": next_cursor}


def _csv(people: QuerySet[Person], filename: str) -> StreamingHttpResponse:
    rows = people.select_related("owner", "source").order_by("id").iterator(chunk_size=2000)
    response = StreamingHttpResponse(csv_lines(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"  # Why: personal data must not linger in caches.
    return response


def _require_export(request: HttpRequest, user: User) -> None:
    require_scope(request, Scope.EXPORT)
    require_export(user)


# --- segments ----------------------------------------------------------------------------------


@router.get("/segments", response=Page[SegmentOut], tags=["segments"])
def list_segments(request: HttpRequest, page: Query[SegmentListPage]) -> dict[str, Any]:
    """Saved segments of your workspace; cursor-paginated."""
    user = current_user(request)
    items, next_cursor = paginate(
        reads.visible_segments(user),
        cursor=page.cursor,
        limit=page.limit,
        sort=page.sort,
        allowed=SEGMENT_SORTS,
    )
    return {"items": items, "next_cursor": next_cursor}


@router.post("/segments", response={201: SegmentOut}, tags=["segments"])
def create_segment(request: HttpRequest, payload: SegmentIn) -> Status[Segment]:
    """Save a query as a dynamic segment; an invalid query is a 400 with position and hint."""
    user = current_user(request)
    require_write(user)
    segment = actions.do_create_segment(
        actor=user,
        workspace=_workspace(user),
        name=payload.name,
        query=payload.query,
        description=payload.description,
    )
    return Status(201, reads.access_segment(user, segment.pk))


@router.post("/segments/preview", response=SegmentPreviewOut, tags=["segments"])
def preview_segment(request: HttpRequest, payload: SegmentPreviewIn) -> dict[str, Any]:
    """Count, facets and the first people of a query you may see, without saving it."""
    user = current_user(request)
    people = people_matching(user, payload.query).order_by()
    first_page = people.prefetch_related("tags").order_by("-created_at", "-id")
    return {
        "count": people.count(),
        "facets": _facets_out(facet_counts(people, payload.facets, top=payload.top, viewer=user)),
        "items": list(first_page[: payload.limit]),
    }


@router.get("/segments/{segment_id}", response=SegmentOut, tags=["segments"])
def get_segment(request: HttpRequest, segment_id: int) -> Segment:
    return reads.access_segment(current_user(request), segment_id)


@router.patch("/segments/{segment_id}", response=SegmentOut, tags=["segments"])
def update_segment(request: HttpRequest, segment_id: int, payload: SegmentPatch) -> Segment:
    """Change name, description or query; a new query re-baselines membership silently."""
    user = current_user(request)
    segment = reads.access_segment(user, segment_id)
    require_write(user)
    actions.do_update_segment(actor=user, segment=segment, **payload.model_dump(exclude_unset=True))
    return reads.access_segment(user, segment_id)


@router.delete("/segments/{segment_id}", response={204: None}, tags=["segments"])
def delete_segment(request: HttpRequest, segment_id: int) -> Status[None]:
    user = current_user(request)
    segment = reads.access_segment(user, segment_id)
    require_write(user)
    actions.do_delete_segment(actor=user, segment=segment)
    return Status(204, None)


@router.post("/segments/{segment_id}/refresh", response=SegmentRefreshOut, tags=["segments"])
def refresh_segment(request: HttpRequest, segment_id: int) -> dict[str, int]:
    """Re-evaluate now (changes emit segment.entered / segment.left events)."""
    user = current_user(request)
    segment = reads.access_segment(user, segment_id)
    require_write(user)
    result = actions.refresh_segment(segment)
    refreshed = reads.access_segment(user, segment_id)
    if result is None:
        return {"entered": 0, "left": 0, "count": refreshed.last_count}
    return {"entered": result.entered, "left": result.left, "count": result.count}


@router.get("/segments/{segment_id}/members", response=Page[PersonSummaryOut], tags=["segments"])
def segment_members(
    request: HttpRequest, segment_id: int, page: Query[SegmentMembersPage]
) -> dict[str, Any]:
    """The segment's current members you may see; cursor-paginated."""
    user = current_user(request)
    segment = reads.access_segment(user, segment_id)
    reads.require_salary_rights(user, segment.query)
    return _members_page(reads.segment_members(user, segment), page)


@router.get("/segments/{segment_id}/facets", response=SegmentFacetsOut, tags=["segments"])
def segment_facets(
    request: HttpRequest, segment_id: int, query: Query[SegmentFacetQuery]
) -> dict[str, Any]:
    """Top values of each facet over the segment's members you may see."""
    user = current_user(request)
    segment = reads.access_segment(user, segment_id)
    reads.require_salary_rights(user, segment.query)
    counts = facet_counts(
        reads.segment_members(user, segment), query.facets, top=query.top, viewer=user
    )
    return {"facets": _facets_out(counts)}


@router.get("/segments/{segment_id}/counts", response=Page[SegmentCountOut], tags=["segments"])
def segment_counts(
    request: HttpRequest, segment_id: int, page: Query[SegmentHistoryPage]
) -> dict[str, Any]:
    """How the segment's size moved over time, newest first."""
    user = current_user(request)
    segment = reads.access_segment(user, segment_id)
    if not reads.sees_workspace_counts(user):
        raise PermissionDenied("your role sees only the people of your own jobs")
    items, next_cursor = paginate(
        reads.segment_history(segment),
        cursor=page.cursor,
        limit=page.limit,
        sort="-counted_at",
        allowed={"counted_at": "counted_at"},
    )
    return {"items": items, "next_cursor": next_cursor}


@router.get("/segments/{segment_id}/export", tags=["segments"], openapi_extra=_CSV_DOC)
def export_segment(request: HttpRequest, segment_id: int) -> StreamingHttpResponse:
    """The segment's members as CSV; needs the `export` scope and a role that may export."""
    user = current_user(request)
    segment = reads.access_segment(user, segment_id)
    _require_export(request, user)
    return _csv(reads.segment_members(user, segment), f"segment-{segment.pk}.csv")


@router.post("/segments/{segment_id}/snapshot", response={201: StaticListOut}, tags=["lists"])
def snapshot_segment(
    request: HttpRequest, segment_id: int, payload: SegmentSnapshotIn
) -> Status[StaticList]:
    """Freeze the segment's current members into a new static list."""
    user = current_user(request)
    segment = reads.access_segment(user, segment_id)
    require_write(user)
    static_list = list_actions.do_snapshot_segment(
        actor=user, segment=segment, name=payload.name, description=payload.description
    )
    return Status(201, static_list)


# --- static lists --------------------------------------------------------------------------------


@router.get("/lists", response=Page[StaticListOut], tags=["lists"])
def list_lists(request: HttpRequest, page: Query[SegmentListPage]) -> dict[str, Any]:
    """Static lists of your workspace; cursor-paginated."""
    user = current_user(request)
    items, next_cursor = paginate(
        reads.visible_lists(user),
        cursor=page.cursor,
        limit=page.limit,
        sort=page.sort,
        allowed=SEGMENT_SORTS,
    )
    return {"items": items, "next_cursor": next_cursor}


@router.post("/lists", response={201: StaticListOut}, tags=["lists"])
def create_list(request: HttpRequest, payload: StaticListIn) -> Status[StaticList]:
    user = current_user(request)
    require_write(user)
    static_list = list_actions.do_create_list(
        actor=user, workspace=_workspace(user), name=payload.name, description=payload.description
    )
    return Status(201, static_list)


@router.get("/lists/{list_id}", response=StaticListOut, tags=["lists"])
def get_list(request: HttpRequest, list_id: int) -> StaticList:
    return reads.access_list(current_user(request), list_id)


@router.patch("/lists/{list_id}", response=StaticListOut, tags=["lists"])
def update_list(request: HttpRequest, list_id: int, payload: StaticListPatch) -> StaticList:
    user = current_user(request)
    static_list = reads.access_list(user, list_id)
    require_write(user)
    return list_actions.do_update_list(
        actor=user, static_list=static_list, **payload.model_dump(exclude_unset=True)
    )


@router.delete("/lists/{list_id}", response={204: None}, tags=["lists"])
def delete_list(request: HttpRequest, list_id: int) -> Status[None]:
    user = current_user(request)
    static_list = reads.access_list(user, list_id)
    require_write(user)
    list_actions.do_delete_list(actor=user, static_list=static_list)
    return Status(204, None)


@router.get("/lists/{list_id}/members", response=Page[PersonSummaryOut], tags=["lists"])
def list_members(
    request: HttpRequest, list_id: int, page: Query[SegmentMembersPage]
) -> dict[str, Any]:
    """The list's people you may see; cursor-paginated."""
    user = current_user(request)
    static_list = reads.access_list(user, list_id)
    return _members_page(reads.list_members(user, static_list), page)


@router.post("/lists/{list_id}/members", response=ListMembersChangedOut, tags=["lists"])
def add_list_members(request: HttpRequest, list_id: int, payload: ListMembersIn) -> dict[str, int]:
    """Add people by id (those already on the list are skipped); `changed` counts new ones."""
    user = current_user(request)
    static_list = reads.access_list(user, list_id)
    require_write(user)
    added = list_actions.do_add_list_members(
        actor=user, static_list=static_list, person_ids=payload.person_ids
    )
    return {"changed": added}


@router.post("/lists/{list_id}/members/remove", response=ListMembersChangedOut, tags=["lists"])
def remove_list_members(
    request: HttpRequest, list_id: int, payload: ListMembersIn
) -> dict[str, int]:
    """Take people off the list by id; `changed` counts those that were on it."""
    user = current_user(request)
    static_list = reads.access_list(user, list_id)
    require_write(user)
    removed = list_actions.do_remove_list_members(
        actor=user, static_list=static_list, person_ids=payload.person_ids
    )
    return {"changed": removed}


@router.get("/lists/{list_id}/export", tags=["lists"], openapi_extra=_CSV_DOC)
def export_list(request: HttpRequest, list_id: int) -> StreamingHttpResponse:
    """The list's people as CSV; needs the `export` scope and a role that may export."""
    user = current_user(request)
    static_list = reads.access_list(user, list_id)
    _require_export(request, user)
    return _csv(reads.list_members(user, static_list), f"list-{static_list.pk}.csv")
