"""Facet counts for any set of people, top values first.

The set arrives as a QuerySet (already scoped to the viewer and filtered by a query) and is
only ever used inside SQL, so the people themselves never travel to Python. All facets come
from ONE statement: the set is evaluated once into a materialised CTE, the Person columns
are read once for it, and each facet is a small GROUP BY over those rows (or over its own
table joined to them: skills, tags, stages).
"""

# S608: the SQL is built from constant fragments and model table names; every value (the
# query's own parameters, limits, the viewer's id) is bound as a parameter.
# ruff: noqa: S608

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import connection
from django.db.models import QuerySet

from talentloop.accounts import domain as roles
from talentloop.accounts.models import User
from talentloop.people.models import Person, PersonSkill, PersonTag, Source, Tag
from talentloop.recruiting.models import Candidacy, Job, Stage

FACETS = ("skills", "country", "city", "seniority", "source", "stage", "tags")
DEFAULT_TOP = 10
MAX_TOP = 50
FacetRows = list[tuple[str, int]]

# facet -> the Person column it counts
_COLUMNS = {"country": "country", "city": "city", "seniority": "seniority", "source": "source_id"}


def facet_counts(
    qs: QuerySet[Person],
    facets: Iterable[str] = FACETS,
    *,
    top: int = DEFAULT_TOP,
    viewer: User | None = None,
) -> dict[str, FacetRows]:
    """{facet: [(value, people), …]} for the people in `qs`, most frequent first.

    Blank values are left out. `viewer` narrows a hiring manager's stage facet to the jobs
    they manage.
    """
    wanted = list(dict.fromkeys(facets))
    unknown = [facet for facet in wanted if facet not in FACETS]
    if unknown:
        raise ValueError(f"unknown facet {unknown[0]!r}; known: {', '.join(FACETS)}")
    if not wanted:
        return {}
    top = max(1, min(top, MAX_TOP))
    people_sql, people_params = qs.order_by().values("pk").query.sql_with_params()
    branches: list[str] = []
    params: list[Any] = []
    for facet in wanted:
        sql, extra = _branch(facet, viewer)
        branches.append(
            f"SELECT * FROM (SELECT '{facet}' AS facet, CAST(value AS TEXT) AS value, n"
            f" FROM ({sql}) AS {facet}_counts ORDER BY n DESC, value LIMIT %s) AS {facet}_top"
        )
        params += [*extra, top]
    columns = ", ".join(f"p.{column}" for column in _COLUMNS.values())
    statement = (
        f"WITH people (id) AS MATERIALIZED ({people_sql}),"
        f" columns AS MATERIALIZED (SELECT {columns}"
        f" FROM {_rows_of(_table(Person), 'p', columns, key='id')}) " + " UNION ALL ".join(branches)
    )
    counted: dict[str, FacetRows] = {facet: [] for facet in wanted}
    with connection.cursor() as cursor:
        cursor.execute(statement, [*people_params, *params])
        for facet, value, count in cursor.fetchall():
            counted[facet].append((str(value), int(count)))
    if "source" in counted:
        counted["source"] = _named(Source, counted["source"])
    if "tags" in counted:
        counted["tags"] = _named(Tag, counted["tags"])
    return {facet: counted[facet] for facet in wanted}


def _branch(facet: str, viewer: User | None) -> tuple[str, list[Any]]:
    """(SELECT value, n …) counting people per value of one facet, blanks left out."""
    column = _COLUMNS.get(facet)
    if column is not None:
        return (
            f"SELECT {column} AS value, count(*) AS n FROM columns"
            f" WHERE {column} IS NOT NULL AND CAST({column} AS TEXT) <> '' GROUP BY {column}",
            [],
        )
    if facet == "skills":
        # One row per (person, skill) by constraint, so counting rows counts people.
        return (
            "SELECT s.normalized AS value, count(*) AS n"
            f" FROM {_rows_of(_table(PersonSkill), 's', 's.normalized')} GROUP BY s.normalized",
            [],
        )
    if facet == "tags":
        return (
            "SELECT t.tag_id AS value, count(*) AS n"
            f" FROM {_rows_of(_table(PersonTag), 't', 't.tag_id')} GROUP BY t.tag_id",
            [],
        )
    # Stages are per pipeline; people are grouped by the stage's name ("Interview" in any job).
    sql = (
        "SELECT st.name AS value, count(DISTINCT c.person_id) AS n"
        f" FROM {_rows_of(_table(Candidacy), 'c', 'c.person_id, c.stage_id, c.job_id, c.outcome')}"
        f" JOIN {_table(Stage)} st ON st.id = c.stage_id"
    )
    params: list[Any] = []
    if viewer is not None and not roles.sees_everyone(viewer.role_enum):
        sql += f" JOIN {_table(Job)} j ON j.id = c.job_id AND j.hiring_manager_id = %s"
        params.append(viewer.pk)
    return sql + " WHERE c.outcome = 'open' GROUP BY st.name", params


def _rows_of(table: str, alias: str, columns: str, *, key: str = "person_id") -> str:
    """FROM-clause text: the rows of `table` (as `alias`, with `columns` of it, each written
    `alias.column`) that belong to the people.

    Why LATERAL on PostgreSQL: joined plainly, the planner hashes the whole table (a million
    people, hundreds of thousands of tags or candidacies) to probe it with a few thousand
    people; a look-up per person through the table's person index reads only their rows.
    OFFSET 0 keeps the subquery from being flattened back into that join. SQLite's nested
    loops already look rows up per person.
    """
    if connection.vendor != "postgresql":
        return f"{table} {alias} JOIN people ON people.id = {alias}.{key}"
    return (
        f"people CROSS JOIN LATERAL (SELECT {columns} FROM {table} {alias}"
        f" WHERE {alias}.{key} = people.id OFFSET 0) {alias}"
    )


def _table(model: type[Any]) -> str:
    return str(connection.ops.quote_name(model._meta.db_table))


def _named(model: type[Source] | type[Tag], rows: FacetRows) -> FacetRows:
    names = dict(model.objects.filter(pk__in=[int(pk) for pk, _ in rows]).values_list("pk", "name"))
    return [(str(names.get(int(pk), "")), count) for pk, count in rows]
