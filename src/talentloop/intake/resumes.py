"""Bulk resumes: a zip (or one file, or a folder from the CLI) of resumes, each file all or nothing.

Per file: parse it, keep aside what the parser was unsure of (FieldReview rows, shown for
review instead of saved), upsert the confident rest through upsert.upsert_draft, store the
original as an attachment and index its text for search, in one transaction. A file that
cannot be read, or is refused, leaves one report line and nothing else (its stored copy
is removed with the rolled-back row).
"""

from __future__ import annotations

import hashlib
import itertools
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from talentloop.accounts.models import User, Workspace
from talentloop.core.errors import AppError
from talentloop.intake.bulkload import RowResult
from talentloop.intake.domain import ImportOptions, describe_draft, options_from_json
from talentloop.intake.models import FieldReview, ImportBatch
from talentloop.intake.pipeline import PreviewLine, Progress, Tally, opener
from talentloop.intake.records import PersonDraft
from talentloop.intake.tabular import OpenBinary, TableError, TableShape, check_zip
from talentloop.intake.upsert import Outcome, RowRefused, TagCache, upsert_draft
from talentloop.people.actions import (
    ContactInput,
    EducationInput,
    SkillInput,
    WorkInput,
    do_upload_attachment,
)
from talentloop.people.locking import lock_email_owners

RESUME_SUFFIXES = (".pdf", ".docx", ".doc", ".rtf", ".txt", ".html", ".htm")
ResumeFile = tuple[str, Callable[[], bytes]]
# Fields of a parse result kept aside for review when unsure, with how each is shown.
REVIEWABLE = (
    "name",
    "emails",
    "phones",
    "links",
    "headline",
    "summary",
    "work",
    "education",
    "skills",
)


def _is_resume(name: str) -> bool:
    base = name.rsplit("/", 1)[-1]
    return (
        not base.startswith(".")
        and "__MACOSX" not in name
        and base.lower().endswith(RESUME_SUFFIXES)
    )


def inspect(kind: str, open_binary: OpenBinary) -> TableShape:
    """Count the resumes of a zip (checked for bombs) or accept one resume file."""
    with open_binary() as stream:
        head = stream.read(4)
        if not head:
            raise TableError("the file is empty")
        if head != b"PK\x03\x04":
            return TableShape([], "", "", 1)
        stream.seek(0)
        with check_zip(stream, what="zip") as archive:
            names = [info.filename for info in archive.infolist() if not info.is_dir()]
    count = sum(1 for name in names if _is_resume(name))
    if not count:
        raise TableError("the zip holds no resumes (PDF, DOCX, DOC, RTF, TXT or HTML files)")
    return TableShape([], "", "", count)


def stored_files(batch: ImportBatch) -> Iterator[ResumeFile]:
    """The batch's resumes: the members of its zip, or its one stored file."""
    open_binary = opener(batch)
    with open_binary() as stream:
        is_zip = stream.read(4) == b"PK\x03\x04"
    if not is_zip:
        yield batch.file_name, lambda: _read_all(open_binary)
        return
    with open_binary() as stream, zipfile.ZipFile(stream) as archive:
        for info in archive.infolist():
            if info.is_dir():
                continue
            if not _is_resume(info.filename):
                yield info.filename, _refuse_type
                continue
            yield info.filename, _member_reader(archive, info)


def folder_files(folder: Path) -> Iterator[ResumeFile]:
    """Every file under a folder, in name order; files that are not resumes are refused."""
    for path in sorted(item for item in folder.rglob("*") if item.is_file()):
        name = str(path.relative_to(folder))
        yield name, (_path_reader(path) if _is_resume(name) else _refuse_type)


def _path_reader(path: Path) -> Callable[[], bytes]:
    def read() -> bytes:
        with path.open("rb") as handle:
            return handle.read(_limit() + 1)

    return read


def _read_all(open_binary: OpenBinary) -> bytes:
    with open_binary() as stream:
        return stream.read(_limit() + 1)


