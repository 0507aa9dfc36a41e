"""The segments and lists API: CRUD, members, facets, counts, preview, export, roles matrix."""

from __future__ import annotations

import csv
import io

import pytest

from talentloop.accounts.domain import Role, Scope
from talentloop.api.testing import ApiClient
from talentloop.people.models import Person
from talentloop.recruiting import actions as recruiting_actions
from talentloop.search import actions, list_actions
from talentloop.search.models import Segment, StaticList
from talentloop.testing.factories import JobFactory, PersonFactory

pytestmark = pytest.mark.django_db
WRITERS = {Role.ADMIN, Role.RECRUITER, Role.COORDINATOR}
EXPORTERS = {Role.ADMIN, Role.RECRUITER}
ALL_ROLES = list(Role)


@pytest.fixture
def world(personas):
    """Three Berliners (one in the hiring manager's job), a Parisian, a segment and a list."""
    ws = personas.workspace
    people = [
        PersonFactory(workspace=ws, city="Berlin", first_name=f"B{n}", primary_email=f"b{n}@x.io")
        for n in range(3)
    ]
    PersonFactory(workspace=ws, city="Paris")
    job = JobFactory(workspace=ws, hiring_manager=personas.hiring_manager)
    recruiting_actions.do_add_candidacy(actor=personas.admin, person=people[0], job=job)
    segment = actions.do_create_segment(
        actor=personas.recruiter, workspace=ws, name="Berlin", query="city:Berlin"
    )
    static_list = list_actions.do_create_list(actor=personas.recruiter, workspace=ws, name="Short")
    list_actions.do_add_list_members(
        actor=personas.recruiter, static_list=static_list, person_ids=[p.pk for p in people]
    )
    return {"people": people, "segment": segment, "list": static_list, "job": job}


def ids(response) -> list[int]:
    return sorted(item["id"] for item in response.json()["items"])


# --- segments CRUD ----------------------------------------------------------------------------


def test_create_read_update_delete_a_segment(personas, world):
    api = ApiClient(personas.recruiter)

    created = api.post("/segments", {"name": "Paris", "query": "city:Paris", "description": "fr"})
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["name"], body["query"], body["last_count"]) == ("Paris", "city:Paris", 1)
    segment_id = body["id"]

    assert api.get(f"/segments/{segment_id}").json()["description"] == "fr"
    listed = api.get("/segments", {"sort": "name"}).json()
    assert [item["name"] for item in listed["items"]] == ["Berlin", "Paris"]

    patched = api.patch(f"/segments/{segment_id}", {"query": "city:Berlin", "name": "Berlin 2"})
    assert patched.status_code == 200, patched.content
    assert (patched.json()["last_count"], patched.json()["name"]) == (3, "Berlin 2")

    assert api.delete(f"/segments/{segment_id}").status_code == 204
    assert api.get(f"/segments/{segment_id}").status_code == 404


def test_an_invalid_query_is_a_400_with_position_and_hint(personas):
    api = ApiClient(personas.recruiter)

    response = api.post("/segments", {"name": "Typo", "query": "city:Berlin AND skils:python"})

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_query"
    assert error["fields"]["position"] == "16"
    assert "skills" in error["fields"]["hint"] + error["message"]
    preview = api.post("/segments/preview", {"query": "((("})
    assert preview.status_code == 400
    assert preview.json()["error"]["code"] == "invalid_query"


def test_a_taken_name_is_a_409_and_unknown_fields_a_422(personas, world):
    api = ApiClient(personas.recruiter)
    assert api.post("/segments", {"name": "Berlin", "query": ""}).status_code == 409
    assert api.post("/segments", {"name": "X", "query": "", "colour": 1}).status_code == 422


# --- members, facets, counts, preview -------------------------------------------------------


def test_members_are_paginated_with_a_cursor(personas, world):
    api = ApiClient(personas.admin)
    segment = world["segment"]

    first = api.get(f"/segments/{segment.pk}/members", {"limit": 2, "sort": "created_at"}).json()
    second = api.get(
        f"/segments/{segment.pk}/members",
        {"limit": 2, "sort": "created_at", "cursor": first["next_cursor"]},
    ).json()

    assert len(first["items"]) == 2
    assert first["next_cursor"]
    assert second["next_cursor"] is None
    got = [item["id"] for item in first["items"] + second["items"]]
    assert got == [person.pk for person in world["people"]]


