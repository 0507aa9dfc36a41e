"""Tasks: created from a profile, worked through in the inbox, shown on the dashboard."""

from __future__ import annotations

from datetime import timedelta

import pytest

from talentloop.accounts.domain import Role
from talentloop.conftest import Personas
from talentloop.core import clock
from talentloop.people.models import Task
from talentloop.people.task_actions import do_create_task
from talentloop.ui.tests.conftest import Scene, client_for

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def _task(personas: Personas, scene: Scene, **extra: object) -> Task:
    return do_create_task(  # type: ignore[arg-type]
        actor=personas.recruiter,
        workspace=personas.workspace,
        title="Call Ada back",
        assignee=personas.recruiter,
        person=scene.candidate,
        **extra,
    )


def test_create_a_task_from_the_profile(personas: Personas, scene: Scene) -> None:
    # when
    response = client_for(personas.recruiter).post(
        f"/people/{scene.candidate.pk}/tasks/",
        {"title": "Send the offer pack", "assignee": personas.coordinator.pk},
        **HTMX,
    )

    # then
    assert response.status_code == 200
    task = Task.objects.get(title="Send the offer pack")
    assert task.assignee == personas.coordinator
    assert task.person == scene.candidate


def test_task_without_a_title_shows_an_inline_error(personas: Personas, scene: Scene) -> None:
    response = client_for(personas.recruiter).post(
        f"/people/{scene.candidate.pk}/tasks/",
        {"title": "", "assignee": personas.recruiter.pk},
        **HTMX,
    )

    assert response.status_code == 422
    assert b'id="task_title_error"' in response.content


def test_inbox_lists_my_open_tasks_and_the_dashboard_shows_overdue(
    personas: Personas, scene: Scene
) -> None:
    # given
    _task(personas, scene, due_at=clock.now() - timedelta(days=1))
    client = client_for(personas.recruiter)

    # when
    inbox = client.get("/tasks/")
    dashboard = client.get("/")

    # then
    assert b"Call Ada back" in inbox.content
    assert b"Call Ada back" in dashboard.content
    assert b"1 overdue" in dashboard.content


def test_complete_snooze_and_reassign(personas: Personas, scene: Scene) -> None:
    # given
    client = client_for(personas.recruiter)
    done, snoozed, handed = (_task(personas, scene) for _ in range(3))

    # when
    completed = client.post(f"/tasks/{done.pk}/complete/", **HTMX)
    snoozing = client.post(f"/tasks/{snoozed.pk}/snooze/", {"for": "1d"}, **HTMX)
    reassigned = client.post(
        f"/tasks/{handed.pk}/reassign/", {"assignee": personas.coordinator.pk}, **HTMX
    )

    # then
    assert completed.status_code == snoozing.status_code == reassigned.status_code == 200
    done.refresh_from_db()
    snoozed.refresh_from_db()
    handed.refresh_from_db()
    assert done.completed_at is not None
    assert snoozed.snoozed_until is not None
    assert snoozed.snoozed_until > clock.now()
    assert handed.assignee == personas.coordinator
    assert b"Call Ada back" not in client.get("/tasks/").content
    assert b"Call Ada back" in client.get("/tasks/?tab=snoozed").content


@pytest.mark.parametrize("role", [Role.ANALYST, Role.HIRING_MANAGER])
def test_read_only_roles_cannot_change_tasks(personas: Personas, scene: Scene, role: Role) -> None:
    task = _task(personas, scene)

    response = client_for(personas.by_role(role)).post(f"/tasks/{task.pk}/complete/", **HTMX)

    assert response.status_code == 403
    task.refresh_from_db()
    assert task.completed_at is None


def test_other_workspaces_tasks_answer_404(personas: Personas, scene: Scene) -> None:
    task = _task(personas, scene)

    response = client_for(personas.outsider).post(f"/tasks/{task.pk}/complete/", **HTMX)

    assert response.status_code == 404
