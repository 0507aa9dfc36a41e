"""The engine: events start runs, and each step of a run executes from a core.scheduling due item.

- `on_event` matches one committed event against the enabled workflows of its workspace and
  starts a Run for each match, with the loop guard applied (automation.starts does the same
  for a dispatched batch, and falls back to this). It does no slow work itself: the run's
  first step is a due item, so one broken workflow never holds up the delivery of events.
- `run_step` (the `automation.step` handler) executes a step inside the transaction that
  marks its due item done, records a RunStep with the decision and result, and moves on:
  steps due now run on in the same transaction (a failing one is handed to its own due item),
  a wait schedules the next step at its due time.
- Every side effect carries `workflow-run:<run>:<path>` as its idempotency key, and a step
  whose RunStep is already done is never executed again, so retries never repeat it.
- A step that keeps failing ends its run `failed` (automation.failures); `do_retry_run`
  reschedules it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction

from talentloop.automation import executors, prepared, triggers
from talentloop.automation.context import StepContext, context_for_run, side_effect_key
from talentloop.automation.domain import (
    CONDITION_PATH,
    LIVE_RUN_STATES,
    Action,
    Branch,
    Definition,
    RunState,
    TriggerFact,
    Wait,
    first_path,
    format_duration,
    guard_refusal,
    next_path,
    step_at,
    trigger_matches,
)
from talentloop.automation.models import Run, RunStep, Workflow
from talentloop.automation.parsing import step_to_dict
from talentloop.automation.queries import definition_of
from talentloop.core import clock, scheduling
from talentloop.core.errors import AppError
from talentloop.core.middleware import current_request_id
from talentloop.core.models import DueItem, Event

logger = logging.getLogger(__name__)

STEP_KIND = "automation.step"
SCAN_KIND = "automation.scan"
MAX_INLINE_STEPS = 20
RATE_WINDOW = timedelta(hours=1)


def workflow_key_prefix(workflow_id: int) -> str:
    return f"{STEP_KIND}:w{workflow_id}:"


def scan_key_prefix(workflow_id: int) -> str:
    return f"{SCAN_KIND}:w{workflow_id}:"


def step_key(run: Run, path: str) -> str:
    return f"{workflow_key_prefix(run.workflow_id)}r{run.pk}:{path}"


def max_depth() -> int:
    return int(getattr(settings, "AUTOMATION_MAX_DEPTH", 5))


# --- starting runs -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Subject:
    person_id: int
    subject_type: str = "person"
    subject_id: int = 0

    @classmethod
    def of(cls, fact: TriggerFact) -> Subject:
        return cls(fact.person_id, fact.subject_type, fact.subject_id)


def recent_runs(workflow: Workflow, person_id: int, now: datetime) -> int:
    """Runs of this workflow for this person in the last hour (skipped ones do not count)."""
    return (
        Run.objects.filter(workflow=workflow, person_id=person_id, started_at__gt=now - RATE_WINDOW)
        .exclude(state=RunState.SKIPPED.value)
        .count()
    )


def schedule_step(run: Run, path: str, *, due_at: datetime) -> DueItem:
    return scheduling.schedule(
        STEP_KIND,
        due_at=due_at,
        key=step_key(run, path),
        payload={"run_id": run.pk, "path": path},
        workspace_id=run.workspace_id,
    )


def planned_step(run: Run, path: str, *, due_at: datetime) -> scheduling.Planned:
    """`schedule_step` for `scheduling.schedule_many`."""
    payload = {"run_id": run.pk, "path": path}
    return scheduling.Planned(STEP_KIND, due_at, step_key(run, path), payload, run.workspace_id)


def _run_row(
    workflow: Workflow, subject: Subject, trigger_key: str, now: datetime, **fields: Any
) -> Run:
    """An unsaved run of the workflow's current version for the subject."""
    return Run(
        workspace_id=workflow.workspace_id,
        workflow=workflow,
        version=workflow.current_version,
        subject_type=subject.subject_type,
        subject_id=subject.subject_id or subject.person_id,
        person_id=subject.person_id,
        trigger_key=trigger_key[:120],
        started_at=now,
        **fields,
    )


