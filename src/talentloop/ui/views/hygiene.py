"""Duplicate review, side-by-side compare and merge, merge history with undo, data quality.

Same shape as the hygiene API: find what the viewer may see (404 otherwise, 403 for roles
that cannot merge) → call an action → render or redirect.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from talentloop.core import clock
from talentloop.core.errors import ValidationFailed
from talentloop.hygiene import actions, queries, tasks
from talentloop.hygiene.merge import CHOOSABLE_FIELDS
from talentloop.hygiene.models import DuplicateCandidate
from talentloop.people.models import Person
from talentloop.people.queries import access_person, visible_people
from talentloop.ui.views.common import AppRequest, login_required, respond, toast

REPORT_ROWS = 50
# What the compare page shows per side, in order: (label, field or property).
COMPARED = [
    ("First name", "first_name"),
    ("Last name", "last_name"),
    ("Headline", "headline"),
    ("Title", "current_title"),
    ("Company", "current_company_name"),
    ("City", "city"),
    ("Region", "region"),
    ("Country", "country"),
    ("Seniority", "seniority"),
    ("Lifecycle", "lifecycle"),
    ("External id", "external_id"),
    ("Primary email", "primary_email"),
    ("Primary phone", "primary_phone"),
]


def explain(reasons: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A pair's reasons as the queue shows them: agreeing features first, then differences."""
    shown = [
        {
            "label": str(reason["feature"]).replace("_", " ").capitalize(),
            "percent": round(float(reason["similarity"]) * 100),
            "agrees": float(reason["weight"]) > 0,
        }
        for reason in reasons
    ]
    return sorted(shown, key=lambda reason: not reason["agrees"])


@login_required
@require_GET
def duplicate_list(request: AppRequest) -> HttpResponse:
    """The review queue: open pairs, best score first."""
    pairs = queries.open_candidates(request.user)
    rows = [{"pair": pair, "reasons": explain(pair.reasons)} for pair in pairs[:100]]
    return respond(request, "ui/hygiene/list.html", {"rows": rows, "total": pairs.count()})


@login_required
@require_POST
def duplicate_scan(request: AppRequest) -> HttpResponseBase:
    """Queue the batch scan; its pairs join the queue when it finishes."""
    queries.check_may_review(request.user)
    tasks.scan_workspace.enqueue(request.user.tenant_id, request.user.pk)
    toast(request, "Scan started: new pairs appear here when it finishes")
    return redirect("duplicates")


def _rows(left: Person, right: Person) -> list[dict[str, Any]]:
    rows = []
    for label, name in COMPARED:
        left_value, right_value = getattr(left, name), getattr(right, name)
        rows.append(
            {
                "label": label,
                "name": name,
                "left": left_value,
                "right": right_value,
                "differs": left_value != right_value,
                # Default: the left value, or the right one where the left is empty.
                "pick_right": not left_value and bool(right_value),
            }
        )
    return rows


def _related(person: Person) -> dict[str, Any]:
    return {
        "contacts": list(person.contact_points.order_by("kind", "value")),
        "tags": list(person.tags.order_by("name").values_list("name", flat=True)),
        "candidacies": person.candidacies.count(),
        "activities": person.activities.count(),
        "attachments": person.attachments.count(),
    }


@login_required
@require_http_methods(["GET", "POST"])
def duplicate_compare(request: AppRequest, candidate_id: int) -> HttpResponseBase:
    """Both records side by side; choose the survivor and each field, then merge."""
    pair = queries.access_candidate(request.user, candidate_id)
    left, right = pair.low, pair.high
    if request.method == "POST":
        return _merge_from_form(request, pair, left, right)
    context = {
        "pair": pair,
        "reasons": explain(pair.reasons),
        "left": left,
        "right": right,
        "rows": _rows(left, right),
        "left_related": _related(left),
        "right_related": _related(right),
    }
    return respond(request, "ui/hygiene/compare.html", context)


def _merge_from_form(
    request: AppRequest, pair: DuplicateCandidate, left: Person, right: Person
) -> HttpResponseBase:
    keep = request.POST.get("keep", "left")
    if keep not in {"left", "right"}:
        raise ValidationFailed("choose which record to keep", fields={"keep": "left or right"})
    survivor, other = (left, right) if keep == "left" else (right, left)
    choices = {}
    for name in CHOOSABLE_FIELDS:
        side = request.POST.get(f"field_{name}")
        if side in {"left", "right"} and side != keep:
            choices[name] = "other"
    record = actions.do_merge_people(
        actor=request.user, survivor=survivor, other=other, field_choices=choices
    )
    toast(request, f"Merged into {survivor.full_name}. You can undo this for 30 days.")
    return redirect("person", record.survivor_id)


@login_required
@require_POST
def duplicate_dismiss(request: AppRequest, candidate_id: int) -> HttpResponseBase:
    pair = queries.access_candidate(request.user, candidate_id)
    actions.do_dismiss_candidate(actor=request.user, candidate=pair)
    toast(request, "Marked as two different people")
    return redirect("duplicates")


@login_required
@require_GET
def merge_list(request: AppRequest) -> HttpResponse:
    """Merges of the workspace, newest first, with undo while it is allowed."""
    now = clock.now()
    records = list(queries.merges(request.user)[:100])
    people = {
        person.pk: person
        for person in visible_people(request.user).filter(
            pk__in=[record.survivor_id for record in records]
        )
    }
    rows = [
        {
            "record": record,
            "survivor": people.get(record.survivor_id),
            "can_undo": record.undone_at is None
            and now - record.created_at <= actions.UNDO_WINDOW
            and record.survivor_id in people,
        }
        for record in records
    ]
    return respond(request, "ui/hygiene/merges.html", {"rows": rows})


@login_required
@require_POST
def merge_undo(request: AppRequest, merge_id: int) -> HttpResponseBase:
    record = queries.access_merge(request.user, merge_id)
    actions.do_undo_merge(actor=request.user, record=record)
    toast(request, "Merge undone: both people are back as they were")
    return redirect("merges")


@login_required
@require_GET
def person_duplicates(request: AppRequest, person_id: int) -> HttpResponse:
    """The profile's "possible duplicate" card (loaded by htmx); empty when there is none."""
    person = access_person(request.user, person_id)
    pairs = queries.candidates_of(request.user, person)
    others = [
        {"pair": pair, "other": pair.high if pair.low_id == person.pk else pair.low}
        for pair in pairs
    ]
    return respond(request, "ui/hygiene/_person_card.html", {"person": person, "others": others})


@login_required
@require_GET
def data_quality(request: AppRequest) -> HttpResponse:
    """Counts and the first people of each list: missing email, invalid phones, duplicates,
    stale (no engagement for 24 months)."""
    now = clock.now()
    user = request.user
    report = queries.quality_report(user, now)
    lists = [
        ("missing-email", "Missing email", report.missing_email, queries.missing_email(user)),
        ("invalid-phones", "Invalid phones", report.invalid_phones, queries.invalid_phones(user)),
        (
            "duplicates",
            "Suspected duplicates",
            report.suspected_duplicates,
            queries.suspected_duplicates(user),
        ),
        (
            "stale",
            "Stale (no engagement for 24 months)",
            report.stale,
            queries.stale_people(user, now),
        ),
    ]
    sections = [
        {"key": key, "title": title, "count": count, "people": people.order_by("-id")[:REPORT_ROWS]}
        for key, title, count, people in lists
    ]
    context = {"report": report, "sections": sections}
    return respond(request, "ui/hygiene/quality.html", context)
