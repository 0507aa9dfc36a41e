"""`kill -9` real `talentloop worker` processes mid-run: no workflow step is lost or repeated."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter

import pytest
from django.db import connection

from talentloop.automation.models import Run, RunStep
from talentloop.automation.tests.conftest import make_workflow, new_people
from talentloop.core.models import DueItem
from talentloop.core.tests.test_worker import DATABASE_QUEUE, _database_url, _stop, wait_for
from talentloop.people.actions import do_tag_people
from talentloop.people.models import Person, Task

# Why this many: a worker runs the steps of up to a hundred runs in one slice, so fewer
# subjects would finish in a commit or two and leave no moment to kill a worker mid-run.
SUBJECTS = 600
STEPS = [
    {"kind": "add_tag", "tag": "welcomed"},
    {"kind": "create_task", "title": "Call {person}", "assignee": {"rule": "owner"}},
    {"kind": "notify_user", "title": "{person} arrived", "assignee": {"rule": "owner"}},
    {"kind": "update_field", "field": "city", "value": "Lisbon"},
    {"kind": "add_tag", "tag": "onboarded"},
]


def _start_worker(number: int, tmp_path) -> subprocess.Popen[bytes]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("TALENTLOOP_")}
    env.update(
        DATABASE_URL=_database_url(),
        TALENTLOOP_DATA_DIR=str(tmp_path),
        # Why a one-second lease: a killed worker's claimed items are taken over after it
        # instead of after five minutes; a live worker that overruns it loses its claim
        # (its commit finds the row taken) rather than running an item twice.
        TALENTLOOP_DUE_ITEM_LEASE_S="1",
        TALENTLOOP_AUTOMATION_SCAN_SECONDS="0",
    )
    command = [sys.executable, "-m", "talentloop.cli", "worker", "--interval", "0.05"]
    return subprocess.Popen(
        [*command, "--worker-id", f"kill-worker-{number}"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _kill_and_restart(workers: list[subprocess.Popen[bytes]], target: int, tmp_path) -> None:
    workers[target].send_signal(signal.SIGKILL)
    workers[target].wait(timeout=30)
    workers[target] = _start_worker(target + 1, tmp_path)


def _steps_done() -> int:
    return RunStep.objects.filter(state="done").count()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_workers_killed_at_random_moments_lose_and_repeat_no_step(personas, settings, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL: SQLite test databases live in the test process's memory, "
            "where worker processes cannot reach them"
        )
    settings.TASKS = DATABASE_QUEUE  # events are dispatched by the workers, not inline
    seed = int(os.environ.get("KILL_SEED", random.randrange(1_000_000)))
    rng = random.Random(seed)
    # given a five-step workflow and 600 people who trigger it in one transaction
    workflow = make_workflow(personas.recruiter, {"kind": "tag_added", "tags": ["go"]}, STEPS)
    people = new_people(SUBJECTS, personas.workspace, owner=personas.recruiter)
    do_tag_people(actor=personas.recruiter, workspace=personas.workspace, people=people,
                  names=["go"])  # fmt: skip
    total = SUBJECTS * len(STEPS)
    workers = [_start_worker(number, tmp_path) for number in (1, 2)]
    kills_mid_run = 0
    try:
        # when a random worker is killed with SIGKILL at random moments (once while the
        # events are being dispatched, then at random points of progress), then restarted
        time.sleep(rng.uniform(2.0, 5.0))
        _kill_and_restart(workers, rng.randrange(2), tmp_path)
        for wanted in sorted(rng.sample(range(1, total // 2), 5)):
            wait_for(lambda wanted=wanted: _steps_done() >= wanted, timeout=120)
            time.sleep(rng.uniform(0, 0.3))
            kills_mid_run += _steps_done() < total
            _kill_and_restart(workers, rng.randrange(2), tmp_path)
        wait_for(
            lambda: Run.objects.filter(workflow=workflow, state="done").count() == SUBJECTS,
            timeout=120,
        )
    finally:
        _stop(workers)

    # then every step of every run ran, each exactly once
    assert kills_mid_run >= 3, f"too few kills landed mid-run (seed {seed})"
    runs = Run.objects.filter(workflow=workflow)
    assert runs.count() == SUBJECTS
    assert Counter(runs.values_list("person_id", flat=True)) == Counter(p.pk for p in people)
    steps = RunStep.objects.filter(run__workflow=workflow, state="done")
    per_run = Counter(steps.values_list("run_id", flat=True))
    assert set(per_run.values()) == {len(STEPS)}, f"seed {seed}"
    tasks = Counter(
        Task.objects.filter(title__startswith="Call ").values_list("person_id", flat=True)
    )
    assert tasks == Counter(p.pk for p in people), f"a task was lost or made twice (seed {seed})"
    finished = Person.objects.filter(pk__in=[p.pk for p in people], city="Lisbon")
    assert finished.filter(tags__name="onboarded").count() == SUBJECTS
    assert not DueItem.objects.filter(kind="automation.step").exclude(state="done").exists()
