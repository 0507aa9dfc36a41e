"""Seed a workspace with N people in batches, each batch one transaction.

Why this bypasses the actions: do_create_person and friends validate, lock and append an
Event per row, which is right for people typed in by users and far too slow for a million
generated ones. The seeder is the only writer allowed to do this, and it keeps the
invariants the actions keep: Person.primary_email/primary_phone match the primary
ContactPoint rows, seniority_rank matches seniority, last_engaged_at is the newest
engagement activity, stage history has no gaps and only the current stay is open.
Seeded people, candidacies and activities have no audit history: writing millions of
Event rows would make the seed slower than the data is useful.
"""

from __future__ import annotations

import datetime as dt
import queue
import random
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from django.db import connection, transaction

from talentloop.accounts.models import Workspace
from talentloop.core import clock
from talentloop.core.bulk import refresh_statistics
from talentloop.people.models import (
    Activity,
    ContactPoint,
    Education,
    Person,
    PersonSkill,
    PersonTag,
    Task,
    WorkExperience,
)
from talentloop.recruiting.models import Candidacy, StageChange
from talentloop.seed import rows
from talentloop.seed.generator import make_person
from talentloop.seed.setup import SeedContext, prepare
from talentloop.seed.writer import IdSource, allocate_ids

BATCH_SIZE = 5_000
SEEDED_MODELS = (Person, ContactPoint, PersonSkill, WorkExperience, Education, PersonTag,
                 Candidacy, StageChange, Activity, Task)  # fmt: skip
Progress = Callable[[int], None]


@dataclass(frozen=True)
class SeedSummary:
    people: int
    candidacies: int
    activities: int
    rows: int


def seed_workspace(
    *,
    workspace: Workspace,
    people: int,
    seed: int,
    progress: Progress | None = None,
    batch_size: int = BATCH_SIZE,
    use_copy: bool | None = None,
) -> SeedSummary:
    """Add `people` generated people to the workspace; the same seed gives the same people.

    The same seed and batch size write the same rows on SQLite and PostgreSQL; `use_copy`
    False makes PostgreSQL take SQLite's INSERT path (for tests comparing the two).
    """
    now = clock.now()
    context = prepare(workspace, random.Random(f"{seed}:setup"), now)
    # Why an offset: emails carry the person's number, and a second seeding run into the
    # same workspace must not reuse the first run's addresses.
    offset = Person.objects.filter(workspace=workspace).count()
    writers = rows.Writers(use_copy=use_copy)
    _tune_for_bulk_writes()
    sink = _sink(writers, progress)
    try:
        for batch_number, start in enumerate(range(0, people, batch_size)):
            count = min(batch_size, people - start)
            rng = random.Random(f"{seed}:{batch_number}")
            first = offset + start
            sink.add(partial(_build_batch, context, rng, first, count, now), count)
    finally:
        sink.close()
    _analyze()
    return SeedSummary(
        people=writers.people.count,
        candidacies=writers.candidacies.count,
        activities=writers.activities.count,
        rows=writers.total(),
    )


def _tune_for_bulk_writes() -> None:
    # Why: on SQLite most of the insert time is index maintenance; a bigger page cache for
    # this connection keeps the hot index pages in memory (no effect on other connections).
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -131072")  # 128 MiB


def _analyze() -> None:
    """Fresh planner statistics: a bulk load leaves them describing the empty tables."""
    refresh_statistics([model._meta.db_table for model in SEEDED_MODELS])


class _Sink:
    """Builds and writes each batch in one transaction, on the caller's connection.

    Why one transaction: on SQLite the ids a batch reserves are only safe from other
    writers while its write lock is held, until its rows are in.
    """

    def __init__(self, writers: rows.Writers, progress: Progress | None) -> None:
        self.writers, self.progress = writers, progress

    def add(self, build: Callable[[], rows.Batch], count: int) -> None:
        with transaction.atomic():
            self.put(build(), count)

    def put(self, batch: rows.Batch, count: int) -> None:
        _write_batch(self.writers, batch)
        if self.progress is not None:
            self.progress(count)

    def close(self) -> None:
        pass


class _ThreadSink(_Sink):
    """Writes batches on a second connection in a thread while the caller builds the next.

    Why: building rows is Python work and writing them is mostly the server's (COPY,
    index upkeep, the foreign-key checks at commit); overlapping the two keeps both cores
    busy. psycopg releases the GIL while it waits on the server.
    """

    def __init__(self, writers: rows.Writers, progress: Progress | None) -> None:
        super().__init__(writers, progress)
        self.queue: queue.Queue[tuple[rows.Batch, int] | None] = queue.Queue(maxsize=1)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="seed-writer", daemon=True)
        self.thread.start()

    def add(self, build: Callable[[], rows.Batch], count: int) -> None:
        batch = build()  # ids from PostgreSQL sequences: safe outside the writing transaction
        if self.error is not None:
            raise self.error
        self.queue.put((batch, count))

    def close(self) -> None:
        self.queue.put(None)
        self.thread.join()
        if self.error is not None:
            raise self.error

    def _run(self) -> None:
        try:
            while (item := self.queue.get()) is not None:
                if self.error is None:
                    super().put(*item)
        except BaseException as error:  # handed to the caller's thread by put/close
            self.error = error
            while self.queue.get() is not None:
                pass  # let the caller's next put or close through
        finally:
            connection.close()


def _sink(writers: rows.Writers, progress: Progress | None) -> _Sink:
    # A second connection cannot see the caller's uncommitted rows: inside a transaction
    # (as in tests) the batches are written on the caller's connection instead.
    concurrent = connection.vendor == "postgresql" and not connection.in_atomic_block
    return _ThreadSink(writers, progress) if concurrent else _Sink(writers, progress)


@transaction.atomic
def _write_batch(writers: rows.Writers, batch: rows.Batch) -> None:
    if connection.vendor == "postgresql":
        # Why: waiting for each batch's WAL flush is most of a commit's cost here; a crash
        # loses at most the last batches, never consistency (seeding can simply be rerun).
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
    writers.write(batch)


def _build_batch(
    context: SeedContext,
    rng: random.Random,
    first_index: int,
    count: int,
    now: dt.datetime,
) -> rows.Batch:
    person_ids = allocate_ids(Person, count)
    candidacy_ids = IdSource(Candidacy)
    batch = rows.Batch()
    for offset, person_id in enumerate(person_ids):
        draft = make_person(rng, first_index + offset, now.date())
        builder = rows.PersonRows(
            context=context,
            rng=rng,
            now=now,
            person_id=person_id,
            candidacy_ids=candidacy_ids,
            batch=batch,
        )
        builder.build(draft)
    return batch
