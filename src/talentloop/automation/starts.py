"""The batch Event consumer: starts the runs a dispatched batch of events triggers.

Same decisions as `engine.on_event` (trigger filters, the loop guard, one run per trigger
key), read and written with a handful of statements for the whole batch instead of a
handful per event. Should anything in the batch fail, the batch's writes roll back and each
event goes through `engine.on_event` on its own, which keeps a failure as a failed run.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Count

from talentloop.automation import engine, triggers
from talentloop.automation.domain import RunState, TriggerFact, trigger_matches
from talentloop.automation.models import Run, Workflow
from talentloop.automation.queries import definition_of
from talentloop.core import clock, scheduling
from talentloop.core.models import Event

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Start:
    workflow: Workflow
    event: Event
    fact: TriggerFact
    depth: int

    @property
    def trigger_key(self) -> str:
        return engine.event_trigger_key(self.event.pk)


def on_events(events: Sequence[Event]) -> None:
    """Start a run of every enabled workflow each event of the batch triggers."""
    candidates = _candidates(events)
    if not candidates:
        return
    interested = [event for event in events if _workflows_for(event, candidates)]
    try:
        with transaction.atomic():
            _start_all(interested, candidates)
    except Exception:
        logger.exception("starting runs for %d events at once failed; one by one", len(events))
        for event in interested:
            engine.on_event(event)


def _candidates(events: Sequence[Event]) -> dict[tuple[int, str], list[Workflow]]:
    """The enabled workflows of the events' workspaces, by (workspace, trigger kind)."""
    kinds = {kind.value for event in events for kind in triggers.kinds_for_verb(event.verb)}
    if not kinds:
        return {}
    found: dict[tuple[int, str], list[Workflow]] = defaultdict(list)
    workflows = Workflow.objects.filter(
        workspace_id__in={event.workspace_id for event in events},
        enabled=True,
        trigger_kind__in=kinds,
    ).select_related("current_version")
    for workflow in workflows.order_by("pk"):
        found[(workflow.workspace_id, workflow.trigger_kind)].append(workflow)
    return found


def _workflows_for(
    event: Event, candidates: dict[tuple[int, str], list[Workflow]]
) -> list[Workflow]:
    kinds = triggers.kinds_for_verb(event.verb)
    # Each workflow has one trigger kind, so a verb firing two kinds finds it at most once.
    found = [candidates.get((event.workspace_id, kind.value), []) for kind in kinds]
    return [workflow for workflows in found for workflow in workflows]


def _start_all(events: Sequence[Event], candidates: dict[tuple[int, str], list[Workflow]]) -> None:
    starts = list(_matches(events, candidates))
    if not starts:
        return
    now = clock.now()
    taken = set(
        Run.objects.filter(
            workflow_id__in={start.workflow.pk for start in starts},
            trigger_key__in={start.trigger_key for start in starts},
        ).values_list("workflow_id", "trigger_key")
    )
    recent = _recent_runs(starts, now)
    runs: list[Run] = []
    for start in starts:
        if (start.workflow.pk, start.trigger_key) in taken:
            continue  # why: an event handed over twice starts one run
        taken.add((start.workflow.pk, start.trigger_key))
        run = _new_run(start, recent, now)
        runs.append(run)
    Run.objects.bulk_create(runs)
    if any(run.pk is None for run in runs):
        raise RuntimeError("the database did not return the new runs' ids")
    scheduling.schedule_many(
        [engine.planned_step(run, run.current_path, due_at=now) for run in runs if run.current_path]
    )


def _matches(
    events: Sequence[Event], candidates: dict[tuple[int, str], list[Workflow]]
) -> list[_Start]:
    """The (workflow, event) pairs whose trigger matches, for people who still exist."""
    facts = triggers.facts_by_event(events)
    matched: list[tuple[Workflow, Event, TriggerFact]] = []
    for event in events:
        event_facts = facts.get(event.pk, [])
        for workflow in _workflows_for(event, candidates) if event_facts else []:
            if workflow.current_version is None:
                continue
            definition = definition_of(workflow.current_version)
            fact = next((f for f in event_facts if trigger_matches(definition.trigger, f)), None)
            if fact is not None:
                matched.append((workflow, event, fact))
    if not matched:
        return []
    present = triggers.people_present({(e.workspace_id, f.person_id) for _, e, f in matched})
    matched = [(w, e, f) for w, e, f in matched if (e.workspace_id, f.person_id) in present]
    depths = triggers.depths_by_event([event for _, event, _ in matched])
    return [_Start(w, e, f, depths.get(e.pk, 0)) for w, e, f in matched]


def _recent_runs(starts: Sequence[_Start], now: datetime) -> dict[tuple[int, int], int]:
    """Runs in the last hour per (workflow, person), as `engine.recent_runs` counts them."""
    rows = (
        Run.objects.filter(
            workflow_id__in={start.workflow.pk for start in starts},
            person_id__in={start.fact.person_id for start in starts},
            started_at__gt=now - engine.RATE_WINDOW,
        )
        .exclude(state=RunState.SKIPPED.value)
        .values_list("workflow_id", "person_id")
        .annotate(runs=Count("id"))
        .order_by()
    )
    return {(workflow_id, person_id): runs for workflow_id, person_id, runs in rows}


def _new_run(start: _Start, recent: dict[tuple[int, int], int], now: datetime) -> Run:
    counted = (start.workflow.pk, start.fact.person_id)
    assert start.workflow.current_version is not None
    run = engine.new_run(
        start.workflow,
        definition_of(start.workflow.current_version),
        engine.Subject.of(start.fact),
        start.trigger_key,
        now,
        event_id=start.event.pk,
        depth=start.depth,
        condition_checked=False,
        runs_last_hour=recent.get(counted, 0),
    )
    if run.state != RunState.SKIPPED.value:
        # Why count it now: a second event for the same person later in this batch must
        # see this run, as it would have had the runs been started one by one.
        recent[counted] = recent.get(counted, 0) + 1
    return run
