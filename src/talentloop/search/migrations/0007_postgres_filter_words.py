"""PostgreSQL: the document carries its person's filter words (`countrygb seniority4
senioritymin1 … senioritymin4`) as lexemes.

A full-text term and the filters beside it (`helix AND country:GB AND seniority>=mid`) are
then one GIN look-up that hands over exactly the people who pass both, instead of the text's
hits filtered row by row. `talentloop_filter_words` makes the lexemes from the document's own
copy of country and seniority rank; the GIN index is built again once rather than updated a
row at a time. SQLite has kept the same words in its `filters` column since 0004.
"""

from __future__ import annotations

from django.db import migrations

from talentloop.core.migration_ops import vendor_sql

POSTGRES_FORWARD = [
    # fulltext_terms.filter_words, in SQL; a test holds the two equal.
    """CREATE OR REPLACE FUNCTION talentloop_filter_words(country text, seniority_rank integer)
        RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT array_to_tsvector(
            CASE WHEN country ~ '^[A-Za-z0-9]+$' THEN ARRAY['country' || lower(country)]
                 ELSE '{}'::text[] END
            || ('seniority' || coalesce(seniority_rank, 0))
            || ARRAY(SELECT 'senioritymin' || floor
                     FROM generate_series(1, coalesce(seniority_rank, 0)) AS floor))
    $$""",
    "DROP INDEX IF EXISTS search_document_fts",
    """UPDATE search_document
        SET document = document || talentloop_filter_words(country, seniority_rank)""",
    "CREATE INDEX search_document_fts ON search_document USING gin (document)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS search_document_fts",
    """UPDATE search_document SET document = ts_delete(
        document, tsvector_to_array(talentloop_filter_words(country, seniority_rank)))""",
    "CREATE INDEX search_document_fts ON search_document USING gin (document)",
    "DROP FUNCTION IF EXISTS talentloop_filter_words(text, integer)",
]


class Migration(migrations.Migration):
    dependencies = [("search", "0006_search_name_table")]

    operations = [
        vendor_sql(
            forward={"postgresql": POSTGRES_FORWARD}, backward={"postgresql": POSTGRES_BACKWARD}
        )
    ]
