"""The filter builder's rows <-> query text, without a database."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from talentloop.search import domain as query
from talentloop.ui import query_builder as qb

QUERIES = [
    "",
    "skills:python",
    "hello AND world",
    '"machine learning"',
    "NOT (a OR b)",
    "skills:python AND (city:Berlin OR remote:yes) AND seniority>=senior AND years>=5 AND "
    'last_engaged<90d AND NOT tag:"do not hire" AND salary.max<=90000 AND "machine learning"',
    "(tag:vip OR (country:DE AND NOT city:Berlin)) AND stage:interview",
]


def _text(rows: list[qb.Row]) -> str:
    root = qb.tree(rows)
    qb.check_clauses(root)
    return qb.text_of(root)


@pytest.mark.parametrize("text", QUERIES)
def test_rows_read_back_as_the_same_query(text: str) -> None:
    # given
    tree = query.parse(text)

    # when
    printed = _text(qb.rows_from_tree(tree))

    # then
    assert query.parse(printed) == tree


def test_new_clauses_are_drafts_until_they_have_a_value() -> None:
    # given
    rows = qb.rows_from_tree(query.parse("skills:python"))
    draft = qb.Row(qb.CLAUSE, 1, False, "city", ":", "")

    # when
    added = qb.apply(rows, "add:0", new_clause=draft)
    grouped = qb.apply(added, "group:0", new_clause=draft)
    filled = [*grouped[:-1], qb.Row(qb.CLAUSE, 2, False, "city", ":", "Oslo")]

    # then
    assert len(added) == 3
    assert _text(added) == "skills:python"
    assert [row.kind for row in grouped] == ["all", "clause", "clause", "any", "clause"]
    assert qb.inserted_at(added, "group:0") == 4
    assert _text(filled) == "skills:python AND city:Oslo"


def test_remove_takes_a_group_with_everything_in_it() -> None:
    rows = qb.rows_from_tree(query.parse("a AND (b OR c) AND d"))

    remaining = qb.apply(rows, "remove:2", new_clause=qb.Row(qb.CLAUSE))

    assert _text(remaining) == "a AND d"


def test_negating_a_group_prints_not_before_its_brackets() -> None:
    rows = qb.rows_from_tree(query.parse("a AND (b OR c)"))

    negated = qb.apply(rows, "not:2", new_clause=qb.Row(qb.CLAUSE))

    assert _text(negated) == "a AND NOT (b OR c)"


def test_a_bad_value_is_flagged_and_left_out() -> None:
    rows = [qb.Row(qb.ALL), qb.Row(qb.CLAUSE, 1, False, "years", ">=", "lots")]

    root = qb.tree(rows)
    qb.check_clauses(root)

    assert root.children[0].error
    assert qb.text_of(root) == ""


def test_posted_rows_are_cleaned() -> None:
    rows = qb.rows_from_post(
        ["clause", "bogus", "any"],
        ["7", "1", "x"],
        ["1", "0", "0"],
        ["tag"] * 3,
        [":"] * 3,
        ["a"] * 3,
    )

    assert rows[0] == qb.Row(qb.ALL)
    assert rows[1] == qb.Row(qb.CLAUSE, qb.MAX_DEPTH, True, "tag", ":", "a")
    assert len(rows) == 2


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet='ab ":()\\-NOTAND', max_size=12))
def test_any_value_typed_in_a_chip_round_trips(value: str) -> None:
    # given a chip holding arbitrary text
    rows = [qb.Row(qb.ALL), qb.Row(qb.CLAUSE, 1, False, "tag", ":", value)]

    # when
    text = _text(rows)

    # then: it prints as a query that reads back as that same value (or nothing, if blank)
    if not " ".join(value.split()):
        assert text == ""
    else:
        clause = query.parse(text)
        assert isinstance(clause, query.Clause)
        assert clause.value == " ".join(value.split())
