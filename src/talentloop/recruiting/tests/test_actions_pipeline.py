"""Pipelines, jobs and candidacies: stage history, closes, hires and refusals."""

from __future__ import annotations

from itertools import pairwise

import pytest

from talentloop.core.errors import Conflict, ValidationFailed
from talentloop.core.models import Event
from talentloop.people.models import Activity, Person
from talentloop.recruiting.actions import (
    default_pipeline,
    do_add_candidacy,
    do_close_candidacy,
    do_create_job,
    do_create_pipeline_template,
    do_create_pool,
    do_hire_candidacy,
    do_move_candidacy,
    do_reject_candidacy,
    do_reopen_candidacy,
    do_update_job,
    do_update_pipeline_template,
    next_stage,
    stage_specs_from_names,
)
from talentloop.recruiting.domain import Outcome, PipelineKind, StageCategory
from talentloop.recruiting.models import (
    Candidacy,
    Job,
    PipelineTemplate,
    RejectionReason,
    Stage,
    StageChange,
)
from talentloop.testing.factories import CompanyFactory, JobFactory, PersonFactory


@pytest.fixture
def job(personas):
    return JobFactory(workspace=personas.workspace, hiring_manager=personas.hiring_manager)


@pytest.fixture
def person(personas):
    return PersonFactory(workspace=personas.workspace)


@pytest.fixture
def candidacy(personas, job, person):
    return do_add_candidacy(actor=personas.recruiter, person=person, job=job)


def _stage(job: Job, key: str) -> Stage:
    return job.pipeline.stages.get(key=key)


def _reason(workspace, kind: str) -> RejectionReason:
    return RejectionReason.objects.filter(workspace=workspace, kind=kind).first()


# --- defaults ---------------------------------------------------------------------------------


def test_a_new_workspace_has_default_pipelines_and_reasons(workspace):
    job_pipeline = default_pipeline(workspace, PipelineKind.JOB)
    pool_pipeline = default_pipeline(workspace, PipelineKind.POOL)
    assert job_pipeline.is_default
    assert pool_pipeline.is_default
    assert list(job_pipeline.stages.values_list("key", flat=True)) == [
        "sourced",
        "contacted",
        "applied",
        "screening",
        "interview",
        "assessment",
        "offer",
        "hired",
    ]
    assert job_pipeline.stages.filter(category="hired").count() == 1
    assert pool_pipeline.stages.count() == 4
    assert set(
        RejectionReason.objects.filter(workspace=workspace).values_list("kind", flat=True)
    ) == {
        "rejected",
        "withdrawn",
    }


# --- add --------------------------------------------------------------------------------------


def test_adding_a_lead_to_a_job_starts_them_at_the_first_stage(personas, job, person):
    # when
    candidacy = do_add_candidacy(actor=personas.recruiter, person=person, job=job)

    # then they sit in "sourced" with one open stay, and they are now a candidate
    assert candidacy.stage.key == "sourced"
    assert candidacy.outcome == "open"
    assert candidacy.owner == personas.recruiter
    [stay] = StageChange.objects.filter(candidacy=candidacy)
    assert (stay.stage, stay.from_stage, stay.exited_at) == (candidacy.stage, None, None)
    assert Person.objects.get(pk=person.pk).lifecycle == "candidate"
    assert Activity.objects.filter(person=person, kind="stage_change").exists()
    event = Event.objects.get(verb="candidacy.created", subject_id=candidacy.pk)
    assert event.data["job_id"] == job.pk
    assert event.data["person_id"] == person.pk


def test_adding_to_a_pool_keeps_a_lead_a_lead(personas, person):
    pool = do_create_pool(actor=personas.recruiter, workspace=personas.workspace, name="Backend")
    candidacy = do_add_candidacy(actor=personas.recruiter, person=person, pool=pool)
    assert candidacy.stage.key == "new"
    assert Person.objects.get(pk=person.pk).lifecycle == "lead"


def test_adding_someone_twice_to_the_same_job_is_a_conflict(personas, job, person, candidacy):
    before = (Candidacy.objects.count(), StageChange.objects.count(), Event.objects.count())
    with pytest.raises(Conflict) as caught:
        do_add_candidacy(actor=personas.recruiter, person=person, job=job)
    assert caught.value.code == "already_added"
    assert (Candidacy.objects.count(), StageChange.objects.count(), Event.objects.count()) == before


def test_adding_needs_exactly_one_of_job_or_pool(personas, person):
    with pytest.raises(ValidationFailed):
        do_add_candidacy(actor=personas.recruiter, person=person)


