"""Background work owned by the core."""

from __future__ import annotations

from django_tasks import task

from talentloop.core.events import dispatch_pending


@task()
def dispatch_events() -> int:
    """Deliver every committed, not yet dispatched Event to its consumers."""
    return dispatch_pending()
