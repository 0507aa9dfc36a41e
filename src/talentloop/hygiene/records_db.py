"""Turning stored people into the matching engine's records, in bulk."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Any

from talentloop.hygiene.matching import PersonRecord
from talentloop.intake.models import ExternalId
from talentloop.people.models import ContactPoint, Person

PERSON_COLUMNS = (
    "id",
    "first_name",
    "last_name",
    "current_company_name",
    "current_title",
    "city",
    "region",
    "external_id",
)
CHUNK = 5000


def load_records(workspace_id: int, person_ids: Iterable[int]) -> dict[int, PersonRecord]:
    """The records of these people of the workspace, by person id (unknown ids are skipped)."""
    ids = sorted(set(person_ids))
    records: dict[int, PersonRecord] = {}
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        people = Person.objects.filter(workspace_id=workspace_id, pk__in=chunk)
        rows = list(people.values_list(*PERSON_COLUMNS))
        records.update(_from_rows(workspace_id, rows, {"person_id__in": chunk}))
    return records


def iter_workspace_records(workspace_id: int) -> Iterator[tuple[int, PersonRecord]]:
    """Every person of the workspace as a record, in id order, a chunk of rows at a time."""
    last_id = 0
    while True:
        people = Person.objects.filter(workspace_id=workspace_id, pk__gt=last_id).order_by("pk")
        rows = list(people.values_list(*PERSON_COLUMNS)[:CHUNK])
        if not rows:
            return
        last_id = rows[-1][0]
        # Why a range, not the list of ids: the chunk is in id order, and a 5,000-value IN
        # list costs more to send and plan than the rows it selects.
        span = {"person_id__gte": rows[0][0], "person_id__lte": last_id}
        yield from _from_rows(workspace_id, rows, span).items()


def _from_rows(
    workspace_id: int, rows: list[tuple[Any, ...]], people: dict[str, Any]
) -> dict[int, PersonRecord]:
    contacts: defaultdict[int, defaultdict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    points = ContactPoint.objects.filter(workspace_id=workspace_id, **people)
    for person_id, kind, value in points.values_list("person_id", "kind", "value"):
        contacts[person_id][kind].append(value)
    external: defaultdict[int, list[str]] = defaultdict(list)
    others = ExternalId.objects.filter(workspace_id=workspace_id, **people)
    for person_id, system, value in others.values_list("person_id", "system", "value"):
        external[person_id].append(f"{system}:{value}")
    records = {}
    for person_id, first, last, company, title, city, region, external_id in rows:
        points_of = contacts.get(person_id, defaultdict(list))
        records[person_id] = PersonRecord(
            key=str(person_id),
            first_name=str(first),
            last_name=str(last),
            emails=tuple(points_of["email"]),
            phones=tuple(points_of["phone"]),
            external_ids=tuple(external[person_id])
            + ((f"own:{external_id}",) if external_id else ()),
            company=str(company),
            title=str(title),
            city=str(city),
            region=str(region),
            links=tuple(points_of["url"]),
        )
    return records
