"""Due work: rows that must run at a time, claimed by any worker and run exactly once.

One engine for everything that happens later (sequence steps, workflow waits, digests):

- `schedule(kind, due_at=, key=, payload=)` stores a `DueItem`; the key makes it idempotent.
- `register_handler(kind, fn)` names the function that runs items of a kind. `run_many=`
  may name a function that runs a whole slice of them at once (a few statements for the
  slice instead of a few per item) and returns those it left alone; they, and all of them
  should it raise (its writes roll back), run with `fn` one by one. `batch=` may name a
  context manager entered around each slice of items run one by one, so `fn` can read what
  the slice needs with a few queries.
- `run_due(now, limit)` claims due rows and runs their handlers; the worker loop ticks it.

A handler runs inside the same transaction that marks its row done, so the database writes
it makes (an outbox row, an enrolment moving on) commit together with "done" or not at all.
A worker killed mid-run leaves its claim to expire (`claimed_until`); the row is then
claimed again. Side effects outside the database must carry their own idempotency key.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager, ExitStack
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models, transaction
from django.utils.crypto import get_random_string

from talentloop.core import clock
from talentloop.core.models import DueItem

if TYPE_CHECKING:
    from talentloop.accounts.models import Workspace

logger = logging.getLogger(__name__)

Handler = Callable[[DueItem], None]
GiveUp = Callable[[DueItem, str], None]
ManyHandler = Callable[[Sequence[DueItem]], Sequence[DueItem]]
BatchScope = Callable[[Sequence[DueItem]], AbstractContextManager[object]]

BACKOFF_BASE = timedelta(seconds=30)
BACKOFF_CAP = timedelta(hours=1)
DEFAULT_LEASE = timedelta(minutes=5)
ERROR_TEXT_LIMIT = 2000
CHUNK_SECONDS = 0.5  # how long one transaction keeps running items (and holds their locks)
SLICE_SIZE = 100  # items run together (or prepared together), within a chunk


class PermanentFailure(Exception):
    """Raised by a handler when trying again cannot help; the item fails at once."""


@dataclass(frozen=True)
class _Registration:
    handler: Handler
    on_give_up: GiveUp | None
    batch: BatchScope | None = None
    run_many: ManyHandler | None = None


_registry: dict[str, _Registration] = {}


def register_handler(
    kind: str,
    fn: Handler,
    *,
    on_give_up: GiveUp | None = None,
    batch: BatchScope | None = None,
    run_many: ManyHandler | None = None,
) -> Handler:
    """Name the function that runs due items of `kind`; `on_give_up` hears of final failures.

    `run_many(items)`, when given, runs a slice of items already marked done, inside one
    savepoint, and returns the items it declined (having written nothing for them); those,
    and the whole slice if it raises, run item by item with `fn`. It must not call anything
    outside the database: a slice that fails is run again. `batch(items)`, when given, is
    entered before `fn` runs any item of a slice and left after the last.
    """
    _registry[kind] = _Registration(fn, on_give_up, batch, run_many)
    return fn


def registered_kinds() -> list[str]:
    return sorted(_registry)


def schedule(
    kind: str,
    *,
    due_at: datetime,
    key: str,
    payload: Mapping[str, Any],
    workspace: Workspace | None = None,
    workspace_id: int | None = None,
    max_attempts: int = 8,
) -> DueItem:
    """Store work due at `due_at`; scheduling a key again returns the first row unchanged."""
    item, _created = DueItem.objects.get_or_create(
        key=key,
        defaults={
            "kind": kind,
            "due_at": due_at,
            "payload": dict(payload),
            "workspace_id": workspace.pk if workspace is not None else workspace_id,
            "max_attempts": max_attempts,
        },
    )
    return item


@dataclass(frozen=True)
class Planned:
    """One item for `schedule_many`: what `schedule` takes, for many items at once."""

    kind: str
    due_at: datetime
    key: str
    payload: Mapping[str, Any]
    workspace_id: int | None = None
    max_attempts: int = 8


def schedule_many(planned: Sequence[Planned]) -> None:
    """Store many items with one statement; a key already scheduled keeps its first row."""
    rows = [
        DueItem(kind=item.kind, due_at=item.due_at, key=item.key, payload=dict(item.payload),
                workspace_id=item.workspace_id, max_attempts=item.max_attempts)
        for item in planned
    ]  # fmt: skip
    DueItem.objects.bulk_create(rows, ignore_conflicts=True)


def cancel(key: str) -> bool:
    """Cancel a pending item; False when there is none (already run, running or unknown)."""
    return _cancel(DueItem.objects.filter(key=key)) == 1


def cancel_prefix(prefix: str) -> int:
    """Cancel every pending item whose key starts with `prefix` (all the work of one record)."""
    return _cancel(DueItem.objects.filter(key__startswith=prefix))


def _cancel(items: models.QuerySet[DueItem]) -> int:
    return items.filter(state=DueItem.State.PENDING).update(
        state=DueItem.State.CANCELLED, finished_at=clock.now()
    )


def retry(item: DueItem, *, now: datetime | None = None) -> bool:
    """Give a failed item a fresh set of attempts, due now."""
    updated = DueItem.objects.filter(pk=item.pk, state=DueItem.State.FAILED).update(
        state=DueItem.State.PENDING,
        due_at=now or clock.now(),
        attempts=0,
        finished_at=None,
        claimed_until=None,
    )
    return updated == 1


def purge_finished(before: datetime) -> int:
    """Delete done and cancelled items that finished before `before` (failed ones stay)."""
    finished = (DueItem.State.DONE, DueItem.State.CANCELLED)
    old = DueItem.objects.filter(state__in=finished, finished_at__lt=before)
    if not old.exists():
        return 0  # why: a DELETE takes the write lock even when it matches nothing (SQLite)
    deleted, _ = old.delete()
    return deleted


def backoff(attempts: int) -> timedelta:
    """Wait before attempt `attempts + 1`: 30 s, 1 min, 2 min, … capped at one hour."""
    doublings = min(max(attempts - 1, 0), 16)
    wait: timedelta = BACKOFF_BASE * (2**doublings)
    return min(wait, BACKOFF_CAP)


def lease() -> timedelta:
    return timedelta(seconds=getattr(settings, "DUE_ITEM_LEASE_S", DEFAULT_LEASE.seconds))


def run_due(now: datetime | None = None, limit: int = 100, *, worker_id: str = "") -> int:
    """Claim up to `limit` items due by `now` and run them; returns how many were claimed."""
    now = now or clock.now()
    if not _claimable(now).exists():
        return 0  # why: on SQLite a claim takes the write lock; an idle tick must not
    token = f"{worker_id or 'run'}:{get_random_string(12)}"
    claimed = _claim(now, limit, token)
    left = claimed
    while left:
        left = _run_chunk(left, token, now)
    return len(claimed)


def _claimable(now: datetime) -> models.QuerySet[DueItem]:
    return DueItem.objects.filter(_pending(now) | _abandoned(now))


def _pending(now: datetime) -> models.Q:
    return models.Q(state=DueItem.State.PENDING, due_at__lte=now)


def _abandoned(now: datetime) -> models.Q:
    return models.Q(state=DueItem.State.RUNNING, claimed_until__lt=now)


def _claim(now: datetime, limit: int, token: str) -> list[DueItem]:
    # Why SKIP LOCKED: two workers claiming at once each lock different rows, so no row is
    # handed to both. SQLite opens every transaction IMMEDIATE (one writer at a time), which
    # makes the read-then-update below atomic against other processes just the same.
    with transaction.atomic():
        # Two reads, each walking its own partial index in order (an OR of both would sort
        # every due row on each claim).
        ids = _lock_ids(DueItem.objects.filter(_pending(now)), limit)
        if len(ids) < limit:
            ids += _lock_ids(DueItem.objects.filter(_abandoned(now)), limit - len(ids))
        DueItem.objects.filter(pk__in=ids).update(
            state=DueItem.State.RUNNING,
            claimed_by=token,
            claimed_until=now + lease(),
            attempts=models.F("attempts") + 1,
        )
    return list(
        DueItem.objects.filter(claimed_by=token, state=DueItem.State.RUNNING).order_by(
            "due_at", "id"
        )
    )


def _lock_ids(candidates: models.QuerySet[DueItem], limit: int) -> list[int]:
    ordered = candidates.order_by("due_at", "id")
    if transaction.get_connection().features.has_select_for_update_skip_locked:
        ordered = ordered.select_for_update(skip_locked=True)
    return list(ordered.values_list("pk", flat=True)[:limit])


def _run_chunk(items: list[DueItem], token: str, now: datetime) -> list[DueItem]:
    """Run items in one transaction for up to CHUNK_SECONDS; returns the ones not reached.

    Why one transaction for many items: a commit per item made the commit (an fsync) the
    cost of every item. Each item still runs in its own savepoint (or its slice in one,
    which is run again item by item if it fails), so one failing item rolls back only its
    own writes; a crash rolls back the whole chunk, whose items are claimed again after
    their lease, so no write of any item is ever committed twice.
    """
    deadline = time.monotonic() + CHUNK_SECONDS
    failures: list[tuple[DueItem, Exception]] = []
    left: list[DueItem] = []
    with transaction.atomic():
        for first in range(0, len(items), SLICE_SIZE):
            if first and time.monotonic() > deadline:
                left = items[first:]
                break
            rest = items[first + SLICE_SIZE :]
            not_reached = _run_slice(items[first : first + SLICE_SIZE], token, now, deadline,
                                     failures)  # fmt: skip
            if not_reached:
                left = not_reached + rest
                break
        for item, error in failures:
            _after_failure(item, token, now, error, _registry.get(item.kind))
    return left


def _run_slice(
    items: list[DueItem],
    token: str,
    now: datetime,
    deadline: float,
    failures: list[tuple[DueItem, Exception]],
) -> list[DueItem]:
    """Run a slice's items until the deadline (at least one); returns those not reached."""
    together = _run_together(items, token, now)
    one_by_one = [item for item in items if item.pk not in together]
    ran = len(together)
    with ExitStack() as scopes:
        for kind in sorted({item.kind for item in one_by_one}):
            registration = _registry.get(kind)
            if registration is not None and registration.batch is not None:
                chosen = [item for item in one_by_one if item.kind == kind]
                scopes.enter_context(registration.batch(chosen))
        for index, item in enumerate(one_by_one):
            if ran and time.monotonic() > deadline:
                return one_by_one[index:]
            error = _run_one(item, token, now)
            if error is not None:
                failures.append((item, error))
            ran += 1
    return []


