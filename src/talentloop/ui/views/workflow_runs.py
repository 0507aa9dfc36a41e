"""Workflow runs: per workflow, one run step by step, the failed runs with their Retry button,
the profile's runs card (loaded by htmx), and the dry run of a workflow.

Same roles as the API: everyone but hiring managers reads runs; admins and recruiters retry
and dry-run. Another workspace's workflow or run answers 404.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from talentloop.automation import actions, dry_run, queries
from talentloop.automation.domain import RunState
from talentloop.automation.models import Run, RunStep
from talentloop.core.errors import Conflict
from talentloop.people.queries import access_person
from talentloop.ui import workflow_words as words
from talentloop.ui.pagination import SortKey, paginate
from talentloop.ui.views.common import AppRequest, login_required, respond, toast
from talentloop.ui.views.workflows import back, names_of

PAGE_SIZE = 50
NEWEST = [SortKey("id", descending=True)]
STATES = [state.value for state in RunState]
DRY_RUN_DAYS = (1, 7, 14, 30, 60, 90)
DRY_RUN_LIMIT = 100


def _number(text: str, low: int, high: int, default: int) -> int:
    return min(max(int(text), low), high) if text.isdigit() else default


@login_required
@require_GET
def workflow_runs(request: AppRequest, workflow_id: int) -> HttpResponse:
    workflow = queries.access_workflow(request.user, workflow_id)
    state = str(request.GET.get("state", ""))
    rows = queries.runs(request.user).filter(workflow=workflow)
    if state in STATES:
        rows = rows.filter(state=state)
    page = paginate(rows, NEWEST, request.GET, size=PAGE_SIZE)
    context = {"workflow": workflow, "tab": "runs", "page": page, "state": state,
               "states": STATES}  # fmt: skip
    return respond(request, "ui/workflows/runs.html", context)


@login_required
@require_GET
def failed_runs(request: AppRequest) -> HttpResponse:
    """Runs that gave up after their retries, newest first, each with a Retry button."""
    rows = queries.failed_runs(request.user)
    workflow = None
    workflow_id = str(request.GET.get("workflow", ""))
    if workflow_id.isdigit():
        workflow = queries.access_workflow(request.user, int(workflow_id))
        rows = rows.filter(workflow=workflow)
    page = paginate(rows, NEWEST, request.GET, size=PAGE_SIZE)
    context = {"page": page, "workflow": workflow, "next": request.get_full_path()}
    return respond(request, "ui/workflows/failed.html", context)


@dataclass(frozen=True)
class StepRow:
    """One recorded step of a run, with what the definition says it is."""

    step: RunStep
    node: words.FlowNode | None
    input: str
    result: str


def _pretty(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True) if value else ""


@login_required
@require_GET
def run_detail(request: AppRequest, run_id: int) -> HttpResponse:
    run = queries.access_run(request.user, run_id)
    names = names_of(queries.workspace_choices(request.user))
    definition = run.version.definition
    said = {node.path: node for node in _walk(words.flow(list(definition.get("steps", [])), names))}
    steps = [
        StepRow(step, said.get(step.path), _pretty(step.input), _pretty(step.result))
        for step in queries.run_steps(run)
    ]
    done = {row.step.path for row in steps if row.step.state == "done"}
    waiting = run.state in (RunState.RUNNING, RunState.WAITING) and run.current_path not in done
    context = {
        "run": run,
        "steps": steps,
        "next_node": said.get(run.current_path) if waiting else None,
        "trigger_words": words.trigger_words(definition.get("trigger", {}), names),
        "condition": definition.get("condition", ""),
    }
    return respond(request, "ui/workflows/run.html", context)


def _walk(nodes: list[words.FlowNode]) -> list[words.FlowNode]:
    found = []
    for node in nodes:
        found.append(node)
        found += _walk(node.then) + _walk(node.otherwise)
    return found


@login_required
@require_POST
def run_retry(request: AppRequest, run_id: int) -> HttpResponseBase:
    run = queries.access_run(request.user, run_id)
    try:
        actions.do_retry_run(actor=request.user, run=run)
    except Conflict as error:
        toast(request, error.message, messages.ERROR)
    else:
        toast(request, f"Run {run.pk} is running again from its failed step")
    return redirect(back(request, reverse("run_detail", args=[run.pk])))


@login_required
@require_GET
def person_runs(request: AppRequest, person_id: int) -> HttpResponse:
    """The profile's automation card (loaded by htmx): the person's latest runs."""
    person = access_person(request.user, person_id)
    runs: list[Run] = queries.person_runs(request.user, person)
    return respond(request, "ui/workflows/_person_runs.html", {"person": person, "runs": runs})


@login_required
@require_GET
def workflow_dry_run(request: AppRequest, workflow_id: int) -> HttpResponse:
    """Pick N days; see who the workflow would have run for and what each step would have done."""
    workflow = queries.access_workflow(request.user, workflow_id)
    queries.require_manage(request.user)
    asked = "days" in request.GET
    days = _number(str(request.GET.get("days", "")), 1, 90, 30)
    report = None
    if asked:
        report = dry_run.dry_run_workflow(
            actor=request.user, workflow=workflow, days=days, limit=DRY_RUN_LIMIT
        )
    skipped = len(report.entries) - report.affected if report else 0
    context = {"workflow": workflow, "tab": "dry_run", "days": days, "report": report,
               "skipped": skipped, "day_choices": DRY_RUN_DAYS}  # fmt: skip
    return respond(request, "ui/workflows/dry_run.html", context)
