"""The fast path for big batches: new people inserted a chunk at a time, same rules as the actions.

Each draft is validated with the very functions do_create_person uses (clean_person_fields,
clean_contacts). Drafts that are plainly new (no email, phone or external id already in
the workspace or earlier in the chunk, no lists or notes that need the actions' own
bookkeeping) are inserted together in one transaction with one `person.created` Event each
(field names and ids only). Everything else, and the whole chunk if the insert fails, goes
through upsert.upsert_draft one draft at a time, so a bad draft never takes others with it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import DatabaseError, transaction

from talentloop.accounts.models import User, Workspace
from talentloop.core import clock
from talentloop.core.errors import AppError
from talentloop.core.events import announce_written_events
from talentloop.core.middleware import current_request_id
from talentloop.core.models import Event
from talentloop.intake import bulkupdate
from talentloop.intake.domain import ImportOptions
from talentloop.intake.models import ExternalId
from talentloop.intake.records import PersonDraft
from talentloop.intake.upsert import (
    CREATED,
    Outcome,
    RowRefused,
    TagCache,
    clean_draft_contacts,
    explain,
    upsert_draft,
)
from talentloop.people.actions import ContactInput, clean_person_fields
from talentloop.people.models import ContactPoint, Person, PersonTag, Tag
from talentloop.seed.rows import CONTACT_FIELDS
from talentloop.seed.writer import RowWriter, allocate_ids

Key = tuple[str, str]


@dataclass
class RowResult:
    """What became of one draft: an outcome, or the problems that kept it out."""

    index: int
    locator: str
    outcome: Outcome | None = None
    problems: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class _Ready:
    index: int
    draft: PersonDraft
    fields: dict[str, Any]
    contacts: list[ContactInput]
    keys: set[Key]
    tags: list[Tag] = field(default_factory=list)


def upsert_one(
    *,
    actor: User | None,
    workspace: Workspace,
    index: int,
    draft: PersonDraft,
    options: ImportOptions,
    tags: TagCache,
) -> RowResult:
    """One draft through the actions, its refusal turned into a result."""
    try:
        outcome = upsert_draft(
            actor=actor, workspace=workspace, draft=draft, options=options, tags=tags
        )
    except RowRefused as refused:
        return RowResult(index, draft.locator, problems=refused.problems)
    return RowResult(index, draft.locator, outcome=outcome)


def write_chunk(
    *,
    actor: User | None,
    workspace: Workspace,
    drafts: Sequence[PersonDraft],
    options: ImportOptions,
    tags: TagCache,
    batch_id: int | None,
) -> list[RowResult]:
    """Upsert a chunk of drafts; results come back in the drafts' order."""
    results: list[RowResult] = []
    ready: list[_Ready] = []
    one_by_one: list[int] = []
    for index, draft in enumerate(drafts):
        prepared = _prepare(workspace, index, draft, options)
        if isinstance(prepared, RowResult):
            results.append(prepared)
        elif prepared is None:
            one_by_one.append(index)
        else:
            ready.append(prepared)
    fresh, matched, clashing = _split_new(workspace, ready, options)
    one_by_one += clashing
    for item in [*fresh, *(item for item, _ in matched)]:
        item.tags = tags.resolve([*item.draft.tags, *options.tags])
    try:
        with transaction.atomic():
            results += _insert(actor, workspace, fresh, batch_id)
    except DatabaseError:
        # Why: a race with another writer (or a value the checks missed) fails the whole
        # insert; the same drafts one at a time find the culprit and keep the rest.
        one_by_one += [item.index for item in fresh]
    try:
        with transaction.atomic():
            results += _update(actor, workspace, matched, options, batch_id)
    except DatabaseError:
        one_by_one += [item.index for item, _ in matched]
    if any(result.outcome is not None for result in results):
        # Why once per chunk: one announcement covers the events of the whole chunk.
        announce_written_events()
    for index in sorted(one_by_one):
        results.append(
            upsert_one(
                actor=actor,
                workspace=workspace,
                index=index,
                draft=drafts[index],
                options=options,
                tags=tags,
            )
        )
    return sorted(results, key=lambda result: result.index)


def _prepare(
    workspace: Workspace, index: int, draft: PersonDraft, options: ImportOptions
) -> _Ready | RowResult | None:
    """Validate a draft for the fast path; None sends it through the actions instead."""
    if draft.problems:
        problems = [(problem.where, problem.message) for problem in draft.problems]
        return RowResult(index, draft.locator, problems=problems)
    if draft.skills or draft.work_history or draft.education or draft.notes:
        return None
    try:
        cleaned = clean_person_fields(workspace=workspace, fields=draft.fields)
        contacts = clean_draft_contacts(workspace, draft)
    except AppError as error:
        return RowResult(index, draft.locator, problems=explain(error, draft.contacts))
    except RowRefused as refused:
        return RowResult(index, draft.locator, problems=refused.problems)
    if options.source_id is not None and "source_id" not in cleaned:
        # Why not through clean_person_fields: the batch's source was checked once when it
        # was chosen (do_set_import_mapping); re-checking it costs a query per row.
        cleaned["source_id"] = options.source_id
    keys = {(contact.kind, contact.value) for contact in contacts if contact.kind != "url"}
    keys |= {(f"id:{system}", value.strip()) for system, value in draft.external_ids.items()}
    return _Ready(index, draft, cleaned, contacts, keys)


