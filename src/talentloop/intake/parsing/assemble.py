"""Read every field of a resume from its text and give each a confidence."""

from __future__ import annotations

import datetime as dt

from talentloop.intake.parsing import contacts, skills
from talentloop.intake.parsing.education import parse_education
from talentloop.intake.parsing.experience import parse_experience, total_years
from talentloop.intake.parsing.layout import PRIVATE_USE
from talentloop.intake.parsing.result import EducationEntry, ParsedResume, WorkEntry
from talentloop.intake.parsing.sections import Sections, split_sections

MAX_TEXT_CHARS = 400_000  # a resume is a few thousand characters; more is not a resume


def assemble(
    text: str,
    *,
    default_region: str,
    link_uris: list[str] | None = None,
    today: dt.date | None = None,
) -> ParsedResume:
    text = text[:MAX_TEXT_CHARS].replace("\r\n", "\n").replace("\x00", "")
    text = PRIVATE_USE.sub(" ", text)
    sections = split_sections(text)
    result = ParsedResume(text=text)
    _read_contacts(result, sections, text, default_region, link_uris or [])
    _read_history(result, sections, today or dt.date.today())
    _read_skills(result, sections, text)
    return result


def _read_contacts(
    result: ParsedResume, sections: Sections, text: str, region: str, uris: list[str]
) -> None:
    header_text = "\n".join(sections.header)
    mail_uris = [uri.removeprefix("mailto:") for uri in uris if uri.lower().startswith("mailto:")]
    result.emails = contacts.find_emails(text + "\n" + "\n".join(mail_uris))
    in_header = bool(result.emails) and result.emails[0] in header_text.lower()
    result.confidence["emails"] = (0.98 if in_header else 0.85) if result.emails else 0.0
    block = _contact_block(sections, text, result.emails)
    result.links = contacts.find_links(text, uris)
    result.confidence["links"] = 0.9 if result.links else 0.0
    result.name, result.confidence["name"] = contacts.find_name(sections.header)
    if not result.name.full and block is not sections.header:
        result.name, found = contacts.find_name(block)
        result.confidence["name"] = min(found, 0.75)
    result.location, result.confidence["location"] = contacts.find_location(block)
    result.headline, result.confidence["headline"] = contacts.find_headline(block, result.name.full)
    result.phones, all_valid = contacts.find_phones(
        "\n".join(block + sections.lines("profiles")) or text[:2000],
        default_region=region,
        location_region=contacts.region_of(result.location),
    )
    result.confidence["phones"] = (0.95 if all_valid else 0.5) if result.phones else 0.0
    summary = sections.lines("summary")
    result.summary = " ".join(summary)
    result.confidence["summary"] = 0.9 if summary else 0.0


def _contact_block(sections: Sections, text: str, emails: list[str]) -> list[str]:
    """The lines holding the name and contact details.

    Usually the header above the first heading; in two-column layouts whose sidebar comes
    first, the lines around the first email address instead. Phones are only read here:
    figures and ids in the body read as phone numbers.
    """
    header_text = "\n".join(sections.header).lower()
    if sections.header and (not emails or emails[0] in header_text):
        return sections.header
    lines = [line for line in text.splitlines() if line.strip()]
    for index, line in enumerate(lines):
        if emails and emails[0] in line.lower():
            return lines[max(index - 3, 0) : index + 3]
    return sections.header


def _read_history(result: ParsedResume, sections: Sections, today: dt.date) -> None:
    result.work = parse_experience(sections.lines("experience"))
    result.confidence["work"] = _work_confidence(result.work)
    result.education = parse_education(sections.lines("education"))
    result.confidence["education"] = _education_confidence(result.education)
    result.total_years_experience = total_years(result.work, today=today)
    dated = sum(1 for entry in result.work if entry.start) / max(len(result.work), 1)
    result.confidence["total_years_experience"] = round(result.confidence["work"] * dated, 3)


def _work_confidence(work: list[WorkEntry]) -> float:
    if not work:
        return 0.0
    scores = [0.4 + 0.3 * bool(entry.title) + 0.3 * bool(entry.start) for entry in work]
    return round(0.95 * sum(scores) / len(scores), 3)


def _education_confidence(education: list[EducationEntry]) -> float:
    if not education:
        return 0.0
    scores = [0.5 + 0.25 * bool(entry.degree) + 0.25 * bool(entry.end) for entry in education]
    return round(0.9 * sum(scores) / len(scores), 3)


def _read_skills(result: ParsedResume, sections: Sections, text: str) -> None:
    listed = sections.lines("skills")
    if listed:
        result.skills = skills.section_skills(listed)
        result.confidence["skills"] = 0.9 if result.skills else 0.0
    else:
        result.skills = skills.match_skills(text, prose=True)
        result.confidence["skills"] = 0.5 if result.skills else 0.0
    section = sections.lines("languages")
    result.languages = skills.find_languages(section, text)
    result.confidence["languages"] = (0.85 if section else 0.6) if result.languages else 0.0
