"""Split resume text into a header (before the first heading) and named sections."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Heading words per section kind, compared letters-only and lower case.
_HEADINGS: dict[str, tuple[str, ...]] = {
    "summary": (
        "summary",
        "profile",
        "about",
        "aboutme",
        "professionalsummary",
        "careersummary",
        "objective",
        "careerobjective",
        "overview",
        "introduction",
        "personalstatement",
        "executivesummary",
        "professionalprofile",
    ),
    "experience": (
        "experience",
        "workexperience",
        "professionalexperience",
        "employment",
        "employmenthistory",
        "workhistory",
        "careerhistory",
        "relevantexperience",
        "professionalbackground",
        "positions",
        "researchexperience",
        "industryexperience",
        "experiences",
        "workexperiences",
        "careerexperience",
        "academicpositions",
        "academicappointments",
        "appointments",
        "teachingexperience",
    ),
    "education": (
        "education",
        "academicbackground",
        "educationandtraining",
        "academics",
        "qualifications",
        "educationalbackground",
        "academicqualifications",
        "studies",
    ),
    "skills": (
        "skills",
        "technicalskills",
        "coreskills",
        "keyskills",
        "competencies",
        "corecompetencies",
        "technologies",
        "skillsandtools",
        "toolsandtechnologies",
        "areasofexpertise",
        "expertise",
        "techstack",
        "skillset",
        "technicalexpertise",
        "skillsandexpertise",
        "technicalproficiencies",
        "proficiencies",
        "skillssummary",
    ),
    "languages": ("languages", "spokenlanguages", "languageskills"),
    "projects": ("projects", "personalprojects", "selectedprojects", "keyprojects", "openssource"),
    "certifications": (
        "certifications",
        "certificates",
        "licenses",
        "licensesandcertifications",
        "certificationsandlicenses",
        "courses",
        "training",
    ),
    "publications": (
        "publications",
        "selectedpublications",
        "papers",
        "talks",
        "presentations",
        "invitedtalks",
        "patents",
        "conferencepapers",
        "journalarticles",
        "researchpapers",
    ),
    "awards": (
        "awards",
        "honors",
        "honorsandawards",
        "awardsandhonors",
        "achievements",
        "selectedhonors",
        "grants",
        "fellowships",
        "scholarships",
        "grantsandawards",
        "keyachievements",
        "accomplishments",
    ),
    "profiles": ("profiles", "links", "contact", "contactinformation", "socialprofiles", "online"),
    "interests": ("interests", "hobbies", "hobbiesandinterests"),
    "references": ("references",),
    "volunteer": ("volunteer", "volunteering", "volunteerexperience", "volunteerwork"),
    "other": (
        "additionalinformation",
        "other",
        "miscellaneous",
        "activities",
        "extracurricular",
        "service",
        "professionalservice",
        "memberships",
        "affiliations",
        "professionalmemberships",
        "researchinterests",
        "teaching",
        "leadership",
        "extracurricularactivities",
        "additional",
    ),
}


def _letters(text: str) -> str:
    return re.sub(r"[^a-z]", "", text.lower())


def _without_ligatures(word: str) -> str:
    # Why: fonts with unmapped "fi"/"fl" ligatures drop them from the text ("Pro les").
    return re.sub("ffi|ffl|fi|fl|ff", "", word)


_LOOKUP: dict[str, str] = {}
for _kind, _words in _HEADINGS.items():
    for _word in _words:
        _LOOKUP[_word] = _kind
        _LOOKUP.setdefault(_without_ligatures(_word), _kind)


@dataclass
class Sections:
    header: list[str] = field(default_factory=list)
    bodies: dict[str, list[str]] = field(default_factory=dict)

    def lines(self, kind: str) -> list[str]:
        return self.bodies.get(kind, [])


def heading_kind(line: str) -> str | None:
    """The section kind a line announces, or None when it is not a heading."""
    stripped = line.strip().rstrip(":").strip()
    if not stripped or len(stripped) > 45 or "\t" in stripped or stripped[0] in "•◦-*▪●◆►\u2013":
        return None
    if len(stripped.split()) > 5 or any(char.isdigit() for char in stripped):
        return None
    key = _letters(stripped.replace("&", "and"))
    return _LOOKUP.get(key) or _LOOKUP.get(key.removeprefix("my"))


# Markdown converted to Word can glue a heading to the end of the paragraph before it.
_TRAILING_MD_HEADING = re.compile(r"^(?P<text>.*\S)\s+#{1,6}\s+(?P<heading>[^#]+)$")


def _lines(text: str) -> list[str]:
    lines: list[str] = []
    for raw in text.splitlines():
        glued = _TRAILING_MD_HEADING.match(raw.strip())
        if glued and heading_kind(glued.group("heading")):
            lines += [glued.group("text"), glued.group("heading")]
        else:
            lines.append(raw)
    return lines


def split_sections(text: str) -> Sections:
    """Group lines under the last heading above them; lines above every heading are the header."""
    sections = Sections()
    current: list[str] = sections.header
    for raw in _lines(text):
        line = raw.strip()
        if not line:
            continue
        kind = heading_kind(line)
        rest = ""
        if kind is None and "\t" in line:
            # Why: margin-heading layouts print the heading and the first entry on one line.
            first, rest = line.split("\t", 1)
            kind = heading_kind(first)
        if kind is None:
            current.append(line)
            continue
        current = sections.bodies.setdefault(kind, [])
        if rest.strip():
            current.append(rest.strip())
    return sections
