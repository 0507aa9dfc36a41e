"""Who sees which people: workspace scoping, hiring managers limited to their jobs' candidates."""

from __future__ import annotations

import pytest

from talentloop.accounts import permissions
from talentloop.accounts.domain import Role
from talentloop.core.errors import NotFound, PermissionDenied
from talentloop.people import queries
from talentloop.people.actions import ContactInput, do_add_contact_point, do_log_activity
from talentloop.people.domain import ActivityKind
from talentloop.people.models import Task
from talentloop.recruiting.actions import do_add_candidacy
from talentloop.testing.factories import JobFactory, PersonFactory

EVERYONE_SEERS = [Role.ADMIN, Role.RECRUITER, Role.COORDINATOR, Role.ANALYST]


@pytest.fixture
def world(personas):
    """A candidate on the hiring manager's job, one on another job, and a sourced lead."""
    ws = personas.workspace
    own_job = JobFactory(workspace=ws, hiring_manager=personas.hiring_manager)
    other_job = JobFactory(workspace=ws, hiring_manager=personas.recruiter)
    mine, theirs, lead = (PersonFactory(workspace=ws) for _ in range(3))
    do_add_candidacy(actor=personas.recruiter, person=mine, job=own_job)
    do_add_candidacy(actor=personas.recruiter, person=theirs, job=other_job)
    stranger = PersonFactory(workspace=personas.outsider.workspace)
    return {"mine": mine, "theirs": theirs, "lead": lead, "stranger": stranger}


@pytest.mark.parametrize("role", EVERYONE_SEERS)
def test_everyone_but_hiring_managers_sees_the_whole_workspace(personas, world, role):
    user = personas.by_role(role)
    seen = set(queries.visible_people(user))
    assert seen == {world["mine"], world["theirs"], world["lead"]}


def test_a_hiring_manager_sees_only_the_people_of_their_jobs(personas, world):
    hiring_manager = personas.hiring_manager
    assert list(queries.visible_people(hiring_manager)) == [world["mine"]]
    assert queries.access_person(hiring_manager, world["mine"].pk) == world["mine"]
    for hidden in ("theirs", "lead"):
        with pytest.raises(NotFound):
            queries.access_person(hiring_manager, world[hidden].pk)


@pytest.mark.parametrize("role", list(Role))
def test_a_person_of_another_workspace_is_not_found_never_forbidden(personas, world, role):
    user = personas.by_role(role)
    with pytest.raises(NotFound) as caught:
        queries.access_person(user, world["stranger"].pk)
    assert caught.value.status == 404
    with pytest.raises(NotFound):
        queries.person_detail(user, world["stranger"].pk)


def test_an_outsider_sees_none_of_this_workspace(personas, world):
    assert list(queries.visible_people(personas.outsider)) == [world["stranger"]]
    with pytest.raises(NotFound):
        queries.access_person(personas.outsider, world["mine"].pk)


def test_the_profile_lists_the_primary_contact_first(personas, world):
    person = world["lead"]
    for value in ("b@example.com", "a@example.com"):
        do_add_contact_point(
            actor=personas.recruiter, person=person, contact=ContactInput("email", value)
        )
    detail = queries.person_detail(personas.analyst, person.pk)
    assert [point.value for point in detail.contact_points.all()] == [
        "b@example.com",
        "a@example.com",
    ]
    assert detail.contact_points.all()[0].is_primary


def test_contact_points_activities_and_files_follow_the_persons_visibility(personas, world):
    # given a contact point and a note on a person the hiring manager may not see
    hidden = world["theirs"]
    point = do_add_contact_point(
        actor=personas.recruiter, person=hidden, contact=ContactInput("email", "t@example.com")
    )
    note = do_log_activity(
        actor=personas.recruiter, person=hidden, kind=ActivityKind.NOTE, body="x"
    )

    # then the hiring manager cannot reach either, while the analyst can
    with pytest.raises(NotFound):
        queries.access_contact_point(personas.hiring_manager, point.pk)
    with pytest.raises(NotFound):
        queries.access_activity(personas.hiring_manager, note.pk)
    assert queries.access_contact_point(personas.analyst, point.pk) == point
    assert queries.access_activity(personas.analyst, note.pk) == note


def test_the_timeline_is_newest_first_and_filterable(personas, world):
    person = world["mine"]  # already has an "added to job" entry
    note = do_log_activity(
        actor=personas.recruiter, person=person, kind=ActivityKind.NOTE, body="n"
    )
    entries = list(queries.timeline(personas.recruiter, person))
    assert entries[0] == note
    assert list(queries.timeline(personas.recruiter, person, kinds=["note"])) == [note]


def test_hiring_managers_see_only_their_own_tasks(personas, world):
    own = Task.objects.create(
        workspace=personas.workspace, title="Feedback", assignee=personas.hiring_manager
    )
    other = Task.objects.create(
        workspace=personas.workspace, title="Call", assignee=personas.recruiter
    )
    assert list(queries.visible_tasks(personas.hiring_manager)) == [own]
    assert set(queries.visible_tasks(personas.analyst)) == {own, other}
    with pytest.raises(NotFound):
        queries.access_task(personas.outsider, own.pk)


@pytest.mark.parametrize("role", [Role.ANALYST, Role.HIRING_MANAGER])
def test_readers_see_people_but_cannot_change_them(personas, world, role):
    user = personas.by_role(role)
    assert queries.visible_people(user).exists()
    with pytest.raises(PermissionDenied) as caught:
        permissions.require_write(user)
    assert caught.value.status == 403


def test_only_admins_and_recruiters_export_personal_data(personas):
    allowed = []
    for role in Role:
        try:
            permissions.require_export(personas.by_role(role))
        except PermissionDenied:
            continue
        allowed.append(role)
    assert allowed == [Role.ADMIN, Role.RECRUITER]


def test_hiring_managers_may_add_notes_but_analysts_may_not(personas):
    permissions.require_feedback(personas.hiring_manager)
    with pytest.raises(PermissionDenied):
        permissions.require_feedback(personas.analyst)


def test_salary_is_hidden_from_hiring_managers_unless_granted(personas):
    assert permissions.sees_salary(personas.analyst)
    assert not permissions.sees_salary(personas.hiring_manager)
    personas.hiring_manager.can_see_salary = True
    assert permissions.sees_salary(personas.hiring_manager)


def test_teammates_are_this_workspaces_active_users(personas):
    personas.coordinator.is_active = False
    personas.coordinator.save()
    names = set(queries.teammates(personas.admin))
    assert personas.coordinator not in names
    assert personas.outsider not in names
    assert personas.analyst in names
    with pytest.raises(NotFound):
        queries.access_teammate(personas.admin, personas.outsider.pk)
