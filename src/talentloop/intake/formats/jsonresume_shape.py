"""What a JSON Resume document looks like, and the check of a document against that shape.

A resume is an object of sections. `basics` and `meta` are objects; every other section is
an array of entry objects. Entry fields are strings, arrays of strings, or partial ISO 8601
dates (`2014`, `2014-06`, `2014-06-29`). Unknown keys are allowed at every level, and no
field is required: the format describes what a field holds when present, not that it must
be. URL and email fields are only checked to be strings here; addresses go through the
people checks when a draft becomes a person.

Pure: no Django, no I/O. Written for Talentloop from the format's documented structure.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

DATE_HINT = "YYYY, YYYY-MM or YYYY-MM-DD"
_PARTIAL_DATE = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?", re.ASCII)
_SHOWN_TEXT = 40


class Problem(NamedTuple):
    """Where a document leaves the shape (`work[2].startDate`) and what is wrong there."""

    where: str
    message: str


@dataclass(frozen=True)
class Text:
    """A string."""


@dataclass(frozen=True)
class PartialDate:
    """A string holding a real calendar date, year alone or with month, or with day."""


@dataclass(frozen=True)
class ListOf:
    """An array whose every item has the shape `item`."""

    item: Shape


@dataclass(frozen=True)
class Record:
    """An object whose known keys have the given shapes; any other key is allowed."""

    fields: Mapping[str, Shape]


Shape = Text | PartialDate | ListOf | Record

TEXT = Text()
DATE = PartialDate()
TEXTS = ListOf(TEXT)


def _record(texts: str, **others: Shape) -> Record:
    """A record of the space-separated `texts` string fields plus the `others`."""
    fields: dict[str, Shape] = dict.fromkeys(texts.split(), TEXT)
    fields.update(others)
    return Record(fields)


def _entries(texts: str, **others: Shape) -> ListOf:
    """A section that is an array of entry records."""
    return ListOf(_record(texts, **others))


_SPAN = {"startDate": DATE, "endDate": DATE}

RESUME = Record(
    {
        "$schema": TEXT,
        "basics": _record(
            "name label image email phone url summary",
            location=_record("address postalCode city countryCode region"),
            profiles=_entries("network username url"),
        ),
        "work": _entries(
            "name location description position url summary", **_SPAN, highlights=TEXTS
        ),
        "volunteer": _entries("organization position url summary", **_SPAN, highlights=TEXTS),
        "education": _entries("institution url area studyType score", **_SPAN, courses=TEXTS),
        "awards": _entries("title awarder summary", date=DATE),
        "certificates": _entries("name url issuer", date=DATE),
        "publications": _entries("name publisher url summary", releaseDate=DATE),
        "skills": _entries("name level", keywords=TEXTS),
        "languages": _entries("language fluency"),
        "interests": _entries("name", keywords=TEXTS),
        "references": _entries("name reference"),
        "projects": _entries(
            "name description url entity type",
            **_SPAN,
            highlights=TEXTS,
            keywords=TEXTS,
            roles=TEXTS,
        ),
        "meta": _record("canonical version lastModified"),
    }
)


def problems_in(document: Any) -> list[Problem]:
    """Every place the document leaves the JSON Resume shape, in document order."""
    return list(_check(document, RESUME, ""))


def partial_date(value: Any) -> dt.date | None:
    """ "2014", "2014-06" or "2014-06-29" as a date (missing parts: the first); else None."""
    match = _PARTIAL_DATE.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        return None
    year, month, day = (int(part) if part else 1 for part in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _check(value: Any, shape: Shape, where: str) -> Iterator[Problem]:
    """`where` is the path so far; empty at the document itself."""
    if isinstance(shape, Text):
        if not isinstance(value, str):
            yield _problem(where, f"{_shown(value)} is not of type 'string'")
    elif isinstance(shape, PartialDate):
        if partial_date(value) is None:
            yield _problem(where, f"{_shown(value)} is not a date ({DATE_HINT})")
    elif isinstance(shape, ListOf):
        yield from _check_list(value, shape, where)
    else:
        yield from _check_record(value, shape, where)


def _check_list(value: Any, shape: ListOf, where: str) -> Iterator[Problem]:
    if not isinstance(value, list):
        yield _problem(where, f"{_shown(value)} is not of type 'array'")
        return
    for index, item in enumerate(value):
        yield from _check(item, shape.item, f"{where}[{index}]")


def _check_record(value: Any, shape: Record, where: str) -> Iterator[Problem]:
    if not isinstance(value, dict):
        yield _problem(where, f"{_shown(value)} is not of type 'object'")
        return
    prefix = f"{where}." if where else ""
    for key, item in value.items():
        field = shape.fields.get(key)
        if field is not None:
            yield from _check(item, field, f"{prefix}{key}")


def _problem(where: str, message: str) -> Problem:
    return Problem(where or "resume", message)


def _shown(value: Any) -> str:
    """A short JSON rendering of a value for a message; containers are not spelled out."""
    if isinstance(value, dict):
        return "{…}" if value else "{}"
    if isinstance(value, list):
        return "[…]" if value else "[]"
    if isinstance(value, str) and len(value) > _SHOWN_TEXT:
        value = value[:_SHOWN_TEXT] + "…"
    try:
        return json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        return type(value).__name__
