"""/companies, /sources (+ costs) and /custom-fields over REST: roles, scoping, bad input."""

from __future__ import annotations

import pytest

from talentloop.core.models import Event
from talentloop.people.models import Company, CustomFieldDefinition, Source, SourceCost
from talentloop.recruiting.tests.api_client import api_client_factory
from talentloop.testing.factories import CompanyFactory, SourceFactory

WRITERS = ["admin", "recruiter", "coordinator"]
READ_ONLY = ["hiring_manager", "analyst"]
ROLES = [*WRITERS, *READ_ONLY]
COST = {
    "amount": "250.00",
    "currency": "EUR",
    "period_start": "2026-01-01",
    "period_end": "2026-01-31",
}


@pytest.fixture
def api_as():
    return api_client_factory()


# --- companies --------------------------------------------------------------------------------


@pytest.fixture
def company(personas):
    return CompanyFactory(workspace=personas.workspace, name="Acme", is_client=True)


@pytest.mark.parametrize("role", ROLES)
def test_everyone_in_the_workspace_reads_companies(personas, api_as, company, role):
    api = api_as(getattr(personas, role))
    assert [item["name"] for item in api.get("/companies").json()["items"]] == ["Acme"]
    assert api.get(f"/companies/{company.pk}").json()["is_client"] is True


def test_outsider_never_sees_our_companies(personas, api_as, company):
    api = api_as(personas.outsider)
    assert api.get("/companies").json()["items"] == []
    assert api.get(f"/companies/{company.pk}").status_code == 404
    assert api.patch(f"/companies/{company.pk}", {"name": "x"}).status_code == 404
    assert api.delete(f"/companies/{company.pk}").status_code == 404
    assert Company.objects.filter(pk=company.pk, name="Acme").exists()


@pytest.mark.parametrize("role", WRITERS)
def test_writers_manage_companies(personas, api_as, role):
    # given
    api = api_as(getattr(personas, role))

    # when
    created = api.post("/companies", {"name": "Globex", "website": "globex.example"})
    company_id = created.json()["id"]
    patched = api.patch(f"/companies/{company_id}", {"is_client": True})
    deleted = api.delete(f"/companies/{company_id}")

    # then
    assert (created.status_code, patched.status_code, deleted.status_code) == (201, 200, 204)
    assert created.json()["website"] == "https://globex.example"
    assert patched.json()["is_client"] is True
    verbs = list(Event.objects.filter(subject_type="company").values_list("verb", flat=True))
    assert verbs == ["company.created", "company.updated", "company.deleted"]


@pytest.mark.parametrize("role", READ_ONLY)
def test_read_only_roles_cannot_write_companies(personas, api_as, company, role):
    api = api_as(getattr(personas, role))
    responses = [
        api.post("/companies", {"name": "Globex"}),
        api.patch(f"/companies/{company.pk}", {"name": "x"}),
        api.delete(f"/companies/{company.pk}"),
    ]
    assert [response.status_code for response in responses] == [403, 403, 403]
    assert Company.objects.get(pk=company.pk).name == "Acme"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "name"),
        ({"name": ""}, "name"),
        ({"name": "A", "country": "Germany"}, "country"),
        ({"name": "A", "website": "not a url"}, "website"),
        ({"name": "A", "is_client": "maybe"}, "is_client"),
        ({"name": "A", "employees": 5}, "employees"),
    ],
)
def test_bad_company_input_is_422(personas, api_as, body, field):
    response = api_as(personas.recruiter).post("/companies", body)
    assert response.status_code == 422
    assert field in response.json()["error"]["fields"]
    assert not Company.objects.exists()


def test_company_filters(personas, api_as, company):
    CompanyFactory(workspace=personas.workspace, name="Initech", is_client=False)
    api = api_as(personas.admin)
    assert [c["name"] for c in api.get("/companies", is_client="false").json()["items"]] == [
        "Initech"
    ]
    assert [c["name"] for c in api.get("/companies", q="acm").json()["items"]] == ["Acme"]


