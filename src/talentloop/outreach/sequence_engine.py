"""Running sequences: the due-item handler for steps and the stop rules fed by events.

`run_step` is registered with core.scheduling and runs inside the transaction that marks its
due item done: the outbox row, the enrolment moving on and the next step's due item commit
together or not at all. The outbox key is enrolment + step, so even a step run twice (a
worker killed after SMTP accepted but before commit) queues its email only once.
"""

from __future__ import annotations

import logging
from datetime import datetime

from talentloop.core import clock
from talentloop.core.errors import AppError
from talentloop.core.models import DueItem, Event
from talentloop.outreach.actions import queue_message
from talentloop.outreach.enrollment_actions import (
    SEQUENCE_TOPIC,
    add_history,
    complete_enrollment,
    schedule_current_step,
    stop_enrollment,
    stop_live_enrollments,
)
from talentloop.outreach.models import ContactPreference, Message, Suppression
from talentloop.outreach.sequence_models import Enrollment, SequenceStep
from talentloop.outreach.sequence_rules import (
    EnrollmentState,
    HistoryKind,
    StepKind,
    StopReason,
    TaskKind,
    Thread,
    is_advance,
    message_key,
)
from talentloop.people.models import ContactPoint, Person
from talentloop.people.task_actions import do_create_task
from talentloop.recruiting.models import Stage

logger = logging.getLogger(__name__)

_TASK_KINDS = {TaskKind.CALL.value: "call", TaskKind.LINKEDIN.value: "follow_up"}
_TASK_TITLES = {TaskKind.CALL.value: "Call", TaskKind.LINKEDIN.value: "LinkedIn message to"}


def run_step(item: DueItem) -> None:
    """Run one step of an enrolment if it is still the step due; otherwise do nothing."""
    enrollment = (
        Enrollment.objects.select_for_update(of=("self",))
        .select_related("sequence__mailbox__owner", "person", "workspace", "last_message")
        .filter(pk=item.payload["enrollment_id"])
        .first()
    )
    position = int(item.payload["position"])
    if enrollment is None or enrollment.state != EnrollmentState.ACTIVE:
        return  # stopped, paused or deleted since it was scheduled
    if enrollment.current_step != position:
        return  # this step already ran (a stale item from before a pause)
    steps = list(enrollment.sequence.steps.select_related("template"))
    now = clock.now()
    if position >= len(steps):
        complete_enrollment(enrollment, now=now)
        return
    step = steps[position]
    if step.kind == StepKind.EMAIL and not _email_step(enrollment, step, now):
        return
    if step.kind == StepKind.WAIT:
        add_history(enrollment, HistoryKind.WAITED, position=position, now=now,
                    detail=f"waited {step.wait_days} business days")  # fmt: skip
    if step.kind == StepKind.TASK:
        _task_step(enrollment, step, now)
    _advance(enrollment, steps, now)


def _email_step(enrollment: Enrollment, step: SequenceStep, now: datetime) -> bool:
    """Queue the step's email; False when the enrolment had to stop instead."""
    thread_of = enrollment.last_message if step.thread == Thread.REPLY else None
    try:
        message = queue_message(
            actor=None,
            workspace=enrollment.workspace,
            mailbox=enrollment.sequence.mailbox,
            person=enrollment.person,
            template=step.template,
            idempotency_key=message_key(enrollment.pk, step.position),
            thread_of=thread_of,
        )
    except AppError as problem:  # a template that cannot render for this person, for one
        _stop_from_step(enrollment, StopReason.REFUSED, problem.message)
        return False
    if message.state in ("refused", "cancelled"):
        add_history(enrollment, HistoryKind.REFUSED, position=step.position, now=now,
                    detail=message.reason, message=message)  # fmt: skip
        _stop_from_step(enrollment, StopReason.REFUSED, message.reason)
        return False
    add_history(enrollment, HistoryKind.EMAIL_QUEUED, position=step.position, now=now,
                detail=message.subject, message=message)  # fmt: skip
    enrollment.last_message = message
    enrollment.save(update_fields=["last_message", "updated_at"])
    return True


def _stop_from_step(enrollment: Enrollment, reason: StopReason, detail: str) -> None:
    stop_enrollment(actor=None, enrollment=enrollment, reason=reason, detail=detail)


def _task_step(enrollment: Enrollment, step: SequenceStep, now: datetime) -> None:
    assignee = (
        enrollment.enrolled_by
        or enrollment.sequence.mailbox.owner
        or enrollment.sequence.created_by
    )
    if assignee is None:
        add_history(enrollment, HistoryKind.TASK_CREATED, position=step.position, now=now,
                    detail="no one to assign the task to")  # fmt: skip
        return
    title = f"{_TASK_TITLES.get(step.task_kind, 'Follow up with')} {enrollment.person.full_name}"
    task = do_create_task(
        actor=None,
        workspace=enrollment.workspace,
        title=title[:200],
        assignee=assignee,
        person=enrollment.person,
        description=step.task_note or f"Step {step.position + 1} of {enrollment.sequence.name}",
        kind=_TASK_KINDS.get(step.task_kind, "todo"),
        due_at=now,
    )
    add_history(enrollment, HistoryKind.TASK_CREATED, position=step.position, now=now,
                detail=f"task #{task.pk}: {task.title}")  # fmt: skip


