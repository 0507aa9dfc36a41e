"""A workflow in words: its trigger ("A candidacy is rejected in Backend engineer") and each
step ("Send “Hello” from Talent team"), for the list, the detail page's flow and the runs. Pure.

`names` maps an option source (`jobs`, `templates` …) to {id as text: label}; without it, ids
are counted instead of named ("in 2 jobs"), so the list page needs no extra query.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from talentloop.ui.workflow_fields import (
    ASSIGNEE_LABELS,
    DATE_FIELD_LABELS,
    STEP_LABELS,
    TRIGGER_LABELS,
)

Names = Mapping[str, Mapping[str, str]]
Raw = Mapping[str, Any]


def _name(names: Names, source: str, value: Any, what: str) -> str:
    found = names.get(source, {}).get(str(value))
    return f"“{found}”" if found else f"{what} {value}"


def _named(names: Names, source: str, ids: list[Any], what: str) -> str:
    if source in names:
        labels = [names[source].get(str(value), f"#{value}") for value in ids]
        return ", ".join(labels)
    return f"{len(ids)} {what}{'' if len(ids) == 1 else 's'}"


def trigger_words(trigger: Raw, names: Names | None = None) -> str:
    """The trigger as a sentence."""
    names = names or {}
    kind = str(trigger.get("kind", ""))
    if kind in ("relative_date", "inactivity"):
        return _timing(kind, trigger)
    words = [TRIGGER_LABELS.get(kind, kind)]
    if trigger.get("fields"):
        words.append(": " + ", ".join(trigger["fields"]))
    if trigger.get("tags"):
        words.append(": " + ", ".join(trigger["tags"]))
    for key, source, joint, what in _FILTERS:
        if trigger.get(key):
            words.append(f" {joint} {_named(names, source, list(trigger[key]), what)}")
    if trigger.get("segment_id"):
        words.append(" " + _name(names, "segments", trigger["segment_id"], "segment"))
    words.append(_timing(kind, trigger))
    return "".join(words)


_DATE_PHRASES = {
    "last_engaged_at": "they were last engaged",
    "created_at": "they were added",
    "consent_expires_at": "their consent expires",
}
_FILTERS = (
    ("job_ids", "jobs", "in", "job"),
    ("pool_ids", "pools", "in", "pool"),
    ("from_stage_ids", "stages", "from", "stage"),
    ("to_stage_ids", "stages", "to", "stage"),
    ("reason_ids", "reasons", "for", "reason"),
    ("mailbox_ids", "mailboxes", "to", "mailbox"),
)


def _timing(kind: str, trigger: Raw) -> str:
    days = trigger.get("days")
    if kind == "schedule":
        return f": {trigger.get('cron', '')} ({trigger.get('time_zone') or 'UTC'})"
    if kind == "relative_date":
        field = str(trigger.get("date_field"))
        date = _DATE_PHRASES.get(field, DATE_FIELD_LABELS.get(field, field))
        return f"{days} days {'before' if trigger.get('before') else 'after'} {date}"
    if kind == "inactivity":
        return f"No activity for {days} days"
    return ""


_UNIT_WORDS = {"m": "minute", "h": "hour", "d": "day", "w": "week"}


def duration_words(text: str) -> str:
    """`14d` as `14 days`, `1h` as `1 hour`; anything else as written."""
    number, unit = text[:-1], text[-1:]
    if not number.isdigit() or unit not in _UNIT_WORDS:
        return text
    return f"{number} {_UNIT_WORDS[unit]}{'' if number == '1' else 's'}"


def _assignee(raw: Raw | None, names: Names) -> str:
    if not raw:
        return "nobody"
    rule = str(raw.get("rule", ""))
    if rule == "user":
        return _name(names, "users", raw.get("user_id"), "user")
    if rule == "round_robin":
        return f"{_named(names, 'users', list(raw.get('user_ids', [])), 'teammate')} in turn"
    return ASSIGNEE_LABELS.get(rule, rule).lower()


def step_words(step: Raw, names: Names | None = None) -> str:
    """One step as a short sentence."""
    names = names or {}
    kind = str(step.get("kind", ""))
    describe = _DESCRIBE.get(kind)
    return describe(step, names) if describe else STEP_LABELS.get(kind, kind)


def _email(step: Raw, names: Names) -> str:
    template = _name(names, "templates", step.get("template_id"), "template")
    mailbox = _name(names, "mailboxes", step.get("mailbox_id"), "mailbox")
    return f"Send {template} from {mailbox}"


def _move(step: Raw, names: Names) -> str:
    stage = _name(names, "stages", step.get("stage_id"), "stage")
    if step.get("job_id"):
        return f"Move to {stage} in {_name(names, 'jobs', step['job_id'], 'job')}"
    if step.get("pool_id"):
        return f"Move to {stage} in {_name(names, 'pools', step['pool_id'], 'pool')}"
    return f"Move the candidacy to {stage}"


def _pool(step: Raw, names: Names) -> str:
    where = _name(names, "pools", step.get("pool_id"), "pool")
    if step.get("stage_id"):
        return f"Add to {where} at {_name(names, 'stages', step['stage_id'], 'stage')}"
    return f"Add to {where}"


def _enrol(step: Raw, names: Names) -> str:
    return f"Enrol in {_name(names, 'sequences', step.get('sequence_id'), 'sequence')}"


def _unenrol(step: Raw, names: Names) -> str:
    if not step.get("sequence_id"):
        return "Remove from every sequence"
    return f"Remove from {_name(names, 'sequences', step['sequence_id'], 'sequence')}"


def _task(step: Raw, names: Names) -> str:
    return f"Task “{step.get('title', '')}” for {_assignee(step.get('assignee'), names)}"


def _notify(step: Raw, names: Names) -> str:
    return f"Notify {_assignee(step.get('assignee'), names)}: “{step.get('title', '')}”"


def _update(step: Raw, names: Names) -> str:
    value = step.get("value")
    shown = ("yes" if value else "no") if isinstance(value, bool) else value
    return f"Set {str(step.get('field', '')).replace('_', ' ')} to “{shown}”"


_DESCRIBE: dict[str, Callable[[Raw, Names], str]] = {
    "send_email": _email,
    "enrol_in_sequence": _enrol,
    "remove_from_sequence": _unenrol,
    "create_task": _task,
    "notify_user": _notify,
    "add_tag": lambda step, names: f"Add the tag “{step.get('tag', '')}”",
    "remove_tag": lambda step, names: f"Remove the tag “{step.get('tag', '')}”",
    "move_stage": _move,
    "add_to_pool": _pool,
    "update_field": _update,
    "call_webhook": lambda step, names: f"POST to {step.get('url', '')}",
    "wait": lambda step, names: f"Wait {duration_words(str(step.get('duration', '')))}",
    "if": lambda step, names: f"If {step.get('condition', '')}",
}


@dataclass
class FlowNode:
    """One step of the read-only flow diagram."""

    path: str
    kind: str
    label: str
    words: str
    then: list[FlowNode] = field(default_factory=list)
    otherwise: list[FlowNode] = field(default_factory=list)

    @property
    def is_branch(self) -> bool:
        return self.kind == "if"


def flow(
    steps: list[Raw], names: Names | None = None, prefix: str = "", name: str = "steps"
) -> list[FlowNode]:
    """The steps of a definition as nodes to draw, each with its path and its sentence."""
    nodes = []
    for index, step in enumerate(steps):
        path = f"{prefix}.{name}[{index}]" if prefix else f"{name}[{index}]"
        kind = str(step.get("kind", ""))
        said = str(step.get("condition", "")) if kind == "if" else step_words(step, names)
        node = FlowNode(path, kind, STEP_LABELS.get(kind, kind), said)
        if kind == "if":
            node.then = flow(list(step.get("then", [])), names, path, "then")
            node.otherwise = flow(list(step.get("else", [])), names, path, "else")
        nodes.append(node)
    return nodes
