"""Import benchmark: a CSV of N people through the import pipeline, against PostgreSQL COPY.

    .venv/bin/python bench/import.py --database-url postgres://postgres@127.0.0.1:5432/tl_import
    .venv/bin/python bench/import.py --rows 20000 --database-url postgres://…/tl_import

It writes its own CSV from a seed (names, an email each, a phone for some, title, city,
country, tags; `--duplicates` of the rows repeat an earlier person's email with a new
title, so duplicate checking has real work), then in the same run:

1. Baseline: PostgreSQL `COPY … FROM STDIN (FORMAT csv)` of the same file into an unlogged
   table of text columns (no validation, no duplicate checks, no events).
2. Talentloop: the same file as an import batch (encoding check, header, mapping, a batch
   tag), run by the worker's code path: every row validated like a hand-typed person,
   matched on email, then phone, created in bulk with its contact points, tag and a
   `person.created` Event, or updated through the people actions; then the import's own
   `VACUUM (ANALYZE)` of the tables it wrote, which counts in its time.

Prints both times, the ratio, rows per second and the process's peak memory (RSS), with the
targets: <= 300 s for 1,000,000 rows and <= 1 GiB. The database in the URL is created when
missing and never dropped; each run imports into a fresh workspace.
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
TARGET_S_PER_MILLION = 300.0
TARGET_RSS_MB = 1024.0
FIRST = ["Ada", "Grace", "Alan", "Katherine", "Linus", "Margaret", "Yuki", "Amara", "Tariq", "Ines"]
LAST = ["Lovelace", "Hopper", "Turing", "Johnson", "Berg", "Hamilton", "Tanaka", "Okafor", "Silva"]
TITLES = ["Data engineer", "Backend engineer", "Designer", "Recruiter", "SRE", "Product manager"]
CITIES = [("Berlin", "DE"), ("London", "GB"), ("Lagos", "NG"), ("Austin", "US"), ("Osaka", "JP")]
TAGS = ["python", "go", "remote", "referral", "alumni", ""]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--duplicates", type=float, default=0.02, help="share of repeated emails")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--database-url", required=True, help="a PostgreSQL URL")
    return parser.parse_args()


def write_csv(path: Path, rows: int, duplicates: float, seed: int) -> None:
    """The benchmark file: deterministic for a seed; some rows repeat an earlier email."""
    rng = random.Random(seed)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["First name", "Last name", "Email", "Phone", "Title", "City", "Country", "Tags"]
        )
        for number in range(rows):
            repeat = number > 100 and rng.random() < duplicates
            person = rng.randrange(number) if repeat else number
            city, country = rng.choice(CITIES)
            # One number per person (unique up to 8 million people), for a third of them.
            exchange, line = 200 + person // 10_000 % 800, person % 10_000
            phone = f"+1 212 {exchange:03d} {line:04d}" if person % 3 == 0 else ""
            writer.writerow(
                [
                    rng.choice(FIRST),
                    rng.choice(LAST),
                    f"person{person}@bench-import.example",
                    phone,
                    rng.choice(TITLES),
                    city,
                    country,
                    rng.choice(TAGS),
                ]
            )


def ensure_database(url: str) -> None:
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    env = {**os.environ, "PGPASSWORD": parts.password or ""}
    args = ["-h", parts.hostname or "127.0.0.1", "-p", str(parts.port or 5432)]
    args += ["-U", parts.username or "postgres"]
    exists = subprocess.run(
        ["psql", *args, "-tAc", f"SELECT 1 FROM pg_database WHERE datname = '{name}'", "postgres"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    if exists.stdout.strip() != "1":
        subprocess.run(["createdb", *args, name], env=env, check=True)


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "talentloop.config.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)


def run_copy(path: Path) -> float:
    """The baseline: COPY the file into an unlogged text table (dropped afterwards)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_import_copy")
        cursor.execute(
            "CREATE UNLOGGED TABLE bench_import_copy (first_name text, last_name text, "
            "email text, phone text, title text, city text, country text, tags text)"
        )
        started = time.perf_counter()
        with (
            cursor.cursor.copy(
                "COPY bench_import_copy FROM STDIN (FORMAT csv, HEADER true)"
            ) as copy,
            path.open("rb") as handle,
        ):
            while chunk := handle.read(1024 * 1024):
                copy.write(chunk)
        elapsed = time.perf_counter() - started
        cursor.execute("DROP TABLE bench_import_copy")
    return elapsed


