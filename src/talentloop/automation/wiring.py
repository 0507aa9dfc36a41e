"""Plugs automation into the shared engine of the core: the batch Event consumer, the
due-item handlers for steps (with their slice preparation) and scans, and the worker tick
that books the scans."""

from __future__ import annotations

import time

from django.conf import settings

from talentloop.automation import batch, engine, failures, prepared, scans, starts, triggers
from talentloop.core import clock, scheduling
from talentloop.core.events import register_batch_consumer
from talentloop.core.worker import register_tick

_next_scan = {"at": 0.0}


def periodic_tick(worker_id: str) -> int:
    """Book the time-trigger scans once per AUTOMATION_SCAN_SECONDS (0 switches them off).

    Returns 0 so an idle worker still sleeps; the booked scans run through run_due.
    """
    every = int(getattr(settings, "AUTOMATION_SCAN_SECONDS", 60))
    now = time.monotonic()
    if every <= 0 or now < _next_scan["at"]:
        return 0
    _next_scan["at"] = now + every
    scans.book_scans(clock.now(), every)
    return 0


def register() -> None:
    scheduling.register_handler(
        engine.STEP_KIND,
        engine.run_step,
        on_give_up=failures.on_give_up,
        batch=prepared.prepared_steps,
        run_many=batch.run_steps,
    )
    scheduling.register_handler(engine.SCAN_KIND, scans.run_scan)
    register_batch_consumer(starts.on_events, verbs=triggers.VERB_KINDS)
    register_tick(periodic_tick)
