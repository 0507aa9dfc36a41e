"""Production mode: PostgreSQL search documents (weighted tsvector, typo keys, pg_trgm).

One row per person in `search_document`: names/e-mails weigh A, headline/title/company/skills B,
summary/work history/education C, notes and resume text D. The source text is not stored; a
snippet is cut from it again for the few people on a page. One row per person in
`search_name`: names, e-mails, their typo keys and trigram text, for the fuzzy look-up.
"""

# S608: these modules join constant SQL fragments, table names and %s placeholders only;
# every value (ids, MATCH expressions, query words) is bound as a parameter.
# ruff: noqa: S608

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction

from talentloop.core.bulk import refresh_statistics
from talentloop.search import fulltext_terms as terms
from talentloop.search.fulltext_terms import Narrowing

NOTE_KINDS = "('note', 'call', 'meeting', 'email')"
NOTES_MAX_CHARS = 100_000
TEXT_CONFIG = "english"
HEADLINE_OPTIONS = (
    f'StartSel="{terms.MARK_START}", StopSel="{terms.MARK_END}", MaxWords=24, MinWords=8,'
    ' MaxFragments=2, FragmentDelimiter=" … "'
)
# Why a floor and not the default 0.6: a typed name with two typos ("jonh smtih") shares few
# trigrams with the stored words; the typo keys find those, trigrams find partial and e-mail input.
WORD_SIMILARITY_FLOOR = "0.45"

_TEXT = f"""
  p.country AS country, p.seniority_rank AS seniority_rank,
  btrim(p.first_name || ' ' || p.last_name) AS names,
  coalesce(nullif({{emails}}, ''), p.primary_email) AS emails,
  concat_ws(' ', nullif(p.headline, ''), nullif(p.current_title, ''),
            nullif(p.current_company_name, ''), {{skills}}) AS headline,
  concat_ws(' ', nullif(p.summary, ''), {{work}}, {{education}}) AS work,
  left(coalesce({{notes}}, ''), {NOTES_MAX_CHARS}) AS notes,
  coalesce({{extra}}, '') AS resume
"""

_EMAILS_OF_ONE = (
    "(SELECT string_agg(c.value, ' ') FROM people_contactpoint c"
    " WHERE c.person_id = p.id AND c.kind = 'email')"
)
_EMAILS_OF_EVERYONE = """
  LEFT JOIN (SELECT person_id, string_agg(value, ' ') AS agg FROM people_contactpoint
              WHERE kind = 'email' GROUP BY person_id) ce ON ce.person_id = p.id"""

# For a handful of people: correlated look-ups by person id.
DOCUMENT_SELECT = (
    "SELECT p.id AS person_id, p.workspace_id AS workspace_id,"
    + _TEXT.format(
        emails=_EMAILS_OF_ONE,
        skills="(SELECT string_agg(s.name, ', ') FROM people_personskill s"
        " WHERE s.person_id = p.id)",
        work="(SELECT string_agg(concat_ws(' ', w.title, w.company_name, w.description), ' · ')"
        " FROM people_workexperience w WHERE w.person_id = p.id)",
        education="(SELECT string_agg(concat_ws(' ', e.institution, e.degree, e.field_of_study),"
        " ' · ') FROM people_education e WHERE e.person_id = p.id)",
        notes="(SELECT string_agg(concat_ws(' ', a.subject, a.body), ' · '"
        " ORDER BY a.occurred_at DESC) FROM people_activity a"
        f" WHERE a.person_id = p.id AND a.kind IN {NOTE_KINDS})",
        extra="(SELECT string_agg(x.body, ' · ') FROM search_extra_text x"
        " WHERE x.person_id = p.id)",
    )
    + " FROM people_person p"
)

