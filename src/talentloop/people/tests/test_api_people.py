"""People endpoints: create with nested data, partial updates, filters, salary privacy."""

from __future__ import annotations

import datetime as dt

import pytest

from talentloop.api.testing import ApiClient
from talentloop.core.models import Event
from talentloop.people.models import ContactPoint, Person, PersonSkill
from talentloop.recruiting.actions import do_add_candidacy
from talentloop.testing.factories import JobFactory, PersonFactory, SourceFactory

pytestmark = pytest.mark.django_db

FULL = {
    "first_name": "Ada",
    "last_name": "Lovelace",
    "country": "gb",
    "seniority": "senior",
    "salary_currency": "GBP",
    "salary_min": 90000,
    "salary_max": 120000,
    "salary_period": "year",
    "contact_points": [
        {"kind": "email", "value": " Ada@Example.com "},
        {"kind": "phone", "value": "+44 20 7946 0958"},
    ],
    "tags": ["math", "python"],
    "skills": [{"name": "Python", "level": "expert", "years": 12}],
    "work_history": [{"company_name": "Analytical Engines", "title": "Programmer"}],
    "education": [{"institution": "Home schooling"}],
}


@pytest.fixture
def api(personas):
    return ApiClient(personas.recruiter)


def test_create_person_with_everything_normalised(api):
    # when a recruiter creates a person with nested data
    response = api.post("/people", FULL)

    # then every part is stored, normalised, and echoed back
    assert response.status_code == 201
    body = response.json()
    assert body["primary_email"] == "ada@example.com"
    assert body["primary_phone"] == "+442079460958"
    assert body["country"] == "GB"
    assert sorted(tag["name"] for tag in body["tags"]) == ["math", "python"]
    assert body["skills"] == [{"name": "Python", "level": "expert", "years": 12.0}]
    assert body["work_history"][0]["company_name"] == "Analytical Engines"
    assert Event.objects.filter(verb="person.created", subject_id=body["id"]).exists()


def test_duplicate_email_is_409_naming_the_field(api, personas):
    api.post("/people", {"contact_points": [{"kind": "email", "value": "ada@example.com"}]})

    response = api.post(
        "/people", {"contact_points": [{"kind": "email", "value": "ADA@example.com"}]}
    )

    assert response.status_code == 409
    assert "contact_points.0.value" in response.json()["error"]["fields"]
    assert Person.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"salary_min": 10, "salary_max": 5}, "salary_min"),
        ({"country": "Germany"}, "country"),
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"seniority": "wizard"}, "seniority"),
        ({"salary_min": "lots"}, "salary_min"),
        ({"owner_id": 999999}, "owner_id"),
        ({"custom_fields": {"nope": 1}}, "custom_fields"),
        ({"skills": [{"name": "Go", "level": "god"}]}, "skills.0.level"),
        ({"first_name": "x" * 101}, "first_name"),
    ],
)
def test_bad_field_is_422_naming_it_and_writes_nothing(api, body, field):
    response = api.post("/people", body)

    assert response.status_code == 422
    assert field in response.json()["error"]["fields"]
    assert Person.objects.count() == 0


def test_patch_changes_only_what_was_sent(api):
    person_id = api.post("/people", FULL).json()["id"]

    response = api.patch(f"/people/{person_id}", {"city": "London", "skills": []})

    assert response.status_code == 200
    body = response.json()
    assert body["city"] == "London"
    assert body["first_name"] == "Ada"
    assert body["salary_min"] == 90000
    assert body["skills"] == []
    assert PersonSkill.objects.count() == 0


def test_patch_with_a_bad_value_changes_nothing(api):
    person_id = api.post("/people", FULL).json()["id"]

    response = api.patch(f"/people/{person_id}", {"city": "Paris", "salary_max": 1})

    assert response.status_code == 422
    assert Person.objects.get(pk=person_id).city == ""


def test_delete_removes_the_person_and_their_contact_points(api):
    person_id = api.post("/people", FULL).json()["id"]

    assert api.delete(f"/people/{person_id}").status_code == 204
    assert api.get(f"/people/{person_id}").status_code == 404
    assert ContactPoint.objects.count() == 0


def test_hiring_manager_never_sees_salary_unless_granted(personas):
    # given a candidate of the hiring manager's job with a salary expectation
    person_id = ApiClient(personas.admin).post("/people", FULL).json()["id"]
    job = JobFactory(workspace=personas.workspace, hiring_manager=personas.hiring_manager)
    do_add_candidacy(actor=personas.admin, person=Person.objects.get(pk=person_id), job=job)
    api = ApiClient(personas.hiring_manager)

    # then salary fields are null in detail and list views
    detail = api.get(f"/people/{person_id}").json()
    listed = api.get("/people").json()["items"][0]
    for body in (detail, listed):
        assert (body["salary_min"], body["salary_max"], body["salary_currency"]) == (None,) * 3

    # and once the hiring manager is granted salary access, they appear
    personas.hiring_manager.can_see_salary = True
    personas.hiring_manager.save()
    assert api.get(f"/people/{person_id}").json()["salary_min"] == 90000


@pytest.fixture
def crowd(personas):
    source = SourceFactory(workspace=personas.workspace)
    ada = PersonFactory(
        workspace=personas.workspace, first_name="Ada", last_name="Lovelace", country="GB",
        lifecycle="candidate", source=source, owner=personas.recruiter, city="London",
    )  # fmt: skip
    grace = PersonFactory(
        workspace=personas.workspace, first_name="Grace", last_name="Hopper", country="US",
        seniority="senior", primary_email="grace@navy.test",
    )  # fmt: skip
    Person.objects.filter(pk=grace.pk).update(updated_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    return {"ada": ada, "grace": grace, "source": source}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "lov"}, ["ada"]),
        ({"q": "ada lo"}, ["ada"]),
        ({"q": "GRACE@navy"}, ["grace"]),
        ({"country": "us"}, ["grace"]),
        ({"lifecycle": "candidate"}, ["ada"]),
        ({"seniority": "senior"}, ["grace"]),
        ({"city": "london"}, ["ada"]),
        ({"updated_since": "2024-01-01T00:00:00Z"}, ["ada"]),
    ],
)
def test_list_filters(personas, crowd, params, expected):
    items = ApiClient(personas.analyst).get("/people", params).json()["items"]

    assert [item["first_name"].lower() for item in items] == expected


def test_list_filters_by_owner_source_and_tag(personas, crowd):
    api = ApiClient(personas.admin)
    tag = api.post(f"/people/{crowd['grace'].pk}/tags", {"names": ["navy"]}).json()[0]

    by_owner = api.get("/people", {"owner_id": personas.recruiter.pk}).json()["items"]
    by_source = api.get("/people", {"source_id": crowd["source"].pk}).json()["items"]
    by_tag = api.get("/people", {"tag": tag["id"]}).json()["items"]

    assert [p["id"] for p in by_owner] == [crowd["ada"].pk]
    assert [p["id"] for p in by_source] == [crowd["ada"].pk]
    assert [p["id"] for p in by_tag] == [crowd["grace"].pk]
