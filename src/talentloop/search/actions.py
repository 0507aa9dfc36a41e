"""Every write to saved segments: create, change, delete, and keeping their membership current.

Membership is evaluated workspace-wide (never through one viewer's eyes); reads narrow it to
what the viewer may see. A refresh diffs the stored membership against a fresh evaluation and
appends one `segment.entered` / `segment.left` Event per change (ids only, no PII).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet

from talentloop.accounts.models import User, Workspace
from talentloop.core import clock
from talentloop.core.errors import Conflict, ValidationFailed
from talentloop.core.events import record_event
from talentloop.people.models import Person
from talentloop.search.compiler import compile_node
from talentloop.search.domain import QueryError, parse
from talentloop.search.models import Segment, SegmentCount, SegmentMembership, StaticListMember

NAME_MAX = 100
DESCRIPTION_MAX = 2000
QUERY_MAX = 4000
# A count row at least this often even when nothing moved, so growth charts have no gaps.
COUNT_HEARTBEAT = timedelta(hours=1)
_BATCH = 2000


@dataclass(frozen=True)
class RefreshResult:
    entered: int
    left: int
    count: int


# --- validation -------------------------------------------------------------------------------


def clean_name(name: str, *, what: str = "segment") -> str:
    """A segment's or list's name with its spaces tidied; refused when empty or too long."""
    cleaned = " ".join(name.split())
    if not cleaned:
        raise ValidationFailed(f"a {what} needs a name", fields={"name": "required"})
    if len(cleaned) > NAME_MAX:
        raise ValidationFailed("the name is too long", fields={"name": f"at most {NAME_MAX}"})
    return cleaned


def clean_description(description: str) -> str:
    cleaned = description.strip()
    if len(cleaned) > DESCRIPTION_MAX:
        raise ValidationFailed(
            "the description is too long", fields={"description": f"at most {DESCRIPTION_MAX}"}
        )
    return cleaned


def check_query(workspace: Workspace, text: str, *, owner_id: int | None) -> Q:
    """The compiled condition for a query; an invalid one raises QueryError (400).

    A segment is evaluated for the whole workspace; `owner:me` means the segment's owner.
    """
    if len(text) > QUERY_MAX:
        raise QueryError(f"the query is longer than {QUERY_MAX} characters", position=QUERY_MAX)
    return compile_node(parse(text), workspace_id=workspace.pk, now=clock.now(), viewer_id=owner_id)


def refuse_taken_name(taken: QuerySet[Any], name: str, exclude_pk: int | None) -> None:
    """409 when another row of `taken` (one workspace's segments or lists) has this name."""
    taken = taken.filter(name=name)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise Conflict(f"the name {name!r} is already taken", fields={"name": "taken"})


# --- create, change, delete ----------------------------------------------------------------------


@transaction.atomic
def do_create_segment(
    *, actor: User | None, workspace: Workspace, name: str, query: str, description: str = ""
) -> Segment:
    """Save a dynamic segment and take its first membership as the baseline (no events)."""
    tidy_name = clean_name(name)
    condition = check_query(workspace, query, owner_id=actor.pk if actor else None)
    refuse_taken_name(Segment.objects.filter(workspace=workspace), tidy_name, None)
    segment = Segment.objects.create(
        workspace=workspace,
        name=tidy_name,
        description=clean_description(description),
        query=query.strip(),
        owner=actor,
    )
    record_event(workspace=workspace, actor=actor, verb="segment.created", subject=segment)
    _rebaseline(segment, condition)
    return segment


@transaction.atomic
def do_update_segment(
    *,
    actor: User | None,
    segment: Segment,
    name: str | None = None,
    description: str | None = None,
    query: str | None = None,
) -> Segment:
    """Change a segment; a new query re-baselines membership without entered/left events."""
    segment = Segment.objects.select_for_update().get(pk=segment.pk)
    changed: list[str] = []
    if name is not None and clean_name(name) != segment.name:
        segment.name = clean_name(name)
        refuse_taken_name(
            Segment.objects.filter(workspace=segment.workspace), segment.name, segment.pk
        )
        changed.append("name")
    if description is not None and clean_description(description) != segment.description:
        segment.description = clean_description(description)
        changed.append("description")
    condition = None
    if query is not None and query.strip() != segment.query:
        condition = check_query(segment.workspace, query, owner_id=segment.owner_id)
        segment.query = query.strip()
        changed.append("query")
    if not changed:
        return segment
    segment.save(update_fields=[*changed, "updated_at"])
    record_event(
        workspace=segment.workspace,
        actor=actor,
        verb="segment.updated",
        subject=segment,
        changed_fields=changed,
    )
    if condition is not None:
        _rebaseline(segment, condition)
    return segment


@transaction.atomic
def do_delete_segment(*, actor: User | None, segment: Segment) -> None:
    """Remove a segment, its membership and its history; lists snapshotted from it stay."""
    record_event(workspace=segment.workspace, actor=actor, verb="segment.deleted", subject=segment)
    segment.delete()


def _rebaseline(segment: Segment, condition: Q) -> None:
    """Replace the stored membership with the current evaluation, silently."""
    now = clock.now()
    SegmentMembership.objects.filter(segment=segment).delete()
    matching = _workspace_people(segment.workspace_id).filter(condition).values("pk")
    count = insert_selected(
        SegmentMembership, matching, {"segment_id": segment.pk, "entered_at": now}
    )
    _finish(segment, now=now, count=count, entered=0, left=0, full=True, force_history=True)


def insert_selected(
    model: type[SegmentMembership] | type[StaticListMember],
    person_ids: QuerySet[Any],
    constants: dict[str, int | datetime | None],
) -> int:
    """INSERT … SELECT: one row per person id the (one-column) ORM query selects, at once.

    `constants` fills the other columns (column name → value) alike for every row. Why raw
    SQL: a baseline of half a million people would otherwise travel through Python in batches.
    The SELECT is compiled by the ORM, so any user text in it stays a bound parameter; the
    column names come from this module, never from input.
    """
    select_sql, select_params = person_ids.query.sql_with_params()
    quote = connection.ops.quote_name
    columns = ", ".join(quote(name) for name in [*constants, "person_id"])
    placeholders = "".join("%s, " for _ in constants)
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({columns}) "  # noqa: S608
        f"SELECT {placeholders}chosen.* FROM ({select_sql}) AS chosen"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*constants.values(), *select_params])
        inserted: int = cursor.rowcount
    return max(inserted, 0)


