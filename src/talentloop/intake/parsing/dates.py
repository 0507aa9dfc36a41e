"""Dates and date ranges as resumes write them: "Sept 2018 - May 2023", "2021-03 to present"."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_MONTHS = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
_MONTH_WORD = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_YEAR = r"(?:19[5-9]\d|20[0-4]\d)"
DATE_PATTERN = (
    rf"(?:{_MONTH_WORD}\s*,?\s*{_YEAR}"  # Sept 2018, March, 2020
    rf"|{_YEAR}\s*[-/.]\s*(?:0?[1-9]|1[0-2])(?![\d])"  # 2018-06
    rf"|(?:0?[1-9]|1[0-2])\s*[/.]\s*{_YEAR}"  # 06/2018
    rf"|(?:spring|summer|fall|autumn|winter)\s+{_YEAR}"
    rf"|{_YEAR})"
)
CURRENT_PATTERN = r"(?:present|current|now|today|ongoing|to date|heute|actuel)"
_SEPARATOR = r"\s*(?:-|\u2013|—|\u2212|to|until|till|through|thru|~|→)\s*"
RANGE = re.compile(
    rf"(?<![\w/])(?P<start>{DATE_PATTERN}){_SEPARATOR}(?P<end>{DATE_PATTERN}|{CURRENT_PATTERN})(?![\w/])",
    re.IGNORECASE,
)
SINGLE = re.compile(rf"(?<![\w/-])(?P<date>{DATE_PATTERN})(?![\w/-])", re.IGNORECASE)
_SEASON_MONTH = {"spring": 3, "summer": 6, "fall": 9, "autumn": 9, "winter": 12}


@dataclass(frozen=True)
class DateRange:
    start: dt.date | None
    end: dt.date | None
    is_current: bool
    span: tuple[int, int]  # where in the line it was found
    has_months: bool


def parse_date(text: str) -> dt.date | None:
    """The first day of the month a date names; a bare year reads as January."""
    value = text.strip().lower().rstrip(".")
    year_match = re.search(r"(19|20)\d\d", value)
    if year_match is None:
        return None
    year = int(year_match.group())
    month = 1
    word = re.match(r"[a-z]+", value)
    if word and word.group()[:3] in _MONTHS:
        month = _MONTHS[word.group()[:3]]
    elif word and word.group() in _SEASON_MONTH:
        month = _SEASON_MONTH[word.group()]
    else:
        digits = re.findall(r"\d+", value)
        others = [int(d) for d in digits if len(d) <= 2]
        if others and 1 <= others[0] <= 12:
            month = others[0]
    return dt.date(year, month, 1)


def find_range(line: str) -> DateRange | None:
    """The first date range in a line, or a lone date as a range ending there."""
    match = RANGE.search(line)
    if match:
        start = parse_date(match.group("start"))
        end_text = match.group("end")
        is_current = re.fullmatch(CURRENT_PATTERN, end_text.strip(), re.IGNORECASE) is not None
        end = None if is_current else parse_date(end_text)
        if start and end and end < start:
            return None
        months = not re.fullmatch(_YEAR, match.group("start").strip())
        return DateRange(start, end, is_current, match.span(), months)
    return None


def find_single(line: str) -> DateRange | None:
    """A lone date ("May 2016", "2019"), read as an end date."""
    match = SINGLE.search(line)
    if match is None:
        return None
    day = parse_date(match.group("date"))
    months = not re.fullmatch(_YEAR, match.group("date").strip())
    return DateRange(None, day, False, match.span(), months)
