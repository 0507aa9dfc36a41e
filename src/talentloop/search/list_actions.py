"""Every write to static lists: create, change, delete, add and remove members, snapshots."""

from __future__ import annotations

from collections.abc import Collection

from django.db import transaction

from talentloop.accounts.models import User, Workspace
from talentloop.core import clock
from talentloop.core.errors import ValidationFailed
from talentloop.core.events import record_event
from talentloop.people.models import Person
from talentloop.search.actions import (
    clean_description,
    clean_name,
    insert_selected,
    refuse_taken_name,
)
from talentloop.search.models import Segment, SegmentMembership, StaticList, StaticListMember

MAX_IDS_PER_CALL = 5000
_BATCH = 2000


@transaction.atomic
def do_create_list(
    *, actor: User | None, workspace: Workspace, name: str, description: str = ""
) -> StaticList:
    """Create an empty static list."""
    tidy_name = clean_name(name, what="list")
    refuse_taken_name(StaticList.objects.filter(workspace=workspace), tidy_name, None)
    static_list = StaticList.objects.create(
        workspace=workspace,
        name=tidy_name,
        description=clean_description(description),
        owner=actor,
    )
    record_event(workspace=workspace, actor=actor, verb="list.created", subject=static_list)
    return static_list


@transaction.atomic
def do_update_list(
    *,
    actor: User | None,
    static_list: StaticList,
    name: str | None = None,
    description: str | None = None,
) -> StaticList:
    """Rename a list or change its description."""
    changed: list[str] = []
    if name is not None and clean_name(name, what="list") != static_list.name:
        static_list.name = clean_name(name, what="list")
        refuse_taken_name(
            StaticList.objects.filter(workspace=static_list.workspace),
            static_list.name,
            static_list.pk,
        )
        changed.append("name")
    if description is not None and clean_description(description) != static_list.description:
        static_list.description = clean_description(description)
        changed.append("description")
    if changed:
        static_list.save(update_fields=[*changed, "updated_at"])
        record_event(
            workspace=static_list.workspace,
            actor=actor,
            verb="list.updated",
            subject=static_list,
            changed_fields=changed,
        )
    return static_list


@transaction.atomic
def do_delete_list(*, actor: User | None, static_list: StaticList) -> None:
    """Remove a list and its memberships (the people stay)."""
    record_event(
        workspace=static_list.workspace, actor=actor, verb="list.deleted", subject=static_list
    )
    static_list.delete()


def _checked_ids(workspace: Workspace, person_ids: Collection[int]) -> list[int]:
    wanted = sorted(set(person_ids))
    if not wanted:
        raise ValidationFailed("name at least one person", fields={"person_ids": "required"})
    if len(wanted) > MAX_IDS_PER_CALL:
        raise ValidationFailed(
            "too many people in one call", fields={"person_ids": f"at most {MAX_IDS_PER_CALL}"}
        )
    found = set(
        Person.objects.filter(workspace=workspace, pk__in=wanted).values_list("pk", flat=True)
    )
    missing = [person_id for person_id in wanted if person_id not in found]
    if missing:
        shown = ", ".join(str(person_id) for person_id in missing[:20])
        raise ValidationFailed(
            "some people were not found", fields={"person_ids": f"not found: {shown}"}
        )
    return wanted


@transaction.atomic
def do_add_list_members(
    *, actor: User | None, static_list: StaticList, person_ids: Collection[int]
) -> int:
    """Add people to a list (those already on it are skipped); returns how many were added."""
    wanted = _checked_ids(static_list.workspace, person_ids)
    present = set(
        StaticListMember.objects.filter(static_list=static_list, person_id__in=wanted).values_list(
            "person_id", flat=True
        )
    )
    new = [person_id for person_id in wanted if person_id not in present]
    now = clock.now()
    StaticListMember.objects.bulk_create(
        [
            StaticListMember(static_list=static_list, person_id=pid, added_at=now, added_by=actor)
            for pid in new
        ],
        batch_size=_BATCH,
    )
    if new:
        record_event(
            workspace=static_list.workspace,
            actor=actor,
            verb="list.members_added",
            subject=static_list,
            data={"person_ids": new},
        )
    return len(new)


@transaction.atomic
def do_remove_list_members(
    *, actor: User | None, static_list: StaticList, person_ids: Collection[int]
) -> int:
    """Take people off a list; returns how many were on it."""
    wanted = sorted(set(person_ids))
    if not wanted:
        raise ValidationFailed("name at least one person", fields={"person_ids": "required"})
    members = StaticListMember.objects.filter(static_list=static_list, person_id__in=wanted)
    removed = sorted(members.values_list("person_id", flat=True))
    members.delete()
    if removed:
        record_event(
            workspace=static_list.workspace,
            actor=actor,
            verb="list.members_removed",
            subject=static_list,
            data={"person_ids": removed},
        )
    return len(removed)


@transaction.atomic
def do_snapshot_segment(
    *, actor: User | None, segment: Segment, name: str, description: str = ""
) -> StaticList:
    """Freeze a segment's current membership into a new static list."""
    tidy_name = clean_name(name, what="list")
    refuse_taken_name(StaticList.objects.filter(workspace=segment.workspace), tidy_name, None)
    static_list = StaticList.objects.create(
        workspace=segment.workspace,
        name=tidy_name,
        description=clean_description(description),
        owner=actor,
        source_segment=segment,
    )
    member_ids = SegmentMembership.objects.filter(segment=segment).values("person_id")
    total = insert_selected(
        StaticListMember,
        member_ids,
        {
            "static_list_id": static_list.pk,
            "added_at": clock.now(),
            "added_by_id": actor.pk if actor else None,
        },
    )
    record_event(
        workspace=segment.workspace,
        actor=actor,
        verb="list.snapshotted",
        subject=static_list,
        data={"segment_id": segment.pk, "count": total},
    )
    return static_list
