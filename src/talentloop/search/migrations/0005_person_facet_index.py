"""PostgreSQL: a covering index of the person columns that filters and facets read per person.

Facet counts and filtered text matches look people up one by one (a skill's 90,000 people
checked for seniority, then each person's country, city, level and source counted). From the
table each look-up reads a page of wide rows; from this index, about 50 MB for a million
people, it reads a few bytes without touching the table (an index-only scan once a vacuum
has marked the pages all-visible). SQLite has no INCLUDE and looks rows up by rowid anyway.
"""

from __future__ import annotations

from django.db import migrations

from talentloop.core.migration_ops import vendor_sql

POSTGRES_FORWARD = """CREATE INDEX IF NOT EXISTS person_facet_cover ON people_person (id)
    INCLUDE (workspace_id, seniority_rank, country, city, seniority, source_id)"""
POSTGRES_BACKWARD = "DROP INDEX IF EXISTS person_facet_cover"


class Migration(migrations.Migration):
    dependencies = [("search", "0004_sqlite_filter_tokens"), ("people", "0004_segment_index")]

    operations = [
        vendor_sql(
            forward={"postgresql": [POSTGRES_FORWARD]}, backward={"postgresql": [POSTGRES_BACKWARD]}
        )
    ]