# For everyone: each child table aggregated once and hash-joined (far faster than 1M look-ups).
BULK_DOCUMENT_SELECT = (
    "SELECT p.id AS person_id, p.workspace_id AS workspace_id,"
    + _TEXT.format(
        emails="ce.agg",
        skills="sk.agg",
        work="wx.agg",
        education="ed.agg",
        notes="nt.agg",
        extra="xt.agg",
    )
    + " FROM people_person p"
    + _EMAILS_OF_EVERYONE
    + """
  LEFT JOIN (SELECT person_id, string_agg(name, ', ') AS agg FROM people_personskill
              GROUP BY person_id) sk ON sk.person_id = p.id
  LEFT JOIN (SELECT person_id, string_agg(concat_ws(' ', title, company_name, description),
              ' · ') AS agg FROM people_workexperience GROUP BY person_id) wx
         ON wx.person_id = p.id
  LEFT JOIN (SELECT person_id, string_agg(concat_ws(' ', institution, degree, field_of_study),
              ' · ') AS agg FROM people_education GROUP BY person_id) ed ON ed.person_id = p.id
  LEFT JOIN (SELECT person_id, string_agg(concat_ws(' ', subject, body), ' · '
              ORDER BY occurred_at DESC) AS agg FROM people_activity
              WHERE kind IN """
    + NOTE_KINDS
    + """ GROUP BY person_id) nt ON nt.person_id = p.id
  LEFT JOIN (SELECT person_id, string_agg(body, ' · ') AS agg FROM search_extra_text
              GROUP BY person_id) xt ON xt.person_id = p.id"""
)

# Names and e-mails alone, for the look-up table.
_NAMES = """SELECT p.id AS person_id, p.workspace_id AS workspace_id,
  btrim(p.first_name || ' ' || p.last_name) AS names,
  coalesce(nullif({emails}, ''), p.primary_email) AS emails FROM people_person p"""
NAMES_SELECT = _NAMES.format(emails=_EMAILS_OF_ONE)
BULK_NAMES_SELECT = _NAMES.format(emails="ce.agg") + _EMAILS_OF_EVERYONE


@dataclass(frozen=True)
class _Table:
    """One of the two tables a person's index rows live in, and how they are built."""

    name: str
    columns: str
    values: str  # SELECT … over `s`, a row of `select` (or `bulk_select`)
    select: str
    bulk_select: str
    indexes: dict[str, str]
    # Why the documents go in (workspace, country, level) order: a text match usually comes
    # with a place and a level (`helix AND country:GB AND seniority>=mid`), and its hits then
    # lie together on a few pages instead of one page each across the whole table.
    order: str = "s.person_id"

    @property
    def upsert(self) -> str:
        return ", ".join(
            f"{column} = EXCLUDED.{column}"
            for column in self.columns.split(", ")
            if column != "person_id"
        )


# The document: what full-text matches and ranks read. Kept narrow, so a match's hits
# share pages.
DOCUMENTS = _Table(
    name="search_document",
    columns="person_id, workspace_id, country, seniority_rank, document",
    values=f"""
SELECT s.person_id, s.workspace_id, s.country, s.seniority_rank,
  setweight(to_tsvector('{TEXT_CONFIG}', talentloop_search_words(s.names || ' ' || s.emails)), 'A')
  || setweight(to_tsvector('{TEXT_CONFIG}', talentloop_search_words(s.headline)), 'B')
  || setweight(to_tsvector('{TEXT_CONFIG}', talentloop_search_words(s.work)), 'C')
  || setweight(to_tsvector('{TEXT_CONFIG}', talentloop_search_words(s.notes || ' ' || s.resume)),
               'D')
  || talentloop_filter_words(s.country, s.seniority_rank)
""",
    select=DOCUMENT_SELECT,
    bulk_select=BULK_DOCUMENT_SELECT,
    indexes={
        "search_document_fts": "USING gin (document)",
        "search_document_country": "(workspace_id, country)",
    },
    order="s.workspace_id, s.country, s.seniority_rank, s.person_id",
)
# Names and e-mails with their typo keys and trigram text: what the fuzzy look-up reads.
NAMES = _Table(
    name="search_name",
    columns="person_id, workspace_id, names, emails, lookup, name_keys",
    values="""
SELECT s.person_id, s.workspace_id, s.names, s.emails,
  btrim(talentloop_search_words(s.names || ' ' || s.emails)),
  talentloop_name_keys(s.names || ' ' || regexp_replace(s.emails, '@[^ ]*', '', 'g'))
""",
    select=NAMES_SELECT,
    bulk_select=BULK_NAMES_SELECT,
    indexes={
        "search_name_keys": "USING gin (name_keys)",
        "search_name_trgm": "USING gin (lookup gin_trgm_ops)",
    },
)
TABLES = (DOCUMENTS, NAMES)


