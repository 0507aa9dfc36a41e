"""vCard 2.1, 3.0 and 4.0 files (one or many cards) read into drafts, and people written as 4.0.

Address-book exports bend the standard: Outlook and Android write 2.1 quoted-printable
values with soft line breaks, iPhones write photos as unfolded base64 blocks, some tools
add stray blank lines or unknown property names. Lines are therefore normalised first
(unfolded, quoted-printable decoded, binary blobs dropped) and each card is then parsed by
vobject on its own, so one broken card is reported on its draft and never hides the others.
"""

from __future__ import annotations

import quopri
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import vobject  # type: ignore[import-untyped]

from talentloop.intake.formats.base import (
    ExportPerson,
    FormatError,
    add_email,
    add_phone,
    add_tag,
    add_url,
    decode_text,
    require_identity,
    set_country,
    set_field,
    split_name,
)
from talentloop.intake.records import PersonDraft
from talentloop.people.actions import ContactInput

_PROPERTY = re.compile(r"^(?:[A-Za-z0-9-]+\.)?([A-Za-z0-9-]+)[;:]")
_BINARY = {"PHOTO", "LOGO", "SOUND", "KEY"}
_ADDRESSES = {"EMAIL", "TEL", "URL"}
_LABELS = {"home": "home", "work": "work", "cell": "mobile", "mobile": "mobile", "fax": "fax"}
_MAX_CARDS = 100_000


@dataclass
class _Card:
    number: int
    lines: list[str] = field(default_factory=list)
    closed: bool = False


def read(data: bytes) -> list[PersonDraft]:
    """Every card of a .vcf file as a draft; a file with no card at all is a FormatError."""
    text = decode_text(data, what="vCard")
    cards = list(_split_cards(_normalise(_unfold(text.splitlines()))))
    if not cards:
        raise FormatError(_not_vcard_reason(text))
    if len(cards) > _MAX_CARDS:
        raise FormatError(f"the vCard file holds more than {_MAX_CARDS} cards; split it")
    return [_draft_of(card) for card in cards]


def _not_vcard_reason(text: str) -> str:
    head = text.lstrip()[:200].upper()
    if head.startswith("BEGIN:VCALENDAR"):
        return "not a vCard file: it holds a calendar (BEGIN:VCALENDAR), not contacts"
    if head.startswith(("{", "[", "<")):
        return "not a vCard file: it looks like JSON or XML; export contacts as .vcf text"
    return "not a vCard file: no BEGIN:VCARD line found"


# --- line normalisation -------------------------------------------------------------------------


def _is_quoted_printable(line: str) -> bool:
    head = line.split(":", 1)[0].upper()
    return "QUOTED-PRINTABLE" in head


def _unfold(physical: Iterable[str]) -> list[str]:
    """Join folded lines (leading blank) and quoted-printable soft breaks (trailing "=")."""
    logical: list[str] = []
    for line in physical:
        if logical and line[:1] in {" ", "\t"} and line.strip():
            logical[-1] += line[1:]
        elif logical and _is_quoted_printable(logical[-1]) and logical[-1].endswith("="):
            logical[-1] = logical[-1][:-1] + line
        else:
            logical.append(line)
    return logical


def _normalise(lines: Iterable[str]) -> Iterator[str]:
    """Drop blobs and junk lines; decode quoted-printable values into plain vCard text."""
    for raw in lines:
        line = raw.strip()
        match = _PROPERTY.match(line)
        if match is None:
            continue  # Why: blank, junk or a 2.1 base64 continuation; nothing we map.
        name = match.group(1).upper()
        if name in _BINARY or name == "PROFILE":
            continue  # Why: pictures are not kept, and PROFILE:VCARD confuses vobject.
        yield _decode_quoted_printable(line) if _is_quoted_printable(line) else line


def _decode_quoted_printable(line: str) -> str:
    head, _, value = line.partition(":")
    params = [
        p
        for p in head.split(";")
        if p.upper() not in {"ENCODING=QUOTED-PRINTABLE", "QUOTED-PRINTABLE"}
    ]
    charset = next(
        (p.split("=", 1)[1] for p in params if p.upper().startswith("CHARSET=")), "utf-8"
    )
    params = [p for p in params if not p.upper().startswith("CHARSET=")]
    raw = quopri.decodestring(value.encode("latin-1", errors="replace"))
    try:
        decoded = raw.decode(charset.strip('"'), errors="replace")
    except LookupError:
        decoded = raw.decode("utf-8", errors="replace")
    decoded = decoded.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")
    return ";".join(params) + ":" + decoded


