"""The people list: live search, filter chips, sortable columns, keyset pages, bulk actions."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.db import transaction
from django.http import HttpResponse, QueryDict, StreamingHttpResponse
from django.views.decorators.http import require_http_methods, require_POST

from talentloop.accounts import domain as roles
from talentloop.accounts.permissions import require_export, require_write
from talentloop.core.errors import Conflict, ValidationFailed
from talentloop.people import actions as people_actions
from talentloop.people import queries as people_queries
from talentloop.people.domain import Seniority
from talentloop.people.models import Person
from talentloop.recruiting import actions as recruiting_actions
from talentloop.recruiting import queries as recruiting_queries
from talentloop.ui import queries
from talentloop.ui.pagination import paginate
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
    spec = queries.PeopleFilter.from_query(request.GET)
    people = queries.people_page_rows(queries.filter_people(request.user, spec))
    page = paginate(people, queries.SORTS[spec.sort], request.GET, size=PAGE_SIZE)
    context = {
        "page": page,
        "spec": spec,
        "chips": _chips(request, spec),
        "sort_links": _sort_links(request.GET, spec.sort),
        "query": request.GET.urlencode(),
    }
    if request.htmx and request.htmx.target == "people-results":
        return respond(request, "ui/people/_results.html", context)
    context["options"] = queries.filter_options(request.user)
    context["seniorities"] = list(Seniority)
    context["engaged_choices"] = queries.ENGAGED_CHOICES
    if roles.can_write(request.user.role_enum):
        context["jobs"] = recruiting_queries.visible_jobs(request.user).filter(status="open")
        context["pools"] = recruiting_queries.visible_pools(request.user)
    return respond(request, "ui/people/list.html", context)


def _chips(request: AppRequest, spec: queries.PeopleFilter) -> list[dict[str, str]]:
    """One removable chip per active filter value; its link is the list without it."""
    labels = _chip_labels(request, spec)
    chips = []
    for param, value, label in labels:
        remaining = request.GET.copy()
        for key in ("after", "before"):
            remaining.pop(key, None)
        kept = [v for v in remaining.getlist(param) if v != value]
        remaining.setlist(param, kept)
        chips.append({"label": label, "remove": remaining.urlencode()})
    return chips


def _chip_labels(request: AppRequest, spec: queries.PeopleFilter) -> list[tuple[str, str, str]]:
    user = request.user
    labels: list[tuple[str, str, str]] = []
    if spec.q:
        labels.append(("q", request.GET.get("q", ""), f"“{spec.q}”"))
    if spec.skills:
        labels.append(
            ("skills", request.GET.get("skills", ""), "Skills: " + ", ".join(spec.skills))
        )
    if spec.location:
        labels.append(("location", request.GET.get("location", ""), f"Location: {spec.location}"))
    labels += [("seniority", v, f"Seniority: {Seniority(v).label}") for v in spec.seniority]
    names = {t.pk: t.name for t in people_queries.tags(user).filter(pk__in=spec.tags)}
    labels += [("tag", str(i), f"Tag: {names[i]}") for i in spec.tags if i in names]
    sources = {s.pk: s.name for s in people_queries.sources(user).filter(pk__in=spec.source)}
    labels += [("source", str(i), f"Source: {sources[i]}") for i in spec.source if i in sources]
    if spec.owner:
        labels.append(("owner", spec.owner, "Owner: " + _owner_label(request, spec.owner)))
    stage_names = _stage_names(request, spec.stage)
    labels += [
        ("stage", str(i), f"Stage: {stage_names[i]}") for i in spec.stage if i in stage_names
    ]
    if spec.engaged:
        labels.append(
            ("engaged", spec.engaged, "Engaged: " + dict(queries.ENGAGED_CHOICES)[spec.engaged])
        )
    return labels


def _owner_label(request: AppRequest, owner: str) -> str:
    if owner in {"me", "none"}:
        return {"me": "me", "none": "nobody"}[owner]
    teammate = people_queries.teammates(request.user).filter(pk=int(owner)).first()
    return teammate.display_name if teammate else "unknown"


def _stage_names(request: AppRequest, ids: list[int]) -> dict[int, str]:
    if not ids:
        return {}
    stages = queries.job_stages(request.user).filter(pk__in=ids)
    return {stage.pk: f"{stage.pipeline.name} \u203a {stage.name}" for stage in stages}


def _sort_links(params: QueryDict, current: str) -> dict[str, dict[str, str]]:
    """For each sortable column: the link that sorts by it, and its aria-sort state."""
    links = {}
    for column, (first, second) in SORTABLE.items():
        query = params.copy()
        for key in ("after", "before"):
            query.pop(key, None)
        query["sort"] = second if current == first else first
        state = ""
        if current in (first, second):
            state = "descending" if current.startswith("-") or current == "recent" else "ascending"
        links[column] = {"query": query.urlencode(), "state": state}
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
    import json

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

EXPORT_COLUMNS: list[tuple[str, Callable[[Person], object]]] = [
    ("id", lambda p: p.pk),
    ("first_name", lambda p: p.first_name),
    ("last_name", lambda p: p.last_name),
    ("email", lambda p: p.primary_email),
    ("phone", lambda p: p.primary_phone),
    ("headline", lambda p: p.headline),
    ("current_title", lambda p: p.current_title),
    ("company", lambda p: p.current_company_name),
    ("city", lambda p: p.city),
    ("country", lambda p: p.country),
    ("seniority", lambda p: p.seniority),
    ("lifecycle", lambda p: p.lifecycle),
    ("owner", lambda p: p.owner.email if p.owner else ""),
    ("source", lambda p: p.source.name if p.source else ""),
    ("last_engaged_at", lambda p: p.last_engaged_at.isoformat() if p.last_engaged_at else ""),
    ("do_not_contact", lambda p: "yes" if p.do_not_contact else "no"),
]


class _Echo:
    def write(self, value: str) -> str:
        return value


def _safe(value: object) -> str:
    """Neutralise spreadsheet formulas (CSV injection) in user-entered text."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in {"=", "+", "-", "@", "\t", "\r"} else text


def _csv_rows(people: Iterable[Person]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow([name for name, _ in EXPORT_COLUMNS])
    for person in people:
        yield writer.writerow([_safe(column(person)) for _, column in EXPORT_COLUMNS])


@login_required
@require_http_methods(["GET", "POST"])
def people_export(request: AppRequest) -> HttpResponse | StreamingHttpResponse:
    """CSV of the ticked people (POST) or of everyone matching the filters (GET), streamed."""
    require_export(request.user)
    visible = people_queries.visible_people(request.user)
    if request.method == "POST":
        people = visible.filter(pk__in=_selected_ids_or_422(request))
    else:
        people = queries.filter_people(request.user, queries.PeopleFilter.from_query(request.GET))
    rows = people.select_related("owner", "source").order_by("id").iterator(chunk_size=2000)
    response = StreamingHttpResponse(_csv_rows(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="people.csv"'
    return response


def _selected_ids_or_422(request: AppRequest) -> list[int]:
    ids = selected_ids(request)
    if not ids:
        raise ValidationFailed("tick at least one person", fields={"ids": "required"})
    return ids
