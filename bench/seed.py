"""Benchmark: `talentloop seed` on SQLite against a raw sqlite3 insert of bare person rows.

    .venv/bin/python bench/seed.py [--people 100000]

Both run in this process on fresh files in a temporary folder. The baseline inserts only
person rows (same table, same indexes, plain sqlite3.executemany, one transaction); the seed
also writes each person's contact points, skills, history, tags, candidacies, stage history,
timeline and tasks, so the ratio is the price of realistic data over the floor.
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="talentloop-bench-") as folder:
        os.environ["TALENTLOOP_DATA_DIR"] = folder
        os.environ.pop("DATABASE_URL", None)
        seeded, rows, seconds = run_seed(args.people, args.seed)
        database = Path(folder) / "talentloop.sqlite3"
        baseline_seconds = run_baseline(database, Path(folder) / "baseline.sqlite3", args.people)
    report(args.people, rows, seconds, baseline_seconds, seeded)


def run_seed(people: int, seed: int) -> tuple[int, int, float]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "talentloop.config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from talentloop.accounts.actions import do_create_workspace
    from talentloop.seed.runner import seed_workspace

    call_command("migrate", verbosity=0)
    workspace = do_create_workspace(name="Bench")
    started = time.perf_counter()
    summary = seed_workspace(workspace=workspace, people=people, seed=seed)
    return summary.people, summary.rows, time.perf_counter() - started


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


BARE_INSERT = (
    "INSERT INTO people_person (workspace_id, created_at, updated_at, first_name, last_name,"
    " headline, summary, current_title, current_company_name, city, region, country,"
    " time_zone, seniority, seniority_rank, salary_currency, salary_period, lifecycle,"
    " do_not_contact, do_not_contact_reason, custom_fields, primary_email, primary_phone,"
    " external_id) VALUES (1, ?, ?, ?, ?, '', '', '', '', '', '', '', '', '', 0, '', '',"
    " 'lead', 0, '', '{}', ?, '', '')"
)


def _bare_person(index: int) -> tuple[str, str, str, str, str]:
    now = "2026-01-01 00:00:00"
    return (now, now, f"First{index}", f"Last{index}", f"person{index}@example.com")


def report(people: int, rows: int, seconds: float, baseline: float, seeded: int) -> None:
    print(
        f"\nSeeding {people:,} people on SQLite — {platform.processor() or platform.machine()},"
        f" {os.cpu_count()} cores, Python {sys.version.split()[0]}"
    )
    print(f"| {'run':<44} | {'rows':>10} | {'seconds':>8} | {'rows/s':>9} |")
    print(f"|{'-' * 46}|{'-' * 12}|{'-' * 10}|{'-' * 11}|")
    print(
        f"| {'talentloop seed (people + related rows)':<44} | {rows:>10,} | {seconds:>8.1f} |"
        f" {rows / seconds:>9,.0f} |"
    )
    print(
        f"| {'baseline: sqlite3 executemany, person rows':<44} | {people:>10,} | {baseline:>8.1f} |"
        f" {people / baseline:>9,.0f} |"
    )
    print(
        f"\nseed / baseline time: {seconds / baseline:.1f} times "
        f"(per person: {seconds / seeded * 1e6:.0f} µs vs {baseline / people * 1e6:.0f} µs)"
    )
    if people == 100_000:
        print(f"target ≤ 60 s for 100,000 people: {'met' if seconds <= 60 else 'MISSED'}")


if __name__ == "__main__":
    main()
