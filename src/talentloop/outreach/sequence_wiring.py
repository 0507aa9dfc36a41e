"""Plugs sequences, inbound polling and job alerts into the shared engine of the core:
due-item handlers, the event consumer for stop rules, and a light periodic tick."""

from __future__ import annotations

import time
from datetime import timedelta

from django.conf import settings

from talentloop.core import clock, scheduling
from talentloop.core.events import register_consumer
from talentloop.core.worker import register_tick
from talentloop.outreach import inbound, job_alerts, sequence_engine
from talentloop.outreach.enrollment_actions import STEP_KIND

DIGEST_BOOKING_EVERY_S = 3600.0
PURGE_EVERY_S = 24 * 3600.0
KEEP_FINISHED = timedelta(days=30)
_next_run: dict[str, float] = {}


def _due(name: str, every_s: float, *, at_start: bool = True) -> bool:
    now = time.monotonic()
    if name not in _next_run and not at_start:
        _next_run[name] = now + every_s  # why: a worker that just started has nothing old
    if now < _next_run.get(name, 0.0):
        return False
    _next_run[name] = now + every_s
    return True


def periodic_tick(worker_id: str) -> int:
    """Book IMAP polls, this week's job-alert digests and old due-item clean-up when due.

    Returns 0 so an idle worker still sleeps; the booked items run through run_due.
    """
    now = clock.now()
    poll_every = int(getattr(settings, "OUTREACH_IMAP_POLL_SECONDS", 60))
    if _due("imap", poll_every):
        inbound.schedule_polls(now, poll_every)
    if _due("digests", DIGEST_BOOKING_EVERY_S):
        job_alerts.schedule_week(now)
    if _due("purge", PURGE_EVERY_S, at_start=False):
        scheduling.purge_finished(now - KEEP_FINISHED)
    return 0


def register() -> None:
    scheduling.register_handler(STEP_KIND, sequence_engine.run_step)
    scheduling.register_handler(inbound.POLL_KIND, inbound.run_poll)
    scheduling.register_handler(job_alerts.DIGEST_KIND, job_alerts.run_digest)
    register_consumer(sequence_engine.on_event)
    register_tick(periodic_tick)
