"""Fast bulk inserts for the seeder: COPY on PostgreSQL, executemany on SQLite.

Why not Model.objects.bulk_create: building a model instance per row costs more than the
insert itself; at a million people (≈15 rows each) that is the difference between minutes
and an hour. Column names, tables and value conversions still come from the models, so the
rows written here are the rows the ORM would write.

Why COPY on PostgreSQL: an INSERT per row, even pipelined, costs a parse, a plan and a
round of the protocol; COPY streams the rows in one statement and the server parses them
while Python builds the next ones (about ten times faster). Ids: rows either carry ids taken
from the table's own sequence (allocate_ids) or leave the id column out so its default draws
them, so the sequences stay ahead of every id written and nothing needs resetting afterwards.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

from django.db import connection, models

Row = tuple[Any, ...]
Convert = Callable[[Any], Any]


class RowWriter:
    """Write rows of one model given as tuples in the order of `field_names`.

    `use_copy` None means COPY where the database has it (PostgreSQL); False forces the
    INSERT path everywhere (tests compare the two).
    """

    def __init__(
        self, model: type[models.Model], field_names: Sequence[str], use_copy: bool | None = None
    ) -> None:
        fields = [model._meta.get_field(name) for name in field_names]
        quote = connection.ops.quote_name
        table = quote(model._meta.db_table)
        columns = ", ".join(quote(str(field.column)) for field in fields)  # type: ignore[union-attr]
        marks = ", ".join(["%s"] * len(fields))
        self.sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608
        self.copy_sql = f"COPY {table} ({columns}) FROM STDIN"
        copy_possible = connection.vendor == "postgresql"
        self.use_copy = copy_possible if use_copy is None else use_copy and copy_possible
        self.converters = [
            (index, convert)
            for index, field in enumerate(fields)
            if (convert := _converter(field)) is not None
        ]
        self.count = 0

    def write(self, rows: list[Row]) -> None:
        if not rows:
            return
        if self.converters:
            rows = [self._convert(row) for row in rows]
        with connection.cursor() as cursor:
            if self.use_copy:
                # The raw psycopg cursor: Django's wrapper has no COPY of its own.
                with cursor.cursor.copy(self.copy_sql) as copy:
                    write_row = copy.write_row
                    for row in rows:
                        write_row(row)
            else:
                cursor.executemany(self.sql, rows)
        self.count += len(rows)

    def _convert(self, row: Row) -> Row:
        values = list(row)
        for index, convert in self.converters:
            if values[index] is not None:
                values[index] = convert(values[index])
        return tuple(values)


def _converter(field: Any) -> Convert | None:
    """The cheapest conversion giving what the field itself would send to this database."""
    vendor = connection.vendor
    if isinstance(field, models.JSONField):
        return json.dumps
    if vendor == "postgresql":
        return None  # psycopg adapts dates, aware datetimes and decimal strings itself
    if vendor == "sqlite" and isinstance(field, models.DateTimeField):
        return _sqlite_datetime
    if vendor == "sqlite" and isinstance(field, models.DateField | models.DecimalField):
        return str
    if isinstance(field, models.DateField | models.DecimalField):
        return partial(field.get_db_prep_save, connection=connection)
    return None


def _sqlite_datetime(value: dt.datetime) -> str:
    # What Django's SQLite backend stores for an aware datetime: naive UTC, space-separated.
    return str(value.astimezone(dt.UTC).replace(tzinfo=None))


def allocate_ids(model: type[models.Model], count: int, floor: int = 0) -> list[int]:
    """Reserve `count` primary keys for rows inserted with explicit ids.

    Call inside the transaction that inserts them. PostgreSQL hands out sequence values,
    safe next to other writers; on SQLite the IMMEDIATE transaction already holds the
    single write lock, so reading the current high-water mark cannot race; `floor` is the
    last id this transaction already reserved but has not inserted yet.
    """
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [table, count],
            )
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {connection.ops.quote_name(table)}")  # noqa: S608
        high = cursor.fetchone()[0]
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        sequence = cursor.fetchone()
        start = max(high, sequence[0] if sequence else 0, floor) + 1
    return list(range(start, start + count))


class IdSource:
    """Hands out reserved ids one at a time, reserving them in chunks; one per transaction."""

    def __init__(self, model: type[models.Model], chunk: int = 256) -> None:
        self.model, self.chunk = model, chunk
        self._reserved: list[int] = []
        self._last = 0

    def next(self) -> int:
        if not self._reserved:
            self._reserved = allocate_ids(self.model, self.chunk, floor=self._last)
            self._reserved.reverse()
        self._last = self._reserved.pop()
        return self._last