def start_run(
    *,
    workflow: Workflow,
    definition: Definition,
    subject: Subject,
    trigger_key: str,
    now: datetime,
    event_id: int | None = None,
    depth: int = 0,
    condition_checked: bool = False,
    runs_last_hour: int | None = None,
) -> Run | None:
    """Start one run (or record why the loop guard refused it); None if it already exists."""
    if workflow.current_version is None:
        return None
    if Run.objects.filter(workflow=workflow, trigger_key=trigger_key).exists():
        return None
    if runs_last_hour is None:
        runs_last_hour = recent_runs(workflow, subject.person_id, now)
    run = new_run(workflow, definition, subject, trigger_key, now, event_id=event_id,
                  depth=depth, condition_checked=condition_checked,
                  runs_last_hour=runs_last_hour)  # fmt: skip
    try:
        with transaction.atomic():
            run.save()
    except IntegrityError:
        return None  # why: the same trigger started it a moment ago (unique per workflow)
    if run.current_path:
        schedule_step(run, run.current_path, due_at=now)
    return run


def new_run(
    workflow: Workflow,
    definition: Definition,
    subject: Subject,
    trigger_key: str,
    now: datetime,
    *,
    event_id: int | None,
    depth: int,
    condition_checked: bool,
    runs_last_hour: int,
) -> Run:
    """The unsaved run a trigger starts: at its first step, or skipped by the loop guard."""
    refusal = guard_refusal(
        depth=depth,
        max_depth=max_depth(),
        recent_runs=runs_last_hour,
        max_runs_per_hour=definition.max_runs_per_hour,
    )
    path = "" if refusal else first_path(definition, condition_checked=condition_checked) or ""
    run = _run_row(workflow, subject, trigger_key, now, trigger_event_id=event_id,
                   depth=min(depth, 32767), current_path=path)  # fmt: skip
    if refusal:
        run.state, run.warning, run.finished_at = RunState.SKIPPED.value, refusal[:300], now
    return run


def event_trigger_key(event_id: int) -> str:
    """The trigger key of runs an event starts: one run per workflow and event."""
    return f"event:{event_id}"


def on_event(event: Event) -> None:
    """Start a run of every enabled workflow of the event's workspace it triggers."""
    kinds = triggers.kinds_for_verb(event.verb)
    if not kinds:
        return
    candidates = list(
        Workflow.objects.filter(
            workspace_id=event.workspace_id,
            enabled=True,
            trigger_kind__in=[kind.value for kind in kinds],
        ).select_related("current_version")
    )
    facts = triggers.facts_for(event) if candidates else []
    if not facts:
        return
    depth = triggers.depth_of(event)
    for workflow in candidates:
        _start_for_event(workflow, event, facts, depth)


def _start_for_event(
    workflow: Workflow, event: Event, facts: list[TriggerFact], depth: int
) -> None:
    if workflow.current_version is None:
        return
    definition = definition_of(workflow.current_version)
    fact = next((fact for fact in facts if trigger_matches(definition.trigger, fact)), None)
    if fact is None:
        return
    now = clock.now()
    try:
        with transaction.atomic():
            start_run(
                workflow=workflow,
                definition=definition,
                subject=Subject.of(fact),
                trigger_key=event_trigger_key(event.pk),
                now=now,
                event_id=event.pk,
                depth=depth,
            )
    except Exception as error:
        # Why not raise: the dispatcher would roll back and retry the whole batch forever,
        # holding up every consumer. The problem is kept on a failed run for people to see.
        logger.exception("workflow %s: could not start a run for event %s", workflow.pk, event.pk)
        _record_failed_start(workflow, Subject.of(fact), event, error, now)


def _record_failed_start(
    workflow: Workflow, subject: Subject, event: Event, error: Exception, now: datetime
) -> None:
    run = _run_row(workflow, subject, event_trigger_key(event.pk), now, trigger_event_id=event.pk,
                   state=RunState.FAILED.value, finished_at=now,
                   error=f"could not start: {type(error).__name__}: {error}"[:2000])  # fmt: skip
    try:
        with transaction.atomic():
            run.save()
    except Exception:
        logger.exception("workflow %s: could not record the failed start", workflow.pk)


