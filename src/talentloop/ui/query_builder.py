"""The filter builder: a flat list of rows (what the builder form posts) <-> query text.

Rows come in pre-order; a row's `depth` says which group it sits in. Row 0 is always the
root group. Pure: no database. The query language itself (parse, print) lives in
talentloop.search.domain; this module only turns builder rows into text and a parsed tree
back into rows.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from talentloop.search import domain as query

TEXT_FIELD = "_text"
ALL, ANY, CLAUSE = "all", "any", "clause"
MAX_ROWS = 60
MAX_DEPTH = 3
_BARE = re.compile(r'^[^\s():=!<>"]+$')
_KEYWORDS = {"AND", "OR", "NOT"}


@dataclass(frozen=True)
class Row:
    kind: str  # ALL / ANY (groups) or CLAUSE
    depth: int = 0
    negated: bool = False
    field: str = ""
    op: str = ""
    value: str = ""

    @property
    def is_group(self) -> bool:
        return self.kind in (ALL, ANY)

    @property
    def is_complete(self) -> bool:
        return self.is_group or bool(self.value.strip())


@dataclass
class BuilderNode:
    """A row placed in the tree, for rendering: `index` is its place in the posted list."""

    row: Row
    index: int
    children: list[BuilderNode] = field(default_factory=list)
    error: str = ""


# --- tree -> rows ----------------------------------------------------------------------------


def rows_from_tree(node: query.Node) -> list[Row]:
    """The builder rows showing a parsed query (the root is always a group)."""
    negated = False
    while isinstance(node, query.Not):
        node, negated = node.item, not negated
    if isinstance(node, query.MatchAll):
        return [Row(ALL, 0, negated)]
    if isinstance(node, query.And | query.Or):
        return _group_rows(node, 0, negated)
    return [Row(ALL, 0), *_rows(node, 1, negated)]


def _group_rows(node: query.And | query.Or, depth: int, negated: bool) -> list[Row]:
    rows = [Row(ALL if isinstance(node, query.And) else ANY, depth, negated)]
    for item in node.items:
        rows += _rows(item, depth + 1, False)
    return rows


def _rows(node: query.Node, depth: int, negated: bool) -> list[Row]:
    while isinstance(node, query.Not):
        node, negated = node.item, not negated
    if isinstance(node, query.And | query.Or):
        return _group_rows(node, depth, negated)
    if isinstance(node, query.Text):
        return [Row(CLAUSE, depth, negated, TEXT_FIELD, _text_op(node), node.text)]
    if isinstance(node, query.Clause):
        name, op, value = clause_parts(node)
        return [Row(CLAUSE, depth, negated, name, op, value)]
    return []  # MatchAll inside a group adds nothing


def _text_op(node: query.Text) -> str:
    return "phrase" if node.phrase else "words"


def clause_parts(node: query.Clause) -> tuple[str, str, str]:
    """Field, operator and value as the user would type them."""
    value = query.format_value(node.value, query.field_spec(node.field))
    return node.field, node.op.value, unquote(value)


def unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return re.sub(r"\\(.)", r"\1", value[1:-1])
    return value


# --- rows -> text ----------------------------------------------------------------------------


def quote(value: str) -> str:
    value = " ".join(value.split())
    if _BARE.match(value) and value.upper() not in _KEYWORDS:
        return value
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def clause_text(row: Row) -> str:
    """One complete clause row as query text."""
    if row.field == TEXT_FIELD:
        words = " ".join(row.value.split())
        text = quote(words) if row.op == "phrase" else _words(words)
    else:
        text = f"{row.field}{row.op}{quote(row.value)}"
    return f"NOT {text}" if row.negated else text


def _words(words: str) -> str:
    parts = [quote(word) for word in words.split()]
    return parts[0] if len(parts) == 1 else "(" + " ".join(parts) + ")"


def tree(rows: Sequence[Row]) -> BuilderNode:
    """Nest the pre-order rows by depth (a row deeper than its parent + 1 is pulled up)."""
    root = BuilderNode(rows[0] if rows and rows[0].is_group else Row(ALL), 0)
    stack = [root]
    for index, row in enumerate(rows[1:] if rows and rows[0].is_group else rows, start=1):
        depth = max(1, min(row.depth, len(stack)))
        del stack[depth:]
        node = BuilderNode(replace(row, depth=depth), index)
        stack[-1].children.append(node)
        if row.is_group and depth < MAX_DEPTH:
            stack.append(node)
    return root


def text_of(node: BuilderNode) -> str:
    """The query text of a (sub)tree; incomplete or invalid clauses are left out."""
    if not node.row.is_group:
        return clause_text(node.row) if node.row.is_complete and not node.error else ""
    parts = [part for part in (text_of(child) for child in node.children) if part]
    joiner = " AND " if node.row.kind == ALL else " OR "
    text = joiner.join(parts)
    if len(parts) > 1 and (node.row.depth > 0 or node.row.negated):
        text = f"({text})"
    if text and node.row.negated:
        text = f"NOT {text}"
    return text


def check_clauses(node: BuilderNode) -> None:
    """Mark each complete clause the language refuses, with the parser's message."""
    for child in node.children:
        if child.row.is_group:
            check_clauses(child)
        elif child.row.is_complete:
            try:
                query.parse(clause_text(child.row))
            except query.QueryError as error:
                child.error = error.message


