"""Embedded mode: SQLite FTS5 tables keyed by person id (the rowid).

search_fts      the weighted document (bm25 column weights, snippet())
search_trigram  names and e-mails under the trigram tokenizer (substring and near matches)
search_namekeys typo keys of names and e-mail local parts (fulltext_terms.name_keys)
"""

# S608: these modules join constant SQL fragments, table names and %s placeholders only;
# every value (ids, MATCH expressions, query words) is bound as a parameter.
# ruff: noqa: S608

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import OperationalError, connection

from talentloop.search import fulltext_terms as terms

NOTE_KINDS = "('note', 'call', 'meeting', 'email')"
NOTES_PER_PERSON = 50
# bm25 weights, one per column of search_fts in order (workspace_id first, never matched).
BM25_WEIGHTS = "0.0, 10.0, 8.0, 4.0, 2.0, 1.0, 1.0"

# Why string constants and not user text: only ids and MATCH expressions vary, and those are
# always bound as parameters.
DOCUMENT_SELECT = f"""
SELECT p.id AS person_id, p.workspace_id AS workspace_id,
  trim(p.first_name || ' ' || p.last_name) AS names,
  trim(p.primary_email || ' ' || coalesce((
      SELECT group_concat(c.value, ' ') FROM people_contactpoint c
       WHERE c.person_id = p.id AND c.kind = 'email' AND c.value <> p.primary_email), '')
  ) AS emails,
  trim(p.headline || ' ' || p.current_title || ' ' || p.current_company_name || ' ' || coalesce((
      SELECT group_concat(s.name, ', ') FROM people_personskill s WHERE s.person_id = p.id), '')
  ) AS headline,
  trim(p.summary || ' ' || coalesce((
      SELECT group_concat(w.title || ' ' || w.company_name || ' ' || w.description, ' · ')
        FROM people_workexperience w WHERE w.person_id = p.id), '') || ' ' || coalesce((
      SELECT group_concat(e.institution || ' ' || e.degree || ' ' || e.field_of_study, ' · ')
        FROM people_education e WHERE e.person_id = p.id), '')
  ) AS work,
  coalesce((
      SELECT group_concat(trim(a.subject || ' ' || a.body), ' · ') FROM (
        SELECT subject, body FROM people_activity a
         WHERE a.person_id = p.id AND a.kind IN {NOTE_KINDS}
         ORDER BY a.occurred_at DESC LIMIT {NOTES_PER_PERSON}) a), '') AS notes,
  coalesce((
      SELECT group_concat(x.body, ' · ') FROM search_extra_text x WHERE x.person_id = p.id), ''
  ) AS resume
FROM people_person p
"""
_TABLES = ("search_fts", "search_trigram", "search_namekeys")
# The `rank` column of search_fts: bm25 with the column weights (also set by the migration).
RANK_CONFIG = f"INSERT INTO search_fts (search_fts, rank) VALUES ('rank', 'bm25({BM25_WEIGHTS})')"


def _name_keys_sql(names: str | None, emails: str | None) -> str:
    local_parts = " ".join(email.split("@", 1)[0] for email in (emails or "").split())
    return " ".join(terms.name_keys(f"{names or ''} {local_parts}"))


def _prepare() -> None:
    # Why probe first: SQLite refuses to (re)define a function while statements of the
    # connection are open, so each connection defines it once.
    connection.ensure_connection()
    with connection.cursor() as cursor:
        try:
            cursor.execute("SELECT talentloop_name_keys('', '')")
        except OperationalError:
            connection.connection.create_function(
                "talentloop_name_keys", 2, _name_keys_sql, deterministic=True
            )


def _fill(where: str, params: Sequence[Any]) -> int:
    """Insert the documents of the people selected by `where` into all three tables."""
    _prepare()
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS temp.search_stage")
        cursor.execute(
            f"CREATE TEMP TABLE search_stage AS {DOCUMENT_SELECT} WHERE {where}", list(params)
        )
        cursor.execute(
            "INSERT INTO search_fts (rowid, workspace_id, names, emails, headline, work, notes,"
            " resume) SELECT person_id, workspace_id, names, emails, headline, work, notes,"
            " resume FROM temp.search_stage"
        )
        count = cursor.rowcount
        cursor.execute(
            "INSERT INTO search_trigram (rowid, workspace_id, names, emails)"
            " SELECT person_id, workspace_id, names, emails FROM temp.search_stage"
        )
        cursor.execute(
            "INSERT INTO search_namekeys (rowid, workspace_id, keys) SELECT person_id,"
            " workspace_id, talentloop_name_keys(names, emails) FROM temp.search_stage"
        )
        cursor.execute("DROP TABLE temp.search_stage")
    return int(count)


def reindex(person_ids: list[int]) -> None:
    placeholders = ", ".join(["%s"] * len(person_ids))
    with connection.cursor() as cursor:
        for table in _TABLES:
            cursor.execute(f"DELETE FROM {table} WHERE rowid IN ({placeholders})", person_ids)
    _fill(f"p.id IN ({placeholders})", person_ids)


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
    if workspace_id is None:
        return _fill("1 = 1", [])
    return _fill("p.workspace_id = %s", [workspace_id])


def match_sql(expression: str) -> tuple[str, list[Any]]:
    # Why no workspace filter here: workspace_id is an UNINDEXED column, so testing it reads
    # every hit's stored text; the caller's Q adds Person.workspace_id instead (an index).
    return ("SELECT rowid FROM search_fts WHERE search_fts MATCH %s", [expression])


def ranked_ids(
    expression: str, base_sql: str, base_params: Sequence[Any], limit: int, offset: int
) -> list[tuple[int, float]]:
    """The people of the base query ordered by relevance (people matching nothing rank 0)."""
    with connection.cursor() as cursor:
        cursor.execute(base_sql, list(base_params))
        ids = [int(row[0]) for row in cursor.fetchall()]
        if not ids:
            return []
        # Why every hit and not just the base people: FTS5 runs a separate MATCH for each id
        # of an IN list, while one pass yields the configured bm25 `rank` of all hits at once.
        cursor.execute(
            "SELECT rowid, -rank FROM search_fts WHERE search_fts MATCH %s", [expression]
        )
        wanted = set(ids)
        ranks = {int(row[0]): float(row[1]) for row in cursor.fetchall() if row[0] in wanted}
    ids.sort(key=lambda person_id: (-ranks.get(person_id, 0.0), -person_id))
    return [(person_id, ranks.get(person_id, 0.0)) for person_id in ids[offset : offset + limit]]


def snippets(
    workspace_id: int, expression: str, person_ids: list[int]
) -> dict[int, tuple[float, str]]:
    placeholders = ", ".join(["%s"] * len(person_ids))
    sql = (
        "SELECT rowid, -bm25(search_fts, " + BM25_WEIGHTS + "),"
        " snippet(search_fts, -1, %s, %s, '…', 16) FROM search_fts"
        " WHERE search_fts MATCH %s AND workspace_id = %s AND rowid IN (" + placeholders + ")"
    )
    params: list[Any] = [terms.MARK_START, terms.MARK_END, expression, workspace_id, *person_ids]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {
            int(row[0]): (float(row[1]), terms.safe_snippet(str(row[2] or "")))
            for row in cursor.fetchall()
        }


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