def test_a_hiring_manager_sees_only_the_people_of_their_jobs(personas, world):
    api = ApiClient(personas.hiring_manager)
    segment, static_list = world["segment"], world["list"]
    mine = [world["people"][0].pk]

    assert ids(api.get(f"/segments/{segment.pk}/members")) == mine
    assert ids(api.get(f"/lists/{static_list.pk}/members")) == mine
    facets = api.get(f"/segments/{segment.pk}/facets", {"facets": ["city"]}).json()
    assert facets["facets"]["city"] == [{"value": "Berlin", "count": 1}]
    preview = api.post("/segments/preview", {"query": "city:Berlin"}).json()
    assert preview["count"] == 1
    assert [item["id"] for item in preview["items"]] == mine
    # workspace-wide counts would reveal people they may not see
    assert api.get(f"/segments/{segment.pk}").json()["last_count"] is None
    assert api.get(f"/segments/{segment.pk}/counts").status_code == 403


def test_a_hiring_manager_cannot_read_a_salary_segment(personas, world):
    segment = actions.do_create_segment(
        actor=personas.admin, workspace=personas.workspace, name="Cheap", query="salary.max<=1000"
    )
    api = ApiClient(personas.hiring_manager)
    assert api.get(f"/segments/{segment.pk}/members").status_code == 403
    assert api.get(f"/segments/{segment.pk}/facets").status_code == 403
    assert ApiClient(personas.analyst).get(f"/segments/{segment.pk}/members").status_code == 200


def test_facets_and_counts_history(personas, world):
    api = ApiClient(personas.analyst)
    segment = world["segment"]

    facets = api.get(f"/segments/{segment.pk}/facets", {"top": 5}).json()["facets"]
    assert facets["city"] == [{"value": "Berlin", "count": 3}]
    assert set(facets) == {"skills", "country", "city", "seniority", "source", "stage", "tags"}
    assert facets["stage"][0]["count"] == 1

    Person.objects.filter(pk=world["people"][2].pk).update(city="Rome")
    actions.refresh_segment(segment)
    history = api.get(f"/segments/{segment.pk}/counts").json()["items"]
    assert [(row["count"], row["left"]) for row in history] == [(2, 1), (3, 0)]


