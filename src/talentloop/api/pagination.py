"""Keyset (cursor) pagination: no OFFSET, no COUNT, so page 1,000 costs what page 1 costs."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Generic, TypeVar

from django.db import models
from django.db.models import F, Q, QuerySet
from ninja import Schema

from talentloop.core.errors import AppError, ValidationFailed

M = TypeVar("M", bound=models.Model)
T = TypeVar("T")
DEFAULT_LIMIT = 50
MAX_LIMIT = 200


class Page(Schema, Generic[T]):
    """One page of a list; pass `next_cursor` back as `cursor` for the next page (null: done)."""

    items: list[T]
    next_cursor: str | None


class InvalidCursor(AppError):
    status = 400
    code = "invalid_cursor"


def paginate(
    queryset: QuerySet[M],
    *,
    cursor: str | None,
    limit: int,
    sort: str,
    allowed: Mapping[str, str],
) -> tuple[list[M], str | None]:
    """One page ordered by `sort` ("-created_at", "last_name", …; keys of `allowed`) then id."""
    descending = sort.startswith("-")
    key = sort.removeprefix("-")
    if key not in allowed:
        choices = ", ".join(sorted(f"{name}, -{name}" for name in allowed))
        raise ValidationFailed(
            f"cannot sort by {sort!r}", fields={"sort": f"use one of: {choices}"}
        )
    field = queryset.model._meta.get_field(allowed[key])
    assert isinstance(field, models.Field)
    if cursor:
        value, last_id = decode_cursor(cursor, sort=sort, field=field)
        queryset = queryset.filter(_after(field, value, last_id, descending=descending))
    ordering = _ordering(field.attname, nullable=field.null, descending=descending)
    rows = list(queryset.order_by(*ordering)[: limit + 1])
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    last = rows[-1]
    return rows, encode_cursor(sort=sort, value=getattr(last, field.attname), last_id=last.pk)


def _ordering(name: str, *, nullable: bool, descending: bool) -> tuple[Any, ...]:
    if name == "id":
        return ("-id",) if descending else ("id",)
    if not nullable:
        # Plain ORDER BY: lets the database walk an index on the column instead of sorting.
        return (f"-{name}", "-id") if descending else (name, "id")
    # Why nulls last both ways: "never engaged" people belong at the end of either order, and
    # a fixed null position is what lets the keyset condition below be exact.
    column = F(name).desc(nulls_last=True) if descending else F(name).asc(nulls_last=True)
    return (column, "-id" if descending else "id")


def _after(field: models.Field[Any, Any], value: Any, last_id: int, *, descending: bool) -> Q:
    """Rows strictly after (value, last_id) in the page order."""
    name = field.attname
    cmp = "lt" if descending else "gt"
    if name == "id":
        return Q(**{f"id__{cmp}": last_id})
    if value is None:
        return Q(**{f"{name}__isnull": True, f"id__{cmp}": last_id})
    after = Q(**{f"{name}__{cmp}": value}) | Q(**{name: value, f"id__{cmp}": last_id})
    if field.null:
        after |= Q(**{f"{name}__isnull": True})
    return after


def encode_cursor(*, sort: str, value: Any, last_id: int) -> str:
    if isinstance(value, dt.date | dt.datetime):
        value = value.isoformat()
    elif isinstance(value, Decimal):
        value = str(value)
    raw = json.dumps([sort, value, last_id], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, *, sort: str, field: models.Field[Any, Any]) -> tuple[Any, int]:
    """The (value, id) a cursor points after; 400 naming `cursor` when it is not ours."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        cursor_sort, value, last_id = json.loads(raw)
        if cursor_sort != sort:
            raise InvalidCursor(
                "this cursor belongs to another sort order",
                fields={"cursor": f"made for sort={cursor_sort}"},
            )
        if not isinstance(last_id, int) or isinstance(last_id, bool):
            raise ValueError("id")
        return _parse_value(field, value), last_id
    except (ValueError, TypeError, ArithmeticError, binascii.Error):
        raise InvalidCursor(
            "the cursor is not valid; use next_cursor from the previous page",
            fields={"cursor": "not a valid cursor"},
        ) from None


def _parse_value(field: models.Field[Any, Any], value: Any) -> Any:
    if value is None:
        if field.null:
            return None
        raise ValueError("null")
    if isinstance(field, models.DateTimeField):
        parsed = dt.datetime.fromisoformat(str(value))
        if parsed.tzinfo is None:
            raise ValueError("naive")
        return parsed
    if isinstance(field, models.DateField):
        return dt.date.fromisoformat(str(value))
    if isinstance(field, models.IntegerField):
        if not isinstance(value, int) or isinstance(value, bool):
            raise ValueError("int")
        return value
    if isinstance(field, models.DecimalField):
        return Decimal(str(value))
    if not isinstance(value, str):
        raise ValueError("text")
    return value