def test_adding_at_a_stage_of_another_pipeline_or_at_hired_is_refused(personas, job, person):
    pool_stage = default_pipeline(personas.workspace, PipelineKind.POOL).stages.first()
    with pytest.raises(ValidationFailed) as wrong:
        do_add_candidacy(actor=personas.recruiter, person=person, job=job, stage=pool_stage)
    with pytest.raises(ValidationFailed) as hired:
        do_add_candidacy(
            actor=personas.recruiter, person=person, job=job, stage=_stage(job, "hired")
        )
    assert wrong.value.fields == {"stage_id": "wrong pipeline"}
    assert hired.value.fields == {"stage_id": "hired stage"}
    assert not Candidacy.objects.exists()


# --- move -------------------------------------------------------------------------------------


def test_moving_closes_the_open_stay_and_opens_the_next(personas, job, candidacy):
    # when the candidacy moves twice
    do_move_candidacy(
        actor=personas.recruiter, candidacy=candidacy, to_stage=_stage(job, "screening")
    )
    moved = do_move_candidacy(
        actor=personas.coordinator, candidacy=candidacy, to_stage=_stage(job, "interview")
    )

    # then history is a chain of stays: each exit is the next entry, only the last is open
    stays = list(StageChange.objects.filter(candidacy=candidacy).order_by("entered_at", "id"))
    assert [s.stage.key for s in stays] == ["sourced", "screening", "interview"]
    assert [s.from_stage.key if s.from_stage else None for s in stays] == [
        None,
        "sourced",
        "screening",
    ]
    for earlier, later in pairwise(stays):
        assert earlier.exited_at == later.entered_at
    assert stays[-1].exited_at is None
    assert moved.stage.key == "interview"
    assert Candidacy.objects.get(pk=candidacy.pk).stage_entered_at == stays[-1].entered_at
    event = Event.objects.filter(verb="candidacy.stage_changed").latest("id")
    assert event.changed_fields == ["stage"]
    assert event.actor == personas.coordinator


def test_moving_to_the_current_stage_changes_nothing(personas, job, candidacy):
    before = (StageChange.objects.count(), Event.objects.count())
    do_move_candidacy(actor=personas.recruiter, candidacy=candidacy, to_stage=candidacy.stage)
    assert (StageChange.objects.count(), Event.objects.count()) == before


def test_a_stage_of_another_pipeline_is_refused(personas, candidacy):
    other = do_create_pipeline_template(
        actor=personas.admin,
        workspace=personas.workspace,
        name="Engineering",
        kind=PipelineKind.JOB,
        stages=stage_specs_from_names(["Sourced", "Tech screen", "Hired"]),
    )
    with pytest.raises(ValidationFailed) as caught:
        do_move_candidacy(
            actor=personas.recruiter, candidacy=candidacy, to_stage=other.stages.first()
        )
    assert caught.value.fields == {"stage_id": "wrong pipeline"}
    assert Candidacy.objects.get(pk=candidacy.pk).stage.key == "sourced"


def test_next_stage_is_the_following_position(job, candidacy):
    assert next_stage(candidacy) == _stage(job, "contacted")


# --- close, reopen, hire ----------------------------------------------------------------------


def test_rejecting_needs_a_rejection_reason(personas, candidacy):
    withdrawn = _reason(personas.workspace, "withdrawn")
    with pytest.raises(ValidationFailed) as caught:
        do_reject_candidacy(actor=personas.recruiter, candidacy=candidacy, reason=withdrawn)
    assert "reason_id" in caught.value.fields
    with pytest.raises(ValidationFailed, match="reason is required"):
        do_close_candidacy(
            actor=personas.recruiter, candidacy=candidacy, outcome=Outcome.REJECTED, reason=None
        )
    assert Candidacy.objects.get(pk=candidacy.pk).outcome == "open"


def test_a_reason_from_another_workspace_is_refused(personas, candidacy):
    foreign = _reason(personas.outsider.workspace, "rejected")
    with pytest.raises(ValidationFailed) as caught:
        do_reject_candidacy(actor=personas.recruiter, candidacy=candidacy, reason=foreign)
    assert caught.value.fields == {"reason_id": "not found"}


def test_a_rejected_candidacy_keeps_its_stage_and_cannot_move_until_reopened(
    personas, job, candidacy
):
    # given a rejection
    reason = _reason(personas.workspace, "rejected")
    rejected = do_reject_candidacy(
        actor=personas.recruiter, candidacy=candidacy, reason=reason, note=" too junior "
    )
    assert (rejected.outcome, rejected.outcome_reason, rejected.outcome_note) == (
        "rejected",
        reason,
        "too junior",
    )
    assert rejected.closed_at is not None

    # when someone tries to move it, it refuses and nothing changes
    with pytest.raises(Conflict, match="reopen"):
        do_move_candidacy(
            actor=personas.recruiter, candidacy=candidacy, to_stage=_stage(job, "interview")
        )
    assert Candidacy.objects.get(pk=candidacy.pk).stage.key == "sourced"

    # then after reopening it moves again
    reopened = do_reopen_candidacy(actor=personas.recruiter, candidacy=candidacy)
    assert (reopened.outcome, reopened.outcome_reason, reopened.closed_at) == ("open", None, None)
    moved = do_move_candidacy(
        actor=personas.recruiter, candidacy=candidacy, to_stage=_stage(job, "interview")
    )
    assert moved.stage.key == "interview"