def flatten(node: BuilderNode) -> list[Row]:
    rows = [node.row]
    for child in node.children:
        rows += flatten(child)
    return rows


# --- edits -----------------------------------------------------------------------------------


def apply(rows: list[Row], command: str, *, new_clause: Row) -> list[Row]:
    """One builder button: add:<i>, group:<i>, remove:<i>, not:<i> (i = a row index)."""
    verb, _, raw = command.partition(":")
    if not raw.isdigit() or int(raw) >= len(rows):
        return rows
    index = int(raw)
    end = _subtree_end(rows, index)
    if verb == "add" and rows[index].is_group and len(rows) < MAX_ROWS:
        return [*rows[:end], replace(new_clause, depth=rows[index].depth + 1), *rows[end:]]
    if verb == "group" and rows[index].is_group and rows[index].depth + 1 < MAX_DEPTH:
        depth = rows[index].depth + 1
        added = [Row(ANY, depth), replace(new_clause, depth=depth + 1)]
        return [*rows[:end], *added, *rows[end:]] if len(rows) < MAX_ROWS else rows
    if verb == "remove" and index > 0:
        return [*rows[:index], *rows[end:]]
    if verb == "not":
        return [
            *rows[:index],
            replace(rows[index], negated=not rows[index].negated),
            *rows[index + 1 :],
        ]
    return rows


def inserted_at(rows: Sequence[Row], command: str) -> int | None:
    """Where `apply` puts the new clause for an add:/group: command (to focus its value)."""
    verb, _, raw = command.partition(":")
    if verb not in ("add", "group") or not raw.isdigit() or int(raw) >= len(rows):
        return None
    end = _subtree_end(rows, int(raw))
    return end if verb == "add" else end + 1


def _subtree_end(rows: Sequence[Row], index: int) -> int:
    """The index just past row `index` and everything nested under it."""
    if not rows[index].is_group:
        return index + 1
    end = index + 1
    while end < len(rows) and rows[end].depth > rows[index].depth:
        end += 1
    return end


def rows_from_post(
    kinds: Sequence[str],
    depths: Sequence[str],
    negations: Sequence[str],
    fields: Sequence[str],
    ops: Sequence[str],
    values: Sequence[str],
) -> list[Row]:
    """Rebuild rows from the builder's parallel lists; anything malformed is dropped."""
    rows = []
    for kind, depth, negated, name, op, value in zip(
        kinds, depths, negations, fields, ops, values, strict=False
    ):
        if kind not in (ALL, ANY, CLAUSE) or not depth.isdigit():
            continue
        rows.append(
            Row(kind, min(int(depth), MAX_DEPTH), negated == "1", name[:64], op[:8], value[:200])
        )
    if not rows or not rows[0].is_group:
        rows.insert(0, Row(ALL))
    return [replace(rows[0], depth=0), *rows[1:MAX_ROWS]]
