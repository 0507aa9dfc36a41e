"""PostgreSQL: the search document carries copies of the person's country and seniority rank.

A full-text term and the filters beside it (`helix AND country:GB AND seniority>=mid`) are
then answered from the document table alone: the text's GIN hits and the country index are
intersected as bitmaps before any row is read. SQLite's FTS5 tables are unchanged.
"""

from __future__ import annotations

from django.db import migrations

from talentloop.core.migration_ops import vendor_sql

POSTGRES_FORWARD = [
    """ALTER TABLE search_document
        ADD COLUMN country varchar(2) NOT NULL DEFAULT '',
        ADD COLUMN seniority_rank smallint NOT NULL DEFAULT 0""",
    """UPDATE search_document d SET country = p.country, seniority_rank = p.seniority_rank
        FROM people_person p WHERE p.id = d.person_id""",
    "CREATE INDEX search_document_country ON search_document (workspace_id, country)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS search_document_country",
    "ALTER TABLE search_document DROP COLUMN country, DROP COLUMN seniority_rank",
]


class Migration(migrations.Migration):
    dependencies = [("search", "0002_fulltext")]

    operations = [
        vendor_sql(
            forward={"postgresql": POSTGRES_FORWARD}, backward={"postgresql": POSTGRES_BACKWARD}
        )
    ]
