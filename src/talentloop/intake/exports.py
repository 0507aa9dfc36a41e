"""Exports of a selection or a segment of people: CSV, XLSX, JSON Resume and vCard 4.0.

`do_export_people` checks the role, records a `people.exported` Event (format, count and
segment id only: no personal data) and returns the file as a stream of chunks, so an
export of any size is written without holding every person in memory.
"""

from __future__ import annotations

import enum
import json
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import IO

from django.db import transaction
from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from openpyxl import Workbook

from talentloop.accounts.models import User
from talentloop.accounts.permissions import require_export
from talentloop.core.errors import ValidationFailed
from talentloop.core.events import record_event
from talentloop.intake.formats.base import ExportPerson
from talentloop.intake.formats.jsonresume import resume_of
from talentloop.intake.formats.vcard import card_lines
from talentloop.people.actions import ContactInput, EducationInput, SkillInput, WorkInput
from talentloop.people.export import COLUMNS, csv_lines, spreadsheet_safe
from talentloop.people.models import Person
from talentloop.search.models import Segment

_CHUNK = 500
_COPY_BYTES = 64 * 1024
# Why: XML 1.0 (the inside of an .xlsx) cannot hold these; openpyxl raises on them.
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


class ExportFormat(enum.StrEnum):
    CSV = "csv"
    XLSX = "xlsx"
    JSONRESUME = "jsonresume"
    JSONRESUME_ZIP = "jsonresume-zip"
    VCARD = "vcard"


