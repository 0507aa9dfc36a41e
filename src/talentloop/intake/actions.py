"""Every write of the import pipeline: create a batch, map it, start it, run it, review fields."""

from __future__ import annotations

import datetime as dt
import itertools
import uuid
from collections.abc import Callable, Mapping
from typing import Any

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction

from talentloop.accounts.models import User, Workspace
from talentloop.core import clock
from talentloop.core.bulk import refresh_statistics
from talentloop.core.errors import Conflict, ValidationFailed
from talentloop.core.events import record_event
from talentloop.intake import leases, pipeline, sources
from talentloop.intake.domain import (
    ImportOptions,
    MappingError,
    check_mapping,
    guess_mapping,
    options_from_json,
)
from talentloop.intake.models import (
    BatchStatus,
    FieldReview,
    ImportBatch,
    ReviewStatus,
    SourceKind,
)
from talentloop.intake.tabular import TableError, TableShape
from talentloop.people import actions as people
from talentloop.people.actions import ContactInput, EducationInput, SkillInput, WorkInput
from talentloop.people.models import (
    CustomFieldDefinition,
    Education,
    Person,
    Source,
    WorkExperience,
)

DEFAULT_MAX_IMPORT_BYTES = 100 * 1024 * 1024


def max_import_bytes() -> int:
    """The biggest upload accepted (settings.MAX_IMPORT_BYTES); the CLI reads any size."""
    return int(getattr(settings, "MAX_IMPORT_BYTES", DEFAULT_MAX_IMPORT_BYTES))


def custom_keys(workspace: Workspace) -> list[str]:
    return list(
        CustomFieldDefinition.objects.filter(workspace=workspace, archived=False).values_list(
            "key", flat=True
        )
    )


def _check_size(size: int, limit: int | None) -> None:
    if size <= 0:
        raise ValidationFailed("the file is empty", fields={"file": "empty"})
    if limit is not None and size > limit:
        raise ValidationFailed(
            f"the file is {size // (1024 * 1024):,} MB; uploads may be at most "
            f"{limit // (1024 * 1024)} MB (split it, or import it with `talentloop import`)",
            fields={"file": "too large"},
        )


def _kind(source_kind: str | None, file_name: str) -> SourceKind:
    if not source_kind:
        return sources.guess_kind(file_name)
    try:
        kind = SourceKind(source_kind)
    except ValueError:
        raise ValidationFailed(
            "unknown kind of file", fields={"source_kind": "not a known kind"}
        ) from None
    if kind not in sources.available_kinds():
        raise ValidationFailed(
            f"{kind.label} files cannot be imported here yet",
            fields={"source_kind": "not available"},
        )
    return kind


def do_create_import_batch(
    *,
    actor: User | None,
    workspace: Workspace,
    upload: File[Any],
    source_kind: str | None = None,
    size_limit: int | None = None,
) -> ImportBatch:
    """Store an upload and read its shape; a file that cannot be read is refused and not kept."""
    file_name = (upload.name or "upload").replace("\\", "/").rsplit("/", 1)[-1][:255]
    kind = _kind(source_kind, file_name)
    size = int(upload.size or 0)
    _check_size(size, size_limit)
    suffix = file_name.rsplit(".", 1)[-1].lower()[:8] if "." in file_name else "bin"
    stored = default_storage.save(f"imports/{uuid.uuid4().hex}.{suffix}", upload)
    try:
        shape = _inspect(kind, stored)
        with transaction.atomic():
            batch = _new_batch(actor, workspace, kind, file_name, stored, size, shape)
    except Exception:
        default_storage.delete(stored)
        raise
    return batch


def _inspect(kind: SourceKind, stored: str) -> TableShape:
    if kind == SourceKind.RESUMES:
        from talentloop.intake import resumes

        inspect = resumes.inspect
    else:
        inspect = sources.inspect
    try:
        return inspect(kind.value, lambda: default_storage.open(stored, "rb"))
    except TableError as error:
        raise ValidationFailed(str(error), fields={"file": str(error)}) from None


