"""The fast path for big files writes what the people actions would, typed and evented."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from talentloop.conftest import Personas
from talentloop.core.models import Event
from talentloop.intake import actions
from talentloop.people.actions import ContactInput, do_create_person
from talentloop.people.models import CustomFieldDefinition, Person
from talentloop.testing.factories import SourceFactory

pytestmark = pytest.mark.django_db


def test_matches_updated_together_get_typed_values_and_one_event_each(
    personas: Personas,
) -> None:
    # given two stored people, a custom field, a source, and a file updating both
    workspace = personas.workspace
    CustomFieldDefinition.objects.create(
        workspace=workspace, key="notice", label="Notice", field_type="text"
    )
    source = SourceFactory(workspace=workspace)
    ada, grace, alan = (
        do_create_person(
            actor=None,
            workspace=workspace,
            fields={"first_name": name, "years_experience": "2"},
            contacts=[ContactInput("email", f"{name.lower()}@example.com")],
        )
        for name in ("Ada", "Grace", "Alan")
    )
    data = (
        "Email,Years of experience,Seniority,Do not contact,Salary minimum,notice\n"
        "ada@example.com,12.5,senior,yes,90000,30 days\n"
        "grace@example.com,,lead,,,\n"
        "alan@example.com,,principal,,,\n"
    )
    batch = actions.do_create_import_batch(
        actor=personas.recruiter,
        workspace=workspace,
        upload=SimpleUploadedFile("p.csv", data.encode()),
    )
    mapping = {"0": "email", "1": "years_experience", "2": "seniority", "3": "do_not_contact"}
    mapping |= {"4": "salary_min", "5": "custom.notice"}
    actions.do_set_import_mapping(
        actor=None, batch=batch, mapping=mapping, options={"source_id": source.pk}
    )
    actions.do_start_import(actor=None, batch=batch, enqueue=False)

    # when it runs through the fast path
    done = actions.do_run_import(batch_id=batch.pk, bulk=True)

    # then each person holds the typed values, blanks left alone, and one event says what changed
    assert (done.updated_count, done.failed_count) == (3, 0)
    ada = Person.objects.get(pk=ada.pk)
    assert (ada.years_experience, ada.seniority, ada.seniority_rank) == (
        Decimal("12.5"),
        "senior",
        4,
    )
    assert (ada.do_not_contact, ada.salary_min, ada.source_id) == (True, 90000, source.pk)
    assert ada.custom_fields == {"notice": "30 days"}
    grace = Person.objects.get(pk=grace.pk)
    assert (grace.years_experience, grace.seniority, grace.custom_fields) == (
        Decimal("2.0"),
        "lead",
        {},
    )
    alan = Person.objects.get(pk=alan.pk)
    assert (alan.seniority, alan.seniority_rank, alan.source_id) == ("principal", 6, source.pk)
    updated = Event.objects.filter(verb="person.updated", data__import_batch_id=batch.pk)
    assert updated.get(subject_id=ada.pk).changed_fields == [
        "custom_fields",
        "do_not_contact",
        "salary_min",
        "seniority",
        "seniority_rank",
        "source_id",
        "years_experience",
    ]
    assert updated.get(subject_id=grace.pk).changed_fields == [
        "seniority",
        "seniority_rank",
        "source_id",
    ]
