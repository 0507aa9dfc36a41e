"""Full-text and typo-tolerant indexes over people, one shape per database.

SQLite: FTS5 virtual tables keyed by person id (rowid). PostgreSQL: a search-document table
with a weighted tsvector (GIN), typo keys (GIN) and a trigram index (pg_trgm, GIN).
Neither has a foreign key to people: a test-database flush truncates Django's tables only,
and the upkeep code deletes the rows of people who are gone.
"""

from __future__ import annotations

from django.db import migrations

from talentloop.core.migration_ops import vendor_sql

SQLITE_FORWARD = [
    """CREATE VIRTUAL TABLE search_fts USING fts5(
        workspace_id UNINDEXED, names, emails, headline, work, notes, resume,
        tokenize = 'porter unicode61 remove_diacritics 2')""",
    # The `rank` column: bm25 weighing names and e-mails most, then headline, work, notes.
    """INSERT INTO search_fts (search_fts, rank)
        VALUES ('rank', 'bm25(0.0, 10.0, 8.0, 4.0, 2.0, 1.0, 1.0)')""",
    """CREATE VIRTUAL TABLE search_trigram USING fts5(
        workspace_id UNINDEXED, names, emails, tokenize = 'trigram')""",
    """CREATE VIRTUAL TABLE search_namekeys USING fts5(
        workspace_id UNINDEXED, keys, tokenize = 'unicode61 remove_diacritics 2', detail = none)""",
    """CREATE TABLE search_extra_text (
        person_id integer NOT NULL, source varchar(32) NOT NULL, body text NOT NULL,
        PRIMARY KEY (person_id, source))""",
]
SQLITE_BACKWARD = [
    "DROP TABLE IF EXISTS search_extra_text",
    "DROP TABLE IF EXISTS search_namekeys",
    "DROP TABLE IF EXISTS search_trigram",
    "DROP TABLE IF EXISTS search_fts",
]

POSTGRES_FORWARD = [
    # Both are "trusted" extensions, but creating one still needs a role with CREATE on the
    # database; see docs/operations.md for installations where the app's role lacks it.
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    # Lower-cased, accents folded, every non-alphanumeric run turned into one space: the same
    # words the query side (fulltext_terms.query_terms) makes, so e-mails split into words too.
    """CREATE OR REPLACE FUNCTION talentloop_search_words(value text) RETURNS text
        LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
        SELECT regexp_replace(
            lower(public.unaccent('public.unaccent'::regdictionary, value)),
            '[^[:alnum:]]+', ' ', 'g')
    $$""",
    # Each word and its one-letter deletions (fulltext_terms.name_keys says why). PL/pgSQL:
    # a set-returning SQL version is ten times slower on a million people.
    """CREATE OR REPLACE FUNCTION talentloop_name_keys(value text) RETURNS tsvector
        LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE STRICT AS $$
        DECLARE
            word text;
            keys text[] := '{}';
        BEGIN
            FOREACH word IN ARRAY string_to_array(btrim(talentloop_search_words(value)), ' ')
            LOOP
                keys := keys || word;
                IF length(word) >= 4 THEN
                    FOR position IN 1 .. length(word) LOOP
                        keys := keys || (left(word, position - 1) || substr(word, position + 1));
                    END LOOP;
                END IF;
            END LOOP;
            RETURN array_to_tsvector(keys);
        END
    $$""",
    """CREATE TABLE search_document (
        person_id bigint PRIMARY KEY,
        workspace_id bigint NOT NULL,
        names text NOT NULL,
        emails text NOT NULL,
        lookup text NOT NULL,
        name_keys tsvector NOT NULL,
        document tsvector NOT NULL
    )""",
    "CREATE INDEX search_document_fts ON search_document USING gin (document)",
    "CREATE INDEX search_document_keys ON search_document USING gin (name_keys)",
    "CREATE INDEX search_document_trgm ON search_document USING gin (lookup gin_trgm_ops)",
    """CREATE TABLE search_extra_text (
        person_id bigint NOT NULL, source varchar(32) NOT NULL, body text NOT NULL,
        PRIMARY KEY (person_id, source))""",
]
POSTGRES_BACKWARD = [
    "DROP TABLE IF EXISTS search_extra_text",
    "DROP TABLE IF EXISTS search_document",
    "DROP FUNCTION IF EXISTS talentloop_name_keys(text)",
    "DROP FUNCTION IF EXISTS talentloop_search_words(text)",
]


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_initial"),
        ("people", "0001_initial"),
    ]

    operations = [
        vendor_sql(
            forward={"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD},
            backward={"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD},
        )
    ]
