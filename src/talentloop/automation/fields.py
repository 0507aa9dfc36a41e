"""Which person fields workflows watch and change, and how a new value is checked. Pure."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from talentloop.automation.readers import Invalid, read_bool, read_text
from talentloop.people.domain import (
    PERSON_FIELDS,
    PERSON_LIST_FIELDS,
    InvalidValue,
    LabelledEnum,
    Lifecycle,
    Seniority,
    check_country,
    check_time_zone,
)

# The names `person.updated` events list in `changed_fields`; a field_changed trigger
# watches any of them.
WATCHED_PERSON_FIELDS = PERSON_FIELDS | PERSON_LIST_FIELDS
RELATIVE_DATE_FIELDS = frozenset({"last_engaged_at", "created_at", "consent_expires_at"})
# Dates that lie ahead: a relative-date trigger may count days before them (`before: true`).
FUTURE_DATE_FIELDS = frozenset({"consent_expires_at"})


def _text(limit: int) -> Callable[[Any], str]:
    return lambda value: read_text(value, limit)


def _choice(enum_class: type[LabelledEnum], *, blank: bool) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        text = read_text(value, 32)
        if (blank and text == "") or text in {member.value for member in enum_class}:
            return text
        raise Invalid(f"must be one of: {', '.join(member.value for member in enum_class)}")

    return check


def _checked(check: Callable[[str], str], limit: int) -> Callable[[Any], str]:
    def read(value: Any) -> str:
        try:
            return check(read_text(value, limit))
        except InvalidValue as error:
            raise Invalid(str(error)) from None

    return read


# The fields an update_field action may set, each with its value check. Identity, contact
# points and salary stay out: a workflow must not rewrite who someone is or what they earn.
UPDATABLE_FIELDS: dict[str, Callable[[Any], str | bool]] = {
    "lifecycle": _choice(Lifecycle, blank=False),
    "seniority": _choice(Seniority, blank=True),
    "headline": _text(200),
    "current_title": _text(200),
    "city": _text(100),
    "region": _text(100),
    "country": _checked(check_country, 2),
    "time_zone": _checked(check_time_zone, 64),
    "do_not_contact": read_bool,
    "do_not_contact_reason": _text(200),
}


def check_field_value(name: str, value: Any) -> str | bool:
    """The clean value for field `name`, or Invalid saying what is wrong."""
    return UPDATABLE_FIELDS[name](value)
