"""Enrolment writes: preview and enrol people, pause, resume and stop their sequences.

Each step of an enrolment runs from a `core.scheduling` due item (see sequence_engine). The
item's key holds the enrolment, the step and a generation that each resume bumps; pausing
or stopping cancels the pending item, and the step handler re-checks the enrolment's state
and current step under a row lock, so a stale item never runs a step.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction

from talentloop.accounts import permissions
from talentloop.accounts.models import User
from talentloop.core import clock, scheduling
from talentloop.core.errors import Conflict, ValidationFailed
from talentloop.core.events import record_event
from talentloop.outreach import domain, queries
from talentloop.outreach.models import DeliveryEvent, Message
from talentloop.outreach.sending_window import (
    BusinessHours,
    add_business_days,
    next_send_slot,
    resolve_zone,
)
from talentloop.outreach.sequence_models import (
    Enrollment,
    EnrollmentHistory,
    Sequence,
    SequenceStep,
)
from talentloop.outreach.sequence_rules import (
    ENROLLMENT_SOURCES,
    LIVE_STATES,
    EnrollmentState,
    HistoryKind,
    StepKind,
    StopReason,
    key_prefix,
    may_pause,
    may_resume,
    may_stop,
    step_key,
)
from talentloop.people.models import Person

STEP_KIND = "outreach.sequence_step"
SEQUENCE_TOPIC = "outreach"


@dataclass(frozen=True)
class Skipped:
    person: Person
    code: str
    reason: str


@dataclass
class EnrolmentPreview:
    """Who would be enrolled and who is skipped, with the reason for each."""

    eligible: list[Person] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


@dataclass
class EnrolmentResult:
    enrolled: list[Enrollment] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def preview_enrolment(
    *, actor: User, sequence: Sequence, people: Iterable[Person]
) -> EnrolmentPreview:
    """Sort people into those a sequence would take and those it would skip (and why)."""
    _check_enrollable(sequence)
    unique = list({person.pk: person for person in people}.values())
    live = _live_sequence_names(sequence, [person.pk for person in unique])
    facts = queries.contact_facts(
        sequence.workspace_id, [(person.pk, person.primary_email) for person in unique]
    )
    now = clock.now()
    preview = EnrolmentPreview()
    for person in unique:
        skipped = _skip_reason(person, live, facts, now)
        if skipped is None:
            preview.eligible.append(person)
        else:
            preview.skipped.append(skipped)
    return preview


def _check_enrollable(sequence: Sequence) -> None:
    if sequence.archived:
        raise ValidationFailed("this sequence is archived", fields={"sequence_id": "archived"})
    if not sequence.steps.exists():
        raise ValidationFailed("this sequence has no steps", fields={"sequence_id": "empty"})
    if not sequence.mailbox.active:
        raise ValidationFailed(
            "the sequence's mailbox is inactive", fields={"sequence_id": "mailbox inactive"}
        )


def _live_sequence_names(sequence: Sequence, person_ids: list[int]) -> dict[int, str]:
    rows = Enrollment.objects.filter(
        mailbox_id=sequence.mailbox_id, person_id__in=person_ids, state__in=LIVE_STATES
    ).values_list("person_id", "sequence__name")
    return dict(rows)


def _skip_reason(
    person: Person,
    live: dict[int, str],
    facts: dict[tuple[int | None, str], domain.ContactFacts],
    now: datetime,
) -> Skipped | None:
    if person.pk in live:
        reason = f"already in the sequence '{live[person.pk]}' on this mailbox"
        return Skipped(person, "already_enrolled", reason)
    refusal = domain.contactability(
        facts[(person.pk, person.primary_email)], topic=SEQUENCE_TOPIC, now=now
    )
    if refusal is not None:
        return Skipped(person, refusal.code, refusal.reason)
    return None


def enrol(
    *, actor: User, sequence: Sequence, people: Iterable[Person], source: str = "profile"
) -> EnrolmentResult:
    """Enrol everyone the preview accepts and schedule their first step."""
    permissions.require_write(actor)
    if source not in ENROLLMENT_SOURCES:
        raise ValidationFailed("unknown source", fields={"source": "unknown"})
    if not queries.may_send_from(actor, sequence.mailbox):
        raise ValidationFailed(
            "you may not send from this sequence's mailbox", fields={"sequence_id": "mailbox"}
        )
    preview = preview_enrolment(actor=actor, sequence=sequence, people=people)
    result = EnrolmentResult(skipped=list(preview.skipped))
    steps = list(sequence.steps.all())
    for person in preview.eligible:
        enrollment = _enrol_one(actor, sequence, steps, person, source)
        if enrollment is None:
            result.skipped.append(
                Skipped(person, "already_enrolled", "already in a sequence on this mailbox")
            )
        else:
            result.enrolled.append(enrollment)
    return result


def _enrol_one(
    actor: User, sequence: Sequence, steps: list[SequenceStep], person: Person, source: str
) -> Enrollment | None:
    now = clock.now()
    try:
        with transaction.atomic():
            enrollment = Enrollment.objects.create(
                workspace_id=sequence.workspace_id,
                person=person,
                sequence=sequence,
                mailbox_id=sequence.mailbox_id,
                source=source,
                enrolled_by=actor,
            )
            add_history(enrollment, HistoryKind.ENROLLED, detail=f"from {source}", now=now)
            schedule_current_step(enrollment, steps, now=now)
            _event(enrollment, actor, "sequence.enrolled", source=source)
    except IntegrityError:
        # Why: a concurrent enrolment of the same person on the same mailbox won the race;
        # the partial unique constraint keeps them in one live sequence per mailbox.
        return None
    return enrollment


def schedule_current_step(
    enrollment: Enrollment, steps: list[SequenceStep], *, now: datetime, resuming: bool = False
) -> None:
    """Store the due item that runs the enrolment's current step at its proper time."""
    step = steps[enrollment.current_step]
    zone, hours = send_window(enrollment)
    earliest = max(now, enrollment.next_run_at) if resuming and enrollment.next_run_at else now
    if step.kind == StepKind.WAIT:
        due_at = earliest if resuming else add_business_days(now, step.wait_days, zone, hours)
    elif step.kind == StepKind.EMAIL:
        due_at = next_send_slot(earliest, zone, hours)
    else:
        due_at = earliest
    enrollment.next_run_at = due_at
    enrollment.save(update_fields=["next_run_at", "updated_at"])
    scheduling.schedule(
        STEP_KIND,
        due_at=due_at,
        key=step_key(enrollment.pk, enrollment.current_step, enrollment.generation),
        payload={"enrollment_id": enrollment.pk, "position": enrollment.current_step},
        workspace=enrollment.workspace,
    )


