"""Page render benchmark: each main UI page against a bare view running the same SQL.

Seeds 100,000 people with `talentloop.seed` into a SQLite database in a temporary folder,
signs in as a seeded recruiter and renders each page ≥ 200 times through Django's test Client.
The baseline for each page is a bare Django view behind the same middleware: the page's SQL
statements are captured once (CaptureQueriesContext), and the bare view replays exactly those
statements with cursor.execute, fetches every row and returns a trivial HttpResponse. The
difference is what the page costs beyond its queries: forms, templates, Python.

Run: `.venv/bin/python bench/pages.py [--people N] [--requests N]`. Target: page p95 ≤ 150 ms.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
import types
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

DATA_DIR = tempfile.mkdtemp(prefix="talentloop-bench-pages-")
os.makedirs(os.path.join(DATA_DIR, "static"))  # whitenoise warns on every request without it
os.environ.update(
    TALENTLOOP_DATA_DIR=DATA_DIR, TALENTLOOP_TASKS_IMMEDIATE="1", TALENTLOOP_LOG_LEVEL="ERROR"
)
os.environ.pop("DATABASE_URL", None)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "talentloop.config.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.http import HttpRequest, HttpResponse  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import include, path  # noqa: E402

from talentloop.accounts.actions import do_create_workspace  # noqa: E402
from talentloop.accounts.domain import Role  # noqa: E402
from talentloop.accounts.models import User  # noqa: E402
from talentloop.people.models import Person  # noqa: E402
from talentloop.recruiting.models import Candidacy, Job, TalentPool  # noqa: E402
from talentloop.seed.runner import seed_workspace  # noqa: E402

TARGET_P95_MS = 150.0


@dataclass(frozen=True)
class Fixture:
    recruiter: User
    person_id: int
    job_id: int
    pool_id: int
    search_term: str


def build(count: int, seed: int) -> Fixture:
    call_command("migrate", verbosity=0)
    workspace = do_create_workspace(name="Bench", slug="bench")
    seed_workspace(workspace=workspace, people=count, seed=seed)
    recruiter = (
        User.objects.filter(workspace=workspace, role=Role.RECRUITER.value)
        .annotate(owned=Count("owned_people"))
        .order_by("-owned", "id")
        .first()
    )
    assert recruiter is not None, "the seed makes recruiters"
    busiest_job = (
        Job.objects.filter(workspace=workspace, recruiter=recruiter)
        .annotate(size=Count("candidacies"))
        .order_by("-size", "id")
        .first()
    ) or Job.objects.filter(workspace=workspace).annotate(size=Count("candidacies")).order_by(
        "-size"
    ).first()
    assert busiest_job is not None
    pool = (
        TalentPool.objects.filter(workspace=workspace)
        .annotate(size=Count("candidacies"))
        .order_by("-size", "id")
        .first()
    )
    assert pool is not None
    # A profile with a real history: the person with the most candidacies.
    person_id = (
        Candidacy.objects.filter(workspace=workspace)
        .values("person_id")
        .annotate(n=Count("id"))
        .order_by("-n", "person_id")
        .values_list("person_id", flat=True)
        .first()
    ) or Person.objects.filter(workspace=workspace).values_list("id", flat=True).first()
    assert person_id is not None
    return Fixture(recruiter, person_id, busiest_job.pk, pool.pk, "python")


def pages(fixture: Fixture) -> dict[str, str]:
    return {
        "dashboard": "/",
        "people list": "/people/",
        "people, last engaged": "/people/?sort=engaged",
        "people search": f"/people/?q={fixture.search_term}",
        "person profile": f"/people/{fixture.person_id}/",
        "jobs list": "/jobs/",
        "job board": f"/jobs/{fixture.job_id}/",
        "pool board": f"/pools/{fixture.pool_id}/",
        "tasks inbox": "/tasks/",
    }


# --- the bare baseline ------------------------------------------------------------------------

# Why module state: the bare view is a plain function on a URLconf built at import time, and
# each page's statements are only known after its first capture.
CAPTURED: dict[str, list[str]] = {}


def bare_page(request: HttpRequest, name: str) -> HttpResponse:
    """Run the page's captured statements as they were sent, fetch every row, answer a stub."""
    rows = 0
    with connection.cursor() as cursor:
        for sql in CAPTURED[name]:
            cursor.execute(sql)
            if cursor.description is not None:
                rows += len(cursor.fetchall())
    return HttpResponse(f"{rows} rows", content_type="text/plain")


