"""Education: institution, degree, field of study and dates per entry."""

from __future__ import annotations

import re

from talentloop.intake.parsing.dates import DateRange, find_range, find_single
from talentloop.intake.parsing.entries import cut_entries
from talentloop.intake.parsing.experience import split_parts
from talentloop.intake.parsing.result import EducationEntry

INSTITUTION = re.compile(
    r"\b(?:university|universidad|universit[äa]t|universit[ée]|college|institute|school|"
    r"academy|polytechnic|politecnico|conservatory|seminary|[eé]cole|hochschule|iit|mit|"
    r"ucla|uc\s+\w+|eth|epfl|campus)\b",
    re.IGNORECASE,
)
DEGREE = re.compile(
    r"^(?P<degree>(?:ph\.?\s?d\.?|d\.?phil|doctor(?:ate)?(?: of [a-z]+)?|m\.?b\.?a\.?|"
    r"m\.?\s?sc?\.?|b\.?\s?sc?\.?|b\.?\s?a\.?|m\.?\s?a\.?|m\.?\s?eng\.?|b\.?\s?eng\.?|"
    r"b\.?\s?tech\.?|m\.?\s?tech\.?|ll\.?[bm]\.?|j\.?d\.?|m\.?d\.?|a\.?a\.?s?\.?|a\.?s\.?|"
    r"b\.?f\.?a\.?|m\.?f\.?a\.?|m\.?p\.?h\.?|ed\.?d\.?|"
    r"(?:bachelor|master|associate)(?:'s|\u2019s|s)?(?: degree)?"
    r"(?: of (?-i:[A-Z][a-z]+)(?: (?-i:[A-Z][a-z]+))?)?|"
    r"high school diploma|diploma|certificate|abitur|licenciatura|laurea)"
    r")(?=$|[\s,(])",
    re.IGNORECASE,
)
_FIELD_PREFIX = re.compile(r"^(?:in|of|,|:|-|\u2013)\s*", re.IGNORECASE)


def _education_dates(line: str) -> DateRange | None:
    return find_range(line) or find_single(line)


def parse_education(lines: list[str]) -> list[EducationEntry]:
    entries: list[EducationEntry] = []
    for raw in cut_entries(lines, _education_dates):
        _location, parts = split_parts(raw.cells)
        entry = _education_entry(parts, raw.dates)
        if entry:
            entries.append(entry)
    return entries


def _education_entry(parts: list[str], dates: DateRange) -> EducationEntry | None:
    institution = next((part for part in parts if INSTITUTION.search(part)), "")
    degree, field_of_study = "", ""
    for position, part in enumerate(parts):
        if part == institution:
            continue
        match = DEGREE.match(part)
        if match is None:
            continue
        degree = match.group("degree").strip()
        rest = _FIELD_PREFIX.sub("", part[match.end() :].strip()).strip()
        following = parts[position + 1] if position + 1 < len(parts) else ""
        if not rest and following and following != institution and not DEGREE.match(following):
            rest = following
        field_of_study = rest
        break
    if degree and not field_of_study:
        spare = [p for p in parts if p != institution and not DEGREE.match(p)]
        field_of_study = spare[0] if spare else ""
    if not institution:
        leftovers = [p for p in parts if p not in {degree, field_of_study} and not DEGREE.match(p)]
        institution = leftovers[0] if leftovers else ""
    if not institution:
        return None
    return EducationEntry(
        institution=institution,
        degree=degree,
        field_of_study=field_of_study,
        start=dates.start,
        end=dates.end,
    )
