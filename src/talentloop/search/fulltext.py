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
from rapidfuzz import fuzz, process, utils

from talentloop.core import clock
from talentloop.core.models import Event
from talentloop.people.models import Person
from talentloop.search import fulltext_postgres, fulltext_sqlite
from talentloop.search import fulltext_terms as terms
from talentloop.search.fulltext_terms import Narrowing, TextFocus

__all__ = [
    "Narrowing",
    "TextFocus",
    "fuzzy_people",
    "match_q",
    "ranked_people",
    "rebuild_index",
    "reindex_people",
    "set_extra_text",
    "snippets",
]

REINDEX_BATCH = 500
FUZZY_CANDIDATES = 500
FUZZY_TRIGRAM_CANDIDATES = 100
FUZZY_MIN_SCORE = 60.0
# A typed address this close to a stored one (fuzz.ratio, one or two typos) is that person.
SAME_ADDRESS = 90.0
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

    `narrowing` repeats filters the caller applies anyway; where the index carries their
    values (fulltext_terms.NARROWING_COLUMNS) they cut the hits down inside the match.
    """
    expression = _expression(text, phrase=phrase)
    if not expression:
        return Q(pk__in=[])
    usable = [n for n in narrowing if n.column in terms.NARROWING_COLUMNS]
    if connection.vendor == "postgresql":
        sql, params = fulltext_postgres.match_sql(workspace_id, expression, phrase, usable)
    else:
        sql, params = fulltext_sqlite.match_sql(expression, usable)
    # S611: the SQL is constant; the text is a parameter.
    return Q(workspace_id=workspace_id) & Q(pk__in=RawSQL(sql, params))  # noqa: S611


def _any_word_expression(text: str) -> str:
    words = terms.query_terms(text)
    if connection.vendor == "postgresql":
        return terms.tsquery_words(words)
    return " OR ".join(terms.fts5_expression([word]) for word in words)


def ranked_people(
    workspace_id: int,
    text: str,
    people: QuerySet[Person],
    *,
    limit: int,
    offset: int = 0,
    focus: TextFocus | None = None,
) -> list[tuple[int, float]]:
    """One page of `people` ordered by relevance to `text`: (person id, rank), best first.

    `focus`: what every one of `people` holds (compiler.text_focus of their query): the
    text terms and the filters beside them, which let the ranking start from the index's
    hits rather than from the people.
    """
    expression = _any_word_expression(text)
    base_sql, base_params = people.values_list("id").query.sql_with_params()
    if not expression:
        return [
            (int(pk), 0.0)
            for pk in people.order_by("-pk").values_list("pk", flat=True)[offset : offset + limit]
        ]
    focus = focus or TextFocus()
    narrowing = [n for n in focus.narrowing if n.column in terms.NARROWING_COLUMNS]
    if connection.vendor == "postgresql":
        required = [(_expression(term, phrase=phrase), phrase) for term, phrase in focus.terms]
        return fulltext_postgres.ranked_ids(
            workspace_id,
            expression,
            (base_sql, list(base_params)),
            limit,
            offset,
            required=required,
            narrowing=narrowing,
        )
    return fulltext_sqlite.ranked_ids(expression, base_sql, base_params, limit, offset, narrowing)


def snippets(workspace_id: int, text: str, person_ids: list[int]) -> dict[int, str]:
    """An HTML-safe snippet per person (<mark> around hits, the rest escaped).

    People the text does not match are left out. Relevance comes from `ranked_people`: on
    SQLite a bm25 value here would cost one pass over every hit of the words per person.
    """
    expression = _any_word_expression(text)
    if not expression or not person_ids:
        return {}
    found: dict[int, str] = _backend().snippets(workspace_id, expression, list(person_ids))
    return found


def fuzzy_people(
    workspace_id: int, text: str, limit: int = 20, visible: QuerySet[Person] | None = None
) -> list[tuple[int, float]]:
    """People whose name or e-mail is close to `text`, typos allowed; (id, score), best first."""
    if not terms.query_terms(text):
        return []
    candidates = _fuzzy_candidates(workspace_id, text, enough=limit, visible=visible)
    scored = [
        (person_id, score)
        for (person_id, _names, _emails), score in zip(
            candidates, _closeness(text, candidates), strict=True
        )
        if score >= FUZZY_MIN_SCORE
    ]
    scored.sort(key=lambda item: (-item[1], item[0]))
    return [(person_id, round(score / 100.0, 4)) for person_id, score in scored[:limit]]


def _fuzzy_candidates(
    workspace_id: int, text: str, *, enough: int, visible: QuerySet[Person] | None
) -> list[tuple[int, str, str]]:
    """Who might be meant, from the most telling source to the broadest, until there are enough.

    Typo keys shared by every word ("Jonh Smtih"), then trigram neighbours (partial words,
    e-mail addresses), then typo keys shared by any word. E-mail domains are left out: nearly
    everyone shares them. A typed address within a typo or two of a stored one names that
    person, and the broader sources are not asked.
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
    address = text.strip().lower() if "@" in text else ""
    rows: dict[int, tuple[int, str, str]] = {}
    for step in steps:
        if len(rows) >= enough or (address and _names_an_address(address, rows.values())):
            break
        new = [person_id for person_id in dict.fromkeys(step()) if person_id not in rows]
        new = new[: FUZZY_CANDIDATES - len(rows)]
        if visible is not None and new:
            allowed = set(visible.filter(pk__in=new).values_list("pk", flat=True))
            new = [person_id for person_id in new if person_id in allowed]
        if new:
            rows.update((row[0], row) for row in backend.names_of(new))
    return list(rows.values())


