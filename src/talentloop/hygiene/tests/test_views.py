"""The review queue, compare-and-merge, merge history, profile card and data-quality pages."""

from __future__ import annotations

import pytest

from talentloop.conftest import Personas
from talentloop.hygiene.models import CandidateStatus, DuplicateCandidate, MergeRecord
from talentloop.hygiene.tests.conftest import Pair
from talentloop.people.models import Person
from talentloop.ui.tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def candidate(pair: Pair) -> DuplicateCandidate:
    low, high = sorted((pair.survivor.pk, pair.other.pk))
    return DuplicateCandidate.objects.create(
        workspace=pair.survivor.workspace, low_id=low, high_id=high, score=11.0,
        verdict="same", reasons=[{"feature": "last_name", "similarity": 0.95, "weight": 3.0}],
    )  # fmt: skip


def test_queue_compare_and_merge_keeping_the_right_hand_record(
    personas: Personas, pair: Pair, candidate: DuplicateCandidate
) -> None:
    client = client_for(personas.recruiter)
    queue = client.get("/people/duplicates/")
    assert queue.status_code == 200
    assert b"Last name 95%" in queue.content
    compare = client.get(f"/people/duplicates/{candidate.pk}/")
    assert compare.status_code == 200
    assert b"Schmitt" in compare.content
    assert b"Schmidt" in compare.content

    # when the reviewer keeps the right-hand record but the left-hand last name
    left_name = Person.objects.get(pk=candidate.low_id).last_name
    response = client.post(
        f"/people/duplicates/{candidate.pk}/", {"keep": "right", "field_last_name": "left"}
    )

    # then the right-hand person survives with the chosen value
    right, left = candidate.high_id, candidate.low_id
    assert response.status_code == 302
    assert response["Location"] == f"/people/{right}/"
    assert not Person.objects.filter(pk=left).exists()
    assert Person.objects.get(pk=right).last_name == left_name
    history = client.get("/people/merges/")
    assert b"Undo" in history.content


def test_undo_from_the_history_page(
    personas: Personas, pair: Pair, candidate: DuplicateCandidate
) -> None:
    client = client_for(personas.admin)
    client.post(f"/people/duplicates/{candidate.pk}/", {"keep": "left"})
    record = MergeRecord.objects.get()

    response = client.post(f"/people/merges/{record.pk}/undo/")

    assert response.status_code == 302
    assert Person.objects.filter(pk=record.other_id).exists()
    assert DuplicateCandidate.objects.get(pk=candidate.pk).status == CandidateStatus.OPEN


def test_dismiss_and_profile_card(
    personas: Personas, pair: Pair, candidate: DuplicateCandidate
) -> None:
    client = client_for(personas.coordinator)
    card = client.get(f"/people/{pair.survivor.pk}/duplicates/")
    assert b"Possible duplicate" in card.content
    assert client.post(f"/people/duplicates/{candidate.pk}/dismiss/").status_code == 302
    assert (
        b"Possible duplicate" not in client.get(f"/people/{pair.survivor.pk}/duplicates/").content
    )


@pytest.mark.parametrize("role", ["analyst", "hiring_manager"])
def test_readers_cannot_open_the_queue_or_merge(
    personas: Personas, candidate: DuplicateCandidate, role: str
) -> None:
    client = client_for(getattr(personas, role))
    assert client.get("/people/duplicates/").status_code == 403
    assert client.post(f"/people/duplicates/{candidate.pk}/", {"keep": "left"}).status_code == 403
    assert Person.objects.filter(pk=candidate.high_id).exists()


def test_other_workspace_gets_404(personas: Personas, candidate: DuplicateCandidate) -> None:
    client = client_for(personas.outsider)
    assert client.get(f"/people/duplicates/{candidate.pk}/").status_code == 404


def test_data_quality_page_lists_people_missing_email(personas: Personas, pair: Pair) -> None:
    Person.objects.create(workspace=personas.workspace, first_name="No", last_name="Mail")
    page = client_for(personas.analyst).get("/people/data-quality/")
    assert page.status_code == 200
    assert b'id="count-missing-email">1<' in page.content
    assert b"No Mail" in page.content


def test_scan_button_runs_the_scan_in_the_background(personas: Personas, pair: Pair) -> None:
    # given two stored records of one person and no pair yet (tasks run inline in tests)
    client = client_for(personas.recruiter)

    response = client.post("/people/duplicates/scan/")

    assert response.status_code == 302
    pair_row = DuplicateCandidate.objects.get()
    assert {pair_row.low_id, pair_row.high_id} == {pair.survivor.pk, pair.other.pk}
    assert client_for(personas.analyst).post("/people/duplicates/scan/").status_code == 403