def test_a_withdrawal_takes_a_withdrawal_reason_and_can_be_reopened(personas, candidacy):
    # when the candidate withdraws
    reason = _reason(personas.workspace, "withdrawn")
    withdrawn = do_close_candidacy(
        actor=personas.recruiter, candidacy=candidacy, outcome=Outcome.WITHDRAWN, reason=reason
    )

    # then it is closed as withdrawn, the event names the reason by id only
    assert withdrawn.outcome == "withdrawn"
    event = Event.objects.get(verb="candidacy.withdrawn", subject_id=candidacy.pk)
    assert event.data["reason_id"] == reason.pk
    assert reason.name not in str(event.data)

    # and closing it again is refused until it is reopened
    with pytest.raises(ValidationFailed, match="already withdrawn"):
        do_close_candidacy(
            actor=personas.recruiter, candidacy=candidacy, outcome=Outcome.WITHDRAWN, reason=reason
        )
    assert do_reopen_candidacy(actor=personas.recruiter, candidacy=candidacy).outcome == "open"


def test_an_open_candidacy_cannot_be_reopened(personas, candidacy):
    with pytest.raises(Conflict):
        do_reopen_candidacy(actor=personas.recruiter, candidacy=candidacy)


def test_hiring_moves_to_the_hired_stage_and_closes(personas, job, candidacy):
    # when
    hired = do_hire_candidacy(actor=personas.recruiter, candidacy=candidacy)

    # then
    assert hired.stage.category == StageCategory.HIRED
    assert hired.outcome == "hired"
    assert hired.closed_at is not None
    last = StageChange.objects.filter(candidacy=candidacy).latest("id")
    assert last.stage.key == "hired"
    assert last.exited_at is None
    assert Event.objects.filter(verb="candidacy.hired", subject_id=candidacy.pk).exists()
    with pytest.raises(Conflict):
        do_hire_candidacy(actor=personas.recruiter, candidacy=candidacy)


def test_a_hire_is_undone_by_moving_the_candidacy_back(personas, job, candidacy):
    # given a hire made by mistake
    do_hire_candidacy(actor=personas.recruiter, candidacy=candidacy)

    # when the candidacy is moved back to the offer stage
    moved = do_move_candidacy(
        actor=personas.recruiter, candidacy=candidacy, to_stage=_stage(job, "offer")
    )

    # then it is open again, at the offer stage, and the hired stay is closed
    stored = Candidacy.objects.get(pk=candidacy.pk)
    assert (moved.outcome, stored.outcome, stored.stage.key) == ("open", "open", "offer")
    assert stored.closed_at is None
    hired_stay = StageChange.objects.get(candidacy=candidacy, stage__key="hired")
    assert hired_stay.exited_at is not None
    event = Event.objects.filter(verb="candidacy.stage_changed").latest("id")
    assert event.changed_fields == ["outcome", "stage"]


def test_dragging_to_the_hired_stage_hires(personas, job, candidacy):
    moved = do_move_candidacy(
        actor=personas.recruiter, candidacy=candidacy, to_stage=_stage(job, "hired")
    )
    assert moved.outcome == "hired"


def test_pool_candidacies_cannot_be_hired(personas, person):
    pool = do_create_pool(actor=personas.recruiter, workspace=personas.workspace, name="Later")
    candidacy = do_add_candidacy(actor=personas.recruiter, person=person, pool=pool)
    with pytest.raises(ValidationFailed):
        do_hire_candidacy(actor=personas.recruiter, candidacy=candidacy)


# --- pipelines --------------------------------------------------------------------------------


def test_a_pipeline_stage_holding_candidacies_cannot_be_removed(personas, job, candidacy):
    pipeline = job.pipeline
    keys_before = list(pipeline.stages.values_list("key", flat=True))
    without_sourced = [stage for stage in pipeline.stages.all() if stage.key != "sourced"]

    with pytest.raises(Conflict) as caught:
        do_update_pipeline_template(
            actor=personas.admin,
            template=pipeline,
            stages=stage_specs_from_names([stage.name for stage in without_sourced]),
        )
    assert caught.value.code == "stage_in_use"
    assert list(pipeline.stages.values_list("key", flat=True)) == keys_before


