"""Whole-document formats (vCard, Greenhouse, …) through the same pipeline as tables."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from talentloop.conftest import Personas
from talentloop.core.errors import ValidationFailed
from talentloop.intake import actions, sources
from talentloop.intake.models import ImportBatch, SourceKind
from talentloop.people.models import Person

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).parent / "fixtures"
VCARDS = (
    b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ada Lovelace\r\nN:Lovelace;Ada;;;\r\n"
    b"EMAIL:ada@example.com\r\nEND:VCARD\r\n"
    b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Bad Mail\r\nN:Mail;Bad;;;\r\nEMAIL:nope\r\nEND:VCARD\r\n"
)


def run(personas: Personas, name: str, data: bytes, capture: Callable[..., Any]) -> ImportBatch:
    batch = actions.do_create_import_batch(
        actor=personas.recruiter,
        workspace=personas.workspace,
        upload=SimpleUploadedFile(name, data),
    )
    with capture(execute=True):
        actions.do_start_import(actor=personas.recruiter, batch=batch)
    batch.refresh_from_db()
    return batch


def test_every_format_module_is_offered() -> None:
    kinds = sources.available_kinds()
    for kind in (SourceKind.VCARD, SourceKind.JSON_RESUME, SourceKind.GREENHOUSE, SourceKind.LEVER):
        assert kind in kinds


def test_vcards_import_and_a_bad_card_is_reported(
    personas: Personas, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    batch = run(personas, "contacts.vcf", VCARDS, django_capture_on_commit_callbacks)

    assert batch.source_kind == "vcard"
    assert (batch.created_count, batch.failed_count) == (1, 1)
    assert Person.objects.get().last_name == "Lovelace"


@pytest.mark.skipif(not (FIXTURES / "greenhouse_candidates.json").exists(), reason="no fixture")
def test_greenhouse_reimport_updates_by_external_id(
    personas: Personas, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    data = (FIXTURES / "greenhouse_candidates.json").read_bytes()

    def upload_greenhouse() -> ImportBatch:
        batch = actions.do_create_import_batch(
            actor=personas.recruiter,
            workspace=personas.workspace,
            upload=SimpleUploadedFile("candidates.json", data),
            source_kind="greenhouse",
        )
        actions.do_set_import_mapping(
            actor=None, batch=batch, mapping=None, options={"match_on": ["external_id"]}
        )
        with django_capture_on_commit_callbacks(execute=True):
            actions.do_start_import(actor=personas.recruiter, batch=batch)
        batch.refresh_from_db()
        return batch

    first = upload_greenhouse()
    people = Person.objects.count()
    second = upload_greenhouse()

    assert first.created_count == people > 0
    assert second.created_count == 0
    assert second.updated_count == first.created_count
    assert Person.objects.count() == people


def test_a_broken_document_is_refused_whole(personas: Personas) -> None:
    with pytest.raises(ValidationFailed, match="JSON"):
        actions.do_create_import_batch(
            actor=None,
            workspace=personas.workspace,
            upload=SimpleUploadedFile("x.json", b"{not json"),
            source_kind="greenhouse",
        )
    assert not ImportBatch.objects.exists()
