"""Bulk resumes: a zip in, people created or updated, attachments, search text, review items."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from talentloop.conftest import Personas
from talentloop.core.errors import Conflict, ValidationFailed
from talentloop.intake import actions
from talentloop.intake.models import BatchStatus, FieldReview, ImportBatch, ImportIssue
from talentloop.people.actions import ContactInput, do_create_person
from talentloop.people.models import Attachment, Person

pytestmark = pytest.mark.django_db

ADA = b"""Ada Lovelace
Senior Software Engineer
ada@example.com | +44 20 7946 0958

Summary
Engineer who writes analytical engines.

Experience
Senior Engineer, Babbage Ltd  Jan 2019 - Present
Built things in Python and Go.

Skills
Python, Go, PostgreSQL
"""
# No skills section: the skills are guessed from prose, so they are kept aside for review.
GRACE = b"""Grace Hopper
Rear Admiral
grace@example.com

Projects
I wrote compilers in COBOL and Python for years.
"""


def make_zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def import_zip(
    personas: Personas, data: bytes, capture: Callable[..., Any], name: str = "cvs.zip"
) -> ImportBatch:
    batch = actions.do_create_import_batch(
        actor=personas.recruiter,
        workspace=personas.workspace,
        upload=SimpleUploadedFile(name, data),
        source_kind="resumes",
    )
    with capture(execute=True):
        actions.do_start_import(actor=personas.recruiter, batch=batch)
    batch.refresh_from_db()
    return batch


def test_a_zip_of_resumes_creates_updates_and_reports_each_file(
    personas: Personas, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    existing = do_create_person(
        actor=None,
        workspace=personas.workspace,
        fields={"first_name": "Ada", "city": "London"},
        contacts=[ContactInput("email", "ada@example.com")],
    )
    data = make_zip(
        {
            "cvs/ada.txt": ADA,
            "cvs/grace.txt": GRACE,
            "cvs/broken.pdf": b"%PDF-1.4 this is not really a pdf",
            "cvs/empty.docx": b"",
            "cvs/photo.png": b"\x89PNG....",
            "__MACOSX/._ada.txt": b"junk",
        }
    )

    batch = import_zip(personas, data, django_capture_on_commit_callbacks)

    assert batch.status == BatchStatus.DONE
    assert (batch.created_count, batch.updated_count, batch.failed_count) == (1, 1, 4)
    existing.refresh_from_db()
    assert existing.headline == "Senior Software Engineer"
    assert existing.city == "London"
    assert Person.objects.filter(workspace=personas.workspace).count() == 2
    assert Attachment.objects.get(person=existing).original_name == "ada.txt"
    assert {s.name for s in existing.skills.all()} == {"Python", "Go", "PostgreSQL"}
    grace = Person.objects.get(primary_email="grace@example.com")
    assert not grace.skills.exists()  # unsure: not saved ...
    review = FieldReview.objects.get(person=grace)  # ... but kept aside
    assert (review.field, review.status) == ("skills", "open")
    assert review.proposed == ["COBOL", "Python"]
    problems = {
        i.locator: i.message for i in ImportIssue.objects.filter(batch=batch, level="error")
    }
    assert "damaged" in problems["cvs/broken.pdf"]
    assert problems["cvs/empty.docx"] == "the file is empty"
    assert "not a resume file" in problems["cvs/photo.png"]
    assert not Attachment.objects.filter(original_name="broken.pdf").exists()


def test_resume_text_is_searchable(
    personas: Personas, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    from talentloop.search.fulltext import match_q

    import_zip(personas, make_zip({"ada.txt": ADA}), django_capture_on_commit_callbacks)

    found = Person.objects.filter(match_q(personas.workspace.pk, "analytical engines"))
    assert list(found.values_list("last_name", flat=True)) == ["Lovelace"]


def test_accepting_and_dismissing_reviews(
    personas: Personas, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    import_zip(personas, make_zip({"grace.txt": GRACE}), django_capture_on_commit_callbacks)
    review = FieldReview.objects.get()

    actions.do_accept_field_review(actor=personas.recruiter, review=review)

    grace = Person.objects.get(primary_email="grace@example.com")
    assert sorted(s.name for s in grace.skills.all()) == ["COBOL", "Python"]
    review.refresh_from_db()
    assert (review.status, review.decided_by) == ("accepted", personas.recruiter)
    with pytest.raises(Conflict):
        actions.do_dismiss_field_review(actor=personas.recruiter, review=review)


def test_a_zip_bomb_is_refused_whole(personas: Personas) -> None:
    bomb = make_zip({"huge.txt": b"A" * (30 * 1024 * 1024)})

    with pytest.raises(ValidationFailed, match="zip bomb"):
        actions.do_create_import_batch(
            actor=None,
            workspace=personas.workspace,
            upload=SimpleUploadedFile("bomb.zip", bomb),
            source_kind="resumes",
        )
    assert not ImportBatch.objects.exists()


def test_a_zip_without_resumes_is_refused(personas: Personas) -> None:
    with pytest.raises(ValidationFailed, match="holds no resumes"):
        actions.do_create_import_batch(
            actor=None,
            workspace=personas.workspace,
            upload=SimpleUploadedFile("x.zip", make_zip({"a.png": b"x"})),
            source_kind="resumes",
        )


def test_a_resume_without_a_name_or_contact_is_refused(
    personas: Personas, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    nameless = b"Experience\nWrote compilers for many years in several languages.\n"

    batch = import_zip(personas, make_zip({"x.txt": nameless}), django_capture_on_commit_callbacks)

    assert batch.failed_count == 1
    assert "no name, email or phone" in ImportIssue.objects.get(batch=batch).message
    assert not Person.objects.exists()


SHARED = (
    Path(__file__).resolve().parents[4] / ".." / "shared" / "data" / "resumes" / "resume-matcher"
)


@pytest.mark.skipif(not SHARED.exists(), reason="shared test data is not here")
def test_real_resume_pdfs_import_by_email_and_a_second_run_updates(
    personas: Personas, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    labels = json.loads((SHARED / "labels_contact_transcribed.json").read_text())
    pdfs = {
        path: label["email"].lower()
        for path, label in labels.items()
        if not path.startswith("_") and isinstance(label, dict) and label.get("email")
    }
    data = make_zip({path: (SHARED / path).read_bytes() for path in pdfs})
    people = len(set(pdfs.values()))  # some people appear in more than one file

    first = import_zip(personas, data, django_capture_on_commit_callbacks)
    second = import_zip(personas, data, django_capture_on_commit_callbacks)

    emails = set(Person.objects.values_list("primary_email", flat=True))
    assert (first.created_count, first.updated_count, first.failed_count) == (
        people,
        len(pdfs) - people,
        0,
    )
    assert (second.created_count, second.updated_count) == (0, len(pdfs))
    assert emails == set(pdfs.values())
    assert Attachment.objects.count() == len(pdfs)  # the second run attached nothing again
