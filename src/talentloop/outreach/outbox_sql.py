"""The outbox's hot paths in plain SQL: campaign inserts and per-message delivery outcomes.

Why not the ORM here: building a model instance per message costs more than rendering it, and
each delivered message writes three rows; a 100,000-message campaign spends most of its time
in that overhead. The statements are the ones the ORM would issue, on the same tables.
`ON CONFLICT DO NOTHING` (SQLite and PostgreSQL) leaves rows whose idempotency key exists
untouched, so a re-run queues nobody twice.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from email.utils import make_msgid
from typing import TYPE_CHECKING, Any

from django.db import connection

from talentloop.core.models import Event
from talentloop.outreach import domain
from talentloop.outreach.models import DeliveryEvent, Message

if TYPE_CHECKING:
    from talentloop.outreach.actions import Draft
    from talentloop.outreach.models import Campaign

COLUMNS = (
    "workspace_id",
    "created_at",
    "updated_at",
    "mailbox_id",
    "person_id",
    "template_id",
    "campaign_id",
    "idempotency_key",
    "message_id",
    "in_reply_to",
    "references",
    "topic",
    "from_address",
    "to_address",
    "subject",
    "html",
    "text",
    "unsubscribe_url",
    "state",
    "reason",
    "attempts",
    "next_attempt_at",
    "claimed_by",
)


def _statement() -> str:
    quote = connection.ops.quote_name
    columns = ", ".join(quote(name) for name in COLUMNS)
    marks = ", ".join(["%s"] * len(COLUMNS))
    table = quote(Message._meta.db_table)
    # Names come from the models, values travel as parameters.
    return f"INSERT INTO {table} ({columns}) VALUES ({marks}) ON CONFLICT DO NOTHING"  # noqa: S608


def insert_drafts(campaign: Campaign, drafts: Sequence[Draft], *, now: datetime) -> None:
    """Insert one outbox row per draft: queued, or refused with its reason."""
    stamp: Any = connection.ops.adapt_datetimefield_value(now)
    mailbox = campaign.mailbox
    host = mailbox.from_address.rpartition("@")[2] or "talentloop.local"
    rows = [
        (
            campaign.workspace_id,
            stamp,
            stamp,
            mailbox.pk,
            draft.person_id,
            campaign.template_id,
            campaign.pk,
            draft.idempotency_key,
            make_msgid(domain=host),
            "",
            "",
            campaign.topic,
            mailbox.from_address,
            draft.to_address,
            draft.rendered.subject,
            draft.rendered.html,
            draft.rendered.text,
            draft.unsubscribe_url,
            domain.MessageState.REFUSED.value
            if draft.refusal
            else domain.MessageState.QUEUED.value,
            draft.refusal.reason if draft.refusal else "",
            0,
            stamp,
            "",
        )
        for draft in drafts
    ]
    with connection.cursor() as cursor:
        cursor.executemany(_statement(), rows)


def _json(value: object) -> str:
    return json.dumps(value, separators=(",", ":"))


def _json_mark() -> str:
    return "CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s"


def still_ours(ids: Iterable[int], token: str) -> set[int]:
    """Which of these claimed rows this claim still holds (not cancelled since)."""
    return set(
        Message.objects.filter(pk__in=list(ids), claimed_by=token, state="sending").values_list(
            "pk", flat=True
        )
    )


def _update_sql() -> str:
    table = connection.ops.quote_name(Message._meta.db_table)
    return (
        f"UPDATE {table} SET state = %s, reason = %s, attempts = attempts + %s,"  # noqa: S608
        " sent_at = %s, claimed_by = '', claimed_until = NULL, updated_at = %s"
        " WHERE id = %s AND claimed_by = %s"
    )


def _delivery_event_sql() -> str:
    table = connection.ops.quote_name(DeliveryEvent._meta.db_table)
    return (
        f"INSERT INTO {table} (workspace_id, created_at, updated_at, message_id, kind,"  # noqa: S608
        " detail, occurred_at) VALUES (%s, %s, %s, %s, %s, %s, %s)"
    )


def _event_sql() -> str:
    table = connection.ops.quote_name(Event._meta.db_table)
    json_value = _json_mark()
    return (
        f"INSERT INTO {table} (workspace_id, actor_id, verb, subject_type, subject_id,"  # noqa: S608
        " changed_fields, data, request_id, occurred_at)"
        f" VALUES (%s, NULL, %s, 'message', %s, {json_value}, {json_value}, '', %s)"
    )


def finish(message: Message, token: str, *, state: str, reason: str, now: datetime) -> bool:
    """Record a final outcome with its delivery event and audit event; the caller holds the
    transaction. False when the claim was lost (nothing written)."""
    stamp: Any = connection.ops.adapt_datetimefield_value(now)
    attempts = 0 if state == "refused" else 1
    sent_at = stamp if state == "sent" else None
    with connection.cursor() as cursor:
        cursor.execute(_update_sql(), [state, reason, attempts, sent_at, stamp, message.pk, token])
        if cursor.rowcount != 1:
            return False
        cursor.execute(
            _delivery_event_sql(),
            [message.workspace_id, stamp, stamp, message.pk, state, reason, stamp],
        )
        # Why not record_event: building a model instance per message costs more than the
        # insert. The Event is still written in the transaction of the state change, and the
        # delivery pass announces its batch's events (core.events.announce_written_events).
        data: dict[str, object] = {"mailbox_id": message.mailbox_id}
        if message.campaign_id:
            data["campaign_id"] = message.campaign_id
        cursor.execute(
            _event_sql(),
            [message.workspace_id, f"message.{state}", message.pk, "[]", _json(data), stamp],
        )
    return True
