"""Pure sequence rules: step kinds, enrolment states and their transitions, step validation."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class StepKind(StrEnum):
    EMAIL = "email"
    WAIT = "wait"
    TASK = "task"


class Thread(StrEnum):
    NEW = "new"  # a new thread with the step's own subject
    REPLY = "reply"  # In-Reply-To/References the previous email of the enrolment


class TaskKind(StrEnum):
    CALL = "call"
    LINKEDIN = "linkedin"
    OTHER = "other"


class EnrollmentState(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"
    STOPPED = "stopped"
    COMPLETED = "completed"


class HistoryKind(StrEnum):
    ENROLLED = "enrolled"
    EMAIL_QUEUED = "email_queued"
    REFUSED = "refused"
    WAITED = "waited"
    TASK_CREATED = "task_created"
    PAUSED = "paused"
    RESUMED = "resumed"
    STOPPED = "stopped"
    COMPLETED = "completed"
    REPLY = "reply"
    AUTO_REPLY = "auto_reply"
    BOUNCE = "bounce"


class StopReason(StrEnum):
    REPLIED = "replied"
    BOUNCED = "bounced"
    UNSUBSCRIBED = "unsubscribed"
    HIRED = "hired"
    ADVANCED = "advanced in a job"
    MANUAL = "stopped by hand"
    REFUSED = "refused"
    FAILED = "delivery failed"


def _choices(enum_class: type[StrEnum]) -> list[tuple[str, str]]:
    return [(member.value, member.value.replace("_", " ")) for member in enum_class]


STEP_KIND_CHOICES = _choices(StepKind)
THREAD_CHOICES = _choices(Thread)
TASK_KIND_CHOICES = _choices(TaskKind)
ENROLLMENT_STATE_CHOICES = _choices(EnrollmentState)
HISTORY_KIND_CHOICES = _choices(HistoryKind)
LIVE_STATES = (EnrollmentState.ACTIVE.value, EnrollmentState.PAUSED.value)
# Where an enrolment came from: a page of the app, the REST API, or a workflow's step.
ENROLLMENT_SOURCES = ("profile", "search", "job", "api", "workflow")
ENROLLMENT_SOURCE_CHOICES = [(source, source) for source in ENROLLMENT_SOURCES]
MAX_STEPS = 30
MAX_WAIT_DAYS = 90


@dataclass(frozen=True)
class StepSpec:
    """A step as the builder and the API describe it, before it is stored."""

    kind: StepKind
    template_id: int | None = None
    thread: Thread = Thread.NEW
    wait_days: int = 0
    task_kind: str = ""
    task_note: str = ""


def parse_steps(raw_steps: Sequence[Mapping[str, Any]]) -> tuple[list[StepSpec], dict[str, str]]:
    """Steps from form/JSON input, with errors keyed `steps.N.field` (N counts from 1)."""
    specs: list[StepSpec] = []
    errors: dict[str, str] = {}
    if not raw_steps:
        errors["steps"] = "a sequence needs at least one step"
    if len(raw_steps) > MAX_STEPS:
        errors["steps"] = f"at most {MAX_STEPS} steps"
    for number, raw in enumerate(raw_steps, start=1):
        spec, problems = _parse_step(raw)
        errors.update({f"steps.{number}.{field}": text for field, text in problems.items()})
        if spec is not None:
            specs.append(spec)
    if specs and not errors:
        errors.update(_order_problems(specs))
    return specs, errors


def _parse_step(raw: Mapping[str, Any]) -> tuple[StepSpec | None, dict[str, str]]:
    try:
        kind = StepKind(str(raw.get("kind", "")))
    except ValueError:
        return None, {"kind": "choose email, wait or task"}
    if kind is StepKind.EMAIL:
        return _email_step(raw)
    if kind is StepKind.WAIT:
        return _wait_step(raw)
    return _task_step(raw)


def _email_step(raw: Mapping[str, Any]) -> tuple[StepSpec | None, dict[str, str]]:
    template_id = _int_or_none(raw.get("template_id"))
    if template_id is None:
        return None, {"template_id": "choose a template"}
    try:
        thread = Thread(str(raw.get("thread") or Thread.NEW.value))
    except ValueError:
        return None, {"thread": "choose new or reply"}
    return StepSpec(kind=StepKind.EMAIL, template_id=template_id, thread=thread), {}


def _wait_step(raw: Mapping[str, Any]) -> tuple[StepSpec | None, dict[str, str]]:
    days = _int_or_none(raw.get("wait_days"))
    if days is None or not 1 <= days <= MAX_WAIT_DAYS:
        return None, {"wait_days": f"wait between 1 and {MAX_WAIT_DAYS} business days"}
    return StepSpec(kind=StepKind.WAIT, wait_days=days), {}


def _task_step(raw: Mapping[str, Any]) -> tuple[StepSpec | None, dict[str, str]]:
    try:
        task_kind = TaskKind(str(raw.get("task_kind") or TaskKind.CALL.value))
    except ValueError:
        return None, {"task_kind": "choose call, linkedin or other"}
    note = str(raw.get("task_note") or "").strip()
    if len(note) > 500:
        return None, {"task_note": "at most 500 characters"}
    return StepSpec(kind=StepKind.TASK, task_kind=task_kind.value, task_note=note), {}


def _order_problems(specs: list[StepSpec]) -> dict[str, str]:
    errors: dict[str, str] = {}
    seen_email = False
    for number, spec in enumerate(specs, start=1):
        if spec.kind is StepKind.EMAIL and spec.thread is Thread.REPLY and not seen_email:
            errors[f"steps.{number}.thread"] = "a reply needs an earlier email step"
        seen_email = seen_email or spec.kind is StepKind.EMAIL
    return errors


def _int_or_none(value: Any) -> int | None:
    if value is None or value == "":
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def is_advance(*, from_position: int | None, to_position: int) -> bool:
    """A move to a later stage of a job's pipeline (a person progressing, not sliding back)."""
    return from_position is not None and to_position > from_position


def may_pause(state: str) -> bool:
    return state == EnrollmentState.ACTIVE


def may_resume(state: str) -> bool:
    return state == EnrollmentState.PAUSED


def may_stop(state: str) -> bool:
    return state in LIVE_STATES


def step_key(enrollment_id: int, position: int, generation: int) -> str:
    """The scheduling key of one run of a step; a resume bumps the generation."""
    return f"{key_prefix(enrollment_id)}{position}:{generation}"


def key_prefix(enrollment_id: int) -> str:
    return f"outreach.enrollment:{enrollment_id}:step:"


def message_key(enrollment_id: int, position: int) -> str:
    """The outbox idempotency key of a step's email: enrolment + step, never sent twice."""
    return f"enrollment:{enrollment_id}:step:{position}"
