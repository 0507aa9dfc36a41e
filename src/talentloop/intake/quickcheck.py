"""Contact checks for big imports: the people rules, with the work each row repeats done once.

`clean_contacts` gives exactly what `people.actions.clean_contacts` gives: the same values,
labels and, for anything it refuses, the same error (it hands such lists to that function).
Two shortcuts make the common case cheap:

- an email of plain ASCII characters has its domain checked once per domain (a file of a
  million addresses has a few thousand domains), its local part by the dot-atom pattern
  email-validator accepts without further checks;
- a phone written as `+` and digits (spaces, dots and hyphens between them) is read
  straight into country code and national number when nothing in it asks for the parser's
  national-prefix handling, then checked by phonenumbers' own `is_valid_number`.

Anything else, and anything the shortcut would refuse, goes through the people functions,
so the messages are theirs.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

import phonenumbers
from phonenumbers.phonenumberutil import COUNTRY_CODE_TO_REGION_CODE

from talentloop.accounts.models import Workspace
from talentloop.people import actions as people
from talentloop.people.actions import ContactInput
from talentloop.people.domain import (
    ContactKind,
    InvalidValue,
    normalize_email,
    normalize_url,
)

# Why this narrow alphabet: every local part it matches is one email-validator accepts as
# it stands (dot-atom text, ASCII, no quoting), so only the domain needs the library.
_PLAIN_EMAIL = re.compile(
    r"([A-Za-z0-9_%+\-]+(?:\.[A-Za-z0-9_%+\-]+)*)@([A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+)"
)
_PLAIN_PHONE = re.compile(r"\+[1-9](?:[ .\-]?[0-9])+")
_PHONE_SEPARATORS = str.maketrans("", "", " .-")
_EMAIL_LIMIT = 254  # email-validator's limit on the whole address


def clean_contacts(*, workspace: Workspace, contacts: Sequence[ContactInput]) -> list[ContactInput]:
    """Normalised contact points, as people.actions.clean_contacts returns (or raises) them."""
    cleaned: list[ContactInput] = []
    region = workspace.default_phone_region
    for contact in contacts:
        value = quick_value(contact.kind, contact.value, region)
        if value is None:
            return people.clean_contacts(workspace=workspace, contacts=contacts)
        cleaned.append(people.normalised_contact(contact, ContactKind(contact.kind), value))
    return cleaned


def quick_value(kind: str, raw: str, region: str) -> str | None:
    """The normalised value when the shortcut can vouch for it, else None (ask the people rules)."""
    if kind == ContactKind.EMAIL:
        value = quick_email(raw)
    elif kind == ContactKind.PHONE:
        value = quick_phone(raw)
    elif kind == ContactKind.URL:
        try:
            value = normalize_url(raw)
        except InvalidValue:
            return None
    else:
        return None
    return value if value is not None and len(value) <= people.CONTACT_VALUE_LIMIT else None


def quick_email(raw: str) -> str | None:
    """`normalize_email(raw)` for a plain ASCII address with a valid domain; None otherwise."""
    match = _PLAIN_EMAIL.fullmatch(raw.strip())
    if match is None:
        return None
    domain = _email_domain(match.group(2))
    if domain is None:
        return None
    address = f"{match.group(1)}@{domain}".lower()
    return address if len(address) <= _EMAIL_LIMIT else None


@functools.lru_cache(maxsize=16_384)
def _email_domain(domain: str) -> str | None:
    """The domain as email-validator normalises it, or None when it refuses the domain."""
    try:
        return normalize_email(f"x@{domain}").partition("@")[2]
    except InvalidValue:
        return None


def quick_phone(raw: str) -> str | None:
    """`normalize_phone(raw)` for a valid `+`-prefixed number the parser reads as written."""
    text = raw.strip()
    if _PLAIN_PHONE.fullmatch(text) is None:
        return None
    digits = text[1:].translate(_PHONE_SEPARATORS)
    for size in (1, 2, 3):
        country_code = int(digits[:size])
        if country_code in COUNTRY_CODE_TO_REGION_CODE:
            return _checked(country_code, digits[size:])
    return None


def _checked(country_code: int, national: str) -> str | None:
    # Why these refusals: a leading zero (kept apart by the parser as "Italian leading zero"),
    # a length outside what the parser takes, or digits the region's national-prefix rule
    # could strip all make the parser read something other than what is written.
    if not 2 <= len(national) <= 17 or national.startswith("0"):
        return None
    prefix = _national_prefix(country_code)
    if prefix is None or prefix.match(national):
        return None
    number = phonenumbers.PhoneNumber(country_code=country_code, national_number=int(national))
    if not phonenumbers.is_valid_number(number):
        return None
    return f"+{country_code}{national}"


_NO_PREFIX = re.compile(r"(?!)")  # matches nothing: the region has no national prefix to strip


@functools.lru_cache(maxsize=512)
def _national_prefix(country_code: int) -> re.Pattern[str] | None:
    """The region's national-prefix pattern; None when the code has no metadata of its own."""
    region = phonenumbers.region_code_for_country_code(country_code)
    metadata = phonenumbers.PhoneMetadata.metadata_for_region_or_calling_code(country_code, region)
    if metadata is None:
        return None
    pattern = metadata.national_prefix_for_parsing
    return re.compile(pattern) if pattern else _NO_PREFIX
