from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
from collections import Counter
from datetime import timedelta

import pytest
from django.db import connection

from talentloop.core import clock, scheduling
from talentloop.core.models import DueItem, Event, WorkerHeartbeat
from talentloop.core.tests.due_handlers_for_tests import RAN
from talentloop.core.tests.test_worker import _database_url, _stop, wait_for
from talentloop.testing.factories import WorkspaceFactory

# A real `talentloop worker` loop that also knows the test handlers.
WORKER_SCRIPT = """
import sys
import django
django.setup()
import talentloop.core.tests.due_handlers_for_tests
from talentloop.core.worker import run_worker_process
run_worker_process(worker_id=sys.argv[1], queue_names=["default"], interval=0.05)
"""


def _start_worker(number: int, tmp_path, **extra_env: str) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TALENTLOOP_")}
    env.update(
        DATABASE_URL=_database_url(),
        TALENTLOOP_DATA_DIR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="talentloop.config.settings",
        **extra_env,
    )
    return subprocess.Popen(
        [sys.executable, "-c", WORKER_SCRIPT, f"due-worker-{number}"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_worker_processes_never_run_the_same_due_item_twice(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: worker processes share the due items through the database")
    workspace = WorkspaceFactory()
    workers = [_start_worker(number, tmp_path) for number in (1, 2)]
    try:
        # given two running workers
        wait_for(
            lambda: WorkerHeartbeat.objects.filter(worker_id__startswith="due-worker-").count() == 2
        )

        # when 400 items fall due at once
        due_at = clock.now() - timedelta(seconds=1)
        for number in range(400):
            scheduling.schedule(
                "test.record",
                due_at=due_at,
                key=f"two-workers:{number}",
                payload={"number": number},
                workspace=workspace,
            )
        wait_for(lambda: DueItem.objects.filter(state=DueItem.State.DONE).count() == 400)
    finally:
        exit_codes = _stop(workers)

    # then every item ran exactly once, and both workers took a share
    ran = Event.objects.filter(verb=RAN)
    assert Counter(ran.values_list("subject_id", flat=True)) == Counter(range(400))
    assert {event.data["claimed_by"] for event in ran} == {"due-worker-1", "due-worker-2"}
    assert len({event.data["pid"] for event in ran}) == 2
    assert set(DueItem.objects.values_list("attempts", flat=True)) == {1}
    assert exit_codes == [0, 0]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_killed_workers_lose_no_due_item_and_repeat_none_of_its_writes(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: worker processes share the due items through the database")
    workspace = WorkspaceFactory()
    rng = random.Random(7)
    short_lease = {"TALENTLOOP_DUE_ITEM_LEASE_S": "1"}
    # given 300 items due now, each writing one row in its own run
    due_at = clock.now() - timedelta(seconds=1)
    for number in range(300):
        scheduling.schedule(
            "test.record",
            due_at=due_at,
            key=f"crash:{number}",
            payload={"number": number},
            workspace=workspace,
            max_attempts=50,
        )
    workers = [_start_worker(number, tmp_path, **short_lease) for number in (1, 2)]
    done = DueItem.objects.filter(state=DueItem.State.DONE)
    try:
        # when one worker is killed with SIGKILL at five random moments and restarted
        for kill in range(5):
            target = rng.randrange(2)
            wanted = min(40 * (kill + 1), 300)
            wait_for(lambda wanted=wanted: done.count() >= wanted)
            workers[target].send_signal(signal.SIGKILL)
            workers[target].wait(timeout=30)
            workers[target] = _start_worker(target + 1, tmp_path, **short_lease)
        wait_for(lambda: done.count() == 300)
    finally:
        _stop(workers)

    # then every item ran, and the writes of each committed exactly once
    ran = Event.objects.filter(verb=RAN).values_list("subject_id", flat=True)
    assert Counter(ran) == Counter(range(300))
    assert not DueItem.objects.exclude(state=DueItem.State.DONE).exists()
