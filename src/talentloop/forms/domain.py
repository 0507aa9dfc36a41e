"""Public forms: which fields a form asks for and how a submission is read. Pure.

A form asks for a fixed set of fields; the admin switches each on as optional or required.
The email is always asked for and always required: it is how a submitter is recognised.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from talentloop.core.errors import ValidationFailed

EMAIL = "email"
CONSENT = "consent"
# The honeypot: a field people never see (hidden by CSS); bots that fill every input do.
HONEYPOT = "website"
OPTIONAL, REQUIRED = "optional", "required"
# (name, label, longest answer) in the order the public page shows them.
FIELDS: tuple[tuple[str, str, int], ...] = (
    ("first_name", "First name", 100),
    ("last_name", "Last name", 100),
    (EMAIL, "Email", 254),
    ("phone", "Phone", 40),
    ("city", "City", 100),
    ("country", "Country (two-letter code, e.g. DE)", 2),
    ("url", "LinkedIn or website", 500),
    ("headline", "Headline", 200),
    ("message", "Message", 5000),
)
FIELD_NAMES = tuple(name for name, _, _ in FIELDS)
SWITCHABLE = tuple(name for name in FIELD_NAMES if name != EMAIL)
TOPICS = ("outreach", "newsletter", "job_alerts", "events")  # as outreach.domain.TOPICS
MAX_SUBMISSIONS_PER_HOUR = 5  # per form and email address
_SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")


@dataclass(frozen=True)
class Answers:
    """A submission that passed the form's checks: text per asked field, and the consent box."""

    values: Mapping[str, str]
    consent: bool


def check_slug(slug: str) -> str:
    """Lower-case letters, digits and inner hyphens, up to 64 characters."""
    value = slug.strip().lower()
    if not _SLUG.match(value):
        raise ValidationFailed(
            "the slug is not valid",
            fields={"slug": "use lower-case letters, digits and hyphens (up to 64)"},
        )
    return value


def check_field_config(config: Mapping[str, Any]) -> dict[str, str]:
    """{field: optional|required} for the switched-on fields; the email is implied."""
    problems = {
        f"fields.{name}": "unknown field"
        for name in config
        if name not in SWITCHABLE and name != EMAIL
    }
    problems |= {
        f"fields.{name}": "must be optional or required"
        for name, mode in config.items()
        if name in SWITCHABLE and mode not in (OPTIONAL, REQUIRED)
    }
    if problems:
        raise ValidationFailed("some form fields are not valid", fields=problems)
    return {name: str(config[name]) for name in SWITCHABLE if name in config}


def check_consent(*, enabled: bool, text: str, topic: str) -> None:
    """A consent box needs the wording the submitter agrees to, and a known topic."""
    problems: dict[str, str] = {}
    if enabled and not text.strip():
        problems["consent_text"] = "a consent box needs its wording"
    if topic not in TOPICS:
        problems["consent_topic"] = f"must be one of {', '.join(TOPICS)}"
    if problems:
        raise ValidationFailed("the consent box is not valid", fields=problems)


def asked_fields(config: Mapping[str, str]) -> list[tuple[str, str, int, bool]]:
    """(name, label, longest, required) of every field the public page shows, in order."""
    return [
        (name, label, limit, name == EMAIL or config.get(name) == REQUIRED)
        for name, label, limit in FIELDS
        if name == EMAIL or name in config
    ]


def read_answers(
    config: Mapping[str, str], raw: Mapping[str, Any], *, consent_enabled: bool
) -> Answers:
    """Trimmed text for each asked field; every problem is raised at once, by field name."""
    answers, problems = answers_and_problems(config, raw, consent_enabled=consent_enabled)
    if problems:
        raise ValidationFailed("some answers are not valid", fields=problems)
    return answers


def answers_and_problems(
    config: Mapping[str, str], raw: Mapping[str, Any], *, consent_enabled: bool
) -> tuple[Answers, dict[str, str]]:
    """The answers that pass, and why each other one does not (so later checks can go on)."""
    values: dict[str, str] = {}
    problems: dict[str, str] = {}
    for name, _, limit, required in asked_fields(config):
        given = str(raw.get(name) or "")
        # Why keep the message's line breaks: it is prose; every other answer is one line.
        text = given.strip() if name == "message" else " ".join(given.split())
        if "\x00" in text:
            problems[name] = "must not contain NUL characters"
        elif len(text) > limit:
            problems[name] = f"at most {limit} characters"
        elif required and not text:
            problems[name] = "required"
        elif text:
            values[name] = text
    consent = consent_enabled and str(raw.get(CONSENT) or "") in {"on", "true", "1", "yes"}
    return Answers(values=values, consent=consent), problems


def is_bot(raw: Mapping[str, Any]) -> bool:
    """True when the hidden honeypot field came back filled in."""
    return bool(str(raw.get(HONEYPOT) or "").strip())


def email_hash(email: str) -> str:
    """What rate limiting counts by: a digest of the normalised address, never the address."""
    return hashlib.sha256(email.encode("utf-8")).hexdigest()


def consent_evidence(*, form_name: str, form_id: int, topic: str, wording: str) -> str:
    """The text stored with the consent: which form, which topic, and the exact wording."""
    return (
        f'Ticked the consent box of form "{form_name}" (form {form_id}, topic {topic}): {wording}'
    )
