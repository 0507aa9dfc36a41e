"""Duplicates found on create (event consumer → task), by the batch scan, and the check."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest

from talentloop.conftest import Personas
from talentloop.core.events import dispatch_pending
from talentloop.core.models import Event
from talentloop.hygiene import actions, consumers, detection
from talentloop.hygiene.matching import PersonRecord
from talentloop.hygiene.models import BlockingKey, CandidateStatus, DuplicateCandidate
from talentloop.people import actions as people
from talentloop.people.actions import ContactInput
from talentloop.people.models import Person
from talentloop.testing.factories import PersonFactory

pytestmark = pytest.mark.django_db
Capture = Callable[..., AbstractContextManager[Any]]


def settle(capture: Capture) -> None:
    """Dispatch pending events as the worker does, then what the consumer queues on commit.

    Why the explicit flush: inside a test's transaction nothing commits, so a callback the
    consumer registered once stays registered and is not added again.
    """
    with capture(execute=False):
        dispatch_pending()
    consumers.flush_pending()


def create(personas: Personas, first: str, last: str, phone: str) -> Person:
    return people.do_create_person(
        actor=personas.recruiter,
        workspace=personas.workspace,
        fields={"first_name": first, "last_name": last, "city": "Berlin"},
        contacts=[ContactInput("phone", phone)],
    )


def test_creating_a_duplicate_records_a_possible_pair(
    personas: Personas, django_capture_on_commit_callbacks: Capture
) -> None:
    # given a stored person
    first = create(personas, "Jonathan", "Meyer", "+49 151 11122233")
    settle(django_capture_on_commit_callbacks)

    # when a second record of them is created (typo in the name, same phone)
    second = create(personas, "Jonathon", "Meyer", "+4915111122233")
    settle(django_capture_on_commit_callbacks)

    # then the consumer stored keys and the pair, with reasons but no values
    pair = DuplicateCandidate.objects.get()
    assert (pair.low_id, pair.high_id) == (first.pk, second.pk)
    assert (pair.verdict, pair.status) == ("same", CandidateStatus.OPEN)
    assert {reason["feature"] for reason in pair.reasons} >= {"phone", "last_name"}
    assert "Meyer" not in str(pair.reasons)
    assert BlockingKey.objects.filter(person=second).exists()


def test_a_dismissed_pair_stays_dismissed_when_a_side_changes(
    personas: Personas, django_capture_on_commit_callbacks: Capture
) -> None:
    first = create(personas, "Jonathan", "Meyer", "+49 151 11122233")
    create(personas, "Jonathan", "Meyer", "+4915111122233")
    settle(django_capture_on_commit_callbacks)
    pair = DuplicateCandidate.objects.get()
    actions.do_dismiss_candidate(actor=personas.recruiter, candidate=pair)

    people.do_update_person(actor=personas.recruiter, person=first, fields={"city": "Bonn"})
    settle(django_capture_on_commit_callbacks)

    pair.refresh_from_db()
    assert pair.status == CandidateStatus.DISMISSED
    assert Event.objects.filter(verb="duplicate.dismissed").count() == 1


def test_batch_scan_finds_pairs_among_stored_people_of_one_workspace(personas: Personas) -> None:
    # given people written without events (as a bulk load would), in two workspaces
    workspace = personas.workspace
    twin_a = PersonFactory(workspace=workspace, first_name="Maria", last_name="Garcia")
    twin_b = PersonFactory(workspace=workspace, first_name="María", last_name="García")
    for twin in (twin_a, twin_b):
        twin.contact_points.create(workspace=workspace, kind="email", value="maria@example.com")
    PersonFactory(workspace=workspace, first_name="Kim", last_name="Lee")
    elsewhere = PersonFactory(
        workspace=personas.outsider.workspace, first_name="Maria", last_name="Garcia"
    )

    # when the workspace is scanned (twice: the second finds nothing new)
    report = actions.run_scan(workspace_id=workspace.pk, actor_id=personas.admin.pk)
    again = actions.run_scan(workspace_id=workspace.pk, actor_id=None)

    # then exactly the twins are paired, and keys exist for everyone of the workspace
    assert (report.people, report.candidates, again.candidates) == (3, 1, 0)
    pair = DuplicateCandidate.objects.get()
    assert {pair.low_id, pair.high_id} == {twin_a.pk, twin_b.pk}
    assert not BlockingKey.objects.filter(person=elsewhere).exists()
    assert Event.objects.filter(verb="duplicate.scanned").count() == 2


def test_checking_an_incoming_record_reads_only_its_blocks(personas: Personas) -> None:
    stored = PersonFactory(workspace=personas.workspace, first_name="Olu", last_name="Adeyemi")
    stored.contact_points.create(workspace=personas.workspace, kind="phone", value="+447400123456")
    PersonFactory(workspace=personas.workspace, first_name="Zed", last_name="Quinn")
    detection.check_people(personas.workspace.pk, Person.objects.values_list("pk", flat=True))

    incoming = PersonRecord(
        key="new", first_name="Olu", last_name="Adeyemi", phones=("07400 123456",)
    )
    matches = detection.find_matches(workspace_id=personas.workspace.pk, record=incoming)

    assert [match.person_id for match in matches] == [stored.pk]
    assert matches[0].result.verdict.value == "same"
