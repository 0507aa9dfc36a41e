"""Sequence pages: list, form-based builder, enrolment preview, and the profile fragment."""

from __future__ import annotations

from collections.abc import Callable
from datetime import time
from typing import Any

from django.db.models import Count, Q
from django.http import HttpResponse, HttpResponseBase, QueryDict
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from talentloop.core.errors import ValidationFailed
from talentloop.outreach import queries as outreach_queries
from talentloop.outreach import sequence_queries as queries
from talentloop.outreach.enrollment_actions import (
    enrol,
    pause_enrollment,
    preview_enrolment,
    resume_enrollment,
    stop_enrollment,
)
from talentloop.outreach.sequence_actions import save_sequence
from talentloop.outreach.sequence_models import Enrollment, Sequence
from talentloop.outreach.sequence_rules import StopReason
from talentloop.people.queries import access_person
from talentloop.recruiting.queries import visible_jobs
from talentloop.ui.views.common import AppRequest, login_required, respond, toast

BLANK_STEP_ROWS = 3
WEEKDAYS = [(0, "Mon"), (1, "Tue"), (2, "Wed"), (3, "Thu"), (4, "Fri"), (5, "Sat"), (6, "Sun")]


@login_required
@require_GET
def sequence_list(request: AppRequest) -> HttpResponse:
    live = Q(enrollments__state__in=("active", "paused"))
    rows = (
        queries.sequences(request.user)
        .annotate(steps_count=Count("steps", distinct=True))
        .annotate(live_count=Count("enrollments", filter=live, distinct=True))
        .order_by("name")
    )
    return respond(request, "ui/sequences/list.html", {"sequences": rows})


def _step_rows(raw_steps: list[dict[str, Any]]) -> list[dict[str, Any]]:
    blank = {"kind": "", "template_id": "", "thread": "new", "wait_days": "", "task_kind": ""}
    return [*raw_steps, *[dict(blank) for _ in range(BLANK_STEP_ROWS)]]


def _steps_from(post: QueryDict) -> list[dict[str, Any]]:
    steps = []
    for index in range(int(post.get("step_rows", "0") or 0)):
        kind = post.get(f"step-{index}-kind", "")
        if not kind:
            continue  # an unused blank row
        steps.append(
            {
                "kind": kind,
                "template_id": post.get(f"step-{index}-template_id") or None,
                "thread": post.get(f"step-{index}-thread") or "new",
                "wait_days": post.get(f"step-{index}-wait_days") or None,
                "task_kind": post.get(f"step-{index}-task_kind") or None,
                "task_note": post.get(f"step-{index}-task_note", ""),
            }
        )
    return steps


def _time(text: str, default: time) -> time:
    try:
        return time.fromisoformat(text) if text else default
    except ValueError:
        return default


def _form_values(sequence: Sequence | None) -> dict[str, Any]:
    if sequence is None:
        return {"name": "", "mailbox_id": "", "description": "", "business_start": "09:00",
                "business_end": "17:00", "business_days": [0, 1, 2, 3, 4],
                "fallback_time_zone": "", "steps": []}  # fmt: skip
    steps = [
        {"kind": s.kind, "template_id": s.template_id or "", "thread": s.thread,
         "wait_days": s.wait_days or "", "task_kind": s.task_kind, "task_note": s.task_note}
        for s in sequence.steps.all()
    ]  # fmt: skip
    return {
        "name": sequence.name,
        "mailbox_id": sequence.mailbox_id,
        "description": sequence.description,
        "business_start": sequence.business_start.strftime("%H:%M"),
        "business_end": sequence.business_end.strftime("%H:%M"),
        "business_days": list(sequence.business_days),
        "fallback_time_zone": sequence.fallback_time_zone,
        "steps": steps,
    }


def _values_from(post: QueryDict) -> dict[str, Any]:
    return {
        "name": post.get("name", ""),
        "mailbox_id": post.get("mailbox_id", ""),
        "description": post.get("description", ""),
        "business_start": post.get("business_start", "09:00"),
        "business_end": post.get("business_end", "17:00"),
        "business_days": [int(day) for day in post.getlist("business_days") if day.isdigit()],
        "fallback_time_zone": post.get("fallback_time_zone", ""),
        "steps": _steps_from(post),
    }


def _save(request: AppRequest, sequence: Sequence | None, values: dict[str, Any]) -> Sequence:
    mailbox_id = str(values["mailbox_id"])
    return save_sequence(
        actor=request.user,
        sequence=sequence,
        name=values["name"],
        mailbox_id=int(mailbox_id) if mailbox_id.isdigit() else 0,
        steps=values["steps"],
        description=values["description"],
        business_start=_time(values["business_start"], time(9)),
        business_end=_time(values["business_end"], time(17)),
        business_days=values["business_days"],
        fallback_time_zone=values["fallback_time_zone"],
    )


