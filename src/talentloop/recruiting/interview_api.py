"""REST endpoints for a candidacy's interviews and offers."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from talentloop.accounts.models import User
from talentloop.accounts.permissions import require_write
from talentloop.api.common import current_user
from talentloop.recruiting import interview_actions, queries
from talentloop.recruiting.models import Candidacy, Interview, Offer
from talentloop.recruiting.schemas import (
    READ_ERRORS,
    WRITE_ERRORS,
    InterviewIn,
    InterviewOut,
    InterviewPatch,
    OfferIn,
    OfferOut,
    OfferStatusIn,
)

router = Router(tags=["recruiting"])


def _writable_candidacy(request: HttpRequest, candidacy_id: int) -> tuple[User, Candidacy]:
    user = current_user(request)
    candidacy = queries.access_candidacy(user, candidacy_id)
    require_write(user)
    return user, candidacy


@router.get(
    "/candidacies/{candidacy_id}/interviews", response={200: list[InterviewOut], **READ_ERRORS}
)
def list_interviews(request: HttpRequest, candidacy_id: int) -> list[Interview]:
    """A candidacy's interviews, earliest first (cancelled ones included)."""
    user = current_user(request)
    candidacy = queries.access_candidacy(user, candidacy_id)
    return list(queries.visible_interviews(user).filter(candidacy=candidacy).order_by("starts_at"))


@router.post("/candidacies/{candidacy_id}/interviews", response={201: InterviewOut, **WRITE_ERRORS})
def schedule_interview(
    request: HttpRequest, candidacy_id: int, payload: InterviewIn
) -> Status[Interview]:
    user, candidacy = _writable_candidacy(request, candidacy_id)
    fields = payload.dict(exclude={"starts_at", "ends_at", "interviewer_ids"})
    interview = interview_actions.do_schedule_interview(
        actor=user, candidacy=candidacy, starts_at=payload.starts_at, ends_at=payload.ends_at,
        interviewer_ids=payload.interviewer_ids, fields=fields,
    )  # fmt: skip
    return Status(201, queries.access_interview(user, interview.pk))


@router.get("/interviews/{interview_id}", response={200: InterviewOut, **READ_ERRORS})
def get_interview(request: HttpRequest, interview_id: int) -> Interview:
    return queries.access_interview(current_user(request), interview_id)


@router.patch("/interviews/{interview_id}", response={200: InterviewOut, **WRITE_ERRORS})
def update_interview(request: HttpRequest, interview_id: int, payload: InterviewPatch) -> Interview:
    """Change an interview: only the fields sent change."""
    user = current_user(request)
    interview = queries.access_interview(user, interview_id)
    require_write(user)
    sent: dict[str, Any] = payload.dict(exclude_unset=True)
    interviewer_ids = sent.pop("interviewer_ids", None)
    interview_actions.do_update_interview(
        actor=user, interview=interview, fields=sent, interviewer_ids=interviewer_ids
    )
    return queries.access_interview(user, interview_id)


@router.post("/interviews/{interview_id}/cancel", response={200: InterviewOut, **WRITE_ERRORS})
def cancel_interview(request: HttpRequest, interview_id: int) -> Interview:
    user = current_user(request)
    interview = queries.access_interview(user, interview_id)
    require_write(user)
    interview_actions.do_cancel_interview(actor=user, interview=interview)
    return queries.access_interview(user, interview_id)


@router.get("/candidacies/{candidacy_id}/offers", response={200: list[OfferOut], **READ_ERRORS})
def list_offers(request: HttpRequest, candidacy_id: int) -> list[Offer]:
    user = current_user(request)
    candidacy = queries.access_candidacy(user, candidacy_id)
    return list(queries.visible_offers(user).filter(candidacy=candidacy).order_by("id"))


@router.post("/candidacies/{candidacy_id}/offers", response={201: OfferOut, **WRITE_ERRORS})
def create_offer(request: HttpRequest, candidacy_id: int, payload: OfferIn) -> Status[Offer]:
    user, candidacy = _writable_candidacy(request, candidacy_id)
    offer = interview_actions.do_create_offer(actor=user, candidacy=candidacy, note=payload.note)
    return Status(201, offer)


@router.post("/offers/{offer_id}/status", response={200: OfferOut, **WRITE_ERRORS})
def set_offer_status(request: HttpRequest, offer_id: int, payload: OfferStatusIn) -> Offer:
    """Extend a draft offer, or record that it was accepted or declined."""
    user = current_user(request)
    offer = queries.access_offer(user, offer_id)
    require_write(user)
    return interview_actions.do_set_offer_status(actor=user, offer=offer, status=payload.status)
