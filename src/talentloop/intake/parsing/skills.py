"""Skills mapped to the project's taxonomy (data/skills.csv), and spoken languages."""

from __future__ import annotations

import csv
import functools
import re
from dataclasses import dataclass
from pathlib import Path

from talentloop.intake.parsing.result import SkillMatch
from talentloop.people.domain import normalize_skill

DATA = Path(__file__).with_name("data")
_TOKEN = re.compile(r"\.?[A-Za-z0-9][A-Za-z0-9+#.\-/']*[A-Za-z0-9+#]|\.?[A-Za-z0-9][+#]*")
_MAX_WORDS = 5
_ITEM_SPLIT = re.compile(r"\s*(?:[,;|•·◦▪\t]|\s/\s|\band\b)\s*")
_LEVEL_WORDS = frozenset(
    [
        "advanced",
        "intermediate",
        "beginner",
        "basic",
        "expert",
        "proficient",
        "fluent",
        "native",
        "elementary",
        "professional",
        "working",
        "limited",
        "conversational",
    ]
)


@dataclass(frozen=True)
class Taxonomy:
    by_alias: dict[str, str]  # token key -> canonical name
    languages: dict[str, str]  # lower-case language name or alias -> canonical name


def key_of(text: str) -> str:
    """The matching key of a skill name or alias: its tokens, lower case, one space apart."""
    return " ".join(token.lower() for token in _TOKEN.findall(text))


@functools.cache
def taxonomy() -> Taxonomy:
    by_alias: dict[str, str] = {}
    with (DATA / "skills.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            name = row["name"]
            for alias in [name, *filter(None, row["aliases"].split("|"))]:
                by_alias.setdefault(key_of(alias), name)
    languages: dict[str, str] = {}
    with (DATA / "languages.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            for alias in [row["name"], *filter(None, row["aliases"].split("|"))]:
                languages[alias.lower()] = row["name"]
    return Taxonomy(by_alias=by_alias, languages=languages)


def match_skills(text: str, *, prose: bool) -> list[SkillMatch]:
    """Taxonomy skills named in text, longest match first, each canonical name once.

    In prose only words written with a capital, digit or symbol count, so "go to" or
    "excel at" in a sentence do not read as Go or Excel.
    """
    lookup = taxonomy().by_alias
    tokens = _TOKEN.findall(text)
    found: dict[str, SkillMatch] = {}
    position = 0
    while position < len(tokens):
        for width in range(min(_MAX_WORDS, len(tokens) - position), 0, -1):
            words = tokens[position : position + width]
            name = lookup.get(" ".join(word.lower() for word in words))
            if name and not (prose and all(word.islower() and word.isalpha() for word in words)):
                found.setdefault(name, SkillMatch(name=name, matched_text=" ".join(words)))
                position += width
                break
        else:
            position += 1
    return list(found.values())


def section_skills(lines: list[str]) -> list[SkillMatch]:
    """Skills from a skills section: taxonomy matches plus unknown items of listed skills."""
    found: dict[str, SkillMatch] = {}
    for line in lines:
        body = re.sub(r"^[^:,]{1,40}:\s*", "", line)  # "Languages: Python, Go"
        items = [item.strip(" .()") for item in _ITEM_SPLIT.split(body) if item.strip(" .()")]
        for item in items:
            matches = match_skills(item, prose=False)
            for match in matches:
                found.setdefault(normalize_skill(match.name), match)
            if not matches and len(items) >= 2 and _plausible_unknown(item):
                found.setdefault(normalize_skill(item), SkillMatch(name=item, matched_text=item))
    return list(found.values())


def _plausible_unknown(item: str) -> bool:
    words = item.split()
    if not 1 <= len(words) <= 4 or item.lower() in _LEVEL_WORDS or item[0].islower():
        return False
    return any(char.isalpha() for char in item) and not re.search(r"\d{3}", item)


def find_languages(section: list[str], text: str) -> list[str]:
    """Spoken languages: names in a languages section, or in a "Languages:" line of any section."""
    names = taxonomy().languages
    candidates = list(section)
    candidates += [
        line.split(":", 1)[1]
        for line in text.splitlines()
        if re.match(r"\s*(?:spoken )?languages?\s*:", line, re.I)
    ]
    found: list[str] = []
    for line in candidates:
        for word in re.findall(r"[A-Za-zÀ-ÿ]+(?: [A-Z][a-z]+)?", line):
            name = names.get(word.lower()) or names.get(word.split()[0].lower())
            if name and name not in found:
                found.append(name)
    return found
