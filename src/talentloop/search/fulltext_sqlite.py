"""Embedded mode: SQLite FTS5 tables keyed by person id (the rowid).

search_fts      the weighted document (bm25 column weights, snippet()), and filter tokens
                (`countrygb seniority4`) that let a text match apply the filters beside it
search_trigram  names and e-mails under the trigram tokenizer (substring and near matches)
search_namekeys typo keys of names and e-mail local parts (fulltext_terms.name_keys)

Documents are assembled in Python from one read of each child table per slice of people;
the per-person path (`reindex`) and the bulk path (`rebuild`) share that assembly.
"""

# S608: these modules join constant SQL fragments, table names and %s placeholders only;
# every value (ids, MATCH expressions, query words) is bound as a parameter.
# ruff: noqa: S608

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import connection

from talentloop.search import fulltext_terms as terms
from talentloop.search.fulltext_terms import Narrowing

NOTE_KINDS = "('note', 'call', 'meeting', 'email')"
NOTES_PER_PERSON = 50
# bm25 weights, one per column of search_fts in order (workspace_id first, never matched).
# The last column holds the filter tokens: weight 0, so they never change a rank.
BM25_WEIGHTS = "0.0, 10.0, 8.0, 4.0, 2.0, 1.0, 1.0, 0.0"
# People per slice of a bulk build: each slice reads every child table once by id range.
SLICE_PEOPLE = 10_000
# Why 256 MiB during a bulk build: the default 2 MB cache over a multi-GB file re-reads the
# same index and FTS5 pages from disk for every slice; the connection's own size comes back
# afterwards, so the memory is held only while the build runs.
BUILD_CACHE_SIZE_KIB = 262_144

# Whose child rows a read covers: (SQL condition on person_id, parameters).
PeopleFilter = tuple[str, list[Any]]
# person_id, workspace_id, names, emails, headline, work, notes, resume, filters
Document = tuple[int, int, str, str, str, str, str, str, str]

_PERSON_SELECT = (
    "SELECT id, workspace_id, trim(first_name || ' ' || last_name), primary_email,"
    " headline || ' ' || current_title || ' ' || current_company_name, summary, country,"
    " seniority_rank FROM people_person"
)
# One piece of text per child row, as (person_id, piece), in the order the pieces are joined.
# Why these orders: they are the index orders the per-person sub-selects used to read in, so
# documents keep their text order (e-mails by value, the rest by id, notes newest first).
# Why INDEXED BY: the planner could take the kind filter to activity_ws_kind (workspace, kind,
# occurred_at) and read every note of the workspace for each slice or person; pinned to
# activity_person_recent it reads only these people's notes, newest first, with no sort.
_PIECES = {
    "emails": "SELECT person_id, value FROM people_contactpoint"
    " WHERE {people} AND kind = 'email' ORDER BY person_id, value",
    "skills": "SELECT person_id, name FROM people_personskill"
    " WHERE {people} ORDER BY person_id, id",
    "work": "SELECT person_id, title || ' ' || company_name || ' ' || description"
    " FROM people_workexperience WHERE {people} ORDER BY person_id, id",
    "education": "SELECT person_id, institution || ' ' || degree || ' ' || field_of_study"
    " FROM people_education WHERE {people} ORDER BY person_id, id",
    "notes": "SELECT person_id, trim(subject || ' ' || body)"
    " FROM people_activity INDEXED BY activity_person_recent"
    f" WHERE {{people}} AND kind IN {NOTE_KINDS} ORDER BY person_id, occurred_at DESC, id",
    "resume": "SELECT person_id, body FROM search_extra_text"
    " WHERE {people} ORDER BY person_id, source",
}
_TABLES = ("search_fts", "search_trigram", "search_namekeys")
# The `rank` column of search_fts: bm25 with the column weights (also set by the migration).
RANK_CONFIG = f"INSERT INTO search_fts (search_fts, rank) VALUES ('rank', 'bm25({BM25_WEIGHTS})')"


def _name_keys(names: str | None, emails: str | None) -> str:
    local_parts = " ".join(email.split("@", 1)[0] for email in (emails or "").split())
    return " ".join(terms.name_keys(f"{names or ''} {local_parts}"))


