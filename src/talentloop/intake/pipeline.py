"""Running a batch: drafts in chunks through the fast path or the actions, counted and reported.

Progress lands on the ImportBatch row after every chunk (each chunk commits on its own),
so the page's polling and the CLI's bar read it while the import runs. Each draft is in or
out on its own: a refused draft leaves one ImportIssue line and nothing else behind.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, cast

from django.core.files.storage import default_storage
from django.db import connection, transaction

from talentloop.accounts.models import User
from talentloop.intake import sources
from talentloop.intake.bulkload import RowResult, upsert_one, write_chunk
from talentloop.intake.domain import ImportOptions, describe_draft, options_from_json
from talentloop.intake.models import ImportBatch, ImportIssue, IssueLevel
from talentloop.intake.records import PersonDraft
from talentloop.intake.tabular import OpenBinary, TableShape
from talentloop.intake.upsert import CREATED, SKIPPED, UPDATED, TagCache

CHUNK_ROWS = 500
BULK_MIN_ROWS = 1000  # Why: below this the actions' per-row cost is not worth a second path.
ISSUE_LIMIT = 10_000  # Why: a wholly wrong million-row file must not write a million lines.
PREVIEW_ROWS = 100
Progress = Callable[[ImportBatch], None]


def opener(batch: ImportBatch) -> OpenBinary:
    """Open the batch's stored file again, as often as a reader needs."""
    name = batch.stored_file.name or ""
    return lambda: cast(IO[bytes], default_storage.open(name, "rb"))


def shape_of(batch: ImportBatch) -> TableShape:
    return TableShape(
        headers=list(batch.headers),
        encoding=batch.encoding or "utf-8",
        delimiter=str(batch.options.get("delimiter") or ","),
        estimated_rows=batch.total_rows,
    )


def batch_drafts(batch: ImportBatch) -> Iterator[PersonDraft]:
    options = options_from_json(batch.options)
    return sources.drafts(
        batch.source_kind, opener(batch), shape_of(batch), batch.mapping, options.external_system
    )


@dataclass
class Tally:
    created: int = 0
    updated: int = 0
    skipped: int = 0
    failed: int = 0
    issues: int = 0
    pending: list[ImportIssue] = field(default_factory=list)

    @property
    def processed(self) -> int:
        return self.created + self.updated + self.skipped + self.failed

    def add(self, batch: ImportBatch, result: RowResult) -> None:
        outcome = result.outcome
        if outcome is None:
            self.failed += 1
            self._issues(batch, result.locator, IssueLevel.ERROR, result.problems, None)
            return
        if outcome.action == CREATED:
            self.created += 1
        elif outcome.action == UPDATED:
            self.updated += 1
        elif outcome.action == SKIPPED:
            self.skipped += 1
        level = IssueLevel.SKIPPED if outcome.action == SKIPPED else IssueLevel.WARNING
        self._issues(batch, result.locator, level, outcome.warnings, outcome.person)

    def _issues(
        self,
        batch: ImportBatch,
        locator: str,
        level: str,
        problems: Iterable[tuple[str, str]],
        person: object,
    ) -> None:
        for where, message in problems:
            self.issues += 1
            if self.issues <= ISSUE_LIMIT:
                self.pending.append(
                    ImportIssue(
                        batch=batch,
                        locator=locator[:300],
                        field=where[:100],
                        level=level,
                        message=message[:500],
                        person=person,  # type: ignore[misc]
                    )
                )

    def flush(self, batch: ImportBatch) -> None:
        ImportIssue.objects.bulk_create(self.pending, batch_size=1000)
        self.pending = []
        ImportBatch.objects.filter(pk=batch.pk).update(
            processed_rows=self.processed,
            created_count=self.created,
            updated_count=self.updated,
            skipped_count=self.skipped,
            failed_count=self.failed,
        )
        batch.processed_rows, batch.created_count = self.processed, self.created
        batch.updated_count, batch.skipped_count = self.updated, self.skipped
        batch.failed_count = self.failed


def run_drafts(
    batch: ImportBatch,
    actor: User | None,
    drafts: Iterable[PersonDraft],
    *,
    bulk: bool,
    progress: Progress | None = None,
) -> Tally:
    """Upsert every draft, chunk by chunk; the batch row carries the running counts."""
    assert batch.workspace is not None
    options = options_from_json(batch.options)
    tags = TagCache(workspace=batch.workspace, actor=actor)
    tally = Tally()
    iterator = iter(drafts)
    while chunk := list(itertools.islice(iterator, CHUNK_ROWS)):
        # Why one transaction per chunk, each draft in a savepoint inside it: a draft is still
        # all or nothing, and the chunk pays for one commit (a disk flush) instead of 500.
        with transaction.atomic():
            immediate_constraints()
            for result in _chunk_results(batch, actor, chunk, options, tags, bulk=bulk):
                tally.add(batch, result)
            tally.flush(batch)
        if progress is not None:
            progress(batch)
    return tally


def immediate_constraints() -> None:
    """Check foreign keys per statement, so a bad draft fails inside its own savepoint.

    Why: PostgreSQL defers Django's foreign keys to the commit, where one broken draft
    would fail the whole chunk instead of itself.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def _chunk_results(
    batch: ImportBatch,
    actor: User | None,
    chunk: list[PersonDraft],
    options: ImportOptions,
    tags: TagCache,
    *,
    bulk: bool,
) -> list[RowResult]:
    workspace = batch.workspace
    if bulk:
        return write_chunk(
            actor=actor,
            workspace=workspace,
            drafts=chunk,
            options=options,
            tags=tags,
            batch_id=batch.pk,
        )
    return [
        upsert_one(
            actor=actor, workspace=workspace, index=index, draft=draft, options=options, tags=tags
        )
        for index, draft in enumerate(chunk)
    ]


@dataclass(frozen=True)
class PreviewLine:
    """What importing one record would do: create, update, skip, or fail and why."""

    locator: str
    label: str
    action: str
    problems: list[tuple[str, str]]


class _Rollback(Exception):
    """Raised to undo a dry run's writes."""


def preview(batch: ImportBatch, actor: User | None, limit: int = PREVIEW_ROWS) -> list[PreviewLine]:
    """Run the first `limit` drafts through the real actions, then roll everything back."""
    drafts = list(itertools.islice(batch_drafts(batch), limit))
    options = options_from_json(batch.options)
    lines: list[PreviewLine] = []
    try:
        with transaction.atomic():
            tags = TagCache(workspace=batch.workspace, actor=actor)
            for index, draft in enumerate(drafts):
                result = upsert_one(
                    actor=actor,
                    workspace=batch.workspace,
                    index=index,
                    draft=draft,
                    options=options,
                    tags=tags,
                )
                lines.append(_line(draft, result))
            raise _Rollback
    except _Rollback:
        pass
    return lines


def _line(draft: PersonDraft, result: RowResult) -> PreviewLine:
    if result.outcome is None:
        return PreviewLine(draft.locator, describe_draft(draft), "error", result.problems)
    return PreviewLine(
        draft.locator, describe_draft(draft), result.outcome.action, result.outcome.warnings
    )