def reindex(person_ids: list[int]) -> None:
    # Why an upsert and not delete-then-insert: two workers refreshing the same person at
    # once would both delete (the second sees nothing to delete) and then both insert, and
    # the second insert would fail on the key. In person order, so two overlapping refreshes
    # take their row locks in the same order and never deadlock.
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(
                f"INSERT INTO {table.name} ({table.columns}) {table.values}"
                f" FROM ({table.select} WHERE p.id = ANY(%s)) s ORDER BY s.person_id"
                f" ON CONFLICT (person_id) DO UPDATE SET {table.upsert}",
                [person_ids],
            )
            cursor.execute(
                f"DELETE FROM {table.name} d WHERE d.person_id = ANY(%s)"
                " AND NOT EXISTS (SELECT 1 FROM people_person p WHERE p.id = d.person_id)",
                [person_ids],
            )


def rebuild(workspace_id: int | None) -> int:
    if workspace_id is None:
        return _rebuild_everything()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FILTER (WHERE workspace_id = %s), count(*) FROM people_person",
            [workspace_id],
        )
        ours, everyone = cursor.fetchone()
    # Why: building the GIN indexes once over fresh rows is many times faster than growing
    # them row by row, so a workspace holding most people rebuilds everything instead.
    if ours * 2 > everyone:
        _rebuild_everything()
        return int(ours)
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"DELETE FROM {table.name} WHERE workspace_id = %s", [workspace_id])
            cursor.execute(
                f"INSERT INTO {table.name} ({table.columns}) {table.values}"
                f" FROM ({table.bulk_select} WHERE p.workspace_id = %s) s ORDER BY {table.order}",
                [workspace_id],
            )
    return int(ours)


def _rebuild_everything() -> int:
    """Fill fresh tables, index them once, then swap them in: readers never wait on the build."""
    count = 0
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        for table in TABLES:
            fresh = f"{table.name}_next"
            cursor.execute(f"DROP TABLE IF EXISTS {fresh}")
            cursor.execute(
                f"CREATE TABLE {fresh} (LIKE {table.name} INCLUDING ALL EXCLUDING INDEXES)"
            )
            cursor.execute(f"ALTER TABLE {fresh} ADD PRIMARY KEY (person_id)")
            cursor.execute(
                f"INSERT INTO {fresh} ({table.columns}) {table.values}"
                f" FROM ({table.bulk_select}) s ORDER BY {table.order}"
            )
            count = int(cursor.rowcount)
            for name, definition in table.indexes.items():
                cursor.execute(f"CREATE INDEX {name}_next ON {fresh} {definition}")
            cursor.execute(f"DROP TABLE {table.name}")
            cursor.execute(f"ALTER TABLE {fresh} RENAME TO {table.name}")
            cursor.execute(f"ALTER INDEX {fresh}_pkey RENAME TO {table.name}_pkey")
            for name in table.indexes:
                cursor.execute(f"ALTER INDEX {name}_next RENAME TO {name}")
        cursor.execute(
            "DELETE FROM search_extra_text x WHERE NOT EXISTS"
            " (SELECT 1 FROM people_person p WHERE p.id = x.person_id)"
        )
    refresh_statistics([table.name for table in TABLES])
    return count


def _tsquery(phrase: bool) -> str:
    function = "phraseto_tsquery" if phrase else "plainto_tsquery"
    return f"{function}('{TEXT_CONFIG}', %s)"


# Any of the words: ranks and highlights people matched by only part of a query (OR, filters).
_ANY_WORD_TSQUERY = f"replace(plainto_tsquery('{TEXT_CONFIG}', %s)::text, ' & ', ' | ')::tsquery"


