"""The Event consumer that checks created and changed people for duplicates.

Same shape as search's consumer: the dispatcher hands each committed Event over inside its
own transaction; this only notes which people changed, and once that commits one task per
workspace refreshes their blocking keys and records possible duplicates. A slow check must
never hold up or roll back the delivery of events to other consumers.
"""

from __future__ import annotations

import threading
from collections import defaultdict

from django.db import transaction

from talentloop.core.events import register_consumer
from talentloop.core.models import Event

# Everything that creates a person or changes what matching reads: names, company, title,
# place, contact points and external ids. Imports and the API go through the same actions.
CHECKED_VERBS = frozenset(
    {
        "person.created",
        "person.updated",
        "person.contact_added",
        "person.contact_updated",
        "person.contact_removed",
        "person.merged",
        "person.unmerged",
    }
)
IDS_PER_TASK = 500

_pending = threading.local()


def on_event(event: Event) -> None:
    """Note the person this event is about; the check is queued once the dispatcher commits."""
    if event.verb not in CHECKED_VERBS or event.subject_type != "person":
        return
    people = getattr(_pending, "people", None)
    if people is None:
        people = _pending.people = defaultdict(set)
    people[event.workspace_id].add(event.subject_id)
    connection = transaction.get_connection()
    if not any(entry[1] is flush_pending for entry in connection.run_on_commit):
        transaction.on_commit(flush_pending)


def flush_pending() -> None:
    """Queue one check task per workspace for the people noted since the last flush."""
    from talentloop.hygiene import tasks

    people = getattr(_pending, "people", None) or {}
    _pending.people = None
    for workspace_id, ids in sorted(people.items()):
        ordered = sorted(ids)
        for start in range(0, len(ordered), IDS_PER_TASK):
            tasks.check_people.enqueue(workspace_id, ordered[start : start + IDS_PER_TASK])


def register() -> None:
    register_consumer(on_event)
