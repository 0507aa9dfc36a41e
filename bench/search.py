"""Search benchmark: the query language, full text, fuzzy lookup, facets and segment upkeep
against the naive ORM (icontains chains, Python-side matching) for the same questions.

    .venv/bin/python bench/search.py [--people 1000000]            # SQLite in a temp folder
    .venv/bin/python bench/search.py --people 100000 --data-dir /tmp/tl-search   # kept, reused
    .venv/bin/python bench/search.py --database-url postgres://postgres@127.0.0.1:5432/tl_search

It seeds its own workspace (`talentloop seed`'s generator, deterministic for --seed) unless the
workspace named by --workspace already holds people, in which case those are reused (a seeded
million takes minutes; reusing it keeps repeated runs short). Then it rebuilds the search
index and, in the same run, asks each question both ways, printing both, the ratio and the
target. The PostgreSQL database in the URL is created when missing and never dropped.

Questions, with their PostgreSQL targets (SQLite: 3x):
  count     count of a 4-clause segment                                    <= 300 ms (median)
  fulltext  full text + 2 filters, top 50 by rank, >= 100 varied queries   <= 100 ms (p95)
  fuzzy     typo'd name or email, top 20, >= 100 varied lookups            <=  50 ms (p95)
  facets    facet counts for a result set                                  <= 500 ms (median)
  member    a contact change reflected in segment membership, through a
            real `talentloop worker` process (event dispatch, consumer)    <= 5000 ms (max)
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchlib import ensure_postgres_database

PG_TARGETS_MS = {
    "count": 300.0,
    "fulltext": 100.0,
    "fuzzy": 50.0,
    "facets": 500.0,
    "member": 5000.0,
}
SQLITE_FACTOR = 3.0
QUESTIONS = tuple(PG_TARGETS_MS)
MOVED_DOMAIN = "moved.bench-search.example"
SEGMENT_NAME = "Bench: moved to the new domain"
FACETS = ("skills", "country", "city", "seniority", "source", "stage", "tags")


@dataclass
class Figure:
    """One question answered both ways."""

    key: str
    title: str
    statistic: str  # how the runs are summarised: "median", "p95", "max"
    ours: list[float] = field(default_factory=list)  # milliseconds per run
    baseline: list[float] = field(default_factory=list)
    note: str = ""
    missing: str = ""  # why our side could not run

    def summary(self, values: list[float]) -> float | None:
        if not values:
            return None
        if self.statistic == "max":
            return max(values)
        if self.statistic == "p95":
            return percentile(values, 95)
        return statistics.median(values)


def percentile(values: Sequence[float], pct: float) -> float:
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    rank = (len(ordered) - 1) * pct / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


# --- setup -------------------------------------------------------------------------------------


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--database-url", help="PostgreSQL URL; default SQLite")
    parser.add_argument("--data-dir", help="SQLite data folder to keep and reuse (default: temp)")
    parser.add_argument("--workspace", default="bench-search", help="slug; reused when seeded")
    parser.add_argument("--runs", type=int, default=100, help="runs of fulltext and fuzzy")
    parser.add_argument("--baseline-runs", type=int, default=5, help="runs of slow baselines")
    parser.add_argument("--member-runs", type=int, default=5, help="contact changes timed")
    parser.add_argument("--only", help=f"comma separated subset of {','.join(QUESTIONS)}")
    parser.add_argument("--skip-reindex", action="store_true", help="keep the current index")
    parser.add_argument("--explain", action="store_true", help="print query plans of our side")
    return parser.parse_args()


def configure(args: argparse.Namespace) -> None:
    os.environ.setdefault("TALENTLOOP_LOG_LEVEL", "ERROR")
    os.environ.pop("TALENTLOOP_TASKS_IMMEDIATE", None)
    if args.database_url:
        ensure_postgres_database(args.database_url)
        os.environ["DATABASE_URL"] = args.database_url
    else:
        os.environ.pop("DATABASE_URL", None)
        folder = args.data_dir or tempfile.mkdtemp(prefix="talentloop-bench-search-")
        Path(folder).mkdir(parents=True, exist_ok=True)
        os.environ["TALENTLOOP_DATA_DIR"] = folder
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "talentloop.config.settings")
    import django

    django.setup()


@contextmanager
def stopwatch(label: str) -> Iterator[None]:
    started = time.perf_counter()
    print(f"… {label}", flush=True)
    yield
    print(f"  {label}: {time.perf_counter() - started:.1f} s", flush=True)


def prepare_workspace(args: argparse.Namespace) -> tuple[Any, Any, dict[str, float]]:
    from django.core.management import call_command

    from talentloop.accounts.actions import do_create_user, do_create_workspace
    from talentloop.accounts.domain import Role
    from talentloop.accounts.models import User, Workspace
    from talentloop.people.models import Person
    from talentloop.seed.runner import seed_workspace

    setup: dict[str, float] = {}
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    setup["migrate"] = time.perf_counter() - started
    workspace = Workspace.objects.filter(slug=args.workspace).first()
    if workspace is None:
        workspace = do_create_workspace(
            name=args.workspace.replace("-", " ").title(), slug=args.workspace
        )
    have = Person.objects.filter(workspace=workspace).count()
    if have:
        print(f"reusing workspace {workspace.slug!r} with {have:,} people (seeded earlier)")
    else:
        done = 0

        def progress(count: int) -> None:
            nonlocal done
            done += count
            if done % max(args.people // 10, 1) < count or done == args.people:
                print(f"  seeded {done:,} / {args.people:,}", flush=True)

        started = time.perf_counter()
        with stopwatch(f"seeding {args.people:,} people"):
            seed_workspace(
                workspace=workspace, people=args.people, seed=args.seed, progress=progress
            )
        setup["seed"] = time.perf_counter() - started
    email = f"bench-admin@{workspace.slug}.bench.test"
    admin = User.objects.filter(email=email).first() or do_create_user(
        workspace=workspace, actor=None, email=email, password=None, role=Role.ADMIN
    )
    if not args.skip_reindex:
        from talentloop.search.fulltext import rebuild_index

        started = time.perf_counter()
        with stopwatch("rebuilding the search index"):
            indexed = rebuild_index(workspace.pk)
        setup["reindex"] = time.perf_counter() - started
        print(f"  indexed {indexed:,} people")
    return workspace, admin, setup


# --- the questions -----------------------------------------------------------------------------


@dataclass
class Context:
    workspace: Any
    admin: Any
    rng: random.Random
    vendor: str
    runs: int
    baseline_runs: int
    member_runs: int
    explain: bool


def skill_pool() -> list[str]:
    """Skills that are no substring of another skill, so icontains asks the same question."""
    from talentloop.seed.data import FAMILIES

    names = sorted({skill.lower() for family in FAMILIES for skill in family.skills})
    return [name for name in names if not any(name != other and name in other for other in names)]


def countries() -> list[str]:
    from talentloop.seed.data import PLACES

    return sorted({place.country for place in PLACES})


def query_value(value: str) -> str:
    return f'"{value}"' if " " in value or not value.isalnum() else value


def senior_and_up() -> list[str]:
    from talentloop.people.domain import Seniority, seniority_rank

    floor = seniority_rank("senior")
    return [level.value for level in Seniority if seniority_rank(level.value) >= floor]


def timed_ms(function: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = function()
    return (time.perf_counter() - started) * 1000, result


def explain(label: str, queryset: Any) -> None:
    from django.db import connection

    sql, params = queryset.query.sql_with_params()
    prefix = "EXPLAIN ANALYZE" if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN"
    with connection.cursor() as cursor:
        cursor.execute(f"{prefix} {sql}", params)
        rows = cursor.fetchall()
    print(f"\n--- plan: {label}")
    for row in rows:
        print("   ", row[-1] if connection.vendor == "sqlite" else row[0])


def ask_count(ctx: Context) -> Figure:
    """skills:X AND country:C AND seniority>=senior AND last_engaged<90d — count."""
    import datetime as dt

    from talentloop.core import clock
    from talentloop.people.models import Person

    figure = Figure("count", "count of a 4-clause segment", "median")
    skills, places = skill_pool(), countries()
    questions = [(ctx.rng.choice(skills), ctx.rng.choice(places)) for _ in range(7)]
    ranks = senior_and_up()
    mismatches = 0
    try:
        from talentloop.search.queries import people_matching
    except ImportError as error:
        figure.missing = f"search.queries.people_matching: {error}"
        people_matching = None
    for index, (skill, country) in enumerate(questions):
        text = (
            f"skills:{query_value(skill)} AND country:{country}"
            " AND seniority>=senior AND last_engaged<90d"
        )
        since = clock.now() - dt.timedelta(days=90)
        naive = (
            Person.objects.filter(workspace=ctx.workspace)
            .filter(
                skills__name__icontains=skill,
                country__icontains=country,
                seniority__in=ranks,
                last_engaged_at__gte=since,
            )
            .distinct()
        )
        if index < ctx.baseline_runs:
            elapsed, expected = timed_ms(naive.count)
            figure.baseline.append(elapsed)
        else:
            expected = None
        if people_matching is not None:
            queryset = people_matching(ctx.admin, text)
            elapsed, got = timed_ms(queryset.count)
            figure.ours.append(elapsed)
            if expected is not None and got != expected:
                mismatches += 1
            if ctx.explain and index == 0:
                explain(f"count: {text}", queryset)
        if index == 0:
            figure.note = f"e.g. {text!r} -> {expected:,} people"
    if mismatches:
        figure.note += f"; {mismatches} counts differ from the baseline"
    return figure


def fulltext_terms(ctx: Context, count: int) -> list[tuple[str, str]]:
    """Varied words people search for: skills, title words, companies, note words."""
    from talentloop.seed.data import COMPANIES, FAMILIES, NOTE_BODIES

    words: set[str] = set()
    for family in FAMILIES:
        words.update(skill for skill in family.skills if " " not in skill and len(skill) > 2)
        for title in family.titles:
            words.update(word for word in title.split() if len(word) > 3 and word.isalpha())
    words.update(name.split()[0] for name, _domain, _industry in COMPANIES)
    for body in NOTE_BODIES:
        words.update(word.strip(".,;") for word in body.split() if len(word.strip(".,;")) > 6)
    pool = sorted(word for word in words if word.replace("-", "").isalnum())
    places = countries()
    return [(ctx.rng.choice(pool), ctx.rng.choice(places)) for _ in range(count)]


def ask_fulltext(ctx: Context) -> Figure:
    """'<word> AND country:C AND seniority>=mid', top 50 by rank with snippets."""
    from django.db.models import Q

    from talentloop.people.models import Activity, Person, PersonSkill, WorkExperience

    figure = Figure("fulltext", "full text + 2 filters, top 50", "p95")
    questions = fulltext_terms(ctx, ctx.runs)
    try:
        from talentloop.search import fulltext
        from talentloop.search.queries import people_matching
    except ImportError as error:
        figure.missing = f"search.fulltext / search.queries: {error}"
        fulltext = people_matching = None  # type: ignore[assignment]
    mid = _rank("mid")
    hits = 0
    timed: list[tuple[float, str]] = []
    for index, (term, country) in enumerate(questions):
        text = f"{term} AND country:{country} AND seniority>=mid"
        if fulltext is not None and people_matching is not None:
            elapsed, top = timed_ms(lambda t=term, q=text: top_ranked(ctx, t, q, 50))
            figure.ours.append(elapsed)
            timed.append((elapsed, f"{term}/{country}"))
            hits += len(top)
            if ctx.explain and index == 0:
                explain(f"fulltext: {text}", people_matching(ctx.admin, text))
        if index < ctx.baseline_runs:
            naive = (
                Person.objects.filter(
                    workspace=ctx.workspace, country__icontains=country, seniority_rank__gte=mid
                )
                .filter(
                    Q(first_name__icontains=term)
                    | Q(last_name__icontains=term)
                    | Q(primary_email__icontains=term)
                    | Q(headline__icontains=term)
                    | Q(current_title__icontains=term)
                    | Q(current_company_name__icontains=term)
                    | Q(pk__in=PersonSkill.objects.filter(name__icontains=term).values("person_id"))
                    | Q(
                        pk__in=WorkExperience.objects.filter(
                            Q(company_name__icontains=term) | Q(title__icontains=term)
                        ).values("person_id")
                    )
                    | Q(
                        pk__in=Activity.objects.filter(
                            workspace=ctx.workspace, kind="note", body__icontains=term
                        ).values("person_id")
                    )
                )
                .order_by("-updated_at")
            )
            elapsed, _rows = timed_ms(
                lambda q=naive: list(
                    q.values_list("pk", "first_name", "last_name", "headline")[:50]
                )
            )
            figure.baseline.append(elapsed)
    if figure.ours:
        slowest = ", ".join(f"{label} {ms:.0f} ms" for ms, label in sorted(timed)[-5:][::-1])
        figure.note = (
            f"{len(figure.ours)} queries, {hits / len(figure.ours):.0f} results each on average;"
            f" slowest: {slowest}"
        )
    return figure


def top_ranked(ctx: Context, term: str, text: str, limit: int) -> list[tuple[int, float, str]]:
    """What the search API does: the matching people ranked, the best `limit` with snippets."""
    from talentloop.search import fulltext
    from talentloop.search.compiler import text_focus
    from talentloop.search.domain import parse
    from talentloop.search.queries import people_matching

    people = people_matching(ctx.admin, text)
    focus = text_focus(parse(text))
    best = fulltext.ranked_people(ctx.workspace.pk, term, people, limit=limit, focus=focus)
    snippets = fulltext.snippets(ctx.workspace.pk, term, [pk for pk, _rank in best])
    return [(pk, rank, snippets.get(pk, "")) for pk, rank in best]


def _rank(level: str) -> int:
    from talentloop.people.domain import seniority_rank

    return seniority_rank(level)


def typo(rng: random.Random, word: str) -> str:
    """One edit: drop, double, swap or replace a letter (not the first)."""
    if len(word) < 4:
        return word + rng.choice("aeiou")
    position = rng.randrange(1, len(word) - 1)
    kind = rng.choice(("drop", "double", "swap", "replace"))
    if kind == "drop":
        return word[:position] + word[position + 1 :]
    if kind == "double":
        return word[:position] + word[position] + word[position:]
    if kind == "swap":
        return word[:position] + word[position + 1] + word[position] + word[position + 2 :]
    letter = rng.choice([c for c in "aeinorstl" if c != word[position]])
    return word[:position] + letter + word[position + 1 :]


def sample_people(ctx: Context, count: int) -> list[tuple[int, str, str, str]]:
    from django.db.models import Max, Min

    from talentloop.people.models import Person

    people = Person.objects.filter(workspace=ctx.workspace)
    bounds = people.aggregate(low=Min("pk"), high=Max("pk"))
    chosen: list[tuple[int, str, str, str]] = []
    while len(chosen) < count:
        pivot = ctx.rng.randint(bounds["low"], bounds["high"])
        row = (
            people.filter(pk__gte=pivot)
            .order_by("pk")
            .values_list("pk", "first_name", "last_name", "primary_email")
            .first()
        )
        if row is not None:
            chosen.append(row)
    return chosen


def ask_fuzzy(ctx: Context) -> Figure:
    """A typo'd 'first last' (3 in 4) or e-mail (1 in 4) of a seeded person; top 20."""
    figure = Figure("fuzzy", "fuzzy name/email, top 20", "p95")
    lookups = []
    for person_id, first, last, email in sample_people(ctx, ctx.runs):
        if ctx.rng.random() < 0.25 and email:
            local, _, domain = email.partition("@")
            lookups.append((person_id, (first, last), f"{typo(ctx.rng, local)}@{domain}", True))
        else:
            if ctx.rng.random() < 0.6:
                text = f"{first} {typo(ctx.rng, last)}"
            else:
                text = f"{typo(ctx.rng, first)} {last}"
            lookups.append((person_id, (first, last), text, False))
    try:
        from talentloop.people.queries import visible_people
        from talentloop.search.fulltext import fuzzy_people
    except ImportError as error:
        figure.missing = f"search.fulltext.fuzzy_people: {error}"
        fuzzy_people = None  # type: ignore[assignment]
    found = 0
    if fuzzy_people is not None:
        names = _names_of
        for person_id, (first, last), text, by_email in lookups:
            visible = visible_people(ctx.admin)
            elapsed, results = timed_ms(
                lambda t=text, v=visible: fuzzy_people(ctx.workspace.pk, t, limit=20, visible=v)
            )
            figure.ours.append(elapsed)
            ids = [result[0] for result in results]
            if by_email:
                found += person_id in ids
            else:
                found += person_id in ids or (first, last) in names(ids)
    for _person_id, _name, text, _by_email in lookups[: ctx.baseline_runs]:
        elapsed, _results = timed_ms(lambda t=text: python_side_fuzzy(ctx, t, 20))
        figure.baseline.append(elapsed)
    if figure.ours:
        figure.note = (
            f"the person (or a namesake) in the top 20 for {found}/{len(lookups)} typo'd lookups"
        )
    return figure


