"""Due-item handlers the scheduling tests use; worker subprocesses import this module too."""

from __future__ import annotations

import os
import time
from collections.abc import Sequence

from talentloop.core import clock
from talentloop.core.models import DueItem, Event
from talentloop.core.scheduling import PermanentFailure, register_handler

RAN = "test.due_ran"


def record_due_run(item: DueItem) -> None:
    """Leave one Event per execution, naming the process that ran it."""
    Event.objects.create(
        workspace_id=item.workspace_id,
        verb=RAN,
        subject_type="test",
        subject_id=item.payload["number"],
        data={"pid": os.getpid(), "claimed_by": item.claimed_by.split(":")[0]},
        occurred_at=clock.now(),
    )
    # A little work per item, so that a second worker polling at the same time gets some.
    time.sleep(0.005)


def write_then_fail(item: DueItem) -> None:
    """Writes a row, then fails: the write must roll back with the failed attempt."""
    record_due_run(item)
    raise RuntimeError("temporary trouble")


def refuse(item: DueItem) -> None:
    raise PermanentFailure("the record is gone")


GAVE_UP: list[tuple[int, str]] = []


def remember_give_up(item: DueItem, reason: str) -> None:
    GAVE_UP.append((item.pk, reason))


register_handler("test.record", record_due_run)
register_handler("test.flaky", write_then_fail, on_give_up=remember_give_up)
register_handler("test.refuse", refuse, on_give_up=remember_give_up)


TOGETHER = "test.due_ran_together"


def record_together(items: Sequence[DueItem]) -> list[DueItem]:
    """Run many items with one statement; items whose payload says so are left alone."""
    declined = [item for item in items if item.payload.get("decline")]
    Event.objects.bulk_create(
        Event(workspace_id=item.workspace_id, verb=TOGETHER, subject_type="test",
              subject_id=item.payload["number"], occurred_at=clock.now())
        for item in items
        if item not in declined
    )  # fmt: skip
    if any(item.payload.get("fail") for item in items):
        raise RuntimeError("one of them cannot run")
    return declined


def record_unless_failing(item: DueItem) -> None:
    if item.payload.get("fail"):
        raise RuntimeError("this one cannot run")
    record_due_run(item)


register_handler("test.many", record_due_run, run_many=record_together)
register_handler("test.many_flaky", record_unless_failing, run_many=record_together)
