"""The people list: live search, filter chips, sortable columns, keyset pages, bulk actions."""

from __future__ import annotations

import json
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpResponse, QueryDict, StreamingHttpResponse
from django.views.decorators.http import require_http_methods, require_POST

from talentloop.accounts import domain as roles
from talentloop.accounts.permissions import require_export, require_write
from talentloop.core.errors import Conflict, ValidationFailed
from talentloop.intake import exports
from talentloop.people import actions as people_actions
from talentloop.people import queries as people_queries
from talentloop.people.export import csv_lines
from talentloop.people.models import Person
from talentloop.recruiting import actions as recruiting_actions
from talentloop.recruiting import queries as recruiting_queries
from talentloop.search.domain import QueryError
from talentloop.ui import people_query as people_query_mod
from talentloop.ui import queries
from talentloop.ui.pagination import Page, paginate
from talentloop.ui.views import search as search_views
from talentloop.ui.views.common import (
    AppRequest,
    login_required,
    respond,
    selected_ids,
    toast,
    workspace_of,
)

PAGE_SIZE = 50
MAX_BULK = 500
SORTABLE = {
    "name": ("name", "-name"),
    "engaged": ("-engaged", "engaged"),
    "added": ("recent", "oldest"),
}


@login_required
@require_http_methods(["GET"])
def people_list(request: AppRequest) -> HttpResponse:
    """The list: the query box and builder, facets (loaded apart), ranked or sorted rows."""
    people_query = people_query_mod.read_query(request.user, request.GET)
    sort = _sort_of(request.GET, people_query)
    page = _page(request, people_query, sort)
    sync = request.GET.get("sync", "")
    context: dict[str, Any] = {
        "page": page,
        "pq": people_query,
        "sort": sort,
        "chosen_sort": request.GET.get("sort", "") if request.GET.get("sort") == sort else "",
        "sort_links": _sort_links(request.GET, sort),
        "query": _plain_query(request.GET),
        "sync_builder": sync in {"text", "all"} and people_query.is_valid,
        "sync_text": sync == "all",
    }
    if context["sync_builder"] or not request.htmx:
        context["builder"] = search_views.builder_context(request.user, people_query)
    if request.htmx and request.htmx.target == "people-results":
        response = respond(request, "ui/people/_results_response.html", context)
        query = context["query"]
        response["HX-Push-Url"] = f"{request.path}?{query}" if query else request.path
        # Why after-settle: the facet panel reads the query box, which this answer may update.
        response["HX-Trigger-After-Settle"] = json.dumps({"qb-facets": True})
        return response
    context["options"] = queries.filter_options(request.user)
    if roles.can_write(request.user.role_enum):
        context["jobs"] = recruiting_queries.visible_jobs(request.user).filter(status="open")
        context["pools"] = recruiting_queries.visible_pools(request.user)
    return respond(request, "ui/people/list.html", context)


def _sort_of(params: QueryDict, people_query: people_query_mod.PeopleQuery) -> str:
    chosen = params.get("sort", "")
    if chosen == "relevance" and people_query.terms:
        return chosen
    if chosen in queries.SORTS:
        return chosen
    return "relevance" if people_query.terms else "recent"


def _page(
    request: AppRequest, people_query: people_query_mod.PeopleQuery, sort: str
) -> Page[Person]:
    empty: Page[Person] = Page(
        [], has_next=False, has_previous=False, next_query="", previous_query=""
    )
    if not people_query.is_valid:
        return empty
    try:
        people = people_query_mod.matching(request.user, people_query)
    except QueryError as error:  # parsed, but refused for this role (e.g. salary)
        people_query.error = error
        return empty
    if sort == "relevance":
        return people_query_mod.relevance_page(
            request.user,
            people,
            people_query.terms,
            request.GET,
            size=PAGE_SIZE,
            focus=people_query.focus,
        )
    page = paginate(
        queries.people_page_rows(people), queries.SORTS[sort], request.GET, size=PAGE_SIZE
    )
    people_query_mod.snippets_for(request.user, page, people_query.terms)
    return page


def _plain_query(params: QueryDict) -> str:
    """The current URL's parameters without the one-off ones (htmx sync flags)."""
    copy = params.copy()
    copy.pop("sync", None)
    for key in [key for key, value in copy.items() if not value]:
        copy.pop(key)
    return copy.urlencode()


def _sort_links(params: QueryDict, current: str) -> dict[str, dict[str, str]]:
    """For each sortable column: the link that sorts by it, and its aria-sort state."""
    links = {}
    for column, (first, second) in SORTABLE.items():
        query = params.copy()
        for key in ("after", "before", "page", "sync"):
            query.pop(key, None)
        query["sort"] = second if current == first else first
        state = ""
        if current in (first, second):
            state = "descending" if current.startswith("-") or current == "recent" else "ascending"
        links[column] = {"query": query.urlencode(), "state": state}
    relevance = params.copy()
    for key in ("after", "before", "page", "sync"):
        relevance.pop(key, None)
    relevance["sort"] = "relevance"
    links["relevance"] = {"query": relevance.urlencode(), "state": ""}
    return links


# --- bulk actions --------------------------------------------------------------------------