def _advance(enrollment: Enrollment, steps: list[SequenceStep], now: datetime) -> None:
    enrollment.current_step += 1
    enrollment.save(update_fields=["current_step", "updated_at"])
    if enrollment.current_step >= len(steps):
        complete_enrollment(enrollment, now=now)
    else:
        schedule_current_step(enrollment, steps, now=now)


# Stop rules fed by the event outbox -------------------------------------------------------


def on_event(event: Event) -> None:
    """Stop sequences when the person is hired, advances in a job, unsubscribes or bounces."""
    rule = _RULES.get(event.verb)
    if rule is not None:
        rule(event)


def _person_id(event: Event) -> int | None:
    value = event.data.get("person_id")
    return int(value) if value is not None else None


def _on_hired(event: Event) -> None:
    person_id = _person_id(event)
    if person_id is not None:
        stop_live_enrollments(
            workspace_id=event.workspace_id, person_ids=[person_id], reason=StopReason.HIRED
        )


def _on_stage_changed(event: Event) -> None:
    person_id, data = _person_id(event), event.data
    if person_id is None or not data.get("job_id") or not data.get("from_stage_id"):
        return
    positions = dict(
        Stage.objects.filter(pk__in=[data["from_stage_id"], data["stage_id"]]).values_list(
            "pk", "position"
        )
    )
    if is_advance(
        from_position=positions.get(data["from_stage_id"]),
        to_position=positions.get(data["stage_id"], -1),
    ):
        stop_live_enrollments(
            workspace_id=event.workspace_id, person_ids=[person_id], reason=StopReason.ADVANCED
        )


_SUPPRESSION_STOPS = {
    "unsubscribed": StopReason.UNSUBSCRIBED,
    "complaint": StopReason.UNSUBSCRIBED,
    "hard_bounce": StopReason.BOUNCED,
}


def _on_preferences(event: Event) -> None:
    preference = ContactPreference.objects.filter(pk=event.subject_id).first()
    if preference is None:
        return
    if preference.unsubscribed_all_at or SEQUENCE_TOPIC in (preference.opted_out_topics or []):
        stop_live_enrollments(
            workspace_id=event.workspace_id,
            person_ids=[preference.person_id],
            reason=StopReason.UNSUBSCRIBED,
        )


def _on_suppression(event: Event) -> None:
    if event.subject_type == "contactpreference":  # unsubscribed in the preference centre
        _on_preferences(event)
        return
    suppression = Suppression.objects.filter(pk=event.subject_id).first()
    if suppression is None:
        return
    reason = _SUPPRESSION_STOPS.get(suppression.reason, StopReason.UNSUBSCRIBED)
    stop_live_enrollments(
        workspace_id=event.workspace_id,
        person_ids=people_with_address(event.workspace_id, suppression.address),
        reason=reason,
        detail=suppression.reason.replace("_", " "),
    )


def _on_message_outcome(event: Event) -> None:
    message = Message.objects.filter(pk=event.subject_id).first()
    if message is None or not message.idempotency_key.startswith("enrollment:"):
        return
    enrollment_id = int(message.idempotency_key.split(":")[1])
    enrollment = Enrollment.objects.filter(pk=enrollment_id).first()
    if enrollment is None:
        return
    reason = StopReason.FAILED if event.verb == "message.failed" else StopReason.REFUSED
    stop_enrollment(actor=None, enrollment=enrollment, reason=reason, detail=message.reason)


def _on_consent_withdrawn(event: Event) -> None:
    person_id = _person_id(event)
    if person_id is not None:
        stop_live_enrollments(
            workspace_id=event.workspace_id,
            person_ids=[person_id],
            reason=StopReason.REFUSED,
            detail="lawful basis withdrawn",
        )


_RULES = {
    "candidacy.hired": _on_hired,
    "candidacy.stage_changed": _on_stage_changed,
    "unsubscribe": _on_suppression,
    "suppression.added": _on_suppression,
    "message.failed": _on_message_outcome,
    "message.refused": _on_message_outcome,
    "consent.withdrawn": _on_consent_withdrawn,
    "preferences.updated": _on_preferences,
}


def people_with_address(workspace_id: int, address: str) -> list[int]:
    """Everyone in the workspace who has this email address (primary or not)."""
    address = address.strip().lower()
    primary = Person.objects.filter(workspace_id=workspace_id, primary_email__iexact=address)
    other = ContactPoint.objects.filter(
        workspace_id=workspace_id, kind="email", value__iexact=address
    )
    return sorted(
        set(primary.values_list("pk", flat=True)) | set(other.values_list("person_id", flat=True))
    )