# --- sources and costs ------------------------------------------------------------------------


@pytest.fixture
def source(personas):
    return SourceFactory(workspace=personas.workspace, name="LinkedIn")


@pytest.mark.parametrize("role", WRITERS)
def test_writers_manage_sources(personas, api_as, role):
    # given
    api = api_as(getattr(personas, role))

    # when
    created = api.post("/sources", {"name": "Indeed", "kind": "job_board"})
    source_id = created.json()["id"]
    patched = api.patch(f"/sources/{source_id}", {"name": "Indeed DE"})
    deleted = api.delete(f"/sources/{source_id}")

    # then
    assert (created.status_code, patched.status_code, deleted.status_code) == (201, 200, 204)
    assert patched.json()["name"] == "Indeed DE"


@pytest.mark.parametrize("role", READ_ONLY)
def test_read_only_roles_read_but_cannot_write_sources(personas, api_as, source, role):
    api = api_as(getattr(personas, role))
    assert api.get(f"/sources/{source.pk}").status_code == 200
    assert api.post("/sources", {"name": "Indeed"}).status_code == 403
    assert api.patch(f"/sources/{source.pk}", {"name": "x"}).status_code == 403
    assert api.delete(f"/sources/{source.pk}").status_code == 403


def test_duplicate_source_name_is_409(personas, api_as, source):
    response = api_as(personas.recruiter).post("/sources", {"name": "LinkedIn"})
    assert response.status_code == 409
    assert response.json()["error"]["fields"] == {"name": "taken"}
    assert Source.objects.filter(workspace=personas.workspace).count() == 1


def test_outsider_gets_404_for_our_sources(personas, api_as, source):
    api = api_as(personas.outsider)
    assert api.get(f"/sources/{source.pk}").status_code == 404
    assert api.get(f"/sources/{source.pk}/costs").status_code == 404
    assert api.post(f"/sources/{source.pk}/costs", COST).status_code == 404


@pytest.mark.parametrize(("role", "status"), [("admin", 201), *[(r, 403) for r in ROLES[1:]]])
def test_only_admins_record_source_costs(personas, api_as, source, role, status):
    # when
    response = api_as(getattr(personas, role)).post(f"/sources/{source.pk}/costs", COST)

    # then
    assert response.status_code == status
    assert SourceCost.objects.exists() == (status == 201)


def test_cost_list_and_delete(personas, api_as, source):
    # given
    api = api_as(personas.admin)
    cost_id = api.post(f"/sources/{source.pk}/costs", COST).json()["id"]

    # when
    listed = api_as(personas.analyst).get(f"/sources/{source.pk}/costs").json()["items"]
    refused = api_as(personas.recruiter).delete(f"/sources/{source.pk}/costs/{cost_id}")
    deleted = api.delete(f"/sources/{source.pk}/costs/{cost_id}")
    again = api.delete(f"/sources/{source.pk}/costs/{cost_id}")

    # then
    assert [(item["amount"], item["currency"]) for item in listed] == [("250.00", "EUR")]
    assert (refused.status_code, deleted.status_code, again.status_code) == (403, 204, 404)


def test_cost_of_another_source_is_404(personas, api_as, source):
    # given
    api = api_as(personas.admin)
    cost_id = api.post(f"/sources/{source.pk}/costs", COST).json()["id"]
    other = SourceFactory(workspace=personas.workspace)

    # then
    assert api.delete(f"/sources/{other.pk}/costs/{cost_id}").status_code == 404


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"amount": "-5"}, "amount"),
        ({"amount": "ten"}, "amount"),
        ({"currency": "EURO"}, "currency"),
        ({"currency": "e1r"}, "currency"),
        ({"period_start": "2026-02-01"}, "period_end"),
        ({"period_end": "soon"}, "period_end"),
        ({"vendor": "x"}, "vendor"),
    ],
)
def test_bad_cost_input_is_422(personas, api_as, source, changes, field):
    response = api_as(personas.admin).post(f"/sources/{source.pk}/costs", {**COST, **changes})
    assert response.status_code == 422
    assert field in response.json()["error"]["fields"]
    assert not SourceCost.objects.exists()