def _names_of(ids: list[int]) -> set[tuple[str, str]]:
    from talentloop.people.models import Person

    return set(Person.objects.filter(pk__in=ids).values_list("first_name", "last_name"))


def python_side_fuzzy(ctx: Context, text: str, limit: int) -> list[tuple[int, float]]:
    """The naive way: every visible person's name and e-mail, scored in Python."""
    from rapidfuzz import fuzz, process

    from talentloop.people.queries import visible_people

    rows = list(
        visible_people(ctx.admin).values_list("pk", "first_name", "last_name", "primary_email")
    )
    choices = {pk: f"{first} {last} {email}" for pk, first, last, email in rows}
    best = process.extract(text, choices, scorer=fuzz.WRatio, limit=limit)
    return [(key, score) for _choice, score, key in best]


def ask_facets(ctx: Context) -> Figure:
    """Facet counts (skills, country, city, seniority, source, stage, tags) of a result set."""
    figure = Figure("facets", "facet counts of a result set", "median")
    skills = skill_pool()
    questions = [
        f"skills:{query_value(ctx.rng.choice(skills))} AND seniority>=mid" for _ in range(5)
    ]
    try:
        from talentloop.search.facets import facet_counts
        from talentloop.search.queries import people_matching
    except ImportError as error:
        figure.missing = f"search.facets.facet_counts: {error}"
        facet_counts = None  # type: ignore[assignment]
    size = 0
    for index, text in enumerate(questions):
        if facet_counts is not None:
            queryset = people_matching(ctx.admin, text)
            elapsed, _counts = timed_ms(lambda q=queryset: facet_counts(q, viewer=ctx.admin))
            figure.ours.append(elapsed)
            if index == 0:
                size = queryset.count()
        if index < min(ctx.baseline_runs, 3):
            elapsed, _counts = timed_ms(lambda t=text: python_side_facets(ctx, t))
            figure.baseline.append(elapsed)
    if size:
        figure.note = f"e.g. {questions[0]!r}: {size:,} people"
    return figure


