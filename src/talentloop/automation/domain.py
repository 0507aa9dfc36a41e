"""Workflow definitions and the rules that run them. Pure: no ORM, no clock, no network.

A definition is a trigger, an optional condition (text in the search query language) and a
tree of steps: actions, waits and if/else branches. Every step has a path such as
`steps[2].then[0]`; paths name steps in runs, in idempotency keys and in validation errors.
Parsing raw data into a definition lives in `parsing`, reference checks in `references`.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from talentloop.accounts.domain import Role
from talentloop.core.errors import ValidationFailed

CONDITION_PATH = "condition"
DEFAULT_RUNS_PER_HOUR = 10
MAX_DEPTH = 5


class TriggerKind(enum.StrEnum):
    PERSON_CREATED = "person_created"
    FIELD_CHANGED = "field_changed"
    TAG_ADDED = "tag_added"
    TAG_REMOVED = "tag_removed"
    CANDIDACY_CREATED = "candidacy_created"
    STAGE_CHANGED = "stage_changed"
    REJECTED = "rejected"
    HIRED = "hired"
    REPLY_RECEIVED = "reply_received"
    BOUNCE = "bounce"
    CONSENT_GIVEN = "consent_given"
    CONSENT_WITHDRAWN = "consent_withdrawn"
    SEGMENT_ENTERED = "segment_entered"
    SEGMENT_LEFT = "segment_left"
    SCHEDULE = "schedule"
    RELATIVE_DATE = "relative_date"
    INACTIVITY = "inactivity"
    OFFER_ACCEPTED = "offer_accepted"
    INTERVIEW_UPCOMING = "interview_upcoming"
    FORM_SUBMITTED = "form_submitted"


# Triggers evaluated by the periodic scan instead of by events.
TIME_TRIGGERS = frozenset(
    {
        TriggerKind.SCHEDULE,
        TriggerKind.RELATIVE_DATE,
        TriggerKind.INACTIVITY,
        TriggerKind.INTERVIEW_UPCOMING,
    }
)
# Triggers whose subject is a candidacy rather than the person.
CANDIDACY_TRIGGERS = frozenset(
    {
        TriggerKind.CANDIDACY_CREATED,
        TriggerKind.STAGE_CHANGED,
        TriggerKind.REJECTED,
        TriggerKind.HIRED,
        TriggerKind.OFFER_ACCEPTED,
        TriggerKind.INTERVIEW_UPCOMING,
    }
)


class ActionKind(enum.StrEnum):
    ADD_TAG = "add_tag"
    REMOVE_TAG = "remove_tag"
    CREATE_TASK = "create_task"
    MOVE_STAGE = "move_stage"
    ADD_TO_POOL = "add_to_pool"
    UPDATE_FIELD = "update_field"
    ENROL_IN_SEQUENCE = "enrol_in_sequence"
    REMOVE_FROM_SEQUENCE = "remove_from_sequence"
    SEND_EMAIL = "send_email"
    NOTIFY_USER = "notify_user"
    CALL_WEBHOOK = "call_webhook"
    START_ONBOARDING = "start_onboarding"


class AssigneeRule(enum.StrEnum):
    OWNER = "owner"
    JOB_RECRUITER = "job_recruiter"
    ROUND_ROBIN = "round_robin"
    USER = "user"


class RunState(enum.StrEnum):
    RUNNING = "running"
    WAITING = "waiting"
    DONE = "done"
    FAILED = "failed"
    SKIPPED = "skipped"


LIVE_RUN_STATES = frozenset({RunState.RUNNING, RunState.WAITING})


class DefinitionError(ValidationFailed):
    """A definition refused; `fields` maps each exact path (`steps[2].template_id`) to why."""

    code = "invalid_workflow"

    def __init__(self, problems: Sequence[tuple[str, str]]) -> None:
        first_path, first_message = problems[0]
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        fields: dict[str, str] = {}
        for path, message in problems:
            fields.setdefault(path, message)
        super().__init__(f"{first_path}: {first_message}{more}", fields=fields)
        self.problems = list(problems)


# --- the definition -------------------------------------------------------------------------


@dataclass(frozen=True)
class Trigger:
    """What starts a run; only the keys of its kind are set (see parsing.TRIGGER_KEYS)."""

    kind: TriggerKind
    fields: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    job_ids: tuple[int, ...] = ()
    pool_ids: tuple[int, ...] = ()
    to_stage_ids: tuple[int, ...] = ()
    from_stage_ids: tuple[int, ...] = ()
    reason_ids: tuple[int, ...] = ()
    mailbox_ids: tuple[int, ...] = ()
    segment_id: int | None = None
    cron: str = ""
    time_zone: str = ""
    date_field: str = ""
    days: int = 0
    before: bool = False  # relative_date: `days` days before the date instead of after
    hours: int = 0  # interview_upcoming: this many hours before the interview starts
    form_ids: tuple[int, ...] = ()  # form_submitted: these forms only (none: any form)


@dataclass(frozen=True)
class Assignee:
    """Who gets a task or a notification."""

    rule: AssigneeRule
    user_id: int | None = None
    user_ids: tuple[int, ...] = ()
    fallback_user_id: int | None = None


@dataclass(frozen=True)
class Action:
    """One side effect; only the keys of its kind are set (see parsing.ACTION_KEYS)."""

    kind: ActionKind
    tag: str = ""
    title: str = ""
    description: str = ""
    task_kind: str = ""
    due_in_days: int = 0
    assignee: Assignee | None = None
    stage_id: int | None = None
    job_id: int | None = None
    pool_id: int | None = None
    field: str = ""
    value: str | bool | None = None
    sequence_id: int | None = None
    template_id: int | None = None
    mailbox_id: int | None = None
    url: str = ""
    checklist_id: int | None = None


@dataclass(frozen=True)
class Wait:
    seconds: int


@dataclass(frozen=True)
class Branch:
    """`if`: run `then` when the condition holds for the subject, else `otherwise`."""

    condition: str
    then: tuple[Step, ...] = ()
    otherwise: tuple[Step, ...] = ()


Step = Action | Wait | Branch


@dataclass(frozen=True)
class Definition:
    trigger: Trigger
    steps: tuple[Step, ...]
    condition: str = ""
    max_runs_per_hour: int = DEFAULT_RUNS_PER_HOUR


# --- paths ------------------------------------------------------------------------------------

PathParts = tuple[tuple[str, int], ...]
_PART = re.compile(r"(steps|then|else)\[(\d{1,4})\]")


def path_text(parts: PathParts) -> str:
    """`(("steps", 2), ("then", 0))` as `steps[2].then[0]`."""
    return ".".join(f"{name}[{index}]" for name, index in parts)


def parse_path(text: str) -> PathParts:
    """The parts of a step path; ValueError when it is not one."""
    pieces = text.split(".")
    parts: list[tuple[str, int]] = []
    for position, piece in enumerate(pieces):
        match = _PART.fullmatch(piece)
        if match is None or (position == 0) != (match.group(1) == "steps"):
            raise ValueError(f"not a step path: {text!r}")
        parts.append((match.group(1), int(match.group(2))))
    return tuple(parts)


def _children(step: Step, name: str) -> tuple[Step, ...]:
    if not isinstance(step, Branch):
        raise ValueError(f"only if steps have '{name}' steps")
    return step.then if name == "then" else step.otherwise


def _list_at(definition: Definition, parent: PathParts, name: str) -> tuple[Step, ...]:
    if not parent:
        return definition.steps
    return _children(_step_at_parts(definition, parent), name)


def _step_at_parts(definition: Definition, parts: PathParts) -> Step:
    steps = definition.steps
    step: Step | None = None
    for name, index in parts:
        if step is not None:
            steps = _children(step, name)
        if index >= len(steps):
            raise ValueError(f"no step at {path_text(parts)}")
        step = steps[index]
    if step is None:
        raise ValueError("empty path")
    return step


def step_at(definition: Definition, path: str) -> Step:
    """The step a path names; ValueError when the definition has none there."""
    return _step_at_parts(definition, parse_path(path))


def first_path(definition: Definition, *, condition_checked: bool = False) -> str | None:
    """Where a run starts: its condition, else its first step."""
    if definition.condition and not condition_checked:
        return CONDITION_PATH
    return "steps[0]" if definition.steps else None


def next_path(definition: Definition, path: str, branch: str | None = None) -> str | None:
    """The step after `path`; `branch` ("then"/"else") enters an if step's chosen branch."""
    if path == CONDITION_PATH:
        return first_path(definition, condition_checked=True)
    parts = parse_path(path)
    step = _step_at_parts(definition, parts)
    if isinstance(step, Branch) and branch in ("then", "else") and _children(step, branch):
        return path_text((*parts, (branch, 0)))
    return _following(definition, parts)


