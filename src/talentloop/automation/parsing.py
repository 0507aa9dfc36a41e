"""Raw data (JSON from the API, YAML from a file) to a Definition and back. Pure.

`parse_definition` checks the shape of everything and collects every problem with its exact
path (`steps[2].then[0].template_id: required`) into one DefinitionError. It does not know
which ids exist; `references.check_references` does that with a catalogue of the workspace.
`definition_to_dict` is the canonical form stored in a version and written to YAML:
parse(to_dict(d)) == d for every definition d.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Callable, Mapping
from typing import Any

from talentloop.automation import cron, fields
from talentloop.automation.domain import (
    CANDIDACY_TRIGGERS,
    DEFAULT_RUNS_PER_HOUR,
    Action,
    ActionKind,
    Assignee,
    AssigneeRule,
    Branch,
    Definition,
    DefinitionError,
    Step,
    Trigger,
    TriggerKind,
    Wait,
    format_duration,
    parse_duration,
)
from talentloop.automation.readers import (
    Invalid,
    read_bool,
    read_days,
    read_hours,
    read_id,
    read_ids,
    read_names,
    read_text,
    read_url,
)
from talentloop.people.domain import TASK_KINDS, InvalidValue, check_time_zone
from talentloop.search.domain import QueryError, parse

MAX_STEPS = 100
MAX_NESTING = 5
Reader = Callable[[Any], Any]


class Problems:
    """Every problem found so far, each with its exact path."""

    def __init__(self) -> None:
        self.items: list[tuple[str, str]] = []

    def add(self, path: str, message: str) -> None:
        self.items.append((path, message))

    def raise_any(self) -> None:
        if self.items:
            raise DefinitionError(self.items)


def _time_zone(value: Any) -> str:
    text = read_text(value, 64)
    try:
        return check_time_zone(text)
    except InvalidValue as error:
        raise Invalid(str(error)) from None


def _cron(value: Any) -> str:
    text = " ".join(read_text(value, 200).split())
    try:
        cron.parse_cron(text)
    except cron.CronError as error:
        raise Invalid(str(error)) from None
    return text


def _choice(allowed: frozenset[str]) -> Reader:
    def read(value: Any) -> str:
        if not isinstance(value, str) or value not in allowed:
            raise Invalid(f"must be one of: {', '.join(sorted(allowed))}")
        return value

    return read


def _required_text(limit: int) -> Reader:
    def read(value: Any) -> str:
        text = read_text(value, limit)
        if not text:
            raise Invalid("required")
        return text

    return read


TRIGGER_READERS: dict[str, Reader] = {
    "fields": lambda value: read_names(value, fields.WATCHED_PERSON_FIELDS, "person field"),
    "tags": lambda value: read_names(value, None, "tag", limit=64),
    "job_ids": read_ids,
    "pool_ids": read_ids,
    "to_stage_ids": read_ids,
    "from_stage_ids": read_ids,
    "reason_ids": read_ids,
    "mailbox_ids": read_ids,
    "segment_id": read_id,
    "cron": _cron,
    "time_zone": _time_zone,
    "date_field": _choice(fields.RELATIVE_DATE_FIELDS),
    "days": read_days,
    "before": read_bool,
    "hours": read_hours,
    "form_ids": read_ids,
}
_JOB_OR_POOL = ("job_ids", "pool_ids")
# The keys each trigger kind takes, and (second) the ones it requires.
TRIGGER_KEYS: dict[TriggerKind, tuple[tuple[str, ...], tuple[str, ...]]] = {
    TriggerKind.PERSON_CREATED: ((), ()),
    TriggerKind.FIELD_CHANGED: (("fields",), ("fields",)),
    TriggerKind.TAG_ADDED: (("tags",), ()),
    TriggerKind.TAG_REMOVED: (("tags",), ()),
    TriggerKind.CANDIDACY_CREATED: (_JOB_OR_POOL, ()),
    TriggerKind.STAGE_CHANGED: ((*_JOB_OR_POOL, "to_stage_ids", "from_stage_ids"), ()),
    TriggerKind.REJECTED: (("job_ids", "pool_ids", "reason_ids"), ()),
    TriggerKind.HIRED: (("job_ids",), ()),
    TriggerKind.REPLY_RECEIVED: (("mailbox_ids",), ()),
    TriggerKind.BOUNCE: (("mailbox_ids",), ()),
    TriggerKind.CONSENT_GIVEN: ((), ()),
    TriggerKind.CONSENT_WITHDRAWN: ((), ()),
    TriggerKind.SEGMENT_ENTERED: (("segment_id",), ("segment_id",)),
    TriggerKind.SEGMENT_LEFT: (("segment_id",), ("segment_id",)),
    TriggerKind.SCHEDULE: (("cron", "time_zone"), ("cron",)),
    TriggerKind.RELATIVE_DATE: (("date_field", "days", "before"), ("date_field", "days")),
    TriggerKind.INACTIVITY: (("days",), ("days",)),
    TriggerKind.OFFER_ACCEPTED: (("job_ids",), ()),
    TriggerKind.INTERVIEW_UPCOMING: (("hours", "job_ids"), ("hours",)),
    TriggerKind.FORM_SUBMITTED: (("form_ids",), ()),
}

ACTION_READERS: dict[str, Reader] = {
    "tag": _required_text(64),
    "title": _required_text(200),
    "description": lambda value: read_text(value, 5000),
    "task_kind": _choice(TASK_KINDS),
    "due_in_days": lambda value: read_days(value, low=0),
    "stage_id": read_id,
    "job_id": read_id,
    "pool_id": read_id,
    "field": _choice(frozenset(fields.UPDATABLE_FIELDS)),
    "sequence_id": read_id,
    "template_id": read_id,
    "mailbox_id": read_id,
    "url": read_url,
    "checklist_id": read_id,
}
# The keys each action takes, and (second) the ones it requires. `assignee` and `value` are
# read by their own functions (nested object; type depends on `field`).
ACTION_KEYS: dict[ActionKind, tuple[tuple[str, ...], tuple[str, ...]]] = {
    ActionKind.ADD_TAG: (("tag",), ("tag",)),
    ActionKind.REMOVE_TAG: (("tag",), ("tag",)),
    ActionKind.CREATE_TASK: (
        ("title", "description", "task_kind", "due_in_days", "assignee"),
        ("title", "assignee"),
    ),
    ActionKind.MOVE_STAGE: (("stage_id", "job_id", "pool_id"), ("stage_id",)),
    ActionKind.ADD_TO_POOL: (("pool_id", "stage_id"), ("pool_id",)),
    ActionKind.UPDATE_FIELD: (("field", "value"), ("field", "value")),
    ActionKind.ENROL_IN_SEQUENCE: (("sequence_id",), ("sequence_id",)),
    ActionKind.REMOVE_FROM_SEQUENCE: (("sequence_id",), ()),
    ActionKind.SEND_EMAIL: (("template_id", "mailbox_id"), ("template_id", "mailbox_id")),
    ActionKind.START_ONBOARDING: (
        ("checklist_id", "template_id", "mailbox_id"),
        ("checklist_id", "template_id", "mailbox_id"),
    ),
    ActionKind.NOTIFY_USER: (
        ("title", "description", "assignee", "mailbox_id"),
        ("title", "assignee"),
    ),
    ActionKind.CALL_WEBHOOK: (("url",), ("url",)),
}
ASSIGNEE_READERS: dict[str, Reader] = {
    "rule": lambda value: AssigneeRule(_choice(frozenset(AssigneeRule))(value)),
    "user_id": read_id,
    "user_ids": lambda value: read_ids(value, limit=50),
    "fallback_user_id": read_id,
}


def _read_keys(
    raw: Mapping[str, Any],
    readers: Mapping[str, Reader],
    allowed: tuple[str, ...],
    required: tuple[str, ...],
    path: str,
    problems: Problems,
) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in raw:
        if name != "kind" and name not in allowed:
            problems.add(f"{path}.{name}", "unknown field")
    for name in allowed:
        if name not in raw:
            if name in required:
                problems.add(f"{path}.{name}", "required")
            continue
        if name not in readers:
            continue
        try:
            values[name] = readers[name](raw[name])
        except Invalid as error:
            problems.add(f"{path}.{name}", str(error))
    return values


def _mapping(value: Any, path: str, problems: Problems) -> Mapping[str, Any] | None:
    if not isinstance(value, Mapping) or not all(isinstance(key, str) for key in value):
        problems.add(path, "must be an object with named fields")
        return None
    return value


def _kind(raw: Mapping[str, Any], choices: type[Any], path: str, problems: Problems) -> Any:
    value = raw.get("kind")
    try:
        return choices(value)
    except ValueError:
        names = ", ".join(member.value for member in choices)
        problems.add(f"{path}.kind", "required" if value is None else f"must be one of: {names}")
        return None


def _condition(value: Any, path: str, problems: Problems) -> str:
    try:
        text = read_text(value, 4000)
        parse(text)
    except Invalid as error:
        problems.add(path, str(error))
        return ""
    except QueryError as error:
        problems.add(path, f"{error.message} (at character {error.position + 1})")
        return ""
    return text


# --- trigger ---------------------------------------------------------------------------------


def _trigger(value: Any, problems: Problems) -> Trigger | None:
    raw = _mapping(value, "trigger", problems)
    if raw is None:
        return None
    kind = _kind(raw, TriggerKind, "trigger", problems)
    if kind is None:
        return None
    allowed, required = TRIGGER_KEYS[kind]
    values = _read_keys(raw, TRIGGER_READERS, allowed, required, "trigger", problems)
    if values.get("before") and values.get("date_field", "") not in fields.FUTURE_DATE_FIELDS:
        future = ", ".join(sorted(fields.FUTURE_DATE_FIELDS))
        problems.add("trigger.before", f"only a date ahead can be counted back from: {future}")
    return Trigger(kind=kind, **values)


# --- steps -----------------------------------------------------------------------------------


class _StepReader:
    def __init__(self, problems: Problems, trigger: Trigger | None) -> None:
        self.problems = problems
        self.trigger = trigger
        self.count = 0

    def steps(self, value: Any, path: str, depth: int) -> tuple[Step, ...]:
        if not isinstance(value, list):
            self.problems.add(path, "must be a list of steps")
            return ()
        found = []
        for index, raw in enumerate(value):
            step = self.step(raw, f"{path}[{index}]", depth)
            if step is not None:
                found.append(step)
        return tuple(found)

    def step(self, value: Any, path: str, depth: int) -> Step | None:
        self.count += 1
        if self.count == MAX_STEPS + 1:
            self.problems.add(path, f"a workflow has at most {MAX_STEPS} steps")
        raw = _mapping(value, path, self.problems)
        if raw is None:
            return None
        kind = raw.get("kind")
        if kind == "wait":
            return self.wait(raw, path)
        if kind == "if":
            return self.branch(raw, path, depth)
        try:
            action_kind = ActionKind(str(kind))
        except ValueError:
            message = "required" if kind is None else f"must be one of: {_STEP_KIND_NAMES}"
            self.problems.add(f"{path}.kind", message)
            return None
        return self.action(raw, action_kind, path)

    def wait(self, raw: Mapping[str, Any], path: str) -> Wait | None:
        for name in raw:
            if name not in ("kind", "duration"):
                self.problems.add(f"{path}.{name}", "unknown field")
        duration = raw.get("duration")
        if duration is None:
            self.problems.add(f"{path}.duration", "required")
            return None
        try:
            return Wait(seconds=parse_duration(read_text(duration, 20)))
        except (Invalid, ValueError) as error:
            self.problems.add(f"{path}.duration", str(error))
            return None

    def branch(self, raw: Mapping[str, Any], path: str, depth: int) -> Branch | None:
        for name in raw:
            if name not in ("kind", "condition", "then", "else"):
                self.problems.add(f"{path}.{name}", "unknown field")
        if depth >= MAX_NESTING:
            self.problems.add(path, f"if steps nest at most {MAX_NESTING} deep")
            return None
        if "condition" not in raw:
            self.problems.add(f"{path}.condition", "required")
        condition = _condition(raw.get("condition", ""), f"{path}.condition", self.problems)
        then = self.steps(raw.get("then", []), f"{path}.then", depth + 1)
        otherwise = self.steps(raw.get("else", []), f"{path}.else", depth + 1)
        if not raw.get("then") and not raw.get("else"):
            self.problems.add(f"{path}.then", "an if step needs steps in then or else")
        return Branch(condition=condition, then=then, otherwise=otherwise)

    def action(self, raw: Mapping[str, Any], kind: ActionKind, path: str) -> Action:
        allowed, required = ACTION_KEYS[kind]
        values = _read_keys(raw, ACTION_READERS, allowed, required, path, self.problems)
        if "assignee" in raw and "assignee" in allowed:
            values["assignee"] = self.assignee(raw["assignee"], f"{path}.assignee")
        if kind is ActionKind.UPDATE_FIELD and "field" in values and "value" in raw:
            values["value"] = self.field_value(values["field"], raw["value"], f"{path}.value")
        if kind is ActionKind.MOVE_STAGE:
            self.check_move_target(values, path)
        return Action(kind=kind, **values)

    def assignee(self, value: Any, path: str) -> Assignee | None:
        raw = _mapping(value, path, self.problems)
        if raw is None:
            return None
        allowed = tuple(ASSIGNEE_READERS)
        values = _read_keys(raw, ASSIGNEE_READERS, allowed, ("rule",), path, self.problems)
        rule = values.get("rule")
        if rule is AssigneeRule.USER and "user_id" not in values:
            self.problems.add(f"{path}.user_id", "required for the user rule")
        if rule is AssigneeRule.ROUND_ROBIN and not values.get("user_ids"):
            self.problems.add(f"{path}.user_ids", "list the users to take turns")
        return Assignee(**values) if rule is not None else None

    def field_value(self, name: str, value: Any, path: str) -> str | bool | None:
        try:
            return fields.check_field_value(name, value)
        except Invalid as error:
            self.problems.add(path, str(error))
            return None

    def check_move_target(self, values: dict[str, Any], path: str) -> None:
        if "job_id" in values and "pool_id" in values:
            self.problems.add(f"{path}.pool_id", "give a job or a pool, not both")
        about_candidacy = self.trigger is not None and self.trigger.kind in CANDIDACY_TRIGGERS
        if not about_candidacy and "job_id" not in values and "pool_id" not in values:
            self.problems.add(
                f"{path}.job_id",
                "name the job or pool whose candidacy moves (the trigger is about a person)",
            )


_STEP_KIND_NAMES = ", ".join([*ActionKind, "wait", "if"])
_TOP_KEYS = frozenset({"trigger", "condition", "steps", "max_runs_per_hour"})


def parse_definition(raw: Any) -> Definition:
    """A Definition from JSON-like data; every shape problem raised at once with its path."""
    problems = Problems()
    document = _mapping(raw, "definition", problems)
    problems.raise_any()
    assert document is not None
    for name in document:
        if name not in _TOP_KEYS:
            problems.add(name, "unknown field")
    trigger = _trigger(document.get("trigger"), problems) if "trigger" in document else None
    if "trigger" not in document:
        problems.add("trigger", "required")
    condition = _condition(document.get("condition", ""), "condition", problems)
    reader = _StepReader(problems, trigger)
    steps = reader.steps(document.get("steps"), "steps", 0)
    if isinstance(document.get("steps"), list) and not document["steps"]:
        problems.add("steps", "a workflow needs at least one step")
    limit = _runs_per_hour(document, problems)
    if trigger is not None and trigger.kind is TriggerKind.SCHEDULE and not condition:
        problems.add("condition", "a scheduled workflow needs a condition naming its people")
    problems.raise_any()
    assert trigger is not None
    return Definition(trigger=trigger, steps=steps, condition=condition, max_runs_per_hour=limit)


def _runs_per_hour(document: Mapping[str, Any], problems: Problems) -> int:
    try:
        return read_days(document.get("max_runs_per_hour", DEFAULT_RUNS_PER_HOUR), high=1000)
    except Invalid as error:
        problems.add("max_runs_per_hour", str(error).replace("days", "runs"))
        return DEFAULT_RUNS_PER_HOUR


# --- back to plain data ------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, Assignee):
        return _keys_to_dict(value, tuple(ASSIGNEE_READERS))
    return value


def _keys_to_dict(record: Any, names: tuple[str, ...]) -> dict[str, Any]:
    defaults = {item.name: item.default for item in dataclasses.fields(record)}
    out: dict[str, Any] = {}
    for name in names:
        value = getattr(record, name)
        if value != defaults[name]:
            out[name] = _plain(value)
    return out


def step_to_dict(step: Step) -> dict[str, Any]:
    """One step in canonical plain form (an if step with its branches)."""
    if isinstance(step, Wait):
        return {"kind": "wait", "duration": format_duration(step.seconds)}
    if isinstance(step, Branch):
        out: dict[str, Any] = {"kind": "if", "condition": step.condition}
        if step.then:
            out["then"] = [step_to_dict(child) for child in step.then]
        if step.otherwise:
            out["else"] = [step_to_dict(child) for child in step.otherwise]
        return out
    return {"kind": step.kind.value, **_keys_to_dict(step, ACTION_KEYS[step.kind][0])}


def definition_to_dict(definition: Definition) -> dict[str, Any]:
    """The canonical plain form: what a version stores and what YAML export writes."""
    trigger = definition.trigger
    out: dict[str, Any] = {
        "trigger": {
            "kind": trigger.kind.value,
            **_keys_to_dict(trigger, TRIGGER_KEYS[trigger.kind][0]),
        }
    }
    if definition.condition:
        out["condition"] = definition.condition
    out["steps"] = [step_to_dict(step) for step in definition.steps]
    if definition.max_runs_per_hour != DEFAULT_RUNS_PER_HOUR:
        out["max_runs_per_hour"] = definition.max_runs_per_hour
    return out