def _new_batch(
    actor: User | None,
    workspace: Workspace,
    kind: SourceKind,
    file_name: str,
    stored: str,
    size: int,
    shape: TableShape,
) -> ImportBatch:
    options = ImportOptions().as_json()
    options["delimiter"] = shape.delimiter
    batch = ImportBatch.objects.create(
        workspace=workspace,
        actor=actor,
        source_kind=kind.value,
        file_name=file_name,
        stored_file=stored,
        size=size,
        encoding=shape.encoding,
        headers=shape.headers,
        mapping=guess_mapping(shape.headers, custom_keys(workspace)),
        options=options,
        total_rows=shape.estimated_rows,
    )
    record_event(
        workspace=workspace,
        actor=actor,
        verb="import.created",
        subject=batch,
        data={"source_kind": kind.value, "size": size, "rows": shape.estimated_rows},
    )
    return batch


def _refuse_unless_mapping(batch: ImportBatch) -> None:
    if batch.status != BatchStatus.MAPPING:
        raise Conflict(
            "this import has already started", code="import_started", fields={"status": "started"}
        )


@transaction.atomic
def do_set_import_mapping(
    *,
    actor: User | None,
    batch: ImportBatch,
    mapping: Mapping[str, str] | None,
    options: Mapping[str, Any],
) -> ImportBatch:
    """Store the columns' targets and the batch options (tags, source, match keys)."""
    _refuse_unless_mapping(batch)
    try:
        clean_options = options_from_json(options)
        if batch.source_kind in sources.TABULAR_KINDS:
            clean_mapping = check_mapping(
                mapping if mapping is not None else batch.mapping,
                len(batch.headers),
                custom_keys(batch.workspace),
            )
            batch.mapping = clean_mapping
    except (MappingError, ValueError) as error:
        raise ValidationFailed(str(error), fields={"mapping": str(error)}) from None
    _check_source(batch.workspace, clean_options.source_id)
    stored = clean_options.as_json()
    stored["delimiter"] = batch.options.get("delimiter", ",")
    batch.options = stored
    batch.save(update_fields=["mapping", "options", "updated_at"])
    record_event(
        workspace=batch.workspace,
        actor=actor,
        verb="import.mapped",
        subject=batch,
        changed_fields=["mapping", "options"],
    )
    return batch


def _check_source(workspace: Workspace, source_id: int | None) -> None:
    if (
        source_id is not None
        and not Source.objects.filter(workspace=workspace, pk=source_id).exists()
    ):
        raise ValidationFailed("no such source", fields={"source_id": "no such source"})


def preview_import(*, actor: User | None, batch: ImportBatch) -> list[pipeline.PreviewLine]:
    """A dry run of the first rows through the real checks; nothing it does is kept."""
    _refuse_unless_mapping(batch)
    if batch.source_kind == SourceKind.RESUMES:
        from talentloop.intake import resumes

        return resumes.preview(batch)
    try:
        return pipeline.preview(batch, actor)
    except TableError as error:
        raise ValidationFailed(str(error), fields={"file": str(error)}) from None


@transaction.atomic
def do_start_import(*, actor: User | None, batch: ImportBatch, enqueue: bool = True) -> ImportBatch:
    """Queue the batch for the background worker; a second start is a 409.

    The CLI passes enqueue=False and runs the batch itself, so no worker races it.
    """
    if batch.source_kind in sources.TABULAR_KINDS:
        try:
            check_mapping(batch.mapping, len(batch.headers), custom_keys(batch.workspace))
        except MappingError as error:
            raise ValidationFailed(str(error), fields={"mapping": str(error)}) from None
    # Why a conditional UPDATE: two clicks (or two tabs) must queue the import once.
    claimed = ImportBatch.objects.filter(pk=batch.pk, status=BatchStatus.MAPPING).update(
        status=BatchStatus.QUEUED, updated_at=clock.now()
    )
    if claimed != 1:
        raise Conflict("this import has already started", code="import_started")
    batch.status = BatchStatus.QUEUED
    record_event(workspace=batch.workspace, actor=actor, verb="import.queued", subject=batch)
    batch_id = batch.pk
    if enqueue:
        transaction.on_commit(lambda: _enqueue(batch_id))
    return batch