def _builder(
    request: AppRequest,
    sequence: Sequence | None,
    values: dict[str, Any],
    error: ValidationFailed | None = None,
) -> HttpResponse:
    errors = error.fields if error else {}
    context = {
        "error_message": error.message if error else "",
        "sequence": sequence,
        "values": values,
        "step_rows": _step_rows(values["steps"]),
        "errors": errors,
        "mailboxes": outreach_queries.mailboxes(request.user).filter(active=True),
        "templates": outreach_queries.templates(request.user),
        "weekdays": WEEKDAYS,
    }
    return respond(request, "ui/sequences/form.html", context, status=422 if errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def sequence_new(request: AppRequest) -> HttpResponseBase:
    return _edit(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def sequence_edit(request: AppRequest, sequence_id: int) -> HttpResponseBase:
    return _edit(request, queries.access_sequence(request.user, sequence_id))


def _edit(request: AppRequest, sequence: Sequence | None) -> HttpResponseBase:
    if request.method != "POST":
        return _builder(request, sequence, _form_values(sequence))
    values = _values_from(request.POST)
    try:
        saved = _save(request, sequence, values)
    except ValidationFailed as error:
        return _builder(request, sequence, values, error)
    toast(request, "sequence saved")
    return redirect("sequence_detail", saved.pk)


@login_required
@require_GET
def sequence_detail(request: AppRequest, sequence_id: int) -> HttpResponse:
    sequence = queries.access_sequence(request.user, sequence_id)
    enrollments = queries.enrollments(request.user).filter(sequence=sequence).order_by("-id")
    context = {
        "sequence": sequence,
        "steps": list(sequence.steps.select_related("template")),
        "enrollments": enrollments[:200],
        "counts": dict(enrollments.values_list("state").annotate(n=Count("id")).order_by()),
        "open_jobs": visible_jobs(request.user).filter(status="open").order_by("title")[:200],
    }
    return respond(request, "ui/sequences/detail.html", context)


def _number(source: QueryDict, name: str) -> int:
    text = str(source.get(name, ""))
    return int(text) if text.isdigit() else 0


def _people_from(request: AppRequest, source: QueryDict) -> tuple[list[Any], str]:
    if source.get("person"):
        person_ids = [_number(source, "person")]
        return queries.people_to_enrol(request.user, person_ids=person_ids), "profile"
    if source.get("job"):
        return queries.people_to_enrol(request.user, job_id=_number(source, "job")), "job"
    return queries.people_to_enrol(request.user, query=str(source.get("q", ""))), "search"


@login_required
@require_http_methods(["GET", "POST"])
def sequence_enrol(request: AppRequest, sequence_id: int) -> HttpResponseBase:
    """GET: who would be enrolled and who is skipped (why); POST: enrol them."""
    sequence = queries.access_sequence(request.user, sequence_id)
    source = request.POST if request.method == "POST" else request.GET
    people, origin = _people_from(request, source)
    if request.method == "POST":
        result = enrol(actor=request.user, sequence=sequence, people=people, source=origin)
        toast(request, f"{len(result.enrolled)} enrolled, {len(result.skipped)} skipped")
        return redirect("sequence_detail", sequence.pk)
    preview = preview_enrolment(actor=request.user, sequence=sequence, people=people)
    context = {"sequence": sequence, "preview": preview, "source": source}
    return respond(request, "ui/sequences/preview.html", context)


@login_required
@require_GET
def enrol_chooser(request: AppRequest) -> HttpResponse:
    """Pick the sequence to enrol a person, a search result or a job's pipeline in."""
    context = {"sequences": queries.sequences(request.user), "params": request.GET.urlencode()}
    return respond(request, "ui/sequences/choose.html", context)


@login_required
@require_GET
def person_sequences(request: AppRequest, person_id: int) -> HttpResponse:
    """The profile's sequences card (loaded by htmx): enrolments, their history, actions."""
    person = access_person(request.user, person_id)
    context = {
        "person": person,
        "enrollments": queries.person_enrollments(request.user, person),
        "sequences": queries.sequences(request.user),
    }
    return respond(request, "ui/sequences/_person.html", context)


_ACTIONS: dict[str, Callable[..., Enrollment]] = {
    "pause": pause_enrollment,
    "resume": resume_enrollment,
}


@login_required
@require_POST
def enrollment_action(request: AppRequest, enrollment_id: int, action: str) -> HttpResponseBase:
    enrollment = queries.access_enrollment(request.user, enrollment_id)
    if action == "stop":
        stop_enrollment(actor=request.user, enrollment=enrollment, reason=StopReason.MANUAL)
    elif action in _ACTIONS:
        _ACTIONS[action](actor=request.user, enrollment=enrollment)
    else:
        raise ValidationFailed("unknown action")
    toast(request, f"sequence {action}{'d' if action.endswith('e') else 'ped'}")
    return redirect("person", enrollment.person_id)
