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
            # Why the limit: a full ANALYZE reads every index; sampled rows are enough here.
            cursor.execute("PRAGMA analysis_limit = 1000")
            cursor.execute("ANALYZE")
            return
        command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
        for table in tables:
            cursor.execute(f"{command} {connection.ops.quote_name(table)}")
