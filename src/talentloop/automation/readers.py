"""Readers for the values of a definition: each returns the clean value or raises Invalid. Pure."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

MAX_ID = 2**63 - 1


class Invalid(ValueError):
    """One value is wrong; the message is safe to show next to its path."""


def read_text(value: Any, limit: int) -> str:
    """Text, trimmed, at most `limit` characters, storable in any database column."""
    if not isinstance(value, str):
        raise Invalid("must be text")
    text = value.strip()
    if len(text) > limit:
        raise Invalid(f"at most {limit} characters")
    if "\x00" in text:
        raise Invalid("must not contain NUL characters")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise Invalid("must be valid Unicode text") from None
    return text


def read_id(value: Any) -> int:
    """A record id: a whole number from 1 up (true/false are not numbers here)."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_ID:
        raise Invalid("must be an id (a whole number from 1)")
    return int(value)


def read_ids(value: Any, limit: int = 200) -> tuple[int, ...]:
    """A list of ids, in ascending order without repeats."""
    if not isinstance(value, list):
        raise Invalid("must be a list of ids")
    if len(value) > limit:
        raise Invalid(f"at most {limit} ids")
    return tuple(sorted({read_id(item) for item in value}))


def read_names(
    value: Any, allowed: Iterable[str] | None, what: str, limit: int = 64
) -> tuple[str, ...]:
    """A non-empty list of names (each one of `allowed` when given), sorted, without repeats."""
    if not isinstance(value, list) or not value:
        raise Invalid(f"must be a non-empty list of {what} names")
    if len(value) > 100:
        raise Invalid(f"at most 100 {what} names")
    names = {read_text(item, limit) for item in value}
    if "" in names:
        raise Invalid(f"{what} names must not be blank")
    if allowed is not None:
        unknown = sorted(names - set(allowed))
        if unknown:
            raise Invalid(f"unknown {what} '{unknown[0]}'")
    return tuple(sorted(names))


def read_days(value: Any, low: int = 1, high: int = 3650) -> int:
    """A whole number of days from `low` to `high`."""
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise Invalid(f"must be a whole number of days from {low} to {high}")
    return int(value)


def read_hours(value: Any) -> int:
    """A whole number of hours, up to 90 days."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 24 * 90:
        raise Invalid(f"must be a whole number of hours from 1 to {24 * 90}")
    return int(value)


def read_bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise Invalid("must be true or false")
    return value


def read_url(value: Any) -> str:
    """An http(s) address with a host."""
    text = read_text(value, 2000)
    try:
        parts = urlsplit(text)
    except ValueError:
        raise Invalid("not a web address") from None
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise Invalid("must be an http:// or https:// address")
    if any(char.isspace() for char in text):
        raise Invalid("must not contain spaces")
    return text