# --- membership refresh --------------------------------------------------------------------------


def _workspace_people(workspace_id: int) -> QuerySet[Person]:
    return Person.objects.filter(workspace_id=workspace_id).order_by()


def refresh_segment(
    segment: Segment,
    *,
    person_ids: Collection[int] | None = None,
    stale_before: datetime | None = None,
) -> RefreshResult | None:
    """Re-evaluate a segment (for everyone, or only `person_ids`) and emit entered/left events.

    With `stale_before`, a segment evaluated since then (by another worker) is left alone and
    None is returned.
    """
    with transaction.atomic():
        # Why lock the row: the event consumer and the periodic sweep may refresh the same
        # segment at once; serialising them keeps each change to exactly one event.
        locked = Segment.objects.select_for_update().filter(pk=segment.pk).first()
        if locked is None:
            return None
        evaluated = locked.last_evaluated_at
        if stale_before is not None and evaluated is not None and evaluated > stale_before:
            return None
        try:
            condition = check_query(locked.workspace, locked.query, owner_id=locked.owner_id)
        except QueryError as error:
            _mark_broken(locked, error)
            return RefreshResult(0, 0, locked.last_count)
        return _apply_diff(locked, condition, person_ids)


def _apply_diff(
    segment: Segment, condition: Q, person_ids: Collection[int] | None
) -> RefreshResult:
    now = clock.now()
    if person_ids is None:
        entered, left = _full_diff(segment, condition)
    else:
        entered, left = _partial_diff(segment, condition, list(person_ids))
    _insert_members(segment, iter(entered), now)
    stored = SegmentMembership.objects.filter(segment=segment)
    for start in range(0, len(left), _BATCH):
        stored.filter(person_id__in=left[start : start + _BATCH]).delete()
    _emit(segment, "segment.entered", entered)
    _emit(segment, "segment.left", left)
    # Counting the stored rows walks the (segment, person) index only: cheap even when large.
    count = stored.count() if person_ids is None else segment.last_count + len(entered) - len(left)
    _finish(
        segment,
        now=now,
        count=max(count, 0),
        entered=len(entered),
        left=len(left),
        full=person_ids is None,
        force_history=False,
    )
    return RefreshResult(len(entered), len(left), max(count, 0))