def _following(definition: Definition, parts: PathParts) -> str | None:
    while parts:
        *parent, (name, index) = parts
        siblings = _list_at(definition, tuple(parent), name)
        if index + 1 < len(siblings):
            return path_text((*parent, (name, index + 1)))
        parts = tuple(parent)  # that branch is over: carry on after its if step
    return None


def walk(
    steps: Sequence[Step], prefix: PathParts = (), name: str = "steps"
) -> Iterator[tuple[str, Step]]:
    """Every step with its path, depth first, in the order a run meets them."""
    for index, step in enumerate(steps):
        parts = (*prefix, (name, index))
        yield path_text(parts), step
        if isinstance(step, Branch):
            yield from walk(step.then, parts, "then")
            yield from walk(step.otherwise, parts, "else")


# --- triggers ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class TriggerFact:
    """What one event says, in the terms triggers filter on."""

    kind: TriggerKind
    person_id: int
    subject_type: str
    subject_id: int
    changed_fields: frozenset[str] = frozenset()
    tag_keys: frozenset[str] = frozenset()
    job_id: int | None = None
    pool_id: int | None = None
    stage_id: int | None = None
    from_stage_id: int | None = None
    reason_id: int | None = None
    mailbox_id: int | None = None
    segment_id: int | None = None
    form_id: int | None = None