def _split_new(
    workspace: Workspace, ready: list[_Ready], options: ImportOptions
) -> tuple[list[_Ready], list[tuple[_Ready, int]], list[int]]:
    """New drafts, drafts that plainly update one person, and the rest (for the actions).

    A draft is new when none of its keys is known, in the workspace or earlier in the chunk;
    a repeat within the chunk goes to the actions, after the inserts, so it finds its person.
    """
    owners = _owners(workspace, set().union(*(item.keys for item in ready)))
    seen: set[Key] = set()
    fresh: list[_Ready] = []
    matched: list[tuple[_Ready, int]] = []
    clashing: list[int] = []
    for item in ready:
        if item.keys & seen or any(len(value) > 200 for _, value in item.keys):
            clashing.append(item.index)
        elif not any(key in owners for key in item.keys):
            fresh.append(item)
        else:
            person_id = bulkupdate.match_of(item.keys, owners, options)
            plain = person_id is not None and bulkupdate.qualifies(item, person_id, owners)
            if plain and options.update_existing and person_id is not None:
                matched.append((item, person_id))
            else:
                clashing.append(item.index)
        seen |= item.keys
    return fresh, matched, clashing


def _owners(workspace: Workspace, keys: set[Key]) -> dict[Key, set[int]]:
    """Who holds each known key (several people may share a phone)."""
    owners: dict[Key, set[int]] = {}
    for kind in ("email", "phone"):
        values = [value for key_kind, value in keys if key_kind == kind]
        if values:
            points = ContactPoint.objects.filter(workspace=workspace, kind=kind, value__in=values)
            for value, person_id in points.values_list("value", "person_id"):
                owners.setdefault((kind, value), set()).add(person_id)
    systems = {kind.removeprefix("id:") for kind, _ in keys if kind.startswith("id:")}
    for system in systems:
        values = [value for kind, value in keys if kind == f"id:{system}"]
        ids = ExternalId.objects.filter(workspace=workspace, system=system, value__in=values)
        for value, person_id in ids.values_list("value", "person_id"):
            owners.setdefault((f"id:{system}", value), set()).add(person_id)
    return owners


def _update(
    actor: User | None,
    workspace: Workspace,
    matched: list[tuple[_Ready, int]],
    options: ImportOptions,
    batch_id: int | None,
) -> list[RowResult]:
    if not matched:
        return []
    results = bulkupdate.update_people(
        actor=actor,
        workspace=workspace,
        items=[item for item, _ in matched],
        person_ids=[person_id for _, person_id in matched],
        options=options,
        batch_id=batch_id,
    )
    return [
        RowResult(item.index, item.draft.locator, outcome=outcome, problems=problems)
        for item, outcome, problems in results
    ]


def _insert(
    actor: User | None, workspace: Workspace, fresh: list[_Ready], batch_id: int | None
) -> list[RowResult]:
    """Write the chunk's new people and everything hanging off them, as plain rows.

    Why rows, not bulk_create: building model instances and bulk_create's SQL costs more
    than the insert itself (a parameter per column per row); COPY (seed.writer.RowWriter)
    streams the same values the ORM would write. Defaults come from the model fields.
    """
    if not fresh:
        return []
    now = clock.now()
    ids = allocate_ids(Person, len(fresh))
    base = _defaults(Person, workspace_id=workspace.pk, created_at=now, updated_at=now)
    people, points, links, external, events = [], [], [], [], []
    request_id = current_request_id.get()
    for item, person_id in zip(fresh, ids, strict=True):
        primaries = _primaries(item.contacts)
        person = {**base, **item.fields, "id": person_id}
        person["primary_email"] = primaries.get("email", "")
        person["primary_phone"] = primaries.get("phone", "")
        people.append(person)
        for contact in item.contacts:
            is_primary = primaries.get(contact.kind) == contact.value
            points.append(
                (
                    workspace.pk,
                    now,
                    now,
                    person_id,
                    contact.kind,
                    contact.value,
                    contact.label,
                    is_primary,
                    False,
                )
            )
        links += [(person_id, tag.pk, now) for tag in item.tags]
        external += [
            (workspace.pk, now, now, person_id, system, value.strip())
            for system, value in item.draft.external_ids.items()
            if value.strip()
        ]
        changed = sorted({*item.fields, *(["contact_points"] if item.contacts else [])})
        data = {"import_batch_id": batch_id} if batch_id else {}
        events.append(
            (
                workspace.pk,
                actor.pk if actor else None,
                "person.created",
                "person",
                person_id,
                changed,
                data,
                request_id,
                now,
            )
        )
    columns = list(base)
    RowWriter(Person, columns).write([tuple(row[name] for name in columns) for row in people])
    RowWriter(ContactPoint, CONTACT_FIELDS).write(points)
    RowWriter(PersonTag, ["person", "tag", "created_at"]).write(links)
    RowWriter(ExternalId, _EXTERNAL_COLUMNS).write(external)
    RowWriter(Event, bulkupdate.EVENT_COLUMNS).write(events)
    return [
        RowResult(item.index, item.draft.locator, outcome=Outcome(CREATED, None)) for item in fresh
    ]


_EXTERNAL_COLUMNS = ["workspace", "created_at", "updated_at", "person", "system", "value"]


def _defaults(model: type[Any], **given: Any) -> dict[str, Any]:
    """Every concrete column of the model (by attname) with its field default, then `given`."""
    values = {
        field.attname: field.get_default()
        for field in model._meta.concrete_fields
        if not field.primary_key
    }
    values.update(given)
    return {"id": None, **values}


def _primaries(contacts: Sequence[ContactInput]) -> dict[str, str]:
    """The primary value per kind: the first marked primary, else the first of its kind."""
    chosen: dict[str, str] = {}
    for contact in contacts:
        if contact.is_primary:
            chosen.setdefault(contact.kind, contact.value)
    for contact in contacts:
        chosen.setdefault(contact.kind, contact.value)
    return chosen
