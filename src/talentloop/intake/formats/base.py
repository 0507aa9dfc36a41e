"""What every format reader shares: the whole-file error, text decoding and small mappers."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from talentloop.intake.records import PersonDraft
from talentloop.people.actions import ContactInput, EducationInput, SkillInput, WorkInput
from talentloop.people.domain import InvalidValue, guess_link_label, normalize_email, normalize_url

Reader = Callable[[bytes], list[PersonDraft]]
MAX_FILE_BYTES = 50 * 1024 * 1024  # Why: a bigger contact export is almost surely a wrong file.


class FormatError(ValueError):
    """The whole file cannot be read as the format it was given as; the message says why."""


def decode_text(data: bytes, *, what: str) -> str:
    """Bytes as text: a BOM decides, else UTF-8, else Windows-1252 (old desktop exports)."""
    check_size(data, what=what)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise FormatError(f"not a {what} file: broken UTF-16 text") from None
    if b"\x00" in data[:4096]:
        raise FormatError(f"not a {what} file: it is binary data, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def check_size(data: bytes, *, what: str) -> None:
    if not data.strip():
        raise FormatError(f"the {what} file is empty")
    if len(data) > MAX_FILE_BYTES:
        raise FormatError(f"the {what} file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")


def load_json(data: bytes, *, what: str) -> Any:
    """Parse a JSON file or raise a FormatError naming the line and column of the mistake."""
    text = decode_text(data, what=what)
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise FormatError(
            f"not a {what} file: invalid JSON at line {error.lineno}, column {error.colno}"
            f" ({error.msg})"
        ) from None
    except RecursionError:
        raise FormatError(f"not a {what} file: the JSON is nested too deeply") from None


def records_of(document: Any, *, what: str, wrappers: tuple[str, ...]) -> list[Any]:
    """The records of an API export: a list, a single object, or a list under a wrapper key."""
    if isinstance(document, dict):
        for key in wrappers:
            if isinstance(document.get(key), list):
                return list(document[key])
        return [document]
    if isinstance(document, list):
        return document
    raise FormatError(f"not a {what} file: expected a JSON object or array of records")


def text_of(value: Any) -> str:
    """A JSON scalar as trimmed text; objects, arrays and null give ""."""
    if isinstance(value, bool) or value is None or isinstance(value, dict | list):
        return ""
    return " ".join(str(value).split())


def split_name(full: str) -> tuple[str, str]:
    """("Ada", "Lovelace King") from "Ada Lovelace King": the first word is the first name."""
    words = full.split()
    if not words:
        return "", ""
    return words[0], " ".join(words[1:])


def add_email(draft: PersonDraft, raw: str, *, where: str, label: str = "") -> None:
    """Add an address if it is one (else a problem naming it), skipping repeats."""
    if not raw.strip():
        return
    try:
        value = normalize_email(raw)
    except InvalidValue as error:
        draft.refuse(where, f"{raw.strip()[:80]!r}: {error}")
        return
    _add_contact(draft, ContactInput(kind="email", value=value, label=label))


def add_phone(draft: PersonDraft, raw: str, *, label: str = "") -> None:
    # Why raw: the number's region is the workspace's, known only when the pipeline saves it.
    value = " ".join(raw.split())
    if value:
        _add_contact(draft, ContactInput(kind="phone", value=value, label=label))


def add_url(draft: PersonDraft, raw: str, *, where: str, label: str = "") -> None:
    if not raw.strip():
        return
    try:
        value = normalize_url(raw)
    except InvalidValue as error:
        draft.refuse(where, f"{raw.strip()[:80]!r}: {error}")
        return
    _add_contact(
        draft, ContactInput(kind="url", value=value, label=label or guess_link_label(value))
    )


def _add_contact(draft: PersonDraft, contact: ContactInput) -> None:
    if any(c.kind == contact.kind and c.value == contact.value for c in draft.contacts):
        return
    primary = not any(c.kind == contact.kind for c in draft.contacts)
    draft.contacts.append(
        ContactInput(
            kind=contact.kind, value=contact.value, label=contact.label[:32], is_primary=primary
        )
    )


def add_tag(draft: PersonDraft, raw: str) -> None:
    name = " ".join(raw.split())[:64]
    if name and name.casefold() not in {tag.casefold() for tag in draft.tags}:
        draft.tags.append(name)


def require_identity(draft: PersonDraft) -> None:
    """A record with neither a name nor an email or phone cannot become a person."""
    has_name = draft.fields.get("first_name") or draft.fields.get("last_name")
    if not has_name and not draft.emails and not draft.phones:
        draft.refuse("record", "has no name, email address or phone number")


def set_field(draft: PersonDraft, name: str, value: str) -> None:
    if value and not draft.fields.get(name):
        draft.fields[name] = value


def set_country(draft: PersonDraft, raw: str) -> None:
    """Keep ISO 3166 two-letter codes only: a country name would fail the person's check."""
    code = raw.strip()
    if len(code) == 2 and code.isascii() and code.isalpha():
        set_field(draft, "country", code.upper())


@dataclass(frozen=True)
class ExportPerson:
    """A person as the writers see one: plain values, built from a Person by the exports."""

    first_name: str
    last_name: str
    full_name: str
    headline: str = ""
    summary: str = ""
    title: str = ""
    company: str = ""
    city: str = ""
    region: str = ""
    country: str = ""
    contacts: tuple[ContactInput, ...] = ()
    tags: tuple[str, ...] = ()
    skills: tuple[SkillInput, ...] = ()
    work_history: tuple[WorkInput, ...] = ()
    education: tuple[EducationInput, ...] = ()
    uid: str = ""
