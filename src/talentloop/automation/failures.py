"""Giving up and retrying: a step that used up its attempts fails its run; a retry reschedules."""

from __future__ import annotations

from talentloop.automation.context import side_effect_key
from talentloop.automation.domain import (
    CONDITION_PATH,
    LIVE_RUN_STATES,
    Action,
    RunState,
    Wait,
    step_at,
)
from talentloop.automation.engine import STEP_KIND, step_key
from talentloop.automation.models import Run, RunStep
from talentloop.automation.queries import definition_of
from talentloop.core import clock, scheduling
from talentloop.core.events import record_event
from talentloop.core.models import DueItem


def on_give_up(item: DueItem, message: str) -> None:
    """A step used up its attempts (or failed for good): the run fails and says where and why."""
    run = Run.objects.select_for_update().filter(pk=item.payload.get("run_id")).first()
    if run is None or run.state not in LIVE_RUN_STATES:
        return
    path, now = str(item.payload.get("path", "")), clock.now()
    RunStep.objects.update_or_create(
        idempotency_key=side_effect_key(run.pk, path),
        defaults={"run": run, "path": path, "kind": _kind_at(run, path), "state": "failed",
                  "error": message, "attempts": min(item.attempts, 32767),
                  "started_at": now, "finished_at": now},
    )  # fmt: skip
    run.state, run.error, run.finished_at = RunState.FAILED.value, f"{path}: {message}", now
    run.current_path = path
    run.save(update_fields=["state", "error", "finished_at", "current_path", "updated_at"])
    record_event(
        workspace=run.workspace,
        actor=None,
        verb="workflow_run.failed",
        subject=run,
        data={"workflow_id": run.workflow_id, "path": path},
    )


def _kind_at(run: Run, path: str) -> str:
    if path == CONDITION_PATH:
        return "condition"
    try:
        step = step_at(definition_of(run.version), path)
    except ValueError:
        return ""
    if isinstance(step, Action):
        return step.kind.value
    return "wait" if isinstance(step, Wait) else "if"


def reschedule_step(run: Run, path: str) -> None:
    """Give a failed step's due item fresh attempts, due now (a new item if it has none)."""
    item = DueItem.objects.filter(key=step_key(run, path)).first()
    if item is not None and scheduling.retry(item):
        return
    stamp = clock.now().strftime("%Y%m%d%H%M%S%f")
    scheduling.schedule(
        STEP_KIND,
        due_at=clock.now(),
        key=f"{step_key(run, path)}:retry-{stamp}",
        payload={"run_id": run.pk, "path": path},
        workspace_id=run.workspace_id,
    )
