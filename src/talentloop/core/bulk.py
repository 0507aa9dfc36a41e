"""What a bulk load (the seeder, a search index rebuild) runs once its rows are in."""

from __future__ import annotations

from django.db import connection


def refresh_statistics(tables: list[str]) -> None:
    """Planner statistics for freshly loaded tables, and on PostgreSQL a vacuum where possible.

    Why VACUUM: rows written by COPY or INSERT … SELECT are not marked all-visible until a
    vacuum passes, and until then no index-only scan can skip the table, so counts, facets
    and searches over a million people read the heap. Autovacuum gets there eventually (if
    it is on); a bulk load should not leave the database slow until it does. VACUUM cannot
    run inside a transaction block (tests, a caller's atomic), where statistics must do.
    """
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            # Why every row (no analysis_limit): a sampled ANALYZE reads the first entries of
            # each index only, so a one-workspace table looks as if each workspace held a
            # thousand people, and the planner then walks (workspace, …) indexes instead of
            # the few rows a text match names. A full pass is ~2 s per million people.
            cursor.execute("PRAGMA analysis_limit = 0")
            for table in tables:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
            return
        command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
        for table in tables:
            cursor.execute(f"{command} {connection.ops.quote_name(table)}")
