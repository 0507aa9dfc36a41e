"""Workflow automation benchmark: trigger-to-action latency and 100,000 delayed actions.

    .venv/bin/python bench/automation.py                       # the full run: 60 s, 100,000
    .venv/bin/python bench/automation.py --seconds 15 --delayed 10000
    .venv/bin/python bench/automation.py --database-url postgres://postgres@127.0.0.1:5432/tl_auto

The database named in the URL (default `tl_auto`) is dropped and created afresh, migrated,
and two real `talentloop worker` processes do the work, as in production.

1. Latency: a workflow "tag added `go` -> add the tag `seen`" is enabled, and people are
   tagged `go` through `do_tag_people` at `--rate` events per second (default 200) for
   `--seconds` (default 60). Trigger-to-action latency is, per event, the time from the
   trigger's Event to the commit of the action's RunStep.
   Baseline, in the same run and at the same rate for the same time: a bare Django task (a
   no-op) enqueued and executed by the same two workers; its enqueue-to-finish round trip.
   Both p50/p95/max and the ratio of the p95s are printed.
2. Delayed actions: `--delayed` runs (default 100,000) of a workflow "wait, then add a tag"
   are left at their wait, the way the engine leaves them (a waiting Run and the next
   step's due item), all due within the same minute. The two workers run them; every
   action must finish within 60 s of its due time, and none may run twice (one RunStep and
   one tag Event per run).
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = Path(__file__).resolve().parent
TARGET_P95_MS = 250.0
TARGET_LATE_S = 60.0


# The baseline task. Workers import this file as the module `automation` (PYTHONPATH), with
# Django set up; so does main() once it has set Django up. A task needs the settings.
if settings.configured:
    from django_tasks import task

    @task()
    def noop() -> int:
        """The baseline: a task that does nothing, so only the round trip is timed."""
        return 0


# --- database and workers ----------------------------------------------------------------------


def fresh_database(url: str) -> None:
    """Drop and create the benchmark's own database."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    common = ["-h", parts.hostname or "127.0.0.1", "-p", str(parts.port or 5432)]
    common += ["-U", parts.username or "postgres"]
    subprocess.run(["dropdb", "--if-exists", *common, name], check=True)
    subprocess.run(["createdb", *common, name], check=True)


def setup_django(url: str) -> None:
    os.environ.update(DATABASE_URL=url, DJANGO_SETTINGS_MODULE="talentloop.config.settings")
    os.environ.setdefault("TALENTLOOP_LOG_LEVEL", "ERROR")
    os.environ.pop("TALENTLOOP_TASKS_IMMEDIATE", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def start_worker(number: int, interval: float | None) -> subprocess.Popen[bytes]:
    command = [str(Path(sys.executable).parent / "talentloop"), "worker"]
    command += ["--worker-id", f"bench-auto-{number}"]
    if interval is not None:
        command += ["--interval", str(interval)]
    env = os.environ.copy()
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(BENCH_DIR), env.get("PYTHONPATH")]))
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)


def stop(workers: list[subprocess.Popen[bytes]]) -> None:
    for worker in workers:
        worker.terminate()
    for worker in workers:
        worker.wait(timeout=60)


def wait_until(condition: Any, timeout: float, every: float = 0.5) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(every)
    return bool(condition())


# --- seed ---------------------------------------------------------------------------------------


def seed(people: int) -> tuple[Any, Any, list[int]]:
    """A workspace, a recruiter and N people (bulk loaded, then vacuumed and analysed)."""
    from talentloop.accounts.actions import do_create_workspace
    from talentloop.accounts.models import User
    from talentloop.core.bulk import refresh_statistics
    from talentloop.people.models import Person

    workspace = do_create_workspace(name="Bench", slug="bench-automation")
    author = User.objects.create_user(
        "recruiter@bench.example.com", "x" * 20, workspace=workspace, role="recruiter"
    )
    rng = random.Random(11)
    for start in range(0, people, 5000):
        Person.objects.bulk_create(
            Person(workspace=workspace, first_name=rng.choice(["Ada", "Ken", "Grace", ""]),
                   last_name=f"Person{index}", owner=author)
            for index in range(start, min(start + 5000, people))
        )  # fmt: skip
    refresh_statistics(["people_person"])
    ids = list(
        Person.objects.filter(workspace=workspace).order_by("pk").values_list("pk", flat=True)
    )
    return workspace, author, ids


def percentiles(values: list[float]) -> tuple[float, float, float]:
    if not values:
        return (float("nan"),) * 3
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    return statistics.median(ordered), p95, ordered[-1]


# --- 1. latency ---------------------------------------------------------------------------------


def paced(count: int, rate: float, batch: int, send: Any) -> float:
    """Call send(first, size) for batches so `count` items go at `rate` a second; the rate met."""
    started = time.perf_counter()
    for first in range(0, count, batch):
        due = started + first / rate
        pause = due - time.perf_counter()
        if pause > 0:
            time.sleep(pause)
        send(first, min(batch, count - first))
    return count / (time.perf_counter() - started)