def test_an_unused_stage_can_be_removed_and_the_rest_reordered(personas, job):
    names = ["Sourced", "Interview", "Offer", "Hired"]
    do_update_pipeline_template(
        actor=personas.admin, template=job.pipeline, stages=stage_specs_from_names(names)
    )
    stages = list(Stage.objects.filter(pipeline=job.pipeline).order_by("position"))
    assert [stage.name for stage in stages] == names
    assert [stage.position for stage in stages] == [0, 1, 2, 3]
    assert Event.objects.filter(verb="pipeline.updated").get().changed_fields == ["stages"]


@pytest.mark.parametrize(
    ("names", "message"),
    [([], "at least one stage"), (["A", "a", "Hired"], "unique"), (["A", "B"], "one hired")],
)
def test_badly_shaped_pipelines_are_refused(personas, names, message):
    with pytest.raises(ValidationFailed, match=message):
        do_create_pipeline_template(
            actor=personas.admin,
            workspace=personas.workspace,
            name="Broken",
            kind=PipelineKind.JOB,
            stages=stage_specs_from_names(names),
        )
    assert not PipelineTemplate.objects.filter(name="Broken").exists()


# --- jobs -------------------------------------------------------------------------------------


def test_a_job_gets_the_default_pipeline_and_an_opening_date(personas):
    job = do_create_job(
        actor=personas.recruiter,
        workspace=personas.workspace,
        fields={"title": " Backend engineer ", "status": "open", "salary_min": 60_000},
    )
    assert job.title == "Backend engineer"
    assert job.pipeline == default_pipeline(personas.workspace, PipelineKind.JOB)
    assert job.opened_at is not None
    event = Event.objects.get(verb="job.created")
    assert set(event.changed_fields) == {"title", "status", "salary_min", "pipeline_id"}


def test_every_bad_job_field_is_named_and_nothing_is_written(personas):
    foreign_company = CompanyFactory(workspace=personas.outsider.workspace)
    before = Job.objects.count()
    with pytest.raises(ValidationFailed) as caught:
        do_create_job(
            actor=personas.recruiter,
            workspace=personas.workspace,
            fields={
                "title": "",
                "salary_min": 90_000,
                "salary_max": 80_000,
                "remote_policy": "moon",
                "employment_type": "forever",
                "country": "Germany",
                "hiring_manager_id": personas.outsider.pk,
                "company_id": foreign_company.pk,
                "pipeline_id": default_pipeline(personas.workspace, PipelineKind.POOL).pk,
                "openings": -1,
                "required_skills": "python",
                "colour": "red",
            },
        )
    assert set(caught.value.fields) == {
        "title",
        "salary_min",
        "remote_policy",
        "employment_type",
        "country",
        "hiring_manager_id",
        "company_id",
        "pipeline_id",
        "openings",
        "required_skills",
        "colour",
    }
    assert "onsite" in caught.value.fields["remote_policy"]
    assert Job.objects.count() == before


def test_a_job_update_checks_the_salary_band_against_the_stored_value(personas, job):
    do_update_job(actor=personas.recruiter, job=job, fields={"salary_max": 70_000})
    with pytest.raises(ValidationFailed) as caught:
        do_update_job(actor=personas.recruiter, job=job, fields={"salary_min": 80_000})
    assert caught.value.fields == {"salary_min": "the minimum is above the maximum"}


def test_a_job_title_cannot_be_emptied(personas, job):
    title = job.title
    with pytest.raises(ValidationFailed) as caught:
        do_update_job(actor=personas.recruiter, job=job, fields={"title": "  "})
    assert "title" in caught.value.fields
    job.refresh_from_db()
    assert job.title == title


def test_a_job_with_candidates_keeps_its_pipeline(personas, job, candidacy):
    other = do_create_pipeline_template(
        actor=personas.admin,
        workspace=personas.workspace,
        name="Short",
        kind=PipelineKind.JOB,
        stages=stage_specs_from_names(["New", "Hired"]),
    )
    with pytest.raises(Conflict) as caught:
        do_update_job(actor=personas.recruiter, job=job, fields={"pipeline_id": other.pk})
    assert caught.value.code == "pipeline_locked"


def test_closing_a_job_stamps_the_closing_time_and_reports_the_status(personas, job):
    do_update_job(actor=personas.recruiter, job=job, fields={"status": "filled"})
    job.refresh_from_db()
    assert job.closed_at is not None
    event = Event.objects.get(verb="job.updated")
    assert event.changed_fields == ["status"]
    assert event.data == {"status": "filled"}
