"""Greenhouse candidates as the Harvest API returns them (GET /v1/candidates), read into drafts.

The file holds an array of candidates, one candidate object, or `{"candidates": [...]}`.
Each application becomes a note ("Applied to <job>: stage <stage> (<status>)"), so the
history of a candidate in Greenhouse stays readable after the move.
"""

from __future__ import annotations

from typing import Any

from talentloop.intake.formats.base import (
    FormatError,
    add_email,
    add_phone,
    add_tag,
    add_url,
    load_json,
    records_of,
    require_identity,
    set_field,
    text_of,
)
from talentloop.intake.records import PersonDraft

_SYSTEM = "greenhouse"
_MAX_CANDIDATES = 100_000


def read(data: bytes) -> list[PersonDraft]:
    """One draft per candidate; a file that holds no candidate objects is a FormatError."""
    document = load_json(data, what="Greenhouse")
    candidates = records_of(document, what="Greenhouse", wrappers=("candidates",))
    if not any(_looks_like_candidate(item) for item in candidates):
        raise FormatError(
            "not a Greenhouse candidates export: no object with first_name, last_name or"
            " email_addresses"
        )
    if len(candidates) > _MAX_CANDIDATES:
        raise FormatError(f"the Greenhouse file holds more than {_MAX_CANDIDATES} candidates")
    return [_draft_of(number, item) for number, item in enumerate(candidates, start=1)]


def _looks_like_candidate(item: Any) -> bool:
    return isinstance(item, dict) and bool(
        {"first_name", "last_name", "email_addresses"} & item.keys()
    )


def _draft_of(number: int, candidate: Any) -> PersonDraft:
    draft = PersonDraft(locator=f"candidate {number}")
    if not isinstance(candidate, dict):
        draft.refuse("candidate", "is not a JSON object")
        return draft
    identifier = text_of(candidate.get("id"))
    if identifier:
        draft.external_ids[_SYSTEM] = identifier
    set_field(draft, "first_name", text_of(candidate.get("first_name")))
    set_field(draft, "last_name", text_of(candidate.get("last_name")))
    set_field(draft, "current_company_name", text_of(candidate.get("company")))
    set_field(draft, "current_title", text_of(candidate.get("title")))
    _map_contacts(draft, candidate)
    for tag in _list(candidate, "tags"):
        add_tag(draft, text_of(tag))
    for application in _list(candidate, "applications"):
        note = _application_note(application)
        if note:
            draft.notes.append(note)
    require_identity(draft)
    return draft


def _list(candidate: dict[str, Any], key: str) -> list[Any]:
    value = candidate.get(key)
    return value if isinstance(value, list) else []


def _entries(candidate: dict[str, Any], key: str) -> list[tuple[str, str]]:
    """(value, type) of a Harvest list of {"value", "type"} objects."""
    found = []
    for entry in _list(candidate, key):
        if isinstance(entry, dict):
            found.append((text_of(entry.get("value")), text_of(entry.get("type")).lower()))
    return found


def _map_contacts(draft: PersonDraft, candidate: dict[str, Any]) -> None:
    for index, (value, kind) in enumerate(_entries(candidate, "email_addresses")):
        add_email(draft, value, where=f"email_addresses.{index}", label=_label(kind))
    for value, kind in _entries(candidate, "phone_numbers"):
        add_phone(draft, value, label=_label(kind))
    for index, (value, _kind) in enumerate(_entries(candidate, "website_addresses")):
        add_url(draft, value, where=f"website_addresses.{index}")
    for index, (value, _kind) in enumerate(_entries(candidate, "social_media_addresses")):
        add_url(draft, value, where=f"social_media_addresses.{index}")
    for value, kind in _entries(candidate, "addresses"):
        # Why a note: Harvest addresses are free text; guessing the city would invent data.
        if value:
            draft.notes.append(f"Address ({kind or 'other'}): {value}")


def _label(kind: str) -> str:
    return {"personal": "home", "home": "home", "work": "work", "mobile": "mobile"}.get(kind, "")


def _application_note(application: Any) -> str:
    if not isinstance(application, dict):
        return ""
    jobs = [text_of(job.get("name")) for job in _objects(application.get("jobs"))]
    job_names = ", ".join(name for name in jobs if name)
    if application.get("prospect"):
        job_names = job_names or "no job (prospect)"
    stage = application.get("current_stage")
    stage_name = text_of(stage.get("name")) if isinstance(stage, dict) else ""
    status = text_of(application.get("status"))
    parts = [f"Greenhouse application to {job_names or 'an unnamed job'}"]
    if stage_name:
        parts.append(f"stage {stage_name}")
    if status:
        parts.append(f"status {status}")
    applied = text_of(application.get("applied_at"))[:10]
    if applied:
        parts.append(f"applied {applied}")
    return "; ".join(parts)


def _objects(value: Any) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []
