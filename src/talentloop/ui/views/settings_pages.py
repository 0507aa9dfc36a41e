"""Workspace settings (admins only): users and roles, pipelines, reasons, tags, sources and
their costs, custom fields and API tokens. Every write goes through its app's action."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.db.models import Count, Prefetch, QuerySet
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from talentloop.accounts import actions as account_actions
from talentloop.accounts.domain import Role, parse_scopes
from talentloop.accounts.models import ApiToken, User
from talentloop.accounts.permissions import require_admin
from talentloop.core.errors import AppError, Conflict, NotFound, ValidationFailed
from talentloop.people import actions as people_actions
from talentloop.people import catalog_actions
from talentloop.people import queries as people_queries
from talentloop.people.models import SourceCost
from talentloop.recruiting import actions as recruiting_actions
from talentloop.recruiting import queries as recruiting_queries
from talentloop.recruiting.domain import PipelineKind, ReasonKind, StageCategory, StageSpec
from talentloop.recruiting.models import PipelineTemplate, Stage
from talentloop.ui.forms_jobs import (
    CostForm,
    CustomFieldForm,
    InviteUserForm,
    NameForm,
    PipelineForm,
    ReasonForm,
    SourceForm,
    TokenForm,
    split_list,
)
from talentloop.ui.views.common import (
    AppRequest,
    login_required,
    render_with_errors,
    respond,
    toast,
    workspace_of,
)

SECTIONS = [
    ("settings_users", "Users & roles"),
    ("settings_pipelines", "Pipelines"),
    ("settings_tags", "Tags"),
    ("settings_sources", "Sources & costs"),
    ("settings_fields", "Custom fields"),
    ("settings_tokens", "API tokens"),
]


def admin_page(view: Callable[..., HttpResponse]) -> Callable[..., Any]:
    """Signed-in workspace admins only: everyone else gets a 403 on every method."""

    def checked(request: AppRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        require_admin(request.user)
        return view(request, *args, **kwargs)

    checked.__name__ = view.__name__
    checked.__doc__ = view.__doc__
    return login_required(checked)


def _render(
    request: AppRequest, template: str, context: dict[str, Any], section: str, status: int = 200
) -> HttpResponse:
    full = {**context, "sections": SECTIONS, "section": section}
    return respond(request, template, full, status=status)


def _failed(
    request: AppRequest,
    template: str,
    context: dict[str, Any],
    form: forms.BaseForm,
    error: AppError | None = None,
) -> HttpResponse:
    """Re-render the page with the form's errors inline (409s name their field like 422s)."""
    failure = ValidationFailed(error.message, fields=error.fields) if error else None
    full = {**context, "sections": SECTIONS}
    return render_with_errors(request, template, full, form=form, error=failure)


def _redirect(name: str, *args: Any) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse(name, args=args))


@admin_page
@require_GET
def settings_home(request: AppRequest) -> HttpResponse:
    return _redirect("settings_users")


# --- users and roles ----------------------------------------------------------------------------


def _users_context(request: AppRequest, form: InviteUserForm | None = None) -> dict[str, Any]:
    return {
        "users": list(people_queries.teammates(request.user).order_by("email")),
        "roles": [(role.value, role.label) for role in Role],
        "form": form or InviteUserForm(),
        "section": "settings_users",
    }


@admin_page
@require_http_methods(["GET", "POST"])
def settings_users(request: AppRequest) -> HttpResponse:
    if request.method == "GET":
        return _render(request, "ui/settings/users.html", _users_context(request), "settings_users")
    form = InviteUserForm(request.POST)
    context = _users_context(request, form)
    if not form.is_valid():
        return _failed(request, "ui/settings/users.html", context, form)
    data = form.cleaned_data
    try:
        user = account_actions.do_create_user(
            workspace=workspace_of(request),
            actor=request.user,
            email=data["email"],
            password=data["password"] or None,
            role=Role(data["role"]),
            full_name=data["full_name"],
        )
    except AppError as error:
        return _failed(request, "ui/settings/users.html", context, form, error)
    toast(request, f"{user.email} can now sign in as {user.role_enum.label.lower()}")
    return _redirect("settings_users")