def _split_cards(lines: Iterable[str]) -> Iterator[_Card]:
    """Cards between BEGIN:VCARD and END:VCARD; nested cards (2.1 AGENT) are skipped."""
    card: _Card | None = None
    depth = 0
    count = 0
    for line in lines:
        upper = line.upper()
        if upper == "BEGIN:VCARD":
            depth += 1
            if depth == 1:
                count += 1
                card = _Card(number=count)
            continue
        if upper == "END:VCARD" and depth:
            depth -= 1
            if depth == 0 and card is not None:
                card.closed = True
                yield card
                card = None
            continue
        if card is not None and depth == 1:
            card.lines.append(line)
    if card is not None:
        yield card


# --- one card -----------------------------------------------------------------------------------


def _draft_of(card: _Card) -> PersonDraft:
    draft = PersonDraft(locator=f"card {card.number}")
    if not card.closed:
        draft.refuse("card", "has no END:VCARD line; the file may be cut short")
    text = "\r\n".join(["BEGIN:VCARD", *card.lines, "END:VCARD"]) + "\r\n"
    try:
        component = vobject.readOne(text, transform=False, ignoreUnreadable=True)
    except Exception as error:  # Why broad: vobject raises many kinds; all mean "unreadable".
        draft.refuse("card", f"cannot be read as a vCard: {str(error)[:200]}")
        return draft
    _map_card(draft, component)
    require_identity(draft)
    return draft


def _lines(component: vobject.base.Component, name: str) -> list[vobject.base.ContentLine]:
    return list(component.contents.get(name.lower(), []))


def _value(component: vobject.base.Component, name: str) -> str:
    found = _lines(component, name)
    return _text(found[0]) if found else ""


def _text(line: vobject.base.ContentLine) -> str:
    """A text property's value, unescaped once: vobject's text behaviours already did it."""
    behavior = line.behavior
    if isinstance(behavior, type) and issubclass(behavior, vobject.vcard.VCardTextBehavior):
        text = str(line.value)
    else:
        text = unescape(str(line.value))
    if line.name.upper() in _ADDRESSES:
        # Why: Apple writes "http\://…"; no address, number or URL holds a backslash.
        return text.replace("\\", "")
    return text


def _types(line: vobject.base.ContentLine) -> list[str]:
    """TYPE values in every spelling: TYPE=a,b / TYPE=a;TYPE=b / bare 2.1 params / PREF=1."""
    found: list[str] = []
    for key, values in line.params.items():
        if key.upper() == "TYPE":
            found += [v.lower() for value in values for v in str(value).split(",")]
        elif key.upper() == "PREF":
            found.append("pref")
    found += [str(value).lower() for value in line.singletonparams]
    return found


def _ordered(component: vobject.base.Component, name: str) -> list[vobject.base.ContentLine]:
    # Why sorted: the preferred value becomes the primary contact, as the card owner meant.
    return sorted(_lines(component, name), key=lambda line: "pref" not in _types(line))


def _label(line: vobject.base.ContentLine) -> str:
    return next((_LABELS[t] for t in _types(line) if t in _LABELS), "")


def _map_card(draft: PersonDraft, component: vobject.base.Component) -> None:
    _map_name(draft, component)
    set_field(draft, "current_company_name", structured(_raw(component, "ORG"), lists=False)[0])
    set_field(draft, "current_title", _value(component, "TITLE"))
    set_field(draft, "headline", _value(component, "ROLE"))
    for line in _ordered(component, "EMAIL"):
        add_email(draft, _text(line), where="EMAIL", label=_label(line))
    for line in _ordered(component, "TEL"):
        add_phone(draft, _text(line).removeprefix("tel:"), label=_label(line))
    for line in _ordered(component, "URL"):
        add_url(draft, _text(line), where="URL")
    _map_address(draft, component)
    for line in _lines(component, "CATEGORIES"):
        # Why both: vobject splits (and unescapes) CATEGORIES itself, except in some versions.
        if isinstance(line.value, list):
            tags = [str(tag) for tag in line.value]
        else:
            tags = [unescape(tag) for tag in split_unescaped(str(line.value), ",")]
        for tag in tags:
            add_tag(draft, tag)
    for line in _lines(component, "NOTE"):
        note = _text(line).strip()
        if note:
            draft.notes.append(note)


