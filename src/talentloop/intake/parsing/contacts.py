"""Contact fields: emails, phones (E.164), links, name, location and headline."""

from __future__ import annotations

import re

import phonenumbers

from talentloop.intake.parsing.result import Link, PersonName
from talentloop.people.domain import (
    InvalidValue,
    guess_link_label,
    normalize_email,
    normalize_phone,
    normalize_url,
)

_EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}")
_URL = re.compile(
    r"(?:https?://|www\.)[^\s<>\"'|•·]+"
    r"|\b(?:linkedin\.com|github\.com|gitlab\.com|twitter\.com|x\.com|behance\.net"
    r"|dribbble\.com|medium\.com|stackoverflow\.com|kaggle\.com)/[^\s<>\"'|•·]+",
    re.IGNORECASE,
)
_BARE_SITE = re.compile(r"^[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:dev|io|me|com|net|org|ai|app|co|tech)$")
_NAME_WORD = re.compile(
    r"^(?:[A-Z][a-zA-Z'\u2019-]*\.?|[A-Z]\.|(?:van|von|de|da|del|der|di|la|le|bin|al)"
    r"|[A-ZÀ-Þ][\wÀ-ÿ'\u2019-]*)$"
)
_NOT_NAME = re.compile(
    r"curriculum|vitae|resume|résumé|updated|page \d|\bcv\b|@|https?:|www\.|\d|information|"
    r"personal|contact|details|profile|references|available|request",
    re.IGNORECASE,
)
PHONE_MIN_DIGITS = 9
_DATE_LIKE = re.compile(r"^\s*(?:19|20)\d\d\s*[-\u2013/]\s*(?:19|20)?\d\d\s*$")


def find_emails(text: str) -> list[str]:
    found: list[str] = []
    for match in _EMAIL.finditer(text):
        try:
            email = normalize_email(match.group().strip(".'"))
        except InvalidValue:
            continue
        if email not in found:
            found.append(email)
    return found


def find_phones(
    text: str, *, default_region: str, location_region: str | None = None
) -> tuple[list[str], bool]:
    """Phones in E.164 and whether every one is a valid number.

    A number written without its country code is read in the region of the person's
    location first (a Spanish number on a Barcelona resume), then in the default region.
    """
    regions = list(dict.fromkeys(r for r in (location_region, default_region.upper()) if r))
    best: dict[int, tuple[bool, str]] = {}  # match start -> (valid, E.164)
    for region in regions:
        for match in phonenumbers.PhoneNumberMatcher(text, region, leniency=_POSSIBLE):
            if not _phone_like(match.raw_string):
                continue
            valid = phonenumbers.is_valid_number(match.number)
            e164 = (
                normalize_phone(match.raw_string, default_region=region)
                if valid
                # Why keep an invalid one: fictional and new ranges are still the number
                # the person wrote; the low confidence sends it to review.
                else phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
            )
            if match.start not in best or (valid and not best[match.start][0]):
                best[match.start] = (valid, e164)
    found = list(dict.fromkeys(e164 for _start, (_valid, e164) in sorted(best.items())))
    return found, all(valid for valid, _ in best.values())


_POSSIBLE = phonenumbers.Leniency.POSSIBLE


def _phone_like(raw: str) -> bool:
    digits = re.sub(r"\D", "", raw)
    # Why: a date span or a figure ("2019-2023", "4,200") must not read as a phone.
    if len(digits) < PHONE_MIN_DIGITS and not raw.startswith("+"):
        return False
    return not _DATE_LIKE.match(raw)


def find_links(text: str, extra_uris: list[str]) -> list[Link]:
    candidates = [m.group().rstrip(".,;)") for m in _URL.finditer(text)]
    candidates += [uri for uri in extra_uris if uri.lower().startswith(("http://", "https://"))]
    candidates += [cell for cell in _cells(text) if _BARE_SITE.match(cell.lower())]
    links: list[Link] = []
    seen: set[str] = set()
    for candidate in candidates:
        if "@" in candidate:
            continue
        try:
            url = normalize_url(candidate)
        except InvalidValue:
            continue
        key = url.lower().split("://", 1)[-1].removeprefix("www.").rstrip("/")
        if key not in seen:
            seen.add(key)
            links.append(Link(url=url, label=guess_link_label(url)))
    return links


