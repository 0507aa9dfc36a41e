"""Workflows as YAML documents, for review and version control. Pure.

A document is the workflow's name and description plus its definition in canonical form
(`parsing.definition_to_dict`). Loading uses PyYAML's safe loader and refuses aliases, so a
small document cannot expand into a huge one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

from talentloop.automation.domain import Definition, DefinitionError
from talentloop.automation.parsing import definition_to_dict, parse_definition
from talentloop.automation.readers import Invalid, read_text

MAX_YAML_CHARS = 200_000


@dataclass(frozen=True)
class WorkflowDocument:
    name: str
    description: str
    definition: Definition


class _NoAliasLoader(yaml.SafeLoader):
    """The safe loader, refusing `*alias` references (one node reused many times)."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise yaml.composer.ComposerError(
                None, None, "aliases (*name) are not allowed", event.start_mark
            )
        return super().compose_node(parent, index)


def dump_workflow(*, name: str, description: str, definition: Definition) -> str:
    """The YAML text of a workflow; `load_workflow` reads it back to the same workflow."""
    document: dict[str, Any] = {"name": name}
    if description:
        document["description"] = description
    document.update(definition_to_dict(definition))
    # Why the huge width: folded long lines would come back with spaces where breaks were.
    return yaml.safe_dump(
        document, sort_keys=False, allow_unicode=True, default_flow_style=False, width=2**31
    )


def _load(text: str) -> Any:
    if len(text) > MAX_YAML_CHARS:
        raise DefinitionError([("yaml", f"at most {MAX_YAML_CHARS} characters")])
    try:
        return yaml.load(text, Loader=_NoAliasLoader)  # noqa: S506 - a safe loader subclass
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        problem = getattr(error, "problem", None) or "not valid YAML"
        raise DefinitionError([("yaml", f"{problem}{where}")]) from None


def _header(document: dict[str, Any]) -> tuple[str, str]:
    problems: list[tuple[str, str]] = []
    name = description = ""
    try:
        name = read_text(document.pop("name", ""), 200)
    except Invalid as error:
        problems.append(("name", str(error)))
    else:
        if not name:
            problems.append(("name", "required"))
    try:
        description = read_text(document.pop("description", ""), 5000)
    except Invalid as error:
        problems.append(("description", str(error)))
    if problems:
        raise DefinitionError(problems)
    return name, description


def load_workflow(text: str) -> WorkflowDocument:
    """A workflow from YAML text; DefinitionError names the line or the path of each problem."""
    document = _load(text)
    if not isinstance(document, dict):
        raise DefinitionError([("yaml", "the document must be a mapping (name:, trigger:, …)")])
    name, description = _header(document)
    return WorkflowDocument(
        name=name, description=description, definition=parse_definition(document)
    )
