"""Background work of imports: run one queued batch."""

from __future__ import annotations

from django_tasks import task

from talentloop.intake.actions import do_run_import


@task()
def run_import_batch(batch_id: int) -> int:
    """Import a queued batch; returns how many records it went through."""
    return do_run_import(batch_id=batch_id).processed_rows
