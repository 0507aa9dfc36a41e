"""Merge rules for outreach: enrolments re-pointed, the most restrictive opt-out wins."""

from __future__ import annotations

import json

import pytest

from talentloop.conftest import Personas
from talentloop.core import clock
from talentloop.hygiene import actions, snapshot
from talentloop.hygiene.tests.conftest import Pair
from talentloop.outreach import mailbox_actions
from talentloop.outreach.models import ContactPreference
from talentloop.outreach.sequence_actions import save_sequence
from talentloop.outreach.sequence_models import Enrollment
from talentloop.people.models import Person

pytestmark = pytest.mark.django_db


def enroll(pair: Pair, person: Person, sequence_id: int, mailbox_id: int) -> Enrollment:
    return Enrollment.objects.create(
        workspace=person.workspace, person=person, sequence_id=sequence_id,
        mailbox_id=mailbox_id, state="active", next_run_at=clock.now(),
    )  # fmt: skip


def dump(pair: Pair) -> str:
    people = Person.objects.filter(pk__in=[pair.survivor.pk, pair.other.pk]).order_by("pk")
    return json.dumps(snapshot.capture(list(people)), sort_keys=True)


def test_enrolments_move_over_and_opt_outs_win(personas: Personas, pair: Pair) -> None:
    # given both records live in a sequence on one mailbox; the other record opted out
    mailbox = mailbox_actions.save_mailbox(
        actor=personas.admin, name="Outbox", from_address="hi@acme.example.com",
        kind="local", owner_id=None,
    )  # fmt: skip
    sequence = save_sequence(
        actor=personas.recruiter, name="Intro", mailbox_id=mailbox.pk,
        steps=[{"kind": "task", "task_kind": "call", "task_note": "Say hello"}],
    )  # fmt: skip
    kept = enroll(pair, pair.survivor, sequence.pk, mailbox.pk)
    theirs = enroll(pair, pair.other, sequence.pk, mailbox.pk)
    ContactPreference.objects.create(workspace=pair.survivor.workspace, person=pair.survivor)
    ContactPreference.objects.create(
        workspace=pair.other.workspace, person=pair.other,
        unsubscribed_all_at=clock.now(), opted_out_topics=["newsletter"],
    )  # fmt: skip
    Person.objects.filter(pk=pair.other.pk).update(do_not_contact=True)
    before = dump(pair)

    # when the two are merged
    record = actions.do_merge_people(
        actor=pair.actor, survivor=pair.survivor, other=pair.other, field_choices={}
    )

    # then both enrolments belong to the survivor, the clashing live one stopped, not dropped
    moved = Enrollment.objects.get(pk=theirs.pk)
    assert moved.person_id == pair.survivor.pk
    assert moved.state == "stopped"
    assert Enrollment.objects.get(pk=kept.pk).state == "active"
    assert record.notes["stopped_enrollments"] == [theirs.pk]
    # and the opt-outs of the other record now hold for the survivor
    survivor = Person.objects.get(pk=pair.survivor.pk)
    assert survivor.do_not_contact
    preference = ContactPreference.objects.get(person=survivor)
    assert preference.unsubscribed_all_at is not None
    assert preference.opted_out_topics == ["newsletter"]

    # and undo gives every row back as it was
    actions.do_undo_merge(actor=pair.actor, record=record)
    assert dump(pair) == before
