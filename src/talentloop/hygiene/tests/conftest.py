"""Two records of one person with rows of every kind a merge must carry over."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from talentloop.accounts.models import User
from talentloop.conftest import Personas
from talentloop.outreach import actions as outreach
from talentloop.people import actions as people
from talentloop.people.actions import ContactInput, SkillInput, WorkInput
from talentloop.people.domain import ActivityKind
from talentloop.people.models import Person
from talentloop.recruiting import actions as recruiting
from talentloop.recruiting.models import Candidacy
from talentloop.testing.factories import JobFactory


@dataclass
class Pair:
    survivor: Person
    other: Person
    survivor_candidacy: Candidacy
    other_candidacy: Candidacy
    actor: User


def make_person(actor: User, first: str, last: str, contacts: list[ContactInput]) -> Person:
    return people.do_create_person(
        actor=actor,
        workspace=actor.workspace,
        fields={"first_name": first, "last_name": last, "current_title": "Data Engineer"},
        contacts=contacts,
        tags=["python", first.lower()],
        skills=[SkillInput(name="Python"), SkillInput(name=f"{first} skill")],
        work_history=[WorkInput(company_name="Globex", title="Engineer")],
    )


@pytest.fixture
def pair(personas: Personas) -> Pair:
    actor = personas.recruiter
    survivor = make_person(
        actor,
        "Anna",
        "Schmidt",
        [
            ContactInput("email", "anna@example.com", is_primary=True),
            ContactInput("phone", "+49 151 23456789"),
        ],
    )
    other = make_person(
        actor,
        "Anna",
        "Schmitt",
        [
            ContactInput("email", "a.schmitt@example.org", is_primary=True),
            ContactInput("phone", "+4915123456789"),
        ],
    )
    job = JobFactory(workspace=personas.workspace)
    stages = list(job.pipeline.stages.order_by("position"))
    survivor_candidacy = recruiting.do_add_candidacy(actor=actor, person=survivor, job=job)
    other_candidacy = recruiting.do_add_candidacy(actor=actor, person=other, job=job)
    recruiting.do_move_candidacy(actor=actor, candidacy=other_candidacy, to_stage=stages[2])
    for person in (survivor, other):
        people.do_log_activity(
            actor=actor,
            person=person,
            kind=ActivityKind.NOTE,
            body=f"met {person.last_name}",
            occurred_at=dt.datetime(2026, 1, 2, 3, 4, 5, 123456, tzinfo=dt.UTC),
        )
    outreach.record_basis(actor=actor, person=survivor, basis="legitimate_interest", note="x")
    withdrawn = outreach.record_basis(actor=actor, person=other, basis="consent", evidence="form")
    outreach.withdraw_basis(actor=actor, basis=withdrawn)
    return Pair(survivor, other, survivor_candidacy, other_candidacy, actor)
