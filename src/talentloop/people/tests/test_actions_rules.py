"""People action rules: history entries are length-checked, tag names are unique in any case."""

from __future__ import annotations

import datetime as dt

import pytest

from talentloop.core.errors import Conflict, ValidationFailed
from talentloop.core.models import Event
from talentloop.people.actions import (
    EducationInput,
    WorkInput,
    do_create_person,
    do_create_tag,
    do_tag_people,
    do_update_person,
    do_update_tag,
)
from talentloop.people.domain import tag_key
from talentloop.people.models import Education, Person, PersonTag, Tag, WorkExperience
from talentloop.testing.factories import PersonFactory

pytestmark = pytest.mark.django_db


# --- work and education history --------------------------------------------------------------


def test_an_over_long_work_entry_is_refused_naming_the_field(personas):
    # given a person with one valid job in their history
    person = PersonFactory(workspace=personas.workspace)
    do_update_person(
        actor=personas.recruiter,
        person=person,
        fields={},
        work_history=[WorkInput("Acme", "Engineer")],
    )
    events = Event.objects.count()

    # when the history is replaced by entries whose text does not fit
    with pytest.raises(ValidationFailed) as caught:
        do_update_person(
            actor=personas.recruiter,
            person=person,
            fields={},
            work_history=[
                WorkInput("Acme", "x" * 201),
                WorkInput("y" * 201, description="z" * 20_001),
            ],
        )

    # then every problem is named and the old history is untouched
    assert caught.value.fields == {
        "work_history.0.title": "at most 200 characters",
        "work_history.1.company_name": "at most 200 characters",
        "work_history.1.description": "at most 20000 characters",
    }
    assert list(WorkExperience.objects.filter(person=person).values_list("title", flat=True)) == [
        "Engineer"
    ]
    assert Event.objects.count() == events


def test_an_over_long_or_blank_education_entry_is_refused(personas):
    person = PersonFactory(workspace=personas.workspace)

    with pytest.raises(ValidationFailed) as caught:
        do_update_person(
            actor=personas.recruiter,
            person=person,
            fields={},
            education=[
                EducationInput("MIT", degree="d" * 201, field_of_study="f" * 201),
                EducationInput("   "),
            ],
        )

    assert caught.value.fields == {
        "education.0.degree": "at most 200 characters",
        "education.0.field_of_study": "at most 200 characters",
        "education.1.institution": "required",
    }
    assert not Education.objects.filter(person=person).exists()


def test_creating_a_person_with_bad_history_writes_nothing(personas):
    people = Person.objects.count()

    with pytest.raises(ValidationFailed) as caught:
        do_create_person(
            actor=personas.recruiter,
            workspace=personas.workspace,
            fields={"first_name": "Ada"},
            education=[EducationInput("i" * 201)],
            work_history=[
                WorkInput("Acme", start_date=dt.date(2020, 1, 1), end_date=dt.date(2019, 1, 1))
            ],
        )

    assert set(caught.value.fields) == {"education.0.institution", "work_history.0.end_date"}
    assert Person.objects.count() == people


def test_history_at_the_limits_is_stored(personas):
    person = PersonFactory(workspace=personas.workspace)

    do_update_person(
        actor=personas.recruiter,
        person=person,
        fields={},
        work_history=[WorkInput("c" * 200, "t" * 200, description="d" * 20_000)],
        education=[EducationInput("i" * 200, "d" * 200, "f" * 200)],
    )

    assert WorkExperience.objects.get(person=person).company_name == "c" * 200
    assert Education.objects.get(person=person).institution == "i" * 200


# --- tag names are unique per workspace regardless of case -----------------------------------


def test_tag_key_ignores_case_and_spacing():
    assert tag_key("  Machine   Learning ") == tag_key("machine learning")
    assert tag_key("STRASSE") == tag_key("straße")


def test_creating_a_tag_that_differs_only_in_case_is_a_conflict(personas):
    # given a "python" tag
    do_create_tag(actor=personas.admin, workspace=personas.workspace, name="python")

    # when someone creates "Python", then it is a 409 naming the existing tag
    with pytest.raises(Conflict) as caught:
        do_create_tag(actor=personas.admin, workspace=personas.workspace, name="  PYTHON ")
    assert caught.value.fields == {"name": "taken"}
    assert "'python'" in caught.value.message
    assert Tag.objects.filter(workspace=personas.workspace).count() == 1


def test_the_same_name_in_another_workspace_is_fine(personas):
    do_create_tag(actor=personas.admin, workspace=personas.workspace, name="python")

    tag = do_create_tag(
        actor=personas.outsider, workspace=personas.outsider.workspace, name="Python"
    )

    assert tag.name == "Python"


def test_tagging_reuses_a_tag_spelt_differently(personas):
    # given a "Python" tag on one person
    ada, grace = PersonFactory.create_batch(2, workspace=personas.workspace)
    [python] = do_tag_people(
        actor=personas.recruiter, workspace=personas.workspace, people=[ada], names=["Python"]
    )

    # when another person is tagged "python" and "PYTHON" in one go
    tags = do_tag_people(
        actor=personas.recruiter,
        workspace=personas.workspace,
        people=[grace],
        names=["python", "PYTHON", "Go", "go "],
    )

    # then the existing tag is reused and "Go" is created once, as first spelt
    assert [tag.name for tag in tags] == ["Python", "Go"]
    assert tags[0].pk == python.pk
    assert Tag.objects.filter(workspace=personas.workspace).count() == 2
    assert PersonTag.objects.filter(person=grace).count() == 2


def test_renaming_onto_another_tags_name_in_any_case_is_a_conflict(personas):
    do_create_tag(actor=personas.admin, workspace=personas.workspace, name="Python")
    rust = do_create_tag(actor=personas.admin, workspace=personas.workspace, name="rust")

    with pytest.raises(Conflict):
        do_update_tag(actor=personas.admin, tag=rust, name="python")
    rust.refresh_from_db()
    assert rust.name == "rust"


def test_a_tag_can_change_its_own_case(personas):
    tag = do_create_tag(actor=personas.admin, workspace=personas.workspace, name="python")

    do_update_tag(actor=personas.admin, tag=tag, name="Python")

    tag.refresh_from_db()
    assert tag.name == "Python"
