"""The transactional outbox: actions append Events; a task hands them to consumers after commit."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from django.db import models, transaction

from talentloop.core import clock
from talentloop.core.middleware import current_request_id
from talentloop.core.models import Event

if TYPE_CHECKING:
    from talentloop.accounts.models import User, Workspace

logger = logging.getLogger(__name__)
EventConsumer = Callable[[Event], None]
_consumers: list[EventConsumer] = []


def register_consumer(consumer: EventConsumer) -> EventConsumer:
    """Subscribe a function to every dispatched Event (automation, webhooks, analytics)."""
    if consumer not in _consumers:
        _consumers.append(consumer)
    return consumer


def record_event(
    *,
    workspace: Workspace,
    actor: User | None,
    verb: str,
    subject: models.Model,
    changed_fields: Iterable[str] = (),
    data: dict[str, object] | None = None,
) -> Event:
    """Append an Event inside the caller's transaction and dispatch it once that commits."""
    event = Event.objects.create(
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
    _schedule_dispatch()
    return event


def _schedule_dispatch() -> None:
    # Why the check: one transaction may append many events and one dispatch drains them all.
    # A rollback drops the queued callback with it, so the next transaction schedules afresh.
    connection = transaction.get_connection()
    if any(entry[1] is _enqueue_dispatch for entry in connection.run_on_commit):
        return
    transaction.on_commit(_enqueue_dispatch)


def _enqueue_dispatch() -> None:
    from talentloop.core.tasks import dispatch_events

    dispatch_events.enqueue()


def dispatch_pending(batch_size: int = 500) -> int:
    """Hand undispatched events to consumers in order; returns how many were handled."""
    handled = 0
    while True:
        with transaction.atomic():
            pending = list(_claim_batch(batch_size))
            for event in pending:
                for consumer in _consumers:
                    consumer(event)
            Event.objects.filter(pk__in=[event.pk for event in pending]).update(
                dispatched_at=clock.now()
            )
        handled += len(pending)
        if len(pending) < batch_size:
            return handled


def _claim_batch(batch_size: int) -> models.QuerySet[Event]:
    # Why SKIP LOCKED: two workers dispatching at once each take different events,
    # so no consumer sees an event twice. SQLite has one writer, which gives the same guarantee.
    queryset = Event.objects.filter(dispatched_at__isnull=True).order_by("id")
    if transaction.get_connection().features.has_select_for_update_skip_locked:
        queryset = queryset.select_for_update(skip_locked=True)
    return queryset[:batch_size]
