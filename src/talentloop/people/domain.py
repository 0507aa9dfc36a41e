"""People rules with no database: enums, contact normalisation, custom-field typing."""

from __future__ import annotations

import datetime as dt
import enum
import re
from decimal import Decimal, InvalidOperation
from urllib.parse import urlsplit
from zoneinfo import available_timezones

import phonenumbers
from email_validator import EmailNotValidError, validate_email


class LabelledEnum(enum.StrEnum):
    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class Lifecycle(LabelledEnum):
    LEAD = "lead"
    PROSPECT = "prospect"
    CANDIDATE = "candidate"
    CLIENT_CONTACT = "client_contact"


class Seniority(LabelledEnum):
    INTERN = "intern"
    JUNIOR = "junior"
    MID = "mid"
    SENIOR = "senior"
    LEAD = "lead"
    PRINCIPAL = "principal"
    DIRECTOR = "director"
    EXECUTIVE = "executive"

    @property
    def rank(self) -> int:
        return list(Seniority).index(self) + 1


class SalaryPeriod(LabelledEnum):
    YEAR = "year"
    MONTH = "month"
    DAY = "day"
    HOUR = "hour"


class SkillLevel(LabelledEnum):
    BEGINNER = "beginner"
    INTERMEDIATE = "intermediate"
    ADVANCED = "advanced"
    EXPERT = "expert"


class ContactKind(LabelledEnum):
    EMAIL = "email"
    PHONE = "phone"
    URL = "url"


class ActivityKind(LabelledEnum):
    NOTE = "note"
    EMAIL = "email"
    CALL = "call"
    MEETING = "meeting"
    STAGE_CHANGE = "stage_change"
    FORM = "form"
    CAMPAIGN = "campaign"
    TASK = "task"


class CustomFieldType(LabelledEnum):
    TEXT = "text"
    NUMBER = "number"
    DATE = "date"
    BOOLEAN = "boolean"
    CHOICE = "choice"
    URL = "url"


# Two-way touches count as engagement; internal notes and pipeline moves do not.
ENGAGEMENT_KINDS = frozenset(
    {ActivityKind.EMAIL, ActivityKind.CALL, ActivityKind.MEETING, ActivityKind.FORM}
)
LINK_LABELS = {"linkedin.com": "linkedin", "github.com": "github", "gitlab.com": "gitlab"}
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")
_KEY = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
_NUMBER_LIMIT = Decimal(10) ** 15


class InvalidValue(ValueError):
    """A single field's value is wrong; the message is safe to show the user."""


def normalize_email(raw: str) -> str:
    """Validate syntax (no DNS) and return the normalised, lower-cased address."""
    try:
        result = validate_email(raw.strip(), check_deliverability=False)
    except EmailNotValidError as error:
        raise InvalidValue(f"not a valid email address: {error}") from None
    return result.normalized.lower()


def normalize_phone(raw: str, *, default_region: str) -> str:
    """Parse with the workspace's default region and return E.164."""
    try:
        number = phonenumbers.parse(raw.strip(), default_region.upper() or None)
    except phonenumbers.NumberParseException:
        raise InvalidValue("not a phone number") from None
    if not phonenumbers.is_valid_number(number):
        raise InvalidValue("not a valid phone number for its region")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalize_url(raw: str) -> str:
    value = raw.strip()
    if "://" not in value:
        value = "https://" + value
    try:
        parts = urlsplit(value)
    except ValueError:  # Why: a stray "[" reads as a broken IPv6 host and urlsplit raises.
        raise InvalidValue("not a web address") from None
    # Why any whitespace, not just spaces: urlsplit drops tabs and newlines silently, so a
    # pasted value with a line break would pass the checks and be stored with it.
    has_blank = any(char.isspace() or not char.isprintable() for char in value)
    if parts.scheme not in {"http", "https"} or "." not in parts.netloc or has_blank:
        raise InvalidValue("not a web address")
    return value


def guess_link_label(url: str) -> str:
    host = urlsplit(url).netloc.lower().removeprefix("www.")
    return LINK_LABELS.get(host, "website")


def normalize_contact(kind: ContactKind, raw: str, *, default_region: str) -> str:
    if kind is ContactKind.EMAIL:
        return normalize_email(raw)
    if kind is ContactKind.PHONE:
        return normalize_phone(raw, default_region=default_region)
    return normalize_url(raw)


