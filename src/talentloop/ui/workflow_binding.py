"""The builder drawn: each input bound to its value, its options and the engine's error. Pure.

`build` turns the builder's state (workflow_builder.State) into what `ui/workflows/_builder.html`
draws: the header inputs, the trigger's inputs, the condition, and a tree of step nodes, each
input carrying the error the engine gave for its exact path (`steps[2].then[0].template_id`).
Errors about a step itself, or about a key no input shows, go on the step's card.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from talentloop.automation.domain import ActionKind, TriggerKind
from talentloop.automation.parsing import ACTION_KEYS, TRIGGER_KEYS
from talentloop.automation.queries import Option
from talentloop.ui import workflow_fields as specs
from talentloop.ui.workflow_builder import ACTION_KINDS, TRIGGER_KINDS, Raw, State
from talentloop.ui.workflow_fields import FieldSpec, Widget


@dataclass(frozen=True)
class BoundField:
    name: str  # the input's name: the engine's path of the value
    dom_id: str
    label: str
    widget: Widget
    value: str = ""
    selected: frozenset[str] = frozenset()
    options: tuple[Option, ...] = ()
    grouped: bool = False
    required: bool = False
    help: str = ""
    error: str = ""
    placeholder: str = ""
    css: str = ""


@dataclass
class StepNode:
    path: str
    kind: str
    label: str
    fields: list[BoundField]
    errors: list[str]
    then: list[StepNode] = field(default_factory=list)
    otherwise: list[StepNode] = field(default_factory=list)
    first: bool = False
    last: bool = False

    @property
    def is_branch(self) -> bool:
        return self.kind == "if"

    @property
    def then_path(self) -> str:
        return f"{self.path}.then"

    @property
    def else_path(self) -> str:
        return f"{self.path}.else"

    @property
    def has_error(self) -> bool:
        return bool(self.errors) or any(item.error for item in self.fields)


def dom_id(name: str) -> str:
    return "f-" + re.sub(r"[^a-zA-Z0-9_]+", "-", name).strip("-")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


def _selected(value: Any) -> frozenset[str]:
    if isinstance(value, list):
        return frozenset(str(item) for item in value)
    return frozenset({_text(value)}) if value not in (None, "") else frozenset()


class Binder:
    """Binds field specs to values, options and the engine's errors (path → message)."""

    def __init__(self, options: Mapping[str, tuple[Option, ...]], errors: Mapping[str, str]):
        self.options = options
        self.errors = dict(errors)
        self.used: set[str] = set()

    def error(self, key: str) -> str:
        message = self.errors.get(key, "")
        if message:
            self.used.add(key)
        return message[:1].upper() + message[1:]

    def bind(self, prefix: str, spec: FieldSpec, value: Any, *, required: bool) -> BoundField:
        name = f"{prefix}.{spec.name}" if prefix else spec.name
        return BoundField(
            name=name,
            dom_id=dom_id(name),
            label=spec.label,
            widget=spec.widget,
            value=_text(value),
            selected=_selected(value),
            options=self.options.get(spec.source, ()) if spec.source else (),
            grouped=spec.grouped,
            required=required,
            help=spec.help,
            error=self.error(name),
            placeholder=spec.placeholder,
            css=spec.css,
        )

    def leftovers(self, prefix: str, exact: tuple[str, ...] = ()) -> list[str]:
        """Errors about `prefix` itself or its fields not drawn as inputs."""
        found = []
        for key, message in self.errors.items():
            if key in self.used:
                continue
            if (
                key in exact
                or key == prefix
                or (key.startswith(prefix + ".") and _own(prefix, key))
            ):
                self.used.add(key)
                found.append(message[:1].upper() + message[1:])
        return found


def _own(prefix: str, key: str) -> bool:
    rest = key[len(prefix) + 1 :]
    return not rest.startswith(("then[", "else["))


