"""The CSV/XLSX pipeline end to end: upload, mapping, dry run, import, report, upserts."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files import File
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from talentloop.conftest import Personas
from talentloop.core.errors import Conflict, ValidationFailed
from talentloop.core.models import Event
from talentloop.intake import actions
from talentloop.intake.models import BatchStatus, ExternalId, ImportBatch, ImportIssue
from talentloop.people.actions import ContactInput, do_create_person
from talentloop.people.models import ContactPoint, Person
from talentloop.testing.factories import SourceFactory

pytestmark = pytest.mark.django_db

CSV = (
    "First name,Last name,Email,Phone,Tags,Title\n"
    "Ada,Lovelace,ADA@Example.com,+44 20 7946 0958,vip;math,Engineer\n"
    "Bad,Email,not-an-email,,,\n"
    "Grace,Hopper,grace@example.com,,navy,Admiral\n"
)


def upload(personas: Personas, name: str, data: bytes, **kwargs: Any) -> ImportBatch:
    return actions.do_create_import_batch(
        actor=personas.recruiter,
        workspace=personas.workspace,
        upload=SimpleUploadedFile(name, data),
        **kwargs,
    )


def run(
    batch: ImportBatch, capture: Callable[..., Any], *, bulk: bool | None = None
) -> ImportBatch:
    # A test asking for a given path runs the batch itself instead of the queued task.
    with capture(execute=bulk is None):
        actions.do_start_import(actor=batch.actor, batch=batch)
    batch.refresh_from_db()
    if bulk is not None:
        batch = actions.do_run_import(batch_id=batch.pk, bulk=bulk)
    return batch


def test_upload_guesses_the_mapping_and_keeps_no_cells(personas: Personas) -> None:
    batch = upload(personas, "people.csv", CSV.encode())

    assert batch.status == BatchStatus.MAPPING
    assert batch.headers == ["First name", "Last name", "Email", "Phone", "Tags", "Title"]
    assert batch.mapping == {
        "0": "first_name",
        "1": "last_name",
        "2": "email",
        "3": "phone",
        "4": "tags",
        "5": "current_title",
    }
    assert batch.total_rows == 3
    assert "Lovelace" not in str(ImportBatch.objects.values().get(pk=batch.pk))
    assert Event.objects.filter(verb="import.created", subject_id=batch.pk).exists()


def test_preview_reports_row_errors_and_saves_nothing(personas: Personas) -> None:
    batch = upload(personas, "people.csv", CSV.encode())

    lines = actions.preview_import(actor=personas.recruiter, batch=batch)

    assert [(line.locator, line.action) for line in lines] == [
        ("row 2", "created"),
        ("row 3", "error"),
        ("row 4", "created"),
    ]
    assert lines[1].problems[0][0] == "email"
    assert "not a valid email" in lines[1].problems[0][1]
    assert not Person.objects.exists()
    assert not Event.objects.filter(verb="person.created").exists()


@pytest.mark.parametrize("bulk", [False, True])
def test_import_creates_people_with_batch_tags_and_source_and_reports_the_bad_row(
    personas: Personas, django_capture_on_commit_callbacks: Callable[..., Any], bulk: bool
) -> None:
    source = SourceFactory(workspace=personas.workspace)
    batch = upload(personas, "people.csv", CSV.encode())
    actions.do_set_import_mapping(
        actor=personas.recruiter,
        batch=batch,
        mapping=None,
        options={"tags": ["spring fair"], "source_id": source.pk},
    )
    ImportBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.MAPPING)

    with django_capture_on_commit_callbacks(execute=False):
        actions.do_start_import(actor=personas.recruiter, batch=batch)
    done = actions.do_run_import(batch_id=batch.pk, bulk=bulk)

    assert (done.status, done.created_count, done.failed_count) == (BatchStatus.DONE, 2, 1)
    ada = Person.objects.get(last_name="Lovelace")
    assert ada.primary_email == "ada@example.com"
    assert ada.primary_phone == "+442079460958"
    assert ada.source_id == source.pk
    assert sorted(tag.name for tag in ada.tags.all()) == ["math", "spring fair", "vip"]
    assert ada.current_title == "Engineer"
    assert not Person.objects.filter(first_name="Bad").exists()
    [issue] = ImportIssue.objects.filter(batch=done)
    assert (issue.locator, issue.field, issue.level) == ("row 3", "email", "error")
    assert "not-an-email" not in issue.message
    created = Event.objects.filter(verb="person.created", subject_id=ada.pk).get()
    assert "contact_points" in created.changed_fields
    assert "ada@example.com" not in str(created.data)
    assert not done.stored_file  # the upload is gone once imported
    assert Event.objects.filter(verb="import.finished", subject_id=done.pk).get().data == {
        "created": 2,
        "updated": 0,
        "skipped": 0,
        "failed": 1,
    }


@pytest.mark.parametrize("bulk", [False, True])
def test_upsert_matches_email_then_phone_then_external_id(
    personas: Personas, django_capture_on_commit_callbacks: Callable[..., Any], bulk: bool
) -> None:
    workspace = personas.workspace
    by_email = do_create_person(
        actor=None,
        workspace=workspace,
        fields={"first_name": "Ada", "city": "London"},
        contacts=[ContactInput("email", "ada@example.com")],
    )
    by_phone = do_create_person(
        actor=None,
        workspace=workspace,
        fields={"first_name": "Grace"},
        contacts=[ContactInput("phone", "+1 415 555 2671")],
    )
    by_id = do_create_person(actor=None, workspace=workspace, fields={"first_name": "Alan"})
    ExternalId.objects.create(workspace=workspace, person=by_id, system="import", value="T-9")
    data = (
        "Name,Email,Phone,ID,Title\n"
        "Ada Lovelace,Ada@example.com,,,Analyst\n"
        "Grace Hopper,,+14155552671,,Admiral\n"
        "Alan Turing,,,T-9,Mathematician\n"
        "Ada Again,ada@example.com,,,\n"
        "New Person,new@example.com,,N-1,\n"
        "New Twice,new@example.com,,,\n"
    )
    batch = run(upload(personas, "p.csv", data.encode()), django_capture_on_commit_callbacks)
    if bulk:  # the same file again, through the fast path: all six are now matches
        batch = upload(personas, "p.csv", data.encode())
        batch = run(batch, django_capture_on_commit_callbacks, bulk=True)
        assert (batch.created_count, batch.updated_count) == (0, 6)
        updated = Event.objects.filter(verb="person.updated", data__import_batch_id=batch.pk)
        assert updated.filter(subject_id=by_email.pk).get().changed_fields == ["last_name"]

    assert Person.objects.filter(workspace=workspace).count() == 4
    by_email.refresh_from_db()
    assert (by_email.last_name, by_email.current_title, by_email.city) == (
        "Again",
        "Analyst",
        "London",
    )
    by_phone.refresh_from_db()
    assert by_phone.current_title == "Admiral"
    by_id.refresh_from_db()
    assert by_id.current_title == "Mathematician"
    newcomer = Person.objects.get(primary_email="new@example.com")
    assert newcomer.first_name == "New"
    assert ExternalId.objects.get(value="N-1").person == newcomer
    assert ContactPoint.objects.filter(kind="email", value="new@example.com").count() == 1


def test_update_existing_off_skips_matches(
    personas: Personas, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    do_create_person(
        actor=None,
        workspace=personas.workspace,
        fields={"first_name": "Ada"},
        contacts=[ContactInput("email", "ada@example.com")],
    )
    batch = upload(personas, "p.csv", b"Email,Title\nada@example.com,Boss\nbob@example.com,Dev\n")
    actions.do_set_import_mapping(
        actor=None, batch=batch, mapping=None, options={"update_existing": False}
    )

    done = run(batch, django_capture_on_commit_callbacks)

    assert (done.created_count, done.skipped_count) == (1, 1)
    assert Person.objects.get(primary_email="ada@example.com").current_title == ""
    assert ImportIssue.objects.get(batch=done).level == "skipped"


def test_latin1_file_with_a_stray_quote_imports_the_good_rows(
    personas: Personas, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    data = (
        "Prénom;Nom;Email\n"
        "Zoë;Müller;zoe@example.com\n"
        'Renée;O"Brien;renee@example.com\n'
        'José;"Ñúñez;jose@example.com;extra;cells\n'
    ).encode("latin-1")
    batch = upload(personas, "latin.csv", data)
    assert batch.encoding == "cp1252"
    actions.do_set_import_mapping(
        actor=None,
        batch=batch,
        mapping={"0": "first_name", "1": "last_name", "2": "email"},
        options={},
    )

    done = run(batch, django_capture_on_commit_callbacks)

    assert Person.objects.get(primary_email="zoe@example.com").last_name == "Müller"
    assert Person.objects.get(primary_email="renee@example.com").last_name == 'O"Brien'
    assert done.failed_count == 1
    issue = ImportIssue.objects.get(batch=done)
    assert issue.locator == "row 4"
    assert "stray quote" in issue.message or "never closed" in issue.message


def test_xlsx_is_read_from_its_first_sheet(
    personas: Personas, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Full name", "E-mail", "Years of experience"])
    sheet.append(["Ada Lovelace", "ada@example.com", 12.0])
    sheet.append([None, None, None])
    sheet.append(["Grace Hopper", "grace@example.com", 40])
    buffer = io.BytesIO()
    book.save(buffer)

    batch = upload(personas, "people.xlsx", buffer.getvalue())
    done = run(batch, django_capture_on_commit_callbacks)

    assert batch.mapping == {"0": "full_name", "1": "email", "2": "years_experience"}
    assert done.created_count == 2
    assert str(Person.objects.get(first_name="Ada").years_experience) == "12.0"


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.csv", b"", "the file is empty"),
        ("blank.csv", b"\n\n  \n", "the file is empty"),
        ("binary.csv", b"\x00\x01\x02garbage", "not a text file"),
        ("fake.xlsx", b"not a zip at all", "not a valid XLSX"),
        ("headless.csv", b"\n,,\nada@example.com\n", "header row"),
    ],
)
def test_unreadable_files_are_refused_and_nothing_is_kept(
    personas: Personas, tmp_path: Path, name: str, data: bytes, message: str
) -> None:
    with pytest.raises(ValidationFailed, match=message):
        upload(personas, name, data)

    assert not ImportBatch.objects.exists()
    assert not list((tmp_path / "imports").glob("*")) if (tmp_path / "imports").exists() else True


def test_a_200_mb_upload_is_refused_before_it_is_read(personas: Personas, tmp_path: Path) -> None:
    big = tmp_path / "big.csv"
    with big.open("wb") as handle:
        handle.truncate(200 * 1024 * 1024)  # sparse: no 200 MB written to disk
    with big.open("rb") as handle, pytest.raises(ValidationFailed, match="at most 100 MB"):
        actions.do_create_import_batch(
            actor=None,
            workspace=personas.workspace,
            upload=File(handle, name="big.csv"),
            size_limit=actions.max_import_bytes(),
        )
    assert not ImportBatch.objects.exists()


def test_a_zip_bomb_posing_as_xlsx_is_refused(personas: Personas) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\x00" * (20 * 1024 * 1024))

    with pytest.raises(ValidationFailed, match="zip bomb"):
        upload(personas, "bomb.xlsx", buffer.getvalue())
    assert not ImportBatch.objects.exists()


def test_a_started_batch_cannot_be_started_or_remapped_again(personas: Personas) -> None:
    batch = upload(personas, "people.csv", CSV.encode())
    actions.do_start_import(actor=None, batch=batch)

    with pytest.raises(Conflict):
        actions.do_start_import(actor=None, batch=batch)
    with pytest.raises(Conflict):
        actions.do_set_import_mapping(actor=None, batch=batch, mapping=None, options={})


def test_mapping_with_an_unknown_source_is_refused(personas: Personas) -> None:
    batch = upload(personas, "people.csv", CSV.encode())
    other_source = SourceFactory()

    with pytest.raises(ValidationFailed, match="no such source"):
        actions.do_set_import_mapping(
            actor=None, batch=batch, mapping=None, options={"source_id": other_source.pk}
        )