def _pieces(sql: str, people: PeopleFilter) -> dict[int, list[str]]:
    found: dict[int, list[str]] = defaultdict(list)
    condition, params = people
    with connection.cursor() as cursor:
        cursor.execute(sql.format(people=condition), params)
        for person_id, piece in cursor.fetchall():
            found[person_id].append(piece)
    return found


def _document(person: Sequence[Any], pieces: dict[str, dict[int, list[str]]]) -> Document:
    """One person's columns, as the trim / group_concat of the SQL text they replace."""
    person_id, workspace_id, names, primary_email, headline, summary, country, rank = person

    def of(column: str) -> list[str]:
        return pieces[column].get(person_id, [])

    others = " ".join(email for email in of("emails") if email != primary_email)
    work = " · ".join(of("work"))
    education = " · ".join(of("education"))
    return (
        person_id,
        workspace_id,
        names,
        f"{primary_email} {others}".strip(" "),
        f"{headline} {', '.join(of('skills'))}".strip(" "),
        f"{summary} {work} {education}".strip(" "),
        " · ".join(of("notes")[:NOTES_PER_PERSON]),
        " · ".join(of("resume")),
        filter_tokens(country, rank),
    )


def _write(people: list[Sequence[Any]], children: PeopleFilter) -> None:
    """Insert the documents of `people` into all three tables; `children` covers them all."""
    pieces = {column: _pieces(sql, children) for column, sql in _PIECES.items()}
    documents = [_document(person, pieces) for person in people]
    with connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO search_fts (rowid, workspace_id, names, emails, headline, work, notes,"
            " resume, filters) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
            documents,
        )
        cursor.executemany(
            "INSERT INTO search_trigram (rowid, workspace_id, names, emails)"
            " VALUES (%s, %s, %s, %s)",
            [document[:4] for document in documents],
        )
        cursor.executemany(
            "INSERT INTO search_namekeys (rowid, workspace_id, keys) VALUES (%s, %s, %s)",
            [(d[0], d[1], _name_keys(d[2], d[3])) for d in documents],
        )


def reindex(person_ids: list[int]) -> None:
    placeholders = ", ".join(["%s"] * len(person_ids))
    with connection.cursor() as cursor:
        for table in _TABLES:
            cursor.execute(f"DELETE FROM {table} WHERE rowid IN ({placeholders})", person_ids)
        cursor.execute(f"{_PERSON_SELECT} WHERE id IN ({placeholders})", person_ids)
        people = cursor.fetchall()
    if people:
        _write(people, (f"person_id IN ({placeholders})", list(person_ids)))


@contextmanager
def _large_page_cache() -> Iterator[None]:
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        previous = int(cursor.fetchone()[0])
        cursor.execute(f"PRAGMA cache_size = -{BUILD_CACHE_SIZE_KIB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {previous}")


def _fill_in_slices(workspace_id: int | None) -> int:
    """Write the documents of everyone (or one workspace), SLICE_PEOPLE people at a time.

    Why slices by id range and not per-person sub-selects: each child table is read once per
    slice along its person_id index, instead of a handful of index look-ups per person.
    """
    scope, params = (
        ("workspace_id = %s AND ", [workspace_id]) if workspace_id is not None else ("", [])
    )
    count, after = 0, 0
    while True:
        with connection.cursor() as cursor:
            cursor.execute(
                f"{_PERSON_SELECT} WHERE {scope}id > %s ORDER BY id LIMIT %s",
                [*params, after, SLICE_PEOPLE],
            )
            people = cursor.fetchall()
        if not people:
            return count
        after = people[-1][0]
        # Rows of other workspaces' people inside the range are read and left out.
        _write(people, ("person_id BETWEEN %s AND %s", [people[0][0], after]))
        count += len(people)


def rebuild(workspace_id: int | None) -> int:
    with connection.cursor() as cursor:
        cursor.execute(RANK_CONFIG)
        for table in _TABLES:
            if workspace_id is None:
                cursor.execute(f"DELETE FROM {table}")
            else:
                cursor.execute(f"DELETE FROM {table} WHERE workspace_id = %s", [workspace_id])
        if workspace_id is None:
            cursor.execute(
                "DELETE FROM search_extra_text WHERE person_id NOT IN"
                " (SELECT id FROM people_person)"
            )
    with _large_page_cache():
        return _fill_in_slices(workspace_id)


