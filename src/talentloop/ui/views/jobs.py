"""Jobs: the list, create/edit, the pipeline board and list, moves, rejections, adding people."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, F, QuerySet, Window
from django.db.models.functions import RowNumber
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from talentloop.accounts.permissions import require_write
from talentloop.core import clock
from talentloop.core.errors import AppError, Conflict, NotFound, ValidationFailed
from talentloop.people import queries as people_queries
from talentloop.people.models import Person
from talentloop.recruiting import actions as recruiting_actions
from talentloop.recruiting import queries as recruiting_queries
from talentloop.recruiting.domain import JobStatus, Outcome
from talentloop.recruiting.models import Candidacy, Job, PipelineTemplate, Stage, TalentPool
from talentloop.ui import queries as ui_queries
from talentloop.ui.forms_jobs import JobForm, RejectForm
from talentloop.ui.pagination import SortKey, paginate
from talentloop.ui.views.common import (
    AppRequest,
    login_required,
    render_with_errors,
    respond,
    toast,
    workspace_of,
)

PAGE_SIZE = 50
CARDS_PER_COLUMN = 25  # Why: a long column is unusable and slow to render; the list view pages.
SEARCH_LIMIT = 20
STATUS_FILTERS = [("", "All"), *[(status.value, status.label) for status in JobStatus]]
OUTCOME_FILTERS = [
    ("open", "In process"),
    ("hired", "Hired"),
    ("rejected", "Rejected"),
    ("", "All"),
]
JOB_SORT = [SortKey("title"), SortKey("id")]
CANDIDACY_SORT = [SortKey("id", descending=True)]


# --- the board, shared with talent pools ------------------------------------------------------


@dataclass
class Card:
    candidacy: Candidacy
    in_stage_for: str


@dataclass
class Column:
    stage: Stage
    cards: list[Card]
    count: int
    options: SafeString  # the "Move to" <option>s, this column's stage selected

    @property
    def more(self) -> int:
        return self.count - len(self.cards)


def stage_age(entered: datetime, now: datetime) -> str:
    """A short "how long in this stage" (cheaper than timesince for hundreds of cards)."""
    seconds = max(int((now - entered).total_seconds()), 0)
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            amount = seconds // size
            return f"{amount} {unit}{'' if amount == 1 else 's'}"
    return "under a minute"


def _stage_options(stages: list[Stage], current: Stage) -> SafeString:
    """Rendered once per column, not once per card: a big board stays fast to render."""
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((stage.pk, " selected" if stage.pk == current.pk else "", stage.name) for stage in stages),
    )


def board_columns(candidacies: QuerySet[Candidacy], stages: list[Stage]) -> list[Column]:
    """One column per stage: its first cards (oldest arrival first) and its full count.

    Three queries whatever the number of cards: a window function picks the ids of the
    first CARDS_PER_COLUMN of each stage, one query loads those cards with their people, and
    one grouped count gives every column's total. Why not the window over the person join:
    that join would read every candidate's person row (thousands on a big job) to keep 200.
    """
    first_ids = (
        candidacies.annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("stage_id")],
                order_by=[F("stage_entered_at").asc(), F("id").asc()],
            )
        )
        .filter(rank__lte=CARDS_PER_COLUMN)
        .values_list("id", flat=True)
    )
    ranked = (
        Candidacy.objects.filter(pk__in=list(first_ids))
        .select_related("person")
        .order_by("stage_entered_at", "id")
    )
    counts = {
        row["stage_id"]: row["n"]
        for row in candidacies.order_by().values("stage_id").annotate(n=Count("id"))
    }
    now = clock.now()
    cards: dict[int, list[Card]] = {stage.pk: [] for stage in stages}
    for candidacy in ranked:
        card = Card(candidacy, stage_age(candidacy.stage_entered_at, now))
        cards.setdefault(candidacy.stage_id, []).append(card)
    return [
        Column(stage, cards[stage.pk], counts.get(stage.pk, 0), _stage_options(stages, stage))
        for stage in stages
    ]


def pipeline_stages(pipeline: PipelineTemplate) -> list[Stage]:
    return list(pipeline.stages.order_by("position"))


def stage_in(pipeline: PipelineTemplate, raw: str) -> Stage:
    """The posted stage if it belongs to this pipeline; anything else names the field."""
    stage = None
    if raw.strip().isdigit():
        stage = pipeline.stages.filter(pk=int(raw)).first()
    if stage is None:
        raise ValidationFailed("choose a stage of this pipeline", fields={"stage_id": "unknown"})
    return stage


def moved_response(
    request: AppRequest,
    candidacy: Candidacy,
    board_context: dict[str, Any],
    back: str,
    *,
    moved: bool = True,
) -> HttpResponse:
    """htmx: the re-rendered board plus an announcement; plain forms: back to the page."""
    verb = "moved to" if moved else "is already in"
    message = f"{candidacy.person.full_name} {verb} {candidacy.stage.name}"
    if not request.htmx:
        toast(request, message)
        return HttpResponseRedirect(back)
    response = respond(request, "ui/jobs/_board.html", board_context)
    announce = {"message": message, "candidacy_id": candidacy.pk}
    response["HX-Trigger"] = json.dumps({"boardMoved": announce})
    return response


# --- the job list, create, edit --------------------------------------------------------------


@login_required
@require_GET
def job_list(request: AppRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    status = status if status in dict(STATUS_FILTERS) else ""
    jobs = recruiting_queries.jobs_with_counts(request.user).select_related(
        "hiring_manager", "recruiter", "company"
    )
    if status:
        jobs = jobs.filter(status=status)
    query = " ".join(request.GET.get("q", "").split())[:100]
    if query:
        jobs = jobs.filter(title__icontains=query)
    page = paginate(jobs, JOB_SORT, request.GET, size=PAGE_SIZE)
    context = {"page": page, "status": status, "filters": STATUS_FILTERS, "q": query}
    return respond(request, "ui/jobs/list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def job_create(request: AppRequest) -> HttpResponse:
    require_write(request.user)
    form = JobForm(request.POST or None, viewer=request.user)
    context = {"form": form, "job": None}
    if request.method == "GET":
        return respond(request, "ui/jobs/form.html", context)
    if not form.is_valid():
        return render_with_errors(request, "ui/jobs/form.html", context, form=form)
    try:
        job = recruiting_actions.do_create_job(
            actor=request.user, workspace=workspace_of(request), fields=form.action_fields()
        )
    except (ValidationFailed, Conflict) as error:
        return _form_error(request, context, form, error)
    toast(request, f"Job “{job.title}” created")
    return HttpResponseRedirect(reverse("job_detail", args=[job.pk]))


@login_required
@require_http_methods(["GET", "POST"])
def job_edit(request: AppRequest, job_id: int) -> HttpResponse:
    job = recruiting_queries.access_job(request.user, job_id)
    require_write(request.user)
    initial = JobForm.initial_for(job)
    form = JobForm(request.POST or None, initial=initial, viewer=request.user)
    if recruiting_queries.visible_candidacies(request.user).filter(job=job).exists():
        # Why: candidates sit in this pipeline's stages; the action refuses a change anyway.
        form.fields["pipeline"].disabled = True
        form.fields["pipeline"].help_text = "Locked: this job has candidates"
    context = {"form": form, "job": job}
    if request.method == "GET":
        return respond(request, "ui/jobs/form.html", context)
    if not form.is_valid():
        return render_with_errors(request, "ui/jobs/form.html", context, form=form)
    try:
        recruiting_actions.do_update_job(actor=request.user, job=job, fields=form.action_fields())
    except (ValidationFailed, Conflict) as error:
        return _form_error(request, context, form, error)
    toast(request, "Job saved")
    return HttpResponseRedirect(reverse("job_detail", args=[job.pk]))


def _form_error(
    request: AppRequest, context: dict[str, Any], form: JobForm, error: AppError
) -> HttpResponse:
    # Why: a 409 (e.g. pipeline locked) names its field like a 422 does; show both inline.
    failure = ValidationFailed(error.message, fields=error.fields)
    return render_with_errors(request, "ui/jobs/form.html", context, form=form, error=failure)


# --- the job page: board and list ------------------------------------------------------------


def _job_board_context(request: AppRequest, job: Job) -> dict[str, Any]:
    stages = pipeline_stages(job.pipeline)
    on_board = recruiting_queries.visible_candidacies(request.user).filter(
        job=job, outcome__in=[Outcome.OPEN.value, Outcome.HIRED.value]
    )
    return {
        "job": job,
        "container": job,
        "columns": board_columns(on_board, stages),
        "stages": stages,
        "card_base": reverse("job_detail", args=[job.pk]) + "candidacies/",
        "can_reject": True,
    }


@login_required
@require_GET
def job_detail(request: AppRequest, job_id: int) -> HttpResponse:
    job = recruiting_queries.access_job(request.user, job_id)
    view = "list" if request.GET.get("view") == "list" else "board"
    context: dict[str, Any] = {"job": job, "view": view}
    closed = recruiting_queries.visible_candidacies(request.user).filter(job=job)
    context["closed_count"] = closed.filter(
        outcome__in=[Outcome.REJECTED.value, Outcome.WITHDRAWN.value]
    ).count()
    if view == "board":
        context.update(_job_board_context(request, job))
        context["reject_form"] = RejectForm(viewer=request.user, auto_id="reject_%s")
    else:
        context.update(_job_list_context(request, job))
    return respond(request, "ui/jobs/detail.html", context)


def _job_list_context(request: AppRequest, job: Job) -> dict[str, Any]:
    outcome = request.GET.get("outcome", "open")
    outcome = outcome if outcome in dict(OUTCOME_FILTERS) else "open"
    rows = (
        recruiting_queries.visible_candidacies(request.user)
        .filter(job=job)
        .select_related("person", "stage", "outcome_reason", "source", "owner")
    )
    if outcome:
        rows = rows.filter(outcome=outcome)
    stage = request.GET.get("stage", "")
    if stage.isdigit():
        rows = rows.filter(stage_id=int(stage))
    page = paginate(rows, CANDIDACY_SORT, request.GET, size=PAGE_SIZE)
    return {"page": page, "outcome": outcome, "outcome_filters": OUTCOME_FILTERS}


def _job_candidacy(request: AppRequest, job_id: int, candidacy_id: int) -> Candidacy:
    """The candidacy if the viewer may see it and it belongs to this job; 404 otherwise."""
    candidacy = recruiting_queries.access_candidacy(request.user, candidacy_id)
    if candidacy.job_id != job_id:
        raise NotFound("candidacy not found")
    return candidacy


@login_required
@require_GET
def candidacy_detail(request: AppRequest, job_id: int, candidacy_id: int) -> HttpResponse:
    """One candidacy: where it is, how it got there (stage history), and what to do next."""
    job = recruiting_queries.access_job(request.user, job_id)
    candidacy = _job_candidacy(request, job_id, candidacy_id)
    context = {
        "job": job,
        "candidacy": candidacy,
        "history": list(recruiting_queries.stage_history(candidacy)),
        "stages": pipeline_stages(job.pipeline),
        "reject_form": RejectForm(viewer=request.user, auto_id="reject_%s"),
    }
    return respond(request, "ui/jobs/candidacy.html", context)


@login_required
@require_POST
def candidacy_move(request: AppRequest, job_id: int, candidacy_id: int) -> HttpResponse:
    job = recruiting_queries.access_job(request.user, job_id)
    candidacy = _job_candidacy(request, job_id, candidacy_id)
    require_write(request.user)
    stage = stage_in(job.pipeline, request.POST.get("stage_id", ""))
    moved = stage.pk != candidacy.stage_id
    candidacy = recruiting_actions.do_move_candidacy(
        actor=request.user, candidacy=candidacy, to_stage=stage
    )
    back = _back_url(request, reverse("job_detail", args=[job.pk]))
    board = _job_board_context(request, job)
    return moved_response(request, candidacy, board, back, moved=moved)


def _back_url(request: AppRequest, default: str) -> str:
    """Plain forms say where they came from; only same-site paths are followed."""
    back = request.POST.get("next", "")
    return back if back.startswith("/") and not back.startswith("//") else default


@login_required
@require_http_methods(["GET", "POST"])
def candidacy_reject(request: AppRequest, job_id: int, candidacy_id: int) -> HttpResponse:
    """Reject with a reason from the workspace's list (the board opens this as a dialog)."""
    job = recruiting_queries.access_job(request.user, job_id)
    candidacy = _job_candidacy(request, job_id, candidacy_id)
    require_write(request.user)
    form = RejectForm(request.POST or None, viewer=request.user, auto_id="reject_%s")
    context = {"job": job, "candidacy": candidacy, "reject_form": form}
    if request.method == "GET":
        return respond(request, "ui/jobs/reject.html", context)
    if not form.is_valid():
        context["form"] = form
        return render_with_errors(request, "ui/jobs/reject.html", context, form=form)
    reason = recruiting_queries.access_reason(request.user, int(form.cleaned_data["reason"]))
    recruiting_actions.do_reject_candidacy(
        actor=request.user, candidacy=candidacy, reason=reason, note=form.cleaned_data["note"]
    )
    toast(request, f"{candidacy.person.full_name} rejected: {reason.name}")
    return HttpResponseRedirect(_back_url(request, reverse("job_detail", args=[job.pk])))