def test_preview_answers_count_facets_and_first_page(personas, world):
    api = ApiClient(personas.analyst)

    response = api.post(
        "/segments/preview", {"query": "city:Berlin", "facets": ["city"], "limit": 2}
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == 3
    assert list(body["facets"]) == ["city"]
    assert len(body["items"]) == 2
    assert not Segment.objects.filter(name="").exists()


# --- static lists -------------------------------------------------------------------------------


def test_lists_crud_members_and_snapshot(personas, world):
    api = ApiClient(personas.coordinator)
    people = world["people"]

    created = api.post("/lists", {"name": "Call back"})
    assert created.status_code == 201
    list_id = created.json()["id"]
    added = api.post(f"/lists/{list_id}/members", {"person_ids": [people[0].pk, people[1].pk]})
    assert added.json() == {"changed": 2}
    removed = api.post(f"/lists/{list_id}/members/remove", {"person_ids": [people[0].pk]})
    assert removed.json() == {"changed": 1}
    assert ids(api.get(f"/lists/{list_id}/members")) == [people[1].pk]
    assert api.patch(f"/lists/{list_id}", {"name": "Later"}).json()["name"] == "Later"
    assert [item["name"] for item in api.get("/lists").json()["items"]] == ["Later", "Short"]

    snapshot = api.post(f"/segments/{world['segment'].pk}/snapshot", {"name": "Berlin today"})
    assert snapshot.status_code == 201
    assert snapshot.json()["source_segment_id"] == world["segment"].pk
    assert ids(api.get(f"/lists/{snapshot.json()['id']}/members")) == [p.pk for p in people]

    assert api.delete(f"/lists/{list_id}").status_code == 204
    assert not StaticList.objects.filter(pk=list_id).exists()


def test_adding_a_stranger_to_a_list_is_a_422(personas, world):
    stranger = PersonFactory()
    response = ApiClient(personas.admin).post(
        f"/lists/{world['list'].pk}/members", {"person_ids": [stranger.pk]}
    )
    assert response.status_code == 422
    assert "person_ids" in response.json()["error"]["fields"]


# --- export -------------------------------------------------------------------------------------


def read_csv(response) -> list[dict[str, str]]:
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.parametrize("role", ALL_ROLES)
def test_export_needs_an_exporting_role(personas, world, role):
    api = ApiClient(personas.by_role(role), scopes=[Scope.READ, Scope.EXPORT])
    for path in (f"/segments/{world['segment'].pk}/export", f"/lists/{world['list'].pk}/export"):
        response = api.get(path)
        if role in EXPORTERS:
            assert response.status_code == 200, path
            assert response["Content-Type"].startswith("text/csv")
            rows = read_csv(response)
            assert sorted(int(row["id"]) for row in rows) == [p.pk for p in world["people"]]
            assert {row["email"] for row in rows} == {"b0@x.io", "b1@x.io", "b2@x.io"}
        else:
            assert response.status_code == 403, path


def test_export_needs_the_export_scope(personas, world):
    api = ApiClient(personas.admin, scopes=[Scope.READ, Scope.WRITE])
    response = api.get(f"/segments/{world['segment'].pk}/export")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "insufficient_scope"


# --- the roles matrix and isolation -------------------------------------------------------------


def _reads(world) -> list[tuple[str, str, dict | None]]:
    s, lst = world["segment"].pk, world["list"].pk
    return [
        ("get", "/segments", None),
        ("get", f"/segments/{s}", None),
        ("get", f"/segments/{s}/members", None),
        ("get", f"/segments/{s}/facets", None),
        ("post", "/segments/preview", {"query": "city:Berlin"}),
        ("get", "/lists", None),
        ("get", f"/lists/{lst}", None),
        ("get", f"/lists/{lst}/members", None),
    ]


def _writes(world) -> list[tuple[str, str, dict | None]]:
    s, lst, person = world["segment"].pk, world["list"].pk, world["people"][1].pk
    return [
        ("post", "/segments", {"name": "New", "query": ""}),
        ("patch", f"/segments/{s}", {"description": "changed"}),
        ("post", f"/segments/{s}/refresh", None),
        ("post", f"/segments/{s}/snapshot", {"name": "Snap"}),
        ("post", "/lists", {"name": "Another"}),
        ("patch", f"/lists/{lst}", {"description": "changed"}),
        ("post", f"/lists/{lst}/members/remove", {"person_ids": [person]}),
        ("post", f"/lists/{lst}/members", {"person_ids": [person]}),
        ("delete", f"/lists/{lst}", None),
        ("delete", f"/segments/{s}", None),
    ]


def _call(api: ApiClient, method: str, path: str, body: dict | None):
    if method == "get":
        return api.get(path)
    if method == "delete":
        return api.delete(path)
    return getattr(api, method)(path, body)


@pytest.mark.parametrize("role", ALL_ROLES)
def test_roles_matrix(personas, world, role):
    api = ApiClient(personas.by_role(role))
    for method, path, body in _reads(world):
        assert _call(api, method, path, body).status_code == 200, (method, path)
    counts = api.get(f"/segments/{world['segment'].pk}/counts").status_code
    assert counts == (403 if role is Role.HIRING_MANAGER else 200)
    for method, path, body in _writes(world):
        status = _call(api, method, path, body).status_code
        if role in WRITERS:
            assert status in {200, 201, 204}, (method, path, status)
        else:
            assert status == 403, (method, path, status)


def test_another_workspace_gets_404_and_sees_nothing(personas, world):
    api = ApiClient(personas.outsider)
    s, lst = world["segment"].pk, world["list"].pk
    by_id = [
        call for call in [*_reads(world), *_writes(world)] if any(c.isdigit() for c in call[1])
    ]
    for method, path, body in [
        *by_id,
        ("get", f"/segments/{s}/counts", None),
        ("get", f"/segments/{s}/export", None),
        ("get", f"/lists/{lst}/export", None),
    ]:
        assert _call(api, method, path, body).status_code == 404, (method, path)
    assert api.get("/segments").json()["items"] == []
    assert api.get("/lists").json()["items"] == []
    assert api.post("/segments/preview", {"query": "city:Berlin"}).json()["count"] == 0


def test_unauthenticated_calls_are_refused(world):
    api = ApiClient(None)
    assert api.get("/segments").status_code == 401
    assert api.get(f"/segments/{world['segment'].pk}/export").status_code == 401