bench_urls = types.ModuleType("bench_pages_urls")
bench_urls.urlpatterns = [  # type: ignore[attr-defined]
    path("__bare__/<str:name>/", bare_page),
    path("", include("talentloop.config.urls")),
]


def capture(client: Client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return [query["sql"] for query in queries.captured_queries]


# --- timing -----------------------------------------------------------------------------------


def measure(
    call: Callable[[], Any], bare: Callable[[], Any], count: int
) -> tuple[list[float], list[float]]:
    """Alternate page and bare requests so load changes on the machine hit both equally."""
    for _ in range(10):
        call(), bare()
    page_ms: list[float] = []
    bare_ms: list[float] = []
    for _ in range(count):
        page_ms.append(_timed(call))
        bare_ms.append(_timed(bare))
    return page_ms, bare_ms


def _timed(call: Callable[[], Any]) -> float:
    started = time.perf_counter()
    response = call()
    elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, response.content[:200]
    return elapsed


def percentile(values: list[float], pct: int) -> float:
    return statistics.quantiles(values, n=100)[pct - 1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--only", default="", help="comma-separated page names")
    args = parser.parse_args()
    started = time.perf_counter()
    fixture = build(args.people, args.seed)
    people = Person.objects.count()
    print(f"seeded {people:,} people in {time.perf_counter() - started:.1f}s ({DATA_DIR})")
    client = Client()
    client.force_login(fixture.recruiter)
    wanted = {name.strip() for name in args.only.split(",") if name.strip()}
    print_header(args.requests)
    with override_settings(ROOT_URLCONF=bench_urls, DEBUG=False):
        for name, url in pages(fixture).items():
            if wanted and name not in wanted:
                continue
            CAPTURED[name] = capture(client, url)
            bare_url = f"/__bare__/{name}/"
            bare_count = len(capture(client, bare_url))
            page_ms, bare_ms = measure(
                partial(client.get, url), partial(client.get, bare_url), args.requests
            )
            print_row(name, len(CAPTURED[name]), bare_count, page_ms, bare_ms)
    print(f"target: page p95 ≤ {TARGET_P95_MS:.0f} ms")


def print_header(count: int) -> None:
    print(f"\n{count} requests per page, SQLite, Django test Client, signed in as a recruiter")
    print(f"python {sys.version.split()[0]}, {platform.machine()}, {os.cpu_count()} cpus; ms")
    print(
        f"{'page':<22}{'queries':>8}{'page p50':>10}{'page p95':>10}{'bare p50':>10}"
        f"{'bare p95':>10}{'ratio p50':>11}{'ratio p95':>11}  target",
        flush=True,
    )


def print_row(
    name: str, queries: int, bare_queries: int, page_ms: list[float], bare_ms: list[float]
) -> None:
    p50, p95 = percentile(page_ms, 50), percentile(page_ms, 95)
    b50, b95 = percentile(bare_ms, 50), percentile(bare_ms, 95)
    verdict = "ok" if p95 <= TARGET_P95_MS else "OVER"
    # The bare view runs exactly the captured statements; a differing count would show here.
    shown = f"{queries}" if queries == bare_queries else f"{queries}/{bare_queries}"
    print(
        f"{name:<22}{shown:>8}{p50:>10.1f}{p95:>10.1f}{b50:>10.1f}{b95:>10.1f}"
        f"{p50 / b50:>10.1f}x{p95 / b95:>10.1f}x  {verdict}",
        flush=True,
    )


if __name__ == "__main__":
    main()
