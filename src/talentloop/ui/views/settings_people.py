"""Settings: the people catalog — tags, sources with their costs, custom fields."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Prefetch
from django.http import HttpResponse
from django.views.decorators.http import require_http_methods, require_POST

from talentloop.core.errors import AppError, NotFound
from talentloop.people import actions as people_actions
from talentloop.people import catalog_actions
from talentloop.people import queries as people_queries
from talentloop.people.models import SourceCost
from talentloop.ui.forms_jobs import CostForm, CustomFieldForm, NameForm, SourceForm, split_list
from talentloop.ui.views.common import AppRequest, toast, workspace_of
from talentloop.ui.views.settings_pages import (
    admin_page,
    redirect_to,
    render_failed,
    render_section,
)

# --- tags -----------------------------------------------------------------------------------


def _tags_context(request: AppRequest, form: NameForm | None = None) -> dict[str, Any]:
    tags = people_queries.tags(request.user).annotate(people_count=Count("persontag"))
    return {"tags": list(tags[:500]), "form": form or NameForm(), "section": "settings_tags"}


@admin_page
@require_http_methods(["GET", "POST"])
def settings_tags(request: AppRequest) -> HttpResponse:
    if request.method == "GET":
        return render_section(
            request, "ui/settings/tags.html", _tags_context(request), "settings_tags"
        )
    form = NameForm(request.POST)
    context = _tags_context(request, form)
    if not form.is_valid():
        return render_failed(request, "ui/settings/tags.html", context, form)
    try:
        tag = people_actions.do_create_tag(
            actor=request.user, workspace=workspace_of(request), name=form.cleaned_data["name"]
        )
    except AppError as error:
        return render_failed(request, "ui/settings/tags.html", context, form, error)
    toast(request, f"Tag “{tag.name}” created")
    return redirect_to("settings_tags")


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
    return redirect_to("settings_tags")


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
        return render_section(request, template, _sources_context(request), "settings_sources")
    form = SourceForm(request.POST)
    context = _sources_context(request, form)
    if not form.is_valid():
        return render_failed(request, template, context, form)
    try:
        source = catalog_actions.do_create_source(
            actor=request.user, workspace=workspace_of(request), **form.cleaned_data
        )
    except AppError as error:
        return render_failed(request, template, context, form, error)
    toast(request, f"Source “{source.name}” added")
    return redirect_to("settings_source", source.pk)


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
        return render_section(
            request, template, _source_context(request, source_id), "settings_sources"
        )
    if request.POST.get("delete"):
        source = people_queries.access_source(request.user, source_id)
        catalog_actions.do_delete_source(actor=request.user, source=source)
        toast(request, f"Source “{source.name}” deleted")
        return redirect_to("settings_sources")
    form = SourceForm(request.POST)
    context = _source_context(request, source_id, form=form)
    if not form.is_valid():
        return render_failed(request, template, context, form)
    try:
        catalog_actions.do_update_source(
            actor=request.user, source=context["source"], **form.cleaned_data
        )
    except AppError as error:
        return render_failed(request, template, context, form, error)
    toast(request, "Source saved")
    return redirect_to("settings_source", source_id)


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
        return redirect_to("settings_source", source.pk)
    form = CostForm(request.POST, auto_id="cost_%s")
    context["cost_form"] = form
    if not form.is_valid():
        return render_failed(request, template, context, form)
    try:
        catalog_actions.do_add_source_cost(actor=request.user, source=source, **form.cleaned_data)
    except AppError as error:
        return render_failed(request, template, context, form, error)
    toast(request, "Cost added")
    return redirect_to("settings_source", source.pk)


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
        return render_section(request, template, _fields_context(request), "settings_fields")
    form = CustomFieldForm(request.POST)
    context = _fields_context(request, form)
    if not form.is_valid():
        return render_failed(request, template, context, form)
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
        return render_failed(request, template, context, form, error)
    toast(request, f"Field “{definition.label}” created")
    return redirect_to("settings_fields")


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
        return redirect_to("settings_fields")
    choices = split_list(request.POST["choices"]) if "choices" in request.POST else None
    catalog_actions.do_update_custom_field(
        actor=request.user,
        definition=definition,
        label=request.POST.get("label"),
        choices=choices if definition.field_type == "choice" else None,
    )
    toast(request, "Field saved")
    return redirect_to("settings_fields")
