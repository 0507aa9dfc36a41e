"""Duplicate detection against stored people: blocking keys in the database, then scoring.

Not user-facing reads (no role filter): these run for the event consumer, the batch scan
and the actions, always inside one workspace.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction

from talentloop.core import clock
from talentloop.hygiene.matching import (
    POSSIBLE_THRESHOLD,
    MatchResult,
    PersonRecord,
    Prepared,
    blocking_keys,
    candidate_pairs,
    prepare,
    score_pair,
)
from talentloop.hygiene.matching.blocking import MAX_BLOCK, MIN_SHARED, is_strong
from talentloop.hygiene.models import BlockingKey, CandidateStatus, DuplicateCandidate
from talentloop.hygiene.records_db import iter_workspace_records, load_records
from talentloop.seed.writer import Row, RowWriter


@dataclass(frozen=True, slots=True)
class Match:
    person_id: int
    result: MatchResult


@dataclass(frozen=True, slots=True)
class ScanReport:
    people: int
    compared_pairs: int
    candidates: int


def store_keys(workspace_id: int, person_id: int, keys: Iterable[str]) -> None:
    """Replace one person's blocking keys."""
    BlockingKey.objects.filter(person_id=person_id).delete()
    BlockingKey.objects.bulk_create(
        BlockingKey(workspace_id=workspace_id, person_id=person_id, key=key) for key in sorted(keys)
    )


def block_members(workspace_id: int, keys: Iterable[str]) -> set[int]:
    """The people worth scoring against a record with these keys (same rule as the batch:
    a shared strong block, or MIN_SHARED weak ones); oversized blocks are skipped."""
    shared: defaultdict[int, int] = defaultdict(int)
    for key in sorted(keys):
        rows = BlockingKey.objects.filter(workspace_id=workspace_id, key=key)
        found = list(rows.values_list("person_id", flat=True)[: MAX_BLOCK + 1])
        if len(found) <= MAX_BLOCK:
            weight = MIN_SHARED if is_strong(key) else 1
            for person_id in found:
                shared[person_id] += weight
    return {person_id for person_id, count in shared.items() if count >= MIN_SHARED}


def find_matches(
    *, workspace_id: int, record: PersonRecord, exclude_id: int | None = None
) -> list[Match]:
    """Stored people of the workspace that may be this record, best score first."""
    prepared = prepare(record)
    members = block_members(workspace_id, blocking_keys(prepared)) - {exclude_id}
    others = load_records(workspace_id, (pk for pk in members if pk is not None))
    matches = [
        Match(person_id, result)
        for person_id, other in others.items()
        if (result := score_pair(prepared, prepare(other))).score >= POSSIBLE_THRESHOLD
    ]
    return sorted(matches, key=lambda match: (-match.result.score, match.person_id))


@transaction.atomic
def check_people(workspace_id: int, person_ids: Iterable[int]) -> int:
    """Refresh these people's blocking keys and record their possible duplicates."""
    records = load_records(workspace_id, person_ids)
    found = 0
    for person_id, record in records.items():
        store_keys(workspace_id, person_id, blocking_keys(prepare(record)))
        matches = find_matches(workspace_id=workspace_id, record=record, exclude_id=person_id)
        for match in matches:
            _upsert_candidate(workspace_id, person_id, match.person_id, match.result)
        found += len(matches)
    return found


def _upsert_candidate(workspace_id: int, first: int, second: int, result: MatchResult) -> None:
    low, high = sorted((first, second))
    candidate, created = DuplicateCandidate.objects.get_or_create(
        low_id=low,
        high_id=high,
        defaults={
            "workspace_id": workspace_id,
            "score": result.score,
            "verdict": result.verdict.value,
            "reasons": result.reasons,
        },
    )
    # Why only open pairs: a pair someone dismissed stays dismissed when either side changes.
    if not created and candidate.status == CandidateStatus.OPEN:
        candidate.score, candidate.verdict = result.score, result.verdict.value
        candidate.reasons = result.reasons
        candidate.save(update_fields=["score", "verdict", "reasons", "updated_at"])


def scan_workspace(workspace_id: int) -> ScanReport:
    """Rebuild every blocking key of the workspace and record all possible duplicate pairs."""
    ids: list[int] = []
    prepared: list[Prepared] = []
    for person_id, record in iter_workspace_records(workspace_id):
        ids.append(person_id)
        prepared.append(prepare(record))
    keyed = [(index, blocking_keys(person)) for index, person in enumerate(prepared)]
    scored: list[tuple[int, int, MatchResult]] = []
    compared = 0
    for left, right in candidate_pairs(keyed):
        compared += 1
        result = score_pair(prepared[left], prepared[right])
        if result.score >= POSSIBLE_THRESHOLD:
            scored.append((ids[left], ids[right], result))
    with transaction.atomic():
        _rewrite_keys(workspace_id, ids, keyed)
        created = _record_pairs(workspace_id, scored)
    return ScanReport(people=len(ids), compared_pairs=compared, candidates=created)


def _rewrite_keys(
    workspace_id: int, ids: list[int], keyed: list[tuple[int, frozenset[str]]]
) -> None:
    """Bring the stored keys in line with the computed ones, touching only what changed."""
    stored: defaultdict[int, set[str]] = defaultdict(set)
    rows = BlockingKey.objects.filter(workspace_id=workspace_id).values_list("person_id", "key")
    for person_id, key in rows.iterator(chunk_size=20000):
        stored[person_id].add(key)
    stale: list[int] = []
    writer = RowWriter(BlockingKey, ("workspace", "person", "key"))
    fresh: list[Row] = []
    for index, keys in keyed:
        person_id = ids[index]
        if stored.pop(person_id, set()) == keys:
            continue
        stale.append(person_id)
        fresh.extend((workspace_id, person_id, key) for key in keys)
    stale.extend(stored)  # keys of people who are gone
    for start in range(0, len(stale), 5000):
        BlockingKey.objects.filter(person_id__in=stale[start : start + 5000]).delete()
    for start in range(0, len(fresh), 20000):
        writer.write(fresh[start : start + 20000])


def _record_pairs(workspace_id: int, scored: list[tuple[int, int, MatchResult]]) -> int:
    existing = {
        (low, high): status
        for low, high, status in DuplicateCandidate.objects.filter(
            workspace_id=workspace_id
        ).values_list("low_id", "high_id", "status")
    }
    now = clock.now()
    fresh = []
    for first, second, result in scored:
        low, high = sorted((first, second))
        if (low, high) in existing:
            continue
        fresh.append(
            DuplicateCandidate(
                workspace_id=workspace_id,
                low_id=low,
                high_id=high,
                score=result.score,
                verdict=result.verdict.value,
                reasons=result.reasons,
                created_at=now,
                updated_at=now,
            )
        )
    DuplicateCandidate.objects.bulk_create(fresh, batch_size=2000)
    return len(fresh)
