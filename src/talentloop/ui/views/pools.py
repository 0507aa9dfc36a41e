"""Talent pools: the list, create/edit, the stage board, adding people from search or a profile."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from talentloop.accounts.permissions import require_write
from talentloop.core.errors import NotFound, ValidationFailed
from talentloop.people import queries as people_queries
from talentloop.recruiting import actions as recruiting_actions
from talentloop.recruiting import queries as recruiting_queries
from talentloop.recruiting.domain import JobStatus
from talentloop.recruiting.models import Candidacy, TalentPool
from talentloop.ui.forms_jobs import PoolForm
from talentloop.ui.views.common import (
    AppRequest,
    login_required,
    render_with_errors,
    respond,
    toast,
    workspace_of,
)
from talentloop.ui.views.jobs import (
    add_person,
    added_response,
    board_columns,
    moved_response,
    pipeline_stages,
    search_people,
    stage_in,
)


@login_required
@require_GET
def pool_list(request: AppRequest) -> HttpResponse:
    pools = (
        recruiting_queries.visible_pools(request.user)
        .select_related("owner", "pipeline")
        .annotate(member_count=Count("candidacies", filter=Q(candidacies__outcome="open")))
        .order_by("name", "id")
    )
    return respond(request, "ui/pools/list.html", {"pools": list(pools[:200])})


@login_required
@require_http_methods(["GET", "POST"])
def pool_create(request: AppRequest) -> HttpResponse:
    require_write(request.user)
    form = PoolForm(request.POST or None, viewer=request.user)
    context = {"form": form, "pool": None}
    if request.method == "GET":
        return respond(request, "ui/pools/form.html", context)
    if not form.is_valid():
        return render_with_errors(request, "ui/pools/form.html", context, form=form)
    data = form.cleaned_data
    pipeline = None
    if data["pipeline"]:
        pipeline = recruiting_queries.access_pipeline(request.user, int(data["pipeline"]))
    try:
        pool = recruiting_actions.do_create_pool(
            actor=request.user,
            workspace=workspace_of(request),
            name=data["name"],
            description=data["description"],
            pipeline=pipeline,
            owner=request.user,
        )
    except ValidationFailed as error:
        return render_with_errors(request, "ui/pools/form.html", context, form=form, error=error)
    toast(request, f"Pool “{pool.name}” created")
    return HttpResponseRedirect(reverse("pool_detail", args=[pool.pk]))


@login_required
@require_http_methods(["GET", "POST"])
def pool_edit(request: AppRequest, pool_id: int) -> HttpResponse:
    pool = recruiting_queries.access_pool(request.user, pool_id)
    require_write(request.user)
    initial = {"name": pool.name, "description": pool.description, "pipeline": pool.pipeline_id}
    form = PoolForm(request.POST or None, initial=initial, viewer=request.user)
    del form.fields["pipeline"]  # Why: a pool keeps its stages; members sit in them.
    context = {"form": form, "pool": pool}
    if request.method == "GET":
        return respond(request, "ui/pools/form.html", context)
    if not form.is_valid():
        return render_with_errors(request, "ui/pools/form.html", context, form=form)
    try:
        recruiting_actions.do_update_pool(
            actor=request.user,
            pool=pool,
            name=form.cleaned_data["name"],
            description=form.cleaned_data["description"],
        )
    except ValidationFailed as error:
        return render_with_errors(request, "ui/pools/form.html", context, form=form, error=error)
    toast(request, "Pool saved")
    return HttpResponseRedirect(reverse("pool_detail", args=[pool.pk]))


def _pool_board_context(request: AppRequest, pool: TalentPool) -> dict[str, Any]:
    stages = pipeline_stages(pool.pipeline)
    members = recruiting_queries.visible_candidacies(request.user).filter(pool=pool, outcome="open")
    return {
        "pool": pool,
        "container": pool,
        "columns": board_columns(members, stages),
        "stages": stages,
        "card_base": reverse("pool_detail", args=[pool.pk]) + "candidacies/",
        "can_reject": False,
    }


@login_required
@require_GET
def pool_detail(request: AppRequest, pool_id: int) -> HttpResponse:
    pool = recruiting_queries.access_pool(request.user, pool_id)
    return respond(request, "ui/pools/detail.html", _pool_board_context(request, pool))


def _pool_candidacy(request: AppRequest, pool: TalentPool, candidacy_id: int) -> Candidacy:
    candidacy = recruiting_queries.access_candidacy(request.user, candidacy_id)
    if candidacy.pool_id != pool.pk:
        raise NotFound("candidacy not found")
    return candidacy


@login_required
@require_POST
def pool_candidacy_move(request: AppRequest, pool_id: int, candidacy_id: int) -> HttpResponse:
    pool = recruiting_queries.access_pool(request.user, pool_id)
    candidacy = _pool_candidacy(request, pool, candidacy_id)
    require_write(request.user)
    stage = stage_in(pool.pipeline, request.POST.get("stage_id", ""))
    moved = stage.pk != candidacy.stage_id
    candidacy = recruiting_actions.do_move_candidacy(
        actor=request.user, candidacy=candidacy, to_stage=stage
    )
    back = reverse("pool_detail", args=[pool.pk])
    board = _pool_board_context(request, pool)
    return moved_response(request, candidacy, board, back, moved=moved)


@login_required
@require_POST
def pool_candidacy_remove(request: AppRequest, pool_id: int, candidacy_id: int) -> HttpResponse:
    pool = recruiting_queries.access_pool(request.user, pool_id)
    candidacy = _pool_candidacy(request, pool, candidacy_id)
    require_write(request.user)
    recruiting_actions.do_delete_candidacy(actor=request.user, candidacy=candidacy)
    toast(request, f"{candidacy.person.full_name} removed from {pool.name}")
    return HttpResponseRedirect(reverse("pool_detail", args=[pool.pk]))


@login_required
@require_http_methods(["GET", "POST"])
def pool_add_people(request: AppRequest, pool_id: int) -> HttpResponse:
    pool = recruiting_queries.access_pool(request.user, pool_id)
    require_write(request.user)
    back = reverse("pool_add_people", args=[pool.pk])
    if request.method == "POST":
        person, added = add_person(request, pool=pool)
        return added_response(request, person, added, pool.name, back)
    members = recruiting_queries.visible_candidacies(request.user).filter(pool=pool)
    context = {
        "target": pool,
        "target_name": pool.name,
        "target_url": reverse("pool_detail", args=[pool.pk]),
        "add_url": back,
        **search_people(request, members.values_list("person_id", flat=True)),
    }
    if request.htmx and request.htmx.target == "add-results":
        return respond(request, "ui/jobs/_add_results.html", context)
    return respond(request, "ui/jobs/add.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def person_add_to(request: AppRequest, person_id: int) -> HttpResponse:
    """From a profile: put this person into a talent pool or an open job."""
    person = people_queries.access_person(request.user, person_id)
    require_write(request.user)
    here = reverse("person_add_to", args=[person.pk])
    if request.method == "POST":
        return _add_from_profile(request, person_id, here)
    memberships = recruiting_queries.visible_candidacies(request.user).filter(person=person)
    context = {
        "person": person,
        "pools": list(recruiting_queries.visible_pools(request.user).order_by("name")[:200]),
        "jobs": list(
            recruiting_queries.visible_jobs(request.user)
            .filter(status=JobStatus.OPEN.value)
            .order_by("title")[:200]
        ),
        "in_pools": set(memberships.filter(pool__isnull=False).values_list("pool_id", flat=True)),
        "in_jobs": set(memberships.filter(job__isnull=False).values_list("job_id", flat=True)),
    }
    return respond(request, "ui/pools/add_to.html", context)


def _add_from_profile(request: AppRequest, person_id: int, here: str) -> HttpResponse:
    raw_pool, raw_job = request.POST.get("pool_id", ""), request.POST.get("job_id", "")
    if raw_pool.isdigit():
        pool = recruiting_queries.access_pool(request.user, int(raw_pool))
        person, added = add_person(request, pool=pool)
        return added_response(request, person, added, pool.name, here)
    if raw_job.isdigit():
        job = recruiting_queries.access_job(request.user, int(raw_job))
        person, added = add_person(request, job=job)
        return added_response(request, person, added, job.title, here)
    raise ValidationFailed("choose a pool or a job", fields={"pool_id": "required"})