@login_required
@require_POST
def candidacy_reopen(request: AppRequest, job_id: int, candidacy_id: int) -> HttpResponse:
    job = recruiting_queries.access_job(request.user, job_id)
    candidacy = _job_candidacy(request, job_id, candidacy_id)
    require_write(request.user)
    recruiting_actions.do_reopen_candidacy(actor=request.user, candidacy=candidacy)
    toast(request, f"{candidacy.person.full_name} is back in the process")
    return HttpResponseRedirect(
        _back_url(request, reverse("job_candidacy", args=[job.pk, candidacy.pk]))
    )


# --- adding people from search, shared with talent pools --------------------------------------


def search_people(request: AppRequest, member_ids: QuerySet[Any]) -> dict[str, Any]:
    """Up to SEARCH_LIMIT visible people matching ?q=, each marked if already in the target."""
    query = " ".join(request.GET.get("q", "").split())[:100]
    people: list[Person] = []
    if query:
        spec = ui_queries.PeopleFilter(q=query)
        found = ui_queries.filter_people(request.user, spec).order_by("last_name", "id")
        people = list(found[:SEARCH_LIMIT])
    already = set(member_ids.filter(person_id__in=[p.pk for p in people])) if people else set()
    return {"q": query, "results": [(person, person.pk in already) for person in people]}


