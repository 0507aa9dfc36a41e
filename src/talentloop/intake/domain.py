"""Import rules with no database: mapping targets, column guessing, cell cleaning, row → draft."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from talentloop.intake.records import PersonDraft
from talentloop.people.actions import ContactInput

IGNORE = ""
# Targets a column may map to, with their labels for the mapping screen.
FIELD_TARGETS: dict[str, str] = {
    "full_name": "Full name (split into first and last)",
    "first_name": "First name",
    "last_name": "Last name",
    "email": "Email",
    "phone": "Phone",
    "url": "Web address (LinkedIn, GitHub, site)",
    "headline": "Headline",
    "current_title": "Current title",
    "current_company_name": "Current company",
    "city": "City",
    "region": "Region / state",
    "country": "Country (two-letter code)",
    "time_zone": "Time zone",
    "seniority": "Seniority",
    "years_experience": "Years of experience",
    "salary_currency": "Salary currency",
    "salary_min": "Salary minimum",
    "salary_max": "Salary maximum",
    "salary_period": "Salary period",
    "lifecycle": "Lifecycle",
    "summary": "Summary",
    "do_not_contact": "Do not contact",
    "tags": "Tags (separated by ; or ,)",
    "skills": "Skills (separated by ; or ,)",
    "external_id": "External id",
    "note": "Note (added to the timeline)",
}
# Targets several columns may share ("Work email" and "Home email"); the rest map once.
REPEATABLE = frozenset({"email", "phone", "url", "tags", "skills", "note"})
CONTACT_TARGETS = {"email": "email", "phone": "phone", "url": "url"}
LIST_TARGETS = frozenset({"tags", "skills"})
MULTILINE_TARGETS = frozenset({"summary", "note"})
PERSON_FIELD_TARGETS = frozenset(FIELD_TARGETS) - {
    "full_name",
    "email",
    "phone",
    "url",
    "tags",
    "skills",
    "external_id",
    "note",
}
MATCH_KEYS = ("email", "phone", "external_id")
CUSTOM_PREFIX = "custom."
# Why a cap: a quote opened and never closed swallows the rest of the file into one cell;
# no real cell is this long, so such a row is reported instead of saved.
MAX_CELL_CHARS = 20_000

_SYNONYMS: dict[str, tuple[str, ...]] = {
    "full_name": ("name", "full name", "candidate", "candidate name", "contact name", "person"),
    "first_name": ("first name", "firstname", "given name", "forename", "first", "prenom"),
    "last_name": ("last name", "lastname", "surname", "family name", "last", "nom"),
    "email": ("email", "e mail", "email address", "mail", "work email", "personal email"),
    "phone": ("phone", "phone number", "mobile", "cell", "telephone", "tel", "mobile phone"),
    "url": ("linkedin", "linkedin url", "github", "website", "url", "profile url", "portfolio"),
    "headline": ("headline", "tagline"),
    "current_title": ("title", "job title", "current title", "position", "role"),
    "current_company_name": ("company", "current company", "employer", "organization"),
    "city": ("city", "town", "location city"),
    "region": ("region", "state", "province", "county"),
    "country": ("country", "country code", "nation"),
    "time_zone": ("time zone", "timezone", "tz"),
    "seniority": ("seniority", "level", "seniority level"),
    "years_experience": ("years experience", "years of experience", "experience years", "yoe"),
    "salary_currency": ("currency", "salary currency"),
    "salary_min": ("salary min", "minimum salary", "salary from", "salary"),
    "salary_max": ("salary max", "maximum salary", "salary to"),
    "salary_period": ("salary period", "pay period"),
    "lifecycle": ("lifecycle", "status", "stage"),
    "summary": ("summary", "bio", "about", "description"),
    "do_not_contact": ("do not contact", "dnc", "opt out", "unsubscribed"),
    "tags": ("tags", "tag", "labels", "label"),
    "skills": ("skills", "skill", "technologies", "tech stack", "keywords"),
    "external_id": ("id", "external id", "candidate id", "ats id", "record id", "uid"),
    "note": ("note", "notes", "comment", "comments"),
}
_SPLIT_LIST = re.compile(r"\s*[;,|]\s*")
_SPLIT_CONTACTS = re.compile(r"\s*[;,\n]\s*")
_SPLIT_PHONES = re.compile(r"\s*[;\n/]\s*")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class MappingError(ValueError):
    """A mapping that cannot be used; the message is safe to show the user."""


@dataclass(frozen=True)
class ImportOptions:
    """What applies to the whole batch: tags, a source, how to match, what to do on a match."""

    tags: tuple[str, ...] = ()
    source_id: int | None = None
    match_on: tuple[str, ...] = MATCH_KEYS
    update_existing: bool = True
    external_system: str = "import"

    def as_json(self) -> dict[str, object]:
        return {
            "tags": list(self.tags),
            "source_id": self.source_id,
            "match_on": list(self.match_on),
            "update_existing": self.update_existing,
            "external_system": self.external_system,
        }


def options_from_json(raw: Mapping[str, object]) -> ImportOptions:
    """Read stored or posted options, refusing unknown match keys."""
    tags = raw.get("tags") or ()
    match_on = raw.get("match_on") or MATCH_KEYS
    if not isinstance(tags, list | tuple) or not isinstance(match_on, list | tuple):
        raise MappingError("tags and match_on must be lists")
    unknown = [key for key in match_on if key not in MATCH_KEYS]
    if unknown:
        raise MappingError(f"cannot match on {unknown[0]!r}; use email, phone or external_id")
    source_id = raw.get("source_id")
    system = str(raw.get("external_system") or "import").strip().lower()[:32]
    return ImportOptions(
        tags=tuple(clean_list(", ".join(str(tag) for tag in tags))),
        source_id=int(str(source_id)) if source_id not in (None, "") else None,
        match_on=tuple(key for key in MATCH_KEYS if key in match_on),
        update_existing=bool(raw.get("update_existing", True)),
        external_system=system or "import",
    )


def normalize_header(header: str) -> str:
    """Lower case, letters and digits only, single spaces: "E-Mail Address" → "e mail address"."""
    words = re.sub(r"[^0-9a-z]+", " ", header.casefold())
    return " ".join(words.split())


def guess_mapping(headers: Sequence[str], custom_keys: Iterable[str] = ()) -> dict[str, str]:
    """Guess each column's target from its title; unknown titles are left unmapped."""
    custom = {
        normalize_header(key.replace("_", " ")): f"{CUSTOM_PREFIX}{key}" for key in custom_keys
    }
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    for index, header in enumerate(headers):
        target = _guess_one(normalize_header(header), custom)
        if target and (target in REPEATABLE or target not in taken):
            mapping[str(index)] = target
            taken.add(target)
    return mapping