@admin_page
@require_POST
def settings_user_role(request: AppRequest, user_id: int) -> HttpResponse:
    teammate = people_queries.access_teammate(request.user, user_id)
    try:
        role = Role(request.POST.get("role", ""))
    except ValueError:
        raise ValidationFailed("choose a role", fields={"role": "unknown role"}) from None
    if teammate.pk == request.user.pk and role is not Role.ADMIN:
        # Why: an admin demoting themselves could leave the workspace with nobody to undo it.
        raise ValidationFailed("you cannot change your own role", fields={"role": "your own"})
    account_actions.do_change_role(actor=request.user, user=teammate, role=role)
    toast(request, f"{teammate.display_name} is now {role.label.lower()}")
    return _redirect("settings_users")


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
        return _render(request, template, _pipelines_context(request), "settings_pipelines")
    form = PipelineForm(request.POST)
    context = _pipelines_context(request, form)
    if not form.is_valid():
        return _failed(request, template, context, form)
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
        return _failed(request, template, context, form, error)
    toast(request, f"Pipeline “{created.name}” created")
    return _redirect("settings_pipeline", created.pk)


@admin_page
@require_POST
def settings_reasons(request: AppRequest) -> HttpResponse:
    form = ReasonForm(request.POST, auto_id="reason_%s")
    context = _pipelines_context(request, reason_form=form)
    if not form.is_valid():
        return _failed(request, "ui/settings/pipelines.html", context, form)
    try:
        reason = recruiting_actions.do_create_rejection_reason(
            actor=request.user,
            workspace=workspace_of(request),
            name=form.cleaned_data["name"],
            kind=ReasonKind(form.cleaned_data["kind"]),
        )
    except AppError as error:
        return _failed(request, "ui/settings/pipelines.html", context, form, error)
    toast(request, f"Reason “{reason.name}” added")
    return _redirect("settings_pipelines")


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
        return _render(request, "ui/settings/pipeline.html", context, "settings_pipelines")
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
        return _render(request, template, context, "settings_pipelines", status=error.status)
    toast(request, "Pipeline saved")
    return _redirect("settings_pipeline", pipeline.pk)


@admin_page
@require_POST
def settings_pipeline_delete(request: AppRequest, pipeline_id: int) -> HttpResponse:
    pipeline: PipelineTemplate = recruiting_queries.access_pipeline(request.user, pipeline_id)
    try:
        recruiting_actions.do_delete_pipeline_template(actor=request.user, template=pipeline)
    except Conflict as error:
        toast(request, error.message, messages.ERROR)
        return _redirect("settings_pipeline", pipeline.pk)
    toast(request, f"Pipeline “{pipeline.name}” deleted")
    return _redirect("settings_pipelines")


# --- tags -----------------------------------------------------------------------------------


def _tags_context(request: AppRequest, form: NameForm | None = None) -> dict[str, Any]:
    tags = people_queries.tags(request.user).annotate(people_count=Count("persontag"))
    return {"tags": list(tags[:500]), "form": form or NameForm(), "section": "settings_tags"}


@admin_page
@require_http_methods(["GET", "POST"])
def settings_tags(request: AppRequest) -> HttpResponse:
    if request.method == "GET":
        return _render(request, "ui/settings/tags.html", _tags_context(request), "settings_tags")
    form = NameForm(request.POST)
    context = _tags_context(request, form)
    if not form.is_valid():
        return _failed(request, "ui/settings/tags.html", context, form)
    try:
        tag = people_actions.do_create_tag(
            actor=request.user, workspace=workspace_of(request), name=form.cleaned_data["name"]
        )
    except AppError as error:
        return _failed(request, "ui/settings/tags.html", context, form, error)
    toast(request, f"Tag “{tag.name}” created")
    return _redirect("settings_tags")


