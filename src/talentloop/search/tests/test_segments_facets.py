"""Facet counts: one GROUP BY per facet over exactly the given people, top values first."""

from __future__ import annotations

import pytest

from talentloop.people import actions as people_actions
from talentloop.people.models import Person, PersonSkill
from talentloop.recruiting import actions as recruiting_actions
from talentloop.search.facets import FACETS, facet_counts
from talentloop.testing.factories import JobFactory, PersonFactory, SourceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def crowd(personas):
    ws = personas.workspace
    board = SourceFactory(workspace=ws, name="Job board")
    referral = SourceFactory(workspace=ws, name="Referral")
    rows = [
        ("Berlin", "DE", "senior", board, ["python", "go"], ["alumni"]),
        ("Berlin", "DE", "senior", board, ["python"], ["alumni", "silver"]),
        ("Berlin", "DE", "junior", referral, ["python", "rust"], []),
        ("Paris", "FR", "", None, ["go"], ["silver"]),
        ("", "", "mid", None, [], []),
    ]
    people = []
    for city, country, seniority, source, skills, tags in rows:
        person: Person = PersonFactory(  # type: ignore[assignment]
            workspace=ws, city=city, country=country, seniority=seniority, source=source
        )
        for skill in skills:
            PersonSkill.objects.create(person=person, name=skill.title(), normalized=skill)
        if tags:
            people_actions.do_tag_people(actor=None, workspace=ws, people=[person], names=tags)
        people.append(person)
    PersonFactory(city="Berlin", country="DE")  # another workspace never counts
    return people


def test_every_facet_counts_only_the_given_people(personas, crowd):
    everyone = Person.objects.filter(workspace=personas.workspace)

    counts = facet_counts(everyone)

    assert set(counts) == set(FACETS)
    assert counts["city"] == [("Berlin", 3), ("Paris", 1)]  # blanks are left out
    assert counts["country"] == [("DE", 3), ("FR", 1)]
    assert counts["seniority"] == [("senior", 2), ("junior", 1), ("mid", 1)]
    assert counts["skills"] == [("python", 3), ("go", 2), ("rust", 1)]
    assert counts["source"] == [("Job board", 2), ("Referral", 1)]
    assert counts["tags"] == [("alumni", 2), ("silver", 2)]
    assert counts["stage"] == []


def test_facets_follow_the_filter_and_the_top_limit(personas, crowd):
    seniors = Person.objects.filter(workspace=personas.workspace, seniority="senior")

    counts = facet_counts(seniors, ("skills", "tags"), top=1)

    assert counts == {"skills": [("python", 2)], "tags": [("alumni", 2)]}


def test_stage_counts_people_in_open_candidacies(personas, crowd):
    mine = JobFactory(workspace=personas.workspace, hiring_manager=personas.hiring_manager)
    other = JobFactory(workspace=personas.workspace)
    first, second, third = crowd[:3]
    for person in (first, second):
        recruiting_actions.do_add_candidacy(actor=None, person=person, job=mine)
    recruiting_actions.do_add_candidacy(actor=None, person=first, job=other)
    rejected = recruiting_actions.do_add_candidacy(actor=None, person=third, job=other)
    rejected.outcome = "rejected"
    rejected.save()
    everyone = Person.objects.filter(workspace=personas.workspace)
    stage = mine.pipeline.stages.order_by("position").first().name

    # the first person is at the first stage of two jobs, and counts once
    assert facet_counts(everyone, ("stage",)) == {"stage": [(stage, 2)]}
    # a hiring manager's stage facet counts only their own jobs
    only_mine = facet_counts(everyone, ("stage",), viewer=personas.hiring_manager)
    assert only_mine == {"stage": [(stage, 2)]}
    recruiting_actions.do_add_candidacy(
        actor=None, person=third, job=JobFactory(workspace=personas.workspace)
    )
    assert facet_counts(everyone, ("stage",))["stage"] == [(stage, 3)]
    assert facet_counts(everyone, ("stage",), viewer=personas.hiring_manager)["stage"] == [
        (stage, 2)
    ]


def test_an_unknown_facet_is_refused(personas):
    with pytest.raises(ValueError, match="unknown facet"):
        facet_counts(Person.objects.none(), ("colour",))


def test_asking_for_no_facets_counts_nothing(personas, crowd):
    assert facet_counts(Person.objects.filter(workspace=personas.workspace), []) == {}