# --- running steps -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Move:
    """Where a run goes after a step: the next path and when, or the state it ends in."""

    path: str | None
    due_at: datetime
    final: RunState = RunState.DONE


@dataclass(frozen=True)
class Outcome:
    kind: str
    decision: str
    move: Move
    input: dict[str, Any] = field(default_factory=dict)
    result: dict[str, Any] = field(default_factory=dict)


def run_request_id(run_id: int) -> str:
    """The request id on the Events a run's steps write (see triggers.depth_of)."""
    return f"automation-run-{run_id}"


@contextmanager
def acting_for(run: Run) -> Iterator[None]:
    """Stamp the Events a run's steps write with the run, so triggers know their depth."""
    token = current_request_id.set(run_request_id(run.pk))
    try:
        yield
    finally:
        current_request_id.reset(token)


def run_step(item: DueItem, *, done_as: Move | None = None) -> None:
    """The `automation.step` handler: execute the step, then move the run on.

    `done_as`: the step was executed already (with others, automation.batch); only move on.
    """
    ready = prepared.take(item.payload.get("run_id"))
    run = ready.run if ready is not None else _locked_run(item.payload.get("run_id"))
    if run is None or run.state not in LIVE_RUN_STATES:
        return  # deleted, finished or failed since this item was scheduled
    with acting_for(run):
        path = str(item.payload["path"])
        _advance(run, path, attempts=item.attempts, ready=ready, done_as=done_as)


def _locked_run(run_id: Any) -> Run | None:
    return (
        Run.objects.select_for_update(of=("self",))
        .select_related("workflow__workspace", "version__created_by", "person")
        .filter(pk=run_id)
        .first()
    )


def _advance(
    run: Run,
    path: str,
    *,
    attempts: int,
    ready: prepared.PreparedRun | None,
    done_as: Move | None = None,
) -> None:
    now = clock.now()
    definition = definition_of(run.version)
    if ready is not None:
        ctx = context_for_run(run, definition, now, loaded=(ready.event, ready.candidacy))
    else:
        ctx = context_for_run(run, definition, now)
    known = ready.steps if ready is not None else None
    move = done_as or execute_step(ctx, path, attempts=attempts, known=known)  # may raise
    for _ in range(MAX_INLINE_STEPS):
        if move.path is None or move.due_at > now:
            break
        try:
            with transaction.atomic():
                move = execute_step(ctx, move.path, attempts=1, known=known)
        except Exception:
            logger.warning(
                "run %s: %s failed; retrying it on its own", run.pk, move.path, exc_info=True
            )
            break
    _settle(run, move, now, prepared.deferred_writes() if ready is not None else None)


def _settle(run: Run, move: Move, now: datetime, deferred: prepared.Deferred | None) -> None:
    if move.path is None:
        run.state, run.finished_at, run.current_path = move.final.value, now, ""
    else:
        if deferred is None:
            schedule_step(run, move.path, due_at=move.due_at)
        else:
            deferred.planned.append(planned_step(run, move.path, due_at=move.due_at))
        run.current_path = move.path
        run.state = (RunState.WAITING if move.due_at > now else RunState.RUNNING).value
    if deferred is None:
        run.save(update_fields=["state", "finished_at", "current_path", "updated_at"])
    else:
        deferred.runs.append(run)


def execute_step(
    ctx: StepContext, path: str, *, attempts: int, known: dict[str, RunStep] | None = None
) -> Move:
    """Execute one step once: a step already done only tells where the run goes next.

    `known` holds every RunStep of the run, read under the run's lock (prepared.py); without
    it the step's record is looked up here.
    """
    assert ctx.run is not None
    key = side_effect_key(ctx.run.pk, path)
    if known is None:
        done = RunStep.objects.filter(idempotency_key=key, state="done").first()
    else:
        done = known.get(key)
    if done is not None and done.state == "done":
        return _replay(ctx, path, done.result)
    started = clock.now()
    outcome = _condition(ctx) if path == CONDITION_PATH else _step(ctx, path)
    record = step_record(ctx.run, path, outcome, attempts=attempts, started=started)
    record_step(key, record, known)
    return outcome.move


