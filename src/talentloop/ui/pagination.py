"""Keyset (cursor) pagination: constant cost on any page, no COUNT(*), no deep OFFSET."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from django.db import models
from django.db.models import F, Q, QuerySet
from django.http import QueryDict

M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class SortKey:
    """One ORDER BY column; nullable columns always put their NULLs last."""

    field: str
    descending: bool = False
    nullable: bool = False
    is_datetime: bool = False


@dataclass
class Page(Generic[M]):
    items: list[M]
    has_next: bool
    has_previous: bool
    next_query: str
    previous_query: str

    @property
    def summary(self) -> str:
        count = len(self.items)
        return f"{count} on this page" if count != 1 else "1 on this page"


def encode_cursor(values: list[Any]) -> str:
    raw = [value.isoformat() if isinstance(value, datetime) else value for value in values]
    return base64.urlsafe_b64encode(json.dumps(raw).encode()).decode().rstrip("=")


def decode_cursor(token: str, keys: list[SortKey]) -> list[Any] | None:
    """The cursor's values, or None for anything malformed (which means: first page)."""
    try:
        raw = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        if not isinstance(raw, list) or len(raw) != len(keys):
            return None
        return [
            datetime.fromisoformat(value) if key.is_datetime and value is not None else value
            for key, value in zip(keys, raw, strict=True)
        ]
    except (ValueError, TypeError):
        return None


def _beyond(key: SortKey, value: Any, forward: bool) -> Q:
    """Rows strictly past `value` on this key, in the direction of travel."""
    descending = key.descending == forward
    if value is None:
        # NULLs sit at the end: going forward nothing lies past them; backward, every non-NULL.
        return Q(pk__in=[]) if forward else Q(**{f"{key.field}__isnull": False})
    past = Q(**{f"{key.field}__{'lt' if descending else 'gt'}": value})
    if key.nullable and forward:
        past |= Q(**{f"{key.field}__isnull": True})
    return past


def _equal(key: SortKey, value: Any) -> Q:
    if value is None:
        return Q(**{f"{key.field}__isnull": True})
    return Q(**{key.field: value})


def keyset_filter(keys: list[SortKey], values: list[Any], *, forward: bool) -> Q:
    """(k1 past v1) OR (k1 = v1 AND k2 past v2) OR … — a lexicographic comparison."""
    condition = Q(pk__in=[])
    prefix = Q()
    for key, value in zip(keys, values, strict=True):
        condition |= prefix & _beyond(key, value, forward)
        prefix &= _equal(key, value)
    return condition


def _ordering(keys: list[SortKey], *, forward: bool) -> list[Any]:
    order = []
    for key in keys:
        descending = key.descending == forward
        expression = F(key.field)
        if key.nullable:
            nulls_last = forward
            order.append(
                expression.desc(nulls_last=nulls_last or None, nulls_first=(not nulls_last) or None)
                if descending
                else expression.asc(
                    nulls_last=nulls_last or None, nulls_first=(not nulls_last) or None
                )
            )
        else:
            order.append(expression.desc() if descending else expression.asc())
    return order


def _values(item: models.Model, keys: list[SortKey]) -> list[Any]:
    values = []
    for key in keys:
        value: Any = item
        for part in key.field.split("__"):
            value = getattr(value, "pk" if part == "id" else part)
        values.append(value)
    return values


def paginate(
    queryset: QuerySet[M], keys: list[SortKey], params: QueryDict, *, size: int = 50
) -> Page[M]:
    """One page after `?after=` (or before `?before=`) the cursor; the last key must be unique."""
    after = decode_cursor(params.get("after", ""), keys) if params.get("after") else None
    before = decode_cursor(params.get("before", ""), keys) if params.get("before") else None
    forward = before is None
    cursor = after if forward else before
    if cursor is not None:
        queryset = queryset.filter(keyset_filter(keys, cursor, forward=forward))
    rows = list(queryset.order_by(*_ordering(keys, forward=forward))[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    if not forward:
        rows.reverse()
    has_next = more if forward else True
    has_previous = (cursor is not None) if forward else more
    return Page(
        items=rows,
        has_next=bool(rows) and has_next,
        has_previous=bool(rows) and has_previous,
        next_query=_query(params, "after", _values(rows[-1], keys)) if rows else "",
        previous_query=_query(params, "before", _values(rows[0], keys)) if rows else "",
    )


def _query(params: QueryDict, direction: str, values: list[Any]) -> str:
    query = params.copy()
    query.pop("after", None)
    query.pop("before", None)
    query[direction] = encode_cursor(values)
    return query.urlencode()
