"""Upsert one draft through the people actions: match, then create or update, all or nothing.

Matching runs on the normalised email first, then the phone (E.164), then the external id
of the batch's source system, each within the workspace. Every write goes through
people.actions, so a draft gets exactly the validation, duplicate checks and Events of a
person typed in by hand. The caller wraps each draft in its own transaction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from talentloop.accounts.models import User, Workspace
from talentloop.core.errors import AppError
from talentloop.intake import quickcheck
from talentloop.intake.domain import ImportOptions
from talentloop.intake.models import ExternalId
from talentloop.intake.records import PersonDraft
from talentloop.people import actions as people
from talentloop.people.actions import ContactInput, SkillInput
from talentloop.people.domain import ActivityKind, tag_key
from talentloop.people.models import ContactPoint, Person, Tag

CREATED, UPDATED, SKIPPED = "created", "updated", "skipped"


class RowRefused(Exception):
    """A draft that cannot be saved; `problems` pairs a place (field/column) with a message."""

    def __init__(self, problems: Sequence[tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{where}: {message}" for where, message in problems))
        self.problems = list(problems)


@dataclass
class Outcome:
    action: str
    person: Person | None
    warnings: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class TagCache:
    """The workspace's tags by key, created through the catalogue action on first use."""

    workspace: Workspace
    actor: User | None
    by_key: dict[str, Tag] = field(default_factory=dict)
    loaded: bool = False

    def resolve(self, names: Sequence[str]) -> list[Tag]:
        if not self.loaded:
            self.by_key = {tag_key(t.name): t for t in Tag.objects.filter(workspace=self.workspace)}
            self.loaded = True
        tags: list[Tag] = []
        for raw in names:
            name = " ".join(raw.split())[:64]  # the catalogue's own cut, so keys agree
            key = tag_key(name)
            if key and key not in self.by_key:
                self.by_key[key] = people.do_create_tag(
                    actor=self.actor, workspace=self.workspace, name=name
                )
            if key and self.by_key[key] not in tags:
                tags.append(self.by_key[key])
        return tags


def explain(error: AppError, contacts: Sequence[ContactInput] = ()) -> list[tuple[str, str]]:
    """An action's error as (place, message) pairs; contact positions named by their kind."""
    if not error.fields:
        return [("", error.message)]
    problems = []
    for name, message in error.fields.items():
        place = name
        if name.startswith("contact_points."):
            index = int(name.split(".")[1])
            place = contacts[index].kind if index < len(contacts) else "contact"
        problems.append((place, message))
    return problems


def clean_draft_contacts(workspace: Workspace, draft: PersonDraft) -> list[ContactInput]:
    """Normalised contact points, repeats dropped; bad ones refuse the row naming their kind."""
    try:
        # Why quickcheck: the people rule's result, with each email domain checked once.
        cleaned = quickcheck.clean_contacts(workspace=workspace, contacts=draft.contacts)
    except AppError as error:
        raise RowRefused(explain(error, draft.contacts)) from None
    unique: dict[tuple[str, str], ContactInput] = {}
    for contact in cleaned:
        unique.setdefault((contact.kind, contact.value), contact)
    return list(unique.values())


def find_match(
    workspace: Workspace,
    contacts: Sequence[ContactInput],
    external_ids: Mapping[str, str],
    match_on: Sequence[str],
) -> Person | None:
    """The existing person this draft describes, by the batch's keys in their order.

    A phone match is not trusted against a different email: people share office lines and
    placeholder numbers, so a draft whose emails are all unknown to a phone's owner (who has
    emails) describes someone else.
    """
    emails = {contact.value for contact in contacts if contact.kind == "email"}
    for key in match_on:
        if key == "external_id":
            person = _by_external_id(workspace, external_ids)
        else:
            values = [contact.value for contact in contacts if contact.kind == key]
            person = _by_contact(workspace, key, values, emails if key == "phone" else set())
        if person is not None:
            return person
    return None


def _by_contact(
    workspace: Workspace, kind: str, values: list[str], emails: set[str]
) -> Person | None:
    if not values:
        return None
    points = ContactPoint.objects.filter(workspace=workspace, kind=kind, value__in=values)
    for point in points.select_related("person").order_by("id"):
        if not emails or not _has_other_emails(point.person, emails):
            return point.person
    return None


def _has_other_emails(person: Person, emails: set[str]) -> bool:
    stored = set(person.contact_points.filter(kind="email").values_list("value", flat=True))
    return bool(stored) and not stored & emails


def _by_external_id(workspace: Workspace, external_ids: Mapping[str, str]) -> Person | None:
    for system, value in external_ids.items():
        found = (
            ExternalId.objects.filter(workspace=workspace, system=system, value=value)
            .select_related("person")
            .first()
        )
        if found is not None:
            return found.person
    return None


