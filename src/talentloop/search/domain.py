"""The query language: tokens, a typed tree, the parser and the canonical printer. Pure.

    query  := or EOF                      (blank text matches everyone)
    or     := and ("OR" and)*
    and    := not (["AND"] not)*           (adjacent terms are ANDed)
    not    := "NOT" not | atom
    atom   := "(" or ")" | field op value | word | "quoted phrase"
    op     := ":" | "=" | "!=" | "<" | "<=" | ">" | ">="

NOT binds tighter than AND, AND tighter than OR. The language is described for users in
docs/search.md.
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
import difflib
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import NoReturn

from talentloop.core.errors import AppError
from talentloop.search.fields import (
    ALIASES,
    CUSTOM_PREFIXES,
    CUSTOM_SPEC,
    FIELDS,
    FieldSpec,
    Op,
    ValueKind,
)

__all__ = [
    "FIELDS",
    "And",
    "Clause",
    "FieldSpec",
    "MatchAll",
    "Node",
    "Not",
    "Op",
    "Or",
    "QueryError",
    "RelativeDate",
    "Text",
    "Value",
    "ValueKind",
    "field_spec",
    "parse",
    "to_text",
]

MAX_LENGTH = 4000
MAX_DEPTH = 40
KEYWORDS = frozenset({"AND", "OR", "NOT"})
TRUE_WORDS = frozenset({"yes", "true", "on"})
FALSE_WORDS = frozenset({"no", "false", "off"})
_OP_CHARS = ":=!<>"
_SPECIAL = set(_OP_CHARS) | set('()"')
_CUSTOM_KEY = re.compile(r"^[a-z][a-z0-9_]{0,63}$", re.ASCII)
_NUMBER = re.compile(r"^-?\d{1,15}(\.\d{1,6})?$", re.ASCII)
_RELATIVE = re.compile(r"^(\d{1,5})([dwmy])$", re.ASCII)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)


class QueryError(AppError):
    """A query the language refuses; `position` is the 0-based offset of the culprit."""

    status = 400
    code = "invalid_query"

    def __init__(self, message: str, *, position: int = 0, hint: str = "") -> None:
        fields = {"position": str(position), "hint": hint} if hint else {"position": str(position)}
        super().__init__(message, fields=fields)
        self.position = position
        self.hint = hint


# --- the tree ----------------------------------------------------------------------------


@dataclass(frozen=True)
class RelativeDate:
    """`90d`: a span back from now (d days, w weeks, m calendar months, y years)."""

    amount: int
    unit: str

    def since(self, now: dt.datetime) -> dt.datetime:
        """The moment this span before `now`."""
        if self.unit == "d":
            return now - dt.timedelta(days=self.amount)
        if self.unit == "w":
            return now - dt.timedelta(weeks=self.amount)
        months = self.amount * (12 if self.unit == "y" else 1)
        year, month = divmod(now.year * 12 + now.month - 1 - months, 12)
        year = max(year, 1)
        day = min(now.day, calendar.monthrange(year, month + 1)[1])
        return now.replace(year=year, month=month + 1, day=day)

    def __str__(self) -> str:
        return f"{self.amount}{self.unit}"


Value = str | bool | Decimal | dt.date | RelativeDate


@dataclass(frozen=True)
class MatchAll:
    pass


@dataclass(frozen=True)
class Text:
    """Full-text words (`phrase` when it was quoted)."""

    text: str
    phrase: bool = False


@dataclass(frozen=True)
class Clause:
    field: str
    op: Op
    value: Value
    # Where it was typed, for errors the compiler finds (unknown custom field, no rights).
    position: int = dataclasses.field(default=0, compare=False)


@dataclass(frozen=True)
class Not:
    item: Node


@dataclass(frozen=True)
class And:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    items: tuple[Node, ...]


Node = MatchAll | Text | Clause | Not | And | Or


# --- tokens ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Token:
    kind: str  # word, quoted, op, lparen, rparen, end
    text: str
    position: int


def tokenize(text: str) -> list[Token]:
    """Split query text into tokens; an unclosed quote or a stray '!' is a QueryError."""
    tokens: list[Token] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char.isspace():
            index += 1
        elif char in "()":
            tokens.append(Token("lparen" if char == "(" else "rparen", char, index))
            index += 1
        elif char == '"':
            value, index = _read_quoted(text, index)
            tokens.append(value)
        elif char in _OP_CHARS:
            token = _read_op(text, index)
            tokens.append(token)
            index += len(token.text)
        else:
            end = index
            while end < len(text) and not text[end].isspace() and text[end] not in _SPECIAL:
                end += 1
            tokens.append(Token("word", text[index:end], index))
            index = end
    tokens.append(Token("end", "", len(text)))
    return tokens


def _read_quoted(text: str, start: int) -> tuple[Token, int]:
    chars: list[str] = []
    index = start + 1
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text):
            chars.append(text[index + 1])
            index += 2
        elif char == '"':
            return Token("quoted", "".join(chars), start), index + 1
        else:
            chars.append(char)
            index += 1
    raise QueryError("unclosed quote", position=start, hint='close the text with a second "')


def _read_op(text: str, index: int) -> Token:
    two = text[index : index + 2]
    if two in {"!=", "<=", ">="}:
        return Token("op", two, index)
    if text[index] == "!":
        raise QueryError(
            "unexpected '!'", position=index, hint="use != for 'not equal', or NOT before a term"
        )
    return Token("op", text[index], index)


# --- parser ------------------------------------------------------------------------------


def parse(text: str) -> Node:
    """The tree of a query; blank text is MatchAll. Raises QueryError with position and hint."""
    if len(text) > MAX_LENGTH:
        raise QueryError(
            "query too long", position=MAX_LENGTH, hint=f"keep it under {MAX_LENGTH} characters"
        )
    if "\x00" in text:
        # Why refuse it here: no stored text can hold it (PostgreSQL refuses it outright).
        raise QueryError(
            "the query holds a NUL character",
            position=text.index("\x00"),
            hint="remove the invisible character (it often comes from a copy and paste)",
        )
    parser = _Parser(tokenize(text))
    if parser.peek().kind == "end":
        return MatchAll()
    node = parser.parse_or(0)
    token = parser.peek()
    if token.kind == "rparen":
        raise QueryError("unmatched ')'", position=token.position, hint="remove it or add '('")
    if token.kind != "end":  # pragma: no cover - parse_or consumes all but ')' and end
        _unexpected(token)
    return node


class _Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.index = 0

    def peek(self, ahead: int = 0) -> Token:
        return self.tokens[min(self.index + ahead, len(self.tokens) - 1)]

    def take(self) -> Token:
        token = self.peek()
        self.index += 1
        return token

    def is_keyword(self, word: str) -> bool:
        token = self.peek()
        return token.kind == "word" and token.text == word

    def parse_or(self, depth: int) -> Node:
        items = [self.parse_and(depth)]
        while self.is_keyword("OR"):
            self.expect_term_after(self.take())
            items.append(self.parse_and(depth))
        return items[0] if len(items) == 1 else Or(tuple(items))

    def parse_and(self, depth: int) -> Node:
        items = [self.parse_not(depth)]
        while True:
            if self.is_keyword("AND"):
                self.expect_term_after(self.take())
            elif self.peek().kind in {"end", "rparen"} or self.is_keyword("OR"):
                break
            items.append(self.parse_not(depth))
        return items[0] if len(items) == 1 else And(tuple(items))

    def parse_not(self, depth: int) -> Node:
        if depth > MAX_DEPTH:
            raise QueryError(
                "query nested too deeply", position=self.peek().position, hint="simplify it"
            )
        if self.is_keyword("NOT"):
            self.expect_term_after(self.take())
            return Not(self.parse_not(depth + 1))
        return self.parse_atom(depth)

    def expect_term_after(self, keyword: Token) -> None:
        token = self.peek()
        if token.kind in {"end", "rparen"} or (
            token.kind == "word" and token.text in {"AND", "OR"}
        ):
            where = token.position if token.kind != "end" else keyword.position
            raise QueryError(
                f"expected a term after '{keyword.text}'",
                position=where,
                hint=f"e.g. {keyword.text} city:Berlin",
            )

    def parse_atom(self, depth: int) -> Node:
        token = self.peek()
        if token.kind == "lparen":
            return self.parse_group(depth)
        if token.kind == "word" and self.peek(1).kind == "op":
            return self.parse_clause()
        if token.kind == "word" and token.text in KEYWORDS:
            _unexpected(
                token, hint=f'put a term before {token.text}, or quote the word: "{token.text}"'
            )
        if token.kind == "word":
            self.take()
            return Text(token.text)
        if token.kind == "quoted":
            self.take()
            if self.peek().kind == "op":
                _unexpected(self.peek(), hint="field names are not quoted: city:Berlin")
            if not token.text.strip():
                raise QueryError("empty quotes", position=token.position, hint="put words inside")
            return Text(token.text, phrase=True)
        _unexpected(token)

    def parse_group(self, depth: int) -> Node:
        opening = self.take()
        if self.peek().kind == "rparen":
            raise QueryError(
                "empty parentheses", position=opening.position, hint="put a term inside"
            )
        node = self.parse_or(depth + 1)
        if self.peek().kind != "rparen":
            raise QueryError("unclosed '('", position=opening.position, hint="add a ')'")
        self.take()
        return node

    def parse_clause(self) -> Clause:
        name_token, op_token = self.take(), self.take()
        name, spec = resolve_field(name_token.text, name_token.position)
        op = Op(op_token.text)
        if op not in spec.ops:
            allowed = " ".join(sorted(o.value for o in spec.ops))
            raise QueryError(
                f"operator '{op}' does not apply to '{name}'",
                position=op_token.position,
                hint=f"use one of: {allowed}, e.g. {spec.example}",
            )
        value_token = self.take()
        if value_token.kind not in {"word", "quoted"} or (
            value_token.kind == "word" and value_token.text in KEYWORDS
        ):
            raise QueryError(
                f"missing value after '{name}{op}'",
                position=value_token.position if value_token.kind != "end" else op_token.position,
                hint=f"e.g. {spec.example}",
            )
        value = read_value(
            spec, value_token.text, value_token.kind == "quoted", value_token.position
        )
        if self.peek().kind == "op":
            _unexpected(self.peek(), hint=f'quote a value that holds {self.peek().text}: "a:b"')
        return Clause(name, op, value, position=name_token.position)


def _unexpected(token: Token, hint: str = "") -> NoReturn:
    if token.kind == "end":
        raise QueryError("unexpected end of query", position=token.position, hint="add a term")
    shown = token.text if token.kind != "quoted" else f'"{token.text}"'
    raise QueryError(
        f"unexpected '{shown}'",
        position=token.position,
        hint=hint or "put text with special characters in quotes",
    )


def resolve_field(typed: str, position: int) -> tuple[str, FieldSpec]:
    """The canonical field name and its spec; unknown names suggest the closest one."""
    name = typed.lower()
    name = ALIASES.get(name, name)
    if name in FIELDS:
        return name, FIELDS[name]
    for prefix in CUSTOM_PREFIXES:
        if name.startswith(prefix):
            key = name[len(prefix) :]
            if not _CUSTOM_KEY.fullmatch(key):
                raise QueryError(
                    f"'{key}' is not a custom field key",
                    position=position,
                    hint="keys are lower-case letters, digits and _",
                )
            return f"custom.{key}", CUSTOM_SPEC
    raise QueryError(
        f"unknown field '{typed}'{_did_you_mean(name, [*FIELDS, *ALIASES])}",
        position=position,
        hint="see the field list in docs/search.md; put text containing ':' in quotes",
    )


def _did_you_mean(word: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    if not close:
        return ""
    return f" — did you mean '{ALIASES.get(close[0], close[0])}'?"


def field_spec(name: str) -> FieldSpec:
    """The spec of a canonical field name (custom fields share one)."""
    return CUSTOM_SPEC if name.startswith("custom.") else FIELDS[name]


# --- values ------------------------------------------------------------------------------


def read_value(spec: FieldSpec, raw: str, quoted: bool, position: int) -> Value:
    """Type a clause's value by its field; quoted values are never read as yes/no or dates."""
    if not raw.strip():
        raise QueryError("empty value", position=position, hint=f"e.g. {spec.example}")
    kind = spec.value
    word = raw.lower()
    if kind is ValueKind.TEXT:
        return raw
    if kind is ValueKind.ENUM:
        if word in spec.choices:
            return word
        raise QueryError(
            f"'{raw}' is not a {spec.name}{_did_you_mean(word, list(spec.choices))}",
            position=position,
            hint="one of: " + ", ".join(spec.choices),
        )
    is_bool_word = word in TRUE_WORDS or word in FALSE_WORDS
    if kind in _BOOL_KINDS and is_bool_word and not quoted:
        return word in TRUE_WORDS
    if kind is ValueKind.BOOL_OR_TEXT:
        return raw
    if kind is ValueKind.NUMBER and not quoted and _NUMBER.fullmatch(raw):
        return Decimal(raw)
    if kind in {ValueKind.DATE, ValueKind.DATE_OR_BOOL} and not quoted:
        date = read_date(word)
        if date is not None:
            return date
    raise QueryError(
        f"'{raw}' is not a valid value for {spec.name}",
        position=position,
        hint=_VALUE_HINTS[kind] + f", e.g. {spec.example}",
    )