def latency_phase(args: argparse.Namespace, workspace: Any, author: Any, ids: list[int]) -> dict:
    from django.db import transaction

    from talentloop.automation.actions import do_create_workflow
    from talentloop.automation.models import RunStep
    from talentloop.core.models import Event
    from talentloop.people.actions import do_tag_people
    from talentloop.people.models import Person

    workflow = do_create_workflow(
        actor=author,
        name="Tag the tagged",
        definition={"trigger": {"kind": "tag_added", "tags": ["go"]},
                    "steps": [{"kind": "add_tag", "tag": "seen"}], "max_runs_per_hour": 1000},
        enabled=True,
    )  # fmt: skip
    count = int(args.rate * args.seconds)
    people = list(Person.objects.filter(pk__in=ids[:count]).order_by("pk"))

    def send(first: int, size: int) -> None:
        with transaction.atomic():
            do_tag_people(actor=author, workspace=workspace, people=people[first : first + size],
                          names=["go"])  # fmt: skip

    rate = paced(count, args.rate, args.batch, send)
    steps = RunStep.objects.filter(run__workflow=workflow, path="steps[0]", state="done")
    wait_until(
        lambda: steps.count() >= count, timeout=600
    )  # the backlog drains before the baseline
    triggers = dict(
        Event.objects.filter(workspace=workspace, verb="person.tagged", request_id="")
        .values_list("pk", "occurred_at")
    )  # fmt: skip
    latencies = [
        (finished - triggers[event_id]).total_seconds() * 1000
        for event_id, finished in steps.values_list("run__trigger_event_id", "finished_at")
        if event_id in triggers
    ]
    return {"events": count, "rate": rate, "done": len(latencies), "ms": latencies}


def baseline_phase(args: argparse.Namespace) -> dict:
    from django_tasks_db.models import DBTaskResult

    import automation as bench_module  # this file, as the workers import it

    count = int(args.rate * args.seconds)

    def send(first: int, size: int) -> None:
        for _ in range(size):
            bench_module.noop.enqueue()

    rate = paced(count, args.rate, args.batch, send)
    results = DBTaskResult.objects.filter(task_path="automation.noop")
    wait_until(lambda: results.filter(status="SUCCESSFUL").count() >= count, timeout=600)
    latencies = [
        (finished - enqueued).total_seconds() * 1000
        for enqueued, finished in results.filter(status="SUCCESSFUL").values_list(
            "enqueued_at", "finished_at"
        )
    ]
    return {"events": count, "rate": rate, "done": len(latencies), "ms": latencies}


# --- 2. delayed actions -------------------------------------------------------------------------


def build_waiting_runs(workspace: Any, author: Any, ids: list[int], count: int) -> Any:
    """`count` runs left at their wait, the next step due far ahead (moved into a minute later)."""
    from talentloop.automation import engine
    from talentloop.automation.actions import do_create_workflow
    from talentloop.automation.models import Run
    from talentloop.core import clock
    from talentloop.core.bulk import refresh_statistics
    from talentloop.core.models import DueItem

    workflow = do_create_workflow(
        actor=author,
        name="Later",
        definition={"trigger": {"kind": "tag_added", "tags": ["later"]},
                    "steps": [{"kind": "wait", "duration": "1d"},
                              {"kind": "add_tag", "tag": "later-done"}]},
        enabled=True,
    )  # fmt: skip
    now, far = clock.now(), clock.now() + timedelta(days=1)
    for start in range(0, count, 5000):
        runs = Run.objects.bulk_create(
            Run(workspace=workspace, workflow=workflow, version=workflow.current_version,
                subject_type="person", subject_id=person_id, person_id=person_id,
                trigger_key=f"bench:{person_id}", state="waiting", current_path="steps[1]",
                started_at=now)
            for person_id in ids[start : min(start + 5000, count)]
        )  # fmt: skip
        DueItem.objects.bulk_create(
            DueItem(kind=engine.STEP_KIND, key=engine.step_key(run, "steps[1]"), due_at=far,
                    payload={"run_id": run.pk, "path": "steps[1]"}, workspace=workspace)
            for run in runs
        )  # fmt: skip
    refresh_statistics(["automation_run", "core_dueitem"])
    return workflow


def make_due_within_a_minute(workflow: Any, start: datetime) -> None:
    """Spread the items' due times evenly over the minute from `start`."""
    from django.db import connection

    from talentloop.automation import engine
    from talentloop.core.models import DueItem

    prefix = engine.workflow_key_prefix(workflow.pk)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {DueItem._meta.db_table} SET due_at = %s + (id %% 60000) * interval '1 ms'"
            " WHERE key LIKE %s",
            [start, prefix + "%"],
        )