def _cells(text: str) -> list[str]:
    return [cell.strip() for cell in re.split(r"[\t\n|•·]", text) if cell.strip()]


_DOCUMENT_WORDS = r"(?:cv|resume|résumé|curriculum vitae)"
_POSSESSIVE_TITLE = re.compile(rf"\s*(?:'s|\u2019s|s')\s+{_DOCUMENT_WORDS}\s*$", re.IGNORECASE)
_TITLE_PREFIX = re.compile(rf"^\s*{_DOCUMENT_WORDS}\s*(?:of|[-\u2013:|])\s*", re.IGNORECASE)


def find_name(header: list[str]) -> tuple[PersonName, float]:
    """The person's name from the lines above the first heading, with a confidence."""
    for position, line in enumerate(header[:6]):
        for cell in line.split("\t")[:3]:
            candidate = cell.strip(" ,|")
            candidate = _TITLE_PREFIX.sub("", _POSSESSIVE_TITLE.sub("", candidate))
            if looks_like_name(candidate):
                confidence = 0.95 if position <= 1 else 0.8
                return split_name(candidate), confidence
    return PersonName(), 0.0


def looks_like_name(text: str) -> bool:
    words = text.split()
    if not 2 <= len(words) <= 5 or len(text) > 50 or _NOT_NAME.search(text):
        return False
    if any(word.lower() in _TITLE_WORDS for word in words):
        return False
    return all(_NAME_WORD.match(word) for word in words)


def split_name(text: str) -> PersonName:
    words = text.split()
    if text.isupper():
        words = [word.capitalize() for word in words]
    honorifics = {"dr.", "dr", "prof.", "prof", "mr.", "mrs.", "ms.", "mx."}
    core = [word for word in words if word.lower() not in honorifics] or words
    return PersonName(full=" ".join(words), given=core[0], family=" ".join(core[1:]))


_TITLE_WORDS = frozenset(
    [
        "engineer",
        "developer",
        "manager",
        "designer",
        "scientist",
        "analyst",
        "consultant",
        "director",
        "architect",
        "intern",
        "specialist",
        "lead",
        "officer",
        "administrator",
        "resume",
        "experience",
        "education",
        "skills",
        "summary",
        "senior",
        "junior",
        "staff",
        "principal",
        "web",
        "software",
        "data",
        "product",
    ]
)

_US_STATES = [
    "AL",
    "AK",
    "AZ",
    "AR",
    "CA",
    "CO",
    "CT",
    "DE",
    "FL",
    "GA",
    "HI",
    "ID",
    "IL",
    "IN",
    "IA",
    "KS",
    "KY",
    "LA",
    "ME",
    "MD",
    "MA",
    "MI",
    "MN",
    "MS",
    "MO",
    "MT",
    "NE",
    "NV",
    "NH",
    "NJ",
    "NM",
    "NY",
    "NC",
    "ND",
    "OH",
    "OK",
    "OR",
    "PA",
    "RI",
    "SC",
    "SD",
    "TN",
    "TX",
    "UT",
    "VT",
    "VA",
    "WA",
    "WV",
    "WI",
    "WY",
    "DC",
    "ON",
    "BC",
    "QC",
    "AB",
    "NSW",
    "VIC",
    "QLD",
]
_COUNTRIES = (
    "USA|United States|UK|United Kingdom|England|Scotland|Ireland|Canada|Mexico|Brazil|Argentina|"
    "Chile|Colombia|Peru|Spain|Portugal|France|Germany|Italy|Netherlands|Belgium|Switzerland|"
    "Austria|Sweden|Norway|Denmark|Finland|Poland|Czechia|Czech Republic|Hungary|Romania|Greece|"
    "Turkey|Türkiye|Israel|UAE|Egypt|Nigeria|Kenya|South Africa|India|Pakistan|Bangladesh|China|"
    "Japan|Korea|South Korea|Singapore|Malaysia|Indonesia|Philippines|Vietnam|Thailand|Taiwan|"
    "Hong Kong|Australia|New Zealand|Ukraine|Estonia|Latvia|Lithuania|Luxembourg"
)
# "City, ST", "City, ST, USA", "City, Country", "City, ST 94588" or "Remote".
LOCATION = re.compile(
    r"\b(?P<loc>[A-Z][\w'\u2019.-]*(?: [A-Z][\w'\u2019.-]*){0,3}"
    rf", (?:(?:{'|'.join(_US_STATES)})(?:, (?:USA|US|United States|Canada|Australia))?"
    rf"|{_COUNTRIES})\b(?: \d{{5}})?)"
    r"|\b(?P<remote>Remote)\b"
)


