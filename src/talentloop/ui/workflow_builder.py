"""The workflow builder's form: posted fields to a definition, and its edits. Pure.

Every input is named by the engine's own path (`trigger.job_ids`, `steps[2].then[0].template_id`,
`steps[0].assignee.rule`), so a validation error from the engine lands next to the input with
the same name. The builder's state is the raw definition (the dict the API takes), plus the
workflow's name and description; buttons post `do=add:<list>|remove:<step>|up:<step>|down:<step>`
to edit it and `do=save` to hand it to the engine. `workflow_binding` draws it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from copy import deepcopy
from dataclasses import dataclass, field
from typing import Any

from django.http import QueryDict

from talentloop.automation.domain import ActionKind, TriggerKind, parse_path, path_text
from talentloop.automation.parsing import ACTION_KEYS, TRIGGER_KEYS

Raw = dict[str, Any]
_STEP_FIELD = re.compile(
    r"^(steps\[\d{1,4}\](?:\.(?:then|else)\[\d{1,4}\])*)\.([a-z_]+(?:\.[a-z_]+)?)$"
)
_LIST = re.compile(r"^(?:(steps\[\d{1,4}\](?:\.(?:then|else)\[\d{1,4}\])*)\.(then|else)|steps)$")
ID_FIELDS = frozenset(
    {"template_id", "mailbox_id", "sequence_id", "pool_id", "job_id", "stage_id", "segment_id",
     "user_id", "fallback_user_id"}
)  # fmt: skip
ID_LISTS = frozenset(
    {"job_ids", "pool_ids", "to_stage_ids", "from_stage_ids", "reason_ids", "mailbox_ids",
     "user_ids", "form_ids"}
)  # fmt: skip
NUMBERS = frozenset({"due_in_days", "days", "max_runs_per_hour"})
# Why sets of values: `"x" in SomeEnum` raises TypeError on Python 3.11.
TRIGGER_KINDS = frozenset(kind.value for kind in TriggerKind)
ACTION_KINDS = frozenset(kind.value for kind in ActionKind)
YES = frozenset({"yes", "true", "on", "1"})
NO = frozenset({"no", "false", "off", "0"})


@dataclass
class State:
    """What the builder shows: the workflow's header and its raw definition."""

    name: str = ""
    description: str = ""
    enabled: bool = False
    definition: Raw = field(default_factory=lambda: {"trigger": {"kind": "tag_added"}, "steps": []})
    focus: str = ""  # the path of the step an edit added or moved, to bring into view


# --- reading the form ----------------------------------------------------------------------------


def _number(text: str) -> int | str:
    return int(text) if re.fullmatch(r"-?\d{1,9}", text) else text


def _ids(values: list[str]) -> list[int | str]:
    return [int(value) if value.isdigit() else value for value in values if value.strip()]


def _value(name: str, post: QueryDict, key: str) -> Any:
    """The posted value of one field, typed the way the engine reads it; None when empty."""
    if name in ID_LISTS or name == "fields":
        found = _ids(post.getlist(key)) if name in ID_LISTS else post.getlist(key)
        return found or None
    text = str(post.get(key, "")).strip()
    if name == "before":
        return True if text.lower() in YES else None
    if not text:
        return None
    if name == "tags":
        return [tag.strip() for tag in text.split(",") if tag.strip()]
    if name in ID_FIELDS:
        return int(text) if text.isdigit() else text
    if name in NUMBERS:
        return _number(text)
    return text


def _trigger(post: QueryDict) -> Raw:
    kind = str(post.get("trigger.kind", "")).strip()
    trigger: Raw = {"kind": kind} if kind else {}
    allowed = TRIGGER_KEYS[TriggerKind(kind)][0] if kind in TRIGGER_KINDS else ()
    for name in allowed:
        value = _value(name, post, f"trigger.{name}")
        if value is not None:
            trigger[name] = value
    return trigger


def _step_keys(post: QueryDict) -> dict[str, dict[str, str]]:
    """Posted step fields: step path → {field: input name}."""
    found: dict[str, dict[str, str]] = {}
    for key in post:
        match = _STEP_FIELD.match(key)
        if match:
            found.setdefault(match.group(1), {})[match.group(2)] = key
    return found


def _assignee(post: QueryDict, names: Mapping[str, str]) -> Raw | None:
    rule = _value("rule", post, names["assignee.rule"]) if "assignee.rule" in names else None
    if rule is None:
        return None
    wanted = {"user": ("user_id",), "round_robin": ("user_ids",)}.get(str(rule), ())
    assignee: Raw = {"rule": rule}
    for name in (*wanted, "fallback_user_id"):
        value = _value(name, post, names.get(f"assignee.{name}", ""))
        if value is not None:
            assignee[name] = value
    return assignee


def _action_value(post: QueryDict, names: Mapping[str, str], name: str, step: Raw) -> Any:
    if name == "assignee":
        return _assignee(post, names)
    value = _value(name, post, names.get(name, ""))
    if name == "value" and step.get("field") == "do_not_contact" and isinstance(value, str):
        lowered = value.lower()
        return True if lowered in YES else False if lowered in NO else value
    return value


