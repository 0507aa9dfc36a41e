"""Pure text handling for full-text search: query terms, FTS5 expressions, name keys, snippets.

No database here. Every string that reaches a MATCH expression or a tsquery is built from the
word characters of the user's text only, and is always passed to the database as a parameter.
"""

from __future__ import annotations

import html
import operator
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from talentloop.people.domain import Seniority

# Letters and digits only: the same split the database tokenizers make (FTS5 unicode61, and the
# PostgreSQL documents, which are built from text with every other character turned into space).
_WORD = re.compile(r"[^\W_]+")
MAX_TERMS = 32
MAX_TERM_LENGTH = 64
# Highlight markers: private-use characters that cannot occur in stored text, so the snippet
# can be escaped in full and the markers turned into <mark> afterwards.
MARK_START = "\ue000"
MARK_END = "\ue001"
# PostgreSQL's ts_headline drops anything that looks like a tag or an entity, so those three
# characters travel through it as private-use stand-ins and come back escaped.
TAG_STAND_INS = {"<": "\ue002", ">": "\ue003", "&": "\ue004"}


@dataclass(frozen=True)
class Narrowing:
    """A filter on a person column that sits beside a full-text term in one AND group
    (`country = 'GB'`, `seniority_rank >= 3`): a backend whose document carries that column
    applies it inside the match, so it narrows the hits before anything is read."""

    column: str
    operator: str
    value: str | int


@dataclass(frozen=True)
class TextFocus:
    """What every person a query matches holds, as far as the full-text index can tell: the
    text terms of its top AND group, as (text, phrase), and the filters beside them.

    Empty when the query's words are only alternatives (`helix OR country:GB`).
    """

    terms: tuple[tuple[str, bool], ...] = ()
    narrowing: tuple[Narrowing, ...] = ()


# Seniority ranks run from 0 (none given) to the last level's.
SENIORITY_RANKS = len(Seniority) + 1
_COMPARE = {
    "=": operator.eq,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


# The person columns a text match can apply filters on: both indexes carry their values as
# filter words (PostgreSQL: lexemes of the document; SQLite: the `filters` column).
NARROWING_COLUMNS = frozenset({"country", "seniority_rank"})


def filter_words(country: str, seniority_rank: int) -> list[str]:
    """The words a person's index entry carries for the filters a text match can apply.

    `countrygb`, `seniority4` for the rank itself and `senioritymin1` … `senioritymin4` for
    each floor it clears, so `seniority>=mid` is one word to look up rather than an OR of
    several. Letters and digits only, so every tokenizer keeps each one whole.
    """
    rank = int(seniority_rank)
    word = country_word(country)
    words = [word] if word else []
    words.append(f"seniority{rank}")
    words += [f"senioritymin{floor}" for floor in range(1, rank + 1)]
    return words


def narrowing_words(narrowing: Sequence[Narrowing]) -> list[list[str]]:
    """The filters beside a text as filter words: every group must hold one of its words.

    An empty group means no rank qualifies (nobody matches). A filter whose value has no word
    (a country code with other characters) is left to the filter on the person alone.
    """
    groups: list[list[str]] = []
    for condition in narrowing:
        if condition.column == "country" and condition.operator == "=":
            word = country_word(str(condition.value))
            if word:
                groups.append([word])
        elif condition.column == "seniority_rank" and condition.operator in _COMPARE:
            words = _seniority_words(condition.operator, int(condition.value))
            if words is not None:
                groups.append(words)
        else:
            raise ValueError(f"cannot narrow a text match by {condition!r}")
    return groups


def country_word(country: str) -> str:
    """`countrygb` for a country code; "" for anything but ASCII letters and digits, which
    would be syntax in a MATCH or a tsquery and split into several words in the index."""
    return f"country{country.lower()}" if country.isascii() and country.isalnum() else ""


def _seniority_words(operator: str, value: int) -> list[str] | None:
    """The filter words of the ranks a comparison accepts; None when it accepts every rank."""
    if operator in {">=", ">"}:
        floor = value if operator == ">=" else value + 1
        if floor <= 0:
            return None
        return [f"senioritymin{floor}"] if floor < SENIORITY_RANKS else []
    return [
        f"seniority{rank}" for rank in range(SENIORITY_RANKS) if _COMPARE[operator](rank, value)
    ]


def query_terms(text: str) -> list[str]:
    """The lower-cased, accent-folded words of a user's text, capped in number and length."""
    words = _WORD.findall(fold(text))
    return [word[:MAX_TERM_LENGTH] for word in words][:MAX_TERMS]


def fold(text: str) -> str:
    """Lower-case and strip diacritics ("Zoë" -> "zoe"), as the FTS5 tokenizer does."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def fts5_expression(terms: list[str], *, phrase: bool = False, prefix_last: bool = False) -> str:
    """An FTS5 MATCH expression: every term quoted; all terms required, or one phrase."""
    quoted = [_fts5_quote(term) for term in terms]
    if not quoted:
        return ""
    if phrase:
        return _fts5_quote(" ".join(terms))
    if prefix_last:
        quoted[-1] += "*"
    return " AND ".join(quoted)


def _fts5_quote(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def tsquery_words(terms: list[str]) -> str:
    """Terms joined by spaces, for plainto_tsquery/phraseto_tsquery (which ignore operators)."""
    return " ".join(terms)


def name_keys(text: str) -> list[str]:
    """Typo keys of each word: the word and every one-letter deletion of it.

    Two words within one edit (a wrong, missing, extra or swapped letter) share a key, so
    "jonh" meets "john" (both give "jon") and "smtih" meets "smith" (both give "smth").
    """
    keys: dict[str, None] = {}
    for word in query_terms(text):
        keys[word] = None
        if len(word) >= 4:
            for index in range(len(word)):
                keys[word[:index] + word[index + 1 :]] = None
    return list(keys)


def word_key_groups(text: str) -> list[list[str]]:
    """For each word of a lookup text, the keys any matching stored word shares with it."""
    return [name_keys(word) for word in query_terms(text)]


def keys_tsquery(groups: list[list[str]], *, every_word: bool) -> str:
    """A `simple` tsquery text: any key of a word; all words (or any word) present."""
    joiner = " & " if every_word else " | "
    return joiner.join("(" + " | ".join(group) + ")" for group in groups if group)


def keys_fts5_expression(groups: list[list[str]], *, every_word: bool) -> str:
    joiner = " AND " if every_word else " OR "
    parts = ["(" + " OR ".join(_fts5_quote(key) for key in group) + ")" for group in groups]
    return joiner.join(part for part in parts if part != "()")


def trigram_fts5_expression(text: str) -> str:
    """An FTS5 trigram-table expression matching any three-letter run of the words."""
    grams: dict[str, None] = {}
    for word in query_terms(text):
        for index in range(len(word) - 2):
            grams[word[index : index + 3]] = None
    return " OR ".join(_fts5_quote(gram) for gram in list(grams)[:48])


def safe_snippet(marked: str) -> str:
    """Escape a snippet whose highlights are private-use markers, then restore them as <mark>."""
    escaped = html.escape(marked, quote=True)
    for char, stand_in in TAG_STAND_INS.items():
        escaped = escaped.replace(stand_in, html.escape(char))
    return escaped.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")


def strip_email_domains(text: str) -> str:
    """Drop the domain of every e-mail address in a text: typo keys cover the local part only."""
    return " ".join(word.split("@", 1)[0] for word in text.split())
