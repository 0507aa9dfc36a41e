"""REST endpoints for duplicates, merges and data quality.

Each view: parse → find what the caller may see (404 otherwise) → check the role (403) →
call an action → respond.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status

from talentloop.api.common import current_user
from talentloop.api.pagination import Page, paginate
from talentloop.core import clock
from talentloop.hygiene import actions, detection, queries
from talentloop.hygiene.matching import PersonRecord
from talentloop.hygiene.models import DuplicateCandidate, MergeRecord
from talentloop.hygiene.schemas import (
    CandidateOut,
    MatchOut,
    MergeIn,
    MergeOut,
    PageQuery,
    QualityOut,
    RecordIn,
    ScanOut,
)
from talentloop.people.queries import access_person, visible_people

router = Router(tags=["duplicates"])
_BY_CREATION = {"created_at": "created_at"}


def candidate_out(candidate: DuplicateCandidate) -> dict[str, Any]:
    return {
        "id": candidate.pk,
        "person_ids": [candidate.low_id, candidate.high_id],
        "score": candidate.score,
        "verdict": candidate.verdict,
        "status": candidate.status,
        "reasons": candidate.reasons,
        "created_at": candidate.created_at,
    }


@router.get("/duplicates", response=Page[CandidateOut])
def list_duplicates(request: HttpRequest, page: Query[PageQuery]) -> dict[str, Any]:
    """Open pairs of possible duplicates, newest first."""
    pairs = queries.open_candidates(current_user(request))
    items, next_cursor = paginate(
        pairs, cursor=page.cursor, limit=page.limit, sort="-created_at", allowed=_BY_CREATION
    )
    return {"items": [candidate_out(item) for item in items], "next_cursor": next_cursor}


@router.post("/duplicates/check", response=list[MatchOut])
def check_duplicates(request: HttpRequest, payload: RecordIn) -> list[dict[str, Any]]:
    """People of the workspace who may be this incoming record, best first (nothing is saved)."""
    user = current_user(request)
    queries.check_may_review(user)
    record = PersonRecord(
        key="incoming",
        first_name=payload.first_name,
        last_name=payload.last_name,
        emails=tuple(payload.emails),
        phones=tuple(payload.phones),
        external_ids=tuple(payload.external_ids),
        company=payload.company,
        title=payload.title,
        city=payload.city,
        region=payload.region,
        links=tuple(payload.links),
    )
    matches = detection.find_matches(workspace_id=user.tenant_id, record=record)
    visible = set(
        visible_people(user)
        .filter(pk__in=[match.person_id for match in matches])
        .values_list("pk", flat=True)
    )
    return [
        {
            "person_id": match.person_id,
            "score": match.result.score,
            "verdict": match.result.verdict.value,
            "reasons": match.result.reasons,
        }
        for match in matches
        if match.person_id in visible
    ]


@router.post("/duplicates/scan", response={202: ScanOut})
def scan_duplicates(request: HttpRequest) -> Status[dict[str, bool]]:
    """Queue the batch scan of the whole workspace; pairs appear in the review queue."""
    from talentloop.hygiene import tasks

    user = current_user(request)
    queries.check_may_review(user)
    tasks.scan_workspace.enqueue(user.tenant_id, user.pk)
    return Status(202, {"queued": True})


@router.post("/duplicates/{candidate_id}/dismiss", response=CandidateOut)
def dismiss_duplicate(request: HttpRequest, candidate_id: int) -> dict[str, Any]:
    """Mark a pair as two different people."""
    user = current_user(request)
    candidate = queries.access_candidate(user, candidate_id)
    return candidate_out(actions.do_dismiss_candidate(actor=user, candidate=candidate))


@router.post("/merges", response={201: MergeOut})
def merge_people(request: HttpRequest, payload: MergeIn) -> Status[MergeRecord]:
    """Fold `other_id` into `survivor_id`, taking the chosen fields from the other record."""
    user = current_user(request)
    queries.check_may_review(user)
    survivor = access_person(user, payload.survivor_id)
    other = access_person(user, payload.other_id)
    record = actions.do_merge_people(
        actor=user, survivor=survivor, other=other, field_choices=dict(payload.field_choices)
    )
    return Status(201, record)


@router.get("/merges", response=Page[MergeOut])
def list_merges(request: HttpRequest, page: Query[PageQuery]) -> dict[str, Any]:
    """Merges of the workspace, newest first; each can be undone for 30 days."""
    records = queries.merges(current_user(request))
    items, next_cursor = paginate(
        records, cursor=page.cursor, limit=page.limit, sort="-created_at", allowed=_BY_CREATION
    )
    return {"items": items, "next_cursor": next_cursor}


@router.post("/merges/{merge_id}/undo", response=MergeOut)
def undo_merge(request: HttpRequest, merge_id: int) -> MergeRecord:
    """Give both people back exactly as they were before the merge."""
    user = current_user(request)
    return actions.do_undo_merge(actor=user, record=queries.access_merge(user, merge_id))


@router.get("/data-quality", response=QualityOut, tags=["data quality"])
def data_quality(request: HttpRequest) -> queries.QualityReport:
    """Counts of people missing an email, with invalid phones, suspected duplicates, stale."""
    return queries.quality_report(current_user(request), clock.now())
