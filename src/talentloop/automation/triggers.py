"""From an Event to the trigger facts it carries, and where the run it starts comes from."""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from typing import Any

from talentloop.automation.domain import TriggerFact, TriggerKind, tag_key
from talentloop.automation.models import Run
from talentloop.core.models import Event
from talentloop.outreach.models import Message
from talentloop.people.models import Person, Tag

VERB_KINDS: dict[str, tuple[TriggerKind, ...]] = {
    "person.created": (TriggerKind.PERSON_CREATED,),
    "person.updated": (TriggerKind.FIELD_CHANGED,),
    "person.tagged": (TriggerKind.TAG_ADDED,),
    "person.untagged": (TriggerKind.TAG_REMOVED,),
    "candidacy.created": (TriggerKind.CANDIDACY_CREATED,),
    "candidacy.stage_changed": (TriggerKind.STAGE_CHANGED,),
    "candidacy.rejected": (TriggerKind.REJECTED,),
    # A hire moves the candidacy to the hired stage: stage_changed triggers see it too.
    "candidacy.hired": (TriggerKind.HIRED, TriggerKind.STAGE_CHANGED),
    "reply.received": (TriggerKind.REPLY_RECEIVED,),
    "bounce.received": (TriggerKind.BOUNCE,),
    "consent.recorded": (TriggerKind.CONSENT_GIVEN,),
    "consent.withdrawn": (TriggerKind.CONSENT_WITHDRAWN,),
    "segment.entered": (TriggerKind.SEGMENT_ENTERED,),
    "segment.left": (TriggerKind.SEGMENT_LEFT,),
    "offer.accepted": (TriggerKind.OFFER_ACCEPTED,),
    "form.submitted": (TriggerKind.FORM_SUBMITTED,),
}
TAG_VERBS = frozenset({"person.tagged", "person.untagged"})
# Work done by a run carries this request id on its Events (see engine.acting_for).
RUN_REQUEST_ID = re.compile(r"^automation-run-(\d{1,19})$")


def kinds_for_verb(verb: str) -> tuple[TriggerKind, ...]:
    return VERB_KINDS.get(verb, ())


def verbs_for(kind: TriggerKind) -> list[str]:
    """The event verbs that can fire a trigger kind (none for time-based triggers)."""
    return sorted(verb for verb, kinds in VERB_KINDS.items() if kind in kinds)


