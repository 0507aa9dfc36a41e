"""Batch linkage: prepare, block, score; the pairs above a threshold."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from talentloop.hygiene.matching.blocking import blocking_keys, candidate_pairs
from talentloop.hygiene.matching.records import PersonRecord, prepare
from talentloop.hygiene.matching.scoring import POSSIBLE_THRESHOLD, MatchResult, score_pair


@dataclass(frozen=True, slots=True)
class ScoredPair:
    left: str
    right: str
    result: MatchResult


def find_pairs(
    records: Sequence[PersonRecord], *, threshold: float = POSSIBLE_THRESHOLD
) -> list[ScoredPair]:
    """Every blocked pair of records scoring at least `threshold`, keys in input order."""
    prepared = [prepare(record) for record in records]
    keyed = ((index, blocking_keys(person)) for index, person in enumerate(prepared))
    found: list[ScoredPair] = []
    for left, right in candidate_pairs(keyed):
        result = score_pair(prepared[left], prepared[right])
        if result.score >= threshold:
            found.append(ScoredPair(prepared[left].key, prepared[right].key, result))
    return found
