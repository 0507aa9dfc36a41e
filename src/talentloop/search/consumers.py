"""The Event consumer that keeps the search index and segment membership current.

The dispatcher hands each committed Event to `on_event` inside its own transaction. The
consumer only collects which people changed; once the dispatcher commits, one task per
workspace reindexes them and refreshes every segment for just them. Why not refresh right
here: a slow or failing refresh must never hold up or roll back the delivery of events to
every other consumer.
"""

from __future__ import annotations

import threading
from collections import defaultdict

from django.db import transaction

from talentloop.core.events import register_consumer
from talentloop.core.models import DueItem, Event
from talentloop.core.scheduling import register_handler

SWEEP_KIND = "search.refresh_segments"

# Changes to these records can move people in or out of segments whose queries name them
# ("tag:…", "source:…", "job:…"), without an event naming each person: re-evaluate fully.
CATALOG_PREFIXES = (
    "tag.",
    "source.",
    "company.",
    "custom_field.",
    "job.",
    "pool.",
    "pipeline.",
    "rejection_reason.",
)
# Our own output, which says nothing new about the people themselves.
IGNORED_PREFIXES = ("segment.", "list.")
IDS_PER_TASK = 1000

_pending = threading.local()


def people_of(event: Event) -> set[int]:
    """The people an event is about: its subject, or the ids its data names."""
    ids: set[int] = set()
    if event.subject_type == "person":
        ids.add(event.subject_id)
    data = event.data if isinstance(event.data, dict) else {}
    person_id = data.get("person_id")
    if isinstance(person_id, int) and not isinstance(person_id, bool):
        ids.add(person_id)
    many = data.get("person_ids")
    if isinstance(many, list):
        ids.update(item for item in many if isinstance(item, int) and not isinstance(item, bool))
    return ids


def on_event(event: Event) -> None:
    """Note what this event changed; the work is queued once the dispatcher commits."""
    verb = event.verb
    if verb == "segment.created":
        _buffer().sweep = True
    elif verb.startswith(IGNORED_PREFIXES):
        return
    elif verb.startswith(CATALOG_PREFIXES) and not verb.endswith(".created"):
        _buffer().workspaces.add(event.workspace_id)
    else:
        ids = people_of(event)
        if not ids:
            return
        _buffer().people[event.workspace_id].update(ids)
    _flush_on_commit()


class _Buffer:
    def __init__(self) -> None:
        self.people: defaultdict[int, set[int]] = defaultdict(set)
        self.workspaces: set[int] = set()
        self.sweep = False


def _buffer() -> _Buffer:
    buffer = getattr(_pending, "buffer", None)
    if buffer is None:
        buffer = _pending.buffer = _Buffer()
    return buffer


def _flush_on_commit() -> None:
    # Why the check: one dispatch batch carries up to hundreds of events; one flush after its
    # commit queues them all. A rolled-back batch drops the callback, and its ids wait in the
    # buffer for the next commit (refreshing people again is harmless).
    connection = transaction.get_connection()
    if any(entry[1] is _flush for entry in connection.run_on_commit):
        return
    transaction.on_commit(_flush)


def _flush() -> None:
    from talentloop.search import tasks

    buffer = _buffer()
    _pending.buffer = None
    for workspace_id in sorted(buffer.workspaces):
        tasks.refresh_workspace_segments.enqueue(workspace_id)
    for workspace_id, ids in sorted(buffer.people.items()):
        ordered = sorted(ids)
        for start in range(0, len(ordered), IDS_PER_TASK):
            tasks.refresh_changed_people.enqueue(
                workspace_id, ordered[start : start + IDS_PER_TASK]
            )
    tasks.ensure_sweep_scheduled()


def _run_sweep(item: DueItem) -> None:
    from talentloop.search import tasks

    tasks.run_sweep(item)


def register() -> None:
    """Subscribe to events and to the periodic sweep's due items (called from AppConfig)."""
    register_consumer(on_event)
    register_handler(SWEEP_KIND, _run_sweep)