def filter_tokens(country: str, seniority_rank: int) -> str:
    """The `filters` column of a person (fulltext_terms.filter_words)."""
    return " ".join(terms.filter_words(country, seniority_rank))


def narrowed(expression: str, narrowing: Sequence[Narrowing]) -> str:
    """The MATCH expression with the filters beside the text as filter-column words."""
    parts = [f"({expression})"]
    for words in terms.narrowing_words(narrowing):
        # No rank qualifies: a word no filters column holds.
        parts.append(f"filters : ({' OR '.join(words) or 'nobody'})")
    return " AND ".join(parts) if len(parts) > 1 else expression


def match_sql(expression: str, narrowing: Sequence[Narrowing] = ()) -> tuple[str, list[Any]]:
    # Why no workspace filter here: workspace_id is an UNINDEXED column, so testing it reads
    # every hit's stored text; the caller's Q adds Person.workspace_id instead (an index).
    return (
        "SELECT rowid FROM search_fts WHERE search_fts MATCH %s",
        [narrowed(expression, narrowing)],
    )


def ranked_ids(
    expression: str,
    base_sql: str,
    base_params: Sequence[Any],
    limit: int,
    offset: int,
    narrowing: Sequence[Narrowing] = (),
) -> list[tuple[int, float]]:
    """The people of the base query ordered by relevance (people matching nothing rank 0).

    `narrowing` holds filters every base person meets; in the MATCH they spare ranking the
    hits that are no base people anyway.
    """
    with connection.cursor() as cursor:
        cursor.execute(base_sql, list(base_params))
        ids = [int(row[0]) for row in cursor.fetchall()]
        if not ids:
            return []
        # Why every hit and not just the base people: FTS5 runs a separate MATCH for each id
        # of an IN list, while one pass yields the configured bm25 `rank` of all hits at once.
        cursor.execute(
            "SELECT rowid, -rank FROM search_fts WHERE search_fts MATCH %s",
            [narrowed(expression, narrowing)],
        )
        wanted = set(ids)
        ranks = {int(row[0]): float(row[1]) for row in cursor.fetchall() if row[0] in wanted}
    ids.sort(key=lambda person_id: (-ranks.get(person_id, 0.0), -person_id))
    return [(person_id, ranks.get(person_id, 0.0)) for person_id in ids[offset : offset + limit]]


def snippets(workspace_id: int, expression: str, person_ids: list[int]) -> dict[int, str]:
    placeholders = ", ".join(["%s"] * len(person_ids))
    # Why no bm25() here: FTS5 answers `rowid IN (…)` with one look-up per id, and bm25 counts
    # every hit of each word again for each look-up (a million-person index: ~20 ms a person).
    sql = (
        "SELECT rowid, snippet(search_fts, -1, %s, %s, '…', 16) FROM search_fts"
        " WHERE search_fts MATCH %s AND workspace_id = %s AND rowid IN (" + placeholders + ")"
    )
    params: list[Any] = [terms.MARK_START, terms.MARK_END, expression, workspace_id, *person_ids]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {int(row[0]): terms.safe_snippet(str(row[1] or "")) for row in cursor.fetchall()}


def key_matches(workspace_id: int, expression: str, cap: int) -> list[int]:
    """People whose typo keys satisfy an FTS5 expression (fulltext_terms.keys_fts5_expression)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rowid FROM search_namekeys WHERE search_namekeys MATCH %s"
            " AND workspace_id = %s LIMIT %s",
            [expression, workspace_id, cap],
        )
        return [int(row[0]) for row in cursor.fetchall()]


def trigram_matches(workspace_id: int, text: str, cap: int) -> list[int]:
    """People sharing the most three-letter runs with the text, best first."""
    grams = terms.trigram_fts5_expression(text)
    if not grams:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rowid FROM search_trigram WHERE search_trigram MATCH %s"
            " AND workspace_id = %s ORDER BY rank LIMIT %s",
            [grams, workspace_id, cap],
        )
        return [int(row[0]) for row in cursor.fetchall()]


def names_of(person_ids: list[int]) -> list[tuple[int, str, str]]:
    if not person_ids:
        return []
    placeholders = ", ".join(["%s"] * len(person_ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT rowid, names, emails FROM search_trigram WHERE rowid IN ({placeholders})",
            person_ids,
        )
        return [(int(row[0]), str(row[1]), str(row[2])) for row in cursor.fetchall()]