def normalize_skill(name: str) -> str:
    return " ".join(name.lower().split())


def tag_key(name: str) -> str:
    """What makes two tag names the same tag: letter case and spacing do not count."""
    return " ".join(name.casefold().split())


def check_currency(code: str) -> str:
    value = code.strip().upper()
    if value and not _CURRENCY.match(value):
        raise InvalidValue("use a three-letter ISO 4217 code, e.g. EUR")
    return value


def check_country(code: str) -> str:
    value = code.strip().upper()
    if value and not _COUNTRY.match(value):
        raise InvalidValue("use a two-letter ISO 3166 code, e.g. DE")
    return value


def check_time_zone(name: str) -> str:
    value = name.strip()
    if value and value not in _time_zones():
        raise InvalidValue(f"unknown time zone {value!r}")
    return value


def check_salary_range(minimum: int | None, maximum: int | None) -> None:
    if minimum is not None and maximum is not None and minimum > maximum:
        raise InvalidValue("the minimum is above the maximum")


def check_custom_field_key(key: str) -> str:
    if not _KEY.match(key):
        raise InvalidValue("keys are lower-case letters, digits and _; they start with a letter")
    return key


def coerce_custom_value(field_type: CustomFieldType, value: object, choices: list[str]) -> object:
    """Turn an incoming value into the stored JSON form of its type, or raise InvalidValue."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if field_type is CustomFieldType.NUMBER:
        return _coerce_number(value)
    if field_type is CustomFieldType.BOOLEAN:
        return _coerce_bool(value)
    if field_type is CustomFieldType.DATE:
        return _coerce_date(value)
    if field_type is CustomFieldType.URL:
        return normalize_url(str(value))
    text = str(value).strip()
    if field_type is CustomFieldType.CHOICE and text not in choices:
        raise InvalidValue(f"must be one of: {', '.join(choices)}")
    return text


def _coerce_number(value: object) -> int | float:
    if isinstance(value, bool):
        raise InvalidValue("must be a number")
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise InvalidValue("must be a number") from None
    if not number.is_finite():
        raise InvalidValue("must be a finite number")
    # Why a bound: "1e5000" is finite but becomes an integer too long to store as JSON.
    if abs(number) > _NUMBER_LIMIT:
        raise InvalidValue("must be between -10^15 and 10^15")
    return int(number) if number == number.to_integral_value() else float(number)


def _coerce_bool(value: object) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"true", "yes", "1", "on"}:
        return True
    if text in {"false", "no", "0", "off"}:
        return False
    raise InvalidValue("must be true or false")


def _coerce_date(value: object) -> str:
    try:
        return dt.date.fromisoformat(str(value)).isoformat()
    except ValueError:
        raise InvalidValue("must be a date as YYYY-MM-DD") from None


_TZ_CACHE: set[str] = set()


def _time_zones() -> set[str]:
    if not _TZ_CACHE:
        _TZ_CACHE.update(available_timezones())
    return _TZ_CACHE


def seniority_rank(value: str) -> int:
    return Seniority(value).rank if value else 0


# The person fields an edit may set, as `person.updated` events name them.
PERSON_TEXT_FIELDS = (
    "first_name",
    "last_name",
    "headline",
    "summary",
    "current_title",
    "current_company_name",
    "city",
    "region",
    "do_not_contact_reason",
    "external_id",
)
PERSON_CHOICE_FIELDS: dict[str, type[LabelledEnum]] = {
    "seniority": Seniority,
    "salary_period": SalaryPeriod,
    "lifecycle": Lifecycle,
}
PERSON_FIELDS = frozenset(
    (
        *PERSON_TEXT_FIELDS,
        *PERSON_CHOICE_FIELDS,
        "country",
        "time_zone",
        "years_experience",
        "salary_currency",
        "salary_min",
        "salary_max",
        "do_not_contact",
        "owner_id",
        "source_id",
        "current_company_id",
        "custom_fields",
    )
)
# The lists a profile edit replaces as a whole; events name them like fields.
PERSON_LIST_FIELDS = frozenset({"skills", "work_history", "education", "contact_points"})
TASK_KINDS = frozenset({"todo", "call", "email", "follow_up", "meeting", "reminder"})
