"""Every hygiene write: dismissing a pair, merging two people, undoing a merge, the scan."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction

from talentloop.accounts import domain as roles
from talentloop.accounts.models import User, Workspace
from talentloop.core import clock
from talentloop.core.bulk import refresh_statistics
from talentloop.core.errors import Conflict, PermissionDenied, ValidationFailed
from talentloop.core.events import record_event
from talentloop.hygiene import detection, merge, snapshot
from talentloop.hygiene.models import (
    BlockingKey,
    CandidateStatus,
    DuplicateCandidate,
    MergeRecord,
)
from talentloop.people.models import Person

UNDO_WINDOW = timedelta(days=30)


def check_may_merge(actor: User) -> None:
    """Merging and reviewing pairs is for the roles that edit records."""
    if not roles.can_write(actor.role_enum):
        raise PermissionDenied("your role cannot merge or review duplicates")


@transaction.atomic
def do_dismiss_candidate(*, actor: User, candidate: DuplicateCandidate) -> DuplicateCandidate:
    """Mark a pair as two different people; later changes do not reopen it."""
    check_may_merge(actor)
    if candidate.status != CandidateStatus.OPEN:
        raise Conflict("this pair was already reviewed", code="already_reviewed")
    candidate.status = CandidateStatus.DISMISSED
    candidate.resolved_by, candidate.resolved_at = actor, clock.now()
    candidate.save(update_fields=["status", "resolved_by", "resolved_at", "updated_at"])
    record_event(
        workspace=candidate.workspace,
        actor=actor,
        verb="duplicate.dismissed",
        subject=candidate,
        data={"person_ids": [candidate.low_id, candidate.high_id]},
    )
    return candidate


@transaction.atomic
def do_merge_people(
    *, actor: User, survivor: Person, other: Person, field_choices: dict[str, str]
) -> MergeRecord:
    """Fold `other` into `survivor`; everything is kept in a MergeRecord for 30 days' undo."""
    check_may_merge(actor)
    choices = merge.check_choices(field_choices)
    if survivor.pk == other.pk or survivor.workspace_id != other.workspace_id:
        raise ValidationFailed("choose two different people of this workspace")
    locked = Person.objects.select_for_update().filter(pk__in=[survivor.pk, other.pk])
    people = {person.pk: person for person in locked.order_by("pk")}
    survivor, other = people[survivor.pk], people[other.pk]
    now = clock.now()
    rows = snapshot.capture([survivor, other])
    other_primaries = {"email": other.primary_email, "phone": other.primary_phone}
    notes = merge.MergeNotes()
    merge.apply_fields(survivor, other, choices)
    merge.repoint_rows(survivor, other, notes, now)
    merge.restrict_consent(survivor, notes, now)
    merge.set_primaries(survivor, other_primaries, choices)
    record = MergeRecord.objects.create(
        workspace_id=survivor.workspace_id,
        actor=actor,
        survivor_id=survivor.pk,
        other_id=other.pk,
        field_choices=choices,
        snapshot={"rows": rows},
        notes=notes.as_dict(),
    )
    other_id = other.pk
    other.delete()
    record_event(
        workspace=survivor.workspace,
        actor=actor,
        verb="person.merged",
        subject=survivor,
        # Why both ids under person_ids: consumers that follow people (the search index,
        # segments) refresh the survivor and drop the merged-away person.
        data={
            "merged_person_id": other_id,
            "merge_id": record.pk,
            "person_ids": [survivor.pk, other_id],
        },
    )
    return record


@transaction.atomic
def do_undo_merge(*, actor: User, record: MergeRecord) -> MergeRecord:
    """Give both people and every row the merge touched back as they were, within 30 days."""
    check_may_merge(actor)
    record = MergeRecord.objects.select_for_update().get(pk=record.pk)
    if record.undone_at is not None:
        raise Conflict("this merge was already undone", code="already_undone")
    now = clock.now()
    if now - record.created_at > UNDO_WINDOW:
        raise Conflict("merges can be undone for 30 days only", code="undo_expired")
    survivor = Person.objects.select_for_update().filter(pk=record.survivor_id).first()
    if survivor is None:
        raise Conflict("the surviving person was deleted since", code="survivor_gone")
    if Person.objects.filter(pk=record.other_id).exists():
        raise Conflict("the merged person exists again", code="other_exists")
    for label, pk in record.notes.get("created", []):
        _delete_created(label, pk)
    BlockingKey.objects.filter(person_id=survivor.pk).delete()
    snapshot.restore(record.snapshot["rows"])
    record.undone_at, record.undone_by = now, actor
    record.save(update_fields=["undone_at", "undone_by", "updated_at"])
    for person_id in (record.survivor_id, record.other_id):
        record_event(
            workspace=survivor.workspace,
            actor=actor,
            verb="person.unmerged",
            subject=Person(pk=person_id),
            data={"merge_id": record.pk},
        )
    return record


def _delete_created(label: str, pk: int) -> None:
    from django.apps import apps

    apps.get_model(label)._default_manager.filter(pk=pk).delete()


def run_scan(*, workspace_id: int, actor_id: int | None) -> detection.ScanReport:
    """The batch scan over a whole workspace, then fresh planner statistics for its tables."""
    report = detection.scan_workspace(workspace_id)
    with transaction.atomic():
        workspace = Workspace.objects.get(pk=workspace_id)
        record_event(
            workspace=workspace,
            actor=User.objects.filter(pk=actor_id).first() if actor_id else None,
            verb="duplicate.scanned",
            subject=workspace,
            data={"people": report.people, "candidates": report.candidates},
        )
    refresh_statistics([BlockingKey._meta.db_table, DuplicateCandidate._meta.db_table])
    return report
