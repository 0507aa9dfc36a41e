"""Lever opportunities as the Lever API returns them (GET /v1/opportunities), read into drafts.

The file holds an array of opportunities, one opportunity, or the API page `{"data": [...]}`.
The external id is the opportunity's `contact` (the person across all their opportunities),
so two opportunities of one person become one person when imported.
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
    split_name,
    text_of,
)
from talentloop.intake.records import PersonDraft

_SYSTEM = "lever"
_MAX_OPPORTUNITIES = 100_000


def read(data: bytes) -> list[PersonDraft]:
    """One draft per opportunity; a file with no opportunity objects is a FormatError."""
    document = load_json(data, what="Lever")
    opportunities = records_of(document, what="Lever", wrappers=("data", "opportunities"))
    if not any(_looks_like_opportunity(item) for item in opportunities):
        raise FormatError(
            "not a Lever opportunities export: no object with name and emails or contact"
        )
    if len(opportunities) > _MAX_OPPORTUNITIES:
        raise FormatError(f"the Lever file holds more than {_MAX_OPPORTUNITIES} opportunities")
    return [_draft_of(number, item) for number, item in enumerate(opportunities, start=1)]


def _looks_like_opportunity(item: Any) -> bool:
    return isinstance(item, dict) and "name" in item and bool({"emails", "contact"} & item.keys())


def _draft_of(number: int, opportunity: Any) -> PersonDraft:
    draft = PersonDraft(locator=f"opportunity {number}")
    if not isinstance(opportunity, dict):
        draft.refuse("opportunity", "is not a JSON object")
        return draft
    contact = text_of(opportunity.get("contact")) or text_of(opportunity.get("id"))
    if contact:
        draft.external_ids[_SYSTEM] = contact
    first, last = split_name(text_of(opportunity.get("name")))
    set_field(draft, "first_name", first)
    set_field(draft, "last_name", last)
    set_field(draft, "headline", text_of(opportunity.get("headline")))
    set_field(draft, "city", text_of(opportunity.get("location")).split(",")[0].strip())
    _map_contacts(draft, opportunity)
    for tag in _strings(opportunity.get("tags")):
        add_tag(draft, tag)
    note = _pipeline_note(opportunity)
    if note:
        draft.notes.append(note)
    require_identity(draft)
    return draft


def _strings(value: Any) -> list[str]:
    if not isinstance(value, list):
        return []
    return [text for text in (text_of(item) for item in value) if text]


def _map_contacts(draft: PersonDraft, opportunity: dict[str, Any]) -> None:
    for index, email in enumerate(_strings(opportunity.get("emails"))):
        add_email(draft, email, where=f"emails.{index}")
    phones = opportunity.get("phones")
    for phone in phones if isinstance(phones, list) else []:
        if isinstance(phone, dict):
            kind = text_of(phone.get("type")).lower()
            add_phone(
                draft,
                text_of(phone.get("value")),
                label=kind if kind in {"home", "work", "mobile"} else "",
            )
    for index, link in enumerate(_strings(opportunity.get("links"))):
        add_url(draft, link, where=f"links.{index}")


def _pipeline_note(opportunity: dict[str, Any]) -> str:
    parts = []
    stage = opportunity.get("stage")
    stage_name = text_of(stage.get("text")) if isinstance(stage, dict) else text_of(stage)
    if stage_name:
        parts.append(f"stage {stage_name}")
    origin = text_of(opportunity.get("origin"))
    if origin:
        parts.append(f"origin {origin}")
    sources = _strings(opportunity.get("sources"))
    if sources:
        parts.append("sources " + ", ".join(sources))
    archived = opportunity.get("archived")
    if isinstance(archived, dict) and text_of(archived.get("reason")):
        parts.append(f"archived ({text_of(archived.get('reason'))})")
    return "Lever opportunity: " + "; ".join(parts) if parts else ""