def _run_together(items: list[DueItem], token: str, now: datetime) -> set[int]:
    """Run the slice's items whose kind can run many at once; returns the ids handled."""
    handled: set[int] = set()
    for kind in sorted({item.kind for item in items}):
        registration = _registry.get(kind)
        if registration is None or registration.run_many is None:
            continue
        # An item abandoned too many times is failed item by item (_run_one).
        chosen = [i for i in items if i.kind == kind and i.attempts <= i.max_attempts]
        if not chosen:
            continue
        try:
            with transaction.atomic():
                mine = _mark_all_done(chosen, token, now)
                declined = registration.run_many(mine) if mine else []
                _unmark(declined, token, now)
        except Exception:
            logger.warning("%d %s items failed together; one by one", len(chosen), kind,
                           exc_info=True)  # fmt: skip
            continue
        left = {item.pk for item in declined}
        handled.update(item.pk for item in chosen if item.pk not in left)
    return handled


def _unmark(items: Sequence[DueItem], token: str, now: datetime) -> None:
    """Give declined items back their claim, for the one-by-one path to run them."""
    if items:
        DueItem.objects.filter(
            pk__in=[item.pk for item in items], claimed_by=token, state=DueItem.State.DONE
        ).update(state=DueItem.State.RUNNING, finished_at=None, claimed_until=now + lease())


