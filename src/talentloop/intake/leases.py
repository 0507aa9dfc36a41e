"""Who is running an import: a lease per run, a watchdog for dead runs, and resuming them.

A run claims its batch with a new `attempt` and renews `heartbeat_at` with each chunk it
commits, in the chunk's own transaction (`renew`). A worker killed mid-chunk takes that
chunk's transaction with it, so the batch's counts always say exactly which records are
in. The watchdog (a due item per run, checked every lease) marks a batch whose heartbeat
has stopped as interrupted; `do_resume_import` queues it again, and the next run starts
after the records already in. A run that lost its lease (it was too slow, was marked
interrupted and resumed elsewhere) finds out at its next chunk and rolls that chunk back.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Case, DateTimeField, F, Q, Value, When
from django.db.models.functions import Coalesce

from talentloop.accounts.models import User
from talentloop.core import clock, scheduling
from talentloop.core.errors import Conflict
from talentloop.core.events import record_event
from talentloop.core.models import DueItem
from talentloop.intake.models import BatchStatus, ImportBatch

WATCH_KIND = "intake.import_watch"
DEFAULT_LEASE_S = 300
INTERRUPTED_MESSAGE = (
    "the import stopped before the end of the file (the process running it went away); "
    "every record counted is fully in and nothing else is: resume it to import the rest"
)
INTERRUPTED_FOLDER_MESSAGE = (
    "the import stopped before the last file (the process running it went away); every "
    "file counted is fully in: import the folder again, and the people already in are matched"
)


class LeaseLost(Exception):
    """This run no longer holds its batch: it was marked interrupted or resumed by another."""


def lease() -> timedelta:
    """How long a run may go without committing a chunk before it counts as gone."""
    return timedelta(seconds=int(getattr(settings, "IMPORT_LEASE_S", DEFAULT_LEASE_S)))


def claim(batch_id: int) -> ImportBatch | None:
    """Take a queued batch for this run (a new attempt); None when it is not queued."""
    now = clock.now()
    with transaction.atomic():
        claimed = ImportBatch.objects.filter(pk=batch_id, status=BatchStatus.QUEUED).update(
            status=BatchStatus.RUNNING,
            started_at=Coalesce("started_at", Value(now, output_field=DateTimeField())),
            heartbeat_at=now,
            attempt=F("attempt") + 1,
            error="",
        )
        if claimed != 1:
            return None
        batch = ImportBatch.objects.select_related("workspace", "actor").get(pk=batch_id)
        _watch(batch, due_at=now + lease(), round_=0)
    return batch


def renew(batch: ImportBatch, **counts: int) -> None:
    """Write the running counts and a new heartbeat; raises LeaseLost if this run lost it.

    Call it inside the chunk's transaction: the counts and the chunk's rows commit together.
    """
    now = clock.now()
    renewed = ImportBatch.objects.filter(
        pk=batch.pk, status=BatchStatus.RUNNING, attempt=batch.attempt
    ).update(heartbeat_at=now, **counts)
    if renewed != 1:
        raise LeaseLost(f"import {batch.pk} attempt {batch.attempt}")
    batch.heartbeat_at = now


def _stale(now: datetime) -> Q:
    return Q(status=BatchStatus.RUNNING, heartbeat_at__lt=now - lease())


@transaction.atomic
def do_mark_import_interrupted(*, batch_id: int, now: datetime | None = None) -> bool:
    """Mark a running batch whose heartbeat stopped as interrupted; False if it is alive."""
    now = now or clock.now()
    # Why one conditional UPDATE: it waits for a chunk still committing (the row lock) and
    # then sees its fresh heartbeat, so a slow but living run is never marked.
    message = Case(
        When(stored_file="", then=Value(INTERRUPTED_FOLDER_MESSAGE)),
        default=Value(INTERRUPTED_MESSAGE),
    )
    marked = ImportBatch.objects.filter(_stale(now), pk=batch_id).update(
        status=BatchStatus.INTERRUPTED, error=message, updated_at=now
    )
    if marked != 1:
        return False
    batch = ImportBatch.objects.select_related("workspace", "actor").get(pk=batch_id)
    record_event(
        workspace=batch.workspace,
        actor=None,
        verb="import.interrupted",
        subject=batch,
        data={"processed": batch.processed_rows, "attempt": batch.attempt},
    )
    return True


@transaction.atomic
def do_resume_import(
    *, actor: User | None, batch: ImportBatch, enqueue: bool = True
) -> ImportBatch:
    """Queue an interrupted batch again; it goes on after the records already in.

    A batch still running with a stale heartbeat may be resumed too (no worker marked it
    yet). A 409 when the batch is running or finished, or its file is gone.
    """
    now = clock.now()
    resumable = Q(status=BatchStatus.INTERRUPTED) | _stale(now)
    # Why one transaction: a resume refused for a missing file leaves the batch as it was.
    with transaction.atomic():
        claimed = ImportBatch.objects.filter(resumable, pk=batch.pk).update(
            status=BatchStatus.QUEUED, error="", updated_at=now
        )
        if claimed != 1:
            raise Conflict(
                "only an interrupted import can be resumed", code="import_not_interrupted"
            )
        if not ImportBatch.objects.filter(pk=batch.pk).exclude(stored_file="").exists():
            # A folder imported from the command line keeps no file.
            raise Conflict(
                "the files of this import were not kept: import them again",
                code="import_file_gone",
            )
        batch.refresh_from_db()
        _record_resume(actor, batch)
    if enqueue:
        batch_id = batch.pk
        transaction.on_commit(lambda: _enqueue(batch_id))
    return batch


def _record_resume(actor: User | None, batch: ImportBatch) -> None:
    record_event(
        workspace=batch.workspace,
        actor=actor,
        verb="import.resumed",
        subject=batch,
        data={"from_row": batch.processed_rows},
    )


def _enqueue(batch_id: int) -> None:
    from talentloop.intake.tasks import run_import_batch

    run_import_batch.enqueue(batch_id)


def _watch(batch: ImportBatch, *, due_at: datetime, round_: int) -> None:
    scheduling.schedule(
        WATCH_KIND,
        due_at=due_at,
        key=f"import-watch:{batch.pk}:{batch.attempt}:{round_}",
        payload={"batch_id": batch.pk, "attempt": batch.attempt, "round": round_},
        workspace_id=batch.workspace_id,
    )


def run_watch(item: DueItem) -> None:
    """The watchdog: mark a dead run interrupted, or look again one lease after its heartbeat."""
    payload: dict[str, Any] = item.payload
    batch = ImportBatch.objects.filter(
        pk=payload["batch_id"], attempt=payload["attempt"], status=BatchStatus.RUNNING
    ).first()
    if batch is None or batch.heartbeat_at is None:
        return  # finished, failed, or another attempt runs it (with its own watchdog)
    now = clock.now()
    if do_mark_import_interrupted(batch_id=batch.pk, now=now):
        return
    next_at = max(batch.heartbeat_at + lease(), now) + timedelta(seconds=1)
    _watch(batch, due_at=next_at, round_=int(payload["round"]) + 1)


def register() -> None:
    """Name the watchdog's handler (called from the app's ready)."""
    scheduling.register_handler(WATCH_KIND, run_watch)