def _full_diff(segment: Segment, condition: Q) -> tuple[list[int], list[int]]:
    """Who entered and who left, computed in the database: only the changes reach Python."""
    matching = _workspace_people(segment.workspace_id).filter(condition)
    member = SegmentMembership.objects.filter(segment=segment, person_id=OuterRef("pk"))
    entered = matching.filter(~Exists(member)).values_list("pk", flat=True)
    # NOT EXISTS rather than NOT IN: it stays an anti-join however many people match.
    still_matching = matching.filter(pk=OuterRef("person_id"))
    left = (
        SegmentMembership.objects.filter(segment=segment)
        .filter(~Exists(still_matching))
        .values_list("person_id", flat=True)
    )
    return sorted(entered), sorted(left)


def _partial_diff(
    segment: Segment, condition: Q, person_ids: list[int]
) -> tuple[list[int], list[int]]:
    people = _workspace_people(segment.workspace_id).filter(pk__in=person_ids)
    current = set(people.filter(condition).values_list("pk", flat=True))
    stored = SegmentMembership.objects.filter(segment=segment, person_id__in=person_ids)
    before = set(stored.values_list("person_id", flat=True))
    return sorted(current - before), sorted(before - current)


def _insert_members(segment: Segment, person_ids: Iterable[int], now: datetime) -> int:
    inserted = 0
    batch: list[SegmentMembership] = []
    for person_id in person_ids:
        batch.append(SegmentMembership(segment=segment, person_id=person_id, entered_at=now))
        if len(batch) >= _BATCH:
            inserted += len(SegmentMembership.objects.bulk_create(batch))
            batch = []
    if batch:
        inserted += len(SegmentMembership.objects.bulk_create(batch))
    return inserted


def _emit(segment: Segment, verb: str, person_ids: list[int]) -> None:
    for person_id in person_ids:
        record_event(
            workspace=segment.workspace,
            actor=None,
            verb=verb,
            subject=segment,
            data={"segment_id": segment.pk, "person_id": person_id},
        )


def _finish(
    segment: Segment,
    *,
    now: datetime,
    count: int,
    entered: int,
    left: int,
    full: bool,
    force_history: bool,
) -> None:
    previous = segment.last_count
    segment.last_count = count
    segment.last_error = ""
    fields = ["last_count", "last_error"]
    if full:
        segment.last_evaluated_at = now
        fields.append("last_evaluated_at")
    Segment.objects.filter(pk=segment.pk).update(
        **{name: getattr(segment, name) for name in fields}
    )
    moved = entered or left or count != previous
    if force_history or moved or (full and _history_is_stale(segment, now)):
        SegmentCount.objects.create(
            segment=segment, counted_at=now, count=count, entered=entered, left=left, full=full
        )


def _history_is_stale(segment: Segment, now: datetime) -> bool:
    latest = SegmentCount.objects.filter(segment=segment).order_by("-counted_at").first()
    return latest is None or latest.counted_at <= now - COUNT_HEARTBEAT


def _mark_broken(segment: Segment, error: QueryError) -> None:
    # The stored membership stays as it was: better stale than emptied by a query gone bad.
    message = error.message[:300]
    if segment.last_error != message:
        Segment.objects.filter(pk=segment.pk).update(last_error=message)


# --- fan-out ---------------------------------------------------------------------------------


def refresh_people(workspace_id: int, person_ids: Collection[int]) -> int:
    """Refresh every segment of a workspace for just these people; returns changes made."""
    if not person_ids:
        return 0
    changes = 0
    for segment in Segment.objects.filter(workspace_id=workspace_id).order_by("pk"):
        result = refresh_segment(segment, person_ids=person_ids)
        if result is not None:
            changes += result.entered + result.left
    return changes


def refresh_due_segments(*, now: datetime, every: timedelta) -> int:
    """Fully re-evaluate every segment not evaluated within `every`; returns how many ran."""
    cutoff = now - every
    due = Segment.objects.filter(
        Q(last_evaluated_at__isnull=True) | Q(last_evaluated_at__lte=cutoff)
    ).order_by("last_evaluated_at", "pk")
    refreshed = 0
    for segment in list(due):
        if refresh_segment(segment, stale_before=cutoff) is not None:
            refreshed += 1
    return refreshed