def _raw(component: vobject.base.Component, name: str) -> str:
    found = _lines(component, name)
    return str(found[0].value) if found else ""


def _map_name(draft: PersonDraft, component: vobject.base.Component) -> None:
    parts = [*structured(_raw(component, "N")), "", ""]
    family, given = parts[0], parts[1]
    if not (family or given):
        given, family = split_name(_value(component, "FN"))
    set_field(draft, "first_name", given)
    set_field(draft, "last_name", family)


def _map_address(draft: PersonDraft, component: vobject.base.Component) -> None:
    addresses = _ordered(component, "ADR")
    if not addresses:
        return
    # ADR: post office box; extended; street; locality; region; postal code; country.
    parts = structured(str(addresses[0].value)) + [""] * 7
    set_field(draft, "city", parts[3])
    set_field(draft, "region", parts[4])
    set_country(draft, parts[6])


# --- value syntax -------------------------------------------------------------------------------


def split_unescaped(raw: str, separator: str) -> list[str]:
    """Split on separators not preceded by a backslash escape."""
    pieces: list[str] = []
    current: list[str] = []
    escaped = False
    for char in raw:
        if escaped:
            current.append("\\" + char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == separator:
            pieces.append("".join(current))
            current = []
        else:
            current.append(char)
    pieces.append("".join(current))
    return pieces


def structured(raw: str, *, lists: bool = True) -> list[str]:
    """The components of N, ADR or ORG, unescaped; the first of a list component wins."""
    parts = split_unescaped(raw, ";")
    if lists:
        parts = [split_unescaped(part, ",")[0] for part in parts]
    return [unescape(part).strip() for part in parts]


def unescape(raw: str) -> str:
    out: list[str] = []
    chars = iter(raw)
    for char in chars:
        if char != "\\":
            out.append(char)
            continue
        following = next(chars, "")
        out.append("\n" if following in {"n", "N"} else following)
    return "".join(out)


def escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\n")
        .replace("\n", "\\n")
    )


# --- writing ------------------------------------------------------------------------------------


def card_lines(card: ExportPerson) -> Iterator[str]:
    """One vCard 4.0 (RFC 6350) for a person, as folded CRLF-terminated lines."""
    yield "BEGIN:VCARD\r\n"
    yield "VERSION:4.0\r\n"
    properties = [
        f"FN:{escape(card.full_name)}",
        f"N:{escape(card.last_name)};{escape(card.first_name)};;;",
    ]
    if card.company:
        properties.append(f"ORG:{escape(card.company)}")
    if card.title:
        properties.append(f"TITLE:{escape(card.title)}")
    for contact in card.contacts:
        properties.append(_contact_line(contact))
    if card.city or card.region or card.country:
        properties.append(
            f"ADR:;;;{escape(card.city)};{escape(card.region)};;{escape(card.country)}"
        )
    if card.tags:
        properties.append("CATEGORIES:" + ",".join(escape(tag) for tag in card.tags))
    if card.uid:
        properties.append(f"UID:{card.uid}")
    for line in properties:
        yield fold(line)
    yield "END:VCARD\r\n"


def _contact_line(contact: ContactInput) -> str:
    name = {"email": "EMAIL", "phone": "TEL;VALUE=uri", "url": "URL"}[contact.kind]
    value = "tel:" + contact.value if contact.kind == "phone" else escape(contact.value)
    if contact.label in {"home", "work"}:
        name += f";TYPE={contact.label}"
    return f"{name};PREF=1:{value}" if contact.is_primary else f"{name}:{value}"


def fold(line: str) -> str:
    """Fold at 75 octets as RFC 6350 asks, never inside a UTF-8 character."""
    chunks: list[str] = []
    current = ""
    for char in line:
        limit = 75 if not chunks else 74
        if len((current + char).encode("utf-8")) > limit:
            chunks.append(current)
            current = ""
        current += char
    chunks.append(current)
    return "\r\n ".join(chunks) + "\r\n"