def run_import(path: Path) -> tuple[float, dict[str, int]]:
    """The pipeline, as the worker runs it, on a fresh workspace; returns time and counts."""
    from django.core.files import File

    from talentloop.accounts.actions import do_create_workspace
    from talentloop.accounts.domain import Role
    from talentloop.accounts.models import User
    from talentloop.intake import actions
    from talentloop.testing.factories import UserFactory

    workspace = do_create_workspace(name=f"Bench import {time.time_ns()}")
    user: User = UserFactory(  # type: ignore[no-untyped-call,assignment]
        workspace=workspace, role=Role.RECRUITER.value, email=f"bench{time.time_ns()}@bench.example"
    )
    started, cpu_started = time.perf_counter(), time.process_time()
    with path.open("rb") as handle:
        batch = actions.do_create_import_batch(
            actor=user, workspace=workspace, upload=File(handle, name=path.name)
        )
    actions.do_set_import_mapping(
        actor=user, batch=batch, mapping=None, options={"tags": ["bench import"]}
    )
    actions.do_start_import(actor=user, batch=batch, enqueue=False)
    done = actions.do_run_import(batch_id=batch.pk)
    elapsed = time.perf_counter() - started
    counts = {
        "cpu_s": round(time.process_time() - cpu_started),
        "created": done.created_count,
        "updated": done.updated_count,
        "failed": done.failed_count,
    }
    return elapsed, counts


def main() -> int:
    args = parse_args()
    if not args.database_url.startswith("postgres"):
        print("bench/import.py compares against PostgreSQL COPY: give a postgres:// URL")
        return 2
    ensure_database(args.database_url)
    setup_django(args.database_url)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "people.csv"
        print(f"Writing {args.rows:,} rows…", flush=True)
        write_csv(path, args.rows, args.duplicates, args.seed)
        size_mb = path.stat().st_size / 1024 / 1024
        copy_s = run_copy(path)
        print(f"COPY done in {copy_s:.1f} s; importing…", flush=True)
        import_s, counts = run_import(path)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    target_s = TARGET_S_PER_MILLION * args.rows / 1_000_000
    print()
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores (shared), "
        f"Python {platform.python_version()}"
    )
    print(f"file: {args.rows:,} rows, {size_mb:.0f} MB, {args.duplicates:.0%} repeated emails")
    print(f"{'':<26}{'seconds':>10}{'rows/s':>12}")
    print(f"{'PostgreSQL COPY':<26}{copy_s:>10.1f}{args.rows / copy_s:>12,.0f}")
    print(f"{'Talentloop import':<26}{import_s:>10.1f}{args.rows / import_s:>12,.0f}")
    print(f"ratio (import / COPY): {import_s / copy_s:.1f}x")
    print(f"CPU time of the importing process: {counts['cpu_s']} s (the rest: the database, waits)")
    print(
        f"created {counts['created']:,}, updated {counts['updated']:,}, "
        f"not imported {counts['failed']:,}"
    )
    print(f"target: <= {target_s:.0f} s -> {'met' if import_s <= target_s else 'NOT met'}")
    print(
        f"peak memory (RSS): {peak_mb:.0f} MB; target <= {TARGET_RSS_MB:.0f} MB -> "
        f"{'met' if peak_mb <= TARGET_RSS_MB else 'NOT met'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
