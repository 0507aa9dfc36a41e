from __future__ import annotations

import pytest
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from talentloop.core import events as events_module
from talentloop.core.events import (
    dispatch_pending,
    record_event,
    recorded_together,
    register_batch_consumer,
    register_consumer,
)
from talentloop.core.models import Event
from talentloop.core.worker import TaskLoop
from talentloop.people.actions import do_create_person, do_update_person


@pytest.mark.django_db(transaction=True)
def test_rolled_back_action_leaves_no_event(personas):
    # given a person creation inside a transaction that then fails
    def create_then_fail():
        with transaction.atomic():
            do_create_person(
                actor=personas.admin, workspace=personas.workspace, fields={"first_name": "Ada"}
            )
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        create_then_fail()

    # then no event survived the rollback
    assert not Event.objects.filter(verb="person.created").exists()


@pytest.mark.django_db
def test_dispatch_hands_each_event_to_consumers_once(personas):
    seen: list[int] = []
    register_consumer(lambda event: seen.append(event.pk))
    person = do_create_person(
        actor=personas.admin, workspace=personas.workspace, fields={"first_name": "Ada"}
    )

    dispatch_pending()
    dispatch_pending()

    event = Event.objects.get(verb="person.created", subject_id=person.pk)
    assert seen.count(event.pk) == 1
    assert event.dispatched_at is not None
    assert event.changed_fields == ["first_name"]
    assert "Ada" not in str(event.data)


@pytest.fixture
def own_consumers():
    """Consumers a test registers are removed again when it ends."""
    before = list(events_module._subscriptions)
    yield
    events_module._subscriptions[:] = before


@pytest.mark.django_db(transaction=True)
def test_a_committed_event_is_dispatched_by_the_worker_loop_not_a_queued_task(
    personas, settings, own_consumers
):
    # given the real database queue and a consumer
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    seen: list[int] = []
    register_consumer(lambda event: seen.append(event.pk), verbs={"person.created"})
    events_module.local_wake.clear()

    # when an action commits an event
    person = do_create_person(
        actor=personas.admin, workspace=personas.workspace, fields={"first_name": "Ada"}
    )

    # then nothing was queued for it, and one step of a worker loop hands it over
    event = Event.objects.get(verb="person.created", subject_id=person.pk)
    assert event.dispatched_at is None
    assert not DBTaskResult.objects.exists()
    assert events_module.local_wake.is_set()
    assert TaskLoop(worker_id="test-loop")._step() is True
    assert seen == [event.pk]
    event.refresh_from_db()
    assert event.dispatched_at is not None


@pytest.mark.django_db
def test_a_batch_consumer_gets_each_batch_of_the_verbs_it_asked_for(personas, own_consumers):
    batches: list[list[str]] = []
    register_batch_consumer(
        lambda events: batches.append([event.verb for event in events]), verbs={"person.updated"}
    )
    person = do_create_person(
        actor=personas.admin, workspace=personas.workspace, fields={"first_name": "Ada"}
    )
    do_update_person(actor=personas.admin, person=person, fields={"city": "Oslo"})
    do_update_person(actor=personas.admin, person=person, fields={"city": "Bergen"})

    dispatch_pending()
    dispatch_pending()

    assert batches == [["person.updated", "person.updated"]]


@pytest.mark.django_db
def test_events_recorded_together_are_written_at_once_each_naming_its_cause(personas):
    people = [
        do_create_person(actor=None, workspace=personas.workspace, fields={"first_name": name})
        for name in ("Ada", "Ken")
    ]
    causes = {("person", people[0].pk): "automation-run-1", ("person", people[1].pk): "run-2"}
    before = Event.objects.count()

    with recorded_together(causes):
        for person in people:
            record_event(workspace=personas.workspace, actor=None, verb="test.touched",
                         subject=person)  # fmt: skip
        # nothing is written until the block ends
        assert Event.objects.count() == before

    touched = Event.objects.filter(verb="test.touched").order_by("subject_id")
    assert [(e.subject_id, e.request_id) for e in touched] == [
        (people[0].pk, "automation-run-1"),
        (people[1].pk, "run-2"),
    ]
