"""Who sees which jobs, pools and candidacies."""

from __future__ import annotations

import pytest

from talentloop.accounts import permissions
from talentloop.accounts.domain import Role
from talentloop.core.errors import NotFound, PermissionDenied
from talentloop.recruiting import queries
from talentloop.recruiting.actions import (
    do_add_candidacy,
    do_create_pool,
    do_hire_candidacy,
    do_reject_candidacy,
)
from talentloop.recruiting.models import RejectionReason
from talentloop.testing.factories import JobFactory, PersonFactory

EVERYONE_SEERS = [Role.ADMIN, Role.RECRUITER, Role.COORDINATOR, Role.ANALYST]


@pytest.fixture
def world(personas):
    ws = personas.workspace
    own_job = JobFactory(workspace=ws, hiring_manager=personas.hiring_manager)
    other_job = JobFactory(workspace=ws, hiring_manager=None)
    mine = do_add_candidacy(
        actor=personas.recruiter, person=PersonFactory(workspace=ws), job=own_job
    )
    theirs = do_add_candidacy(
        actor=personas.recruiter, person=PersonFactory(workspace=ws), job=other_job
    )
    pool = do_create_pool(actor=personas.recruiter, workspace=ws, name="Silver medallists")
    pooled = do_add_candidacy(
        actor=personas.recruiter, person=PersonFactory(workspace=ws), pool=pool
    )
    foreign_job = JobFactory(workspace=personas.outsider.workspace)
    foreign = do_add_candidacy(
        actor=personas.outsider,
        person=PersonFactory(workspace=personas.outsider.workspace),
        job=foreign_job,
    )
    return {
        "own_job": own_job,
        "other_job": other_job,
        "mine": mine,
        "theirs": theirs,
        "pool": pool,
        "pooled": pooled,
        "foreign_job": foreign_job,
        "foreign": foreign,
    }


@pytest.mark.parametrize("role", EVERYONE_SEERS)
def test_everyone_but_hiring_managers_sees_every_job_pool_and_candidacy(personas, world, role):
    user = personas.by_role(role)
    assert set(queries.visible_jobs(user)) == {world["own_job"], world["other_job"]}
    assert set(queries.visible_candidacies(user)) == {
        world["mine"],
        world["theirs"],
        world["pooled"],
    }
    assert list(queries.visible_pools(user)) == [world["pool"]]


def test_a_hiring_manager_sees_only_their_jobs_and_their_candidates(personas, world):
    hiring_manager = personas.hiring_manager
    assert list(queries.visible_jobs(hiring_manager)) == [world["own_job"]]
    assert list(queries.visible_candidacies(hiring_manager)) == [world["mine"]]
    assert not queries.visible_pools(hiring_manager).exists()
    assert queries.access_candidacy(hiring_manager, world["mine"].pk) == world["mine"]
    for hidden in ("theirs", "pooled"):
        with pytest.raises(NotFound):
            queries.access_candidacy(hiring_manager, world[hidden].pk)
    with pytest.raises(NotFound):
        queries.access_job(hiring_manager, world["other_job"].pk)
    with pytest.raises(NotFound):
        queries.access_pool(hiring_manager, world["pool"].pk)


@pytest.mark.parametrize("role", list(Role))
def test_another_workspaces_records_are_not_found(personas, world, role):
    user = personas.by_role(role)
    foreign = world["foreign"]
    for access, record_id in [
        (queries.access_job, world["foreign_job"].pk),
        (queries.access_candidacy, foreign.pk),
        (queries.access_stage, foreign.stage_id),
        (queries.access_pipeline, world["foreign_job"].pipeline_id),
        (
            queries.access_reason,
            RejectionReason.objects.filter(workspace=personas.outsider.workspace)[0].pk,
        ),
    ]:
        with pytest.raises(NotFound) as caught:
            access(user, record_id)
        assert caught.value.status == 404


def test_job_counts_split_open_and_hired(personas, world):
    # given a second candidate on the job who is hired, and a third who is rejected
    job = world["own_job"]
    hired = do_add_candidacy(
        actor=personas.recruiter, person=PersonFactory(workspace=personas.workspace), job=job
    )
    hired = do_hire_candidacy(actor=personas.recruiter, candidacy=hired)
    rejected = do_add_candidacy(
        actor=personas.recruiter, person=PersonFactory(workspace=personas.workspace), job=job
    )
    reason = RejectionReason.objects.filter(workspace=personas.workspace, kind="rejected").first()
    do_reject_candidacy(actor=personas.recruiter, candidacy=rejected, reason=reason)

    # when / then
    counted = queries.jobs_with_counts(personas.analyst).get(pk=job.pk)
    assert (counted.open_count, counted.hired_count, counted.total_count) == (1, 1, 3)

    # and the board shows open and hired cards by stage, never rejected ones
    columns = queries.board(personas.hiring_manager, job)
    shown = [card for cards in columns.values() for card in cards]
    assert set(shown) == {world["mine"], hired}
    assert columns[hired.stage_id] == [hired]


def test_stage_history_is_in_order(personas, world):
    history = list(queries.stage_history(world["mine"]))
    assert [stay.stage.key for stay in history] == ["sourced"]


def test_pipelines_and_reasons_are_this_workspaces_only(personas, world):
    names = {pipeline.name for pipeline in queries.pipelines(personas.admin)}
    assert names == {"Standard hiring", "Talent pool"}
    reasons = queries.rejection_reasons(personas.admin)
    assert {reason.workspace_id for reason in reasons} == {personas.workspace.pk}


@pytest.mark.parametrize("role", [Role.ANALYST, Role.HIRING_MANAGER])
def test_readers_see_jobs_but_cannot_change_them(personas, world, role):
    user = personas.by_role(role)
    assert queries.visible_jobs(user).exists()
    with pytest.raises(PermissionDenied):
        permissions.require_write(user)


@pytest.mark.parametrize("role", [Role.ADMIN, Role.RECRUITER, Role.COORDINATOR])
def test_writers_may_change_jobs(personas, role):
    permissions.require_write(personas.by_role(role))


def test_only_admins_administer(personas):
    permissions.require_admin(personas.admin)
    for role in (Role.RECRUITER, Role.COORDINATOR, Role.HIRING_MANAGER, Role.ANALYST):
        with pytest.raises(PermissionDenied):
            permissions.require_admin(personas.by_role(role))