def step_record(
    run: Run, path: str, outcome: Outcome, *, attempts: int, started: datetime
) -> dict[str, Any]:
    """The fields of a done step's RunStep (all but its key)."""
    return {
        "run": run,
        "path": path,
        "kind": outcome.kind,
        "state": "done",
        "input": outcome.input,
        "decision": outcome.decision[:500],
        "result": outcome.result,
        "error": "",
        "attempts": min(attempts, 32767),
        "started_at": started,
        "finished_at": clock.now(),
    }


def record_step(key: str, record: dict[str, Any], known: dict[str, RunStep] | None) -> None:
    """Write the RunStep of a step just executed (or leave it to the slice's Deferred)."""
    deferred = prepared.deferred_writes()
    if known is not None and key not in known:
        # Why a plain insert is safe: no record of this step existed under the run's lock.
        step = RunStep(idempotency_key=key, **record)
        if deferred is None:
            step.save(force_insert=True)
        else:
            deferred.steps.append(step)
        known[key] = step
    else:
        step, _ = RunStep.objects.update_or_create(idempotency_key=key, defaults=record)
        if known is not None:
            known[key] = step


def _condition(ctx: StepContext) -> Outcome:
    text = ctx.definition.condition
    if ctx.holds(text):
        move = Move(next_path(ctx.definition, CONDITION_PATH), ctx.now)
        return Outcome(
            "condition", "matched the condition", move, {"condition": text}, {"matched": True}
        )
    move = Move(None, ctx.now, RunState.SKIPPED)
    decision = "did not match the condition: nothing to do"
    return Outcome("condition", decision, move, {"condition": text}, {"matched": False})


def _step(ctx: StepContext, path: str) -> Outcome:
    step = step_at(ctx.definition, path)
    spelled = step_input(step)
    if isinstance(step, Branch):
        branch = "then" if ctx.holds(step.condition) else "else"
        decision = f"the condition {'held' if branch == 'then' else 'did not hold'}: {branch}"
        move = Move(next_path(ctx.definition, path, branch), ctx.now)
        return Outcome("if", decision, move, spelled, {"branch": branch})
    if isinstance(step, Wait):
        until = ctx.now + timedelta(seconds=step.seconds)
        decision = f"wait {format_duration(step.seconds)}, until {until:%Y-%m-%d %H:%M} UTC"
        move = Move(next_path(ctx.definition, path), until)
        return Outcome("wait", decision, move, spelled, {"until": until.isoformat()})
    return _action(ctx, path, step, spelled)


def _action(ctx: StepContext, path: str, action: Action, spelled: dict[str, Any]) -> Outcome:
    try:
        done = executors.execute(ctx, path, action)
    except AppError as error:
        # Bad input to another app's action (a closed candidacy, an archived sequence):
        # the same step fails the same way next time, so the run fails now.
        raise scheduling.PermanentFailure(error.message) from error
    move = Move(next_path(ctx.definition, path), ctx.now)
    return Outcome(action.kind.value, done.decision, move, spelled, dict(done.data))


def step_input(step: Action | Wait | Branch) -> dict[str, Any]:
    """The step's own definition (without an if step's branches): its RunStep's input."""
    spelled = step_to_dict(step)
    spelled.pop("then", None)
    spelled.pop("else", None)
    return spelled


def _replay(ctx: StepContext, path: str, result: dict[str, Any]) -> Move:
    if path == CONDITION_PATH:
        if result.get("matched"):
            return Move(next_path(ctx.definition, path), ctx.now)
        return Move(None, ctx.now, RunState.SKIPPED)
    branch = result.get("branch")
    if "until" in result:
        return Move(next_path(ctx.definition, path), datetime.fromisoformat(result["until"]))
    return Move(next_path(ctx.definition, path, branch), ctx.now)
