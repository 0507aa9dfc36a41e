"""Two imports of the same new people at once create each person once (PostgreSQL)."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from talentloop.accounts.domain import Role
from talentloop.intake import actions, bulkload
from talentloop.intake.models import ImportBatch
from talentloop.people.models import ContactPoint, Person
from talentloop.testing.factories import UserFactory, WorkspaceFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="SQLite lets one writer in at a time"
    ),
]
CSV = "Name,Email\n" + "".join(f"Person {n},person{n}@example.com\n" for n in range(20))
MEET_WAIT_S = 3.0


def queued_batch(user: Any) -> ImportBatch:
    batch = actions.do_create_import_batch(
        actor=user, workspace=user.workspace, upload=SimpleUploadedFile("p.csv", CSV.encode())
    )
    return actions.do_start_import(actor=user, batch=batch, enqueue=False)


def meeting_after_lookup(monkeypatch: pytest.MonkeyPatch) -> threading.Barrier:
    """Make both imports look their emails up before either writes, if they can."""
    meeting = threading.Barrier(2, timeout=MEET_WAIT_S)
    real: Callable[..., Any] = bulkload._owners

    def owners(*args: Any, **kwargs: Any) -> Any:
        found = real(*args, **kwargs)
        # A broken meeting: the other import waits for this one's commit (the lock at work).
        with contextlib.suppress(threading.BrokenBarrierError):
            meeting.wait()
        return found

    monkeypatch.setattr(bulkload, "_owners", owners)
    return meeting


@pytest.mark.parametrize("bulk", [True, False])
def test_two_imports_at_once_create_each_new_person_once(
    monkeypatch: pytest.MonkeyPatch, bulk: bool
) -> None:
    # given two users of one workspace importing the same twenty new people at the same time
    workspace = WorkspaceFactory()
    users = [UserFactory(workspace=workspace, role=Role.RECRUITER.value) for _ in range(2)]
    batches = [queued_batch(user) for user in users]
    if bulk:
        meeting_after_lookup(monkeypatch)
    errors: list[BaseException] = []

    def run(batch: ImportBatch) -> None:
        try:
            actions.do_run_import(batch_id=batch.pk, bulk=bulk)
        except BaseException as error:  # reported by the test thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(batch,)) for batch in batches]
    # when both run
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # then each email belongs to one person, and the later import updated instead of creating
    assert errors == []
    assert Person.objects.filter(workspace=workspace).count() == 20
    emails = ContactPoint.objects.filter(workspace=workspace, kind="email")
    assert emails.count() == emails.values("value").distinct().count() == 20
    done = [ImportBatch.objects.get(pk=batch.pk) for batch in batches]
    assert sorted(batch.created_count for batch in done) == [0, 20]
    assert sorted(batch.updated_count for batch in done) == [0, 20]
