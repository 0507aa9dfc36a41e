"""Pure text handling of full-text search: terms, MATCH expressions, typo keys, snippets."""

from __future__ import annotations

import operator as op

import pytest
from hypothesis import given
from hypothesis import strategies as st

from talentloop.search import fulltext_terms as terms


def test_terms_are_folded_words_only() -> None:
    assert terms.query_terms('Zoë  "O\'Brien" john@x.com (AND)') == [
        "zoe", "o", "brien", "john", "x", "com", "and",
    ]  # fmt: skip


def test_fts5_expressions_quote_every_term() -> None:
    assert terms.fts5_expression(["near", "and"]) == '"near" AND "and"'
    assert terms.fts5_expression(["machine", "learning"], phrase=True) == '"machine learning"'
    assert terms.fts5_expression([]) == ""


@given(st.text(max_size=200))
def test_any_text_gives_an_expression_of_quoted_words(text: str) -> None:
    expression = terms.fts5_expression(terms.query_terms(text))
    for part in filter(None, expression.split(" AND ")):
        assert part.startswith('"')
        assert part.endswith('"')
        assert '"' not in part[1:-1]


def test_words_one_edit_apart_share_a_typo_key() -> None:
    for typed, stored in [
        ("jonh", "john"),
        ("smtih", "smith"),
        ("jon", "john"),
        ("muler", "müller"),
    ]:
        assert set(terms.name_keys(typed)) & set(terms.name_keys(stored)), typed
    assert not set(terms.name_keys("peter")) & set(terms.name_keys("smith"))


def test_snippets_escape_all_but_the_highlights() -> None:
    marked = f"<b>{terms.MARK_START}Ada{terms.MARK_END}</b> & \ue002script\ue003"
    assert terms.safe_snippet(marked) == "&lt;b&gt;<mark>Ada</mark>&lt;/b&gt; &amp; &lt;script&gt;"


def test_email_domains_are_dropped_for_typo_keys() -> None:
    assert terms.strip_email_domains("ada.l@example.com Ada") == "ada.l Ada"


@pytest.mark.parametrize("operator", ["=", "<", "<=", ">", ">="])
def test_filter_words_accept_exactly_the_ranks_a_comparison_does(operator: str) -> None:
    compare = {"=": op.eq, "<": op.lt, "<=": op.le, ">": op.gt, ">=": op.ge}[operator]
    for value in range(-1, terms.SENIORITY_RANKS + 1):
        condition = terms.Narrowing("seniority_rank", operator, value)
        groups = terms.narrowing_words([condition])
        for rank in range(terms.SENIORITY_RANKS):
            words = terms.filter_words("GB", rank)
            accepted = all(any(word in words for word in group) for group in groups)
            assert accepted == compare(rank, value), (operator, value, rank, groups)


def test_a_country_is_a_filter_word_only_when_it_is_letters_and_digits() -> None:
    assert terms.filter_words("GB", 0) == ["countrygb", "seniority0"]
    assert terms.filter_words("", 2)[0] == "seniority2"
    for country in ("G B", "G-B", "ÅL", 'G"'):
        assert terms.narrowing_words([terms.Narrowing("country", "=", country)]) == []
    with pytest.raises(ValueError, match="cannot narrow"):
        terms.narrowing_words([terms.Narrowing("city", "=", "Leeds")])