# --- custom fields ----------------------------------------------------------------------------

FIELD = {
    "key": "notice_period",
    "label": "Notice period",
    "field_type": "choice",
    "choices": ["none", "1m"],
}


@pytest.mark.parametrize(("role", "status"), [("admin", 201), *[(r, 403) for r in ROLES[1:]]])
def test_only_admins_define_custom_fields(personas, api_as, role, status):
    response = api_as(getattr(personas, role)).post("/custom-fields", FIELD)
    assert response.status_code == status
    assert CustomFieldDefinition.objects.exists() == (status == 201)


@pytest.mark.parametrize("role", ROLES)
def test_everyone_reads_custom_fields(personas, api_as, role):
    # given
    field_id = api_as(personas.admin).post("/custom-fields", FIELD).json()["id"]

    # when
    api = api_as(getattr(personas, role))

    # then
    assert [item["key"] for item in api.get("/custom-fields").json()["items"]] == ["notice_period"]
    assert api.get(f"/custom-fields/{field_id}").status_code == 200


@pytest.mark.parametrize("role", ROLES[1:])
def test_only_admins_change_or_archive_custom_fields(personas, api_as, role):
    field_id = api_as(personas.admin).post("/custom-fields", FIELD).json()["id"]
    api = api_as(getattr(personas, role))
    assert api.patch(f"/custom-fields/{field_id}", {"label": "x"}).status_code == 403
    assert api.delete(f"/custom-fields/{field_id}").status_code == 403


def test_custom_field_key_is_immutable(personas, api_as):
    # given
    api = api_as(personas.admin)
    field_id = api.post("/custom-fields", FIELD).json()["id"]

    # when
    renamed = api.patch(f"/custom-fields/{field_id}", {"key": "notice", "label": "Notice"})
    same_key = api.patch(f"/custom-fields/{field_id}", {"key": "notice_period", "label": "Notice"})

    # then
    assert renamed.status_code == 422
    assert "key" in renamed.json()["error"]["fields"]
    assert same_key.status_code == 200
    assert (same_key.json()["key"], same_key.json()["label"]) == ("notice_period", "Notice")


def test_archived_fields_are_hidden_unless_asked_for(personas, api_as):
    # given
    api = api_as(personas.admin)
    field_id = api.post("/custom-fields", FIELD).json()["id"]

    # when
    archived = api.delete(f"/custom-fields/{field_id}")

    # then
    assert archived.status_code == 204
    assert api.get("/custom-fields").json()["items"] == []
    [item] = api.get("/custom-fields", include_archived="true").json()["items"]
    assert item["archived"] is True
    assert api.post("/custom-fields", FIELD).status_code == 409


def test_outsider_gets_404_for_our_custom_fields(personas, api_as):
    field_id = api_as(personas.admin).post("/custom-fields", FIELD).json()["id"]
    api = api_as(personas.outsider)
    assert api.get(f"/custom-fields/{field_id}").status_code == 404
    assert api.patch(f"/custom-fields/{field_id}", {"label": "x"}).status_code == 404
    assert api.delete(f"/custom-fields/{field_id}").status_code == 404


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"key": "Notice Period"}, "key"),
        ({"field_type": "colour"}, "field_type"),
        ({"choices": []}, "choices"),
        ({"choices": "none"}, "choices"),
        ({"label": ""}, "label"),
        ({"required": True}, "required"),
    ],
)
def test_bad_custom_field_input_is_422(personas, api_as, changes, field):
    response = api_as(personas.admin).post("/custom-fields", {**FIELD, **changes})
    assert response.status_code == 422
    assert field in response.json()["error"]["fields"]