@transaction.atomic
def do_discard_import_batch(*, actor: User | None, batch: ImportBatch) -> None:
    """Drop a batch that was never started (a dry run from the CLI), with its stored file."""
    _refuse_unless_mapping(batch)
    stored = batch.stored_file.name
    record_event(workspace=batch.workspace, actor=actor, verb="import.discarded", subject=batch)
    batch.delete()
    if stored:
        transaction.on_commit(lambda: default_storage.delete(stored))


def _enqueue(batch_id: int) -> None:
    from talentloop.intake.tasks import run_import_batch

    run_import_batch.enqueue(batch_id)


def do_run_import(
    *,
    batch_id: int,
    progress: pipeline.Progress | None = None,
    bulk: bool | None = None,
    run: Callable[[ImportBatch], object] | None = None,
) -> ImportBatch:
    """Import a queued batch (the worker or the CLI calls this); claimed once, then run.

    `run` replaces the batch's own reading (the CLI passes a folder's files this way). A
    resumed batch goes on after the records its earlier runs committed.
    """
    batch = leases.claim(batch_id)
    if batch is None:
        return ImportBatch.objects.select_related("workspace", "actor").get(pk=batch_id)
    try:
        if run is not None:
            run(batch)
        else:
            _run(batch, progress, bulk)
    except leases.LeaseLost:
        # Why no _finish: the batch belongs to another run (or waits to be resumed) now.
        return ImportBatch.objects.select_related("workspace", "actor").get(pk=batch_id)
    except TableError as error:
        return _finish(batch, BatchStatus.FAILED, str(error))
    except Exception:
        _finish(batch, BatchStatus.FAILED, "the import stopped on an unexpected error")
        raise
    return _finish(batch, BatchStatus.DONE, "")


def _run(batch: ImportBatch, progress: pipeline.Progress | None, bulk: bool | None) -> None:
    if batch.source_kind == SourceKind.RESUMES:
        from talentloop.intake import resumes

        resumes.run(batch, progress=progress)
        return
    use_bulk = batch.total_rows >= pipeline.BULK_MIN_ROWS if bulk is None else bulk
    # Why skip: the records an interrupted run committed are in, and counted as such.
    drafts = itertools.islice(pipeline.batch_drafts(batch), batch.processed_rows, None)
    pipeline.run_drafts(batch, batch.actor, drafts, bulk=use_bulk, progress=progress)
    if use_bulk:
        # Why: rows written by COPY are not all-visible until a vacuum passes, and autovacuum
        # may be late or off; lists and counts over the new people would read the heap.
        refresh_statistics(pipeline.BULK_TABLES)


@transaction.atomic
def _finish(batch: ImportBatch, status: BatchStatus, error: str) -> ImportBatch:
    attempt = batch.attempt
    batch = (
        ImportBatch.objects.select_for_update(of=("self",))
        .select_related("workspace", "actor")
        .get(pk=batch.pk)
    )
    if batch.status != BatchStatus.RUNNING or batch.attempt != attempt:
        return batch  # Why: marked interrupted meanwhile; its file stays for the resume
    batch.status, batch.error, batch.finished_at = status.value, error[:500], clock.now()
    stored = batch.stored_file.name
    batch.stored_file = ""
    batch.save(update_fields=["status", "error", "finished_at", "stored_file", "updated_at"])
    record_event(
        workspace=batch.workspace,
        actor=batch.actor,
        verb="import.finished" if status == BatchStatus.DONE else "import.failed",
        subject=batch,
        data={
            "created": batch.created_count,
            "updated": batch.updated_count,
            "skipped": batch.skipped_count,
            "failed": batch.failed_count,
        },
    )
    # Why delete the upload: once imported, the report is all that should remain of the file.
    if stored:
        transaction.on_commit(lambda: default_storage.delete(stored))
    return batch


# --- fields kept aside for review --------------------------------------------------------------