def upsert_draft(
    *,
    actor: User | None,
    workspace: Workspace,
    draft: PersonDraft,
    options: ImportOptions,
    tags: TagCache,
) -> Outcome:
    """Create or update the person a draft describes; raises RowRefused and saves nothing."""
    if draft.problems:
        raise RowRefused([(problem.where, problem.message) for problem in draft.problems])
    # Why outside the row's transaction: a tag created for a row that is then refused stays
    # (harmless), while the cache never holds a tag whose creation was rolled back.
    tag_names = [tag.name for tag in tags.resolve([*draft.tags, *options.tags])]
    with transaction.atomic():
        contacts = clean_draft_contacts(workspace, draft)
        person = find_match(workspace, contacts, draft.external_ids, options.match_on)
        if person is not None and not options.update_existing:
            return Outcome(SKIPPED, person, [("", f"already in Talentloop as person {person.pk}")])
        try:
            if person is None:
                outcome = _create(actor, workspace, draft, contacts, options, tag_names)
            else:
                outcome = _update(actor, person, draft, contacts, options, tag_names)
            _link_external_ids(workspace, outcome.person, draft.external_ids)
            _add_notes(actor, outcome.person, draft.notes)
        except AppError as error:
            raise RowRefused(explain(error, contacts)) from None
    return outcome


def _create(
    actor: User | None,
    workspace: Workspace,
    draft: PersonDraft,
    contacts: list[ContactInput],
    options: ImportOptions,
    tag_names: list[str],
) -> Outcome:
    fields = dict(draft.fields)
    if options.source_id is not None:
        fields.setdefault("source_id", options.source_id)
    person = people.do_create_person(
        actor=actor,
        workspace=workspace,
        fields=fields,
        contacts=contacts,
        tags=tag_names,
        skills=draft.skills,
        work_history=draft.work_history,
        education=draft.education,
    )
    return Outcome(CREATED, person)


def _update(
    actor: User | None,
    person: Person,
    draft: PersonDraft,
    contacts: list[ContactInput],
    options: ImportOptions,
    tag_names: list[str],
) -> Outcome:
    """Fill in what the draft knows; nothing the draft leaves blank is blanked on the person."""
    fields = {name: value for name, value in draft.fields.items() if value not in ("", None)}
    if options.source_id is not None and person.source_id is None:
        fields["source_id"] = options.source_id
    lists = _lists(person, draft)
    if fields or lists:
        people.do_update_person(actor=actor, person=person, fields=fields, **lists)
    known = {(point.kind, point.value) for point in person.contact_points.all()}
    for contact in contacts:
        if (contact.kind, contact.value) not in known:
            new = ContactInput(contact.kind, contact.value, contact.label, is_primary=False)
            people.do_add_contact_point(actor=actor, person=person, contact=new)
    carried = {tag_key(tag.name) for tag in person.tags.all()}
    missing = [name for name in tag_names if tag_key(name) not in carried]
    if missing:
        people.do_tag_people(
            actor=actor, workspace=person.workspace, people=[person], names=missing
        )
    return Outcome(UPDATED, person)


def _lists(person: Person, draft: PersonDraft) -> dict[str, Any]:
    """Skills are merged in; history is filled only where the person has none yet."""
    lists: dict[str, Any] = {}
    if draft.skills:
        stored = [
            SkillInput(name=s.name, level=s.level, years=s.years) for s in person.skills.all()
        ]
        names = {skill.name.casefold() for skill in stored}
        new = [skill for skill in draft.skills if skill.name.casefold() not in names]
        if new:
            lists["skills"] = [*stored, *new]
    if draft.work_history and not person.work_history.exists():
        lists["work_history"] = draft.work_history
    if draft.education and not person.education.exists():
        lists["education"] = draft.education
    return lists


def _link_external_ids(workspace: Workspace, person: Person | None, ids: Mapping[str, str]) -> None:
    if person is None:
        return
    for system, value in ids.items():
        clean_system, clean_value = system.strip().lower()[:32], value.strip()
        if not clean_value:
            continue
        if len(clean_value) > 200:
            raise RowRefused([("external_id", "at most 200 characters")])
        owner = ExternalId.objects.filter(
            workspace=workspace, system=clean_system, value=clean_value
        ).first()
        if owner is None:
            ExternalId.objects.create(
                workspace=workspace, person=person, system=clean_system, value=clean_value
            )
        elif owner.person_id != person.pk:
            raise RowRefused([("external_id", f"already used by person {owner.person_id}")])


def _add_notes(actor: User | None, person: Person | None, notes: Sequence[str]) -> None:
    for note in notes:
        if person is not None and note.strip():
            people.do_log_activity(actor=actor, person=person, kind=ActivityKind.NOTE, body=note)
