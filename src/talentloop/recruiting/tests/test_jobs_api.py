"""/jobs over REST: who may read and write, filters, sorting, pagination, counts, bad input."""

from __future__ import annotations

import pytest

from talentloop.core.models import Event
from talentloop.recruiting.actions import do_add_candidacy
from talentloop.recruiting.models import Job
from talentloop.testing.factories import JobFactory, PersonFactory

WRITERS = ["admin", "recruiter", "coordinator"]
READ_ONLY = ["hiring_manager", "analyst"]


@pytest.fixture
def job(personas):
    return JobFactory(
        workspace=personas.workspace,
        title="Backend Engineer",
        hiring_manager=personas.hiring_manager,
        salary_currency="EUR",
        salary_min=60000,
        salary_max=80000,
    )


@pytest.fixture
def other_job(personas):
    return JobFactory(workspace=personas.workspace, title="Designer")


@pytest.mark.parametrize("role", [*WRITERS, *READ_ONLY])
def test_everyone_in_the_workspace_reads_a_visible_job_with_its_salary_band(
    personas, api_as, job, role
):
    # when
    response = api_as(getattr(personas, role)).get(f"/jobs/{job.pk}")

    # then
    assert response.status_code == 200
    body = response.json()
    assert (body["title"], body["salary_min"], body["salary_max"]) == (
        "Backend Engineer",
        60000,
        80000,
    )


def test_outsider_gets_404_for_a_job_of_another_workspace(personas, api_as, job):
    assert api_as(personas.outsider).get(f"/jobs/{job.pk}").status_code == 404


def test_hiring_manager_gets_404_for_a_job_they_do_not_manage(personas, api_as, other_job):
    assert api_as(personas.hiring_manager).get(f"/jobs/{other_job.pk}").status_code == 404


@pytest.mark.parametrize(
    ("role", "visible"),
    [
        ("admin", {"Backend Engineer", "Designer"}),
        ("analyst", {"Backend Engineer", "Designer"}),
        ("hiring_manager", {"Backend Engineer"}),
        ("outsider", set()),
    ],
)
def test_job_list_is_scoped_to_what_the_caller_may_see(
    personas, api_as, job, other_job, role, visible
):
    # when
    response = api_as(getattr(personas, role)).get("/jobs")

    # then
    assert response.status_code == 200
    assert {item["title"] for item in response.json()["items"]} == visible


@pytest.mark.parametrize("role", WRITERS)
def test_writers_create_update_and_delete_jobs(personas, api_as, role):
    # given
    api = api_as(getattr(personas, role))

    # when
    created = api.post("/jobs", {"title": "SRE", "salary_min": 1, "salary_max": 2})
    job_id = created.json()["id"]
    updated = api.patch(f"/jobs/{job_id}", {"status": "on_hold"})
    deleted = api.delete(f"/jobs/{job_id}")

    # then
    assert (created.status_code, updated.status_code, deleted.status_code) == (201, 200, 204)
    assert updated.json()["status"] == "on_hold"
    assert not Job.objects.filter(pk=job_id).exists()
    verbs = list(Event.objects.filter(subject_type="job").values_list("verb", flat=True))
    assert verbs == ["job.created", "job.updated", "job.deleted"]


@pytest.mark.parametrize("role", READ_ONLY)
def test_read_only_roles_cannot_write_jobs(personas, api_as, job, role):
    # given
    api = api_as(getattr(personas, role))

    # when
    responses = [
        api.post("/jobs", {"title": "SRE"}),
        api.patch(f"/jobs/{job.pk}", {"title": "Renamed"}),
        api.delete(f"/jobs/{job.pk}"),
    ]

    # then
    assert [response.status_code for response in responses] == [403, 403, 403]
    assert responses[0].json()["error"]["code"] == "forbidden"
    job.refresh_from_db()
    assert job.title == "Backend Engineer"


def test_outsider_cannot_change_a_foreign_job(personas, api_as, job):
    # when
    api = api_as(personas.outsider)
    responses = [api.patch(f"/jobs/{job.pk}", {"title": "x"}), api.delete(f"/jobs/{job.pk}")]

    # then
    assert [response.status_code for response in responses] == [404, 404]
    assert Job.objects.filter(pk=job.pk, title="Backend Engineer").exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": "SRE", "colour": "red"}, "colour"),
        ({"title": "SRE", "openings": "many"}, "openings"),
        ({"title": "SRE", "status": "paused"}, "status"),
        ({"title": "SRE", "salary_min": 9, "salary_max": 1}, "salary_min"),
        ({"title": "SRE", "country": "Germany"}, "country"),
        ({}, "title"),
    ],
)
def test_bad_job_input_is_a_422_naming_the_field(personas, api_as, body, field):
    # when
    response = api_as(personas.recruiter).post("/jobs", body)

    # then
    assert response.status_code == 422
    assert field in response.json()["error"]["fields"]
    assert not Job.objects.exists()