_FILES = {
    ExportFormat.CSV: ("csv", "text/csv; charset=utf-8"),
    ExportFormat.XLSX: (
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    ExportFormat.JSONRESUME: ("json", "application/json"),
    ExportFormat.JSONRESUME_ZIP: ("zip", "application/zip"),
    ExportFormat.VCARD: ("vcf", "text/vcard; charset=utf-8"),
}


@dataclass(frozen=True)
class ExportFile:
    filename: str
    content_type: str
    count: int
    chunks: Iterator[bytes]


def parse_format(raw: str) -> ExportFormat:
    """The format a caller asked for, or a 422 naming the ones there are."""
    try:
        return ExportFormat(raw.strip().lower())
    except ValueError:
        names = ", ".join(member.value for member in ExportFormat)
        raise ValidationFailed(
            f"unknown export format {raw[:40]!r}; use one of {names}", fields={"format": names}
        ) from None


def do_export_people(
    *,
    actor: User,
    people: QuerySet[Person],
    export_format: ExportFormat,
    segment: Segment | None = None,
    basename: str = "people",
) -> ExportFile:
    """Check the actor may export, record the export, and return the file as a stream."""
    require_export(actor)
    assert actor.workspace is not None  # require_export admits only workspace members
    people = people.order_by("id")
    count = people.count()
    with transaction.atomic():
        record_event(
            workspace=actor.workspace,
            actor=actor,
            verb="people.exported",
            subject=segment if segment is not None else actor.workspace,
            data={
                "format": export_format.value,
                "count": count,
                "segment_id": segment.pk if segment is not None else None,
            },
        )
    extension, content_type = _FILES[export_format]
    return ExportFile(
        filename=f"{basename}.{extension}",
        content_type=content_type,
        count=count,
        chunks=_encoded(_WRITERS[export_format](people)),
    )


def streaming_response(export: ExportFile) -> StreamingHttpResponse:
    """The export as a download that no cache keeps."""
    response = StreamingHttpResponse(export.chunks, content_type=export.content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    response["Cache-Control"] = "no-store"  # Why: personal data must not linger in caches.
    return response


def _encoded(chunks: Iterable[str | bytes]) -> Iterator[bytes]:
    for chunk in chunks:
        yield chunk.encode("utf-8") if isinstance(chunk, str) else chunk


# --- loading ------------------------------------------------------------------------------------


def _plain(people: QuerySet[Person]) -> Iterator[Person]:
    return people.select_related("owner", "source").iterator(chunk_size=2000)


def _full(people: QuerySet[Person]) -> Iterator[ExportPerson]:
    related = ("contact_points", "tags", "skills", "work_history", "education")
    rows = people.prefetch_related(*related).iterator(chunk_size=_CHUNK)
    return (export_person(person) for person in rows)


def export_person(person: Person) -> ExportPerson:
    """A Person (relations prefetched) as the plain values the writers take."""
    contacts = sorted(person.contact_points.all(), key=lambda c: (not c.is_primary, c.pk))
    return ExportPerson(
        first_name=person.first_name,
        last_name=person.last_name,
        full_name=person.full_name,
        headline=person.headline,
        summary=person.summary,
        title=person.current_title,
        company=person.current_company_name,
        city=person.city,
        region=person.region,
        country=person.country,
        contacts=tuple(
            ContactInput(kind=c.kind, value=c.value, label=c.label, is_primary=c.is_primary)
            for c in contacts
        ),
        tags=tuple(sorted(tag.name for tag in person.tags.all())),
        skills=tuple(SkillInput(name=s.name, level=s.level) for s in person.skills.all()),
        work_history=tuple(
            WorkInput(
                company_name=w.company_name,
                title=w.title,
                start_date=w.start_date,
                end_date=w.end_date,
                is_current=w.is_current,
                description=w.description,
            )
            for w in person.work_history.all()
        ),
        education=tuple(
            EducationInput(
                institution=e.institution,
                degree=e.degree,
                field_of_study=e.field_of_study,
                start_date=e.start_date,
                end_date=e.end_date,
            )
            for e in person.education.all()
        ),
        uid=f"urn:talentloop:person:{person.pk}",
    )


# --- writers ------------------------------------------------------------------------------------


def _csv(people: QuerySet[Person]) -> Iterator[str]:
    return csv_lines(_plain(people))


def _xlsx(people: QuerySet[Person]) -> Iterator[bytes]:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("People")
    sheet.append([name for name, _ in COLUMNS])
    for person in _plain(people):
        sheet.append([_cell(column(person)) for _, column in COLUMNS])
    with tempfile.TemporaryFile() as spool:
        workbook.save(spool)
        yield from _read_back(spool)


def _cell(value: object) -> object:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return _XML_ILLEGAL.sub("", spreadsheet_safe(value))


def _read_back(spool: IO[bytes]) -> Iterator[bytes]:
    spool.seek(0)
    while chunk := spool.read(_COPY_BYTES):
        yield chunk


def _jsonresume(people: QuerySet[Person]) -> Iterator[str]:
    yield "["
    for index, person in enumerate(_full(people)):
        yield ("," if index else "") + "\n" + json.dumps(resume_of(person), ensure_ascii=False)
    yield "\n]\n"


def _jsonresume_zip(people: QuerySet[Person]) -> Iterator[bytes]:
    with tempfile.TemporaryFile() as spool:
        with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for person in _full(people):
                document = json.dumps(resume_of(person), ensure_ascii=False, indent=2)
                archive.writestr(f"{_file_stem(person)}.json", document)
        yield from _read_back(spool)


def _file_stem(person: ExportPerson) -> str:
    return person.uid.rsplit(":", 1)[-1].rjust(8, "0")


def _vcard(people: QuerySet[Person]) -> Iterator[str]:
    for person in _full(people):
        yield "".join(card_lines(person))


_WRITERS: dict[ExportFormat, Callable[[QuerySet[Person]], Iterable[str | bytes]]] = {
    ExportFormat.CSV: _csv,
    ExportFormat.XLSX: _xlsx,
    ExportFormat.JSONRESUME: _jsonresume,
    ExportFormat.JSONRESUME_ZIP: _jsonresume_zip,
    ExportFormat.VCARD: _vcard,
}
