"""Benchmark: `talentloop seed` against a raw insert of bare person rows, SQLite or PostgreSQL.

    .venv/bin/python bench/seed.py [--people 100000]
    .venv/bin/python bench/seed.py --people 1000000 \
        --database-url postgres://postgres@127.0.0.1:5432/talentloop_bench_seed

SQLite: both runs use fresh files in a temporary folder. PostgreSQL: the database in the URL
is created when missing and migrated; the seed goes into a new workspace (use an empty
database for figures worth quoting), the baseline into a scratch copy of people_person
(same columns and indexes) that is dropped afterwards. The baseline inserts only person rows
(SQLite: sqlite3.executemany in one transaction; PostgreSQL: one COPY); the seed also writes
each person's contact points, skills, history, tags, candidacies, stage history, timeline
and tasks, so the ratio is the price of realistic data over the floor.
"""

from __future__ import annotations

import argparse
import os
import platform
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from benchlib import ensure_postgres_database

TARGETS = {("sqlite", 100_000): 60.0, ("postgresql", 1_000_000): 600.0}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--database-url",
        help="PostgreSQL URL (created when missing); default: SQLite in a temp dir",
    )
    args = parser.parse_args()
    if args.database_url:
        ensure_postgres_database(args.database_url)
        os.environ["DATABASE_URL"] = args.database_url
        seeded, rows, seconds = run_seed(args.people, args.seed)
        baseline_seconds = run_postgres_baseline(args.people)
        report("PostgreSQL", args.people, rows, seconds, baseline_seconds, seeded)
        return
    with tempfile.TemporaryDirectory(prefix="talentloop-bench-") as folder:
        os.environ["TALENTLOOP_DATA_DIR"] = folder
        os.environ.pop("DATABASE_URL", None)
        seeded, rows, seconds = run_seed(args.people, args.seed)
        database = Path(folder) / "talentloop.sqlite3"
        baseline_seconds = run_baseline(database, Path(folder) / "baseline.sqlite3", args.people)
    report("SQLite", args.people, rows, seconds, baseline_seconds, seeded)


def run_seed(people: int, seed: int) -> tuple[int, int, float]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "talentloop.config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from talentloop.accounts.actions import do_create_workspace
    from talentloop.seed.runner import seed_workspace

    call_command("migrate", verbosity=0)
    workspace = do_create_workspace(name=f"Bench seed {time.time_ns()}")
    started = time.perf_counter()
    summary = seed_workspace(workspace=workspace, people=people, seed=seed)
    elapsed = time.perf_counter() - started
    print(f"seeded workspace {workspace.slug!r} (bench/search.py --workspace reuses it)")
    return summary.people, summary.rows, elapsed


def run_baseline(source: Path, target: Path, people: int) -> float:
    """Same people_person table and indexes, raw executemany of minimal rows."""
    with sqlite3.connect(source) as original:
        ddl = [
            sql
            for (sql,) in original.execute(
                "SELECT sql FROM sqlite_master WHERE tbl_name = 'people_person' AND sql IS NOT NULL"
            )
        ]
    connection = sqlite3.connect(target, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    for statement in ddl:
        connection.execute(statement)
    rows = [_bare_person(index) for index in range(people)]
    started = time.perf_counter()
    connection.execute("BEGIN IMMEDIATE")
    connection.executemany(BARE_INSERT, rows)
    connection.execute("COMMIT")
    elapsed = time.perf_counter() - started
    connection.close()
    return elapsed


def run_postgres_baseline(people: int) -> float:
    """A scratch copy of people_person (columns, defaults, indexes), one COPY of bare rows."""
    from django.db import connection, transaction

    from talentloop.accounts.models import Workspace

    workspace_id = Workspace.objects.order_by("-id").values_list("id", flat=True).first()
    table = f"bench_seed_person_{os.getpid()}"
    columns = BARE_COLUMNS.replace("workspace_id, ", "")
    rows = [(workspace_id, *_bare_values(index)) for index in range(people)]
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {table} (LIKE people_person INCLUDING ALL)")
    try:
        started = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            sql = f"COPY {table} (workspace_id, {columns}) FROM STDIN"
            with cursor.cursor.copy(sql) as copy:
                for row in rows:
                    copy.write_row(row)
        return time.perf_counter() - started
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE {table}")


BARE_COLUMNS = (
    "workspace_id, created_at, updated_at, first_name, last_name,"
    " headline, summary, current_title, current_company_name, city, region, country,"
    " time_zone, seniority, seniority_rank, salary_currency, salary_period, lifecycle,"
    " do_not_contact, do_not_contact_reason, custom_fields, primary_email, primary_phone,"
    " external_id"
)
BARE_INSERT = (
    f"INSERT INTO people_person ({BARE_COLUMNS}) VALUES (1, ?, ?, ?, ?, '', '', '', '', '', '',"
    " '', '', '', 0, '', '', 'lead', 0, '', '{}', ?, '', '')"
)


def _bare_person(index: int) -> tuple[str, str, str, str, str]:
    now = "2026-01-01 00:00:00"
    return (now, now, f"First{index}", f"Last{index}", f"person{index}@example.com")


def _bare_values(index: int) -> tuple[object, ...]:
    now = "2026-01-01 00:00:00+00"
    first, last, email = f"First{index}", f"Last{index}", f"person{index}@example.com"
    return (now, now, first, last, *[""] * 8, "", 0, "", "", "lead", False, "", "{}", email, "", "")


def report(
    backend: str, people: int, rows: int, seconds: float, baseline: float, seeded: int
) -> None:
    floor = "COPY" if backend == "PostgreSQL" else "sqlite3 executemany"
    print(
        f"\nSeeding {people:,} people on {backend} — {platform.processor() or platform.machine()},"
        f" {os.cpu_count()} cores, Python {sys.version.split()[0]}"
    )
    print(f"| {'run':<44} | {'rows':>10} | {'seconds':>8} | {'rows/s':>9} |")
    print(f"|{'-' * 46}|{'-' * 12}|{'-' * 10}|{'-' * 11}|")
    print(
        f"| {'talentloop seed (people + related rows)':<44} | {rows:>10,} | {seconds:>8.1f} |"
        f" {rows / seconds:>9,.0f} |"
    )
    label = f"baseline: {floor}, person rows"
    print(f"| {label:<44} | {people:>10,} | {baseline:>8.1f} | {people / baseline:>9,.0f} |")
    print(
        f"\nseed / baseline time: {seconds / baseline:.1f} times "
        f"(per person: {seconds / seeded * 1e6:.0f} µs vs {baseline / people * 1e6:.0f} µs)"
    )
    vendor = "postgresql" if backend == "PostgreSQL" else "sqlite"
    target = TARGETS.get((vendor, people))
    if target is not None:
        verdict = "met" if seconds <= target else "MISSED"
        print(f"target ≤ {target:.0f} s for {people:,} people on {backend}: {verdict}")


if __name__ == "__main__":
    main()
