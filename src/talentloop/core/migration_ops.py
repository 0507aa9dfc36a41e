"""Migration steps written as plain SQL per database: the search tables are not Django models,
and SQLite and PostgreSQL build them differently."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

# Statements per database vendor ("sqlite", "postgresql"); a vendor left out runs nothing.
Statements = dict[str, Sequence[str]]
Runner = Callable[[StateApps, BaseDatabaseSchemaEditor], None]


def vendor_sql(*, forward: Statements, backward: Statements) -> migrations.RunPython:
    """A step that runs the statements written for the database in use, in order."""
    return migrations.RunPython(_runner(forward), _runner(backward), elidable=False)


def _runner(statements: Statements) -> Runner:
    def run(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
        for statement in statements.get(schema_editor.connection.vendor, ()):
            schema_editor.execute(statement, params=None)

    return run
