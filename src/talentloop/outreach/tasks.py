"""Background outreach work: the delivery tick of every worker, scheduled campaign sends."""

from __future__ import annotations

import logging

from django.db import DatabaseError

from talentloop.core import scheduling
from talentloop.core.worker import register_tick
from talentloop.outreach import campaigns, delivery

logger = logging.getLogger(__name__)


def deliver_tick(worker_id: str) -> int:
    """One delivery pass; returns how many messages it handled (0 lets the loop sleep)."""
    try:
        return delivery.deliver_due(worker_id=worker_id).handled
    except DatabaseError:
        raise  # the worker loop reconnects and retries
    except Exception:
        # Why not let it end the loop: the same loop runs tasks and due items for every app;
        # one broken mailbox must not stop them. Logged with its traceback, retried next step.
        logger.exception("worker %s: delivery pass failed", worker_id)
        return 0


def register() -> None:
    register_tick(deliver_tick)
    scheduling.register_handler(campaigns.DUE_KIND, campaigns.run_due_campaign)
