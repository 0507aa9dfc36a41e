"""A killed import is seen as interrupted and resumed from the records not yet in."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from talentloop.api.testing import ApiClient
from talentloop.cli import main
from talentloop.conftest import Personas
from talentloop.core import scheduling
from talentloop.core.errors import Conflict
from talentloop.core.models import DueItem, Event
from talentloop.intake import actions, leases, pipeline
from talentloop.intake.models import BatchStatus, ImportBatch, ImportIssue
from talentloop.people.models import ContactPoint, Person

pytestmark = pytest.mark.django_db
START = dt.datetime(2026, 5, 4, 9, 0, tzinfo=dt.UTC)
ROWS = [f"Person {number},person{number}@example.com\n" for number in range(7)]
CSV = ("Name,Email\n" + "".join(ROWS[:3]) + "Broken,not-an-email\n" + "".join(ROWS[3:])).encode()


class WorkerKilled(BaseException):
    """Stands for the process dying: nothing in the import code catches it."""


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "CHUNK_ROWS", 3)


def queued(personas: Personas) -> ImportBatch:
    batch = actions.do_create_import_batch(
        actor=personas.recruiter,
        workspace=personas.workspace,
        upload=SimpleUploadedFile("people.csv", CSV),
    )
    return actions.do_start_import(actor=personas.recruiter, batch=batch, enqueue=False)


def die_in_chunk(monkeypatch: pytest.MonkeyPatch, chunk: int, *, bulk: bool) -> None:
    """Kill the run inside the given chunk (1-based), after it wrote its first record."""
    calls = iter(range(1, 100))
    target = "write_chunk" if bulk else "upsert_one"
    real = getattr(pipeline, target)

    def dying(*args: Any, **kwargs: Any) -> Any:
        result = real(*args, **kwargs)
        if next(calls) == (chunk if bulk else (chunk - 1) * 3 + 1):
            raise WorkerKilled
        return result

    monkeypatch.setattr(pipeline, target, dying)


def killed_run(batch: ImportBatch, monkeypatch: pytest.MonkeyPatch, *, bulk: bool) -> ImportBatch:
    die_in_chunk(monkeypatch, 2, bulk=bulk)
    with time_machine.travel(START, tick=False), pytest.raises(WorkerKilled):
        actions.do_run_import(batch_id=batch.pk, bulk=bulk)
    monkeypatch.undo()
    monkeypatch.setattr(pipeline, "CHUNK_ROWS", 3)
    batch.refresh_from_db()
    return batch


@pytest.mark.parametrize("bulk", [False, True])
def test_a_killed_import_is_marked_interrupted_and_resumes_after_what_is_in(
    personas: Personas, small_chunks: None, monkeypatch: pytest.MonkeyPatch, bulk: bool
) -> None:
    # given an import killed inside its second chunk of three rows
    batch = killed_run(queued(personas), monkeypatch, bulk=bulk)
    # then the first chunk is in, counted, and nothing of the second is
    assert (batch.status, batch.processed_rows, batch.created_count) == ("running", 3, 3)
    assert Person.objects.filter(workspace=personas.workspace).count() == 3

    # when the watchdog looks one lease after the last heartbeat
    due = DueItem.objects.get(kind=leases.WATCH_KIND)
    with time_machine.travel(START + leases.lease() + dt.timedelta(seconds=5), tick=False):
        scheduling.run_due(due.due_at + dt.timedelta(seconds=5), 10)
    # then the batch reads interrupted, says why, and keeps its file for the resume
    batch.refresh_from_db()
    assert batch.status == BatchStatus.INTERRUPTED
    assert batch.is_finished
    assert batch.error == leases.INTERRUPTED_MESSAGE
    assert batch.stored_file
    assert Event.objects.filter(verb="import.interrupted", subject_id=batch.pk).count() == 1

    # when it is resumed and run
    leases.do_resume_import(actor=personas.recruiter, batch=batch, enqueue=False)
    done = actions.do_run_import(batch_id=batch.pk, bulk=bulk)
    # then every row is in once, the report has the bad row once, and the file is gone
    assert done.started_at == START
    assert (done.status, done.attempt, done.processed_rows) == ("done", 2, 8)
    assert (done.created_count, done.failed_count) == (7, 1)
    emails = ContactPoint.objects.filter(workspace=personas.workspace, kind="email")
    assert sorted(emails.values_list("value", flat=True)) == sorted(
        f"person{number}@example.com" for number in range(7)
    )
    assert list(ImportIssue.objects.filter(batch=done).values_list("locator", flat=True)) == [
        "row 5"
    ]
    assert not done.stored_file


def test_the_watchdog_leaves_a_living_import_alone(personas: Personas) -> None:
    # given a run that committed a chunk a moment ago
    batch = queued(personas)
    with time_machine.travel(START, tick=False):
        claimed = leases.claim(batch.pk)
    assert claimed is not None
    with time_machine.travel(START + leases.lease() / 2, tick=False):
        leases.renew(claimed, processed_rows=3)
    # when the first check comes due
    due = DueItem.objects.get(kind=leases.WATCH_KIND)
    with time_machine.travel(due.due_at + dt.timedelta(seconds=1), tick=False):
        scheduling.run_due(due.due_at + dt.timedelta(seconds=1), 10)
        # then it is still running, cannot be resumed, and the next check is planned
        with pytest.raises(Conflict):
            leases.do_resume_import(actor=None, batch=claimed, enqueue=False)
    claimed.refresh_from_db()
    assert claimed.status == BatchStatus.RUNNING
    assert DueItem.objects.filter(kind=leases.WATCH_KIND, state="pending").count() == 1


def test_a_run_that_lost_its_lease_rolls_its_chunk_back(
    personas: Personas, small_chunks: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a slow run whose lease went to another attempt while it wrote its second chunk
    batch = queued(personas)
    held: list[ImportBatch] = []
    real_claim, real_write = leases.claim, pipeline.write_chunk
    calls = iter(range(1, 100))

    def claim(batch_id: int) -> ImportBatch | None:
        held.extend(filter(None, [real_claim(batch_id)]))
        return held[0]

    def slow(*args: Any, **kwargs: Any) -> Any:
        result = real_write(*args, **kwargs)
        if next(calls) == 2:
            held[0].attempt += 1  # what this run holds no longer matches the batch's attempt
        return result

    monkeypatch.setattr(leases, "claim", claim)
    monkeypatch.setattr(pipeline, "write_chunk", slow)
    # when it goes on
    stopped = actions.do_run_import(batch_id=batch.pk, bulk=True)
    # then its second chunk is not kept, and it does not finish a batch no longer its own
    assert (stopped.status, stopped.processed_rows) == ("running", 3)
    assert Person.objects.filter(workspace=personas.workspace).count() == 3
    assert stopped.stored_file
    assert not Event.objects.filter(verb="import.finished", subject_id=batch.pk).exists()


def test_only_an_interrupted_import_can_be_resumed(
    personas: Personas, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    batch = queued(personas)
    with pytest.raises(Conflict):
        leases.do_resume_import(actor=None, batch=batch, enqueue=False)  # queued, not running
    done = actions.do_run_import(batch_id=batch.pk)
    with pytest.raises(Conflict):
        leases.do_resume_import(actor=None, batch=done, enqueue=False)


def interrupted(personas: Personas) -> ImportBatch:
    batch = queued(personas)
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=BatchStatus.INTERRUPTED,
        error=leases.INTERRUPTED_MESSAGE,
        processed_rows=2,
        created_count=2,
    )
    return batch


def test_the_api_resumes_an_interrupted_import_for_those_who_may_import(
    personas: Personas, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    batch = interrupted(personas)
    for user, expected in [
        (personas.analyst, 403),
        (personas.hiring_manager, 403),
        (personas.outsider, 404),
    ]:
        assert ApiClient(user).post(f"/imports/{batch.pk}/resume").status_code == expected
    client = ApiClient(personas.recruiter)
    shown = client.get(f"/imports/{batch.pk}").json()
    assert (shown["status"], shown["error"]) == ("interrupted", leases.INTERRUPTED_MESSAGE)

    with django_capture_on_commit_callbacks(execute=True):
        resumed = client.post(f"/imports/{batch.pk}/resume")

    assert resumed.status_code == 202
    done = client.get(f"/imports/{batch.pk}").json()
    # the two rows counted before were not read again: the other six are
    assert (done["status"], done["processed_rows"], done["created_count"]) == ("done", 8, 7)
    assert not Person.objects.filter(contact_points__value="person0@example.com").exists()
    assert client.post(f"/imports/{batch.pk}/resume").status_code == 409


def test_the_cli_resumes_an_interrupted_import_here(
    personas: Personas, capsys: pytest.CaptureFixture[str]
) -> None:
    batch = interrupted(personas)

    status = main(["import", "resume", str(batch.pk), "--user", personas.recruiter.email])

    out = capsys.readouterr().out
    assert status == 0
    assert "Resuming after the 2 records already in." in out
    assert "7 created, 0 updated, 0 skipped, 1 not imported." in out
    assert main(["import", "resume", str(batch.pk), "--user", personas.recruiter.email]) == 2
    assert "only an interrupted import can be resumed" in capsys.readouterr().err


def test_an_import_whose_file_is_gone_is_refused_and_left_interrupted(
    personas: Personas,
) -> None:
    batch = interrupted(personas)
    ImportBatch.objects.filter(pk=batch.pk).update(stored_file="")

    with pytest.raises(Conflict, match="were not kept"):
        leases.do_resume_import(actor=personas.recruiter, batch=batch, enqueue=False)

    batch.refresh_from_db()
    assert batch.status == BatchStatus.INTERRUPTED
    assert not Event.objects.filter(verb="import.resumed", subject_id=batch.pk).exists()