def python_side_facets(ctx: Context, text: str) -> dict[str, Counter[str]]:
    """The naive way: the result set through icontains, every related row counted in Python."""
    from django.db.models import Q

    from talentloop.people.models import Person

    skill = text.split(" AND ")[0].removeprefix("skills:").strip('"')
    people = (
        Person.objects.filter(workspace=ctx.workspace, seniority_rank__gte=_rank("mid"))
        .filter(Q(skills__name__icontains=skill))
        .distinct()
        .select_related("source")
        .prefetch_related("skills", "tags", "candidacies__stage")
    )
    counts: dict[str, Counter[str]] = {name: Counter() for name in FACETS}
    for person in people.iterator(chunk_size=2000):
        counts["country"][person.country] += 1
        counts["city"][person.city] += 1
        counts["seniority"][person.seniority] += 1
        counts["source"][person.source.name if person.source else ""] += 1
        counts["skills"].update({skill.normalized for skill in person.skills.all()})
        counts["tags"].update({tag.name for tag in person.tags.all()})
        counts["stage"].update({c.stage.key for c in person.candidacies.all() if c.stage_id})
    return counts


def ask_member(ctx: Context) -> Figure:
    """Add a primary e-mail on the new domain; time until the segment shows the person."""
    from talentloop.people.actions import ContactInput, do_add_contact_point
    from talentloop.people.models import Person

    figure = Figure("member", "contact change -> segment membership", "max")
    try:
        from talentloop.search.actions import do_create_segment
        from talentloop.search.models import Segment, SegmentMembership
    except ImportError as error:
        figure.missing = f"search.actions.do_create_segment: {error}"
        return figure
    query = f"email:{MOVED_DOMAIN}"
    segment = Segment.objects.filter(workspace=ctx.workspace, name=SEGMENT_NAME).first()
    if segment is None:
        segment = do_create_segment(
            actor=ctx.admin, workspace=ctx.workspace, name=SEGMENT_NAME, query=query
        )
    with running_worker(ctx):
        for index, (person_id, _first, _last, _email) in enumerate(
            sample_people(ctx, ctx.member_runs)
        ):
            person = Person.objects.get(pk=person_id)
            address = f"moved.{time.time_ns()}.{index}@{MOVED_DOMAIN}"
            started = time.perf_counter()
            do_add_contact_point(
                actor=ctx.admin,
                person=person,
                contact=ContactInput(kind="email", value=address, is_primary=True),
            )
            member = SegmentMembership.objects.filter(segment=segment, person_id=person_id)
            while not member.exists():
                if time.perf_counter() - started > 30:
                    figure.note = "a change was not reflected within 30 s"
                    break
                time.sleep(0.02)
            figure.ours.append((time.perf_counter() - started) * 1000)
    for _ in range(min(ctx.baseline_runs, 3)):
        elapsed, _diff = timed_ms(lambda s=segment: naive_reevaluation(ctx, s))
        figure.baseline.append(elapsed)
    figure.note = figure.note or (
        f"{len(figure.ours)} changes through a worker process;"
        " baseline: one full icontains re-evaluation"
    )
    return figure


