"""API overhead benchmark: /api/v1/ against a bare Django view running the same queries.

Builds its own SQLite database (100,000 people) in a temporary folder, then times
≥1,000 requests each of a person detail and a filtered list through Django's test Client,
once via the API and once via a hand-written view on a temporary URLconf, and prints p50/p95
and the ratio. Run: `.venv/bin/python bench/api.py [--people N] [--requests N]`.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
import types
from collections.abc import Callable
from typing import Any

DATA_DIR = tempfile.mkdtemp(prefix="talentloop-bench-api-")
os.environ.update(
    TALENTLOOP_DATA_DIR=DATA_DIR, TALENTLOOP_TASKS_IMMEDIATE="1", TALENTLOOP_LOG_LEVEL="ERROR"
)
os.environ.pop("DATABASE_URL", None)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "talentloop.config.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db.models import Prefetch  # noqa: E402
from django.http import HttpRequest, JsonResponse  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.urls import include, path  # noqa: E402

from talentloop.accounts.actions import (  # noqa: E402
    do_create_api_token,
    do_create_user,
    do_create_workspace,
    hash_token,
)
from talentloop.accounts.domain import Role, Scope  # noqa: E402
from talentloop.accounts.models import ApiToken, Workspace  # noqa: E402
from talentloop.people.models import ContactPoint, Person, PersonTag, Tag  # noqa: E402

COUNTRIES = ["DE", "GB", "US", "FR", "NL", "ES", "PL", "SE"]
LIFECYCLES = ["lead", "prospect", "candidate", "client_contact"]
LIST_QUERY = {"country": "DE", "lifecycle": "candidate", "limit": "50"}


# --- data -------------------------------------------------------------------------------------


def build(count: int) -> tuple[Workspace, str, list[int]]:
    call_command("migrate", verbosity=0)
    workspace = do_create_workspace(name="Bench", slug="bench")
    admin = do_create_user(
        workspace=workspace, actor=None, email="admin@bench.test", password=None, role=Role.ADMIN
    )
    _, secret = do_create_api_token(actor=None, user=admin, name="bench", scopes=[Scope.ADMIN])
    rng = random.Random(42)
    tags = [Tag.objects.create(workspace=workspace, name=f"tag-{n}") for n in range(20)]
    for start in range(0, count, 5000):
        batch = [_person(workspace, rng, start + n) for n in range(min(5000, count - start))]
        people = Person.objects.bulk_create(batch)
        ContactPoint.objects.bulk_create(
            ContactPoint(
                workspace=workspace, person=p, kind="email", value=p.primary_email, is_primary=True
            )
            for p in people
        )
        PersonTag.objects.bulk_create(
            PersonTag(person=p, tag=rng.choice(tags)) for p in people if rng.random() < 0.5
        )
    ids = list(Person.objects.values_list("id", flat=True))
    return workspace, secret, ids


def _person(workspace: Workspace, rng: random.Random, index: int) -> Person:
    return Person(
        workspace=workspace,
        first_name=f"First{index}",
        last_name=f"Last{rng.randrange(10_000)}",
        headline="Engineer",
        current_title="Engineer",
        city="Berlin",
        country=rng.choice(COUNTRIES),
        lifecycle=rng.choice(LIFECYCLES),
        salary_currency="EUR",
        salary_min=50_000,
        salary_max=80_000,
        salary_period="year",
        primary_email=f"person{index}@bench.test",
    )


# --- the bare baseline: same token check, same queries, dicts by hand -------------------------


def _bare_user(request: HttpRequest) -> Any:
    secret = request.headers.get("Authorization", "").removeprefix("Bearer ")
    token = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=hash_token(secret), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    return token.user if token else None


def _summary(person: Person) -> dict[str, Any]:
    fields = [
        "id",
        "first_name",
        "last_name",
        "headline",
        "current_title",
        "current_company_id",
        "current_company_name",
        "city",
        "region",
        "country",
        "seniority",
        "lifecycle",
        "owner_id",
        "source_id",
        "primary_email",
        "primary_phone",
        "do_not_contact",
        "salary_currency",
        "salary_min",
        "salary_max",
        "salary_period",
        "last_engaged_at",
        "created_at",
        "updated_at",
    ]
    data = {name: getattr(person, name) for name in fields}
    data["full_name"] = person.full_name
    data["tags"] = [{"id": t.id, "name": t.name, "color": t.color} for t in person.tags.all()]
    return data


def bare_detail(request: HttpRequest, person_id: int) -> JsonResponse:
    user = _bare_user(request)
    person = (
        Person.objects.filter(workspace_id=user.workspace_id, pk=person_id)
        .select_related("owner", "source", "current_company")
        .prefetch_related(
            Prefetch("contact_points", queryset=ContactPoint.objects.order_by("kind", "id")),
            "tags",
            "skills",
            "work_history",
            "education",
        )
        .first()
    )
    assert person is not None
    data = _summary(person)
    data.update(
        summary=person.summary,
        time_zone=person.time_zone,
        custom_fields=person.custom_fields,
        years_experience=person.years_experience,
        external_id=person.external_id,
        do_not_contact_reason=person.do_not_contact_reason,
        contact_points=[
            {
                "id": c.id,
                "person_id": c.person_id,
                "kind": c.kind,
                "value": c.value,
                "label": c.label,
                "is_primary": c.is_primary,
                "verified": c.verified,
            }
            for c in person.contact_points.all()
        ],
        skills=[{"name": s.name, "level": s.level, "years": s.years} for s in person.skills.all()],
        work_history=[{"company_name": w.company_name} for w in person.work_history.all()],
        education=[{"institution": e.institution} for e in person.education.all()],
    )
    return JsonResponse(data)


def bare_list(request: HttpRequest) -> JsonResponse:
    user = _bare_user(request)
    people = (
        Person.objects.filter(
            workspace_id=user.workspace_id,
            country=request.GET["country"],
            lifecycle=request.GET["lifecycle"],
        )
        .prefetch_related("tags")
        .order_by("-created_at", "-id")[: int(request.GET["limit"]) + 1]
    )
    rows = list(people)
    return JsonResponse({"items": [_summary(p) for p in rows[:50]], "next_cursor": None})


bench_urls = types.ModuleType("bench_api_urls")
bench_urls.urlpatterns = [  # type: ignore[attr-defined]
    path("bare/people/<int:person_id>", bare_detail),
    path("bare/people", bare_list),
    path("api/v1/", include("talentloop.api.main")),
]


# --- timing -----------------------------------------------------------------------------------


def measure(
    api_call: Callable[[int], Any], bare_call: Callable[[int], Any], count: int
) -> tuple[list[float], list[float]]:
    """Alternate API and bare requests so load changes on the machine hit both equally."""
    for warm in range(50):
        api_call(warm), bare_call(warm)
    api_ms: list[float] = []
    bare_ms: list[float] = []
    for index in range(count):
        api_ms.append(_timed(api_call, index))
        bare_ms.append(_timed(bare_call, index))
    return api_ms, bare_ms


def _timed(call: Callable[[int], Any], index: int) -> float:
    started = time.perf_counter()
    response = call(index)
    elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, response.content[:200]
    return elapsed


def percentile(values: list[float], pct: float) -> float:
    return statistics.quantiles(values, n=100)[int(pct) - 1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=1_000)
    args = parser.parse_args()
    started = time.perf_counter()
    _, secret, ids = build(args.people)
    print(f"built {len(ids):,} people in {time.perf_counter() - started:.1f}s ({DATA_DIR})")
    client = Client(headers={"Authorization": f"Bearer {secret}"})
    rng = random.Random(7)
    picks = [rng.choice(ids) for _ in range(args.requests + 50)]
    cases = {
        "GET person": (
            lambda i: client.get(f"/api/v1/people/{picks[i]}"),
            lambda i: client.get(f"/bare/people/{picks[i]}"),
        ),
        "GET filtered list (50)": (
            lambda i: client.get("/api/v1/people", LIST_QUERY),
            lambda i: client.get("/bare/people", LIST_QUERY),
        ),
    }
    with override_settings(ROOT_URLCONF=bench_urls, DEBUG=False):
        rows = []
        for name, (api_call, bare_call) in cases.items():
            api_ms, bare_ms = measure(api_call, bare_call, args.requests)
            rows.append((name, api_ms, bare_ms))
    _report(rows, args.requests)


def _report(rows: list[tuple[str, list[float], list[float]]], count: int) -> None:
    print(f"\n{count} requests each, SQLite, Django test Client, times in ms")
    header = f"{'case':<24}{'api p50':>9}{'api p95':>9}{'bare p50':>10}{'bare p95':>10}"
    print(header + f"{'ratio p50':>11}{'ratio p95':>11}")
    for name, api_ms, bare_ms in rows:
        a50, a95 = percentile(api_ms, 50), percentile(api_ms, 95)
        b50, b95 = percentile(bare_ms, 50), percentile(bare_ms, 95)
        print(
            f"{name:<24}{a50:>9.2f}{a95:>9.2f}{b50:>10.2f}{b95:>10.2f}"
            f"{a50 / b50:>10.2f}x{a95 / b95:>10.2f}x"
        )
    print("target: ratio ≤ 1.5x")


if __name__ == "__main__":
    main()
