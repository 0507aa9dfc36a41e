"""Inbound mail: poll each mailbox's IMAP folder for replies, auto-replies and bounces.

A poll reads the messages past the mailbox's cursor (UID, per UIDVALIDITY) and handles each:

- a delivery status notification (multipart/report) → a bounce on the message it names;
  hard → the address is suppressed and the person's sequences stop; soft → recorded only;
- a reply whose In-Reply-To/References name one of our Message-IDs (sent from any mailbox of
  the workspace) → an email activity with the reply's text on the timeline, and the
  person's sequences stop; an automatic reply (out of office) pauses the sequence instead.

The poll runs as a due item, inside one transaction with the cursor update, so a crash
re-reads the same messages; handling is idempotent per inbound Message-ID.
"""

from __future__ import annotations

import imaplib
import logging
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage

from django.db import transaction
from django.db.models import Q, QuerySet
from imap_tools import AND, BaseMailBox, MailBox, MailBoxUnencrypted, U
from imap_tools.errors import ImapToolsError

from talentloop.core import clock, scheduling
from talentloop.core.errors import Conflict
from talentloop.core.events import record_event
from talentloop.core.models import DueItem
from talentloop.outreach import mail_parsing
from talentloop.outreach.actions import suppress
from talentloop.outreach.enrollment_actions import (
    add_history,
    pause_enrollment,
    stop_live_enrollments,
)
from talentloop.outreach.mailbox_actions import imap_password
from talentloop.outreach.models import DeliveryEvent, Mailbox, Message
from talentloop.outreach.sequence_engine import people_with_address
from talentloop.outreach.sequence_models import Enrollment, MailboxCursor
from talentloop.outreach.sequence_rules import LIVE_STATES, HistoryKind, StopReason
from talentloop.people.actions import do_log_activity
from talentloop.people.domain import ActivityKind
from talentloop.people.models import Person

logger = logging.getLogger(__name__)

POLL_KIND = "outreach.imap_poll"
FETCH_LIMIT = 200  # per poll; the next poll carries on from the cursor
IMAP_TIMEOUT_S = 30


@dataclass
class PollResult:
    replies: int = 0
    auto_replies: int = 0
    bounces: int = 0
    ignored: int = 0


def has_imap(mailbox: Mailbox) -> bool:
    return bool(mailbox.active and mailbox.imap_host and mailbox.imap_username)


def open_imap(mailbox: Mailbox) -> BaseMailBox:
    box_class = MailBox if mailbox.imap_ssl else MailBoxUnencrypted
    box = box_class(mailbox.imap_host, mailbox.imap_port, timeout=IMAP_TIMEOUT_S)
    return box.login(
        mailbox.imap_username, imap_password(mailbox), initial_folder=mailbox.imap_folder or "INBOX"
    )


def poll_mailbox(mailbox: Mailbox) -> PollResult:
    """Read what arrived since the last poll and act on it; the cursor moves with it."""
    result = PollResult()
    cursor, _ = MailboxCursor.objects.select_for_update().get_or_create(mailbox=mailbox)
    with open_imap(mailbox) as box:
        validity = str(box.folder.status(mailbox.imap_folder or "INBOX").get("UIDVALIDITY", ""))
        if validity != cursor.uid_validity:
            # A recreated folder renumbers its UIDs: read it again from the start; handling
            # is idempotent per Message-ID, so nothing is counted twice.
            cursor.uid_validity, cursor.last_uid = validity, 0
        criteria = AND(uid=U(str(cursor.last_uid + 1), "*"))
        for fetched in box.fetch(criteria, mark_seen=False, limit=FETCH_LIMIT, bulk=True):
            uid = int(fetched.uid or 0)
            if uid <= cursor.last_uid:
                continue  # "N:*" always returns the newest message, even an old one
            handle_inbound(mailbox, mail_parsing.parse_bytes(fetched.obj.as_bytes()), result)
            cursor.last_uid = uid
    cursor.polled_at, cursor.last_error = clock.now(), ""
    cursor.save()
    return result


def handle_inbound(mailbox: Mailbox, message: EmailMessage, result: PollResult) -> None:
    """Act on one inbound email: a bounce, an automatic reply, a reply, or nothing of ours."""
    bounces = mail_parsing.parse_dsn(message)
    if bounces:
        for bounce in bounces:
            _handle_bounce(mailbox, bounce)
        result.bounces += len(bounces)
        return
    inbound_id = next(iter(mail_parsing.message_ids(message.get("Message-ID"))), "")
    ours = _answered_message(mailbox.workspace_id, message)
    if ours is None or ours.person_id is None or _seen(ours, inbound_id):
        result.ignored += 1
        return
    if mail_parsing.is_auto_reply(message):
        _handle_auto_reply(ours, inbound_id)
        result.auto_replies += 1
    else:
        _handle_reply(ours, message, inbound_id)
        result.replies += 1


def _answered_message(workspace_id: int, message: EmailMessage) -> Message | None:
    ids = mail_parsing.referenced_ids(message)
    if not ids:
        return None
    wanted = [f"<{found}>" for found in ids] + ids
    candidates = {
        row.message_id.strip("<>"): row
        for row in Message.objects.filter(workspace_id=workspace_id, message_id__in=wanted)
    }
    # In-Reply-To first, then the newest reference: the message most directly answered.
    return next((candidates[found] for found in ids if found in candidates), None)


def _seen(ours: Message, inbound_id: str) -> bool:
    if not inbound_id:
        return False
    return DeliveryEvent.objects.filter(
        message=ours, kind="reply", detail__startswith=f"<{inbound_id}>"
    ).exists()