def location_in(text: str) -> re.Match[str] | None:
    """The last place named in a piece of text ("Stanford University, MS in CS - Stanford, CA").

    The last, because a degree or state code can follow an institution ("..., MS in ...").
    """
    found = None
    for match in LOCATION.finditer(text):
        if not re.match(r"\s+(?:in|of)\b", text[match.end() :]):
            found = match
    return found


def find_location(header: list[str]) -> tuple[str, float]:
    for line in header[:8]:
        for cell in _cells(line):
            match = location_in(cell)
            if match and match.group("loc") and "@" not in cell:
                return match.group("loc"), 0.85
    return "", 0.0


_COUNTRY_REGIONS = {
    "usa": "US",
    "united states": "US",
    "uk": "GB",
    "united kingdom": "GB",
    "england": "GB",
    "scotland": "GB",
    "ireland": "IE",
    "canada": "CA",
    "mexico": "MX",
    "brazil": "BR",
    "argentina": "AR",
    "chile": "CL",
    "colombia": "CO",
    "peru": "PE",
    "spain": "ES",
    "portugal": "PT",
    "france": "FR",
    "germany": "DE",
    "italy": "IT",
    "netherlands": "NL",
    "belgium": "BE",
    "switzerland": "CH",
    "austria": "AT",
    "sweden": "SE",
    "norway": "NO",
    "denmark": "DK",
    "finland": "FI",
    "poland": "PL",
    "czechia": "CZ",
    "czech republic": "CZ",
    "hungary": "HU",
    "romania": "RO",
    "greece": "GR",
    "turkey": "TR",
    "türkiye": "TR",
    "israel": "IL",
    "uae": "AE",
    "egypt": "EG",
    "nigeria": "NG",
    "kenya": "KE",
    "south africa": "ZA",
    "india": "IN",
    "pakistan": "PK",
    "bangladesh": "BD",
    "china": "CN",
    "japan": "JP",
    "korea": "KR",
    "south korea": "KR",
    "singapore": "SG",
    "malaysia": "MY",
    "indonesia": "ID",
    "philippines": "PH",
    "vietnam": "VN",
    "thailand": "TH",
    "taiwan": "TW",
    "hong kong": "HK",
    "australia": "AU",
    "new zealand": "NZ",
    "ukraine": "UA",
    "estonia": "EE",
    "latvia": "LV",
    "lithuania": "LT",
    "luxembourg": "LU",
}


def region_of(location: str) -> str | None:
    """The phone region of a location's country ("Barcelona, Spain" -> "ES"), if named."""
    country = location.rsplit(",", 1)[-1].strip().lower()
    return _COUNTRY_REGIONS.get(country)


def find_headline(header: list[str], name: str) -> tuple[str, float]:
    """A short line under the name that is not contact detail ("Senior Web Developer")."""
    lines = [line for line in header[:6] if line.strip()]
    after_name = False
    for line in lines:
        text = line.strip()
        if name and text.split("\t")[0].strip().lower() == name.lower():
            after_name = True
            continue
        if not after_name or "\t" in text or len(text) > 90 or len(text.split()) < 2:
            continue
        if _EMAIL.search(text) or _URL.search(text) or re.search(r"\d{3}", text):
            continue
        if LOCATION.fullmatch(text):
            continue
        return text, 0.7
    return "", 0.0
