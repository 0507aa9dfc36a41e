"""Persona matrix and outcomes of the duplicates, merges and data-quality endpoints."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from talentloop.api.testing import ApiClient
from talentloop.conftest import Personas
from talentloop.hygiene import actions
from talentloop.hygiene.models import DuplicateCandidate, MergeRecord
from talentloop.hygiene.tests.conftest import Pair
from talentloop.people.models import Person

pytestmark = pytest.mark.django_db
WRITERS = ["admin", "recruiter", "coordinator"]
READERS = ["hiring_manager", "analyst"]


@pytest.fixture
def candidate(pair: Pair) -> DuplicateCandidate:
    low, high = sorted((pair.survivor.pk, pair.other.pk))
    return DuplicateCandidate.objects.create(
        workspace=pair.survivor.workspace, low_id=low, high_id=high, score=12.5,
        verdict="same", reasons=[{"feature": "phone", "similarity": 1.0, "weight": 7.0}],
    )  # fmt: skip


@pytest.mark.parametrize("persona", WRITERS)
def test_writers_list_and_dismiss_pairs(
    personas: Personas, candidate: DuplicateCandidate, persona: str
) -> None:
    api = ApiClient(getattr(personas, persona))
    listed = api.get("/duplicates").json()["items"]
    assert [item["id"] for item in listed] == [candidate.pk]
    assert listed[0]["reasons"][0]["feature"] == "phone"

    response = api.post(f"/duplicates/{candidate.pk}/dismiss")

    assert response.status_code == 200
    assert response.json()["status"] == "dismissed"
    assert api.post(f"/duplicates/{candidate.pk}/dismiss").status_code == 409


@pytest.mark.parametrize("persona", READERS)
def test_readers_get_403_on_every_duplicate_endpoint(
    personas: Personas, candidate: DuplicateCandidate, pair: Pair, persona: str
) -> None:
    api = ApiClient(getattr(personas, persona))
    merge = {"survivor_id": pair.survivor.pk, "other_id": pair.other.pk}
    assert api.get("/duplicates").status_code == 403
    assert api.post(f"/duplicates/{candidate.pk}/dismiss").status_code == 403
    assert api.post("/duplicates/check", {"last_name": "Schmidt"}).status_code == 403
    assert api.post("/merges", merge).status_code in {403, 404}
    assert api.get("/merges").status_code == 403
    assert Person.objects.filter(pk=pair.other.pk).exists()


def test_another_workspace_gets_404(
    personas: Personas, candidate: DuplicateCandidate, pair: Pair
) -> None:
    api = ApiClient(personas.outsider)
    record = actions.do_merge_people(
        actor=pair.actor, survivor=pair.survivor, other=pair.other, field_choices={}
    )
    assert api.post(f"/duplicates/{candidate.pk}/dismiss").status_code == 404
    assert api.post(f"/merges/{record.pk}/undo").status_code == 404
    assert api.get("/merges").json()["items"] == []


def test_merge_then_undo_through_the_api(personas: Personas, pair: Pair) -> None:
    api = ApiClient(personas.coordinator)
    body = {
        "survivor_id": pair.survivor.pk,
        "other_id": pair.other.pk,
        "field_choices": {"last_name": "other"},
    }

    merged = api.post("/merges", body)

    assert merged.status_code == 201, merged.json()
    assert merged.json()["other_id"] == pair.other.pk
    assert Person.objects.get(pk=pair.survivor.pk).last_name == "Schmitt"
    undone = api.post(f"/merges/{merged.json()['id']}/undo")
    assert undone.status_code == 200
    assert Person.objects.get(pk=pair.other.pk).last_name == "Schmitt"
    assert Person.objects.get(pk=pair.survivor.pk).last_name == "Schmidt"
    assert api.post(f"/merges/{merged.json()['id']}/undo").status_code == 409


def test_bad_merge_input_is_a_422_that_changes_nothing(personas: Personas, pair: Pair) -> None:
    api = ApiClient(personas.admin)
    same = {"survivor_id": pair.survivor.pk, "other_id": pair.survivor.pk}
    unknown = {
        "survivor_id": pair.survivor.pk,
        "other_id": pair.other.pk,
        "field_choices": {"x": "other"},
    }
    assert api.post("/merges", same).status_code == 422
    assert api.post("/merges", unknown).status_code == 422
    assert (
        api.post("/merges", {"survivor_id": pair.survivor.pk, "other_id": 999999}).status_code
        == 404
    )
    assert MergeRecord.objects.count() == 0


def test_check_finds_the_stored_person_for_an_incoming_record(
    personas: Personas, pair: Pair
) -> None:
    from talentloop.hygiene import detection

    detection.check_people(personas.workspace.pk, [pair.survivor.pk, pair.other.pk])
    api = ApiClient(personas.recruiter)

    found = api.post("/duplicates/check", {"first_name": "Anna", "last_name": "Schmidt",
                                           "phones": ["+49 151 23456789"]}).json()  # fmt: skip

    assert [item["person_id"] for item in found][:2] == sorted(
        [pair.survivor.pk, pair.other.pk], key=lambda pk: pk != pair.survivor.pk
    )
    assert found[0]["verdict"] == "same"


def test_data_quality_counts_for_every_reader(personas: Personas, pair: Pair) -> None:
    for user in (personas.admin, personas.analyst):
        report = ApiClient(user).get("/data-quality").json()
        assert report["people"] == 2
        assert report["missing_email"] == 0
        assert report["suspected_duplicates"] == 0
        assert report["stale"] == 0
    assert ApiClient(personas.hiring_manager).get("/data-quality").json()["people"] == 0


def test_data_quality_flags_invalid_phones_stale_people_and_duplicates(
    personas: Personas, pair: Pair, candidate: DuplicateCandidate
) -> None:
    # given one person with a phone written without checks and another not engaged for 25 months
    workspace = personas.workspace
    loose = Person.objects.create(workspace=workspace, first_name="Loose", last_name="Phone")
    loose.contact_points.create(workspace=workspace, kind="phone", value="0151 2345")
    Person.objects.create(
        workspace=workspace,
        first_name="Dormant",
        last_name="Lead",
        last_engaged_at=timezone.now() - dt.timedelta(days=761),
    )

    report = ApiClient(personas.recruiter).get("/data-quality").json()

    # then each list counts exactly its people
    assert report == {
        "people": 4,
        "missing_email": 2,
        "invalid_phones": 1,
        "suspected_duplicates": 2,
        "stale": 1,
    }
