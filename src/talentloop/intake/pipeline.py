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
from talentloop.core.models import Event
from talentloop.intake import leases, sources
from talentloop.intake.bulkload import RowResult, upsert_one, write_chunk
from talentloop.intake.domain import ImportOptions, describe_draft, options_from_json
from talentloop.intake.models import ExternalId, ImportBatch, ImportIssue, IssueLevel
from talentloop.intake.records import PersonDraft
from talentloop.intake.tabular import OpenBinary, TableShape
from talentloop.intake.upsert import CREATED, SKIPPED, UPDATED, TagCache
from talentloop.people.locking import lock_email_owners
from talentloop.people.models import ContactPoint, Person, PersonTag

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

    @classmethod
    def resumed(cls, batch: ImportBatch) -> Tally:
        """The counts a batch's earlier runs committed, to go on from."""
        return cls(
            created=batch.created_count,
            updated=batch.updated_count,
            skipped=batch.skipped_count,
            failed=batch.failed_count,
            issues=ImportIssue.objects.filter(batch=batch).count() if batch.processed_rows else 0,
        )

    def flush(self, batch: ImportBatch) -> None:
        """Store the report lines and counts; raises LeaseLost when this run lost the batch."""
        ImportIssue.objects.bulk_create(self.pending, batch_size=1000)
        self.pending = []
        leases.renew(
            batch,
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
    tally = Tally.resumed(batch)
    statistics = LoadStatistics() if bulk else None
    iterator = iter(drafts)
    while chunk := list(itertools.islice(iterator, CHUNK_ROWS)):
        # Why one transaction per chunk, each draft in a savepoint inside it: a draft is still
        # all or nothing, and the chunk pays for one commit (a disk flush) instead of 500.
        with transaction.atomic():
            chunk_settings()
            lock_email_owners(batch.workspace_id)
            for result in _chunk_results(batch, actor, chunk, options, tags, bulk=bulk):
                tally.add(batch, result)
            tally.flush(batch)
        if statistics is not None:
            statistics.loaded(len(chunk))
        if progress is not None:
            progress(batch)
    return tally


def chunk_settings() -> None:
    """Per-chunk transaction settings on PostgreSQL (SQLite has neither).

    Why immediate constraints: PostgreSQL defers Django's foreign keys to the commit, where
    one broken draft would fail the whole chunk instead of itself.
    Why no wait for the disk at commit: a chunk's rows and the batch's counts commit
    together, so a database crash loses whole chunks and the counts with them, never half
    of one; a resumed import starts after the last chunk that survived.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET LOCAL synchronous_commit TO OFF")


BULK_TABLES = [
    Person._meta.db_table,
    ContactPoint._meta.db_table,
    PersonTag._meta.db_table,
    ExternalId._meta.db_table,
    Event._meta.db_table,
]


@dataclass
class LoadStatistics:
    """Planner statistics kept up with a bulk load: ANALYZE each time the import doubles.

    Why: the chunk's look-ups (`value IN (…500 emails…)`) are planned from statistics; taken
    while the workspace held a few rows, they make PostgreSQL walk every email of the
    workspace per chunk instead of the index, and the load slows with its own size.
    Doubling keeps it to ten ANALYZEs for a million rows.
    """

    next_at: int = 1_000
    rows: int = 0

    def loaded(self, rows: int) -> None:
        self.rows += rows
        if self.rows < self.next_at or connection.vendor != "postgresql":
            return
        self.next_at = self.rows * 2
        # Why these two tables only: they are the ones the chunks look up by value.
        with connection.cursor() as cursor:
            for model in (ContactPoint, ExternalId):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


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