@login_required
@require_POST
def people_bulk(request: AppRequest) -> HttpResponse:
    """Tag, add to a pool or job, or assign an owner for the ticked people."""
    require_write(request.user)
    people = _selected_people(request)
    action = request.POST.get("action", "")
    handlers = {"tag": _bulk_tag, "owner": _bulk_owner, "job": _bulk_job, "pool": _bulk_pool}
    if action not in handlers:
        raise ValidationFailed("choose what to do", fields={"action": "unknown"})
    handlers[action](request, people)
    response = respond(request, "ui/people/_bulk_done.html", {}, status=200)
    response["HX-Trigger"] = _merge_trigger(response.get("HX-Trigger"), "people-changed")
    return response


def _merge_trigger(existing: str | None, event: str) -> str:
    triggers: dict[str, Any] = json.loads(existing) if existing else {}
    triggers[event] = True
    return json.dumps(triggers)


def _selected_people(request: AppRequest) -> list[Person]:
    ids = selected_ids(request)
    if not ids:
        raise ValidationFailed("tick at least one person", fields={"ids": "required"})
    if len(ids) > MAX_BULK:
        raise ValidationFailed(f"at most {MAX_BULK} people at a time", fields={"ids": "too many"})
    people = list(people_queries.visible_people(request.user).filter(pk__in=ids))
    if len(people) != len(ids):
        raise ValidationFailed("some of those people are not available", fields={"ids": "unknown"})
    return people


def _bulk_tag(request: AppRequest, people: list[Person]) -> None:
    names = [name for name in request.POST.get("tag", "").split(",") if name.strip()]
    if not names:
        raise ValidationFailed("type a tag", fields={"tag": "required"})
    people_actions.do_tag_people(
        actor=request.user, workspace=workspace_of(request), people=people, names=names
    )
    toast(request, f"Tagged {_count(people)}")


def _bulk_owner(request: AppRequest, people: list[Person]) -> None:
    raw = request.POST.get("owner", "")
    owner = None
    if raw != "none":
        if not raw.isdigit():
            raise ValidationFailed("choose an owner", fields={"owner": "required"})
        owner = people_queries.access_teammate(request.user, int(raw))
    people_actions.do_assign_owner(
        actor=request.user, workspace=workspace_of(request), people=people, owner=owner
    )
    toast(request, f"Owner set for {_count(people)}")


def _bulk_job(request: AppRequest, people: list[Person]) -> None:
    raw = request.POST.get("job", "")
    if not raw.isdigit():
        raise ValidationFailed("choose a job", fields={"job": "required"})
    job = recruiting_queries.access_job(request.user, int(raw))
    added, skipped = _add_all(request, people, {"job": job})
    toast(request, f"Added {_count_n(added)} to {job.title}" + _skipped(skipped))


def _bulk_pool(request: AppRequest, people: list[Person]) -> None:
    raw = request.POST.get("pool", "")
    if not raw.isdigit():
        raise ValidationFailed("choose a pool", fields={"pool": "required"})
    pool = recruiting_queries.access_pool(request.user, int(raw))
    added, skipped = _add_all(request, people, {"pool": pool})
    toast(request, f"Added {_count_n(added)} to {pool.name}" + _skipped(skipped))


@transaction.atomic
def _add_all(request: AppRequest, people: list[Person], target: dict[str, Any]) -> tuple[int, int]:
    added = skipped = 0
    for person in people:
        try:
            recruiting_actions.do_add_candidacy(actor=request.user, person=person, **target)
            added += 1
        except Conflict:
            skipped += 1  # already there: nothing to do for this one
    return added, skipped


def _count(people: list[Person]) -> str:
    return _count_n(len(people))


def _count_n(n: int) -> str:
    return "1 person" if n == 1 else f"{n} people"


def _skipped(n: int) -> str:
    return f" ({_count_n(n)} already there)" if n else ""


# --- export ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def people_export(request: AppRequest) -> HttpResponse | StreamingHttpResponse:
    """CSV of the ticked people (POST) or of everyone matching the filters (GET), streamed."""
    require_export(request.user)
    visible = people_queries.visible_people(request.user)
    if request.method == "POST":
        people = visible.filter(pk__in=_selected_ids_or_422(request))
    else:
        people_query = people_query_mod.read_query(request.user, request.GET)
        if people_query.error is not None:
            raise people_query.error
        people = people_query_mod.matching(request.user, people_query)
    chosen = (request.POST if request.method == "POST" else request.GET).get("format", "csv")
    export_format = exports.parse_format(chosen or "csv")
    return exports.streaming_response(
        exports.do_export_people(actor=request.user, people=people, export_format=export_format)
    )


def csv_response(people: QuerySet[Person], filename: str) -> StreamingHttpResponse:
    """Stream these people as CSV (the caller has checked the viewer may export)."""
    rows = people.select_related("owner", "source").order_by("id").iterator(chunk_size=2000)
    response = StreamingHttpResponse(csv_lines(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _selected_ids_or_422(request: AppRequest) -> list[int]:
    ids = selected_ids(request)
    if not ids:
        raise ValidationFailed("tick at least one person", fields={"ids": "required"})
    return ids