def delayed_phase(args: argparse.Namespace, workflow: Any) -> dict:
    from django.db.models import Count

    from talentloop.automation import engine
    from talentloop.automation.models import RunStep
    from talentloop.core import clock
    from talentloop.core.models import DueItem, Event
    from talentloop.people.models import Tag

    start = clock.now() + timedelta(seconds=5)
    make_due_within_a_minute(workflow, start)
    items = DueItem.objects.filter(key__startswith=engine.workflow_key_prefix(workflow.pk))
    wait_until(lambda: not items.exclude(state="done").exists(), timeout=60 + 5 + 180, every=1)
    due = dict(items.values_list("payload__run_id", "due_at"))
    steps = RunStep.objects.filter(run__workflow=workflow, path="steps[1]", state="done")
    late = [
        (finished - due[run_id]).total_seconds()
        for run_id, finished in steps.values_list("run_id", "finished_at")
        if run_id in due
    ]
    done_tag = Tag.objects.get(workspace_id=workflow.workspace_id, name="later-done")
    tagged = (
        Event.objects.filter(verb="person.tagged", data__tag_ids=[done_tag.pk])
        .values("subject_id")
        .annotate(times=Count("id"))
    )
    twice = sum(1 for row in tagged if row["times"] > 1)
    return {
        "count": len(due),
        "done": len(late),
        "not_done": items.exclude(state="done").count(),
        "late_s": late,
        "over": sum(1 for value in late if value > TARGET_LATE_S),
        "twice": twice + steps.values("run_id").annotate(n=Count("id")).filter(n__gt=1).count(),
    }


# --- main ---------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="latency run length")
    parser.add_argument("--rate", type=float, default=200.0, help="trigger events a second")
    parser.add_argument("--batch", type=int, default=10, help="events per transaction")
    parser.add_argument("--delayed", type=int, default=100_000, help="delayed actions (0: skip)")
    parser.add_argument("--interval", type=float, default=None, help="worker idle poll, seconds")
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/tl_auto",
        help="PostgreSQL database to drop, create and use",
    )  # fmt: skip
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    fresh_database(args.database_url)
    setup_django(args.database_url)
    from django.db import connection

    events = int(args.rate * args.seconds)
    load_before = os.getloadavg()
    started = time.perf_counter()
    workspace, author, ids = seed(max(events, args.delayed))
    print(f"seeded {len(ids):,} people in {time.perf_counter() - started:.1f}s", flush=True)
    workers = [start_worker(number, args.interval) for number in (1, 2)]
    try:
        time.sleep(5)  # both workers up and polling
        latency = latency_phase(args, workspace, author, ids)
        print(f"latency run: {latency['done']:,}/{latency['events']:,} actions", flush=True)
        baseline = baseline_phase(args)
        print(f"baseline run: {baseline['done']:,}/{baseline['events']:,} tasks", flush=True)
        delayed = None
        if args.delayed:
            stop(workers)
            started = time.perf_counter()
            workflow = build_waiting_runs(workspace, author, ids, args.delayed)
            print(f"built {args.delayed:,} waiting runs in {time.perf_counter() - started:.1f}s")
            workers = [start_worker(number, args.interval) for number in (1, 2)]
            time.sleep(3)
            delayed = delayed_phase(args, workflow)
    finally:
        stop(workers)
    report(args, connection.vendor, latency, baseline, delayed)
    # Why: other work on the same cores moves every figure; the load says how much there was.
    loads = [" / ".join(f"{value:.2f}" for value in row) for row in (load_before, os.getloadavg())]
    print(f"load average (1, 5, 15 min): before {loads[0]}, after {loads[1]}")
    return 0


def report(args: argparse.Namespace, vendor: str, latency: dict, baseline: dict,
           delayed: dict | None) -> None:  # fmt: skip
    print()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores (shared), Python "
          f"{platform.python_version()}, {vendor}, 2 `talentloop worker` processes")  # fmt: skip
    print("| measure | talentloop | baseline | ratio | target |")
    print("|---|---|---|---|---|")
    ours, bare = percentiles(latency["ms"]), percentiles(baseline["ms"])
    ok = ours[1] <= TARGET_P95_MS and latency["done"] == latency["events"]
    print(
        f"| trigger->action, {latency['events']:,} events at {latency['rate']:.0f}/s"
        f" ({args.seconds:.0f} s) | p50 {ours[0]:.0f} / p95 {ours[1]:.0f} / max {ours[2]:.0f} ms"
        f" ({latency['done']:,} done) | task enqueue->execute at {baseline['rate']:.0f}/s:"
        f" p50 {bare[0]:.0f} / p95 {bare[1]:.0f} / max {bare[2]:.0f} ms"
        f" | p95 {ours[1] / bare[1]:.2f}x | p95 <= 250 ms ({'ok' if ok else 'MISSED'}) |"
    )
    if delayed is not None:
        late = percentiles(delayed["late_s"])
        ok = delayed["over"] == 0 and delayed["not_done"] == 0 and delayed["twice"] == 0
        print(
            f"| {delayed['count']:,} delayed actions due in one minute | done {delayed['done']:,},"
            f" not done {delayed['not_done']:,}; after due p50 {late[0]:.1f} / p95 {late[1]:.1f}"
            f" / max {late[2]:.1f} s; over 60 s: {delayed['over']:,}; twice: {delayed['twice']}"
            f" | - | - | all within 60 s, none twice ({'ok' if ok else 'MISSED'}) |"
        )


if __name__ == "__main__":
    sys.exit(main())