def test_hiring_manager_from_another_workspace_is_refused(personas, api_as):
    response = api_as(personas.recruiter).post(
        "/jobs", {"title": "SRE", "hiring_manager_id": personas.outsider.pk}
    )
    assert response.status_code == 422
    assert "hiring_manager_id" in response.json()["error"]["fields"]


def test_patch_with_an_empty_title_is_refused(personas, api_as, job):
    response = api_as(personas.recruiter).patch(f"/jobs/{job.pk}", {"title": None})
    assert response.status_code == 422
    assert "title" in response.json()["error"]["fields"]


def test_filters_and_sort(personas, api_as, job, other_job):
    # given
    other_job.status = "closed"
    other_job.recruiter = personas.recruiter
    other_job.save()
    api = api_as(personas.admin)

    # when
    by_status = api.get("/jobs", status="closed").json()["items"]
    by_manager = api.get("/jobs", hiring_manager_id=personas.hiring_manager.pk).json()["items"]
    by_recruiter = api.get("/jobs", recruiter_id=personas.recruiter.pk).json()["items"]
    by_text = api.get("/jobs", q="backend").json()["items"]
    by_title = api.get("/jobs", sort="title").json()["items"]

    # then
    assert [item["id"] for item in by_status] == [other_job.pk]
    assert [item["id"] for item in by_manager] == [job.pk]
    assert [item["id"] for item in by_recruiter] == [other_job.pk]
    assert [item["id"] for item in by_text] == [job.pk]
    assert [item["title"] for item in by_title] == ["Backend Engineer", "Designer"]


def test_unknown_status_filter_and_sort_are_422(personas, api_as):
    api = api_as(personas.admin)
    assert api.get("/jobs", status="paused").status_code == 422
    response = api.get("/jobs", sort="salary")
    assert response.status_code == 422
    assert "sort" in response.json()["error"]["fields"]


def test_cursor_pagination_walks_every_job_once(personas, api_as):
    # given
    for index in range(5):
        JobFactory(workspace=personas.workspace, title=f"Job {index}")
    api = api_as(personas.admin)

    # when
    seen: list[int] = []
    page = api.get("/jobs", limit=2).json()
    seen += [item["id"] for item in page["items"]]
    while page["next_cursor"]:
        page = api.get("/jobs", limit=2, cursor=page["next_cursor"]).json()
        seen += [item["id"] for item in page["items"]]

    # then
    assert len(seen) == 5
    assert len(set(seen)) == 5


def test_counts_per_stage(personas, api_as, job):
    # given
    first_stage = job.pipeline.stages.order_by("position").first()
    for _ in range(2):
        do_add_candidacy(
            actor=personas.recruiter,
            person=PersonFactory(workspace=personas.workspace),
            job=job,
        )

    # when
    body = api_as(personas.hiring_manager).get("/jobs", counts="true").json()

    # then
    [item] = body["items"]
    assert (item["open_count"], item["total_count"], item["hired_count"]) == (2, 2, 0)
    assert item["stage_counts"] == [{"stage_id": first_stage.pk, "count": 2}]


def test_without_counts_the_count_fields_are_null(personas, api_as, job):
    [item] = api_as(personas.admin).get("/jobs").json()["items"]
    assert item["open_count"] is None
    assert item["stage_counts"] is None


def test_job_candidacies_are_listed_for_those_who_see_the_job(personas, api_as, job, other_job):
    # given
    person = PersonFactory(workspace=personas.workspace)
    candidacy = do_add_candidacy(actor=personas.recruiter, person=person, job=job)
    do_add_candidacy(actor=personas.recruiter, person=person, job=other_job)

    # when
    mine = api_as(personas.hiring_manager).get(f"/jobs/{job.pk}/candidacies")
    not_mine = api_as(personas.hiring_manager).get(f"/jobs/{other_job.pk}/candidacies")
    foreign = api_as(personas.outsider).get(f"/jobs/{job.pk}/candidacies")

    # then
    assert [item["id"] for item in mine.json()["items"]] == [candidacy.pk]
    assert (not_mine.status_code, foreign.status_code) == (404, 404)


def test_unauthenticated_calls_are_401(db, client):
    response = client.get("/api/v1/jobs")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"


@pytest.mark.parametrize(
    ("params", "field"),
    [({"hiring_manager_id": 10**25}, "hiring_manager_id"), ({"q": "a\x00b"}, "q")],
)
def test_filters_the_database_cannot_hold_are_422(personas, api_as, params, field):
    response = api_as(personas.admin).get("/jobs", **params)
    assert response.status_code == 422
    assert field in response.json()["error"]["fields"]
