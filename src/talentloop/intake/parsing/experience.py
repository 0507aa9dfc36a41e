"""Work history: employer, title, location and dates per entry, and total years."""

from __future__ import annotations

import datetime as dt
import re

from talentloop.intake.parsing.contacts import location_in
from talentloop.intake.parsing.dates import find_range
from talentloop.intake.parsing.entries import BULLET, RawEntry, cut_entries
from talentloop.intake.parsing.result import WorkEntry

TITLE_WORDS = re.compile(
    r"\b(?:engineer(?:ing)?|developer|programmer|manager|director|designer|scientist|analyst|"
    r"consultant|architect|intern(?:ship)?|specialist|lead|head|officer|administrator|"
    r"coordinator|founder|co-founder|cto|ceo|cfo|coo|vp|vice president|president|partner|"
    r"associate|assistant|researcher|research fellow|fellow|professor|lecturer|instructor|"
    r"teacher|tutor|postdoc(?:toral)?|student|technician|representative|recruiter|"
    r"accountant|editor|writer|owner|supervisor|advisor|sde|swe|sre|devops|tester|"
    r"strategist|executive|chief|principal|member of technical staff|mts)\b",
    re.IGNORECASE,
)
EMPLOYER_WORDS = re.compile(
    r"\b(?:inc|llc|ltd|gmbh|corp|corporation|company|co|labs?|technologies|solutions|systems|"
    r"group|bank|university|institute|college|agency|studio|partners|services|software|"
    r"research|ai|health|capital|ventures|foundation|consulting|networks|media)\b\.?",
    re.IGNORECASE,
)
_PART_SPLIT = re.compile(r"\s+(?:\u2013|—|-|\||•|·|@|at)\s+|\s*,\s+(?!(?:inc|llc|ltd)\b)", re.I)


def parse_experience(lines: list[str]) -> list[WorkEntry]:
    return [entry for raw in cut_entries(lines, find_range) if (entry := _work_entry(raw))]


def _work_entry(raw: RawEntry) -> WorkEntry | None:
    location, parts = split_parts(raw.cells)
    if not parts:
        return None
    title = next((part for part in parts if TITLE_WORDS.search(part)), "")
    others = [part for part in parts if part != title]
    if not title and len(others) >= 2:
        employer_first = bool(EMPLOYER_WORDS.search(others[0])) or not EMPLOYER_WORDS.search(
            others[1]
        )
        employer, title = (others[0], others[1]) if employer_first else (others[1], others[0])
    else:
        employer = _pick_employer(others)
    if not employer:
        return None
    description = [BULLET.sub("", line).strip() for line in raw.description]
    description = [line for line in description if line]
    found = location_in(description[0]) if description and not location else None
    if found and found.group(0) == description[0]:
        # Why: list layouts (Markdown, DOCX) put the place on its own line under the dates.
        location, description = found.group(0), description[1:]
    return WorkEntry(
        employer=employer,
        title=title,
        start=raw.dates.start,
        end=raw.dates.end,
        is_current=raw.dates.is_current,
        location=location,
        description="\n".join(description),
    )


def _pick_employer(parts: list[str]) -> str:
    marked = [part for part in parts if EMPLOYER_WORDS.search(part)]
    return (marked or parts or [""])[0]


def split_parts(cells: list[str]) -> tuple[str, list[str]]:
    """(location, other parts) from an entry's heading cells."""
    location = ""
    parts: list[str] = []
    for cell in cells:
        found = location_in(cell)
        if found and found.group("loc"):
            location = location or found.group("loc")
            cell = (cell[: found.start()] + "\t" + cell[found.end() :]).strip()
        elif found and found.group("remote"):
            location = location or "Remote"
            cell = (cell[: found.start()] + cell[found.end() :]).strip()
        for part in _PART_SPLIT.split(cell.replace("\t", " \u2013 ")):
            part = " ".join(part.split()).strip(" ,|\u2013-•·@")
            if part.count("(") != part.count(")"):
                part = part.strip("()")
            if part and not re.fullmatch(r"[\d\W]+", part) and part not in parts:
                parts.append(part)
    return location, parts


def total_years(work: list[WorkEntry], *, today: dt.date) -> float | None:
    """Years covered by work entries, overlaps counted once."""
    spans = sorted(
        (entry.start, today if entry.is_current or entry.end is None else entry.end)
        for entry in work
        if entry.start is not None
    )
    if not spans:
        return None
    months = 0
    current_start, current_end = spans[0]
    for start, end in spans[1:]:
        if start <= current_end:
            current_end = max(current_end, end)
            continue
        months += _months(current_start, current_end)
        current_start, current_end = start, end
    months += _months(current_start, current_end)
    return round(months / 12, 1)


def _months(start: dt.date, end: dt.date) -> int:
    return max((end.year - start.year) * 12 + end.month - start.month + 1, 0)
