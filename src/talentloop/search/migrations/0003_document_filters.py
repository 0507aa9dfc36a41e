"""PostgreSQL: the search document carries copies of the person's country and seniority rank.

A full-text term and the filters beside it (`helix AND country:GB AND seniority>=mid`) are
then answered from the document table alone: the text's GIN hits and the country index are
intersected as bitmaps before any row is read. SQLite's FTS5 tables are unchanged.
"""

from __future__ import annotations

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

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


def forward(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRES_FORWARD:
            schema_editor.execute(statement, params=None)


def backward(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRES_BACKWARD:
            schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("search", "0002_fulltext")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