@admin_page
@require_POST
def settings_tag(request: AppRequest, tag_id: int) -> HttpResponse:
    """Rename (name=…) or delete (delete=1) one tag."""
    tag = people_queries.access_tag(request.user, tag_id)
    if request.POST.get("delete"):
        people_actions.do_delete_tag(actor=request.user, tag=tag)
        toast(request, f"Tag “{tag.name}” deleted")
    else:
        people_actions.do_update_tag(actor=request.user, tag=tag, name=request.POST.get("name", ""))
        toast(request, f"Tag renamed to “{tag.name}”")
    return _redirect("settings_tags")


# --- sources and their costs -------------------------------------------------------------------


def _sources_context(request: AppRequest, form: SourceForm | None = None) -> dict[str, Any]:
    sources = people_queries.sources(request.user).prefetch_related(
        Prefetch("costs", queryset=SourceCost.objects.order_by("-period_start", "-id"))
    )
    return {
        "sources": list(sources[:500]),
        "form": form or SourceForm(),
        "section": "settings_sources",
    }


@admin_page
@require_http_methods(["GET", "POST"])
def settings_sources(request: AppRequest) -> HttpResponse:
    template = "ui/settings/sources.html"
    if request.method == "GET":
        return _render(request, template, _sources_context(request), "settings_sources")
    form = SourceForm(request.POST)
    context = _sources_context(request, form)
    if not form.is_valid():
        return _failed(request, template, context, form)
    try:
        source = catalog_actions.do_create_source(
            actor=request.user, workspace=workspace_of(request), **form.cleaned_data
        )
    except AppError as error:
        return _failed(request, template, context, form, error)
    toast(request, f"Source “{source.name}” added")
    return _redirect("settings_source", source.pk)


def _source_context(request: AppRequest, source_id: int, **forms_given: Any) -> dict[str, Any]:
    source = people_queries.access_source(request.user, source_id)
    return {
        "source": source,
        "costs": list(source.costs.order_by("-period_start", "-id")),
        "form": forms_given.get("form") or SourceForm(initial=SourceForm.initial_for(source)),
        "cost_form": forms_given.get("cost_form") or CostForm(auto_id="cost_%s"),
        "section": "settings_sources",
    }


@admin_page
@require_http_methods(["GET", "POST"])
def settings_source(request: AppRequest, source_id: int) -> HttpResponse:
    template = "ui/settings/source.html"
    if request.method == "GET":
        return _render(request, template, _source_context(request, source_id), "settings_sources")
    if request.POST.get("delete"):
        source = people_queries.access_source(request.user, source_id)
        catalog_actions.do_delete_source(actor=request.user, source=source)
        toast(request, f"Source “{source.name}” deleted")
        return _redirect("settings_sources")
    form = SourceForm(request.POST)
    context = _source_context(request, source_id, form=form)
    if not form.is_valid():
        return _failed(request, template, context, form)
    try:
        catalog_actions.do_update_source(
            actor=request.user, source=context["source"], **form.cleaned_data
        )
    except AppError as error:
        return _failed(request, template, context, form, error)
    toast(request, "Source saved")
    return _redirect("settings_source", source_id)


@admin_page
@require_POST
def settings_source_cost(request: AppRequest, source_id: int) -> HttpResponse:
    """Add a cost entry, or delete one (delete=<cost id>)."""
    template = "ui/settings/source.html"
    context = _source_context(request, source_id)
    source = context["source"]
    if request.POST.get("delete", "").isdigit():
        cost = next((c for c in context["costs"] if c.pk == int(request.POST["delete"])), None)
        if cost is None:
            raise NotFound("cost not found")
        catalog_actions.do_delete_source_cost(actor=request.user, cost=cost)
        toast(request, "Cost removed")
        return _redirect("settings_source", source.pk)
    form = CostForm(request.POST, auto_id="cost_%s")
    context["cost_form"] = form
    if not form.is_valid():
        return _failed(request, template, context, form)
    try:
        catalog_actions.do_add_source_cost(actor=request.user, source=source, **form.cleaned_data)
    except AppError as error:
        return _failed(request, template, context, form, error)
    toast(request, "Cost added")
    return _redirect("settings_source", source.pk)


# --- custom fields ------------------------------------------------------------------------------


