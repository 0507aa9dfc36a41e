from __future__ import annotations

import pytest
import time_machine

from talentloop.api.testing import ApiClient
from talentloop.outreach.tests.conftest import make_contactable
from talentloop.outreach.tests.sequence_helpers import TUESDAY_10_UTC, email, wait
from talentloop.recruiting.actions import do_add_candidacy
from talentloop.testing.factories import JobFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(TUESDAY_10_UTC, tick=False):
        yield


def body(mailbox, template, **extra):
    return {
        "name": "Backend",
        "mailbox_id": mailbox.pk,
        "steps": [email(template), wait(2), email(template, "reply")],
        **extra,
    }


def test_a_recruiter_builds_a_sequence_previews_and_enrols_through_the_api(
    personas, local_mailbox, template
):
    api = ApiClient(personas.recruiter)
    ready = make_contactable(personas.recruiter, personas.workspace, first_name="Ready")
    no_basis = PersonFactory(workspace=personas.workspace, primary_email="x@example.com")

    created = api.post("/sequences", body(local_mailbox, template))
    assert created.status_code == 201, created.json()
    sequence = created.json()
    assert [step["kind"] for step in sequence["steps"]] == ["email", "wait", "email"]

    people = {"person_ids": [ready.pk, no_basis.pk]}
    preview = api.post(f"/sequences/{sequence['id']}/enrolment-preview", people)
    assert preview.status_code == 200
    assert preview.json()["eligible"] == [{"person_id": ready.pk, "name": ready.full_name}]
    assert [s["code"] for s in preview.json()["skipped"]] == ["no_lawful_basis"]

    enrolled = api.post(f"/sequences/{sequence['id']}/enrolments", people)
    assert enrolled.status_code == 201
    (enrollment,) = enrolled.json()["enrolled"]
    assert enrollment["state"] == "active"
    assert enrollment["source"] == "api"

    paused = api.post(f"/enrolments/{enrollment['id']}/pause")
    assert paused.json()["state"] == "paused"
    assert api.post(f"/enrolments/{enrollment['id']}/pause").status_code == 409
    assert api.post(f"/enrolments/{enrollment['id']}/resume").json()["state"] == "active"
    stopped = api.post(f"/enrolments/{enrollment['id']}/stop").json()
    assert (stopped["state"], stopped["stop_reason"]) == ("stopped", "stopped by hand")

    detail = api.get(f"/enrolments/{enrollment['id']}").json()
    assert [row["kind"] for row in detail["history"]] == [
        "enrolled",
        "paused",
        "resumed",
        "stopped",
    ]
    listed = api.get("/enrolments", {"person_id": ready.pk}).json()
    assert [row["id"] for row in listed["items"]] == [enrollment["id"]]


def test_enrol_a_jobs_pipeline(personas, local_mailbox, template):
    api = ApiClient(personas.recruiter)
    job = JobFactory(workspace=personas.workspace)
    in_job = make_contactable(personas.recruiter, personas.workspace)
    make_contactable(personas.recruiter, personas.workspace)  # not in the job
    do_add_candidacy(actor=personas.recruiter, person=in_job, job=job)
    sequence = api.post("/sequences", body(local_mailbox, template)).json()

    enrolled = api.post(
        f"/sequences/{sequence['id']}/enrolments", {"job_id": job.pk, "source": "job"}
    ).json()

    assert [row["person_id"] for row in enrolled["enrolled"]] == [in_job.pk]


def test_people_must_be_named_exactly_one_way(personas, local_mailbox, template):
    api = ApiClient(personas.recruiter)
    sequence = api.post("/sequences", body(local_mailbox, template)).json()

    answer = api.post(f"/sequences/{sequence['id']}/enrolments", {"person_ids": [], "job_id": None})

    assert answer.status_code == 422
    assert answer.json()["error"]["fields"] == {
        "people": "give exactly one of person_ids, query, job_id"
    }


def test_invalid_steps_answer_422_naming_the_step(personas, local_mailbox, template):
    api = ApiClient(personas.recruiter)

    answer = api.post(
        "/sequences",
        body(local_mailbox, template, steps=[{"kind": "wait", "wait_days": 0}]),
    )

    assert answer.status_code == 422
    assert answer.json()["error"]["fields"] == {
        "steps.1.wait_days": "wait between 1 and 90 business days"
    }


@pytest.mark.parametrize("role", ["analyst", "hiring_manager"])
def test_readers_can_list_but_not_build_or_enrol(personas, local_mailbox, template, role):
    recruiter = ApiClient(personas.recruiter)
    sequence = recruiter.post("/sequences", body(local_mailbox, template)).json()
    reader = ApiClient(getattr(personas, role))

    assert reader.get("/sequences").status_code == 200
    assert reader.post("/sequences", body(local_mailbox, template, name="x")).status_code == 403
    person = make_contactable(personas.recruiter, personas.workspace)
    answer = reader.post(f"/sequences/{sequence['id']}/enrolments", {"person_ids": [person.pk]})
    assert answer.status_code == 403


def test_another_workspace_gets_404(personas, local_mailbox, template):
    recruiter = ApiClient(personas.recruiter)
    sequence = recruiter.post("/sequences", body(local_mailbox, template)).json()
    person = make_contactable(personas.recruiter, personas.workspace)
    enrollment = recruiter.post(
        f"/sequences/{sequence['id']}/enrolments", {"person_ids": [person.pk]}
    ).json()["enrolled"][0]
    outsider = ApiClient(personas.outsider)

    assert outsider.get(f"/sequences/{sequence['id']}").status_code == 404
    assert outsider.get(f"/enrolments/{enrollment['id']}").status_code == 404
    assert outsider.post(f"/enrolments/{enrollment['id']}/stop").status_code == 404
    assert outsider.get("/sequences").json()["items"] == []


def test_business_hours_with_an_offset_are_refused(personas, local_mailbox, template):
    api = ApiClient(personas.recruiter)

    answer = api.post("/sequences", body(local_mailbox, template, business_start="09:00:00+01:00"))

    assert answer.status_code == 422
    assert set(answer.json()["error"]["fields"]) == {"business_start"}
