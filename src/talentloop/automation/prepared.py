"""What a slice of due steps needs, read with a few queries for the whole slice.

`prepared_steps` is the batch scope of the `automation.step` handler (core.scheduling): it
locks the slice's runs and reads them with their workflow, version, person and tags, their
trigger events and candidacies, and every RunStep they have, before the first item runs.
`run_step` takes its run's share once; a run it finds nothing for is read as before.

When the slice runs together (automation.batch), the prepared runs' own records (RunSteps,
the run's new state, the next step's due item) are also written together, by `Deferred`,
once every item has run.

Why a person's runs are left out when the slice holds two of them: a step of one may change
what the other's step reads (a tag, a field, the candidacy's stage), so the other must read
it after that step, not before.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

from django.db import DatabaseError, transaction
from django.db.models import prefetch_related_objects

from talentloop.automation.domain import LIVE_RUN_STATES
from talentloop.automation.models import Run, RunStep, Workflow, WorkflowVersion
from talentloop.core import clock, scheduling
from talentloop.core.models import DueItem, Event
from talentloop.recruiting.models import Candidacy

logger = logging.getLogger(__name__)
_slice = threading.local()


@dataclass
class PreparedRun:
    """One run of the slice, locked, with what its steps read."""

    run: Run
    event: Event | None
    candidacy: Candidacy | None
    steps: dict[str, RunStep] = field(default_factory=dict)  # by idempotency key


@dataclass
class Deferred:
    """Records of prepared runs, written with one statement each when the slice ends."""

    steps: list[RunStep] = field(default_factory=list)
    runs: list[Run] = field(default_factory=list)
    planned: list[scheduling.Planned] = field(default_factory=list)

    def flush(self) -> None:
        RunStep.objects.bulk_create(self.steps)
        self._update_runs()
        scheduling.schedule_many(self.planned)
        self.steps, self.runs, self.planned = [], [], []

    def _update_runs(self) -> None:
        # Why one UPDATE per state and path instead of bulk_update: its CASE per row costs
        # more to build than the statements it saves. The runs that finished here all get
        # the time their records are written as their finish time.
        now = clock.now()
        groups: dict[tuple[str, str, datetime | None], list[int]] = defaultdict(list)
        for run in self.runs:
            finished_at = run.finished_at if run.state in LIVE_RUN_STATES else now
            groups[(run.state, run.current_path, finished_at)].append(run.pk)
        for (state, path, finished_at), ids in groups.items():
            Run.objects.filter(pk__in=ids).update(
                state=state, current_path=path, finished_at=finished_at, updated_at=now
            )


@contextmanager
def prepared_steps(items: Sequence[DueItem]) -> Iterator[None]:
    """Prepare the runs of these step items for the duration of the slice."""
    _slice.runs = _load(items)
    try:
        yield
    finally:
        _slice.runs = {}


@contextmanager
def deferring(items: Sequence[DueItem]) -> Iterator[Deferred]:
    """Prepare the runs and defer their records until the caller flushes.

    Read without a savepoint of its own: the caller (run_many) runs in one, and a failure
    sends its items down the one-by-one path.
    """
    _slice.runs = _read(_run_ids(items))
    _slice.deferred = deferred = Deferred()
    try:
        yield deferred
    finally:
        _slice.runs, _slice.deferred = {}, None


def deferred_writes() -> Deferred | None:
    """Where prepared runs' records go while a slice runs together; None: write them now."""
    found: Deferred | None = getattr(_slice, "deferred", None)
    return found


def take(run_id: object) -> PreparedRun | None:
    """The prepared run, once: a second item of the same run reads it afresh."""
    ready = peek(run_id)
    if ready is not None:
        del _slice.runs[ready.run.pk]
    return ready


def peek(run_id: object) -> PreparedRun | None:
    runs: dict[int, PreparedRun] = getattr(_slice, "runs", None) or {}
    if isinstance(run_id, bool) or not isinstance(run_id, int):
        return None
    return runs.get(run_id)


def _run_ids(items: Sequence[DueItem]) -> list[int]:
    """The slice's run ids that appear once (a run's second item reads it afresh)."""
    wanted = Counter(item.payload.get("run_id") for item in items)
    return [
        run_id
        for run_id, times in wanted.items()
        if times == 1 and isinstance(run_id, int) and not isinstance(run_id, bool)
    ]


def _load(items: Sequence[DueItem]) -> dict[int, PreparedRun]:
    run_ids = _run_ids(items)
    if not run_ids:
        return {}
    try:
        # Why a savepoint: a failed read (a lock timeout, say) must leave the chunk's
        # transaction usable; every item then reads its own run as it would without this.
        with transaction.atomic():
            return _read(run_ids)
    except DatabaseError:
        logger.warning("could not prepare %d workflow steps at once", len(run_ids), exc_info=True)
        return {}


def _read(run_ids: list[int]) -> dict[int, PreparedRun]:
    runs = list(
        Run.objects.select_for_update(of=("self",))
        .select_related("person")
        .filter(pk__in=run_ids)
        .order_by("pk")  # why: two workers lock runs in the same order, so never deadlock
    )
    people = Counter(run.person_id for run in runs)
    runs = [run for run in runs if people[run.person_id] == 1]
    # Why apart from the runs: the slice's runs share a few workflows and versions; one
    # object each (read once, definitions parsed once) instead of one per run.
    workflows = Workflow.objects.select_related("workspace").in_bulk(
        {run.workflow_id for run in runs}
    )
    versions = WorkflowVersion.objects.select_related("created_by").in_bulk(
        {run.version_id for run in runs}
    )
    for run in runs:
        run.workflow, run.version = workflows[run.workflow_id], versions[run.version_id]
    prefetch_related_objects([run.person for run in runs], "tags")
    events = Event.objects.in_bulk([run.trigger_event_id for run in runs if run.trigger_event_id])
    candidacies = Candidacy.objects.select_related("job", "pool").in_bulk(
        [run.subject_id for run in runs if run.subject_type == "candidacy"]
    )
    steps: dict[int, dict[str, RunStep]] = defaultdict(dict)
    for step in RunStep.objects.filter(run_id__in=[run.pk for run in runs]):
        steps[step.run_id][step.idempotency_key] = step
    return {
        run.pk: PreparedRun(
            run=run,
            event=events.get(run.trigger_event_id or 0),
            candidacy=candidacies.get(run.subject_id) if run.subject_type == "candidacy" else None,
            steps=steps[run.pk],
        )
        for run in runs
    }
