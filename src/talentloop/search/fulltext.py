"""Full-text and typo-tolerant search over people: one interface, two databases.

SQLite uses FTS5 tables (fulltext_sqlite), PostgreSQL a tsvector + pg_trgm document table
(fulltext_postgres). Both are kept current by `reindex_people`, which the search event consumer
calls for every person an event touches, and rebuilt in bulk by `rebuild_index`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta
from types import ModuleType

from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL
from rapidfuzz import fuzz, utils

from talentloop.core import clock
from talentloop.core.models import Event
from talentloop.people.models import Person
from talentloop.search import fulltext_postgres, fulltext_sqlite
from talentloop.search import fulltext_terms as terms
from talentloop.search.fulltext_terms import Narrowing

__all__ = [
    "Narrowing",
    "fuzzy_people",
    "match_q",
    "rank_and_snippets",
    "ranked_people",
    "rebuild_index",
    "reindex_people",
    "set_extra_text",
]

REINDEX_BATCH = 500
FUZZY_CANDIDATES = 500
FUZZY_TRIGRAM_CANDIDATES = 100
FUZZY_MIN_SCORE = 60.0
REBUILD_OVERLAP = timedelta(seconds=5)


def _backend() -> ModuleType:
    return fulltext_postgres if connection.vendor == "postgresql" else fulltext_sqlite


def _expression(text: str, *, phrase: bool) -> str:
    """What the backend matches: an FTS5 expression, or the words for a PostgreSQL tsquery."""
    words = terms.query_terms(text)
    if connection.vendor == "postgresql":
        return terms.tsquery_words(words)
    return terms.fts5_expression(words, phrase=phrase)


def match_q(
    workspace_id: int, text: str, phrase: bool = False, narrowing: Sequence[Narrowing] = ()
) -> Q:
    """People of the workspace whose document holds every word of `text` (or the phrase).

    `narrowing` repeats filters the caller applies anyway; where the document carries their
    columns (PostgreSQL) they cut the hits down inside the match.
    """
    expression = _expression(text, phrase=phrase)
    if not expression:
        return Q(pk__in=[])
    if connection.vendor == "postgresql":
        usable = [n for n in narrowing if n.column in fulltext_postgres.DOCUMENT_COLUMNS]
        sql, params = fulltext_postgres.match_sql(workspace_id, expression, phrase, usable)
    else:
        sql, params = fulltext_sqlite.match_sql(expression)
    # S611: the SQL is constant; the text is a parameter.
    return Q(workspace_id=workspace_id) & Q(pk__in=RawSQL(sql, params))  # noqa: S611


def _any_word_expression(text: str) -> str:
    words = terms.query_terms(text)
    if connection.vendor == "postgresql":
        return terms.tsquery_words(words)
    return " OR ".join(terms.fts5_expression([word]) for word in words)


def ranked_people(
    workspace_id: int, text: str, people: QuerySet[Person], *, limit: int, offset: int = 0
) -> list[tuple[int, float]]:
    """One page of `people` ordered by relevance to `text`: (person id, rank), best first."""
    expression = _any_word_expression(text)
    base_sql, base_params = people.values_list("id").query.sql_with_params()
    if not expression:
        return [
            (int(pk), 0.0)
            for pk in people.order_by("-pk").values_list("pk", flat=True)[offset : offset + limit]
        ]
    if connection.vendor == "postgresql":
        return fulltext_postgres.ranked_ids(
            workspace_id, expression, base_sql, base_params, limit, offset
        )
    return fulltext_sqlite.ranked_ids(expression, base_sql, base_params, limit, offset)


def rank_and_snippets(
    workspace_id: int, text: str, person_ids: list[int]
) -> dict[int, tuple[float, str]]:
    """Relevance and an HTML-safe snippet (<mark> around hits, the rest escaped) per person.

    People the text does not match are left out.
    """
    expression = _any_word_expression(text)
    if not expression or not person_ids:
        return {}
    found: dict[int, tuple[float, str]] = _backend().snippets(
        workspace_id, expression, list(person_ids)
    )
    return found


def fuzzy_people(
    workspace_id: int, text: str, limit: int = 20, visible: QuerySet[Person] | None = None
) -> list[tuple[int, float]]:
    """People whose name or e-mail is close to `text`, typos allowed; (id, score), best first."""
    if not terms.query_terms(text):
        return []
    candidates = _fuzzy_candidates(workspace_id, text, enough=limit)
    if visible is not None and candidates:
        allowed = set(
            visible.filter(pk__in=[row[0] for row in candidates]).values_list("pk", flat=True)
        )
        candidates = [row for row in candidates if row[0] in allowed]
    scored = [
        (person_id, _closeness(text, names, emails)) for person_id, names, emails in candidates
    ]
    scored = [(person_id, score) for person_id, score in scored if score >= FUZZY_MIN_SCORE]
    scored.sort(key=lambda item: (-item[1], item[0]))
    return [(person_id, round(score / 100.0, 4)) for person_id, score in scored[:limit]]


def _fuzzy_candidates(workspace_id: int, text: str, *, enough: int) -> list[tuple[int, str, str]]:
    """Who might be meant, from the most telling source to the broadest, until there are enough.

    Typo keys shared by every word ("Jonh Smtih"), then trigram neighbours (partial words,
    e-mail addresses), then typo keys shared by any word. E-mail domains are left out: nearly
    everyone shares them.
    """
    backend = _backend()
    bare = terms.strip_email_domains(text)
    groups = terms.word_key_groups(bare)
    vendor_keys = (
        terms.keys_tsquery if connection.vendor == "postgresql" else (terms.keys_fts5_expression)
    )
    every_word, any_word = (vendor_keys(groups, every_word=flag) for flag in (True, False))
    steps: list[Callable[[], list[int]]] = [
        lambda: backend.key_matches(workspace_id, every_word, FUZZY_CANDIDATES)
        if every_word
        else [],
        lambda: backend.trigram_matches(workspace_id, bare, FUZZY_TRIGRAM_CANDIDATES),
        lambda: backend.key_matches(workspace_id, any_word, FUZZY_CANDIDATES) if any_word else [],
    ]
    found: dict[int, None] = {}
    for step in steps:
        if len(found) >= enough:
            break
        found.update(dict.fromkeys(step()))
    rows: list[tuple[int, str, str]] = backend.names_of(list(found)[:FUZZY_CANDIDATES])
    return rows


def _closeness(text: str, names: str, emails: str) -> float:
    query = terms.fold(text)
    best = fuzz.WRatio(query, terms.fold(names), processor=utils.default_process)
    for email in emails.split():
        best = max(best, fuzz.ratio(query.strip(), email.lower()))
        local = email.split("@", 1)[0]
        best = max(best, fuzz.WRatio(query, local, processor=utils.default_process) * 0.95)
    return float(best)


def reindex_people(person_ids: Iterable[int]) -> None:
    """Bring the index rows of these people up to date; people who are gone are dropped."""
    ids = sorted({int(person_id) for person_id in person_ids})
    backend = _backend()
    for start in range(0, len(ids), REINDEX_BATCH):
        with transaction.atomic():
            backend.reindex(ids[start : start + REINDEX_BATCH])


def rebuild_index(workspace_id: int | None = None) -> int:
    """Rebuild the index of one workspace (or all) from scratch; returns how many people."""
    started = clock.now()
    with transaction.atomic():
        count: int = _backend().rebuild(workspace_id)
    # Why: changes committed while the rebuild ran may have been indexed into the table it
    # replaced; the events since its start name those people.
    reindex_people(_people_changed_since(started, workspace_id))
    return count


def _people_changed_since(moment: datetime, workspace_id: int | None) -> set[int]:
    events = Event.objects.filter(occurred_at__gte=moment - REBUILD_OVERLAP)
    if workspace_id is not None:
        events = events.filter(workspace_id=workspace_id)
    ids: set[int] = set()
    for subject_type, subject_id, data in events.values_list("subject_type", "subject_id", "data"):
        if subject_type == "person":
            ids.add(subject_id)
        person_id = data.get("person_id") if isinstance(data, dict) else None
        if isinstance(person_id, int):
            ids.add(person_id)
    return ids


def set_extra_text(person_id: int, source: str, text: str) -> None:
    """Attach searchable text from elsewhere (e.g. source="resume": a parsed resume) and reindex.

    Resume parsing calls this with the extracted text; an empty text removes that source.
    """
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM search_extra_text WHERE person_id = %s AND source = %s",
            [person_id, source[:32]],
        )
        if text.strip():
            cursor.execute(
                "INSERT INTO search_extra_text (person_id, source, body) VALUES (%s, %s, %s)",
                [person_id, source[:32], text],
            )
        reindex_people([person_id])


def forget_everyone_when_no_people(**_: object) -> None:
    """After a flush (tests) empties the people table, empty the search tables too.

    Connected to post_migrate. Why: the search tables are not Django models, so a flush leaves
    them full, and SQLite hands the same ids to the next people created.
    """
    if "search_extra_text" not in connection.introspection.table_names():
        return  # migrated back to before the search tables
    if Person.objects.exists():
        return
    tables = ["search_extra_text"]
    if connection.vendor == "postgresql":
        tables.append("search_document")
    else:
        tables += ["search_fts", "search_trigram", "search_namekeys"]
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - a constant table name