def _fields_context(request: AppRequest, form: CustomFieldForm | None = None) -> dict[str, Any]:
    return {
        "fields": list(people_queries.custom_fields(request.user).order_by("archived", "label")),
        "form": form or CustomFieldForm(),
        "section": "settings_fields",
    }


@admin_page
@require_http_methods(["GET", "POST"])
def settings_fields(request: AppRequest) -> HttpResponse:
    template = "ui/settings/fields.html"
    if request.method == "GET":
        return _render(request, template, _fields_context(request), "settings_fields")
    form = CustomFieldForm(request.POST)
    context = _fields_context(request, form)
    if not form.is_valid():
        return _failed(request, template, context, form)
    data = form.cleaned_data
    try:
        definition = catalog_actions.do_create_custom_field(
            actor=request.user,
            workspace=workspace_of(request),
            key=data["key"] or data["label"].lower().replace(" ", "_"),
            label=data["label"],
            field_type=data["field_type"],
            choices=split_list(data["choices"]),
        )
    except AppError as error:
        return _failed(request, template, context, form, error)
    toast(request, f"Field “{definition.label}” created")
    return _redirect("settings_fields")


@admin_page
@require_POST
def settings_field(request: AppRequest, field_id: int) -> HttpResponse:
    """Relabel or change the choices of one field (label=…, choices=…), or archive it."""
    definition = people_queries.custom_fields(request.user).filter(pk=field_id).first()
    if definition is None:
        raise NotFound("custom field not found")
    if request.POST.get("archive"):
        catalog_actions.do_archive_custom_field(actor=request.user, definition=definition)
        toast(request, f"Field “{definition.label}” archived")
        return _redirect("settings_fields")
    choices = split_list(request.POST["choices"]) if "choices" in request.POST else None
    catalog_actions.do_update_custom_field(
        actor=request.user,
        definition=definition,
        label=request.POST.get("label"),
        choices=choices if definition.field_type == "choice" else None,
    )
    toast(request, "Field saved")
    return _redirect("settings_fields")


# --- API tokens ---------------------------------------------------------------------------------


def workspace_tokens(user: User) -> QuerySet[ApiToken]:
    # Why here: accounts has no queries module yet; this read is scoped like one would be.
    return (
        ApiToken.objects.filter(workspace_id=user.tenant_id)
        .select_related("user")
        .order_by("revoked_at", "-created_at", "-id")
    )


def _tokens_context(request: AppRequest, form: TokenForm | None = None) -> dict[str, Any]:
    return {
        "tokens": list(workspace_tokens(request.user)[:200]),
        "form": form or TokenForm(viewer=request.user),
        "section": "settings_tokens",
    }


@admin_page
@require_http_methods(["GET", "POST"])
def settings_tokens(request: AppRequest) -> HttpResponse:
    """List tokens; creating one shows its secret on this one answer only."""
    template = "ui/settings/tokens.html"
    if request.method == "GET":
        return _render(request, template, _tokens_context(request), "settings_tokens")
    form = TokenForm(request.POST, viewer=request.user)
    context = _tokens_context(request, form)
    if not form.is_valid():
        return _failed(request, template, context, form)
    owner = people_queries.access_teammate(request.user, int(form.cleaned_data["user"]))
    try:
        token, secret = account_actions.do_create_api_token(
            actor=request.user,
            user=owner,
            name=form.cleaned_data["name"],
            scopes=parse_scopes(form.cleaned_data["scopes"]),
        )
    except AppError as error:
        return _failed(request, template, context, form, error)
    context = {**_tokens_context(request), "new_token": token, "secret": secret}
    response = _render(request, template, context, "settings_tokens")
    response["Cache-Control"] = "no-store"  # Why: the secret must not linger in any cache.
    return response


@admin_page
@require_POST
def settings_token_revoke(request: AppRequest, token_id: int) -> HttpResponse:
    token = workspace_tokens(request.user).filter(pk=token_id).first()
    if token is None:
        raise NotFound("token not found")
    account_actions.do_revoke_api_token(actor=request.user, token=token)
    toast(request, f"Token “{token.name}” revoked")
    return _redirect("settings_tokens")