def read_date(word: str) -> dt.date | RelativeDate | None:
    relative = _RELATIVE.fullmatch(word)
    if relative:
        return RelativeDate(int(relative.group(1)), relative.group(2))
    if _DATE.fullmatch(word):
        try:
            return dt.date.fromisoformat(word)
        except ValueError:
            return None
    return None


_BOOL_KINDS = frozenset({ValueKind.BOOL, ValueKind.BOOL_OR_TEXT, ValueKind.DATE_OR_BOOL})
_VALUE_HINTS = {
    ValueKind.NUMBER: "a number",
    ValueKind.DATE: "a date like 2026-01-31 or a span like 90d, 2w, 18m, 1y",
    ValueKind.BOOL: "yes or no",
    ValueKind.DATE_OR_BOOL: "yes, no, a date like 2026-01-31 or a span like 30d",
    ValueKind.TEXT: "text",
    ValueKind.ENUM: "one of the listed values",
    ValueKind.BOOL_OR_TEXT: "yes, no or a name",
}


# --- printer -----------------------------------------------------------------------------

_BARE = re.compile(r'^[^\s():=!<>"]+$')


def to_text(node: Node) -> str:
    """Canonical text for a tree: parsing it again gives an equal tree."""
    if isinstance(node, MatchAll):
        return ""
    if isinstance(node, Text):
        return quote(node.text) if node.phrase else node.text
    if isinstance(node, Clause):
        return f"{node.field}{node.op.value}{format_value(node.value, field_spec(node.field))}"
    if isinstance(node, Not):
        inner = node.item
        wrap = isinstance(inner, And | Or)
        return "NOT " + (f"({to_text(inner)})" if wrap else to_text(inner))
    joiner = " AND " if isinstance(node, And) else " OR "
    return joiner.join(_child_text(node, item) for item in node.items)


def _child_text(parent: And | Or, child: Node) -> str:
    # Why parentheses around any nested group: they keep a tree as written (an OR inside an
    # AND needs them; an AND inside an AND was grouped by the user, and grouping matters to
    # which clauses describe the same candidacy or skill).
    text = to_text(child)
    return f"({text})" if isinstance(child, And | Or) else text


def format_value(value: Value, spec: FieldSpec = CUSTOM_SPEC) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, RelativeDate | dt.date):
        return str(value) if isinstance(value, RelativeDate) else value.isoformat()
    return quote(value) if _needs_quotes(value, spec.value) else value


def _needs_quotes(text: str, kind: ValueKind) -> bool:
    if not _BARE.fullmatch(text) or text in KEYWORDS:
        return True
    if kind in {ValueKind.TEXT, ValueKind.ENUM}:
        return False  # bare or quoted, these read the same
    word = text.lower()
    # Why: for typed fields a bare yes/5/90d is read as a boolean, number or date.
    return word in TRUE_WORDS or word in FALSE_WORDS or read_date(word) is not None


def quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