def _step(post: QueryDict, names: Mapping[str, str]) -> Raw:
    kind = str(post.get(names.get("kind", ""), "")).strip()
    step: Raw = {"kind": kind}
    if kind == "wait":
        allowed: tuple[str, ...] = ("duration",)
    elif kind == "if":
        allowed = ("condition",)
    elif kind in ACTION_KINDS:
        allowed = ACTION_KEYS[ActionKind(kind)][0]
    else:
        allowed = ()
    for name in allowed:
        value = _action_value(post, names, name, step)
        if value is not None:
            step[name] = value
    if kind == "if":
        step.setdefault("condition", "")
        step["then"], step["else"] = [], []
    return step


def _tree(post: QueryDict) -> list[Raw]:
    """The posted steps as nested lists, in the order of their indices."""
    top: dict[int, tuple[Raw, dict[str, dict[int, Any]]]] = {}
    for path, names in sorted(_step_keys(post).items(), key=lambda item: parse_path(item[0])):
        container: dict[int, Any] = top
        parts = parse_path(path)
        for position, (_, index) in enumerate(parts):
            if position == len(parts) - 1:
                container.setdefault(index, (_step(post, names), {"then": {}, "else": {}}))
            elif index in container:
                container = container[index][1][parts[position + 1][0]]
            else:
                break  # a child whose parent was not posted: dropped
    return _lists(top)


def _lists(container: dict[int, tuple[Raw, dict[str, dict[int, Any]]]]) -> list[Raw]:
    steps = []
    for index in sorted(container):
        step, children = container[index]
        if step.get("kind") == "if":
            step["then"] = _lists(children["then"])
            step["else"] = _lists(children["else"])
        steps.append(step)
    return steps


def read_post(post: QueryDict) -> State:
    """The builder's state from its posted form."""
    definition: Raw = {"trigger": _trigger(post), "steps": _tree(post)}
    condition = str(post.get("condition", "")).strip()
    if condition:
        definition["condition"] = condition
    limit = str(post.get("max_runs_per_hour", "")).strip()
    if limit:
        definition["max_runs_per_hour"] = _number(limit)
    return State(
        name=str(post.get("name", "")),
        description=str(post.get("description", "")),
        enabled=str(post.get("enabled", "")).lower() in YES,
        definition=definition,
    )


def for_engine(definition: Raw) -> Raw:
    """The definition as the engine takes it: empty branches left out."""
    cleaned = deepcopy(definition)

    def clean(steps: list[Raw]) -> None:
        for step in steps:
            for branch in ("then", "else"):
                if branch in step:
                    clean(step[branch])
                    if not step[branch]:
                        del step[branch]

    clean(cleaned.get("steps", []))
    return cleaned


# --- editing -------------------------------------------------------------------------------------


def _list_at(definition: Raw, list_path: str) -> list[Raw] | None:
    match = _LIST.match(list_path)
    if match is None:
        return None
    if match.group(1) is None:
        steps: list[Raw] = definition.setdefault("steps", [])
        return steps
    parent = _step_at(definition, match.group(1))
    if parent is None or parent.get("kind") != "if":
        return None
    branch: list[Raw] = parent.setdefault(match.group(2), [])
    return branch


def _step_at(definition: Raw, path: str) -> Raw | None:
    try:
        parts = parse_path(path)
    except ValueError:
        return None
    steps: list[Raw] = definition.get("steps", [])
    step: Raw | None = None
    for name, index in parts:
        if step is not None:
            steps = step.get(name, [])
        if index >= len(steps):
            return None
        step = steps[index]
    return step


def _siblings(definition: Raw, path: str) -> tuple[list[Raw], int] | None:
    try:
        parts = parse_path(path)
    except ValueError:
        return None
    *parent, (name, index) = parts
    list_path = f"{path_text(tuple(parent))}.{name}" if parent else "steps"
    steps = _list_at(definition, list_path)
    if steps is None or index >= len(steps):
        return None
    return steps, index


def new_step(kind: str) -> Raw | None:
    """A fresh step of `kind` (None for an unknown kind)."""
    if kind == "wait":
        return {"kind": "wait", "duration": "1d"}
    if kind == "if":
        return {"kind": "if", "condition": "", "then": [], "else": []}
    if kind == "create_task":
        return {"kind": kind, "assignee": {"rule": "owner"}}
    if kind == "notify_user":
        return {"kind": kind, "assignee": {"rule": "job_recruiter"}}
    return {"kind": kind} if kind in ACTION_KINDS else None


def apply(state: State, command: str, post: QueryDict) -> State:
    """`add:<list>` (kind from `new:<list>`), `remove:<step>`, `up:<step>`, `down:<step>`."""
    verb, _, target = command.partition(":")
    definition = deepcopy(state.definition)
    focus = ""
    if verb == "add":
        steps, step = _list_at(definition, target), new_step(str(post.get(f"new:{target}", "")))
        if steps is not None and step is not None:
            steps.append(step)
            focus = _sibling_path(target, len(steps) - 1)
    elif verb in ("remove", "up", "down"):
        found = _siblings(definition, target)
        if found is not None:
            focus = _move(*found, verb, target)
    return State(state.name, state.description, state.enabled, definition, focus)


def _sibling_path(list_path: str, index: int) -> str:
    return f"{list_path}[{index}]"


def _move(steps: list[Raw], index: int, verb: str, path: str) -> str:
    list_path = path.rsplit("[", 1)[0]
    if verb == "remove":
        del steps[index]
        return _sibling_path(list_path, index - 1) if index else ""
    other = index - 1 if verb == "up" else index + 1
    if 0 <= other < len(steps):
        steps[index], steps[other] = steps[other], steps[index]
        return _sibling_path(list_path, other)
    return path