def match_sql(
    workspace_id: int, words: str, phrase: bool, narrowing: Sequence[Narrowing] = ()
) -> tuple[str, list[Any]]:
    where, params = _match_where(workspace_id, [(words, phrase)], narrowing)
    return f"SELECT person_id FROM search_document WHERE {where}", params


def _match_where(
    workspace_id: int, required: Sequence[tuple[str, bool]], narrowing: Sequence[Narrowing]
) -> tuple[str, list[Any]]:
    """Documents of the workspace holding every (words, phrase) and passing the filters."""
    sql = "workspace_id = %s"
    params: list[Any] = [workspace_id]
    for words, phrase in required:
        sql += f" AND document @@ {_tsquery(phrase)}"
        params.append(words)
    filters = filter_tsquery(narrowing)
    if filters is None:
        sql += " AND false"
    elif filters:
        # Why a second @@ and not one query joined with &&: an empty text query (stop words
        # only) must still match nobody, and the conditions make one GIN scan anyway.
        sql += " AND document @@ %s::tsquery"
        params.append(filters)
    return sql, params


def filter_tsquery(narrowing: Sequence[Narrowing]) -> str | None:
    """The filter words as tsquery text ("" for no filters, None when nobody can pass).

    The words are letters and digits only (fulltext_terms.country_word), never query syntax.
    """
    groups = terms.narrowing_words(narrowing)
    if any(not words for words in groups):
        return None
    return " & ".join("(" + " | ".join(words) + ")" for words in groups)


# Relevance: the A-D weights of the words' places, and how often they occur. Why ts_rank and
# not ts_rank_cd: the cover-density rank costs about a microsecond more per document, which is
# most of the time of a word held by tens of thousands of people (37,500: 72 ms against 37).
_RANK = "ts_rank({document}, q.query)"

# How far down the best hits a ranking checks them against the query before it ranks the
# query's people instead: this many, or this many pages' worth, whichever is more.
WALK_AT_LEAST = 1_000
WALK_PAGES = 4


def ranked_ids(
    workspace_id: int,
    words: str,
    base: tuple[str, list[Any]],
    limit: int,
    offset: int,
    *,
    required: Sequence[tuple[str, bool]] = (),
    narrowing: Sequence[Narrowing] = (),
) -> list[tuple[int, float]]:
    """The people of the base query ordered by relevance (people matching nothing rank 0).

    `required`: (words, phrase) every base person's document holds, and `narrowing` the
    filters every one passes: with them the hits hold all the base people, and the best hits
    that are base people are the answer.
    """
    if required:
        if any(not words for words, _phrase in required):
            return []
        found = _best_hits_in_base(workspace_id, words, base, limit, offset, required, narrowing)
        if found is not None:
            return found
    return _ranked_base(workspace_id, words, base, limit, offset)


def _best_hits_in_base(
    workspace_id: int,
    words: str,
    base: tuple[str, list[Any]],
    limit: int,
    offset: int,
    required: Sequence[tuple[str, bool]],
    narrowing: Sequence[Narrowing],
) -> list[tuple[int, float]] | None:
    """Rank the hits as the index hands them over, then keep the best that are base people.

    Why: a query is mostly its text and the filters beside it, so nearly every hit is a base
    person; ranking in the pass that finds the hits spares a second document read per hit,
    and the person-side conditions are checked for the best few instead of for every hit.
    None when the base holds too few of the best hits (a narrow filter beside the text, a
    hiring manager's own candidates): the caller ranks the base people instead.
    """
    wanted = offset + limit
    walk = max(WALK_AT_LEAST, WALK_PAGES * wanted)
    where, params = _match_where(workspace_id, required, narrowing)
    base_sql, base_params = base
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT person_id, {_RANK.format(document='document')} AS rank"
            f" FROM search_document CROSS JOIN (SELECT {_ANY_WORD_TSQUERY} AS query) q"
            f" WHERE {where}"
            " ORDER BY rank DESC, person_id DESC LIMIT %s",
            [words, *params, walk + 1],
        )
        hits = [(int(row[0]), float(row[1])) for row in cursor.fetchall()]
        every_hit = len(hits) <= walk
        kept: list[tuple[int, float]] = []
        start, size = 0, wanted + wanted // 4 + 8
        while start < min(len(hits), walk) and len(kept) < wanted:
            chunk = hits[start : min(start + size, walk)]
            cursor.execute(
                f"SELECT base.id FROM ({base_sql}) AS base WHERE base.id = ANY(%s)",
                [*base_params, [person_id for person_id, _rank in chunk]],
            )
            inside = {int(row[0]) for row in cursor.fetchall()}
            kept += [hit for hit in chunk if hit[0] in inside]
            start, size = start + len(chunk), size * 2
    if len(kept) < wanted and not every_hit:
        return None
    return kept[offset:wanted]


