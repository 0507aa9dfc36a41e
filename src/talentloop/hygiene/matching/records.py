"""The record the engine compares, and its normalised form."""

from __future__ import annotations

from dataclasses import dataclass

from talentloop.hygiene.matching.normalise import canonical_given_name, compact, digits, fold


@dataclass(frozen=True, slots=True)
class PersonRecord:
    """One person as the engine sees it: a Talentloop person, a CSV row or a FEBRL row."""

    key: str
    first_name: str = ""
    last_name: str = ""
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    external_ids: tuple[str, ...] = ()
    birth_date: str = ""
    company: str = ""
    title: str = ""
    street: str = ""
    city: str = ""
    postcode: str = ""
    region: str = ""
    links: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Prepared:
    """Normalised features of a record; computed once, compared many times."""

    key: str
    first: str
    first_canonical: str
    last: str
    emails: frozenset[str]
    email_locals: frozenset[str]
    phones: frozenset[str]
    external_ids: frozenset[str]
    birth_date: str
    company: str
    title: str
    street: str
    city: str
    postcode: str
    region: str
    links: frozenset[str]


def prepare(record: PersonRecord) -> Prepared:
    """Fold every field so comparisons ignore case, accents, spacing and punctuation."""
    first = compact(record.first_name)
    emails = frozenset(email.strip().lower() for email in record.emails if "@" in email)
    return Prepared(
        key=record.key,
        first=first,
        first_canonical=canonical_given_name(first),
        last=compact(record.last_name),
        emails=emails,
        email_locals=frozenset(_email_local(email) for email in emails) - {""},
        phones=frozenset(number for number in map(digits, record.phones) if len(number) >= 6),
        external_ids=frozenset(filter(None, (compact(value) for value in record.external_ids))),
        birth_date=digits(record.birth_date),
        company=fold(record.company),
        title=fold(record.title),
        street=fold(record.street),
        city=fold(record.city),
        postcode=compact(record.postcode),
        region=compact(record.region),
        links=frozenset(filter(None, (_link_key(link) for link in record.links))),
    )


def _email_local(email: str) -> str:
    # Why drop "+tag" and dots: the same mailbox reached by sub-address or a dotted variant.
    local = email.split("@", 1)[0].split("+", 1)[0]
    return local.replace(".", "")


def _link_key(link: str) -> str:
    value = link.strip().lower().split("://", 1)[-1].removeprefix("www.")
    return value.rstrip("/").split("?", 1)[0]