def _mark_all_done(items: list[DueItem], token: str, now: datetime) -> list[DueItem]:
    """`_mark_done` for many items with one statement; returns those still ours."""
    ids = [item.pk for item in items]
    ours = DueItem.objects.filter(pk__in=ids, claimed_by=token, state=DueItem.State.RUNNING)
    updated = ours.update(
        state=DueItem.State.DONE, finished_at=now, claimed_until=None, last_error=""
    )
    if updated == len(items):
        return items
    kept = set(
        DueItem.objects.filter(pk__in=ids, claimed_by=token, state=DueItem.State.DONE)
        .values_list("pk", flat=True)
    )  # fmt: skip
    for item in items:
        if item.pk not in kept:
            logger.warning("due item %s: claim lost before it ran", item.pk)
    return [item for item in items if item.pk in kept]


def _run_one(item: DueItem, token: str, now: datetime) -> Exception | None:
    registration = _registry.get(item.kind)
    if item.attempts > item.max_attempts:
        # A worker died holding it each time: stop trying instead of crashing forever.
        _finish_failed(item, token, now, "abandoned by its worker too many times", registration)
        return None
    try:
        with transaction.atomic():
            # Why mark done first, conditionally: the UPDATE locks the row until commit, so no
            # other worker can reclaim it while the handler runs, and a claim lost to an
            # expired lease shows up as 0 rows instead of a second run.
            if not _mark_done(item, token, now):
                logger.warning("due item %s: claim lost before it ran", item.pk)
                return None
            if registration is None:
                raise LookupError(f"no handler registered for kind {item.kind!r}")
            registration.handler(item)
    except Exception as error:
        logger.exception("due item %s (%s) failed on attempt %d", item.pk, item.kind, item.attempts)
        return error
    return None


def _mark_done(item: DueItem, token: str, now: datetime) -> bool:
    updated = DueItem.objects.filter(
        pk=item.pk, claimed_by=token, state=DueItem.State.RUNNING
    ).update(state=DueItem.State.DONE, finished_at=now, claimed_until=None, last_error="")
    return updated == 1


def _after_failure(
    item: DueItem,
    token: str,
    now: datetime,
    error: Exception,
    registration: _Registration | None,
) -> None:
    message = f"{type(error).__name__}: {error}"[:ERROR_TEXT_LIMIT]
    if isinstance(error, PermanentFailure) or item.attempts >= item.max_attempts:
        _finish_failed(item, token, now, message, registration)
        return
    DueItem.objects.filter(pk=item.pk, claimed_by=token, state=DueItem.State.RUNNING).update(
        state=DueItem.State.PENDING,
        due_at=now + backoff(item.attempts),
        claimed_until=None,
        last_error=message,
    )


def _finish_failed(
    item: DueItem,
    token: str,
    now: datetime,
    message: str,
    registration: _Registration | None,
) -> None:
    with transaction.atomic():
        updated = DueItem.objects.filter(
            pk=item.pk, claimed_by=token, state=DueItem.State.RUNNING
        ).update(
            state=DueItem.State.FAILED, finished_at=now, claimed_until=None, last_error=message
        )
        if updated == 1 and registration is not None and registration.on_give_up is not None:
            registration.on_give_up(item, message)