def _guess_one(header: str, custom: Mapping[str, str]) -> str:
    if not header:
        return IGNORE
    if header in custom:
        return custom[header]
    for target, names in _SYNONYMS.items():
        if header in names:
            return target
    for target, names in _SYNONYMS.items():
        # Why word containment: "primary e mail" or "mobile phone number" carry the word.
        if any(len(name) > 3 and f" {name} " in f" {header} " for name in names):
            return target
    best, best_score = IGNORE, 0.0
    for target, names in _SYNONYMS.items():
        score = max(fuzz.ratio(header, name) for name in names)
        if score > best_score:
            best, best_score = target, score
    return best if best_score >= 80 else IGNORE


def check_mapping(
    mapping: Mapping[str, str], column_count: int, custom_keys: Iterable[str]
) -> dict[str, str]:
    """Keep mapped columns only; refuse unknown targets, columns, and once-only targets twice."""
    allowed_custom = {f"{CUSTOM_PREFIX}{key}" for key in custom_keys}
    cleaned: dict[str, str] = {}
    seen: set[str] = set()
    for column, target in mapping.items():
        if not target:
            continue
        if not column.isdigit() or int(column) >= column_count:
            raise MappingError(f"there is no column {column}")
        if target not in FIELD_TARGETS and target not in allowed_custom:
            raise MappingError(f"{target!r} is not something a column can be imported into")
        if target in seen and target not in REPEATABLE:
            raise MappingError(f"two columns are mapped to {target_label(target)}")
        seen.add(target)
        cleaned[str(int(column))] = target
    if not seen & {"email", "phone", "full_name", "first_name", "last_name", "external_id"}:
        raise MappingError("map at least a name, an email, a phone or an external id column")
    return cleaned


