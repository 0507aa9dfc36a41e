"""Tasks: create, edit, complete (with a timeline entry), reopen, snooze, reassign, delete."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from talentloop.core.errors import Conflict, ValidationFailed
from talentloop.core.models import Event
from talentloop.people import task_actions
from talentloop.people.models import Activity, Task
from talentloop.testing.factories import PersonFactory

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def _events(verb: str) -> list[Event]:
    return list(Event.objects.filter(verb=verb).order_by("id"))


@pytest.fixture
def person(personas):
    return PersonFactory(workspace=personas.workspace, first_name="Ada", last_name="Lovelace")


@pytest.fixture
def task(personas, person):
    return task_actions.do_create_task(
        actor=personas.recruiter,
        workspace=personas.workspace,
        title="Call Ada about the offer",
        assignee=personas.coordinator,
        person=person,
        due_at=NOW + dt.timedelta(days=1),
    )


def test_create_task_records_ids_only(personas, person, task):
    # then
    task.refresh_from_db()
    assert (task.assignee, task.created_by, task.person) == (
        personas.coordinator,
        personas.recruiter,
        person,
    )
    [event] = _events("task.created")
    assert event.data == {"person_id": person.pk, "assignee_id": personas.coordinator.pk}
    assert "Ada" not in str(event.data)


def test_assignee_must_belong_to_the_workspace(personas):
    # when
    with pytest.raises(ValidationFailed) as caught:
        task_actions.do_create_task(
            actor=personas.admin,
            workspace=personas.workspace,
            title="Follow up",
            assignee=personas.outsider,
        )

    # then
    assert "assignee_id" in caught.value.fields
    assert not Task.objects.exists()


def test_task_needs_a_title_and_a_known_kind(personas):
    with pytest.raises(ValidationFailed) as caught:
        task_actions.do_create_task(
            actor=personas.admin,
            workspace=personas.workspace,
            title="  ",
            kind="juggle",
            assignee=personas.admin,
        )
    assert set(caught.value.fields) == {"title", "kind"}


def test_person_from_another_workspace_is_refused(personas):
    # given
    stranger = PersonFactory(workspace=personas.outsider.workspace)

    # when / then
    with pytest.raises(ValidationFailed) as caught:
        task_actions.do_create_task(
            actor=personas.admin,
            workspace=personas.workspace,
            title="x",
            assignee=personas.admin,
            person=stranger,
        )
    assert "person_id" in caught.value.fields


def test_update_task_records_changed_fields(personas, task):
    # when
    task_actions.do_update_task(
        actor=personas.admin, task=task, fields={"title": "Call Ada", "kind": "call"}
    )

    # then
    task.refresh_from_db()
    assert (task.title, task.kind) == ("Call Ada", "call")
    [event] = _events("task.updated")
    assert set(event.changed_fields) == {"title", "kind"}
    assert "Ada" not in str(event.data)


def test_completing_a_task_about_a_person_logs_it_on_their_timeline(personas, person, task):
    # when
    with time_machine.travel(NOW, tick=False):
        task_actions.do_complete_task(actor=personas.coordinator, task=task)

    # then
    task.refresh_from_db()
    assert task.completed_at == NOW
    [activity] = Activity.objects.filter(person=person, kind="task")
    assert activity.actor == personas.coordinator
    assert activity.data == {"task_id": task.pk}
    assert len(_events("task.completed")) == 1


def test_completing_twice_logs_once(personas, person, task):
    # when
    task_actions.do_complete_task(actor=personas.admin, task=task)
    task_actions.do_complete_task(actor=personas.admin, task=task)

    # then
    assert Activity.objects.filter(person=person, kind="task").count() == 1
    assert len(_events("task.completed")) == 1


def test_completing_a_task_without_a_person_logs_no_activity(personas):
    # given
    task = task_actions.do_create_task(
        actor=personas.admin, workspace=personas.workspace, title="Plan", assignee=personas.admin
    )

    # when
    task_actions.do_complete_task(actor=personas.admin, task=task)

    # then
    assert not Activity.objects.exists()


def test_reopen_puts_a_done_task_back(personas, task):
    # given
    task_actions.do_complete_task(actor=personas.admin, task=task)

    # when
    task = task_actions.do_reopen_task(actor=personas.admin, task=task)

    # then
    task.refresh_from_db()
    assert task.completed_at is None
    assert len(_events("task.reopened")) == 1


def test_snooze_until_a_future_time(personas, task):
    # when
    with time_machine.travel(NOW, tick=False):
        task_actions.do_snooze_task(
            actor=personas.admin, task=task, until=NOW + dt.timedelta(hours=3)
        )

    # then
    task.refresh_from_db()
    assert task.snoozed_until == NOW + dt.timedelta(hours=3)
    assert _events("task.snoozed")[0].changed_fields == ["snoozed_until"]


def test_snooze_into_the_past_is_refused(personas, task):
    with time_machine.travel(NOW, tick=False), pytest.raises(ValidationFailed) as caught:
        task_actions.do_snooze_task(
            actor=personas.admin, task=task, until=NOW - dt.timedelta(minutes=1)
        )
    assert "until" in caught.value.fields
    task.refresh_from_db()
    assert task.snoozed_until is None


def test_snoozing_a_done_task_is_a_conflict(personas, task):
    # given
    task_actions.do_complete_task(actor=personas.admin, task=task)

    # when / then
    with pytest.raises(Conflict):
        task_actions.do_snooze_task(
            actor=personas.admin, task=task, until=dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
        )


def test_reassign_records_previous_assignee(personas, task):
    # when
    task_actions.do_reassign_task(actor=personas.admin, task=task, assignee=personas.recruiter)

    # then
    task.refresh_from_db()
    assert task.assignee == personas.recruiter
    [event] = _events("task.reassigned")
    assert event.data["previous_assignee_id"] == personas.coordinator.pk


def test_reassign_to_an_outsider_is_refused(personas, task):
    with pytest.raises(ValidationFailed):
        task_actions.do_reassign_task(actor=personas.admin, task=task, assignee=personas.outsider)
    task.refresh_from_db()
    assert task.assignee == personas.coordinator


def test_delete_task(personas, task):
    # given
    task_id = task.pk

    # when
    task_actions.do_delete_task(actor=personas.admin, task=task)

    # then
    assert not Task.objects.exists()
    assert _events("task.deleted")[0].subject_id == task_id