def _member_reader(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Callable[[], bytes]:
    def read() -> bytes:
        if info.file_size > _limit():
            raise ResumeRefused(f"the file is larger than {_limit() // (1024 * 1024)} MB")
        with archive.open(info) as member:
            # Why read at most limit + 1: the header's size may lie; the bytes cannot.
            return member.read(_limit() + 1)

    return read


def _refuse_type() -> bytes:
    raise ResumeRefused("not a resume file (PDF, DOCX, DOC, RTF, TXT or HTML)")


def _limit() -> int:
    return int(settings.MAX_UPLOAD_BYTES)


class ResumeRefused(Exception):
    """One file that cannot be imported; the message says why."""


@dataclass
class Parsed:
    draft: PersonDraft
    text: str
    unsure: list[Unsure]


@dataclass(frozen=True)
class Unsure:
    """A value the parser was not sure of: its name, as text, as data, and the confidence."""

    field: str
    shown: str
    proposed: Any
    confidence: float


def read_resume(name: str, data: bytes, workspace: Workspace) -> Parsed:
    """Parse one file into a draft of the confident fields and a list of unsure ones."""
    from talentloop.intake.parsing import ResumeParseError, parse_document

    if not data:
        raise ResumeRefused("the file is empty")
    if len(data) > _limit():
        raise ResumeRefused(f"the file is larger than {_limit() // (1024 * 1024)} MB")
    try:
        parsed = parse_document(
            data, filename=name, default_region=workspace.default_phone_region or "US"
        )
    except ResumeParseError as error:
        raise ResumeRefused(error.message) from None
    unsure_names = set(parsed.low_confidence_fields())
    draft = PersonDraft(locator=name[:300])
    unsure: list[Unsure] = []
    for field_name, value in _values(parsed).items():
        if not value:
            continue
        if field_name in unsure_names and field_name in REVIEWABLE:
            confidence = parsed.confidence.get(field_name, 0.0)
            unsure.append(Unsure(field_name, _shown(value), _proposed(value), confidence))
        else:
            _fill(draft, field_name, value)
    if not (draft.contacts or draft.fields.get("first_name") or draft.fields.get("last_name")):
        # Why refuse: a person with no name and no contact point could never be matched
        # again, so every re-import would add another nameless duplicate.
        raise ResumeRefused("no name, email or phone could be read with confidence")
    return Parsed(draft, parsed.text, unsure)


def _values(parsed: object) -> dict[str, object]:
    from talentloop.intake.parsing import ParsedResume

    assert isinstance(parsed, ParsedResume)
    return {
        "name": parsed.name if parsed.name.full or parsed.name.given else None,
        "emails": parsed.emails,
        "phones": parsed.phones,
        "links": [link.url for link in parsed.links],
        "headline": parsed.headline,
        "summary": parsed.summary,
        "work": parsed.work,
        "education": parsed.education,
        "skills": [skill.name for skill in parsed.skills],
    }


def _shown(value: object) -> str:
    """An unsure value as the text a reviewer reads."""
    from talentloop.intake.parsing import EducationEntry, PersonName, WorkEntry

    if isinstance(value, PersonName):
        return value.full or f"{value.given} {value.family}".strip()
    if isinstance(value, list):
        parts = []
        for item in value:
            if isinstance(item, WorkEntry):
                parts.append(" at ".join(p for p in (item.title, item.employer) if p))
            elif isinstance(item, EducationEntry):
                parts.append(", ".join(p for p in (item.degree, item.institution) if p))
            else:
                parts.append(str(item))
        return "; ".join(parts)
    return str(value)


def _proposed(value: object) -> Any:
    """An unsure value as JSON data an accepting reviewer applies (see actions.apply_review)."""
    from talentloop.intake.parsing import PersonName

    probe = PersonDraft(locator="")
    if isinstance(value, PersonName):
        _fill(probe, "name", value)
        return {"first_name": probe.fields["first_name"], "last_name": probe.fields["last_name"]}
    if isinstance(value, list) and value and not isinstance(value[0], str):
        _fill(probe, "work" if hasattr(value[0], "employer") else "education", value)
        entries = probe.work_history or probe.education
        return [
            {
                key: item.isoformat() if hasattr(item, "isoformat") else item
                for key, item in vars(entry).items()
            }
            for entry in entries
        ]
    return value


def _fill(draft: PersonDraft, field_name: str, value: object) -> None:
    from talentloop.intake.parsing import PersonName

    if isinstance(value, PersonName):
        given, family = value.given, value.family
        if not (given or family):
            given, _, family = value.full.partition(" ")
        draft.fields.update(first_name=given[:100], last_name=family[:100])
    elif field_name in {"emails", "phones", "links"} and isinstance(value, list):
        kind = {"emails": "email", "phones": "phone", "links": "url"}[field_name]
        for position, item in enumerate(value):
            draft.contacts.append(ContactInput(kind, str(item), is_primary=position == 0))
    elif field_name == "skills" and isinstance(value, list):
        draft.skills = [SkillInput(name=str(name)[:100]) for name in value]
    elif field_name == "work" and isinstance(value, list):
        draft.work_history = [_work(entry) for entry in value if entry.employer]
    elif field_name == "education" and isinstance(value, list):
        draft.education = [_school(entry) for entry in value if entry.institution]
    elif field_name in {"headline", "summary"}:
        draft.fields[field_name] = str(value)[:200] if field_name == "headline" else str(value)


def _work(entry: object) -> WorkInput:
    from talentloop.intake.parsing import WorkEntry

    assert isinstance(entry, WorkEntry)
    return WorkInput(
        company_name=entry.employer[:200],
        title=entry.title[:200],
        start_date=entry.start,
        end_date=None if entry.is_current else entry.end,
        is_current=entry.is_current,
        description=entry.description[:20_000],
    )


def _school(entry: object) -> EducationInput:
    from talentloop.intake.parsing import EducationEntry

    assert isinstance(entry, EducationEntry)
    return EducationInput(
        institution=entry.institution[:200],
        degree=entry.degree[:200],
        field_of_study=entry.field_of_study[:200],
        start_date=entry.start,
        end_date=entry.end,
    )


def import_resume(
    *,
    actor: User | None,
    batch: ImportBatch,
    name: str,
    data: bytes,
    options: ImportOptions,
    tags: TagCache,
) -> Outcome:
    """One resume in, all or nothing: person, attachment, search text and review items."""
    from talentloop.search.fulltext import set_extra_text

    parsed = read_resume(name, data, batch.workspace)
    stored: list[str] = []
    try:
        with transaction.atomic():
            outcome = upsert_draft(
                actor=actor,
                workspace=batch.workspace,
                draft=parsed.draft,
                options=options,
                tags=tags,
            )
            person = outcome.person
            assert person is not None
            # Why the digest check: importing the same folder twice must not attach twice.
            digest = hashlib.sha256(data).hexdigest()
            if not person.attachments.filter(sha256=digest).exists():
                upload = SimpleUploadedFile(name.rsplit("/", 1)[-1][:255], data)
                attachment = do_upload_attachment(actor=actor, person=person, upload=upload)
                stored.append(attachment.file.name)
            set_extra_text(person.pk, "resume", parsed.text)
            FieldReview.objects.bulk_create(
                FieldReview(
                    workspace=batch.workspace,
                    batch=batch,
                    person=person,
                    field=unsure.field,
                    value=unsure.shown,
                    proposed=unsure.proposed,
                    confidence=round(unsure.confidence, 3),
                )
                for unsure in parsed.unsure
            )
    except AppError as error:
        _remove(stored)
        raise ResumeRefused(error.message) from None
    except BaseException:
        _remove(stored)
        raise
    if parsed.unsure:
        names = ", ".join(unsure.field for unsure in parsed.unsure)
        outcome.warnings.append(("review", f"unsure of {names}: kept aside for review"))
    return outcome


def _remove(names: list[str]) -> None:
    for stored_name in names:
        default_storage.delete(stored_name)


def run(
    batch: ImportBatch,
    *,
    progress: Progress | None = None,
    files: Iterator[ResumeFile] | None = None,
) -> Tally:
    """Import every resume of the batch (or the given files), one report line per problem."""
    options = options_from_json(batch.options)
    tags = TagCache(workspace=batch.workspace, actor=batch.actor)
    tally = Tally.resumed(batch)
    listed = files if files is not None else stored_files(batch)
    # Why skip: the files an interrupted run committed are in, and counted as such.
    for index, (name, read) in enumerate(itertools.islice(listed, batch.processed_rows, None)):
        # Why the counts in the file's own transaction: a run killed between two files
        # leaves counts that say exactly which files are in, so a resume reads none twice.
        with transaction.atomic():
            lock_email_owners(batch.workspace_id)
            tally.add(batch, _one(batch, index, name, read, options, tags))
            tally.flush(batch)
        if progress is not None and index % 10 == 9:
            progress(batch)
    tally.flush(batch)
    if progress is not None:
        progress(batch)
    return tally


def _one(
    batch: ImportBatch,
    index: int,
    name: str,
    read: Callable[[], bytes],
    options: ImportOptions,
    tags: TagCache,
) -> RowResult:
    locator = name[:300]
    try:
        data = read()
        outcome = import_resume(
            actor=batch.actor, batch=batch, name=name, data=data, options=options, tags=tags
        )
    except ResumeRefused as error:
        return RowResult(index, locator, problems=[("file", str(error))])
    except RowRefused as refused:
        return RowResult(index, locator, problems=refused.problems)
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        return RowResult(
            index,
            locator,
            problems=[("file", f"cannot be read from the zip ({type(error).__name__})")],
        )
    return RowResult(index, locator, outcome=outcome)


def preview(batch: ImportBatch, files: Iterator[ResumeFile] | None = None) -> list[PreviewLine]:
    """What the parser reads from the first resumes, without saving anything."""
    lines: list[PreviewLine] = []
    for index, (name, read) in enumerate(files if files is not None else stored_files(batch)):
        if index >= 20:
            break
        try:
            parsed = read_resume(name, read(), batch.workspace)
        except (ResumeRefused, zipfile.BadZipFile, OSError, EOFError) as error:
            lines.append(PreviewLine(name, name, "error", [("file", str(error))]))
            continue
        unsure = [(item.field, "unsure: kept aside for review") for item in parsed.unsure]
        lines.append(PreviewLine(name, describe_draft(parsed.draft), "parsed", unsure))
    return lines
