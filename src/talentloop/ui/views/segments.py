"""Segments (saved dynamic queries) and static lists: list, detail, edit, snapshot, export."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from talentloop.accounts.permissions import require_export, require_write
from talentloop.core.errors import ValidationFailed
from talentloop.search import actions as search_actions
from talentloop.search import facets, list_actions
from talentloop.search import segment_queries as search_queries
from talentloop.ui import people_query as pq
from talentloop.ui import queries
from talentloop.ui import search_queries as pages
from talentloop.ui.pagination import paginate
from talentloop.ui.views import search as search_views
from talentloop.ui.views.common import (
    AppRequest,
    login_required,
    respond,
    selected_ids,
    toast,
    workspace_of,
)
from talentloop.ui.views.people import csv_response

PAGE_SIZE = 50


# --- segments --------------------------------------------------------------------------------


@login_required
@require_GET
def segment_list(request: AppRequest) -> HttpResponse:
    rows = pages.segments_with_history(request.user)
    context = {
        "rows": rows,
        "tab": "segments",
        "counts_shown": search_queries.sees_workspace_counts(request.user),
    }
    return respond(request, "ui/segments/list.html", context)


@login_required
@require_POST
def segment_create(request: AppRequest) -> HttpResponse:
    """Save the people page's query under a name, then open the new segment."""
    require_write(request.user)
    text = request.POST.get("q", "")[: pq.MAX_QUERY]
    segment = search_actions.do_create_segment(
        actor=request.user,
        workspace=workspace_of(request),
        name=request.POST.get("name", "").strip(),
        query=pq.canonical(text),
    )
    toast(request, f"Segment “{segment.name}” saved")
    url = reverse("segment_detail", args=[segment.pk])
    if request.htmx:
        return HttpResponse(status=204, headers={"HX-Redirect": url})
    return redirect(url)


@login_required
@require_GET
def segment_detail(request: AppRequest, segment_id: int) -> HttpResponse:
    segment = search_queries.access_segment(request.user, segment_id)
    search_queries.require_salary_rights(request.user, segment.query)
    members = queries.people_page_rows(pages.segment_people(request.user, segment))
    page = paginate(members, queries.SORTS["name"], request.GET, size=PAGE_SIZE)
    context: dict[str, Any] = {"segment": segment, "page": page}
    if request.htmx and request.htmx.target == "segment-members":
        return respond(request, "ui/segments/_members.html", context)
    counts_shown = search_queries.sees_workspace_counts(request.user)
    history = pages.count_history(segment) if counts_shown else []
    people_query = pq.parse_query(segment.query)
    context.update(
        {
            "counts_shown": counts_shown,
            "history": history,
            "history_counts": [row.count for row in history],
            "pq": people_query,
            "query_text": segment.query,
            "builder": search_views.builder_context(request.user, people_query),
            "people_url": _people_url(segment.query),
        }
    )
    return respond(request, "ui/segments/detail.html", context)


@login_required
@require_GET
def segment_facets(request: AppRequest, segment_id: int) -> HttpResponse:
    segment = search_queries.access_segment(request.user, segment_id)
    search_queries.require_salary_rights(request.user, segment.query)
    counts = facets.facet_counts(
        pages.segment_people(request.user, segment),
        facets=tuple(search_views.FACETS),
        top=search_views.FACET_LIMIT,
        viewer=request.user,
    )
    people_query = pq.parse_query(segment.query)
    groups = [
        search_views.facet_group(name, counts.get(name, []), people_query)
        for name in search_views.FACETS
    ]
    return respond(
        request, "ui/search/_facets.html", {"groups": groups, "pq": people_query, "links": "page"}
    )


@login_required
@require_POST
def segment_edit(request: AppRequest, segment_id: int) -> HttpResponse:
    """Rename the segment or change its query (an invalid query is refused with its position)."""
    require_write(request.user)
    segment = search_queries.access_segment(request.user, segment_id)
    text = request.POST.get("q", segment.query)[: pq.MAX_QUERY]
    parsed = pq.parse_query(text)
    if parsed.error is not None:
        raise ValidationFailed(
            f"the query does not read: {parsed.error.message}", fields={"query": parsed.error.hint}
        )
    search_actions.do_update_segment(
        actor=request.user,
        segment=segment,
        name=request.POST.get("name", segment.name).strip(),
        query=pq.canonical(text),
    )
    toast(request, "Segment saved")
    return _back_to(request, reverse("segment_detail", args=[segment.pk]))


