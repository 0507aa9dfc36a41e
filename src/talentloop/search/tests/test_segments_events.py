"""Membership events through the real outbox: action → commit → dispatch → consumer → refresh."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.db import OperationalError, transaction

from talentloop.core import clock, scheduling
from talentloop.core.events import dispatch_pending
from talentloop.core.models import DueItem, Event
from talentloop.core.worker import start_embedded_worker
from talentloop.people import actions as people_actions
from talentloop.people.models import Person
from talentloop.recruiting import actions as recruiting_actions
from talentloop.search import actions, consumers, tasks
from talentloop.search.models import Segment, SegmentMembership
from talentloop.testing.factories import JobFactory, PersonFactory

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def entered(segment: Segment) -> list[int]:
    return sorted(
        event.data["person_id"]
        for event in Event.objects.filter(verb="segment.entered", subject_id=segment.pk)
    )


def left(segment: Segment) -> list[int]:
    return sorted(
        event.data["person_id"]
        for event in Event.objects.filter(verb="segment.left", subject_id=segment.pk)
    )


def wait_for(condition: Callable[[], bool], timeout: float = 90.0) -> None:
    """Poll until the condition holds; the timeout only guards against a hung test."""
    deadline = time.monotonic() + timeout
    while not _holds(condition):
        if time.monotonic() > deadline:
            raise AssertionError("condition not met before the timeout")
        time.sleep(0.05)


def _holds(condition: Callable[[], bool]) -> bool:
    # Why: in-memory SQLite (tests) answers "table is locked" instead of waiting while the
    # worker thread writes; that only means "look again".
    try:
        return condition()
    except OperationalError:
        return False


def segment_of(personas, query: str, name: str = "S") -> Segment:
    return actions.do_create_segment(
        actor=personas.recruiter, workspace=personas.workspace, name=name, query=query
    )


@pytest.mark.django_db(transaction=True)
def test_a_person_update_moves_them_in_and_out_through_the_outbox(personas):
    # given a Berlin segment and a Parisian
    person = PersonFactory(workspace=personas.workspace, city="Paris")
    segment = segment_of(personas, "city:Berlin")

    # when they move to Berlin, then back (each change commits and dispatches for real)
    people_actions.do_update_person(actor=personas.admin, person=person, fields={"city": "Berlin"})
    assert entered(segment) == [person.pk]
    people_actions.do_update_person(actor=personas.admin, person=person, fields={"city": "Rome"})

    # then one entered and one left event, never repeated by later dispatches
    dispatch_pending()
    assert entered(segment) == [person.pk]
    assert left(segment) == [person.pk]
    assert not SegmentMembership.objects.filter(segment=segment).exists()


@pytest.mark.django_db(transaction=True)
def test_contacts_tags_and_candidacies_each_reach_membership(personas):
    person: Person = PersonFactory(workspace=personas.workspace)  # type: ignore[assignment]
    job = JobFactory(workspace=personas.workspace, hiring_manager=personas.hiring_manager)
    emailable = segment_of(personas, "has:email", "Emailable")
    tagged = segment_of(personas, 'tag:"silver medal"', "Silver")
    in_job = segment_of(personas, f"job:{job.pk}", "In the job")

    people_actions.do_add_contact_point(
        actor=personas.admin,
        person=person,
        contact=people_actions.ContactInput(kind="email", value="ada@example.com"),
    )
    people_actions.do_tag_people(
        actor=personas.admin, workspace=personas.workspace, people=[person], names=["silver medal"]
    )
    recruiting_actions.do_add_candidacy(actor=personas.admin, person=person, job=job)

    assert entered(emailable) == [person.pk]
    assert entered(tagged) == [person.pk]
    assert entered(in_job) == [person.pk]


@pytest.mark.django_db(transaction=True)
def test_renaming_a_tag_re_evaluates_the_workspace(personas):
    person: Person = PersonFactory(workspace=personas.workspace)  # type: ignore[assignment]
    people_actions.do_tag_people(
        actor=personas.admin, workspace=personas.workspace, people=[person], names=["alumni"]
    )
    segment = segment_of(personas, "tag:boomerang")
    tag = person.tags.get()

    people_actions.do_update_tag(actor=personas.admin, tag=tag, name="boomerang")

    assert entered(segment) == [person.pk]


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_change_emits_nothing(personas):
    person = PersonFactory(workspace=personas.workspace, city="Paris")
    segment = segment_of(personas, "city:Berlin")

    def move_then_fail() -> None:
        with transaction.atomic():
            people_actions.do_update_person(
                actor=personas.admin, person=person, fields={"city": "Berlin"}
            )
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        move_then_fail()

    dispatch_pending()
    assert entered(segment) == []


@pytest.mark.django_db(transaction=True)
def test_the_worker_thread_delivers_membership_changes(settings, personas):
    # given the real database queue and the embedded worker thread
    settings.TASKS = DATABASE_QUEUE
    person = PersonFactory(workspace=personas.workspace, city="Paris")
    segment = segment_of(personas, "city:Berlin")
    # when a person moves to Berlin (the commit queues the dispatch in the database)
    people_actions.do_update_person(actor=personas.admin, person=person, fields={"city": "Berlin"})
    # Why start the worker only now: in-memory SQLite (tests) refuses a second writer outright
    # instead of waiting, so the test thread must not write while the worker does.
    worker = start_embedded_worker(interval=0.05)
    try:
        # then the worker dispatches the event, and the refresh it queues emits the change
        wait_for(lambda: entered(segment) == [person.pk])
    finally:
        worker.stop()
    assert SegmentMembership.objects.filter(segment=segment, person=person).exists()


@pytest.mark.django_db
def test_people_of_reads_subjects_and_ids_only():
    event = Event(subject_type="person", subject_id=5, data={"person_ids": [6, True, "7"]})
    assert consumers.people_of(event) == {5, 6}
    event = Event(subject_type="activity", subject_id=9, data={"person_id": 3})
    assert consumers.people_of(event) == {3}
    event = Event(subject_type="job", subject_id=9, data={})
    assert consumers.people_of(event) == set()


@pytest.mark.django_db
def test_the_periodic_sweep_chains_itself(settings, personas, django_capture_on_commit_callbacks):
    # given a segment whose member drifted out without any event
    settings.SEGMENT_REFRESH_SECONDS = 300
    now = clock.now()
    person = PersonFactory(workspace=personas.workspace, last_engaged_at=now - timedelta(days=80))
    segment = segment_of(personas, "last_engaged<90d")
    Person.objects.filter(pk=person.pk).update(last_engaged_at=now - timedelta(days=100))
    Segment.objects.filter(pk=segment.pk).update(last_evaluated_at=now - timedelta(minutes=10))

    # when the next sweep slot is scheduled and falls due
    item = tasks.ensure_sweep_scheduled(now)
    assert item is not None
    assert item.kind == tasks.SWEEP_KIND
    assert tasks.ensure_sweep_scheduled(now) == item  # idempotent within a slot
    assert now < item.due_at <= now + timedelta(seconds=300)
    with django_capture_on_commit_callbacks(execute=True):
        ran = scheduling.run_due(item.due_at + timedelta(seconds=1), 10)

    # then the segment was re-evaluated and the following slot is waiting
    assert ran == 1
    assert left(segment) == [person.pk]
    pending = DueItem.objects.filter(kind=tasks.SWEEP_KIND, state=DueItem.State.PENDING)
    assert [row.due_at for row in pending] == [item.due_at + timedelta(seconds=300)]


def test_the_sweep_can_be_switched_off(settings):
    settings.SEGMENT_REFRESH_SECONDS = 0
    assert tasks.refresh_interval() is None
    assert tasks.ensure_sweep_scheduled() is None
    settings.SEGMENT_REFRESH_SECONDS = 5
    assert tasks.refresh_interval() == timedelta(seconds=tasks.MIN_INTERVAL_S)


@pytest.mark.django_db(transaction=True)
def test_full_text_segments_see_the_reindexed_person(personas):
    # given a segment on words and someone whose headline does not say them yet
    person = PersonFactory(workspace=personas.workspace, headline="Accountant")
    segment = segment_of(personas, '"machine learning"')

    # when their headline changes (the consumer reindexes before it refreshes)
    people_actions.do_update_person(
        actor=personas.admin, person=person, fields={"headline": "Machine learning engineer"}
    )

    # then they entered
    assert entered(segment) == [person.pk]
