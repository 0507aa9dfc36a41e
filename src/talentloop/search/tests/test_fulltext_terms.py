"""Pure text handling of full-text search: terms, MATCH expressions, typo keys, snippets."""

from __future__ import annotations

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