def send_window(enrollment: Enrollment) -> tuple[ZoneInfo, BusinessHours]:
    """The recipient's zone (person, sequence fallback, mailbox owner, UTC) and hours."""
    sequence = enrollment.sequence
    owner = sequence.mailbox.owner
    zone = resolve_zone(
        enrollment.person.time_zone,
        sequence.fallback_time_zone,
        owner.time_zone if owner else "",
    )
    hours = BusinessHours(
        start=sequence.business_start,
        end=sequence.business_end,
        weekdays=frozenset(int(day) for day in sequence.business_days),
    )
    return zone, hours


def add_history(
    enrollment: Enrollment,
    kind: HistoryKind,
    *,
    now: datetime,
    detail: str = "",
    position: int | None = None,
    message: Message | None = None,
) -> EnrollmentHistory:
    return EnrollmentHistory.objects.create(
        enrollment=enrollment,
        kind=kind.value,
        step_position=position,
        detail=detail[:300],
        message=message,
        occurred_at=now,
    )


def _event(enrollment: Enrollment, actor: User | None, verb: str, **data: object) -> None:
    record_event(
        workspace=enrollment.workspace,
        actor=actor,
        verb=verb,
        subject=enrollment,
        data={
            "person_id": enrollment.person_id,
            "sequence_id": enrollment.sequence_id,
            "mailbox_id": enrollment.mailbox_id,
            **data,
        },
    )


def _locked(enrollment: Enrollment) -> Enrollment:
    # Why lock: the step handler, an inbound reply and a recruiter's click may all change
    # the same enrolment at once; each reads its state under this lock before acting.
    return (
        Enrollment.objects.select_for_update(of=("self",))
        .select_related("sequence__mailbox__owner", "person", "workspace")
        .get(pk=enrollment.pk)
    )


