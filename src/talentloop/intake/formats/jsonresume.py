"""JSON Resume documents (jsonresume.org): checked against the format's shape, read into
drafts, and written from people.

The shape lives in jsonresume_shape: sections, field types and partial ISO 8601 dates are
checked; email and URL fields are only checked to be strings. Addresses still go through
the people checks when a draft becomes a person.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from talentloop.intake.formats.base import (
    ExportPerson,
    FormatError,
    add_email,
    add_phone,
    add_url,
    load_json,
    records_of,
    require_identity,
    set_country,
    set_field,
    split_name,
    text_of,
)
from talentloop.intake.formats.jsonresume_shape import partial_date, problems_in
from talentloop.intake.records import PersonDraft
from talentloop.people.actions import EducationInput, SkillInput, WorkInput
from talentloop.people.domain import SkillLevel, normalize_skill

_MAX_ERRORS = 5
_MAX_RESUMES = 50_000


def validate(document: Any) -> list[str]:
    """Every way the document leaves the JSON Resume shape, as "where: what" lines (empty:
    valid), e.g. `work[2].startDate: "2020-13" is not a date (YYYY, YYYY-MM or YYYY-MM-DD)`."""
    return [f"{problem.where}: {problem.message}" for problem in problems_in(document)]


def read(data: bytes) -> list[PersonDraft]:
    """One draft per resume: the file holds one resume object or an array of them."""
    document = load_json(data, what="JSON Resume")
    resumes = records_of(document, what="JSON Resume", wrappers=())
    if not resumes:
        raise FormatError("the JSON Resume file holds an empty array")
    if len(resumes) > _MAX_RESUMES:
        raise FormatError(f"the JSON Resume file holds more than {_MAX_RESUMES} resumes")
    return [_draft_of(number, resume) for number, resume in enumerate(resumes, start=1)]


def _draft_of(number: int, resume: Any) -> PersonDraft:
    draft = PersonDraft(locator=f"resume {number}")
    if not isinstance(resume, dict):
        draft.refuse("resume", "is not a JSON object")
        return draft
    problems = problems_in(resume)
    for problem in problems[:_MAX_ERRORS]:
        draft.refuse(problem.where, f"does not fit the JSON Resume format: {problem.message}")
    if len(problems) > _MAX_ERRORS:
        draft.refuse("resume", f"and {len(problems) - _MAX_ERRORS} more JSON Resume problems")
    if problems:
        return draft
    _map_basics(draft, resume.get("basics") or {})
    _map_work(draft, resume.get("work") or [])
    _map_education(draft, resume.get("education") or [])
    _map_skills(draft, resume.get("skills") or [])
    _map_languages(draft, resume.get("languages") or [])
    require_identity(draft)
    return draft


def _map_basics(draft: PersonDraft, basics: dict[str, Any]) -> None:
    first, last = split_name(text_of(basics.get("name")))
    set_field(draft, "first_name", first)
    set_field(draft, "last_name", last)
    set_field(draft, "headline", text_of(basics.get("label")))
    summary = str(basics.get("summary") or "").strip()
    set_field(draft, "summary", summary)
    add_email(draft, text_of(basics.get("email")), where="basics.email")
    add_phone(draft, text_of(basics.get("phone")))
    add_url(draft, text_of(basics.get("url")), where="basics.url")
    location = basics.get("location") or {}
    set_field(draft, "city", text_of(location.get("city")))
    set_field(draft, "region", text_of(location.get("region")))
    set_country(draft, text_of(location.get("countryCode")))
    for index, profile in enumerate(basics.get("profiles") or []):
        label = text_of(profile.get("network")).lower()
        add_url(
            draft, text_of(profile.get("url")), where=f"basics.profiles[{index}].url", label=label
        )


def _map_work(draft: PersonDraft, work: list[dict[str, Any]]) -> None:
    for index, job in enumerate(work):
        company = text_of(job.get("name")) or text_of(job.get("company"))
        if not company:
            draft.refuse(f"work[{index}].name", "a job needs the employer's name")
            continue
        end = partial_date(job.get("endDate"))
        entry = WorkInput(
            company_name=company,
            title=text_of(job.get("position")),
            start_date=partial_date(job.get("startDate")),
            end_date=end,
            is_current=end is None and job.get("startDate") is not None,
            description=_description(job),
        )
        draft.work_history.append(entry)
        if entry.is_current:
            set_field(draft, "current_company_name", entry.company_name)
            set_field(draft, "current_title", entry.title)


def _description(job: dict[str, Any]) -> str:
    parts = [str(job.get("summary") or "").strip()]
    parts += [f"- {text_of(item)}" for item in job.get("highlights") or [] if text_of(item)]
    return "\n".join(part for part in parts if part)


def _map_education(draft: PersonDraft, education: list[dict[str, Any]]) -> None:
    for index, school in enumerate(education):
        institution = text_of(school.get("institution"))
        if not institution:
            draft.refuse(f"education[{index}].institution", "a school needs its name")
            continue
        draft.education.append(
            EducationInput(
                institution=institution,
                degree=text_of(school.get("studyType")),
                field_of_study=text_of(school.get("area")),
                start_date=partial_date(school.get("startDate")),
                end_date=partial_date(school.get("endDate")),
            )
        )


def _map_skills(draft: PersonDraft, skills: list[dict[str, Any]]) -> None:
    seen: set[str] = set()
    for skill in skills:
        level = _level(text_of(skill.get("level")))
        names = [text_of(skill.get("name"))]
        names += [text_of(keyword) for keyword in skill.get("keywords") or []]
        for name in names:
            key = normalize_skill(name)
            if key and key not in seen:
                seen.add(key)
                draft.skills.append(
                    SkillInput(name=name[:100], level=level if name == names[0] else "")
                )


def _level(raw: str) -> str:
    word = raw.lower()
    if word in {"master", "expert"}:
        return SkillLevel.EXPERT.value
    return word if word in {level.value for level in SkillLevel} else ""


def _map_languages(draft: PersonDraft, languages: list[dict[str, Any]]) -> None:
    # Why a note: people have no language field, and the note keeps what the resume said.
    spoken = []
    for language in languages:
        name, fluency = text_of(language.get("language")), text_of(language.get("fluency"))
        if name:
            spoken.append(f"{name} ({fluency})" if fluency else name)
    if spoken:
        draft.notes.append("Languages: " + ", ".join(spoken))


# --- writing ------------------------------------------------------------------------------------


def resume_of(person: ExportPerson) -> dict[str, Any]:
    """A JSON Resume document for a person; it passes `validate`."""
    basics: dict[str, Any] = {"name": person.full_name}
    _put(basics, "label", person.headline)
    _put(basics, "summary", person.summary)
    for contact in person.contacts:
        if contact.kind == "email" and "email" not in basics:
            basics["email"] = contact.value
        elif contact.kind == "phone" and "phone" not in basics:
            basics["phone"] = contact.value
    links = [c for c in person.contacts if c.kind == "url"]
    profiles = [
        {"network": c.label, "url": c.value} for c in links if c.label not in {"", "website"}
    ]
    websites = [c.value for c in links if c.label in {"", "website"}]
    if websites:
        basics["url"] = websites[0]
    if profiles:
        basics["profiles"] = profiles
    location = {"city": person.city, "region": person.region, "countryCode": person.country}
    if any(location.values()):
        basics["location"] = {key: value for key, value in location.items() if value}
    resume: dict[str, Any] = {"basics": basics}
    _put(resume, "work", [_job_of(job) for job in person.work_history])
    _put(resume, "education", [_school_of(school) for school in person.education])
    _put(resume, "skills", [_skill_of(skill) for skill in person.skills])
    return resume


def _put(target: dict[str, Any], key: str, value: Any) -> None:
    if value:
        target[key] = value


def _job_of(job: WorkInput) -> dict[str, Any]:
    entry: dict[str, Any] = {"name": job.company_name}
    _put(entry, "position", job.title)
    _put(entry, "summary", job.description)
    _put(entry, "startDate", _iso(job.start_date))
    _put(entry, "endDate", _iso(job.end_date))
    return entry


def _school_of(school: EducationInput) -> dict[str, Any]:
    entry: dict[str, Any] = {"institution": school.institution}
    _put(entry, "studyType", school.degree)
    _put(entry, "area", school.field_of_study)
    _put(entry, "startDate", _iso(school.start_date))
    _put(entry, "endDate", _iso(school.end_date))
    return entry


def _skill_of(skill: SkillInput) -> dict[str, Any]:
    entry: dict[str, Any] = {"name": skill.name}
    _put(entry, "level", skill.level.capitalize())
    return entry


def _iso(value: Any) -> str:
    return value.isoformat() if isinstance(value, dt.date) else ""
