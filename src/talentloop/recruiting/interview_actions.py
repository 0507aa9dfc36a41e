"""Writes for interviews and offers: each one transaction and one Event (ids only, no PII)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction

from talentloop.accounts.models import User
from talentloop.core import clock
from talentloop.core.errors import Conflict, ValidationFailed
from talentloop.core.events import record_event
from talentloop.recruiting.domain import Outcome
from talentloop.recruiting.models import Candidacy, Interview, Offer

INTERVIEW_FIELDS = ("title", "starts_at", "ends_at", "time_zone", "location", "link")


def _interview_data(interview: Interview) -> dict[str, object]:
    return {
        "candidacy_id": interview.candidacy_id,
        "job_id": interview.candidacy.job_id,
        "person_id": interview.candidacy.person_id,
        "starts_at": interview.starts_at.isoformat(),
    }


def _interview_event(
    interview: Interview, actor: User | None, verb: str, changed: Sequence[str]
) -> None:
    record_event(
        workspace=interview.candidacy.workspace,
        actor=actor,
        verb=verb,
        subject=interview,
        changed_fields=changed,
        data=_interview_data(interview),
    )


def _check_candidacy(candidacy: Candidacy) -> None:
    if candidacy.job_id is None:
        raise ValidationFailed(
            "interviews and offers are for job candidacies", fields={"candidacy_id": "pool"}
        )
    if candidacy.outcome != Outcome.OPEN.value:
        raise Conflict(f"this candidacy is already {candidacy.outcome}", code="candidacy_closed")


def _check_interview(interview: Interview) -> None:
    problems: dict[str, str] = {}
    if interview.ends_at <= interview.starts_at:
        problems["ends_at"] = "must be after starts_at"
    try:
        ZoneInfo(interview.time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        problems["time_zone"] = f"unknown time zone {interview.time_zone!r}"
    if interview.link:
        try:
            URLValidator(schemes=["http", "https"])(interview.link)
        except ValidationError:
            problems["link"] = "must be an http:// or https:// address"
    if problems:
        raise ValidationFailed("the interview is not valid", fields=problems)


def _interviewers(candidacy: Candidacy, user_ids: Sequence[int]) -> list[User]:
    users = list(
        User.objects.filter(pk__in=user_ids, workspace_id=candidacy.workspace_id, is_active=True)
    )
    missing = sorted(set(user_ids) - {user.pk for user in users})
    if missing:
        raise ValidationFailed(
            f"unknown interviewer {missing[0]}", fields={"interviewer_ids": "unknown user"}
        )
    return users


def _apply(interview: Interview, fields: Mapping[str, Any]) -> list[str]:
    changed = []
    for name in INTERVIEW_FIELDS:
        if name in fields and getattr(interview, name) != fields[name]:
            setattr(interview, name, fields[name] if fields[name] is not None else "")
            changed.append(name)
    return changed


@transaction.atomic
def do_schedule_interview(
    *,
    actor: User | None,
    candidacy: Candidacy,
    starts_at: datetime,
    ends_at: datetime,
    interviewer_ids: Sequence[int] = (),
    fields: Mapping[str, Any] | None = None,
) -> Interview:
    """Schedule an interview for an open job candidacy."""
    _check_candidacy(candidacy)
    interview = Interview(workspace_id=candidacy.workspace_id, candidacy=candidacy,
                          starts_at=starts_at, ends_at=ends_at)  # fmt: skip
    _apply(interview, fields or {})
    _check_interview(interview)
    interviewers = _interviewers(candidacy, interviewer_ids)
    interview.save()
    interview.interviewers.set(interviewers)
    _interview_event(interview, actor, "interview.scheduled", [])
    return interview


@transaction.atomic
def do_update_interview(
    *,
    actor: User | None,
    interview: Interview,
    fields: Mapping[str, Any],
    interviewer_ids: Sequence[int] | None = None,
) -> Interview:
    """Move or change a scheduled interview; a cancelled one cannot change."""
    interview = (
        Interview.objects.select_for_update().select_related("candidacy").get(pk=interview.pk)
    )
    if interview.state != Interview.State.SCHEDULED:
        raise Conflict("this interview was cancelled", code="interview_cancelled")
    changed = _apply(interview, fields)
    _check_interview(interview)
    if interviewer_ids is not None:
        interview.interviewers.set(_interviewers(interview.candidacy, interviewer_ids))
        changed.append("interviewers")
    interview.save()
    _interview_event(interview, actor, "interview.updated", changed)
    return interview


@transaction.atomic
def do_cancel_interview(*, actor: User | None, interview: Interview) -> Interview:
    """Cancel a scheduled interview (reminders for it no longer fire)."""
    interview = (
        Interview.objects.select_for_update().select_related("candidacy").get(pk=interview.pk)
    )
    if interview.state == Interview.State.CANCELLED:
        raise Conflict("this interview is already cancelled", code="interview_cancelled")
    interview.state, interview.cancelled_at = Interview.State.CANCELLED, clock.now()
    interview.save(update_fields=["state", "cancelled_at", "updated_at"])
    _interview_event(interview, actor, "interview.cancelled", ["state"])
    return interview


# --- offers --------------------------------------------------------------------------------------


def _offer_event(offer: Offer, actor: User | None, verb: str) -> None:
    record_event(
        workspace=offer.candidacy.workspace,
        actor=actor,
        verb=verb,
        subject=offer,
        changed_fields=["status"],
        data={"candidacy_id": offer.candidacy_id, "job_id": offer.candidacy.job_id,
              "person_id": offer.candidacy.person_id, "status": offer.status},
    )  # fmt: skip


@transaction.atomic
def do_create_offer(*, actor: User | None, candidacy: Candidacy, note: str = "") -> Offer:
    """Draft an offer; a candidacy has at most one offer that was not declined."""
    _check_candidacy(candidacy)
    try:
        with transaction.atomic():
            offer = Offer.objects.create(
                workspace_id=candidacy.workspace_id, candidacy=candidacy, note=note[:5000]
            )
    except IntegrityError:
        raise Conflict("this candidacy already has an offer", code="offer_exists") from None
    _offer_event(offer, actor, "offer.created")
    return offer


_NEXT = {
    Offer.Status.EXTENDED: {Offer.Status.DRAFT},
    Offer.Status.ACCEPTED: {Offer.Status.EXTENDED},
    Offer.Status.DECLINED: {Offer.Status.DRAFT, Offer.Status.EXTENDED},
}


@transaction.atomic
def do_set_offer_status(*, actor: User | None, offer: Offer, status: str) -> Offer:
    """Extend a draft, or record the candidate's answer (accepted / declined)."""
    offer = Offer.objects.select_for_update().select_related("candidacy").get(pk=offer.pk)
    wanted = Offer.Status(status)
    if offer.status not in _NEXT.get(wanted, set()):
        raise Conflict(f"an offer that is {offer.status} cannot become {wanted}",
                       code="offer_status")  # fmt: skip
    offer.status = wanted.value
    now = clock.now()
    if wanted is Offer.Status.EXTENDED:
        offer.extended_at = now
    else:
        offer.decided_at = now
    offer.save()
    _offer_event(offer, actor, f"offer.{wanted.value}")
    return offer
