"""Background work of search: membership refreshes after changes, and the periodic sweep.

The sweep is a chain of `core.scheduling` due items, one per interval slot (keys name the
slot, so any number of workers schedule each slot once). Its handler only enqueues the
`refresh_all_segments` task and schedules the next slot, so a long re-evaluation never sits
inside the due item's transaction or outlives its lease.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django_tasks import task

from talentloop.core import clock, scheduling
from talentloop.core.models import DueItem
from talentloop.search import actions
from talentloop.search.consumers import SWEEP_KIND
from talentloop.search.fulltext import reindex_people
from talentloop.search.models import Segment

MIN_INTERVAL_S = 30


def refresh_interval() -> timedelta | None:
    """How often every segment is fully re-evaluated; None when the sweep is switched off."""
    seconds = int(getattr(settings, "SEGMENT_REFRESH_SECONDS", 300))
    if seconds <= 0:
        return None
    return timedelta(seconds=max(seconds, MIN_INTERVAL_S))


@task()
def refresh_changed_people(workspace_id: int, person_ids: list[int]) -> int:
    """Reindex these people, then refresh every segment of the workspace for them."""
    reindex_people(person_ids)
    return actions.refresh_people(workspace_id, person_ids)


@task()
def refresh_workspace_segments(workspace_id: int) -> int:
    """Fully re-evaluate every segment of one workspace (after a tag or job changed)."""
    segments = Segment.objects.filter(workspace_id=workspace_id).order_by("pk")
    return sum(1 for segment in segments if actions.refresh_segment(segment) is not None)


@task()
def refresh_all_segments() -> int:
    """Fully re-evaluate every segment not evaluated within the refresh interval."""
    every = refresh_interval() or timedelta(seconds=MIN_INTERVAL_S)
    # Why a little slack: a sweep that starts a moment early must not skip segments that the
    # previous sweep evaluated just under one interval ago.
    return actions.refresh_due_segments(now=clock.now(), every=every - timedelta(seconds=5))


def ensure_sweep_scheduled(now: datetime | None = None) -> DueItem | None:
    """Make sure the next sweep slot is scheduled (idempotent; cheap to call often)."""
    every = refresh_interval()
    if every is None:
        return None
    seconds = every.total_seconds()
    slot = math.floor((now or clock.now()).timestamp() / seconds) + 1
    return scheduling.schedule(
        SWEEP_KIND,
        due_at=datetime.fromtimestamp(slot * seconds, tz=UTC),
        key=f"{SWEEP_KIND}:{int(seconds)}:{slot}",
        payload={},
    )


def run_sweep(item: DueItem) -> None:
    """Due-item handler: queue the re-evaluation and schedule the next slot."""
    transaction.on_commit(refresh_all_segments.enqueue)
    ensure_sweep_scheduled(max(clock.now(), item.due_at))
