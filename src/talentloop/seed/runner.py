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
import random
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection, transaction

from talentloop.accounts.models import Workspace
from talentloop.core import clock
from talentloop.people.models import Person
from talentloop.recruiting.models import Candidacy
from talentloop.seed import rows
from talentloop.seed.generator import make_person
from talentloop.seed.setup import SeedContext, prepare
from talentloop.seed.writer import IdSource, allocate_ids

BATCH_SIZE = 5_000
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
) -> SeedSummary:
    """Add `people` generated people to the workspace; the same seed gives the same people."""
    now = clock.now()
    context = prepare(workspace, random.Random(f"{seed}:setup"), now)
    # Why an offset: emails carry the person's number, and a second seeding run into the
    # same workspace must not reuse the first run's addresses.
    offset = Person.objects.filter(workspace=workspace).count()
    writers = rows.Writers()
    _tune_for_bulk_writes()
    for batch_number, start in enumerate(range(0, people, batch_size)):
        count = min(batch_size, people - start)
        rng = random.Random(f"{seed}:{batch_number}")
        _write_batch(context, writers, rng, offset + start, count, now)
        if progress is not None:
            progress(count)
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


@transaction.atomic
def _write_batch(
    context: SeedContext,
    writers: rows.Writers,
    rng: random.Random,
    first_index: int,
    count: int,
    now: dt.datetime,
) -> None:
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
    writers.write(batch)
