"""PostgreSQL: names, e-mails, typo keys and trigram text move to their own table.

`search_name` serves the fuzzy look-up; `search_document` keeps what a full-text match reads
(the weighted document and the filter columns). Narrower document rows put more of a match's
hits on each page, and the look-up's rechecks read short rows instead of whole documents.
"""

from __future__ import annotations

from django.db import migrations

from talentloop.core.migration_ops import vendor_sql

POSTGRES_FORWARD = [
    """CREATE TABLE search_name (
        person_id bigint PRIMARY KEY,
        workspace_id bigint NOT NULL,
        names text NOT NULL,
        emails text NOT NULL,
        lookup text NOT NULL,
        name_keys tsvector NOT NULL
    )""",
    """INSERT INTO search_name (person_id, workspace_id, names, emails, lookup, name_keys)
        SELECT person_id, workspace_id, names, emails, lookup, name_keys FROM search_document""",
    "CREATE INDEX search_name_keys ON search_name USING gin (name_keys)",
    "CREATE INDEX search_name_trgm ON search_name USING gin (lookup gin_trgm_ops)",
    "DROP INDEX IF EXISTS search_document_keys",
    "DROP INDEX IF EXISTS search_document_trgm",
    """ALTER TABLE search_document DROP COLUMN names, DROP COLUMN emails, DROP COLUMN lookup,
        DROP COLUMN name_keys""",
]
POSTGRES_BACKWARD = [
    """ALTER TABLE search_document ADD COLUMN names text NOT NULL DEFAULT '',
        ADD COLUMN emails text NOT NULL DEFAULT '', ADD COLUMN lookup text NOT NULL DEFAULT '',
        ADD COLUMN name_keys tsvector NOT NULL DEFAULT ''""",
    """UPDATE search_document d SET names = n.names, emails = n.emails, lookup = n.lookup,
        name_keys = n.name_keys FROM search_name n WHERE n.person_id = d.person_id""",
    "CREATE INDEX search_document_keys ON search_document USING gin (name_keys)",
    "CREATE INDEX search_document_trgm ON search_document USING gin (lookup gin_trgm_ops)",
    "DROP TABLE search_name",
]


class Migration(migrations.Migration):
    dependencies = [("search", "0005_person_facet_index")]

    operations = [
        vendor_sql(
            forward={"postgresql": POSTGRES_FORWARD}, backward={"postgresql": POSTGRES_BACKWARD}
        )
    ]
