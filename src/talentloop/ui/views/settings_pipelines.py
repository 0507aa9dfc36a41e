"""Settings: pipeline templates with their stages, and rejection reasons."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Prefetch
from django.http import HttpResponse
from django.views.decorators.http import require_http_methods, require_POST

from talentloop.core.errors import AppError, Conflict
from talentloop.recruiting import actions as recruiting_actions
from talentloop.recruiting import queries as recruiting_queries
from talentloop.recruiting.domain import PipelineKind, ReasonKind, StageCategory, StageSpec
from talentloop.recruiting.models import PipelineTemplate, Stage
from talentloop.ui.forms_jobs import PipelineForm, ReasonForm
from talentloop.ui.views.common import AppRequest, toast, workspace_of
from talentloop.ui.views.settings_pages import (
    admin_page,
    redirect_to,
    render_failed,
    render_section,
)

# --- pipelines and rejection reasons -----------------------------------------------------------


def _pipelines_context(
    request: AppRequest, form: PipelineForm | None = None, reason_form: ReasonForm | None = None
) -> dict[str, Any]:
    templates = recruiting_queries.pipelines(request.user).prefetch_related(
        Prefetch("stages", queryset=Stage.objects.order_by("position"))
    )
    return {
        "templates": list(templates),
        "reasons": list(recruiting_queries.rejection_reasons(request.user)),
        "form": form or PipelineForm(),
        "reason_form": reason_form or ReasonForm(auto_id="reason_%s"),
        "section": "settings_pipelines",
    }


@admin_page
@require_http_methods(["GET", "POST"])
def settings_pipelines(request: AppRequest) -> HttpResponse:
    template = "ui/settings/pipelines.html"
    if request.method == "GET":
        return render_section(request, template, _pipelines_context(request), "settings_pipelines")
    form = PipelineForm(request.POST)
    context = _pipelines_context(request, form)
    if not form.is_valid():
        return render_failed(request, template, context, form)
    kind = PipelineKind(form.cleaned_data["kind"])
    names = [line for line in form.cleaned_data["stages"].splitlines() if line.strip()]
    try:
        created = recruiting_actions.do_create_pipeline_template(
            actor=request.user,
            workspace=workspace_of(request),
            name=form.cleaned_data["name"],
            kind=kind,
            stages=recruiting_actions.stage_specs_from_names(names),
        )
    except AppError as error:
        # Why: the action's sentence ("a job pipeline has exactly one hired stage") says more
        # than its per-field code, so it goes next to the field.
        error.fields = {name: error.message for name in error.fields}
        return render_failed(request, template, context, form, error)
    toast(request, f"Pipeline “{created.name}” created")
    return redirect_to("settings_pipeline", created.pk)


@admin_page
@require_POST
def settings_reasons(request: AppRequest) -> HttpResponse:
    form = ReasonForm(request.POST, auto_id="reason_%s")
    context = _pipelines_context(request, reason_form=form)
    if not form.is_valid():
        return render_failed(request, "ui/settings/pipelines.html", context, form)
    try:
        reason = recruiting_actions.do_create_rejection_reason(
            actor=request.user,
            workspace=workspace_of(request),
            name=form.cleaned_data["name"],
            kind=ReasonKind(form.cleaned_data["kind"]),
        )
    except AppError as error:
        return render_failed(request, "ui/settings/pipelines.html", context, form, error)
    toast(request, f"Reason “{reason.name}” added")
    return redirect_to("settings_pipelines")


def edited_stages(stages: list[Stage], post: Any) -> list[StageSpec]:
    """The stage list as the edit form left it: renamed, removed, moved, one added.

    Stages keep their keys, so a rename never looks like remove-and-add (which the
    action refuses for stages that hold candidacies).
    """
    by_key = {stage.key: stage for stage in stages}
    removed = set(post.getlist("remove"))
    specs = [
        StageSpec(
            key,
            (post.get(f"name_{key}") or by_key[key].name).strip()[:64],
            StageCategory(by_key[key].category),
        )
        for key in post.getlist("key")
        if key in by_key and key not in removed
    ]
    direction, _, moving = post.get("move", "").partition(":")
    keys = [spec.key for spec in specs]
    if moving in keys:
        index = keys.index(moving)
        target = index - 1 if direction == "up" else index + 1
        if 0 <= target < len(specs):
            specs[index], specs[target] = specs[target], specs[index]
    new_name = " ".join(post.get("new_stage", "").split())
    if new_name:
        specs.append(_new_stage(new_name, {spec.key for spec in specs} | set(by_key)))
    return specs


def _new_stage(name: str, taken: set[str]) -> StageSpec:
    base = recruiting_actions.stage_specs_from_names([name], hired_key="")[0]
    key, suffix = base.key, 2
    while key in taken:
        key, suffix = f"{base.key[:28]}-{suffix}", suffix + 1
    return StageSpec(key, base.name, StageCategory.ACTIVE)


@admin_page
@require_http_methods(["GET", "POST"])
def settings_pipeline(request: AppRequest, pipeline_id: int) -> HttpResponse:
    pipeline = recruiting_queries.access_pipeline(request.user, pipeline_id)
    stages = list(pipeline.stages.order_by("position"))
    context = {"pipeline": pipeline, "stages": stages, "section": "settings_pipelines"}
    if request.method == "GET":
        return render_section(request, "ui/settings/pipeline.html", context, "settings_pipelines")
    try:
        recruiting_actions.do_update_pipeline_template(
            actor=request.user,
            template=pipeline,
            name=request.POST.get("name", ""),
            stages=edited_stages(stages, request.POST),
        )
    except AppError as error:
        toast(request, error.message, messages.ERROR)
        template = "ui/settings/pipeline.html"
        return render_section(request, template, context, "settings_pipelines", status=error.status)
    toast(request, "Pipeline saved")
    return redirect_to("settings_pipeline", pipeline.pk)


@admin_page
@require_POST
def settings_pipeline_delete(request: AppRequest, pipeline_id: int) -> HttpResponse:
    pipeline: PipelineTemplate = recruiting_queries.access_pipeline(request.user, pipeline_id)
    try:
        recruiting_actions.do_delete_pipeline_template(actor=request.user, template=pipeline)
    except Conflict as error:
        toast(request, error.message, messages.ERROR)
        return redirect_to("settings_pipeline", pipeline.pk)
    toast(request, f"Pipeline “{pipeline.name}” deleted")
    return redirect_to("settings_pipelines")