def _names_an_address(address: str, rows: Iterable[tuple[int, str, str]]) -> bool:
    addresses = [email.lower() for _id, _names, emails in rows for email in emails.split()]
    return bool(addresses) and (
        process.extractOne(address, addresses, scorer=fuzz.ratio, score_cutoff=SAME_ADDRESS)
        is not None
    )


def _closeness(text: str, rows: Sequence[tuple[int, str, str]]) -> list[float]:
    """How close each row's name or best e-mail is to the text (0-100), scored in one batch.

    An e-mail counts whole, or by its local part at 95 %.
    """
    query = terms.fold(text)
    best = _scores(query, [terms.fold(names) for _id, names, _emails in rows], fuzz.WRatio)
    owners = [index for index, (_id, _names, emails) in enumerate(rows) for _ in emails.split()]
    emails = [email for _id, _names, emails in rows for email in emails.split()]
    whole = _scores(query.strip(), [email.lower() for email in emails], fuzz.ratio, processed=False)
    local = _scores(query, [email.split("@", 1)[0] for email in emails], fuzz.WRatio)
    for owner, whole_score, local_score in zip(owners, whole, local, strict=True):
        best[owner] = max(best[owner], whole_score, local_score * 0.95)
    return best


def _scores(
    query: str, choices: list[str], scorer: Callable[..., float], *, processed: bool = True
) -> list[float]:
    """The scorer's value for each choice, in order (one call into rapidfuzz for all)."""
    found = [0.0] * len(choices)
    processor = utils.default_process if processed else None
    for _choice, score, index in process.extract(
        query, choices, scorer=scorer, processor=processor, limit=None
    ):
        found[index] = float(score)
    return found


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
    existing = set(connection.introspection.table_names())
    if "search_extra_text" not in existing:
        return  # migrated back to before the search tables
    if Person.objects.exists():
        return
    tables = ["search_extra_text"]
    if connection.vendor == "postgresql":
        tables += [table.name for table in fulltext_postgres.TABLES]
    else:
        tables += ["search_fts", "search_trigram", "search_namekeys"]
    with connection.cursor() as cursor:
        # Only those the applied migrations have made (a database migrated back has fewer).
        for table in (table for table in tables if table in existing):
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - a constant table name