def add_person(
    request: AppRequest, *, job: Job | None = None, pool: TalentPool | None = None
) -> tuple[Person, bool]:
    """Add the posted person; (person, False) when they were already there."""
    raw = request.POST.get("person_id", "")
    if not raw.isdigit():
        raise ValidationFailed("choose a person", fields={"person_id": "required"})
    person = people_queries.access_person(request.user, int(raw))
    try:
        recruiting_actions.do_add_candidacy(actor=request.user, person=person, job=job, pool=pool)
    except Conflict:
        return person, False
    return person, True


def added_response(
    request: AppRequest, person: Person, added: bool, where: str, back: str
) -> HttpResponse:
    name = person.full_name or "This person"
    text = f"{name} added to {where}" if added else f"{name} is already in {where}"
    toast(request, text)
    if not request.htmx:
        return HttpResponseRedirect(back)
    return respond(request, "ui/jobs/_add_row.html", {"person": person, "member": True})


@login_required
@require_http_methods(["GET", "POST"])
def job_add_people(request: AppRequest, job_id: int) -> HttpResponse:
    job = recruiting_queries.access_job(request.user, job_id)
    require_write(request.user)
    back = reverse("job_add_people", args=[job.pk])
    if request.method == "POST":
        person, added = add_person(request, job=job)
        return added_response(request, person, added, job.title, _back_url(request, back))
    members = recruiting_queries.visible_candidacies(request.user).filter(job=job)
    context = {
        "target": job,
        "target_name": job.title,
        "target_url": reverse("job_detail", args=[job.pk]),
        "add_url": back,
        **search_people(request, members.values_list("person_id", flat=True)),
    }
    if request.htmx and request.htmx.target == "add-results":
        return respond(request, "ui/jobs/_add_results.html", context)
    return respond(request, "ui/jobs/add.html", context)