def _handle_reply(ours: Message, message: EmailMessage, inbound_id: str) -> None:
    now = clock.now()
    person = Person.objects.get(pk=ours.person_id or 0)
    subject = str(message.get("Subject", "") or "")
    do_log_activity(
        actor=None,
        person=person,
        kind=ActivityKind.EMAIL,
        subject=subject[:200] or f"Reply to {ours.subject}"[:200],
        body=mail_parsing.reply_text(message),
        direction="in",
        occurred_at=now,
        data={"message_id": ours.pk, "mailbox_id": ours.mailbox_id},
    )
    DeliveryEvent.objects.create(
        workspace_id=ours.workspace_id,
        message=ours,
        kind="reply",
        detail=f"<{inbound_id}> reply",
        occurred_at=now,
    )
    record_event(
        workspace=person.workspace,
        actor=None,
        verb="reply.received",
        subject=ours,
        data={"person_id": person.pk, "mailbox_id": ours.mailbox_id},
    )
    for enrollment in _live_enrollments(person.pk):
        add_history(enrollment, HistoryKind.REPLY, now=now, message=ours, detail="replied")
    stop_live_enrollments(
        workspace_id=ours.workspace_id, person_ids=[person.pk], reason=StopReason.REPLIED
    )


def _handle_auto_reply(ours: Message, inbound_id: str) -> None:
    now = clock.now()
    DeliveryEvent.objects.create(
        workspace_id=ours.workspace_id,
        message=ours,
        kind="reply",
        detail=f"<{inbound_id}> automatic reply",
        occurred_at=now,
    )
    for enrollment in _live_enrollments(ours.person_id or 0).filter(state="active"):
        add_history(enrollment, HistoryKind.AUTO_REPLY, now=now, message=ours,
                    detail="automatic reply (out of office)")  # fmt: skip
        try:
            pause_enrollment(actor=None, enrollment=enrollment, detail="automatic reply")
        except Conflict:
            continue  # paused or stopped meanwhile


def _live_enrollments(person_id: int) -> QuerySet[Enrollment]:
    return Enrollment.objects.filter(person_id=person_id, state__in=LIVE_STATES)


def _handle_bounce(mailbox: Mailbox, bounce: mail_parsing.Bounce) -> None:
    now = clock.now()
    ours = _bounced_message(mailbox.workspace_id, bounce)
    address = bounce.recipient or (ours.to_address if ours else "")
    detail = f"{bounce.kind} {bounce.status} {bounce.diagnostic}".strip()[:500]
    if ours is not None:
        if DeliveryEvent.objects.filter(message=ours, kind="bounce", detail=detail).exists():
            return  # read again after a crash or a UIDVALIDITY change
        DeliveryEvent.objects.create(
            workspace_id=ours.workspace_id, message=ours, kind="bounce", detail=detail,
            occurred_at=now,
        )  # fmt: skip
        record_event(
            workspace=mailbox.workspace,
            actor=None,
            verb="bounce.received",
            subject=ours,
            data={"kind": bounce.kind.value, "status": bounce.status},
        )
    if bounce.kind is mail_parsing.BounceKind.HARD and address:
        suppress(mailbox.workspace, address, "hard_bounce", note=f"bounce {bounce.status}")
        stop_live_enrollments(
            workspace_id=mailbox.workspace_id,
            person_ids=people_with_address(mailbox.workspace_id, address),
            reason=StopReason.BOUNCED,
            detail=bounce.status,
        )


def _bounced_message(workspace_id: int, bounce: mail_parsing.Bounce) -> Message | None:
    if bounce.original_message_id:
        wanted = [f"<{bounce.original_message_id}>", bounce.original_message_id]
        found = Message.objects.filter(workspace_id=workspace_id, message_id__in=wanted).first()
        if found is not None:
            return found
    if not bounce.recipient:
        return None
    return (
        Message.objects.filter(
            Q(workspace_id=workspace_id, to_address=bounce.recipient) & Q(state="sent")
        )
        .order_by("-sent_at")
        .first()
    )


# Scheduling -----------------------------------------------------------------------------


def run_poll(item: DueItem) -> None:
    """Due-item handler: poll one mailbox."""
    mailbox = Mailbox.objects.select_related("workspace").filter(pk=item.payload["mailbox_id"])
    found = mailbox.first()
    if found is None or not has_imap(found):
        return
    try:
        with transaction.atomic():
            result = poll_mailbox(found)
    except (OSError, imaplib.IMAP4.error, ImapToolsError) as error:
        # Why not raise: the next minute's poll retries anyway; the problem is kept on the
        # mailbox's cursor (shown to admins) instead of piling up failed due items.
        logger.warning("mailbox %s: IMAP poll failed: %s", found.pk, error)
        MailboxCursor.objects.update_or_create(
            mailbox=found, defaults={"last_error": f"{type(error).__name__}: {error}"[:500]}
        )
        return
    logger.info("mailbox %s polled: %s", found.pk, result)


def schedule_polls(now: datetime, every_s: int) -> int:
    """One poll per IMAP mailbox per interval, however many workers ask (keyed by slot)."""
    slot = int(now.timestamp()) // every_s
    scheduled = 0
    for mailbox in Mailbox.objects.filter(active=True).exclude(imap_host=""):
        if not has_imap(mailbox):
            continue
        scheduling.schedule(
            POLL_KIND,
            due_at=now,
            key=f"{POLL_KIND}:{mailbox.pk}:{slot}",
            payload={"mailbox_id": mailbox.pk},
            workspace=mailbox.workspace,
            max_attempts=1,  # the next slot polls again anyway
        )
        scheduled += 1
    return scheduled
