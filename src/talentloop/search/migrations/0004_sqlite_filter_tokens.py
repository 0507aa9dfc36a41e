"""SQLite: the FTS5 document gains a `filters` column of filter words (`countrygb seniority2
senioritymin1 senioritymin2`).

A full-text term and the filters beside it (`helix AND country:GB AND seniority>=mid`) are
then one MATCH, so FTS5 ranks only the hits that pass the filters. The column weighs 0 in
bm25. Existing documents are copied over with their people's tokens; PostgreSQL is unchanged.
"""

from __future__ import annotations

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

_TOKENIZE = "tokenize = 'porter unicode61 remove_diacritics 2'"

SQLITE_FORWARD = [
    f"""CREATE VIRTUAL TABLE search_fts_next USING fts5(
        workspace_id UNINDEXED, names, emails, headline, work, notes, resume, filters,
        {_TOKENIZE})""",
    """INSERT INTO search_fts_next (rowid, workspace_id, names, emails, headline, work, notes,
          resume, filters)
        SELECT f.rowid, f.workspace_id, f.names, f.emails, f.headline, f.work, f.notes, f.resume,
          talentloop_filter_words(p.country, p.seniority_rank)
        FROM search_fts f JOIN people_person p ON p.id = f.rowid""",
    "DROP TABLE search_fts",
    "ALTER TABLE search_fts_next RENAME TO search_fts",
    """INSERT INTO search_fts (search_fts, rank)
        VALUES ('rank', 'bm25(0.0, 10.0, 8.0, 4.0, 2.0, 1.0, 1.0, 0.0)')""",
]
SQLITE_BACKWARD = [
    f"""CREATE VIRTUAL TABLE search_fts_next USING fts5(
        workspace_id UNINDEXED, names, emails, headline, work, notes, resume, {_TOKENIZE})""",
    """INSERT INTO search_fts_next (rowid, workspace_id, names, emails, headline, work, notes,
          resume)
        SELECT rowid, workspace_id, names, emails, headline, work, notes, resume FROM search_fts""",
    "DROP TABLE search_fts",
    "ALTER TABLE search_fts_next RENAME TO search_fts",
    """INSERT INTO search_fts (search_fts, rank)
        VALUES ('rank', 'bm25(0.0, 10.0, 8.0, 4.0, 2.0, 1.0, 1.0)')""",
]


def _filter_words(country: str, seniority_rank: int) -> str:
    """A person's filter words as this migration writes them (search.fulltext_sqlite keeps
    them current from then on)."""
    words = [f"country{country.lower()}"] if country else []
    words.append(f"seniority{seniority_rank}")
    words += [f"senioritymin{floor}" for floor in range(1, seniority_rank + 1)]
    return " ".join(words)


def forward(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.connection.ensure_connection()
        schema_editor.connection.connection.create_function(
            "talentloop_filter_words", 2, _filter_words, deterministic=True
        )
        for statement in SQLITE_FORWARD:
            schema_editor.execute(statement, params=None)


def backward(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_BACKWARD:
            schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("search", "0003_document_filters")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
