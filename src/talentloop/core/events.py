"""The transactional outbox: actions append Events; the workers hand them to consumers.

A committed Event is dispatched by the next step of any worker loop (core.worker), which
claims undispatched events itself; on PostgreSQL the commit also wakes idle workers with a
NOTIFY, and in one process (the embedded worker of `serve`) it sets a local wake-up. Only
where tasks run inline (no database queue, as in tests) does the commit run the dispatch
task at once.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import DatabaseError, models, transaction

from talentloop.core import clock
from talentloop.core.middleware import current_request_id
from talentloop.core.models import Event

if TYPE_CHECKING:
    from talentloop.accounts.models import User, Workspace

logger = logging.getLogger(__name__)
EventConsumer = Callable[[Event], None]
BatchConsumer = Callable[[Sequence[Event]], None]
WAKE_CHANNEL = "talentloop_events"
DISPATCH_BATCH = 500

# Set by every commit that wrote events; the worker loop of this process waits on it.
local_wake = threading.Event()


@dataclass(frozen=True)
class _Subscription:
    consumer: EventConsumer | None
    batch_consumer: BatchConsumer | None
    verbs: frozenset[str] | None

    def wants(self, verb: str) -> bool:
        return self.verbs is None or verb in self.verbs


_subscriptions: list[_Subscription] = []


def register_consumer(
    consumer: EventConsumer, *, verbs: Collection[str] | None = None
) -> EventConsumer:
    """Subscribe a function to every dispatched Event (or only to those of `verbs`)."""
    _subscribe(_Subscription(consumer, None, _verb_set(verbs)))
    return consumer


def register_batch_consumer(
    consumer: BatchConsumer, *, verbs: Collection[str] | None = None
) -> BatchConsumer:
    """Subscribe a function to each dispatched batch: it gets the batch's events in order."""
    _subscribe(_Subscription(None, consumer, _verb_set(verbs)))
    return consumer


def _verb_set(verbs: Collection[str] | None) -> frozenset[str] | None:
    return frozenset(verbs) if verbs is not None else None


def _subscribe(subscription: _Subscription) -> None:
    # Why by identity of the functions: registering again (an app reloaded) adds nothing.
    if all(
        (entry.consumer, entry.batch_consumer)
        != (subscription.consumer, subscription.batch_consumer)
        for entry in _subscriptions
    ):
        _subscriptions.append(subscription)


def record_event(
    *,
    workspace: Workspace,
    actor: User | None,
    verb: str,
    subject: models.Model,
    changed_fields: Iterable[str] = (),
    data: dict[str, object] | None = None,
) -> Event:
    """Append an Event inside the caller's transaction; workers dispatch it once that commits."""
    event = Event(
        workspace=workspace,
        actor=actor,
        verb=verb,
        subject_type=subject._meta.model_name or "",
        subject_id=subject.pk,
        changed_fields=sorted(set(changed_fields)),
        data=data or {},
        request_id=current_request_id.get(),
        occurred_at=clock.now(),
    )
    together = _together.get()
    if together is None:
        event.save(force_insert=True)
    else:
        together.append(event)
    _after_commit_once(_announce)
    return event


def announce_written_events() -> None:
    """Events were written in this transaction without record_event (bulk SQL): once it
    commits, wake the workers, or with inline tasks dispatch them at once, as record_event
    does."""
    _after_commit_once(_announce)


_together: ContextVar[list[Event] | None] = ContextVar("events_together", default=None)


@contextmanager
def recorded_together(request_ids: Mapping[tuple[str, int], str]) -> Iterator[list[Event]]:
    """Write the events recorded inside with one statement when the block ends.

    `request_ids` names, by (subject type, subject id), the request id an event about that
    subject carries instead of the current one: work done for many causes at once (the same
    step of many workflow runs) still names each event's own cause. Inside the block the
    recorded events have no id yet.
    """
    events: list[Event] = []
    token = _together.set(events)
    try:
        yield events
    finally:
        _together.reset(token)
    for event in events:
        event.request_id = request_ids.get((event.subject_type, event.subject_id), event.request_id)
    Event.objects.bulk_create(events)


def _after_commit_once(callback: Callable[[], None]) -> None:
    # Why the check: one transaction may append many events and one callback covers them all.
    # A rollback drops the queued callback with it, so the next transaction schedules afresh.
    connection = transaction.get_connection()
    if any(entry[1] is callback for entry in connection.run_on_commit):
        return
    transaction.on_commit(callback)


def _announce() -> None:
    """Tell workers that committed events wait (or, with inline tasks, dispatch them now)."""
    from talentloop.core.worker import uses_database_queue

    if not uses_database_queue():
        from talentloop.core.tasks import dispatch_events

        dispatch_events.enqueue()
        return
    local_wake.set()
    connection = transaction.get_connection()
    if connection.vendor == "postgresql":
        # Why after commit and not inside the transaction: a NOTIFY sent inside it would
        # be delivered at commit as well, but one sent here costs nothing when it rolls back.
        # A process that dies before this line leaves its events to the workers' next poll.
        # The payload names this process, whose own worker loop needs no wake-up: it goes on
        # stepping after any step that wrote events.
        try:
            with connection.cursor() as cursor:
                cursor.execute(f"NOTIFY {WAKE_CHANNEL}, '{os.getpid()}'")
        except DatabaseError:
            # Why not raise: the change is committed; the workers' next poll finds its events.
            logger.warning("could not wake the workers", exc_info=True)


def dispatch_pending(batch_size: int = DISPATCH_BATCH) -> int:
    """Hand undispatched events to consumers in order; returns how many were handled."""
    handled = 0
    while True:
        count = _dispatch_batch(batch_size)
        handled += count
        if count < batch_size:
            return handled


def _dispatch_batch(batch_size: int) -> int:
    if not Event.objects.filter(dispatched_at__isnull=True).exists():
        # Why look first: every worker step polls here, and on SQLite the transaction below
        # takes the write lock even when there is nothing to claim.
        return 0
    with transaction.atomic():
        pending = list(_claim_batch(batch_size))
        if not pending:
            return 0
        for subscription in list(_subscriptions):
            wanted = [event for event in pending if subscription.wants(event.verb)]
            if not wanted:
                continue
            if subscription.batch_consumer is not None:
                subscription.batch_consumer(wanted)
            elif subscription.consumer is not None:
                for event in wanted:
                    subscription.consumer(event)
        Event.objects.filter(pk__in=[event.pk for event in pending]).update(
            dispatched_at=clock.now()
        )
    return len(pending)


def _claim_batch(batch_size: int) -> models.QuerySet[Event]:
    # Why SKIP LOCKED: two workers dispatching at once each take different events,
    # so no consumer sees an event twice. SQLite has one writer, which gives the same guarantee.
    queryset = Event.objects.filter(dispatched_at__isnull=True).order_by("id")
    if transaction.get_connection().features.has_select_for_update_skip_locked:
        queryset = queryset.select_for_update(skip_locked=True)
    return queryset[:batch_size]
