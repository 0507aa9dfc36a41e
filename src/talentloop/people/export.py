"""The people CSV: its columns and a streaming row writer (formula-safe for spreadsheets)."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator

from talentloop.people.models import Person

COLUMNS: list[tuple[str, Callable[[Person], object]]] = [
    ("id", lambda p: p.pk),
    ("first_name", lambda p: p.first_name),
    ("last_name", lambda p: p.last_name),
    ("email", lambda p: p.primary_email),
    ("phone", lambda p: p.primary_phone),
    ("headline", lambda p: p.headline),
    ("current_title", lambda p: p.current_title),
    ("company", lambda p: p.current_company_name),
    ("city", lambda p: p.city),
    ("country", lambda p: p.country),
    ("seniority", lambda p: p.seniority),
    ("lifecycle", lambda p: p.lifecycle),
    ("owner", lambda p: p.owner.email if p.owner else ""),
    ("source", lambda p: p.source.name if p.source else ""),
    ("last_engaged_at", lambda p: p.last_engaged_at.isoformat() if p.last_engaged_at else ""),
    ("do_not_contact", lambda p: "yes" if p.do_not_contact else "no"),
]


class _Echo:
    """A file-like object whose write returns the line, so csv.writer can feed a stream."""

    def write(self, value: str) -> str:
        return value


def spreadsheet_safe(value: object) -> str:
    """Neutralise spreadsheet formulas (CSV injection) in user-entered text."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in {"=", "+", "-", "@", "\t", "\r"} else text


def csv_lines(people: Iterable[Person]) -> Iterator[str]:
    """The header line, then one line per person; people should have owner and source loaded."""
    writer = csv.writer(_Echo())
    yield writer.writerow([name for name, _ in COLUMNS])
    for person in people:
        yield writer.writerow([spreadsheet_safe(column(person)) for _, column in COLUMNS])
