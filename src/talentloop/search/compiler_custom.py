"""Clauses on custom fields, typed by the workspace's CustomFieldDefinition rows."""

from __future__ import annotations

import datetime as dt
import difflib
from decimal import Decimal, InvalidOperation

from django.db.models import BooleanField, Case, ExpressionWrapper, Q, Value, When

from talentloop.people.domain import CustomFieldType
from talentloop.people.models import CustomFieldDefinition
from talentloop.search.domain import (
    FALSE_WORDS,
    TRUE_WORDS,
    Clause,
    Op,
    QueryError,
    RelativeDate,
    read_date,
)
from talentloop.search.values import day_bounds, number_q

_ORDERED_TYPES = {CustomFieldType.NUMBER, CustomFieldType.DATE}
_NUMBER_LIMIT = Decimal(10) ** 15


class CustomFields:
    """Loads the workspace's definitions once per compiled query."""

    def __init__(self, workspace_id: int, now: dt.datetime) -> None:
        self.workspace_id = workspace_id
        self.now = now
        self._types: dict[str, CustomFieldType] | None = None

    def types(self) -> dict[str, CustomFieldType]:
        if self._types is None:
            rows = CustomFieldDefinition.objects.filter(workspace_id=self.workspace_id)
            self._types = {
                key: CustomFieldType(kind) for key, kind in rows.values_list("key", "field_type")
            }
        return self._types

    def clause(self, clause: Clause) -> Q:
        return two_valued(self._condition(clause))

    def _condition(self, clause: Clause) -> Q:
        key = clause.field.removeprefix("custom.")
        field_type = self._type_of(key, clause)
        if clause.op not in {Op.MATCH, Op.EQ} and field_type not in _ORDERED_TYPES:
            raise QueryError(
                f"operator '{clause.op}' does not apply to the {field_type} field '{key}'",
                position=clause.position,
                hint="use ':' or '='",
            )
        path = f"custom_fields__{key}"
        raw = str(clause.value).strip()
        if field_type is CustomFieldType.NUMBER:
            # Why int/float: JSON comparisons take JSON numbers, and Decimal is not one.
            number = _number(raw, clause)
            as_json = int(number) if number == number.to_integral_value() else float(number)
            return number_q(path, clause.op, as_json)
        if field_type is CustomFieldType.BOOLEAN:
            return Q(**{path: _boolean(raw, clause)})
        if field_type is CustomFieldType.DATE:
            lookup, day = day_bounds(clause.op, _date(raw, clause), self.now)
            return Q(**{f"{path}__{lookup}": day})
        if clause.op is Op.MATCH and field_type is not CustomFieldType.CHOICE:
            return Q(**{f"{path}__icontains": raw})
        return Q(**{f"{path}__iexact": raw})

    def _type_of(self, key: str, clause: Clause) -> CustomFieldType:
        types = self.types()
        if key in types:
            return types[key]
        close = difflib.get_close_matches(key, list(types), n=1, cutoff=0.6)
        suggestion = f" — did you mean 'custom.{close[0]}'?" if close else ""
        known = ", ".join(sorted(types)) or "none yet"
        raise QueryError(
            f"unknown custom field '{key}'{suggestion}",
            position=clause.position,
            hint=f"custom fields of this workspace: {known}",
        )


def two_valued(condition: Q) -> Q:
    """The condition as plain true/false, never NULL.

    Why: a JSON key a person lacks reads as NULL, and NOT NULL is NULL, so `NOT custom.x:1`
    would drop everyone without the key. Django adds IS NULL guards for columns, not for
    JSON keys.
    """
    as_bool = Case(When(condition, then=Value(True)), default=Value(False))
    return Q(ExpressionWrapper(as_bool, output_field=BooleanField()))


def _number(raw: str, clause: Clause) -> Decimal:
    try:
        number = Decimal(raw)
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite() or abs(number) > _NUMBER_LIMIT:
        raise QueryError(
            f"'{raw}' is not a number", position=clause.position, hint="e.g. custom.notice<=30"
        )
    return number


def _boolean(raw: str, clause: Clause) -> bool:
    word = raw.lower()
    if word in TRUE_WORDS or word in FALSE_WORDS:
        return word in TRUE_WORDS
    raise QueryError(f"'{raw}' is not yes or no", position=clause.position, hint="yes or no")


def _date(raw: str, clause: Clause) -> dt.date | RelativeDate:
    value = read_date(raw.lower())
    if value is None:
        raise QueryError(
            f"'{raw}' is not a date",
            position=clause.position,
            hint="a date like 2026-01-31 or a span like 90d",
        )
    return value
