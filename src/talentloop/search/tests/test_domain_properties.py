"""Property tests: printing then parsing gives the same tree; no input raises but QueryError."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from talentloop.search.domain import (
    FIELDS,
    And,
    Clause,
    FieldSpec,
    Node,
    Not,
    Or,
    QueryError,
    RelativeDate,
    Text,
    Value,
    ValueKind,
    parse,
    to_text,
)
from talentloop.search.fields import CUSTOM_SPEC

_words = st.from_regex(r"\A[A-Za-z0-9_.@+\-/#é]{1,12}\Z").filter(
    lambda word: word not in {"AND", "OR", "NOT"}
)
# Any characters but NUL, which the parser refuses (test_a_nul_character_is_refused).
_phrases = st.text(
    alphabet=st.characters(blacklist_characters="\x00"), min_size=1, max_size=20
).filter(lambda text: bool(text.strip()))
_texts = st.builds(Text, _words, st.just(False)) | st.builds(Text, _phrases, st.just(True))
_numbers = st.builds(
    lambda whole, fraction: Decimal(f"{whole}.{fraction}" if fraction else str(whole)),
    st.integers(-(10**12), 10**12),
    st.sampled_from(["", "5", "25", "125"]),
)
_relative = st.builds(RelativeDate, st.integers(0, 99999), st.sampled_from("dwmy"))
_dates: st.SearchStrategy[dt.date | RelativeDate] = st.dates() | _relative


def _values(spec: FieldSpec) -> st.SearchStrategy[Value]:
    kind = spec.value
    if kind is ValueKind.ENUM:
        return st.sampled_from(spec.choices)
    if kind is ValueKind.NUMBER:
        return _numbers
    if kind is ValueKind.DATE:
        return _dates
    if kind is ValueKind.BOOL:
        return st.booleans()
    if kind is ValueKind.DATE_OR_BOOL:
        return st.booleans() | _dates
    if kind is ValueKind.BOOL_OR_TEXT:
        return st.booleans() | _phrases
    return _phrases


@st.composite
def _clauses(draw: st.DrawFn) -> Clause:
    spec = draw(st.sampled_from([*FIELDS.values(), CUSTOM_SPEC]))
    name = spec.name
    if spec is CUSTOM_SPEC:
        name = "custom." + draw(st.from_regex(r"\A[a-z][a-z0-9_]{0,10}\Z"))
    op = draw(st.sampled_from(sorted(spec.ops)))
    return Clause(name, op, draw(_values(spec)))


_leaves: st.SearchStrategy[Node] = _texts | _clauses()
_trees: st.SearchStrategy[Node] = st.recursive(
    _leaves,
    lambda children: (
        st.builds(Not, children)
        | st.builds(And, st.lists(children, min_size=2, max_size=4).map(tuple))
        | st.builds(Or, st.lists(children, min_size=2, max_size=4).map(tuple))
    ),
    max_leaves=12,
)


@given(_trees)
@settings(max_examples=400)
def test_printing_then_parsing_gives_the_same_tree(tree: Node) -> None:
    assert parse(to_text(tree)) == tree


@given(st.text(max_size=80))
@settings(max_examples=600)
def test_any_text_parses_or_raises_a_query_error(text: str) -> None:
    try:
        tree = parse(text)
    except QueryError as error:
        position, message = error.position, error.message
        assert 0 <= position <= len(text), message
        return
    assert parse(to_text(tree)) == tree


_query_alphabet = st.sampled_from(
    [
        "a",
        "city",
        "years",
        "created",
        "rejected",
        "skills",
        ":",
        "=",
        "!=",
        "<",
        ">=",
        "!",
        "(",
        ")",
        '"',
        "\\",
        " ",
        "AND",
        "OR",
        "NOT",
        "yes",
        "5",
        "90d",
        "2026-01-31",
        "cf.x",
        "senior",
        "seniority",
    ]
)


@given(st.lists(_query_alphabet, max_size=25).map("".join))
@settings(max_examples=600)
def test_query_shaped_noise_parses_or_raises_a_query_error(text: str) -> None:
    try:
        tree = parse(text)
    except QueryError:
        return
    assert parse(to_text(tree)) == tree