def _int(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return int(value)


def _subject(event: Event) -> tuple[int, str, int, int | None] | None:
    """(person id, subject type, subject id, mailbox id) of the event, or None."""
    data = event.data if isinstance(event.data, dict) else {}
    if event.subject_type == "person":
        return event.subject_id, "person", event.subject_id, None
    if event.verb == "bounce.received":
        row = Message.objects.filter(pk=event.subject_id).values_list("person_id", "mailbox_id")
        found = row.first()
        if found is None or found[0] is None:
            return None
        return found[0], "person", found[0], found[1]
    person_id = _int(data.get("person_id"))
    if person_id is None:
        return None
    if event.subject_type == "candidacy":
        return person_id, "candidacy", event.subject_id, None
    candidacy_id = _int(data.get("candidacy_id"))
    if event.subject_type in ("offer", "interview") and candidacy_id is not None:
        return person_id, "candidacy", candidacy_id, None
    return person_id, "person", person_id, _int(data.get("mailbox_id"))


def _tag_ids(event: Event) -> list[int]:
    if event.verb not in TAG_VERBS or not isinstance(event.data, dict):
        return []
    ids = event.data.get("tag_ids")
    if not isinstance(ids, list):
        return []
    return [tag_id for tag_id in ids if _int(tag_id) is not None]


def _tag_keys(event: Event) -> frozenset[str]:
    names = Tag.objects.filter(workspace_id=event.workspace_id, pk__in=_tag_ids(event))
    return frozenset(tag_key(name) for name in names.values_list("name", flat=True))


def facts_for(event: Event) -> list[TriggerFact]:
    """One fact per trigger kind the event can fire; none when its person is gone."""
    subject = _subject(event) if kinds_for_verb(event.verb) else None
    if subject is None:
        return []
    if not Person.objects.filter(workspace_id=event.workspace_id, pk=subject[0]).exists():
        return []
    tags = _tag_keys(event) if _tag_ids(event) else frozenset()
    return _facts(event, subject, tags)


def facts_by_event(events: Sequence[Event]) -> dict[int, list[TriggerFact]]:
    """`facts_for` of many events, with one query for their tags; whether each fact's person
    still exists is left to `people_present`, asked only about the facts that matched."""
    subjects = {event.pk: _subject(event) for event in events if kinds_for_verb(event.verb)}
    tag_ids = {tag_id for event in events for tag_id in _tag_ids(event)}
    tags = {
        pk: (workspace_id, tag_key(name))
        for pk, workspace_id, name in Tag.objects.filter(pk__in=tag_ids).values_list(
            "pk", "workspace_id", "name"
        )
    }
    facts: dict[int, list[TriggerFact]] = {}
    for event in events:
        subject = subjects.get(event.pk)
        if subject is None:
            continue
        keys = frozenset(
            tags[tag_id][1]
            for tag_id in _tag_ids(event)
            if tag_id in tags and tags[tag_id][0] == event.workspace_id
        )
        facts[event.pk] = _facts(event, subject, keys)
    return facts


def people_present(pairs: Collection[tuple[int, int]]) -> set[tuple[int, int]]:
    """Which (workspace id, person id) pairs name a person that still exists."""
    person_ids = {person_id for _, person_id in pairs}
    found = Person.objects.filter(pk__in=person_ids).values_list("workspace_id", "pk")
    return {pair for pair in found.iterator() if pair in pairs}


def _facts(
    event: Event, subject: tuple[int, str, int, int | None], tags: frozenset[str]
) -> list[TriggerFact]:
    person_id, subject_type, subject_id, mailbox_id = subject
    data = event.data if isinstance(event.data, dict) else {}
    return [
        TriggerFact(
            kind=kind,
            person_id=person_id,
            subject_type=subject_type,
            subject_id=subject_id,
            changed_fields=frozenset(str(name) for name in event.changed_fields or ()),
            tag_keys=tags,
            job_id=_int(data.get("job_id")),
            pool_id=_int(data.get("pool_id")),
            stage_id=_int(data.get("stage_id")),
            from_stage_id=_int(data.get("from_stage_id")),
            reason_id=_int(data.get("reason_id")),
            mailbox_id=mailbox_id,
            segment_id=_int(data.get("segment_id")),
            form_id=_int(data.get("form_id")),
        )
        for kind in kinds_for_verb(event.verb)
    ]


def depth_of(event: Event) -> int:
    """How many automation runs deep the event is: 0 for a person's own action.

    Why look the run up instead of trusting a number: the request id comes from a header
    anyone may send; only a run of the same workspace counts as the cause.
    """
    match = RUN_REQUEST_ID.match(event.request_id or "")
    if match is None:
        return 0
    parent = Run.objects.filter(pk=int(match.group(1)), workspace_id=event.workspace_id)
    depth = parent.values_list("depth", flat=True).first()
    return 0 if depth is None else depth + 1


def depths_by_event(events: Sequence[Event]) -> dict[int, int]:
    """`depth_of` of many events, with one query for the runs they name."""
    parents = {
        event.pk: int(match.group(1))
        for event in events
        if (match := RUN_REQUEST_ID.match(event.request_id or "")) is not None
    }
    runs = {
        pk: (workspace_id, depth)
        for pk, workspace_id, depth in Run.objects.filter(pk__in=set(parents.values()))
        .values_list("pk", "workspace_id", "depth")
        .iterator()
    }
    depths: dict[int, int] = {}
    for event in events:
        found = runs.get(parents.get(event.pk, 0))
        matches = found is not None and found[0] == event.workspace_id
        depths[event.pk] = found[1] + 1 if found is not None and matches else 0
    return depths