def naive_reevaluation(ctx: Context, segment: Any) -> tuple[set[int], set[int]]:
    """The naive way: recompute the whole segment with icontains and diff it in Python."""
    from talentloop.people.models import Person
    from talentloop.search.models import SegmentMembership

    now = set(
        Person.objects.filter(
            workspace=ctx.workspace, primary_email__icontains=MOVED_DOMAIN
        ).values_list("pk", flat=True)
    )
    stored = set(
        SegmentMembership.objects.filter(segment=segment).values_list("person_id", flat=True)
    )
    return now - stored, stored - now


@contextmanager
def running_worker(ctx: Context) -> Iterator[None]:
    """A real `talentloop worker` process on the same database; waits until it is idle."""
    from django.db.models import Q

    from talentloop.core.models import Event, WorkerHeartbeat

    command = [
        sys.executable,
        "-m",
        "talentloop.cli",
        "worker",
        "--worker-id",
        f"bench-{os.getpid()}",
    ]
    worker = subprocess.Popen(command, env=os.environ.copy())
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            beating = WorkerHeartbeat.objects.filter(worker_id=f"bench-{os.getpid()}").exists()
            pending = Event.objects.filter(Q(dispatched_at__isnull=True)).exists()
            if beating and not pending and queue_is_idle():
                break
            time.sleep(0.2)
        yield
    finally:
        worker.terminate()
        worker.wait(30)