def trigger_fields(binder: Binder, trigger: Raw) -> list[BoundField]:
    kind = str(trigger.get("kind", ""))
    kinds = binder.bind("trigger", specs.TRIGGER_KIND, kind, required=True)
    if kind not in TRIGGER_KINDS:
        return [kinds]
    allowed, required = TRIGGER_KEYS[TriggerKind(kind)]
    bound = [kinds]
    for name in allowed:
        spec = specs.TRIGGER_FIELDS[name]
        bound.append(binder.bind("trigger", spec, trigger.get(name), required=name in required))
    return bound


def _action_fields(binder: Binder, path: str, step: Raw, kind: str) -> list[BoundField]:
    if kind == "wait":
        return [binder.bind(path, specs.DURATION, step.get("duration"), required=True)]
    if kind == "if":
        return [binder.bind(path, specs.CONDITION, step.get("condition"), required=True)]
    if kind not in ACTION_KINDS:
        return []
    allowed, required = ACTION_KEYS[ActionKind(kind)]
    bound: list[BoundField] = []
    for name in allowed:
        if name == "assignee":
            assignee = step.get("assignee") or {}
            for spec in specs.ASSIGNEE_FIELDS:
                value = assignee.get(spec.name.split(".", 1)[1])
                bound.append(binder.bind(path, spec, value, required=spec.name == "assignee.rule"))
            continue
        spec = specs.ACTION_FIELDS[name]
        bound.append(binder.bind(path, spec, step.get(name), required=name in required))
    return bound


def step_nodes(
    binder: Binder, steps: list[Raw], prefix: str = "", name: str = "steps"
) -> list[StepNode]:
    nodes = []
    for index, step in enumerate(steps):
        path = f"{prefix}.{name}[{index}]" if prefix else f"{name}[{index}]"
        kind = str(step.get("kind", ""))
        node = StepNode(
            path=path,
            kind=kind,
            label=specs.STEP_LABELS.get(kind, kind or "Step"),
            fields=_action_fields(binder, path, step, kind),
            errors=[],
            first=index == 0,
            last=index == len(steps) - 1,
        )
        if kind == "if":
            node.then = step_nodes(binder, list(step.get("then", [])), path, "then")
            node.otherwise = step_nodes(binder, list(step.get("else", [])), path, "else")
        node.errors = binder.leftovers(path)
        nodes.append(node)
    return nodes


@dataclass
class Builder:
    """Everything the builder template draws."""

    state: State
    header: dict[str, BoundField]
    trigger: list[BoundField]
    trigger_errors: list[str]
    condition: BoundField
    runs_per_hour: BoundField
    steps: list[StepNode]
    steps_errors: list[str]
    problems: list[tuple[str, str]]  # every problem, with its path, for the summary on top
    step_kinds: tuple[Option, ...] = specs.STEP_KIND_OPTIONS


def build(
    state: State, options: Mapping[str, tuple[Option, ...]], errors: Mapping[str, str]
) -> Builder:
    """Bind the state to its options and to the engine's errors, path by path."""
    binder = Binder({**specs.STATIC_OPTIONS, **options}, errors)
    definition = state.definition
    header = {
        spec.name: binder.bind("", spec, getattr(state, spec.name), required=spec.name == "name")
        for spec in specs.HEADER_FIELDS
    }
    trigger = trigger_fields(binder, dict(definition.get("trigger") or {}))
    condition = binder.bind("", specs.TOP_CONDITION, definition.get("condition"), required=False)
    limit = definition.get("max_runs_per_hour", "")
    runs_per_hour = binder.bind("", specs.RUNS_PER_HOUR, limit, required=False)
    steps = step_nodes(binder, list(definition.get("steps") or []))
    return Builder(
        state=state,
        header=header,
        trigger=trigger,
        trigger_errors=binder.leftovers("trigger"),
        condition=condition,
        runs_per_hour=runs_per_hour,
        steps=steps,
        steps_errors=binder.leftovers("steps", ("definition",)),
        problems=list(errors.items()),
    )
