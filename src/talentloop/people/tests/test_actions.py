"""People actions against the database: rows written, events recorded, bad input refused whole."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError

from talentloop.core import clock
from talentloop.core.errors import Conflict, NotFound, ValidationFailed
from talentloop.core.models import Event
from talentloop.people.actions import (
    ContactInput,
    SkillInput,
    do_add_contact_point,
    do_assign_owner,
    do_create_person,
    do_log_activity,
    do_remove_contact_point,
    do_tag_people,
    do_update_contact_point,
    do_update_person,
    do_upload_attachment,
)
from talentloop.people.domain import ActivityKind
from talentloop.people.models import (
    Activity,
    Attachment,
    ContactPoint,
    CustomFieldDefinition,
    Person,
    PersonSkill,
    PersonTag,
    Tag,
)
from talentloop.testing.factories import PersonFactory

PDF_BYTES = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< >>\n%%EOF\n"
ELF_BYTES = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00" + b"\x00" * 200
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200

PII = ("Ada", "Lovelace", "ada@example.com", "+4930", "1234567", "linkedin.com/in/ada")


def _person(workspace) -> Person:
    return PersonFactory(workspace=workspace)


def _counts() -> tuple[int, int, int, int]:
    return (
        Person.objects.count(),
        ContactPoint.objects.count(),
        Event.objects.count(),
        Tag.objects.count(),
    )


def _stored_files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()]


@pytest.fixture
def ada(personas):
    return do_create_person(
        actor=personas.recruiter,
        workspace=personas.workspace,
        fields={"first_name": "Ada", "last_name": "Lovelace"},
        contacts=[ContactInput("email", "Ada@Example.com")],
    )


# --- create -----------------------------------------------------------------------------------


def test_creating_a_person_normalises_contacts_and_sets_primaries(personas):
    # given a German workspace
    personas.workspace.default_phone_region = "DE"
    personas.workspace.save()

    # when a recruiter adds a person with two emails, a local phone number and a profile link
    person = do_create_person(
        actor=personas.recruiter,
        workspace=personas.workspace,
        fields={"first_name": " Ada ", "last_name": "Lovelace", "seniority": "senior"},
        contacts=[
            ContactInput("email", "  Ada@Example.com "),
            ContactInput("email", "ada@work.example", is_primary=True),
            ContactInput("phone", "030 1234567"),
            ContactInput("url", "linkedin.com/in/ada"),
        ],
        tags=["Machine   Learning ", "Machine Learning"],
        skills=[SkillInput("  Machine   Learning ", "expert", 4)],
    )

    # then values are stored in one normal form, and the marked email is the primary one
    person.refresh_from_db()
    assert person.first_name == "Ada"
    assert person.seniority_rank > 0
    assert person.primary_email == "ada@work.example"
    assert person.primary_phone == "+49301234567"
    points = {(p.kind, p.value): p for p in person.contact_points.all()}
    assert set(points) == {
        ("email", "ada@example.com"),
        ("email", "ada@work.example"),
        ("phone", "+49301234567"),
        ("url", "https://linkedin.com/in/ada"),
    }
    assert [p.value for p in points.values() if p.is_primary and p.kind == "email"] == [
        "ada@work.example"
    ]
    assert points[("url", "https://linkedin.com/in/ada")].label == "linkedin"
    assert list(person.tags.values_list("name", flat=True)) == ["Machine Learning"]
    assert PersonSkill.objects.get(person=person).normalized == "machine learning"


def test_the_create_event_names_fields_and_never_holds_personal_values(personas):
    # when
    person = do_create_person(
        actor=personas.recruiter,
        workspace=personas.workspace,
        fields={"first_name": "Ada", "last_name": "Lovelace"},
        contacts=[
            ContactInput("email", "ada@example.com"),
            ContactInput("phone", "+49 30 1234567"),
        ],
    )

    # then one event says who created whom and which fields were set — no values
    event = Event.objects.get(verb="person.created", subject_id=person.pk)
    assert event.actor == personas.recruiter
    assert event.subject_type == "person"
    assert set(event.changed_fields) == {"first_name", "last_name", "contact_points"}
    for value in PII:
        assert value not in str(event.data)
        assert value not in str(event.changed_fields)


def test_a_known_email_is_a_conflict_naming_its_owner_and_nothing_is_written(personas, ada):
    before = _counts()

    # when someone adds another person with the same address, spelled differently
    with pytest.raises(Conflict) as caught:
        do_create_person(
            actor=personas.recruiter,
            workspace=personas.workspace,
            fields={"first_name": "Augusta"},
            contacts=[ContactInput("email", " ADA@example.COM ")],
            tags=["new-tag"],
        )

    # then the answer points at the existing person and nothing changed
    assert str(ada.pk) in caught.value.message
    assert caught.value.fields == {"contact_points.0.value": f"already used by person {ada.pk}"}
    assert caught.value.status == 409
    assert _counts() == before


def test_the_same_email_in_another_workspace_is_not_a_duplicate(personas, ada):
    other = do_create_person(
        actor=personas.outsider,
        workspace=personas.outsider.workspace,
        fields={"first_name": "Ada"},
        contacts=[ContactInput("email", "ada@example.com")],
    )
    assert other.primary_email == ada.primary_email


def test_every_bad_field_is_named_and_nothing_is_written(personas):
    before = _counts()

    # when a person is created with several wrong values at once
    with pytest.raises(ValidationFailed) as caught:
        do_create_person(
            actor=personas.recruiter,
            workspace=personas.workspace,
            fields={
                "first_name": "x" * 101,
                "seniority": "wizard",
                "country": "Germany",
                "time_zone": "Mars/Olympus",
                "salary_currency": "euro",
                "salary_min": 90_000,
                "salary_max": 80_000,
                "years_experience": "NaN",
                "owner_id": personas.outsider.pk,
                "favourite_colour": "blue",
                "lifecycle": "",
            },
            tags=["never-created"],
        )

    # then each problem is reported against its field and no row or event exists
    assert set(caught.value.fields) == {
        "first_name",
        "seniority",
        "country",
        "time_zone",
        "salary_currency",
        "salary_min",
        "years_experience",
        "owner_id",
        "favourite_colour",
        "lifecycle",
    }
    assert caught.value.status == 422
    assert "wizard" not in caught.value.fields["seniority"]
    assert "senior" in caught.value.fields["seniority"]
    assert _counts() == before


def test_bad_contact_points_are_named_by_position_and_nothing_is_written(personas):
    before = _counts()
    with pytest.raises(ValidationFailed) as caught:
        do_create_person(
            actor=personas.recruiter,
            workspace=personas.workspace,
            fields={"first_name": "Ada"},
            contacts=[
                ContactInput("email", "ada@example.com"),
                ContactInput("email", "not-an-email"),
                ContactInput("phone", "call me"),
                ContactInput("url", "https://[broken"),
            ],
        )
    assert set(caught.value.fields) == {
        "contact_points.1.value",
        "contact_points.2.value",
        "contact_points.3.value",
    }
    assert _counts() == before


def test_over_long_values_are_refused_by_field_not_by_the_database(personas):
    before = _counts()
    with pytest.raises(ValidationFailed) as caught:
        do_create_person(
            actor=personas.recruiter,
            workspace=personas.workspace,
            fields={"headline": "h" * 201, "external_id": "e" * 101},
            contacts=[ContactInput("url", "https://ada.dev/" + "x" * 500)],
            skills=[SkillInput("s" * 101)],
        )
    assert set(caught.value.fields) == {"headline", "external_id"}
    assert _counts() == before
    with pytest.raises(ValidationFailed) as contact_error:
        do_create_person(
            actor=personas.recruiter,
            workspace=personas.workspace,
            fields={},
            contacts=[ContactInput("url", "https://ada.dev/" + "x" * 500)],
        )
    assert contact_error.value.fields == {"contact_points.0.value": "at most 500 characters"}
    with pytest.raises(ValidationFailed) as skill_error:
        do_create_person(
            actor=personas.recruiter,
            workspace=personas.workspace,
            fields={},
            skills=[SkillInput("s" * 101)],
        )
    assert skill_error.value.fields == {"skills.0.name": "at most 100 characters"}
    assert _counts() == before


def test_a_long_contact_label_is_cut_to_fit(personas):
    person = do_create_person(
        actor=personas.recruiter,
        workspace=personas.workspace,
        fields={},
        contacts=[ContactInput("email", "ada@example.com", label=" " + "w" * 40)],
    )
    assert person.contact_points.get().label == "w" * 32


@pytest.mark.parametrize(
    ("value", "stored"), [("false", False), ("no", False), ("", False), (True, True), ("on", True)]
)
def test_do_not_contact_reads_form_and_import_text_correctly(personas, value, stored):
    person = do_create_person(
        actor=personas.recruiter, workspace=personas.workspace, fields={"do_not_contact": value}
    )
    person.refresh_from_db()
    assert person.do_not_contact is stored


def test_custom_fields_are_coerced_by_type_and_unknown_keys_refused(personas):
    # given a number field and a choice field
    for key, field_type, choices in [
        ("notice_weeks", "number", []),
        ("work_mode", "choice", ["remote", "onsite"]),
    ]:
        CustomFieldDefinition.objects.create(
            workspace=personas.workspace, key=key, label=key, field_type=field_type, choices=choices
        )

    # when values arrive as text
    person = do_create_person(
        actor=personas.recruiter,
        workspace=personas.workspace,
        fields={"custom_fields": {"notice_weeks": "4", "work_mode": "remote"}},
    )

    # then they are stored in their types
    person.refresh_from_db()
    assert person.custom_fields == {"notice_weeks": 4, "work_mode": "remote"}

    # and a wrong one names the key, leaving the stored values as they were
    for bad in ({"shoe_size": 44}, {"work_mode": "hybrid"}, {"notice_weeks": "1e5000"}):
        with pytest.raises(ValidationFailed) as caught:
            do_update_person(actor=personas.recruiter, person=person, fields={"custom_fields": bad})
        assert next(iter(bad)) in caught.value.fields["custom_fields"]
    person.refresh_from_db()
    assert person.custom_fields == {"notice_weeks": 4, "work_mode": "remote"}


# --- update -----------------------------------------------------------------------------------


def test_an_update_changes_and_reports_only_the_fields_that_differ(personas, ada):
    # when the same first name and a new title are saved
    do_update_person(
        actor=personas.coordinator,
        person=ada,
        fields={"first_name": "Ada", "current_title": "Analyst"},
    )

    # then only the title is recorded as changed
    event = Event.objects.filter(verb="person.updated", subject_id=ada.pk).get()
    assert event.changed_fields == ["current_title"]
    assert event.actor == personas.coordinator
    ada.refresh_from_db()
    assert ada.current_title == "Analyst"


def test_an_update_that_changes_nothing_records_nothing(personas, ada):
    do_update_person(actor=personas.recruiter, person=ada, fields={"first_name": " Ada "})
    assert not Event.objects.filter(verb="person.updated").exists()


def test_an_update_checks_the_salary_range_against_the_stored_value(personas, ada):
    do_update_person(actor=personas.recruiter, person=ada, fields={"salary_max": 80_000})
    with pytest.raises(ValidationFailed) as caught:
        do_update_person(actor=personas.recruiter, person=ada, fields={"salary_min": 90_000})
    assert "salary_min" in caught.value.fields
    ada.refresh_from_db()
    assert (ada.salary_min, ada.salary_max) == (None, 80_000)


def test_an_update_cannot_empty_the_lifecycle(personas, ada):
    with pytest.raises(ValidationFailed) as caught:
        do_update_person(actor=personas.recruiter, person=ada, fields={"lifecycle": None})
    assert caught.value.fields == {"lifecycle": "required"}
    ada.refresh_from_db()
    assert ada.lifecycle == "lead"


# --- tags and owners --------------------------------------------------------------------------


def test_tags_are_created_on_first_use_and_tagging_twice_changes_nothing(personas, ada):
    # given another person
    grace = _person(personas.workspace)

    # when both are tagged twice with the same names
    do_tag_people(
        actor=personas.recruiter, workspace=personas.workspace, people=[ada, grace], names=["ml"]
    )
    do_tag_people(
        actor=personas.recruiter,
        workspace=personas.workspace,
        people=[ada, grace],
        names=["ml", " ml "],
    )

    # then there is one tag, and each person carries it once
    assert Tag.objects.filter(workspace=personas.workspace).count() == 1
    assert PersonTag.objects.filter(person__in=[ada, grace]).count() == 2


def test_an_owner_from_another_workspace_is_refused(personas, ada):
    with pytest.raises(NotFound):
        do_assign_owner(
            actor=personas.admin,
            workspace=personas.workspace,
            people=[ada],
            owner=personas.outsider,
        )
    ada.refresh_from_db()
    assert ada.owner is None


def test_people_can_be_handed_to_a_teammate_and_back_to_nobody(personas, ada):
    do_assign_owner(
        actor=personas.admin, workspace=personas.workspace, people=[ada], owner=personas.recruiter
    )
    ada.refresh_from_db()
    assert ada.owner == personas.recruiter
    do_assign_owner(actor=personas.admin, workspace=personas.workspace, people=[ada], owner=None)
    ada.refresh_from_db()
    assert ada.owner is None
    assert Event.objects.filter(verb="person.updated", changed_fields=["owner_id"]).count() == 2


# --- activities -------------------------------------------------------------------------------


def test_engagement_moves_last_engaged_forward_but_never_back(personas, ada):
    now = clock.now()
    recent, older = now - dt.timedelta(hours=1), now - dt.timedelta(days=3)

    # when a call is logged, then an older email
    do_log_activity(
        actor=personas.recruiter, person=ada, kind=ActivityKind.CALL, occurred_at=recent
    )
    do_log_activity(
        actor=personas.recruiter, person=ada, kind=ActivityKind.EMAIL, occurred_at=older
    )

    # then the person was last engaged by the call
    ada.refresh_from_db()
    assert ada.last_engaged_at == recent
    assert Activity.objects.filter(person=ada).count() == 2


def test_notes_do_not_count_as_engagement(personas, ada):
    do_log_activity(actor=personas.hiring_manager, person=ada, kind=ActivityKind.NOTE, body="Good")
    ada.refresh_from_db()
    assert ada.last_engaged_at is None


def test_an_empty_note_and_a_future_activity_are_refused(personas, ada):
    with pytest.raises(ValidationFailed) as empty:
        do_log_activity(actor=personas.recruiter, person=ada, kind=ActivityKind.NOTE, body="  ")
    with pytest.raises(ValidationFailed) as future:
        do_log_activity(
            actor=personas.recruiter,
            person=ada,
            kind=ActivityKind.CALL,
            occurred_at=clock.now() + dt.timedelta(days=1),
        )
    assert empty.value.fields == {"body": "required"}
    assert future.value.fields == {"occurred_at": "in the future"}
    assert not Activity.objects.filter(person=ada).exists()


def test_an_activity_event_names_the_person_but_not_the_note(personas, ada):
    activity = do_log_activity(
        actor=personas.recruiter, person=ada, kind=ActivityKind.NOTE, body="Salary wish 90k"
    )
    event = Event.objects.get(verb="activity.note", subject_id=activity.pk)
    assert event.data == {"person_id": ada.pk}


# --- attachments ------------------------------------------------------------------------------


def test_a_pdf_is_stored_under_a_name_not_taken_from_the_user(personas, ada, tmp_path):
    # when a resume is uploaded under a hostile file name
    upload = SimpleUploadedFile("../../etc/passwd.pdf", PDF_BYTES, content_type="text/html")
    attachment = do_upload_attachment(actor=personas.recruiter, person=ada, upload=upload)

    # then it is kept as a PDF whose stored name is derived from its content
    attachment.refresh_from_db()
    assert attachment.content_type == "application/pdf"
    assert attachment.original_name == "passwd.pdf"
    assert "passwd" not in attachment.file.name
    assert ".." not in attachment.file.name
    assert attachment.file.name.endswith(attachment.sha256[:32] + ".pdf")
    assert attachment.file.read() == PDF_BYTES
    assert Event.objects.get(verb="attachment.uploaded").data == {
        "person_id": ada.pk,
        "size": len(PDF_BYTES),
    }


@pytest.mark.parametrize(
    ("name", "content"), [("resume.pdf", ELF_BYTES), ("resume.exe", EXE_BYTES)]
)
def test_programs_are_refused_whatever_their_name(personas, ada, tmp_path, name, content):
    with pytest.raises(ValidationFailed) as caught:
        do_upload_attachment(
            actor=personas.recruiter, person=ada, upload=SimpleUploadedFile(name, content)
        )
    assert "file type is not accepted" in caught.value.message
    assert "PDF" in caught.value.message
    assert caught.value.fields == {"file": "type not allowed"}
    assert not Attachment.objects.exists()
    assert _stored_files(tmp_path) == []


def test_a_file_over_the_size_limit_is_refused_with_the_limit_named(
    personas, ada, tmp_path, settings
):
    settings.MAX_UPLOAD_BYTES = 2 * 1024 * 1024
    content = PDF_BYTES + b"0" * settings.MAX_UPLOAD_BYTES
    with pytest.raises(ValidationFailed) as caught:
        do_upload_attachment(
            actor=personas.recruiter, person=ada, upload=SimpleUploadedFile("cv.pdf", content)
        )
    assert "larger than 2 MB" in caught.value.message
    assert caught.value.fields == {"file": "too large"}
    assert _stored_files(tmp_path) == []


def test_an_empty_file_is_refused(personas, ada):
    with pytest.raises(ValidationFailed, match="empty"):
        do_upload_attachment(
            actor=personas.recruiter, person=ada, upload=SimpleUploadedFile("cv.pdf", b"")
        )


@pytest.mark.django_db(transaction=True)
def test_a_failed_save_leaves_no_file_behind(personas, tmp_path):
    # given a person who was deleted by someone else while the upload was on its way
    person = _person(personas.workspace)
    Person.objects.filter(pk=person.pk).delete()

    # when the upload's row cannot be stored
    with pytest.raises(IntegrityError):
        do_upload_attachment(
            actor=personas.recruiter, person=person, upload=SimpleUploadedFile("cv.pdf", PDF_BYTES)
        )

    # then neither a row nor an orphan file remains
    assert not Attachment.objects.exists()
    assert _stored_files(tmp_path) == []


# --- contact points ---------------------------------------------------------------------------


def test_removing_the_primary_email_promotes_the_next_one(personas, ada):
    # given a second and third email
    second = do_add_contact_point(
        actor=personas.recruiter, person=ada, contact=ContactInput("email", "ada@second.example")
    )
    do_add_contact_point(
        actor=personas.recruiter, person=ada, contact=ContactInput("email", "ada@third.example")
    )
    primary = ContactPoint.objects.get(person=ada, is_primary=True)

    # when the primary is removed
    do_remove_contact_point(actor=personas.recruiter, point=primary)

    # then the oldest remaining email takes over, on the person too
    ada.refresh_from_db()
    second.refresh_from_db()
    assert second.is_primary
    assert ada.primary_email == "ada@second.example"
    assert ContactPoint.objects.filter(person=ada, is_primary=True).count() == 1


def test_removing_the_last_email_clears_the_primary(personas, ada):
    do_remove_contact_point(actor=personas.recruiter, point=ada.contact_points.get())
    ada.refresh_from_db()
    assert ada.primary_email == ""
    event = Event.objects.get(verb="person.contact_removed")
    assert "ada@" not in str(event.data)


def test_making_another_email_primary_moves_the_flag(personas, ada):
    other = do_add_contact_point(
        actor=personas.recruiter, person=ada, contact=ContactInput("email", "ada@new.example")
    )
    do_update_contact_point(actor=personas.recruiter, point=other, is_primary=True)
    ada.refresh_from_db()
    assert ada.primary_email == "ada@new.example"
    assert ContactPoint.objects.filter(person=ada, is_primary=True).get() == other


def test_adding_another_persons_email_is_a_conflict(personas, ada):
    grace = _person(personas.workspace)
    with pytest.raises(Conflict) as caught:
        do_add_contact_point(
            actor=personas.recruiter, person=grace, contact=ContactInput("email", "ADA@example.com")
        )
    assert str(ada.pk) in caught.value.message
    assert not grace.contact_points.exists()
