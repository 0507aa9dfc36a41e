"""From an Event to the trigger facts it carries, and where the run it starts comes from."""

from __future__ import annotations

import re
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


def _tag_keys(event: Event) -> frozenset[str]:
    ids = event.data.get("tag_ids") if isinstance(event.data, dict) else None
    if not isinstance(ids, list):
        return frozenset()
    names = Tag.objects.filter(workspace_id=event.workspace_id, pk__in=ids).values_list(
        "name", flat=True
    )
    return frozenset(tag_key(name) for name in names)


def facts_for(event: Event) -> list[TriggerFact]:
    """One fact per trigger kind the event can fire; none when its person is gone."""
    kinds = kinds_for_verb(event.verb)
    subject = _subject(event) if kinds else None
    if subject is None:
        return []
    person_id, subject_type, subject_id, mailbox_id = subject
    if not Person.objects.filter(workspace_id=event.workspace_id, pk=person_id).exists():
        return []
    data = event.data if isinstance(event.data, dict) else {}
    tags = _tag_keys(event) if event.verb in ("person.tagged", "person.untagged") else frozenset()
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
        for kind in kinds
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
