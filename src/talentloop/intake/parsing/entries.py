"""Cut a dated section (experience, education) into entries around their date lines.

Layouts put an entry's dates before, after or beside its heading lines, and sometimes on
the first bullet. An entry is anchored on each line holding a date; its heading cells are
the short, non-bullet lines right above the anchor (and right below, when the heading
follows the date line) that no other entry has claimed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from talentloop.intake.parsing.contacts import location_in
from talentloop.intake.parsing.dates import CURRENT_PATTERN, DATE_PATTERN, DateRange

BULLET = re.compile(r"^\s*(?:[•◦▪●■‣∙·*◆◇►▸➢✓❖]|-\s|\u2013\s|\d+\.\s)")
_DURATION = re.compile(r"^\d+\s+(?:years?|yrs?|months?|mos?)(?:\s+\d+\s+months?)?$", re.I)
_MAX_HEADING_CHARS = 90


@dataclass
class RawEntry:
    dates: DateRange
    cells: list[str] = field(default_factory=list)  # heading cells, nearest first
    description: list[str] = field(default_factory=list)
    anchor_cells: int = 0  # how many of `cells` came from the date line itself


def is_heading_line(line: str) -> bool:
    text = line.strip()
    if not text or BULLET.match(text) or len(text) > _MAX_HEADING_CHARS:
        return False
    # Why lower case: a heading starts with a capital or digit; a wrapped bullet does not.
    if _DURATION.match(text) or text.startswith(("http", "www.")) or text[0].islower():
        return False
    return not (text.endswith(".") and len(text.split()) > 6)


_OPEN_RANGE = re.compile(rf"^(?P<start>{DATE_PATTERN})\s*[-\u2013\u2014]\s*\t", re.IGNORECASE)
_RANGE_END = re.compile(rf"^(?P<end>{DATE_PATTERN}|{CURRENT_PATTERN})(?:\t|$)", re.IGNORECASE)


def join_split_ranges(lines: list[str]) -> list[str]:
    """Mend ranges a narrow date column wrapped: "2017 -\tTitle" over "Present\tText"."""
    mended = list(lines)
    for index in range(len(mended) - 1):
        opened = _OPEN_RANGE.match(mended[index])
        closed = _RANGE_END.match(mended[index + 1]) if opened else None
        if opened and closed:
            start, end = opened.group("start"), closed.group("end")
            mended[index] = f"{start} - {end}\t" + mended[index][opened.end() :]
            mended[index + 1] = mended[index + 1][closed.end() :].strip()
    return [line for line in mended if line.strip()]


def cut_entries(lines: list[str], find_dates: Callable[[str], DateRange | None]) -> list[RawEntry]:
    lines = join_split_ranges(lines)
    anchors = [(index, found) for index, line in enumerate(lines) if (found := find_dates(line))]
    claimed: set[int] = {index for index, _ in anchors}
    entries = [_heading(lines, index, dates, claimed) for index, dates in anchors]
    # Why a second pass: a heading printed under its dates may only take lines that no
    # entry below claimed as its own heading.
    for entry, (index, _dates) in zip(entries, anchors, strict=True):
        if _part_count(entry.cells) < 2:
            entry.cells += _cells_below(lines, index, claimed)
    for number, (index, dates) in enumerate(anchors):
        next_index = anchors[number + 1][0] if number + 1 < len(anchors) else len(lines)
        own = [lines[i] for i in range(index + 1, next_index) if i not in claimed]
        if BULLET.match(lines[index]):
            own.insert(0, lines[index][: dates.span[0]] + lines[index][dates.span[1] :])
        entries[number].description = [line for line in own if not _DURATION.match(line.strip())]
    return entries


def _heading(lines: list[str], index: int, dates: DateRange, claimed: set[int]) -> RawEntry:
    entry = RawEntry(dates=dates)
    line = lines[index]
    if not BULLET.match(line):
        entry.cells = _split_cells(line[: dates.span[0]] + "\t" + line[dates.span[1] :])
        entry.anchor_cells = len(entry.cells)
    if _part_count(entry.cells) < 2:
        entry.cells += _cells_above(lines, index, claimed)
    return entry


_PART_SEPARATOR = re.compile(r",\s|\s[\u2013|•·@-]\s|\sat\s")


def _part_count(cells: list[str]) -> int:
    """Heading parts other than the place: "Acme, Engineer" is two, as are two cells."""
    count = 0
    for cell in cells:
        place = location_in(cell)
        if place:
            cell = cell[: place.start()] + cell[place.end() :]
        count += sum(1 for part in _PART_SEPARATOR.split(cell) if part.strip(" ,|-\u2013•·"))
    return count


def _split_cells(text: str) -> list[str]:
    return [cell.strip(" ,|\u2013-") for cell in text.split("\t") if cell.strip(" ,|\u2013-")]


def _cells_above(lines: list[str], index: int, claimed: set[int]) -> list[str]:
    cells: list[str] = []
    position = index - 1
    while position >= 0 and position not in claimed and len(cells) < 3:
        if not is_heading_line(lines[position]):
            break
        claimed.add(position)
        cells = _split_cells(lines[position]) + cells
        position -= 1
    return cells


def _cells_below(lines: list[str], index: int, claimed: set[int]) -> list[str]:
    cells: list[str] = []
    position = index + 1
    while position < len(lines) and position not in claimed and len(cells) < 2:
        if not is_heading_line(lines[position]) or lines[position].rstrip().endswith("."):
            break
        claimed.add(position)
        cells += _split_cells(lines[position])
        position += 1
    return cells
