"""Exports through the action: every format reads back to the same people; one clean Event."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile

import pytest
from openpyxl import load_workbook

from talentloop.core.errors import PermissionDenied, ValidationFailed
from talentloop.core.models import Event
from talentloop.intake import exports
from talentloop.intake.exports import ExportFormat
from talentloop.intake.formats import jsonresume, vcard
from talentloop.people.actions import (
    ContactInput,
    EducationInput,
    SkillInput,
    WorkInput,
    do_create_person,
)
from talentloop.people.models import Person
from talentloop.testing.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(personas):
    workspace = personas.workspace
    ada = do_create_person(
        actor=personas.admin,
        workspace=workspace,
        fields={"first_name": "Ada", "last_name": "Lovelace", "city": "London", "country": "GB"},
        contacts=[
            ContactInput(kind="email", value="ada@engines.example", is_primary=True),
            ContactInput(kind="phone", value="+44 20 7946 0018"),
            ContactInput(kind="url", value="https://github.com/ada"),
        ],
        tags=["maths"],
        skills=[SkillInput(name="Analysis", level="expert")],
        work_history=[
            WorkInput(company_name="Engines Ltd", title="Analyst", start_date=dt.date(1842, 1, 1))
        ],
        education=[EducationInput(institution="Home tutoring", field_of_study="Mathematics")],
    )
    tricky = do_create_person(
        actor=personas.admin,
        workspace=workspace,
        fields={"first_name": "=cmd|' /C calc'!A0", "last_name": "Zoë; O'Neil, Jr"},
        contacts=[ContactInput(kind="email", value="zoe@example.org", is_primary=True)],
    )
    PersonFactory(workspace=personas.outsider.workspace, first_name="Stranger")
    return [ada, tricky]


def _content(export: exports.ExportFile) -> bytes:
    return b"".join(export.chunks)


def _export(personas, export_format: ExportFormat) -> bytes:
    everyone = Person.objects.filter(workspace=personas.workspace)
    return _content(
        exports.do_export_people(
            actor=personas.recruiter, people=everyone, export_format=export_format
        )
    )


def test_csv_reuses_the_people_columns(personas, people):
    rows = list(csv.DictReader(io.StringIO(_export(personas, ExportFormat.CSV).decode())))
    assert [row["email"] for row in rows] == ["ada@engines.example", "zoe@example.org"]
    assert rows[1]["first_name"] == "'=cmd|' /C calc'!A0"  # formula neutralised


def test_xlsx_holds_one_row_per_person(personas, people):
    book = load_workbook(io.BytesIO(_export(personas, ExportFormat.XLSX)), read_only=True)
    rows = list(book["People"].iter_rows(values_only=True))
    header, *data = rows
    assert header[:4] == ("id", "first_name", "last_name", "email")
    assert [(row[0], row[3]) for row in data] == [
        (people[0].pk, "ada@engines.example"),
        (people[1].pk, "zoe@example.org"),
    ]
    assert data[1][1] == "'=cmd|' /C calc'!A0"


def test_json_resume_array_validates_and_reads_back(personas, people):
    documents = json.loads(_export(personas, ExportFormat.JSONRESUME))
    assert len(documents) == 2
    assert all(jsonresume.validate(document) == [] for document in documents)
    ada, zoe = jsonresume.read(json.dumps(documents).encode())
    assert (ada.fields["first_name"], ada.fields["last_name"]) == ("Ada", "Lovelace")
    assert ada.emails == ["ada@engines.example"]
    assert ada.phones == ["+442079460018"]
    assert ada.work_history[0].company_name == "Engines Ltd"
    assert ada.skills == [SkillInput(name="Analysis", level="expert")]
    assert zoe.emails == ["zoe@example.org"]


def test_json_resume_zip_has_one_valid_file_per_person(personas, people):
    archive = zipfile.ZipFile(io.BytesIO(_export(personas, ExportFormat.JSONRESUME_ZIP)))
    names = sorted(archive.namelist())
    assert names == [f"{person.pk:08d}.json" for person in people]
    for name in names:
        assert jsonresume.validate(json.loads(archive.read(name))) == []


def test_vcard_reads_back_to_the_same_names_and_contacts(personas, people):
    ada, zoe = vcard.read(_export(personas, ExportFormat.VCARD))
    assert (ada.fields["first_name"], ada.fields["last_name"]) == ("Ada", "Lovelace")
    assert ada.emails == ["ada@engines.example"]
    assert ada.phones == ["+442079460018"]
    assert ada.tags == ["maths"]
    assert (zoe.fields["first_name"], zoe.fields["last_name"]) == (
        "=cmd|' /C calc'!A0",
        "Zoë; O'Neil, Jr",
    )
    assert not ada.problems
    assert not zoe.problems


def test_read_drafts_become_people_through_the_people_actions(personas):
    # given a vCard read into a draft
    (draft,) = vcard.read(
        b"BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Mary Somerville\r\nN:Somerville;Mary;;;\r\n"
        b"EMAIL;PREF=1:mary@example.org\r\nTEL:+44 131 496 0000\r\nURL:https://mary.example\r\n"
        b"CATEGORIES:astronomy\r\nEND:VCARD\r\n"
    )
    # when it is saved the way the import pipeline saves drafts
    person = do_create_person(
        actor=personas.admin,
        workspace=personas.workspace,
        fields=draft.fields,
        contacts=draft.contacts,
        tags=draft.tags,
    )
    # then the person exports back to the same card
    exported = exports.do_export_people(
        actor=personas.admin,
        people=Person.objects.filter(pk=person.pk),
        export_format=ExportFormat.VCARD,
    )
    (again,) = vcard.read(_content(exported))
    assert again.fields["first_name"] == "Mary"
    assert again.emails == ["mary@example.org"]
    assert again.phones == ["+441314960000"]
    assert again.tags == ["astronomy"]


def test_an_export_records_one_event_without_personal_data(personas, people):
    _export(personas, ExportFormat.VCARD)

    event = Event.objects.get(verb="people.exported")
    assert event.actor == personas.recruiter
    assert event.data == {"format": "vcard", "count": 2, "segment_id": None}
    text = json.dumps(event.data)
    assert "Ada" not in text
    assert "@" not in text


@pytest.mark.parametrize("persona", ["analyst", "coordinator", "hiring_manager"])
def test_roles_without_export_rights_are_refused_before_anything_is_written(
    personas, people, persona
):
    with pytest.raises(PermissionDenied):
        exports.do_export_people(
            actor=getattr(personas, persona),
            people=Person.objects.all(),
            export_format=ExportFormat.CSV,
        )
    assert not Event.objects.filter(verb="people.exported").exists()


def test_unknown_format_names_the_choices():
    with pytest.raises(ValidationFailed, match="use one of csv, xlsx"):
        exports.parse_format("pdf")
    assert exports.parse_format(" VCard ") is ExportFormat.VCARD
