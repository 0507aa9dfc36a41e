from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable

import pytest
from django.db import connection
from django_tasks_db.models import DBTaskResult

from talentloop.core.models import Event, WorkerHeartbeat
from talentloop.core.tests.tasks_for_tests import record_run
from talentloop.core.worker import start_embedded_worker
from talentloop.testing.factories import WorkspaceFactory

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
FINISHED = ("SUCCESSFUL", "FAILED")
RECORD_RUN = "talentloop.core.tests.tasks_for_tests.record_run"


def record_runs():
    # Other tasks share the queue (record_event enqueues dispatch_events); count only ours.
    return DBTaskResult.objects.filter(task_path=RECORD_RUN)


def wait_for(condition: Callable[[], bool], timeout: float = 90.0) -> None:
    """Poll until the condition holds; the timeout only guards against a hung test."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met before the timeout")
        time.sleep(0.1)


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{db['USER']}{password}@{host}:{port}/{db['NAME']}"


def _start_worker(number: int, tmp_path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TALENTLOOP_")}
    env.update(DATABASE_URL=_database_url(), TALENTLOOP_DATA_DIR=str(tmp_path))
    command = [sys.executable, "-m", "talentloop.cli", "worker", "--interval", "0.05"]
    return subprocess.Popen(
        [*command, "--worker-id", f"test-worker-{number}"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _stop(workers: list[subprocess.Popen[bytes]]) -> list[int]:
    for worker in workers:
        if worker.poll() is None:
            worker.send_signal(signal.SIGTERM)
    return [worker.wait(timeout=60) for worker in workers]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_worker_processes_never_run_the_same_task_twice(settings, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: worker processes share the queue through the database")
    settings.TASKS = DATABASE_QUEUE
    workspace = WorkspaceFactory()
    workers = [_start_worker(number, tmp_path) for number in (1, 2)]
    try:
        # given two running workers
        wait_for(
            lambda: WorkerHeartbeat.objects.filter(worker_id__startswith="test-worker-").count()
            == 2
        )

        # when 200 tasks are queued
        for number in range(200):
            record_run.enqueue(workspace.pk, number)
        wait_for(lambda: record_runs().filter(status__in=FINISHED).count() == 200)
    finally:
        exit_codes = _stop(workers)

    # then every task ran exactly once, and both workers took a share
    runs = Counter(Event.objects.filter(verb="test.task_ran").values_list("subject_id", flat=True))
    assert runs == Counter(range(200))
    assert record_runs().filter(status="SUCCESSFUL").count() == 200
    claimed = list(record_runs().values_list("worker_ids", flat=True))
    assert all(len(worker_ids) == 1 for worker_ids in claimed)
    claimed_by = Counter(worker_ids[0] for worker_ids in claimed)
    assert set(claimed_by) == {"test-worker-1", "test-worker-2"}
    pids = {event.data["pid"] for event in Event.objects.filter(verb="test.task_ran")}
    assert len(pids) == 2
    # and a stopped worker signs off cleanly
    assert exit_codes == [0, 0]
    assert not WorkerHeartbeat.objects.filter(worker_id__startswith="test-worker-").exists()


@pytest.mark.django_db(transaction=True)
def test_embedded_worker_thread_runs_queued_tasks_and_beats(settings):
    # given the real database queue and a queued task
    settings.TASKS = DATABASE_QUEUE
    workspace = WorkspaceFactory()
    result = record_run.enqueue(workspace.pk, 7)

    # when the embedded worker thread runs
    worker = start_embedded_worker(interval=0.05)
    try:
        wait_for(lambda: DBTaskResult.objects.get(pk=result.id).status in FINISHED)
        beating = WorkerHeartbeat.objects.filter(worker_id=worker.loop.worker_id).exists()
    finally:
        worker.stop()

    # then the task ran once, successfully, and the worker was visible to /readyz
    assert DBTaskResult.objects.get(pk=result.id).status == "SUCCESSFUL"
    assert list(
        Event.objects.filter(verb="test.task_ran").values_list("subject_id", flat=True)
    ) == [7]
    assert beating
    assert not worker.thread.is_alive()
    assert not WorkerHeartbeat.objects.filter(worker_id=worker.loop.worker_id).exists()