def _ranked_base(
    workspace_id: int, words: str, base: tuple[str, list[Any]], limit: int, offset: int
) -> list[tuple[int, float]]:
    base_sql, base_params = base
    sql = (
        "SELECT base.id, coalesce(" + _RANK.format(document="d.document") + ", 0) AS rank"
        f" FROM ({base_sql}) AS base CROSS JOIN (SELECT {_ANY_WORD_TSQUERY} AS query) q"
        # Why no @@ here: the base rows are already filtered, so a look-up by id is cheaper
        # than matching the whole index again; ts_rank gives 0 where nothing matches.
        " LEFT JOIN search_document d ON d.person_id = base.id AND d.workspace_id = %s"
        " ORDER BY rank DESC, base.id DESC LIMIT %s OFFSET %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*base_params, words, workspace_id, limit, offset])
        return [(int(row[0]), float(row[1])) for row in cursor.fetchall()]


def snippets(workspace_id: int, words: str, person_ids: list[int]) -> dict[int, str]:
    sql = (
        "SELECT s.person_id, ts_headline('" + TEXT_CONFIG + "',"
        " translate(concat_ws(' · ', nullif(s.names, ''), nullif(s.emails, ''),"
        " nullif(s.headline, ''), nullif(s.work, ''), nullif(s.notes, ''),"
        " nullif(s.resume, '')), %s, %s), q.query, %s)"
        f" FROM ({DOCUMENT_SELECT} WHERE p.id = ANY(%s) AND p.workspace_id = %s) s"
        f" CROSS JOIN (SELECT {_ANY_WORD_TSQUERY} AS query) q"
        " JOIN search_document d ON d.person_id = s.person_id WHERE d.document @@ q.query"
    )
    with connection.cursor() as cursor:
        stand_ins = terms.TAG_STAND_INS
        params = ["".join(stand_ins), "".join(stand_ins.values()), HEADLINE_OPTIONS]
        cursor.execute(sql, [*params, person_ids, workspace_id, words])
        return {int(row[0]): terms.safe_snippet(str(row[1] or "")) for row in cursor.fetchall()}


def key_matches(workspace_id: int, expression: str, cap: int) -> list[int]:
    """People whose typo keys satisfy a `simple` tsquery (fulltext_terms.keys_tsquery)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT person_id FROM search_name WHERE workspace_id = %s"
            " AND name_keys @@ to_tsquery('simple', %s) LIMIT %s",
            [workspace_id, expression, cap],
        )
        return [int(row[0]) for row in cursor.fetchall()]


def trigram_matches(workspace_id: int, text: str, cap: int) -> list[int]:
    """People whose names/e-mails hold the text's trigrams best (pg_trgm), best first."""
    lookup = " ".join(terms.query_terms(text))
    if len(lookup) < 3:
        return []
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('pg_trgm.word_similarity_threshold', %s, true)",
            [WORD_SIMILARITY_FLOOR],
        )
        cursor.execute(
            "SELECT person_id FROM search_name WHERE workspace_id = %s"
            " AND %s <%% lookup ORDER BY word_similarity(%s, lookup) DESC LIMIT %s",
            [workspace_id, lookup, lookup, cap],
        )
        return [int(row[0]) for row in cursor.fetchall()]


def names_of(person_ids: list[int]) -> list[tuple[int, str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT person_id, names, emails FROM search_name WHERE person_id = ANY(%s)",
            [person_ids],
        )
        return [(int(row[0]), str(row[1]), str(row[2])) for row in cursor.fetchall()]