@transaction.atomic
def do_accept_field_review(*, actor: User | None, review: FieldReview) -> FieldReview:
    """Apply a value the parser was unsure of to its person, through the people actions."""
    _refuse_decided(review)
    _apply_review(actor, review.person, review.field, review.proposed)
    return _decide(actor, review, ReviewStatus.ACCEPTED)


@transaction.atomic
def do_dismiss_field_review(*, actor: User | None, review: FieldReview) -> FieldReview:
    """Drop a value the parser was unsure of; the person stays as it is."""
    _refuse_decided(review)
    return _decide(actor, review, ReviewStatus.DISMISSED)


def _refuse_decided(review: FieldReview) -> None:
    # Why the conditional UPDATE: two reviewers deciding at once must apply the value once.
    claimed = FieldReview.objects.filter(pk=review.pk, status=ReviewStatus.OPEN).update(
        status="deciding"
    )
    if claimed != 1:
        raise Conflict("this field has already been reviewed", code="already_reviewed")


def _decide(actor: User | None, review: FieldReview, status: ReviewStatus) -> FieldReview:
    review.status, review.decided_by = status.value, actor
    review.save(update_fields=["status", "decided_by", "updated_at"])
    record_event(
        workspace=review.workspace,
        actor=actor,
        verb=f"field_review.{status.value}",
        subject=review,
        data={"person_id": review.person_id, "field": review.field},
    )
    return review


def _apply_review(actor: User | None, person: Person, field: str, proposed: Any) -> None:
    if field in {"emails", "phones", "links"}:
        kind = {"emails": "email", "phones": "phone", "links": "url"}[field]
        known = set(person.contact_points.filter(kind=kind).values_list("value", flat=True))
        for value in proposed:
            if value not in known:
                contact = ContactInput(kind=kind, value=str(value))
                people.do_add_contact_point(actor=actor, person=person, contact=contact)
        return
    people.do_update_person(actor=actor, person=person, **_review_change(person, field, proposed))


def _review_change(person: Person, field: str, proposed: Any) -> dict[str, Any]:
    if field == "name":
        return {"fields": dict(proposed)}
    if field in {"headline", "summary"}:
        return {"fields": {field: str(proposed)}}
    if field == "skills":
        stored = [SkillInput(s.name, s.level, s.years) for s in person.skills.all()]
        names = {skill.name.casefold() for skill in stored}
        new = [SkillInput(str(name)) for name in proposed if str(name).casefold() not in names]
        return {"fields": {}, "skills": [*stored, *new]}
    if field == "work":
        stored_work = [_work_input(entry) for entry in person.work_history.all()]
        return {"fields": {}, "work_history": [*stored_work, *map(_from_json_work, proposed)]}
    if field == "education":
        stored_school = [_school_input(entry) for entry in person.education.all()]
        return {"fields": {}, "education": [*stored_school, *map(_from_json_school, proposed)]}
    raise ValidationFailed(f"{field!r} cannot be applied", fields={"field": "unknown"})


def _date(raw: Any) -> dt.date | None:
    return dt.date.fromisoformat(raw) if isinstance(raw, str) and raw else None


def _from_json_work(entry: Mapping[str, Any]) -> WorkInput:
    return WorkInput(
        company_name=str(entry.get("company_name", "")),
        title=str(entry.get("title", "")),
        start_date=_date(entry.get("start_date")),
        end_date=_date(entry.get("end_date")),
        is_current=bool(entry.get("is_current")),
        description=str(entry.get("description", "")),
    )


def _from_json_school(entry: Mapping[str, Any]) -> EducationInput:
    return EducationInput(
        institution=str(entry.get("institution", "")),
        degree=str(entry.get("degree", "")),
        field_of_study=str(entry.get("field_of_study", "")),
        start_date=_date(entry.get("start_date")),
        end_date=_date(entry.get("end_date")),
    )


def _work_input(entry: WorkExperience) -> WorkInput:
    return WorkInput(
        entry.company_name,
        entry.title,
        entry.start_date,
        entry.end_date,
        entry.is_current,
        entry.description,
    )


def _school_input(entry: Education) -> EducationInput:
    return EducationInput(
        entry.institution, entry.degree, entry.field_of_study, entry.start_date, entry.end_date
    )
