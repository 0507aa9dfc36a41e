"""/candidacies over REST: scoping, the stage actions, their history, refusals."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from talentloop.core.models import Event
from talentloop.recruiting.actions import do_add_candidacy, do_create_pipeline_template
from talentloop.recruiting.domain import PipelineKind, StageCategory, StageSpec
from talentloop.recruiting.models import Candidacy, RejectionReason, StageChange
from talentloop.testing.factories import JobFactory, PersonFactory, TalentPoolFactory

WRITERS = ["admin", "recruiter", "coordinator"]
READ_ONLY = ["hiring_manager", "analyst"]
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def job(personas):
    return JobFactory(workspace=personas.workspace, hiring_manager=personas.hiring_manager)


@pytest.fixture
def person(personas):
    return PersonFactory(workspace=personas.workspace)


@pytest.fixture
def candidacy(personas, job, person):
    with time_machine.travel(T0, tick=False):
        return do_add_candidacy(actor=personas.recruiter, person=person, job=job)


def _stage(job, key):
    return job.pipeline.stages.get(key=key)


def _reason(personas, kind="rejected"):
    return RejectionReason.objects.filter(workspace=personas.workspace, kind=kind).first()


# --- reading ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [*WRITERS, *READ_ONLY])
def test_workspace_members_who_see_the_job_read_the_candidacy(personas, api_as, candidacy, role):
    # when
    response = api_as(getattr(personas, role)).get(f"/candidacies/{candidacy.pk}")

    # then
    assert response.status_code == 200
    body = response.json()
    assert body["stage"]["key"] == "sourced"
    assert body["person_name"] == candidacy.person.full_name


def test_outsider_and_other_hiring_managers_get_404(personas, api_as, person):
    # given
    unmanaged = do_add_candidacy(
        actor=personas.recruiter, person=person, job=JobFactory(workspace=personas.workspace)
    )

    # then
    assert api_as(personas.outsider).get(f"/candidacies/{unmanaged.pk}").status_code == 404
    assert api_as(personas.hiring_manager).get(f"/candidacies/{unmanaged.pk}").status_code == 404


def test_list_filters_and_scoping(personas, api_as, job, person, candidacy):
    # given
    pool = TalentPoolFactory(workspace=personas.workspace)
    in_pool = do_add_candidacy(actor=personas.recruiter, person=person, pool=pool)
    api = api_as(personas.recruiter)

    # when
    everything = api.get("/candidacies").json()["items"]
    by_pool = api.get("/candidacies", pool_id=pool.pk).json()["items"]
    by_job = api.get("/candidacies", job_id=job.pk, outcome="open").json()["items"]
    by_stage = api.get("/candidacies", stage_id=candidacy.stage_id).json()["items"]
    by_person = api.get("/candidacies", person_id=person.pk).json()["items"]
    for_manager = api_as(personas.hiring_manager).get("/candidacies").json()["items"]
    for_outsider = api_as(personas.outsider).get("/candidacies").json()["items"]

    # then
    assert {item["id"] for item in everything} == {candidacy.pk, in_pool.pk}
    assert [item["id"] for item in by_pool] == [in_pool.pk]
    assert [item["id"] for item in by_job] == [candidacy.pk]
    assert [item["id"] for item in by_stage] == [candidacy.pk]
    assert len(by_person) == 2
    assert [item["id"] for item in for_manager] == [candidacy.pk]
    assert for_outsider == []


def test_unknown_outcome_filter_is_422(personas, api_as):
    assert api_as(personas.admin).get("/candidacies", outcome="maybe").status_code == 422


# --- creating and deleting --------------------------------------------------------------------


@pytest.mark.parametrize("role", WRITERS)
def test_writers_add_and_remove_candidacies(personas, api_as, job, person, role):
    # given
    api = api_as(getattr(personas, role))

    # when
    created = api.post(
        "/candidacies",
        {"person_id": person.pk, "job_id": job.pk, "stage_id": _stage(job, "screening").pk},
    )
    deleted = api.delete(f"/candidacies/{created.json()['id']}")

    # then
    assert created.status_code == 201
    assert created.json()["stage"]["key"] == "screening"
    assert len(created.json()["history"]) == 1
    assert deleted.status_code == 204
    assert not Candidacy.objects.exists()


@pytest.mark.parametrize("role", READ_ONLY)
def test_read_only_roles_cannot_add_or_remove(personas, api_as, job, person, candidacy, role):
    # given
    api = api_as(getattr(personas, role))
    other_person = PersonFactory(workspace=personas.workspace)

    # when
    created = api.post("/candidacies", {"person_id": other_person.pk, "job_id": job.pk})
    deleted = api.delete(f"/candidacies/{candidacy.pk}")

    # then
    assert (created.status_code, deleted.status_code) == (403, 403)
    assert Candidacy.objects.count() == 1


def test_outsider_cannot_delete_a_foreign_candidacy(personas, api_as, candidacy):
    assert api_as(personas.outsider).delete(f"/candidacies/{candidacy.pk}").status_code == 404
    assert Candidacy.objects.filter(pk=candidacy.pk).exists()


@pytest.mark.parametrize(
    ("build", "field"),
    [
        (
            lambda ids: {"person_id": ids["person"], "job_id": ids["job"], "pool_id": ids["pool"]},
            "job_id",
        ),
        (lambda ids: {"person_id": ids["person"]}, "job_id"),
        (lambda ids: {"person_id": ids["person"], "job_id": ids["job"], "note": "hi"}, "note"),
        (
            lambda ids: {"person_id": ids["person"], "job_id": ids["job"], "origin": "magic"},
            "origin",
        ),
        (lambda ids: {"person_id": "ada", "job_id": ids["job"]}, "person_id"),
        (
            lambda ids: {
                "person_id": ids["person"],
                "job_id": ids["job"],
                "stage_id": ids["pool_stage"],
            },
            "stage_id",
        ),
        (lambda ids: {"person_id": ids["foreign_person"], "job_id": ids["job"]}, "person_id"),
        (lambda ids: {"person_id": ids["person"], "job_id": ids["foreign_job"]}, "job_id"),
    ],
)
def test_bad_candidacy_input_is_a_422_naming_the_field(personas, api_as, job, person, build, field):
    # given
    pool = TalentPoolFactory(workspace=personas.workspace)
    ids = {
        "person": person.pk,
        "job": job.pk,
        "pool": pool.pk,
        "pool_stage": pool.pipeline.stages.first().pk,
        "foreign_person": PersonFactory(workspace=personas.outsider.workspace).pk,
        "foreign_job": JobFactory(workspace=personas.outsider.workspace).pk,
    }

    # when
    response = api_as(personas.recruiter).post("/candidacies", build(ids))

    # then
    assert response.status_code == 422, response.json()
    assert field in response.json()["error"]["fields"]
    assert not Candidacy.objects.exists()


def test_adding_someone_twice_is_a_conflict(personas, api_as, job, person, candidacy):
    response = api_as(personas.recruiter).post(
        "/candidacies", {"person_id": person.pk, "job_id": job.pk}
    )
    assert response.status_code == 409
    assert Candidacy.objects.count() == 1


# --- moving and its history -------------------------------------------------------------------


def test_move_records_stage_history(personas, api_as, job, candidacy):
    # given
    api = api_as(personas.recruiter)
    t1, t2 = T0 + dt.timedelta(days=1), T0 + dt.timedelta(days=3)

    # when
    with time_machine.travel(t1, tick=False):
        api.post(f"/candidacies/{candidacy.pk}/move", {"stage_id": _stage(job, "screening").pk})
    with time_machine.travel(t2, tick=False):
        response = api.post(
            f"/candidacies/{candidacy.pk}/move", {"stage_id": _stage(job, "interview").pk}
        )

    # then
    assert response.status_code == 200
    history = response.json()["history"]
    assert [
        (entry["stage"]["name"], (entry["from_stage"] or {}).get("name")) for entry in history
    ] == [
        ("Sourced", None),
        ("Screening", "Sourced"),
        ("Interview", "Screening"),
    ]
    assert [entry["exited_at"] for entry in history] == [
        t1.isoformat().replace("+00:00", "Z"),
        t2.isoformat().replace("+00:00", "Z"),
        None,
    ]
    assert history[2]["actor"]["id"] == personas.recruiter.pk
    assert response.json()["stage_entered_at"].startswith("2026-03-05T09:00")


def _is_same_instant(text, moment):
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00")) == moment


def test_move_history_times_match(personas, api_as, job, candidacy):
    # given
    t1 = T0 + dt.timedelta(hours=5)

    # when
    with time_machine.travel(t1, tick=False):
        body = (
            api_as(personas.admin)
            .post(f"/candidacies/{candidacy.pk}/move", {"stage_id": _stage(job, "applied").pk})
            .json()
        )

    # then
    first, second = body["history"]
    assert _is_same_instant(first["entered_at"], T0)
    assert _is_same_instant(first["exited_at"], t1)
    assert _is_same_instant(second["entered_at"], t1)
    assert second["exited_at"] is None


def test_move_to_a_stage_of_another_pipeline_is_422(personas, api_as, job, candidacy):
    # given
    other = do_create_pipeline_template(
        actor=personas.admin,
        workspace=personas.workspace,
        name="Other",
        kind=PipelineKind.JOB,
        stages=[StageSpec("a", "A"), StageSpec("hired", "Hired", StageCategory.HIRED)],
    )

    # when
    response = api_as(personas.recruiter).post(
        f"/candidacies/{candidacy.pk}/move", {"stage_id": other.stages.get(key="a").pk}
    )

    # then
    assert response.status_code == 422
    assert "stage_id" in response.json()["error"]["fields"]
    assert StageChange.objects.filter(candidacy=candidacy).count() == 1


def test_move_to_a_stage_of_another_workspace_is_422(personas, api_as, candidacy):
    foreign_job = JobFactory(workspace=personas.outsider.workspace)
    response = api_as(personas.recruiter).post(
        f"/candidacies/{candidacy.pk}/move", {"stage_id": foreign_job.pipeline.stages.first().pk}
    )
    assert response.status_code == 422
    assert "stage_id" in response.json()["error"]["fields"]


def test_moving_a_closed_candidacy_is_a_conflict(personas, api_as, job, candidacy):
    # given
    api = api_as(personas.recruiter)
    api.post(f"/candidacies/{candidacy.pk}/reject", {"reason_id": _reason(personas).pk})

    # when
    response = api.post(
        f"/candidacies/{candidacy.pk}/move", {"stage_id": _stage(job, "screening").pk}
    )

    # then
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "candidacy_closed"


@pytest.mark.parametrize("body", [{}, {"stage_id": "second"}, {"stage_id": 1, "x": 1}])
def test_bad_move_body_is_422(personas, api_as, candidacy, body):
    response = api_as(personas.recruiter).post(f"/candidacies/{candidacy.pk}/move", body)
    assert response.status_code == 422


# --- closing, hiring, reopening ---------------------------------------------------------------


@pytest.mark.parametrize("role", READ_ONLY)
def test_read_only_roles_cannot_move_reject_withdraw_hire_or_reopen(
    personas, api_as, job, candidacy, role
):
    # given
    api = api_as(getattr(personas, role))
    path = f"/candidacies/{candidacy.pk}"

    # when
    responses = [
        api.post(f"{path}/move", {"stage_id": _stage(job, "screening").pk}),
        api.post(f"{path}/reject", {"reason_id": _reason(personas).pk}),
        api.post(f"{path}/withdraw", {"reason_id": _reason(personas, "withdrawn").pk}),
        api.post(f"{path}/hire"),
        api.post(f"{path}/reopen"),
    ]

    # then
    assert [response.status_code for response in responses] == [403] * 5
    candidacy.refresh_from_db()
    assert (candidacy.outcome, candidacy.stage.key) == ("open", "sourced")


def test_outsider_gets_404_on_every_candidacy_action(personas, api_as, job, candidacy):
    # given
    api = api_as(personas.outsider)
    path = f"/candidacies/{candidacy.pk}"

    # when
    responses = [
        api.post(f"{path}/move", {"stage_id": _stage(job, "screening").pk}),
        api.post(f"{path}/reject", {"reason_id": _reason(personas).pk}),
        api.post(f"{path}/hire"),
        api.post(f"{path}/reopen"),
    ]

    # then
    assert [response.status_code for response in responses] == [404] * 4


@pytest.mark.parametrize("role", WRITERS)
def test_writers_reject_then_reopen(personas, api_as, candidacy, role):
    # given
    api = api_as(getattr(personas, role))
    reason = _reason(personas)

    # when
    rejected = api.post(
        f"/candidacies/{candidacy.pk}/reject", {"reason_id": reason.pk, "note": "not now"}
    )
    reopened = api.post(f"/candidacies/{candidacy.pk}/reopen")

    # then
    assert rejected.status_code == 200
    assert (rejected.json()["outcome"], rejected.json()["outcome_reason_id"]) == (
        "rejected",
        reason.pk,
    )
    assert reopened.status_code == 200
    assert reopened.json()["outcome"] == "open"
    event = Event.objects.get(verb="candidacy.rejected")
    assert "not now" not in str(event.data)


def test_reject_without_a_reason_is_422(personas, api_as, candidacy):
    response = api_as(personas.recruiter).post(f"/candidacies/{candidacy.pk}/reject", {})
    assert response.status_code == 422
    assert "reason_id" in response.json()["error"]["fields"]
    candidacy.refresh_from_db()
    assert candidacy.outcome == "open"


def test_reject_with_a_withdrawal_reason_is_422(personas, api_as, candidacy):
    response = api_as(personas.recruiter).post(
        f"/candidacies/{candidacy.pk}/reject", {"reason_id": _reason(personas, "withdrawn").pk}
    )
    assert response.status_code == 422
    assert "reason_id" in response.json()["error"]["fields"]


def test_reject_with_a_foreign_reason_is_422(personas, api_as, candidacy):
    foreign = RejectionReason.objects.filter(workspace=personas.outsider.workspace)[0]
    response = api_as(personas.recruiter).post(
        f"/candidacies/{candidacy.pk}/reject", {"reason_id": foreign.pk}
    )
    assert response.status_code == 422


def test_rejecting_twice_is_a_conflict(personas, api_as, candidacy):
    # given
    api = api_as(personas.recruiter)
    api.post(f"/candidacies/{candidacy.pk}/reject", {"reason_id": _reason(personas).pk})

    # when
    response = api.post(
        f"/candidacies/{candidacy.pk}/withdraw", {"reason_id": _reason(personas, "withdrawn").pk}
    )

    # then
    assert response.status_code == 409


def test_withdraw(personas, api_as, candidacy):
    response = api_as(personas.coordinator).post(
        f"/candidacies/{candidacy.pk}/withdraw", {"reason_id": _reason(personas, "withdrawn").pk}
    )
    assert response.status_code == 200
    assert response.json()["outcome"] == "withdrawn"


def test_hire_moves_to_the_hired_stage(personas, api_as, candidacy):
    # when
    response = api_as(personas.recruiter).post(f"/candidacies/{candidacy.pk}/hire")

    # then
    assert response.status_code == 200
    body = response.json()
    assert (body["outcome"], body["stage"]["category"]) == ("hired", "hired")
    assert body["history"][-1]["from_stage"]["key"] == "sourced"
    assert api_as(personas.recruiter).post(f"/candidacies/{candidacy.pk}/hire").status_code == 409


def test_hiring_from_a_pool_is_422(personas, api_as, person):
    pool = TalentPoolFactory(workspace=personas.workspace)
    in_pool = do_add_candidacy(actor=personas.recruiter, person=person, pool=pool)
    response = api_as(personas.recruiter).post(f"/candidacies/{in_pool.pk}/hire")
    assert response.status_code == 422


def test_reopening_an_open_candidacy_is_a_conflict(personas, api_as, candidacy):
    response = api_as(personas.recruiter).post(f"/candidacies/{candidacy.pk}/reopen")
    assert response.status_code == 409