@transaction.atomic
def pause_enrollment(
    *, actor: User | None, enrollment: Enrollment, detail: str = "paused by hand"
) -> Enrollment:
    """Hold an active enrolment where it is; its pending step will not run until resumed."""
    if actor is not None:
        permissions.require_write(actor)
    enrollment = _locked(enrollment)
    if not may_pause(enrollment.state):
        raise Conflict(f"this enrolment is {enrollment.state}", code="enrollment_not_active")
    scheduling.cancel_prefix(key_prefix(enrollment.pk))
    enrollment.state = EnrollmentState.PAUSED.value
    enrollment.save(update_fields=["state", "updated_at"])
    add_history(enrollment, HistoryKind.PAUSED, detail=detail, now=clock.now())
    _event(enrollment, actor, "sequence.paused")
    return enrollment


@transaction.atomic
def resume_enrollment(*, actor: User | None, enrollment: Enrollment) -> Enrollment:
    """Carry on from the step that had not run yet; a step already done is never repeated."""
    if actor is not None:
        permissions.require_write(actor)
    enrollment = _locked(enrollment)
    if not may_resume(enrollment.state):
        raise Conflict(f"this enrolment is {enrollment.state}", code="enrollment_not_paused")
    now = clock.now()
    enrollment.state = EnrollmentState.ACTIVE.value
    enrollment.generation += 1
    enrollment.save(update_fields=["state", "generation", "updated_at"])
    add_history(enrollment, HistoryKind.RESUMED, now=now)
    steps = list(enrollment.sequence.steps.all())
    if enrollment.current_step >= len(steps):
        complete_enrollment(enrollment, now=now)
    else:
        schedule_current_step(enrollment, steps, now=now, resuming=True)
    _event(enrollment, actor, "sequence.resumed")
    return enrollment


@transaction.atomic
def stop_enrollment(
    *, actor: User | None, enrollment: Enrollment, reason: StopReason, detail: str = ""
) -> Enrollment:
    """End an enrolment for good; queued emails of it are cancelled. A no-op once ended."""
    if actor is not None:
        permissions.require_write(actor)
    enrollment = _locked(enrollment)
    if not may_stop(enrollment.state):
        return enrollment
    now = clock.now()
    scheduling.cancel_prefix(key_prefix(enrollment.pk))
    _cancel_queued_messages(enrollment, reason, now)
    enrollment.state = EnrollmentState.STOPPED.value
    enrollment.stop_reason = (f"{reason.value}: {detail}" if detail else reason.value)[:200]
    enrollment.finished_at = now
    enrollment.save(update_fields=["state", "stop_reason", "finished_at", "updated_at"])
    add_history(enrollment, HistoryKind.STOPPED, detail=enrollment.stop_reason, now=now)
    _event(enrollment, actor, "sequence.stopped", reason=reason.name.lower())
    return enrollment


def stop_live_enrollments(
    *, workspace_id: int, person_ids: Iterable[int], reason: StopReason, detail: str = ""
) -> int:
    """Stop every live enrolment of these people (reply, bounce, unsubscribe, hire)."""
    live = Enrollment.objects.filter(
        workspace_id=workspace_id, person_id__in=list(person_ids), state__in=LIVE_STATES
    )
    stopped = 0
    for enrollment in live:
        stop_enrollment(actor=None, enrollment=enrollment, reason=reason, detail=detail)
        stopped += 1
    return stopped


def _cancel_queued_messages(enrollment: Enrollment, reason: StopReason, now: datetime) -> None:
    prefix = f"enrollment:{enrollment.pk}:step:"
    ids = list(
        Message.objects.filter(
            workspace_id=enrollment.workspace_id,
            idempotency_key__startswith=prefix,
            state__in=domain.OPEN_STATES,
        ).values_list("pk", flat=True)
    )
    if not ids:
        return
    detail = f"sequence stopped ({reason.value})"
    # Why SENDING too: the delivery worker re-checks its claim right before each hand-over.
    Message.objects.filter(pk__in=ids, state__in=domain.OPEN_STATES).update(
        state=domain.MessageState.CANCELLED, reason=detail, claimed_by="", claimed_until=None
    )
    DeliveryEvent.objects.bulk_create(
        DeliveryEvent(
            workspace_id=enrollment.workspace_id,
            message_id=pk,
            kind="cancelled",
            detail=detail,
            occurred_at=now,
        )
        for pk in ids
    )


def complete_enrollment(enrollment: Enrollment, *, now: datetime) -> None:
    enrollment.state = EnrollmentState.COMPLETED.value
    enrollment.finished_at = now
    enrollment.next_run_at = None
    enrollment.save(update_fields=["state", "finished_at", "next_run_at", "updated_at"])
    add_history(enrollment, HistoryKind.COMPLETED, now=now)
    _event(enrollment, None, "sequence.completed")