def tag_key(name: str) -> str:
    """Tag names compare regardless of case and spacing (as in people.domain)."""
    return " ".join(name.casefold().split())


def _one_of(allowed: tuple[int, ...], value: int | None) -> bool:
    return not allowed or value in allowed


def trigger_matches(trigger: Trigger, fact: TriggerFact) -> bool:
    """True when the event behind `fact` is one this trigger starts a run for."""
    if trigger.kind != fact.kind:
        return False
    wanted_tags = {tag_key(name) for name in trigger.tags}
    return all(
        (
            not trigger.fields or bool(set(trigger.fields) & fact.changed_fields),
            not wanted_tags or bool(wanted_tags & fact.tag_keys),
            _one_of(trigger.job_ids, fact.job_id),
            _one_of(trigger.pool_ids, fact.pool_id),
            _one_of(trigger.to_stage_ids, fact.stage_id),
            _one_of(trigger.from_stage_ids, fact.from_stage_id),
            _one_of(trigger.reason_ids, fact.reason_id),
            _one_of(trigger.mailbox_ids, fact.mailbox_id),
            trigger.segment_id is None or trigger.segment_id == fact.segment_id,
            _one_of(trigger.form_ids, fact.form_id),
        )
    )


# --- guards, roles, text ----------------------------------------------------------------------


def guard_refusal(
    *, depth: int, max_depth: int, recent_runs: int, max_runs_per_hour: int
) -> str | None:
    """Why a run must not start (loop guard), or None when it may."""
    if depth > max_depth:
        return (
            f"loop guard: this run would be {depth} automation steps deep (the limit is "
            f"{max_depth}); workflows are triggering each other"
        )
    if recent_runs >= max_runs_per_hour:
        return (
            f"rate limit: this workflow already ran {recent_runs} times for this person in "
            f"the last hour (the limit is {max_runs_per_hour})"
        )
    return None


def can_manage_workflows(role: Role) -> bool:
    """Admins and recruiters build and run workflows."""
    return role in {Role.ADMIN, Role.RECRUITER}


def can_read_workflows(role: Role) -> bool:
    """Hiring managers do not see workflows: runs name people outside their jobs."""
    return role is not Role.HIRING_MANAGER


_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


def fill_placeholders(text: str, values: Mapping[str, str]) -> str:
    """Replace `{person}`-style names known in `values`; anything else stays as typed."""
    return _PLACEHOLDER.sub(lambda match: values.get(match.group(1), match.group(0)), text)


_UNITS = {"w": 7 * 86400, "d": 86400, "h": 3600, "m": 60}
_DURATION = re.compile(r"^\s*(\d{1,6})\s*([wdhm])\s*$")
MAX_WAIT_SECONDS = 365 * 86400


def parse_duration(text: str) -> int:
    """`14d`, `2h`, `30m`, `3w` in seconds; ValueError for anything else or out of range."""
    match = _DURATION.match(text)
    if match is None:
        raise ValueError("write a number and a unit: 30m, 2h, 14d or 3w")
    seconds = int(match.group(1)) * _UNITS[match.group(2)]
    if not 60 <= seconds <= MAX_WAIT_SECONDS:
        raise ValueError("wait between 1 minute and 365 days")
    return seconds


def format_duration(seconds: int) -> str:
    """The shortest spelling of a duration: 1209600 → `2w`."""
    for unit, size in _UNITS.items():
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds // 60}m"
