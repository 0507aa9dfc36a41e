"""The query language without a database: parsing, printing, errors and their hints."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest

from talentloop.search.domain import (
    FIELDS,
    And,
    Clause,
    MatchAll,
    Not,
    Op,
    Or,
    QueryError,
    RelativeDate,
    Text,
    parse,
    to_text,
)

ISSUE_EXAMPLE = (
    "skills:python AND (city:Berlin OR remote:yes) AND seniority>=senior AND years>=5 "
    'AND last_engaged<90d AND NOT tag:"do not hire" AND salary.max<=90000 AND "machine learning"'
)


def test_the_issue_example_parses_into_a_typed_tree() -> None:
    tree = parse(ISSUE_EXAMPLE)

    assert tree == And(
        (
            Clause("skills", Op.MATCH, "python"),
            Or((Clause("city", Op.MATCH, "Berlin"), Clause("remote", Op.MATCH, True))),
            Clause("seniority", Op.GE, "senior"),
            Clause("years", Op.GE, Decimal(5)),
            Clause("last_engaged", Op.LT, RelativeDate(90, "d")),
            Not(Clause("tag", Op.MATCH, "do not hire")),
            Clause("salary.max", Op.LE, Decimal(90000)),
            Text("machine learning", phrase=True),
        )
    )
    assert to_text(tree) == ISSUE_EXAMPLE


def test_blank_text_matches_everyone() -> None:
    assert parse("") == MatchAll()
    assert parse("   \n") == MatchAll()
    assert to_text(MatchAll()) == ""


def test_not_binds_tighter_than_and_and_and_tighter_than_or() -> None:
    a, b, c = Text("a"), Text("b"), Text("c")

    assert parse("a OR b AND c") == Or((a, And((b, c))))
    assert parse("a b OR c") == Or((And((a, b)), c))
    assert parse("NOT a b") == And((Not(a), b))
    assert parse("NOT (a OR b) c") == And((Not(Or((a, b))), c))
    assert parse("a AND b AND c") == And((a, b, c))


def test_parentheses_keep_the_groups_the_user_wrote() -> None:
    tree = parse("a (b c)")

    assert tree == And((Text("a"), And((Text("b"), Text("c")))))
    assert to_text(tree) == "a AND (b AND c)"


def test_keywords_are_upper_case_and_lower_case_words_are_text() -> None:
    assert parse("machine and learning") == And((Text("machine"), Text("and"), Text("learning")))


def test_field_names_and_aliases_read_as_their_canonical_name() -> None:
    assert parse("Skill:Go") == Clause("skills", Op.MATCH, "Go")
    assert parse("tags:vip") == Clause("tag", Op.MATCH, "vip")
    assert parse("cf.notice_period<=30") == Clause("custom.notice_period", Op.LE, "30")
    assert parse("custom.notice_period<=30") == parse("cf.notice_period<=30")


def test_values_are_typed_by_their_field() -> None:
    assert parse("created>=2026-01-31") == Clause("created", Op.GE, dt.date(2026, 1, 31))
    assert parse("rejected_at<18m") == Clause("rejected_at", Op.LT, RelativeDate(18, "m"))
    assert parse("do_not_contact:no") == Clause("do_not_contact", Op.MATCH, False)
    assert parse("emailed:yes") == Clause("emailed", Op.MATCH, True)
    assert parse("emailed<2w") == Clause("emailed", Op.LT, RelativeDate(2, "w"))
    assert parse("years>2.5") == Clause("years", Op.GT, Decimal("2.5"))
    assert parse("seniority:SENIOR") == Clause("seniority", Op.MATCH, "senior")


def test_quoted_values_are_never_read_as_yes_or_no() -> None:
    assert parse("rejected:yes") == Clause("rejected", Op.MATCH, True)
    assert parse('rejected:"yes"') == Clause("rejected", Op.MATCH, "yes")
    assert to_text(Clause("rejected", Op.MATCH, "yes")) == 'rejected:"yes"'


def test_spaces_around_operators_are_allowed() -> None:
    assert parse("years >= 5") == Clause("years", Op.GE, Decimal(5))


def test_quoted_text_takes_escapes() -> None:
    tree = parse(r'"say \"hi\" \\ now"')

    assert tree == Text('say "hi" \\ now', phrase=True)
    assert parse(to_text(tree)) == tree


def test_silver_medallists_are_expressible() -> None:
    tree = parse("rejected_stage>=interview rejected_at<18m")

    assert tree == And(
        (
            Clause("rejected_stage", Op.GE, "interview"),
            Clause("rejected_at", Op.LT, RelativeDate(18, "m")),
        )
    )


def test_clauses_remember_where_they_were_typed() -> None:
    tree = parse("a  city:Berlin")

    assert isinstance(tree, And)
    clause = tree.items[1]
    assert isinstance(clause, Clause)
    assert clause.position == 3


@pytest.mark.parametrize(
    ("text", "message", "position", "hint"),
    [
        ("skils:python", "unknown field 'skils' — did you mean 'skills'?", 0, "docs/search.md"),
        ("a senority>=senior", "did you mean 'seniority'?", 2, ""),
        ("city:", "missing value after 'city:'", 4, "city:Berlin"),
        ("(a OR b", "unclosed '('", 0, "')'"),
        ("a)", "unmatched ')'", 1, "'('"),
        ('x "abc', "unclosed quote", 2, '"'),
        ("seniority:senir", "did you mean 'senior'?", 10, "one of: intern"),
        ("years:abc", "'abc' is not a valid value for years", 6, "a number"),
        ("created:soon", "not a valid value for created", 8, "90d"),
        ("a AND", "expected a term after 'AND'", 2, ""),
        ("NOT", "expected a term after 'NOT'", 0, ""),
        ("x!y", "unexpected '!'", 1, "!="),
        ("city<3", "operator '<' does not apply to 'city'", 4, "city:Berlin"),
        ("a:b", "unknown field 'a'", 0, "quotes"),
        ("url:http://x", "unknown field 'url'", 0, ""),
        ("title:a:b", "unexpected ':'", 7, "quote"),
        ("()", "empty parentheses", 0, ""),
        ("AND a", "unexpected 'AND'", 0, ""),
        ('""', "empty quotes", 0, ""),
        ('city:""', "empty value", 5, ""),
        ("cf.Bad-Key:1", "is not a custom field key", 0, "lower-case"),
        ("has:photo", "'photo' is not a has", 4, "email"),
        ('"city":x', "unexpected ':'", 6, "not quoted"),
    ],
)
def test_errors_point_at_the_culprit_with_a_hint(
    text: str, message: str, position: int, hint: str
) -> None:
    with pytest.raises(QueryError) as caught:
        parse(text)

    error = caught.value
    assert message in error.message
    assert error.position == position
    assert hint in error.hint
    assert error.status == 400
    assert error.code == "invalid_query"
    assert error.fields["position"] == str(position)


def test_deep_nesting_is_refused_not_a_crash() -> None:
    with pytest.raises(QueryError, match="nested too deeply"):
        parse("(" * 500 + "a" + ")" * 500)
    with pytest.raises(QueryError, match="nested too deeply"):
        parse("NOT " * 500 + "a")


def test_overlong_queries_are_refused() -> None:
    with pytest.raises(QueryError, match="too long"):
        parse("a " * 3000)


def test_relative_dates_count_calendar_months_and_years() -> None:
    now = dt.datetime(2026, 3, 31, 12, tzinfo=dt.UTC)

    assert RelativeDate(1, "m").since(now) == dt.datetime(2026, 2, 28, 12, tzinfo=dt.UTC)
    assert RelativeDate(18, "m").since(now) == dt.datetime(2024, 9, 30, 12, tzinfo=dt.UTC)
    assert RelativeDate(1, "y").since(now) == dt.datetime(2025, 3, 31, 12, tzinfo=dt.UTC)
    assert RelativeDate(2, "w").since(now) == now - dt.timedelta(days=14)


def test_every_field_documents_an_example_that_parses() -> None:
    for spec in FIELDS.values():
        tree = parse(spec.example)
        assert isinstance(tree, Clause), spec.name
        assert tree.field == spec.name


def test_the_recipes_in_the_docs_parse() -> None:
    docs = Path(__file__).resolve().parents[4] / "docs" / "search.md"
    recipes = docs.read_text().split("## Recipes", 1)[1].split("## Errors", 1)[0]
    queries = re.findall(r"\| `([^`]+)` \|", recipes)

    assert len(queries) >= 8
    for text in queries:
        assert parse(to_text(parse(text))) == parse(text)


@pytest.mark.parametrize("text", ['name:"Ada\x00"', "python AND \x00", "\x00"])
def test_a_nul_character_is_refused_with_its_position(text: str) -> None:
    with pytest.raises(QueryError) as refused:
        parse(text)
    assert refused.value.position == text.index("\x00")
    assert "NUL" in refused.value.message
