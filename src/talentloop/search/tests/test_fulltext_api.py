"""GET /api/v1/search and /search/people/lookup: ranking, snippets, errors, roles."""

from __future__ import annotations

import pytest

from talentloop.accounts.domain import Role
from talentloop.api.testing import ApiClient
from talentloop.conftest import Personas
from talentloop.people.actions import ContactInput, SkillInput, do_create_person
from talentloop.people.models import Person
from talentloop.recruiting.actions import do_add_candidacy
from talentloop.search import fulltext
from talentloop.testing.factories import JobFactory

pytestmark = pytest.mark.django_db


def person(personas: Personas, first: str, last: str, **fields: object) -> Person:
    skills = [SkillInput(name=name) for name in fields.pop("skills", ())]  # type: ignore[attr-defined]
    email = str(fields.pop("email", ""))
    created = do_create_person(
        actor=personas.admin,
        workspace=personas.workspace,
        fields={"first_name": first, "last_name": last, **fields},
        contacts=[ContactInput(kind="email", value=email)] if email else [],
        skills=skills,
    )
    fulltext.reindex_people([created.pk])
    return created


@pytest.fixture
def crowd(personas: Personas) -> dict[str, Person]:
    return {
        "name": person(personas, "Ruth", "Python", city="Berlin"),
        "skill": person(personas, "Sam", "Skills", skills=("Python",), city="Berlin"),
        "other": person(personas, "Olga", "Other", skills=("Go",), city="Berlin"),
        "evil": person(personas, "<script>alert(1)</script>", "Python", city="Paris"),
    }


def test_text_queries_answer_best_first_with_safe_snippets(
    personas: Personas, crowd: dict[str, Person]
) -> None:
    api = ApiClient(personas.recruiter)
    response = api.get("/search", {"q": "python city:Berlin"})
    assert response.status_code == 200
    items = response.json()["items"]
    assert [item["id"] for item in items] == [crowd["name"].pk, crowd["skill"].pk]
    assert items[0]["rank"] > items[1]["rank"] > 0
    assert "<mark>" in items[0]["snippet"]
    evil = api.get("/search", {"q": "python city:Paris"}).json()["items"][0]
    assert "<script>" not in evil["snippet"]
    assert evil["first_name"] == "<script>alert(1)</script>"  # JSON data, not HTML


def test_phrases_and_exclusions(personas: Personas, crowd: dict[str, Person]) -> None:
    api = ApiClient(personas.admin)
    found = api.get("/search", {"q": 'python AND NOT "Ruth Python"'}).json()["items"]
    assert {item["id"] for item in found} == {crowd["skill"].pk, crowd["evil"].pk}


def test_queries_without_words_list_the_most_engaged_first(
    personas: Personas, crowd: dict[str, Person]
) -> None:
    api = ApiClient(personas.admin)
    first = api.get("/search", {"q": "city:Berlin", "limit": 2}).json()
    assert len(first["items"]) == 2
    assert first["next_cursor"]
    assert {item["rank"] for item in first["items"]} == {0.0}
    rest = api.get("/search", {"q": "city:Berlin", "cursor": first["next_cursor"]}).json()
    ids = [item["id"] for item in first["items"] + rest["items"]]
    assert sorted(ids) == sorted(p.pk for k, p in crowd.items() if k != "evil")


def test_ranked_pages_follow_each_other(personas: Personas, crowd: dict[str, Person]) -> None:
    api = ApiClient(personas.admin)
    first = api.get("/search", {"q": "python", "limit": 2}).json()
    second = api.get("/search", {"q": "python", "limit": 2, "cursor": first["next_cursor"]})
    ids = [item["id"] for item in first["items"] + second.json()["items"]]
    assert len(ids) == len(set(ids)) == 3
    assert second.json()["next_cursor"] is None


@pytest.mark.parametrize("cursor", ["nonsense", "WyJyYW5rZWQiLCAtMV0", "W10"])
def test_bad_cursors_are_400(personas: Personas, cursor: str) -> None:
    response = ApiClient(personas.admin).get("/search", {"q": "python", "cursor": cursor})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_cursor"


def test_invalid_queries_are_400_with_position_and_hint(personas: Personas) -> None:
    response = ApiClient(personas.admin).get("/search", {"q": "skils:python"})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_query"
    assert error["fields"]["position"] == "0"
    assert "skills" in error["fields"]["hint"] + error["message"]


def test_hiring_managers_search_only_their_jobs_people(
    personas: Personas, crowd: dict[str, Person]
) -> None:
    job = JobFactory(workspace=personas.workspace, hiring_manager=personas.hiring_manager)
    do_add_candidacy(actor=personas.admin, person=crowd["skill"], job=job)
    api = ApiClient(personas.by_role(Role.HIRING_MANAGER))
    found = api.get("/search", {"q": "python"}).json()["items"]
    assert [item["id"] for item in found] == [crowd["skill"].pk]
    looked_up = api.get("/search/people/lookup", {"q": "Rtuh Pyhton"}).json()
    assert looked_up == []


def test_other_workspaces_find_nothing(personas: Personas, crowd: dict[str, Person]) -> None:
    api = ApiClient(personas.outsider)
    assert api.get("/search", {"q": "python"}).json()["items"] == []
    assert api.get("/search/people/lookup", {"q": "Ruth Python"}).json() == []


def test_lookup_finds_names_and_emails_despite_typos(personas: Personas) -> None:
    john = person(personas, "John", "Smith", email="john.smith@example.com")
    person(personas, "Jane", "Doe")
    api = ApiClient(personas.analyst)
    for typed in ("Jonh Smtih", "jon.smith@exmaple.com", "smith"):
        hits = api.get("/search/people/lookup", {"q": typed}).json()
        assert hits[0]["id"] == john.pk, typed
        assert hits[0]["full_name"] == "John Smith"
        assert 0 < hits[0]["score"] <= 1


def test_lookup_needs_text(personas: Personas) -> None:
    assert ApiClient(personas.admin).get("/search/people/lookup", {"q": ""}).status_code == 422


def test_anonymous_callers_are_refused(db: None) -> None:
    assert ApiClient(None).get("/search", {"q": "x"}).status_code == 401