def target_label(target: str) -> str:
    if target.startswith(CUSTOM_PREFIX):
        return f"Custom field {target.removeprefix(CUSTOM_PREFIX)}"
    return FIELD_TARGETS.get(target, target)


def clean_cell(raw: object, *, multiline: bool = False) -> str:
    """A cell as text: control characters gone, spaces trimmed, single-line unless allowed."""
    text = "" if raw is None else str(raw)
    # Why this shortcut: most cells are printable (no control characters, no line breaks,
    # no whitespace but the plain space) and already trimmed; for them every step below
    # gives the text back unchanged.
    if text.isprintable() and "  " not in text and text == text.strip():
        return text
    text = _CONTROL.sub("", text).replace("\r\n", "\n").replace("\r", "\n")
    if not multiline:
        return " ".join(text.split())
    return text.strip()


def clean_list(text: str) -> list[str]:
    """ "a; b, a" → ["a", "b"]: split on ; , or |, empties and repeats dropped, order kept."""
    seen: dict[str, str] = {}
    for item in _SPLIT_LIST.split(text):
        item = " ".join(item.split())
        if item and item.casefold() not in seen:
            seen[item.casefold()] = item
    return list(seen.values())


def split_name(full: str) -> tuple[str, str]:
    """ "Ada Lovelace" → (Ada, Lovelace); "Lovelace, Ada" → (Ada, Lovelace); one word is a first."""
    if "," in full:
        last, _, first = full.partition(",")
        return first.strip(), last.strip()
    first, _, last = full.strip().partition(" ")
    return first, last.strip()


def row_to_draft(
    cells: Sequence[object], mapping: Mapping[str, str], *, locator: str, external_system: str
) -> PersonDraft:
    """Build a draft from one row by the mapping; oversized cells become draft problems."""
    draft = PersonDraft(locator=locator)
    for column, target in mapping.items():
        index = int(column)
        raw = cells[index] if index < len(cells) else None
        if target not in MULTILINE_TARGETS and isinstance(raw, str) and "\n" in raw.strip():
            draft.refuse(target_label(target), "this cell runs over several lines (a stray quote?)")
            continue
        text = clean_cell(raw, multiline=target in MULTILINE_TARGETS)
        if not text:
            continue
        if len(text) > MAX_CELL_CHARS:
            draft.refuse(target_label(target), "this cell is far too long (an unclosed quote?)")
            continue
        _apply_cell(draft, target, text, external_system)
    return draft


def _apply_cell(draft: PersonDraft, target: str, text: str, external_system: str) -> None:
    if target in CONTACT_TARGETS:
        pattern = _SPLIT_PHONES if target == "phone" else _SPLIT_CONTACTS
        values = pattern.split(text) if pattern.search(text) else [text]
        for value in (part for part in values if part):
            first = not any(contact.kind == target for contact in draft.contacts)
            draft.contacts.append(ContactInput(kind=target, value=value, is_primary=first))
    elif target == "full_name":
        given, family = split_name(text)
        draft.fields.setdefault("first_name", given)
        draft.fields.setdefault("last_name", family)
    elif target in LIST_TARGETS:
        _apply_list(draft, target, clean_list(text))
    elif target == "external_id":
        draft.external_ids[external_system] = text
    elif target == "note":
        draft.notes.append(text)
    elif target.startswith(CUSTOM_PREFIX):
        draft.fields.setdefault("custom_fields", {})[target.removeprefix(CUSTOM_PREFIX)] = text
    else:
        draft.fields[target] = text


def _apply_list(draft: PersonDraft, target: str, items: list[str]) -> None:
    from talentloop.people.actions import SkillInput

    if target == "tags":
        draft.tags.extend(item for item in items if item not in draft.tags)
    else:
        draft.skills.extend(SkillInput(name=item) for item in items)


def describe_draft(draft: PersonDraft) -> str:
    """A short label for a preview line: the name, else the first email, else the locator."""
    name = f"{draft.fields.get('first_name', '')} {draft.fields.get('last_name', '')}".strip()
    return name or (draft.emails[0] if draft.emails else draft.locator)
