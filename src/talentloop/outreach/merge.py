"""Merge fields: the plain dicts a template sees for the person, job, sender and links."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

PERSON_FIELDS = (
    "first_name",
    "last_name",
    "full_name",
    "email",
    "headline",
    "current_title",
    "company",
    "city",
    "region",
    "country",
)
JOB_FIELDS = ("title", "department", "city", "country", "remote_policy", "employment_type")
SENDER_FIELDS = ("name", "first_name", "email", "title")
LINK_FIELDS = ("unsubscribe", "preferences")


def person_fields(person: Any) -> dict[str, str]:
    if isinstance(person, Mapping):
        return {name: str(person.get(name) or "") for name in PERSON_FIELDS}
    return {
        "first_name": person.first_name,
        "last_name": person.last_name,
        "full_name": f"{person.first_name} {person.last_name}".strip(),
        "email": person.primary_email,
        "headline": person.headline,
        "current_title": person.current_title,
        "company": person.current_company_name,
        "city": person.city,
        "region": person.region,
        "country": person.country,
    }


def job_fields(job: Any) -> dict[str, str]:
    if isinstance(job, Mapping):
        return {name: str(job.get(name) or "") for name in JOB_FIELDS}
    return {name: str(getattr(job, name, "") or "") for name in JOB_FIELDS}


def sender_fields(sender: Any) -> dict[str, str]:
    if isinstance(sender, Mapping):
        return {name: str(sender.get(name) or "") for name in SENDER_FIELDS}
    name = getattr(sender, "full_name", "") or getattr(sender, "display_name", "")
    return {
        "name": name,
        "first_name": name.split(" ")[0] if name else "",
        "email": getattr(sender, "email", ""),
        "title": "",
    }


def build_context(
    *, person: Any, job: Any | None, sender: Any | None, links: Mapping[str, str]
) -> dict[str, Any]:
    """Only listed fields go in, so a template cannot reach anything else about a record."""
    context: dict[str, Any] = {
        "person": person_fields(person),
        "links": {name: links.get(name, "") for name in LINK_FIELDS} | dict(links),
    }
    if job is not None:
        context["job"] = job_fields(job)
    if sender is not None:
        context["sender"] = sender_fields(sender)
    return context
