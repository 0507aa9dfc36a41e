from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction

from talentloop.core import clock, scheduling
from talentloop.core.models import DueItem, Event
from talentloop.core.tests import due_handlers_for_tests as handlers
from talentloop.testing.factories import WorkspaceFactory

pytestmark = pytest.mark.django_db


def ran_numbers() -> list[int]:
    return list(
        Event.objects.filter(verb=handlers.RAN).order_by("id").values_list("subject_id", flat=True)
    )


def schedule(kind: str, key: str, *, minutes: int = 0, number: int = 1, **extra) -> DueItem:
    return scheduling.schedule(
        kind,
        due_at=clock.now() + timedelta(minutes=minutes),
        key=key,
        payload={"number": number},
        workspace=WorkspaceFactory(),
        **extra,
    )


def test_scheduling_the_same_key_twice_keeps_the_first_row():
    # given an item scheduled under a key
    first = schedule("test.record", "k-1", minutes=5, number=1)

    # when the same key is scheduled again with other values
    again = scheduling.schedule("test.record", due_at=clock.now(), key="k-1", payload={"number": 2})

    # then nothing changed: one row, first due time and payload
    assert again.pk == first.pk
    assert DueItem.objects.count() == 1
    assert again.payload == {"number": 1}
    assert again.due_at == first.due_at


def test_run_due_runs_only_what_is_due_and_each_once():
    # given one item due now and one due in an hour
    schedule("test.record", "now", number=1)
    later = schedule("test.record", "later", minutes=60, number=2)

    # when the scheduler ticks twice now
    first_tick = scheduling.run_due(clock.now(), 10)
    second_tick = scheduling.run_due(clock.now(), 10)

    # then only the due item ran, once, and the other waits
    assert (first_tick, second_tick) == (1, 0)
    assert ran_numbers() == [1]
    assert DueItem.objects.get(key="now").state == DueItem.State.DONE
    later.refresh_from_db()
    assert later.state == DueItem.State.PENDING

    # and it runs once its time has come
    assert scheduling.run_due(clock.now() + timedelta(hours=1), 10) == 1
    assert ran_numbers() == [1, 2]


def test_run_due_respects_the_limit_in_due_order():
    for number in (3, 1, 2):
        schedule("test.record", f"k-{number}", minutes=-number, number=number)

    assert scheduling.run_due(clock.now(), 2) == 2
    assert ran_numbers() == [3, 2]


def test_a_failing_handler_rolls_back_its_writes_and_retries_with_backoff():
    # given an item whose handler writes a row and then fails
    item = schedule("test.flaky", "flaky", number=7)
    now = clock.now()

    # when it runs
    scheduling.run_due(now, 10)

    # then its write was rolled back and it waits for its backoff, with the error kept
    item.refresh_from_db()
    assert ran_numbers() == []
    assert item.state == DueItem.State.PENDING
    assert item.attempts == 1
    assert item.due_at == now + scheduling.BACKOFF_BASE
    assert "temporary trouble" in item.last_error
    # and it is not run again before then
    assert scheduling.run_due(now + timedelta(seconds=29), 10) == 0


def test_backoff_doubles_and_is_capped():
    assert [scheduling.backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert scheduling.backoff(50) == scheduling.BACKOFF_CAP


def test_an_item_fails_for_good_after_its_last_attempt_and_the_owner_hears_of_it():
    # given a flaky item allowed two attempts
    item = schedule("test.flaky", "flaky-2", max_attempts=2)
    handlers.GAVE_UP.clear()

    # when both attempts fail
    scheduling.run_due(clock.now(), 10)
    scheduling.run_due(clock.now() + timedelta(hours=2), 10)

    # then it is failed, not retried again, and the give-up hook ran once
    item.refresh_from_db()
    assert item.state == DueItem.State.FAILED
    assert item.attempts == 2
    assert scheduling.run_due(clock.now() + timedelta(days=1), 10) == 0
    assert [(item.pk, item.last_error)] == handlers.GAVE_UP


def test_a_permanent_failure_is_not_retried():
    item = schedule("test.refuse", "refuse")

    scheduling.run_due(clock.now(), 10)

    item.refresh_from_db()
    assert item.state == DueItem.State.FAILED
    assert item.attempts == 1
    assert "the record is gone" in item.last_error


def test_an_unknown_kind_waits_for_a_handler_instead_of_being_lost():
    item = schedule("test.nobody-handles-this", "orphan")

    scheduling.run_due(clock.now(), 10)

    item.refresh_from_db()
    assert item.state == DueItem.State.PENDING
    assert "no handler registered" in item.last_error


def test_a_claim_abandoned_by_a_dead_worker_is_taken_again_after_its_lease():
    # given an item claimed by a worker that died before running it
    item = schedule("test.record", "abandoned", number=5)
    now = clock.now()
    DueItem.objects.filter(pk=item.pk).update(
        state=DueItem.State.RUNNING,
        claimed_by="dead-worker:x",
        claimed_until=now + scheduling.lease(),
        attempts=1,
    )

    # when the scheduler ticks before and after the lease runs out
    before = scheduling.run_due(now + timedelta(seconds=1), 10)
    after = scheduling.run_due(now + scheduling.lease() + timedelta(seconds=1), 10)

    # then only the second tick ran it, once
    assert (before, after) == (0, 1)
    assert ran_numbers() == [5]
    item.refresh_from_db()
    assert item.state == DueItem.State.DONE
    assert item.attempts == 2


def test_an_item_abandoned_more_often_than_allowed_fails():
    item = schedule("test.record", "crashy", max_attempts=3)
    DueItem.objects.filter(pk=item.pk).update(
        state=DueItem.State.RUNNING, claimed_by="dead:x", claimed_until=clock.now(), attempts=3
    )

    scheduling.run_due(clock.now() + timedelta(seconds=1), 10)

    item.refresh_from_db()
    assert item.state == DueItem.State.FAILED
    assert ran_numbers() == []


def test_cancel_stops_pending_items_only():
    done = schedule("test.record", "rec:1:done", number=1)
    scheduling.run_due(clock.now(), 10)
    schedule("test.record", "rec:1:a", minutes=5)
    schedule("test.record", "rec:1:b", minutes=5)
    other = schedule("test.record", "rec:2:a", minutes=5)

    assert scheduling.cancel_prefix("rec:1:") == 2
    assert scheduling.cancel("rec:2:a") is True
    assert scheduling.cancel("rec:2:a") is False

    done.refresh_from_db()
    other.refresh_from_db()
    assert done.state == DueItem.State.DONE
    assert other.state == DueItem.State.CANCELLED
    assert scheduling.run_due(clock.now() + timedelta(hours=1), 10) == 0


def test_retry_gives_a_failed_item_fresh_attempts():
    item = schedule("test.refuse", "retry-me")
    scheduling.run_due(clock.now(), 10)

    assert scheduling.retry(item) is True
    item.refresh_from_db()
    assert (item.state, item.attempts) == (DueItem.State.PENDING, 0)


def test_scheduling_inside_a_rolled_back_transaction_leaves_nothing():
    def schedule_then_fail() -> None:
        with transaction.atomic():
            schedule("test.record", "rolled-back")
            raise RuntimeError("abort")

    with pytest.raises(RuntimeError):
        schedule_then_fail()

    assert not DueItem.objects.filter(key="rolled-back").exists()
