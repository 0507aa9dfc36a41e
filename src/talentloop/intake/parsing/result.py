"""The public result of parsing one resume, and the one error the parser raises.

The import pipeline codes against these names; keep them stable.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

# Why 0.6: below it a field was found by a fallback (a guess from position, a bare year,
# a word matched outside a skills section); a person should look before it is trusted.
LOW_CONFIDENCE = 0.6

FIELD_NAMES = (
    "name",
    "emails",
    "phones",
    "links",
    "location",
    "headline",
    "summary",
    "work",
    "education",
    "skills",
    "languages",
    "total_years_experience",
)


# Fields every resume should yield: missing ones are flagged as well as doubtful ones.
REQUIRED_FIELDS = ("name", "emails")


class ResumeParseError(Exception):
    """A file the parser cannot read; `message` says why in words a user understands."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class PersonName:
    full: str = ""
    given: str = ""
    family: str = ""


@dataclass(frozen=True)
class Link:
    url: str
    label: str  # "linkedin", "github", "website", ... (people.domain.guess_link_label)


@dataclass(frozen=True)
class WorkEntry:
    employer: str
    title: str = ""
    start: dt.date | None = None
    end: dt.date | None = None
    is_current: bool = False
    location: str = ""
    description: str = ""


@dataclass(frozen=True)
class EducationEntry:
    institution: str
    degree: str = ""
    field_of_study: str = ""
    start: dt.date | None = None
    end: dt.date | None = None


@dataclass(frozen=True)
class SkillMatch:
    name: str  # the canonical taxonomy name, e.g. "JavaScript"
    matched_text: str  # the words in the resume that matched, e.g. "JS"


@dataclass
class ParsedResume:
    """Everything read from one resume, with a confidence in [0, 1] per field."""

    name: PersonName = field(default_factory=PersonName)
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)  # E.164
    links: list[Link] = field(default_factory=list)
    location: str = ""
    headline: str = ""
    summary: str = ""
    work: list[WorkEntry] = field(default_factory=list)
    education: list[EducationEntry] = field(default_factory=list)
    skills: list[SkillMatch] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    total_years_experience: float | None = None
    text: str = ""
    confidence: dict[str, float] = field(default_factory=dict)

    def low_confidence_fields(self, threshold: float = LOW_CONFIDENCE) -> list[str]:
        """Fields found but not trusted, plus required fields (name, emails) not found."""
        return [
            name
            for name in FIELD_NAMES
            if self.confidence.get(name, 0.0) < threshold
            and (name in REQUIRED_FIELDS or self._has(name))
        ]

    def _has(self, name: str) -> bool:
        value = getattr(self, name)
        if isinstance(value, PersonName):
            return bool(value.full)
        return value is not None and value != "" and value != []

    def to_json_resume(self) -> dict[str, Any]:
        """The result as a JSON Resume object, with confidences under `meta`."""
        return {
            "basics": self._basics(),
            "work": [_work_json(entry) for entry in self.work],
            "education": [_education_json(entry) for entry in self.education],
            "skills": [
                {"name": skill.name, "keywords": [skill.matched_text]} for skill in self.skills
            ],
            "languages": [{"language": language} for language in self.languages],
            "meta": {
                "confidence": {
                    name: round(self.confidence.get(name, 0.0), 3) for name in FIELD_NAMES
                },
                "low_confidence_fields": self.low_confidence_fields(),
                "total_years_experience": self.total_years_experience,
            },
        }

    def _basics(self) -> dict[str, Any]:
        basics: dict[str, Any] = {
            "name": self.name.full,
            "label": self.headline,
            "summary": self.summary,
            "location": {"address": self.location},
            "profiles": [
                {"network": link.label, "url": link.url}
                for link in self.links
                if link.label != "website"
            ],
        }
        # Why omitted when unknown: the schema's email, phone and uri formats refuse "".
        if self.emails:
            basics["email"] = self.emails[0]
        if self.phones:
            basics["phone"] = self.phones[0]
        website = next((link.url for link in self.links if link.label == "website"), "")
        if website:
            basics["url"] = website
        basics["meta"] = {"emails": self.emails, "phones": self.phones}
        return basics


def _dates(start: dt.date | None, end: dt.date | None) -> dict[str, str]:
    """startDate/endDate as YYYY-MM; absent when unknown (the schema refuses "")."""
    dates: dict[str, str] = {}
    if start:
        dates["startDate"] = start.isoformat()[:7]
    if end:
        dates["endDate"] = end.isoformat()[:7]
    return dates


def _work_json(entry: WorkEntry) -> dict[str, Any]:
    """A current job has no endDate, as JSON Resume expresses "present"."""
    return {
        "name": entry.employer,
        "position": entry.title,
        "location": entry.location,
        **_dates(entry.start, None if entry.is_current else entry.end),
        "summary": entry.description,
    }


def _education_json(entry: EducationEntry) -> dict[str, Any]:
    return {
        "institution": entry.institution,
        "studyType": entry.degree,
        "area": entry.field_of_study,
        **_dates(entry.start, entry.end),
    }
