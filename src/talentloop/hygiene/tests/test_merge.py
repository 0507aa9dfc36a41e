"""Merge and undo: every related row carried over, restrictive consent, exact undo."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine

from talentloop.conftest import Personas
from talentloop.core.errors import Conflict, PermissionDenied, ValidationFailed
from talentloop.core.models import Event
from talentloop.hygiene import actions, snapshot
from talentloop.hygiene.models import MergeRecord
from talentloop.hygiene.tests.conftest import Pair
from talentloop.outreach.models import ContactBasis
from talentloop.people.models import ContactPoint, Person, PersonSkill, PersonTag, WorkExperience
from talentloop.recruiting.models import Candidacy, StageChange

pytestmark = pytest.mark.django_db


def dump(*people: Person) -> str:
    """Both people and every row hanging off them, as exact JSON."""
    rows = snapshot.capture([Person.objects.get(pk=person.pk) for person in people])
    return json.dumps(sorted(rows, key=lambda row: (row["model"], row["pk"])), sort_keys=True)


def test_merge_unions_rows_and_keeps_the_further_candidacy(pair: Pair) -> None:
    # given two records of one person, both in the same job
    survivor, other = pair.survivor, pair.other

    # when they are merged, taking the other's last name
    record = actions.do_merge_people(
        actor=pair.actor, survivor=survivor, other=other, field_choices={"last_name": "other"}
    )

    # then the other is gone and the survivor holds the union of their rows
    assert not Person.objects.filter(pk=other.pk).exists()
    survivor.refresh_from_db()
    assert survivor.last_name == "Schmitt"
    emails = set(
        ContactPoint.objects.filter(person=survivor, kind="email").values_list("value", flat=True)
    )
    assert emails == {"anna@example.com", "a.schmitt@example.org"}
    assert ContactPoint.objects.filter(person=survivor, kind="phone").count() == 1
    assert survivor.primary_email == "anna@example.com"
    tags = set(PersonTag.objects.filter(person=survivor).values_list("tag__name", flat=True))
    assert tags == {"python", "anna"}
    skills = set(PersonSkill.objects.filter(person=survivor).values_list("normalized", flat=True))
    assert skills == {"python", "anna skill"}
    assert WorkExperience.objects.filter(person=survivor).count() == 1
    assert survivor.activities.filter(kind="note").count() == 2
    # the candidacy further along (the other's) is kept, with its stage history
    kept = Candidacy.objects.get(person=survivor)
    assert kept.pk == pair.other_candidacy.pk
    assert StageChange.objects.filter(candidacy=kept).count() == 2
    assert {
        "model": "recruiting.candidacy",
        "id": pair.survivor_candidacy.pk,
        "why": "same job, less far along",
    } in record.notes["dropped"]
    # the withdrawal on one record withdraws the other's basis for the same purpose
    assert not ContactBasis.objects.filter(person=survivor, withdrawn_at__isnull=True).exists()
    event = Event.objects.get(verb="person.merged")
    assert event.subject_id == survivor.pk
    assert event.data == {
        "merged_person_id": other.pk,
        "merge_id": record.pk,
        "person_ids": [survivor.pk, other.pk],
    }


def test_undo_restores_both_people_exactly(pair: Pair) -> None:
    # given a merge of two records
    before = dump(pair.survivor, pair.other)
    record = actions.do_merge_people(
        actor=pair.actor,
        survivor=pair.survivor,
        other=pair.other,
        field_choices={"first_name": "other", "primary_email": "other"},
    )
    assert dump(pair.survivor) != before

    # when it is undone
    actions.do_undo_merge(actor=pair.actor, record=record)

    # then both people and all their rows are byte for byte what they were
    assert dump(pair.survivor, pair.other) == before
    record.refresh_from_db()
    assert record.undone_at is not None
    assert Event.objects.filter(verb="person.unmerged").count() == 2
    with pytest.raises(Conflict):
        actions.do_undo_merge(actor=pair.actor, record=record)


def test_undo_is_refused_after_30_days(pair: Pair) -> None:
    with time_machine.travel(dt.datetime(2026, 3, 1, tzinfo=dt.UTC), tick=False):
        record = actions.do_merge_people(
            actor=pair.actor, survivor=pair.survivor, other=pair.other, field_choices={}
        )
    later = time_machine.travel(dt.datetime(2026, 4, 1, tzinfo=dt.UTC), tick=False)
    with later, pytest.raises(Conflict, match="30 days"):
        actions.do_undo_merge(actor=pair.actor, record=record)
    assert MergeRecord.objects.get(pk=record.pk).undone_at is None


@pytest.mark.parametrize("role", ["analyst", "hiring_manager"])
def test_readers_cannot_merge(pair: Pair, personas: Personas, role: str) -> None:
    actor = getattr(personas, role)
    with pytest.raises(PermissionDenied):
        actions.do_merge_people(
            actor=actor, survivor=pair.survivor, other=pair.other, field_choices={}
        )
    assert Person.objects.filter(pk=pair.other.pk).exists()


def test_unknown_field_choice_is_refused_and_nothing_changes(pair: Pair) -> None:
    before = dump(pair.survivor, pair.other)
    with pytest.raises(ValidationFailed) as error:
        actions.do_merge_people(
            actor=pair.actor,
            survivor=pair.survivor,
            other=pair.other,
            field_choices={"password": "other", "city": "both"},
        )
    assert error.value.fields == {"password": "unknown field", "city": "choose survivor or other"}
    assert dump(pair.survivor, pair.other) == before
