"""Helpers for the sequence tests: build a sequence, run due work at a moment."""

from __future__ import annotations

from datetime import UTC, datetime

import time_machine

from talentloop.core import scheduling
from talentloop.core.events import dispatch_pending
from talentloop.outreach.sequence_actions import save_sequence

# Tuesday 13 January 2026, 10:00 UTC: inside 9-17 business hours in Europe/London.
TUESDAY_10_UTC = datetime(2026, 1, 13, 10, 0, tzinfo=UTC)


def email(template, thread: str = "new") -> dict:
    return {"kind": "email", "template_id": template.pk, "thread": thread}


def wait(days: int) -> dict:
    return {"kind": "wait", "wait_days": days}


def task(kind: str = "call") -> dict:
    return {"kind": "task", "task_kind": kind, "task_note": "Say hello"}


def make_sequence(actor, mailbox, steps: list[dict], name: str = "Backend outreach", **extra):
    return save_sequence(actor=actor, name=name, mailbox_id=mailbox.pk, steps=steps, **extra)


def run_at(moment: datetime) -> int:
    """Run everything due by `moment`, with the clock at `moment`, then dispatch events."""
    with time_machine.travel(moment, tick=False):
        ran = 0
        while True:
            batch = scheduling.run_due(moment, 100)
            ran += batch
            if batch == 0:
                break
        dispatch_pending()
    return ran
