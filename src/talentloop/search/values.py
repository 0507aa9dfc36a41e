"""Comparisons shared by the compiler: numbers, dates and spans of time as `Q` objects."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Exists, ExpressionWrapper, F, IntegerField, OuterRef, Q, QuerySet
from django.db.models.lookups import In

from talentloop.search.domain import Op, RelativeDate

_LOOKUPS = {Op.MATCH: "exact", Op.EQ: "exact", Op.LT: "lt", Op.LE: "lte", Op.GT: "gt", Op.GE: "gte"}
# A span reads as "how long ago": created<30d is "less than 30 days ago", i.e. after the cutoff.
_SPAN_LOOKUPS = {
    Op.MATCH: "gte",
    Op.EQ: "gte",
    Op.LT: "gt",
    Op.LE: "gte",
    Op.GT: "lt",
    Op.GE: "lte",
}


def number_q(path: str, op: Op, value: Decimal | int | float) -> Q:
    """`path op value`; `!=` is compiled as NOT `=` before it gets here."""
    return Q(**{f"{path}__{_LOOKUPS[op]}": value})


def date_q(path: str, op: Op, value: dt.date | RelativeDate, now: dt.datetime) -> Q:
    """A timestamp column against a day (whole day, in `now`'s time zone) or a span back."""
    if isinstance(value, RelativeDate):
        return Q(**{f"{path}__{_SPAN_LOOKUPS[op]}": value.since(now)})
    start = dt.datetime.combine(value, dt.time.min, tzinfo=now.tzinfo)
    end = dt.datetime.combine(value, dt.time.max, tzinfo=now.tzinfo)  # the day's last instant
    if op is Op.LE:
        return Q(**{f"{path}__lte": end})
    if op is Op.GT:
        return Q(**{f"{path}__gt": end})
    if op is Op.LT:
        return Q(**{f"{path}__lt": start})
    if op is Op.GE:
        return Q(**{f"{path}__gte": start})
    return Q(**{f"{path}__gte": start, f"{path}__lte": end})


def day_bounds(op: Op, value: dt.date | RelativeDate, now: dt.datetime) -> tuple[str, str]:
    """For ISO-date strings (custom date fields): the lookup and the ISO day to compare."""
    if isinstance(value, RelativeDate):
        return _SPAN_LOOKUPS[op], value.since(now).date().isoformat()
    return _LOOKUPS[op], value.isoformat()


def having(rows: QuerySet[Any], *, many: bool = False) -> Q:
    """People with at least one of these related rows (rows with a `person_id`).

    `many`: the rows are likely a large share of the table (recent activity of anyone).
    """
    if many or connection.vendor == "postgresql":
        # The planner turns EXISTS into a semi-join (NOT EXISTS into an anti-join).
        return Q(Exists(rows.filter(person_id=OuterRef("pk"))))
    # Why IN on SQLite: it runs a correlated EXISTS once per person row; IN builds the set of
    # ids once and probes it (or walks it, when it is the smaller side). For `many` rows the
    # per-person index probe of EXISTS is cheaper than building the set.
    if _probe.get():
        # Why `id + 0`: SQLite would otherwise walk the (possibly huge) id set and fetch each
        # person by id; hiding the id from its planner makes it start from the sibling
        # clause's index (country, seniority…) and only probe the set.
        hidden = ExpressionWrapper(F("pk") + 0, output_field=IntegerField())
        return Q(In(hidden, rows.values("person_id")))
    return Q(pk__in=rows.values("person_id"))


_probe: ContextVar[bool] = ContextVar("search_probe_related", default=False)


@contextmanager
def probing(enabled: bool) -> Iterator[None]:
    """Within: related-row sets are probed, not walked (a sibling clause has an index)."""
    token = _probe.set(enabled)
    try:
        yield
    finally:
        _probe.reset(token)