@login_required
@require_POST
def segment_delete(request: AppRequest, segment_id: int) -> HttpResponse:
    require_write(request.user)
    segment = search_queries.access_segment(request.user, segment_id)
    name = segment.name
    search_actions.do_delete_segment(actor=request.user, segment=segment)
    toast(request, f"Segment “{name}” deleted")
    return _back_to(request, reverse("segment_list"))


@login_required
@require_POST
def segment_snapshot(request: AppRequest, segment_id: int) -> HttpResponse:
    """Freeze today's members into a static list."""
    require_write(request.user)
    segment = search_queries.access_segment(request.user, segment_id)
    name = request.POST.get("name", "").strip()
    static_list = list_actions.do_snapshot_segment(actor=request.user, segment=segment, name=name)
    toast(request, f"Saved as the list “{static_list.name}”")
    return _back_to(request, reverse("list_detail", args=[static_list.pk]))


@login_required
@require_GET
def segment_export(request: AppRequest, segment_id: int) -> StreamingHttpResponse:
    require_export(request.user)
    segment = search_queries.access_segment(request.user, segment_id)
    return csv_response(pages.segment_people(request.user, segment), f"segment-{segment.pk}.csv")


# --- static lists ----------------------------------------------------------------------------


@login_required
@require_GET
def list_index(request: AppRequest) -> HttpResponse:
    lists = list(pages.lists_with_sizes(request.user)[:200])
    return respond(request, "ui/segments/lists.html", {"lists": lists, "tab": "lists"})


@login_required
@require_GET
def list_detail(request: AppRequest, list_id: int) -> HttpResponse:
    static_list = search_queries.access_list(request.user, list_id)
    members = queries.people_page_rows(pages.list_people(request.user, static_list))
    page = paginate(members, queries.SORTS["name"], request.GET, size=PAGE_SIZE)
    context = {"static_list": static_list, "page": page}
    if request.htmx and request.htmx.target == "list-members":
        return respond(request, "ui/segments/_list_members.html", context)
    return respond(request, "ui/segments/list_detail.html", context)


@login_required
@require_POST
def list_remove(request: AppRequest, list_id: int) -> HttpResponse:
    """Take the ticked people (or the one whose button was pressed) off the list."""
    require_write(request.user)
    static_list = search_queries.access_list(request.user, list_id)
    ids = selected_ids(request)
    if not ids:
        raise ValidationFailed("tick at least one person", fields={"ids": "required"})
    removed = list_actions.do_remove_list_members(
        actor=request.user, static_list=static_list, person_ids=ids
    )
    toast(request, "Removed 1 person" if removed == 1 else f"Removed {removed} people")
    return _back_to(request, reverse("list_detail", args=[static_list.pk]))


@login_required
@require_POST
def list_delete(request: AppRequest, list_id: int) -> HttpResponse:
    require_write(request.user)
    static_list = search_queries.access_list(request.user, list_id)
    name = static_list.name
    list_actions.do_delete_list(actor=request.user, static_list=static_list)
    toast(request, f"List “{name}” deleted")
    return _back_to(request, reverse("list_index"))


@login_required
@require_GET
def list_export(request: AppRequest, list_id: int) -> StreamingHttpResponse:
    require_export(request.user)
    static_list = search_queries.access_list(request.user, list_id)
    return csv_response(pages.list_people(request.user, static_list), f"list-{static_list.pk}.csv")


# --- helpers ---------------------------------------------------------------------------------


def _people_url(text: str) -> str:
    params = QueryDict(mutable=True)
    params["q"] = text
    return f"{reverse('people')}?{params.urlencode()}"


def _back_to(request: AppRequest, url: str) -> HttpResponse:
    if request.htmx:
        return HttpResponse(status=204, headers={"HX-Redirect": url})
    return redirect(url)