def queue_is_idle() -> bool:
    from django_tasks_db.models import DBTaskResult

    return not DBTaskResult.objects.ready().exists()


# --- report ------------------------------------------------------------------------------------


def report(figures: list[Figure], vendor: str, people: int, setup: dict[str, float]) -> None:
    import platform

    factor = 1.0 if vendor == "postgresql" else SQLITE_FACTOR
    backend = "PostgreSQL" if vendor == "postgresql" else "SQLite"
    print(
        f"\nSearch on {backend}, {people:,} people — {platform.machine()}, {os.cpu_count()} cores,"
        f" Python {sys.version.split()[0]}"
    )
    if setup:
        print("setup: " + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in setup.items()))
    header = (
        f"| {'question':<40} | {'stat':<6} | {'ours ms':>9} | {'naive ms':>10} |"
        f" {'naive/ours':>10} | {'target ms':>9} | result |"
    )
    print(header)
    print("|" + "|".join("-" * (len(part)) for part in header.split("|")[1:-1]) + "|")
    for figure in figures:
        target = PG_TARGETS_MS[figure.key] * factor
        ours, naive = figure.summary(figure.ours), figure.summary(figure.baseline)
        ratio = f"{naive / ours:.1f}x" if ours and naive else "—"
        verdict = "n/a" if ours is None else ("PASS" if ours <= target else "FAIL")
        print(
            f"| {figure.title:<40} | {figure.statistic:<6} | {_ms(ours):>9} | {_ms(naive):>10} |"
            f" {ratio:>10} | {target:>9.0f} | {verdict:<6} |"
        )
    print()
    for figure in figures:
        print(line(figure))


