"""GET /people/export: a CSV of the filtered people the caller sees, behind scope and role."""

from __future__ import annotations

import csv
import io

import pytest

from talentloop.accounts.domain import Scope
from talentloop.api.testing import ApiClient
from talentloop.people.actions import do_tag_people
from talentloop.recruiting.actions import do_add_candidacy
from talentloop.testing.factories import JobFactory, PersonFactory

pytestmark = pytest.mark.django_db


def _rows(response) -> list[dict[str, str]]:
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture
def crowd(personas):
    workspace = personas.workspace
    ada = PersonFactory.create(workspace=workspace, first_name="Ada", country="DE", city="Berlin")
    grace = PersonFactory(workspace=workspace, first_name="Grace", country="US", city="Arlington")
    tricky = PersonFactory(workspace=workspace, first_name="=HYPERLINK(1)", country="DE")
    PersonFactory(workspace=personas.outsider.workspace, first_name="Stranger", country="DE")
    do_tag_people(actor=personas.admin, workspace=workspace, people=[ada], names=["python"])
    return {"ada": ada, "grace": grace, "tricky": tricky}


@pytest.mark.parametrize("persona", ["admin", "recruiter"])
def test_exporters_get_every_person_they_see_as_csv(personas, crowd, persona):
    # given a token with only the read and export scopes
    api = ApiClient(getattr(personas, persona), scopes=[Scope.READ, Scope.EXPORT])

    # when they export
    response = api.get("/people/export")

    # then it is a CSV download of this workspace's people, ordered by id
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    assert response["Cache-Control"] == "no-store"
    rows = _rows(response)
    assert [int(row["id"]) for row in rows] == sorted(p.pk for p in crowd.values())
    assert {"id", "first_name", "email", "owner", "do_not_contact"} <= set(rows[0])


def test_filters_narrow_the_export(personas, crowd):
    api = ApiClient(personas.recruiter)
    tag_id = crowd["ada"].tags.get().pk

    by_country = _rows(api.get("/people/export", {"country": "de"}))
    by_tag = _rows(api.get("/people/export", {"tag": tag_id}))
    by_name = _rows(api.get("/people/export", {"q": "gra"}))

    assert {row["first_name"] for row in by_country} == {"Ada", "'=HYPERLINK(1)"}
    assert [row["first_name"] for row in by_tag] == ["Ada"]
    assert [row["first_name"] for row in by_name] == ["Grace"]


def test_formulas_are_neutralised(personas, crowd):
    rows = _rows(ApiClient(personas.admin).get("/people/export", {"q": "=HYPER"}))

    assert [row["first_name"] for row in rows] == ["'=HYPERLINK(1)"]


@pytest.mark.parametrize("scopes", [[Scope.READ], [Scope.READ, Scope.WRITE]])
def test_a_token_without_the_export_scope_is_refused(personas, crowd, scopes):
    response = ApiClient(personas.admin, scopes=scopes).get("/people/export")

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "insufficient_scope"
    assert response.json()["error"]["fields"] == {"scope": "'export' required"}


@pytest.mark.parametrize("persona", ["hiring_manager", "analyst", "coordinator"])
def test_roles_that_may_not_export_personal_data_are_refused(personas, crowd, persona):
    # given a hiring manager with a candidate, or an analyst, holding the export scope
    job = JobFactory(workspace=personas.workspace, hiring_manager=personas.hiring_manager)
    do_add_candidacy(actor=personas.admin, person=crowd["ada"], job=job)
    api = ApiClient(getattr(personas, persona), scopes=[Scope.READ, Scope.EXPORT])

    response = api.get("/people/export")

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"


def test_a_signed_in_session_exports_by_role(client, personas, crowd):
    client.force_login(personas.recruiter)

    response = client.get("/api/v1/people/export")

    assert response.status_code == 200
    assert len(_rows(response)) == 3


def test_no_credentials_is_401(client, crowd):
    assert client.get("/api/v1/people/export").status_code == 401


def test_bad_filters_are_422_with_the_field_named(personas, crowd):
    response = ApiClient(personas.admin).get("/people/export", {"lifecycle": "boss"})

    assert response.status_code == 422
    assert "lifecycle" in str(response.json()["error"]["fields"])
