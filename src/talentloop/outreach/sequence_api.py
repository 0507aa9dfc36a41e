"""REST endpoints for sequences and enrolments: parse → find (404) → role (403) → action."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status

from talentloop.accounts.models import User
from talentloop.api.common import current_user
from talentloop.api.pagination import Page, paginate
from talentloop.outreach import sequence_queries as queries
from talentloop.outreach.enrollment_actions import (
    EnrolmentPreview,
    Skipped,
    enrol,
    pause_enrollment,
    preview_enrolment,
    resume_enrollment,
    stop_enrollment,
)
from talentloop.outreach.sequence_actions import archive_sequence, save_sequence
from talentloop.outreach.sequence_models import Enrollment, Sequence
from talentloop.outreach.sequence_rules import StopReason
from talentloop.outreach.sequence_schemas import (
    EnrolIn,
    EnrollmentDetailOut,
    EnrollmentFilters,
    EnrollmentOut,
    EnrolOut,
    PeopleIn,
    PreviewOut,
    SequenceFilters,
    SequenceIn,
    SequenceOut,
)
from talentloop.recruiting.schemas import LIST_ERRORS, READ_ERRORS, WRITE_ERRORS

router = Router(tags=["sequences"])
_ID_SORT = {"id": "id"}


def _page(rows: Any, cursor: str | None, limit: int) -> dict[str, Any]:
    items, next_cursor = paginate(rows, cursor=cursor, limit=limit, sort="-id", allowed=_ID_SORT)
    return {"items": items, "next_cursor": next_cursor}


def _save(user: User, payload: SequenceIn, sequence: Sequence | None) -> Sequence:
    fields = payload.dict()
    fields["steps"] = [step.dict() for step in payload.steps]
    return save_sequence(actor=user, sequence=sequence, **fields)


@router.get("/sequences", response={200: Page[SequenceOut], **LIST_ERRORS})
def list_sequences(request: HttpRequest, filters: Query[SequenceFilters]) -> dict[str, Any]:
    rows = queries.sequences(current_user(request), include_archived=filters.archived)
    return _page(rows.prefetch_related("steps"), filters.cursor, filters.limit)


@router.post("/sequences", response={201: SequenceOut, **WRITE_ERRORS})
def create_sequence(request: HttpRequest, payload: SequenceIn) -> Status[Sequence]:
    return Status(201, _save(current_user(request), payload, None))


@router.get("/sequences/{sequence_id}", response={200: SequenceOut, **READ_ERRORS})
def get_sequence(request: HttpRequest, sequence_id: int) -> Sequence:
    return queries.access_sequence(current_user(request), sequence_id)


@router.put("/sequences/{sequence_id}", response={200: SequenceOut, **WRITE_ERRORS})
def update_sequence(request: HttpRequest, sequence_id: int, payload: SequenceIn) -> Sequence:
    user = current_user(request)
    return _save(user, payload, queries.access_sequence(user, sequence_id))


@router.post("/sequences/{sequence_id}/archive", response={200: SequenceOut, **WRITE_ERRORS})
def archive(request: HttpRequest, sequence_id: int) -> Sequence:
    user = current_user(request)
    return archive_sequence(actor=user, sequence=queries.access_sequence(user, sequence_id))


def _people(user: User, payload: PeopleIn) -> list[Any]:
    return queries.people_to_enrol(
        user,
        person_ids=list(payload.person_ids or []),
        query=payload.query,
        job_id=payload.job_id,
        stage_id=payload.stage_id,
    )


def _skipped(rows: list[Skipped]) -> list[dict[str, Any]]:
    return [
        {"person_id": s.person.pk, "name": s.person.full_name, "code": s.code, "reason": s.reason}
        for s in rows
    ]


def _preview_out(preview: EnrolmentPreview) -> dict[str, Any]:
    eligible = [{"person_id": p.pk, "name": p.full_name} for p in preview.eligible]
    return {"eligible": eligible, "skipped": _skipped(preview.skipped)}


@router.post(
    "/sequences/{sequence_id}/enrolment-preview", response={200: PreviewOut, **WRITE_ERRORS}
)
def preview(request: HttpRequest, sequence_id: int, payload: PeopleIn) -> dict[str, Any]:
    """Who would be enrolled, and who would be skipped with the reason; nothing is saved."""
    user = current_user(request)
    sequence = queries.access_sequence(user, sequence_id)
    people = _people(user, payload)
    return _preview_out(preview_enrolment(actor=user, sequence=sequence, people=people))


@router.post("/sequences/{sequence_id}/enrolments", response={201: EnrolOut, **WRITE_ERRORS})
def enrol_people(
    request: HttpRequest, sequence_id: int, payload: EnrolIn
) -> Status[dict[str, Any]]:
    user = current_user(request)
    sequence = queries.access_sequence(user, sequence_id)
    result = enrol(
        actor=user, sequence=sequence, people=_people(user, payload), source=payload.source
    )
    return Status(201, {"enrolled": result.enrolled, "skipped": _skipped(result.skipped)})


@router.get("/enrolments", response={200: Page[EnrollmentOut], **LIST_ERRORS})
def list_enrolments(request: HttpRequest, filters: Query[EnrollmentFilters]) -> dict[str, Any]:
    rows = queries.enrollments(current_user(request))
    exact = {"person_id": filters.person_id, "sequence_id": filters.sequence_id}
    rows = rows.filter(**{name: value for name, value in exact.items() if value is not None})
    if filters.state:
        rows = rows.filter(state=filters.state)
    return _page(rows, filters.cursor, filters.limit)


@router.get("/enrolments/{enrollment_id}", response={200: EnrollmentDetailOut, **READ_ERRORS})
def get_enrolment(request: HttpRequest, enrollment_id: int) -> Enrollment:
    return queries.access_enrollment(current_user(request), enrollment_id)


@router.post("/enrolments/{enrollment_id}/pause", response={200: EnrollmentOut, **WRITE_ERRORS})
def pause(request: HttpRequest, enrollment_id: int) -> Enrollment:
    user = current_user(request)
    enrollment = queries.access_enrollment(user, enrollment_id)
    return pause_enrollment(actor=user, enrollment=enrollment)


@router.post("/enrolments/{enrollment_id}/resume", response={200: EnrollmentOut, **WRITE_ERRORS})
def resume(request: HttpRequest, enrollment_id: int) -> Enrollment:
    user = current_user(request)
    enrollment = queries.access_enrollment(user, enrollment_id)
    return resume_enrollment(actor=user, enrollment=enrollment)


@router.post("/enrolments/{enrollment_id}/stop", response={200: EnrollmentOut, **WRITE_ERRORS})
def stop(request: HttpRequest, enrollment_id: int) -> Enrollment:
    user = current_user(request)
    enrollment = queries.access_enrollment(user, enrollment_id)
    return stop_enrollment(actor=user, enrollment=enrollment, reason=StopReason.MANUAL)
