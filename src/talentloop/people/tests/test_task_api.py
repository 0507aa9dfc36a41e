"""/tasks over REST: roles, scoping, filters, the task actions, bad input."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from talentloop.people import task_actions
from talentloop.people.models import Activity, Task
from talentloop.recruiting.tests.api_client import api_client_factory
from talentloop.testing.factories import PersonFactory

WRITERS = ["admin", "recruiter", "coordinator"]
READ_ONLY = ["hiring_manager", "analyst"]
NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def api_as():
    return api_client_factory()


@pytest.fixture
def person(personas):
    return PersonFactory(workspace=personas.workspace)


@pytest.fixture
def task(personas, person):
    return task_actions.do_create_task(
        actor=personas.recruiter,
        workspace=personas.workspace,
        title="Call back",
        assignee=personas.recruiter,
        person=person,
        due_at=NOW + dt.timedelta(days=1),
    )


def _ids(response):
    assert response.status_code == 200, response.json()
    return [item["id"] for item in response.json()["items"]]


@pytest.mark.parametrize("role", ["admin", "recruiter", "coordinator", "analyst"])
def test_workspace_members_read_tasks(personas, api_as, task, role):
    api = api_as(getattr(personas, role))
    assert _ids(api.get("/tasks")) == [task.pk]
    assert api.get(f"/tasks/{task.pk}").json()["title"] == "Call back"


def test_hiring_manager_sees_only_their_own_tasks(personas, api_as, task):
    # given
    own = task_actions.do_create_task(
        actor=personas.admin,
        workspace=personas.workspace,
        title="Give feedback",
        assignee=personas.hiring_manager,
    )
    api = api_as(personas.hiring_manager)

    # then
    assert _ids(api.get("/tasks")) == [own.pk]
    assert api.get(f"/tasks/{task.pk}").status_code == 404


def test_outsider_gets_nothing(personas, api_as, task):
    api = api_as(personas.outsider)
    assert _ids(api.get("/tasks")) == []
    assert api.get(f"/tasks/{task.pk}").status_code == 404
    assert api.post(f"/tasks/{task.pk}/complete").status_code == 404
    assert api.delete(f"/tasks/{task.pk}").status_code == 404
    assert Task.objects.filter(pk=task.pk, completed_at__isnull=True).exists()


@pytest.mark.parametrize("role", WRITERS)
def test_writers_run_the_whole_task_lifecycle(personas, api_as, person, role):
    # given
    api = api_as(getattr(personas, role))

    # when
    with time_machine.travel(NOW, tick=False):
        created = api.post(
            "/tasks",
            {"title": "Send offer", "person_id": person.pk, "due_at": "2026-03-03T10:00:00Z"},
        )
        task_id = created.json()["id"]
        patched = api.patch(f"/tasks/{task_id}", {"kind": "email", "description": "Draft ready"})
        snoozed = api.post(f"/tasks/{task_id}/snooze", {"until": "2026-03-02T15:00:00Z"})
        reassigned = api.post(
            f"/tasks/{task_id}/reassign", {"assignee_id": personas.coordinator.pk}
        )
        completed = api.post(f"/tasks/{task_id}/complete")
        reopened = api.post(f"/tasks/{task_id}/reopen")
        deleted = api.delete(f"/tasks/{task_id}")

    # then
    assert created.status_code == 201
    assert created.json()["assignee_id"] == personas.by_role(role).pk
    assert patched.json()["kind"] == "email"
    assert snoozed.json()["snoozed_until"].startswith("2026-03-02T15:00")
    assert reassigned.json()["assignee_id"] == personas.coordinator.pk
    assert completed.json()["completed_at"].startswith("2026-03-02T09:00")
    assert reopened.json()["completed_at"] is None
    assert deleted.status_code == 204
    assert Activity.objects.filter(person=person, kind="task").count() == 1


@pytest.mark.parametrize("role", READ_ONLY)
def test_read_only_roles_cannot_touch_tasks(personas, api_as, task, role):
    # given
    api = api_as(getattr(personas, role))
    own = task_actions.do_create_task(
        actor=personas.admin,
        workspace=personas.workspace,
        title="Mine",
        assignee=personas.by_role(role),
    )
    path = f"/tasks/{own.pk}"

    # when
    responses = [
        api.post("/tasks", {"title": "x"}),
        api.patch(path, {"title": "y"}),
        api.post(f"{path}/complete"),
        api.post(f"{path}/reopen"),
        api.post(f"{path}/snooze", {"until": "2099-01-01T00:00:00Z"}),
        api.post(f"{path}/reassign", {"assignee_id": personas.admin.pk}),
        api.delete(path),
    ]

    # then
    assert [response.status_code for response in responses] == [403] * 7
    own.refresh_from_db()
    assert (own.title, own.completed_at) == ("Mine", None)


def test_completing_from_the_api_logs_on_the_person_timeline(personas, api_as, person, task):
    # when
    api_as(personas.coordinator).post(f"/tasks/{task.pk}/complete")

    # then
    [activity] = Activity.objects.filter(person=person, kind="task")
    assert activity.actor == personas.coordinator


def test_filters(personas, api_as, person):
    # given
    with time_machine.travel(NOW, tick=False):
        overdue = task_actions.do_create_task(
            actor=personas.admin,
            workspace=personas.workspace,
            title="Late",
            assignee=personas.admin,
            due_at=NOW - dt.timedelta(days=1),
        )
        later = task_actions.do_create_task(
            actor=personas.admin,
            workspace=personas.workspace,
            title="Later",
            assignee=personas.recruiter,
            person=person,
            due_at=NOW + dt.timedelta(days=7),
        )
        done = task_actions.do_create_task(
            actor=personas.admin,
            workspace=personas.workspace,
            title="Done",
            assignee=personas.admin,
        )
        task_actions.do_complete_task(actor=personas.admin, task=done)
        api = api_as(personas.admin)

        # when / then
        assert _ids(api.get("/tasks", mine="true")) == [overdue.pk, done.pk]
        assert _ids(api.get("/tasks", assignee_id=personas.recruiter.pk)) == [later.pk]
        assert _ids(api.get("/tasks", status="overdue")) == [overdue.pk]
        assert _ids(api.get("/tasks", status="done")) == [done.pk]
        assert _ids(api.get("/tasks", status="open")) == [overdue.pk, later.pk]
        assert _ids(api.get("/tasks", person_id=person.pk)) == [later.pk]
        assert _ids(api.get("/tasks", due_before="2026-03-05T00:00:00Z")) == [overdue.pk]
        assert _ids(api.get("/tasks", sort="-due_at")) == [later.pk, overdue.pk, done.pk]


@pytest.mark.parametrize(
    ("params", "field"),
    [({"status": "someday"}, "status"), ({"due_before": "tomorrow"}, "due_before")],
)
def test_bad_filters_are_422(personas, api_as, params, field):
    response = api_as(personas.admin).get("/tasks", **params)
    assert response.status_code == 422
    assert field in response.json()["error"]["fields"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "title"),
        ({"title": ""}, "title"),
        ({"title": "x", "kind": "juggle"}, "kind"),
        ({"title": "x", "due_at": "next week"}, "due_at"),
        ({"title": "x", "assignee_id": "OUTSIDER"}, "assignee_id"),
        ({"title": "x", "person_id": "FOREIGN_PERSON"}, "person_id"),
        ({"title": "x", "priority": "high"}, "priority"),
    ],
)
def test_bad_task_input_is_422(personas, api_as, body, field):
    # given
    values = {
        "OUTSIDER": personas.outsider.pk,
        "FOREIGN_PERSON": PersonFactory(workspace=personas.outsider.workspace).pk,
    }
    payload = {name: values.get(value, value) for name, value in body.items()}

    # when
    response = api_as(personas.recruiter).post("/tasks", payload)

    # then
    assert response.status_code == 422
    assert field in response.json()["error"]["fields"]
    assert not Task.objects.exists()


def test_snooze_into_the_past_is_422(personas, api_as, task):
    response = api_as(personas.recruiter).post(
        f"/tasks/{task.pk}/snooze", {"until": "2000-01-01T00:00:00Z"}
    )
    assert response.status_code == 422
    assert "until" in response.json()["error"]["fields"]


def test_snoozing_a_done_task_is_409(personas, api_as, task):
    api = api_as(personas.recruiter)
    api.post(f"/tasks/{task.pk}/complete")
    response = api.post(f"/tasks/{task.pk}/snooze", {"until": "2099-01-01T00:00:00Z"})
    assert response.status_code == 409


def test_reassign_to_an_outsider_is_422(personas, api_as, task):
    response = api_as(personas.recruiter).post(
        f"/tasks/{task.pk}/reassign", {"assignee_id": personas.outsider.pk}
    )
    assert response.status_code == 422
    assert "assignee_id" in response.json()["error"]["fields"]
    task.refresh_from_db()
    assert task.assignee == personas.recruiter


def test_patch_cannot_blank_the_title(personas, api_as, task):
    response = api_as(personas.recruiter).patch(f"/tasks/{task.pk}", {"title": None})
    assert response.status_code == 422
    assert "title" in response.json()["error"]["fields"]


def test_a_due_date_beyond_the_calendar_is_422(personas, api_as):
    response = api_as(personas.recruiter).post(
        "/tasks", {"title": "x", "due_at": "9999-12-31T23:59:59-10:00"}
    )
    assert response.status_code == 422
    assert "due_at" in response.json()["error"]["fields"]
