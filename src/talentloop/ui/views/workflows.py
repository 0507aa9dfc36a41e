"""Workflow pages: the list with its on/off switches, the detail page with the flow drawn, the
form-based builder, and YAML export and import.

Reading is open to admins, recruiters, coordinators and analysts (hiring managers get a 403, as
in the API); building, switching, importing and deleting are for admins and recruiters. Every
write goes through automation.actions, so the builder and the API refuse the same definitions
with the same paths (`steps[2].then[0].template_id`), shown here next to the matching input.
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from talentloop.automation import actions, queries
from talentloop.automation.domain import DefinitionError
from talentloop.automation.models import Workflow
from talentloop.automation.parsing import definition_to_dict
from talentloop.automation.queries import Option, WorkspaceChoices
from talentloop.automation.yaml_io import dump_workflow
from talentloop.core import clock
from talentloop.core.errors import AppError, ValidationFailed
from talentloop.ui import workflow_binding
from talentloop.ui import workflow_builder as wb
from talentloop.ui import workflow_words as words
from talentloop.ui.views.common import AppRequest, login_required, respond, toast

RECENT_RUNS = 10
VERSIONS_SHOWN = 20
MAX_UPLOAD = 200_000


def option_map(choices: WorkspaceChoices) -> dict[str, tuple[Option, ...]]:
    return {item.name: getattr(choices, item.name) for item in fields(choices)}


def names_of(choices: WorkspaceChoices) -> dict[str, dict[str, str]]:
    """{source: {id: label}} for the words of a flow."""
    return {
        source: {str(option.value): option.label for option in options}
        for source, options in option_map(choices).items()
    }


def go(request: HttpRequest, url: str) -> HttpResponse:
    """Redirect; htmx requests are sent on with HX-Redirect so the whole page changes."""
    if getattr(request, "htmx", False):
        return HttpResponse(headers={"HX-Redirect": url})
    return redirect(url)


def back(request: HttpRequest, fallback: str) -> str:
    """The page a small form came from (`next`), when it is one of ours."""
    target = str(request.POST.get("next", ""))
    allowed = {request.get_host()}
    if target and url_has_allowed_host_and_scheme(target, allowed, request.is_secure()):
        return target
    return fallback


# --- list, switch, delete ------------------------------------------------------------------------


@login_required
@require_GET
def workflow_list(request: AppRequest) -> HttpResponse:
    rows = list(queries.workflow_rows(request.user, clock.now()).order_by("name", "id"))
    listed = [
        (workflow, words.trigger_words(_current(workflow).get("trigger", {}))) for workflow in rows
    ]
    failed = queries.failed_runs(request.user).count()
    return respond(request, "ui/workflows/list.html", {"rows": listed, "failed_count": failed})


def _current(workflow: Workflow) -> dict[str, Any]:
    version = workflow.current_version
    return definition_to_dict(queries.definition_of(version)) if version else {}


@login_required
@require_POST
def workflow_toggle(request: AppRequest, workflow_id: int) -> HttpResponseBase:
    """Switch a workflow on or off; a definition naming deleted records is refused, kept off."""
    workflow = queries.access_workflow(request.user, workflow_id)
    switch_on = request.POST.get("enabled") == "on"
    try:
        if switch_on:
            actions.do_enable_workflow(actor=request.user, workflow=workflow)
        else:
            actions.do_disable_workflow(actor=request.user, workflow=workflow)
    except AppError as error:
        if error.status == 403:
            raise
        toast(request, f"Not switched on: {error.message}", messages.ERROR)
    else:
        toast(request, f"“{workflow.name}” is {'on' if switch_on else 'off'}")
    return redirect(back(request, reverse("workflow_detail", args=[workflow.pk])))


@login_required
@require_POST
def workflow_delete(request: AppRequest, workflow_id: int) -> HttpResponseBase:
    workflow = queries.access_workflow(request.user, workflow_id)
    actions.do_delete_workflow(actor=request.user, workflow=workflow)
    toast(request, f"“{workflow.name}” deleted with its runs")
    return redirect("workflow_list")


# --- detail --------------------------------------------------------------------------------------


@login_required
@require_GET
def workflow_detail(request: AppRequest, workflow_id: int) -> HttpResponse:
    workflow = queries.access_workflow(request.user, workflow_id)
    definition = _current(workflow)
    names = names_of(queries.workspace_choices(request.user))
    recent = queries.runs(request.user).filter(workflow=workflow).order_by("-id")[:RECENT_RUNS]
    context = {
        "workflow": workflow,
        "tab": "overview",
        "trigger_words": words.trigger_words(definition.get("trigger", {}), names),
        "condition": definition.get("condition", ""),
        "runs_per_hour": definition.get("max_runs_per_hour", 10),
        "flow": words.flow(list(definition.get("steps", [])), names),
        "recent_runs": list(recent),
        "versions": list(queries.versions(workflow).select_related("created_by")[:VERSIONS_SHOWN]),
    }
    return respond(request, "ui/workflows/detail.html", context)


# --- the builder ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def workflow_new(request: AppRequest) -> HttpResponseBase:
    queries.require_manage(request.user)
    return _builder(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def workflow_edit(request: AppRequest, workflow_id: int) -> HttpResponseBase:
    workflow = queries.access_workflow(request.user, workflow_id)
    queries.require_manage(request.user)
    return _builder(request, workflow)


def _state_of(workflow: Workflow | None) -> wb.State:
    if workflow is None:
        return wb.State()
    return wb.State(workflow.name, workflow.description, workflow.enabled, _current(workflow))


def _builder(request: AppRequest, workflow: Workflow | None) -> HttpResponseBase:
    if request.method != "POST":
        return _draw(request, workflow, _state_of(workflow))
    state = wb.read_post(request.POST)
    command = str(request.POST.get("do", "save"))
    if command != "save":
        return _draw(request, workflow, wb.apply(state, command, request.POST))
    try:
        saved = _save(request, workflow, state)
    except ValidationFailed as error:
        return _draw(request, workflow, state, error)
    return go(request, reverse("workflow_detail", args=[saved.pk]))


def _save(request: AppRequest, workflow: Workflow | None, state: wb.State) -> Workflow:
    definition = wb.for_engine(state.definition)
    if workflow is None:
        saved = actions.do_create_workflow(
            actor=request.user,
            name=state.name,
            description=state.description,
            definition=definition,
            enabled=state.enabled,
        )
        toast(request, f"“{saved.name}” saved{' and switched on' if saved.enabled else ''}")
        return saved
    before = workflow.current_version_id
    saved = actions.do_update_workflow(
        actor=request.user,
        workflow=workflow,
        name=state.name,
        description=state.description,
        definition=definition,
    )
    version = saved.current_version.number if saved.current_version else 0
    changed = saved.current_version_id != before
    toast(request, f"Saved as version {version}" if changed else "Saved; the flow is unchanged")
    return saved


def _draw(
    request: AppRequest,
    workflow: Workflow | None,
    state: wb.State,
    error: ValidationFailed | None = None,
) -> HttpResponse:
    problems = dict(error.fields) if error else {}
    if error is not None and not problems:
        problems = {"definition": error.message}
    options = option_map(queries.workspace_choices(request.user))
    context = {
        "workflow": workflow,
        "builder": workflow_binding.build(state, options, problems),
        "error_message": error.message if error else "",
        "action_url": request.path,
    }
    template = "ui/workflows/_builder.html" if request.htmx else "ui/workflows/form.html"
    if error is not None:
        toast(request, "Nothing was saved: please fix the marked fields", messages.ERROR)
    return respond(request, template, context, status=422 if error else 200)


# --- YAML ----------------------------------------------------------------------------------------


def _yaml_of(workflow: Workflow) -> str:
    assert workflow.current_version is not None
    definition = queries.definition_of(workflow.current_version)
    return dump_workflow(
        name=workflow.name, description=workflow.description, definition=definition
    )


@login_required
@require_http_methods(["GET", "POST"])
def workflow_yaml(request: AppRequest, workflow_id: int) -> HttpResponseBase:
    """The YAML export; POST imports a document as the next version."""
    workflow = queries.access_workflow(request.user, workflow_id)
    problems: list[tuple[str, str]] = []
    pasted = ""
    if request.method == "POST":
        queries.require_manage(request.user)
        try:
            pasted = _posted_yaml(request)
            actions.do_import_workflow(actor=request.user, text=pasted, workflow=workflow)
        except ValidationFailed as error:
            problems = _problems(error)
        else:
            toast(request, "YAML imported")
            return redirect("workflow_detail", workflow.pk)
    context = {"workflow": workflow, "tab": "yaml", "yaml": _yaml_of(workflow),
               "problems": problems, "pasted": pasted}  # fmt: skip
    return _yaml_page(request, "ui/workflows/yaml.html", context, problems)


@login_required
@require_GET
def workflow_download(request: AppRequest, workflow_id: int) -> HttpResponse:
    workflow = queries.access_workflow(request.user, workflow_id)
    response = HttpResponse(_yaml_of(workflow), content_type="application/yaml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="workflow-{workflow.pk}.yaml"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def workflow_import(request: AppRequest) -> HttpResponseBase:
    """A new (disabled) workflow from a YAML document, pasted or uploaded."""
    queries.require_manage(request.user)
    problems: list[tuple[str, str]] = []
    pasted = ""
    if request.method == "POST":
        try:
            pasted = _posted_yaml(request)
            workflow = actions.do_import_workflow(actor=request.user, text=pasted)
        except ValidationFailed as error:
            problems = _problems(error)
        else:
            toast(request, f"“{workflow.name}” imported; it is off until you switch it on")
            return redirect("workflow_detail", workflow.pk)
    context = {"problems": problems, "pasted": pasted}
    return _yaml_page(request, "ui/workflows/import.html", context, problems)


def _yaml_page(
    request: AppRequest, template: str, context: dict[str, Any], problems: list[Any]
) -> HttpResponse:
    if problems:
        toast(request, "Nothing was imported: see the problems listed", messages.ERROR)
    return respond(request, template, context, status=422 if problems else 200)


def _posted_yaml(request: AppRequest) -> str:
    upload = request.FILES.get("file")
    if upload is None:
        return str(request.POST.get("yaml", ""))
    if upload.size is not None and upload.size > MAX_UPLOAD:
        raise ValidationFailed("the file is too large", fields={"file": "at most 200 kB"})
    try:
        return bytes(upload.read()).decode("utf-8")
    except UnicodeDecodeError:
        raise ValidationFailed("the file is not UTF-8 text", fields={"file": "not text"}) from None


def _problems(error: ValidationFailed) -> list[tuple[str, str]]:
    if isinstance(error, DefinitionError):
        return list(error.problems)
    return list(error.fields.items()) or [("", error.message)]
