"""Due items of a kind that can run many at once: together, declined, or one by one."""

from __future__ import annotations

import pytest

from talentloop.core import clock, scheduling
from talentloop.core.models import DueItem, Event
from talentloop.core.tests import due_handlers_for_tests as handlers
from talentloop.testing.factories import WorkspaceFactory

pytestmark = pytest.mark.django_db


def schedule_numbers(kind: str, numbers: range, **payload: object) -> list[DueItem]:
    workspace = WorkspaceFactory()
    return [
        scheduling.schedule(kind, due_at=clock.now(), key=f"{kind}:{number}",
                            payload={"number": number, **payload}, workspace=workspace)
        for number in numbers
    ]  # fmt: skip


def numbers(verb: str) -> list[int]:
    ran = Event.objects.filter(verb=verb).order_by("subject_id")
    return list(ran.values_list("subject_id", flat=True))


def test_items_of_a_kind_that_runs_many_run_together_once_each():
    # given five items of a kind with a run_many handler
    schedule_numbers("test.many", range(5))

    # when the scheduler ticks twice
    first, second = scheduling.run_due(clock.now(), 10), scheduling.run_due(clock.now(), 10)

    # then all five ran together, once each, and none one by one
    assert (first, second) == (5, 0)
    assert numbers(handlers.TOGETHER) == [0, 1, 2, 3, 4]
    assert numbers(handlers.RAN) == []
    assert set(DueItem.objects.values_list("state", flat=True)) == {DueItem.State.DONE}


def test_items_the_batch_declines_run_one_by_one():
    schedule_numbers("test.many", range(3))
    schedule_numbers("test.many", range(10, 12), decline=True)

    assert scheduling.run_due(clock.now(), 10) == 5

    assert numbers(handlers.TOGETHER) == [0, 1, 2]
    assert numbers(handlers.RAN) == [10, 11]
    assert set(DueItem.objects.values_list("state", flat=True)) == {DueItem.State.DONE}


def test_a_failing_batch_rolls_back_and_only_the_failing_item_waits_to_retry():
    # given three items, one of which cannot run
    items = schedule_numbers("test.many_flaky", range(2))
    failing = schedule_numbers("test.many_flaky", range(2, 3), fail=True)[0]
    now = clock.now()

    # when they run: together first (which fails), then one by one
    scheduling.run_due(now, 10)

    # then nothing the failed batch wrote is left, the others ran on their own, once
    assert numbers(handlers.TOGETHER) == []
    assert numbers(handlers.RAN) == [0, 1]
    for item in items:
        item.refresh_from_db()
        assert item.state == DueItem.State.DONE
    failing.refresh_from_db()
    assert (failing.state, failing.attempts) == (DueItem.State.PENDING, 1)
    assert failing.due_at == now + scheduling.BACKOFF_BASE
    assert "this one cannot run" in failing.last_error


def test_schedule_many_keeps_the_first_row_of_a_key():
    first = schedule_numbers("test.record", range(1))[0]

    scheduling.schedule_many(
        [
            scheduling.Planned("test.record", clock.now(), first.key, {"number": 9}),
            scheduling.Planned("test.record", clock.now(), "test.record:new", {"number": 2}),
        ]
    )

    assert DueItem.objects.get(key=first.key).payload == {"number": 0}
    assert DueItem.objects.get(key="test.record:new").payload == {"number": 2}
