"""Due-item engine benchmark: how fast `core.scheduling.run_due` drains due work.

Builds N due items (seeded), then drains them with `run_due` in one process, timing it.
The baseline, in the same run, calls the same handler N times, each in its own
transaction with no scheduler (no claim, no done-marking). The ratio is the price of the
claim/lease/done bookkeeping that makes each item run once.

Run: `.venv/bin/python bench/due_items.py [--items N] [--database-url postgres://…/db]`
(SQLite in a temporary folder by default; a PostgreSQL database given is migrated first).
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time

parser = argparse.ArgumentParser()
parser.add_argument("--items", type=int, default=5000)
parser.add_argument("--database-url", default="")
args = parser.parse_args()

DATA_DIR = tempfile.mkdtemp(prefix="talentloop-bench-due-")
os.environ.update(
    TALENTLOOP_DATA_DIR=DATA_DIR, TALENTLOOP_TASKS_IMMEDIATE="1", TALENTLOOP_LOG_LEVEL="ERROR"
)
if args.database_url:
    os.environ["DATABASE_URL"] = args.database_url
else:
    os.environ.pop("DATABASE_URL", None)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "talentloop.config.settings")

import django  # noqa: E402

django.setup()

from datetime import timedelta  # noqa: E402

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from talentloop.accounts.models import Workspace  # noqa: E402
from talentloop.core import clock, scheduling  # noqa: E402
from talentloop.core.models import DueItem, Event  # noqa: E402

KIND = "bench.record"


def record(item: DueItem) -> None:
    """The work of one item: one row written (as a sequence step writes its outbox row)."""
    Event.objects.create(
        workspace_id=item.workspace_id,
        verb=KIND,
        subject_type="bench",
        subject_id=item.payload["number"],
        occurred_at=clock.now(),
    )


def build(workspace: Workspace, count: int) -> None:
    due_at = clock.now() - timedelta(seconds=1)
    DueItem.objects.bulk_create(
        DueItem(
            kind=KIND, key=f"bench:{number}", payload={"number": number}, due_at=due_at,
            workspace=workspace,
        )
        for number in range(count)
    )  # fmt: skip


def drain() -> float:
    started = time.perf_counter()
    while scheduling.run_due(clock.now(), 100, worker_id="bench"):
        pass
    return time.perf_counter() - started


def baseline(workspace: Workspace, count: int) -> float:
    items = [DueItem(workspace=workspace, payload={"number": number}) for number in range(count)]
    started = time.perf_counter()
    for item in items:
        with transaction.atomic():
            record(item)
    return time.perf_counter() - started


def main() -> int:
    call_command("migrate", verbosity=0)
    scheduling.register_handler(KIND, record)
    workspace = Workspace.objects.create(name="Bench", slug=f"bench-{os.getpid()}")
    build(workspace, args.items)
    engine_s = drain()
    assert DueItem.objects.filter(kind=KIND, state="done").count() == args.items
    bare_s = baseline(workspace, args.items)
    n = args.items
    print(f"database: {connection.vendor}; {platform.python_version()} on {platform.machine()}")
    print(f"{'':28}{'seconds':>10}{'items/s':>12}")
    print(f"{'run_due (claim+run+done)':28}{engine_s:>10.2f}{n / engine_s:>12.0f}")
    print(f"{'bare handler loop':28}{bare_s:>10.2f}{n / bare_s:>12.0f}")
    print(f"ratio engine/bare throughput: {bare_s / engine_s:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