def line(figure: Figure) -> str:
    """How many runs, p50 and max of both sides, and what was asked."""
    runs = (
        f"ours {len(figure.ours)} runs (p50 {_ms(_p50(figure.ours))},"
        f" p95 {_ms(percentile(figure.ours, 95) if figure.ours else None)},"
        f" max {_ms(_max(figure.ours))}),"
        f" naive {len(figure.baseline)} runs (p50 {_ms(_p50(figure.baseline))})"
    )
    missing = f" MISSING: {figure.missing}" if figure.missing else ""
    return f"- {figure.title}: {runs}. {figure.note}{missing}"


def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value:,.1f}"


def _p50(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def _max(values: list[float]) -> float | None:
    return max(values) if values else None


def main() -> None:
    args = parse_args()
    configure(args)
    from django.db import connection

    workspace, admin, setup = prepare_workspace(args)
    ctx = Context(
        workspace=workspace,
        admin=admin,
        rng=random.Random(f"bench-search:{args.seed}"),
        vendor=connection.vendor,
        runs=args.runs,
        baseline_runs=args.baseline_runs,
        member_runs=args.member_runs,
        explain=args.explain,
    )
    asked = args.only.split(",") if args.only else list(QUESTIONS)
    askers = {
        "count": ask_count,
        "fulltext": ask_fulltext,
        "fuzzy": ask_fuzzy,
        "facets": ask_facets,
        "member": ask_member,
    }
    figures = []
    for key in QUESTIONS:
        if key in asked:
            with stopwatch(f"asking {key}"):
                figures.append(askers[key](ctx))
            print("  " + line(figures[-1]), flush=True)
    from talentloop.people.models import Person

    people = Person.objects.filter(workspace=workspace).count()
    report(figures, ctx.vendor, people, setup)


if __name__ == "__main__":
    main()
