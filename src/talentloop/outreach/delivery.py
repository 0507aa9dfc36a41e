"""The delivery worker: claim due outbox rows per mailbox, send them, record the outcome.

Guarantees, and how:
- Never twice for one row under normal operation: a row is claimed with a conditional
  UPDATE (state and due time re-checked, a fresh claim token written); only the holder of
  the token sends it and marks it sent.
- Never lost: a claim is a lease. `next_attempt_at` is pushed to the lease's end, so a
  worker killed mid-batch leaves rows that fall due again and are claimed by the next one.
  The only duplicate a crash can cause is the message SMTP accepted just before the kill,
  before "sent" was written: at most one per sending connection per kill.
- Never to a suppressed address: contactability is checked again for the whole batch after
  the claim, and right before each hand-over the row must still be ours (suppress() cancels
  claimed rows too).
"""

from __future__ import annotations

import logging
import smtplib
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import formataddr

from anymail.exceptions import AnymailError, AnymailRecipientsRefused
from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection as db_connection
from django.db import transaction
from django.db.models import F, Q
from django.utils.crypto import get_random_string

from talentloop.core import clock
from talentloop.core.errors import AppError
from talentloop.core.events import announce_written_events
from talentloop.outreach import domain, outbox_sql, queries, tracking
from talentloop.outreach.mailbox_actions import smtp_password
from talentloop.outreach.mime import OutboxEmail
from talentloop.outreach.models import DeliveryEvent, Mailbox, Message

logger = logging.getLogger(__name__)
# Why re-check claims in groups: suppress() cancels claimed rows; looking again every few
# messages (milliseconds apart) keeps a cancelled message from going out without a query
# per message.
RECHECK_EVERY = 10
DRAIN_SECONDS = 2.0


@dataclass
class DeliveryStats:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    refused: int = 0

    @property
    def handled(self) -> int:
        return self.sent + self.retried + self.failed + self.refused


def deliver_due(
    *,
    worker_id: str = "worker",
    now: datetime | None = None,
    batch: int | None = None,
    concurrency: int | None = None,
) -> DeliveryStats:
    """One pass over every active mailbox: claim a batch each and send it.

    With `concurrency` > 1 that many threads each claim and send their own batches over their
    own SMTP connection, so waiting on one server round trip overlaps the others' work.
    """
    mailboxes = list(Mailbox.objects.filter(active=True).order_by("id"))
    threads = concurrency or settings.OUTREACH_SEND_CONCURRENCY
    if threads <= 1:
        return _one_pass(mailboxes, worker_id, now, batch)
    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="outreach-send") as pool:
        passes = [
            pool.submit(_threaded_pass, mailboxes, f"{worker_id}/{index}", now, batch)
            for index in range(threads)
        ]
        results = [future.result() for future in passes]
    return DeliveryStats(*(sum(getattr(result, name) for result in results) for name in _COUNTS))


_COUNTS = ("sent", "retried", "failed", "refused")


def _threaded_pass(
    mailboxes: list[Mailbox], worker_id: str, now: datetime | None, batch: int | None
) -> DeliveryStats:
    try:
        return _one_pass(mailboxes, worker_id, now, batch)
    finally:
        db_connection.close()  # each thread has its own database connection


def _one_pass(
    mailboxes: list[Mailbox], worker_id: str, now: datetime | None, batch: int | None
) -> DeliveryStats:
    stats = DeliveryStats()
    for mailbox in mailboxes:
        _drain(mailbox, worker_id, now, batch, stats)
    return stats


def _drain(
    mailbox: Mailbox, worker_id: str, now: datetime | None, batch: int | None, stats: DeliveryStats
) -> None:
    """Claim and send batches of one mailbox over one connection until none is due.

    Why a time budget: the same loop runs tasks and due items; a long backlog gives way
    after DRAIN_SECONDS and the next pass goes on with it.
    """
    deadline = time.monotonic() + DRAIN_SECONDS
    connection: BaseEmailBackend | None = None
    try:
        while True:
            rows, token = claim(mailbox, worker_id=worker_id, now=now or clock.now(), batch=batch)
            if not rows:
                return
            connection = _send_batch(mailbox, rows, token, stats, connection)
            if time.monotonic() >= deadline:
                return
    finally:
        _close(connection)


def _due(mailbox_id: int, now: datetime) -> Q:
    return Q(mailbox_id=mailbox_id, state__in=domain.OPEN_STATES, next_attempt_at__lte=now)


def _due_ids(mailbox_id: int, now: datetime, size: int) -> list[int]:
    # Why one query per state: with a single state the (mailbox, state, next_attempt_at) index
    # yields rows already in order, so a claim never sorts the whole backlog.
    ids: list[int] = []
    for state in domain.OPEN_STATES:
        due = Message.objects.filter(
            mailbox_id=mailbox_id, state=state, next_attempt_at__lte=now
        ).order_by("next_attempt_at")
        if transaction.get_connection().features.has_select_for_update_skip_locked:
            # Why SKIP LOCKED: rows another transaction is cancelling or claiming are passed
            # over instead of waited for; the conditional UPDATE in claim() settles any race.
            due = due.select_for_update(skip_locked=True)
        ids += list(due.values_list("pk", flat=True)[: size - len(ids)])
        if len(ids) >= size:
            break
    return ids


def claim(
    mailbox: Mailbox, *, worker_id: str, now: datetime, batch: int | None = None
) -> tuple[list[Message], str]:
    """Lease up to `batch` due rows of this mailbox within its daily budget and spacing."""
    size = batch or settings.OUTREACH_CLAIM_BATCH
    token = f"{get_random_string(10)}:{worker_id}"[:64]
    lease_end = now + timedelta(seconds=settings.OUTREACH_LEASE_SECONDS)
    with OUTCOMES.exclusive(), transaction.atomic():
        # Why lock the mailbox row: the budget check and the claim must be one step, or two
        # workers could both see room for the last N messages of the day.
        locked = Mailbox.objects.select_for_update().filter(pk=mailbox.pk, active=True).first()
        if locked is None or (locked.next_send_at and locked.next_send_at > now):
            return [], token
        used = locked.budget_used if locked.budget_day == now.date() else 0
        room = domain.remaining_budget(daily_limit=locked.daily_limit, sent_last_24h=used)
        size = min(size, room, 1 if locked.min_spacing_seconds else size)
        if size <= 0:
            return [], token
        ids = _due_ids(mailbox.pk, now, size)
        claimed = Message.objects.filter(_due(mailbox.pk, now), pk__in=ids).update(
            state=domain.MessageState.SENDING,
            claimed_by=token,
            claimed_until=lease_end,
            next_attempt_at=lease_end,
        )
        if claimed:
            Mailbox.objects.filter(pk=mailbox.pk).update(
                budget_day=now.date(),
                budget_used=used + claimed,
                next_send_at=domain.next_slot(
                    now=now, spacing_s=locked.min_spacing_seconds, sent_now=claimed
                ),
            )
    rows = (
        list(
            # Why by id as well: the ids are at hand and claimed_by has no index. Why no
            # related rows and no timestamps: sending reads the mailbox it was given and none
            # of the row's times, and building those objects per message showed in profiles.
            Message.objects.filter(pk__in=ids, claimed_by=token)
            .defer(*_NOT_NEEDED_TO_SEND)
            .order_by("id")
        )
        if claimed
        else []
    )
    return rows, token


_NOT_NEEDED_TO_SEND = (
    "created_at",
    "updated_at",
    "next_attempt_at",
    "claimed_until",
    "sent_at",
    "reason",
    "idempotency_key",
)


def send_claimed(mailbox: Mailbox, rows: list[Message], token: str, stats: DeliveryStats) -> None:
    """Send a claimed batch over one connection; each outcome is written as it happens."""
    _close(_send_batch(mailbox, rows, token, stats, None))


def _send_batch(
    mailbox: Mailbox,
    rows: list[Message],
    token: str,
    stats: DeliveryStats,
    connection: BaseEmailBackend | None,
) -> BaseEmailBackend | None:
    """Send a claimed batch over `connection` (opened when needed); returns the connection,
    still open unless it broke. Each outcome is written as it happens."""
    facts = queries.contact_facts(
        mailbox.workspace_id, [(row.person_id, row.to_address) for row in rows]
    )
    ours: set[int] = set()
    checked: set[int] = set()
    try:
        for index, row in enumerate(rows):
            now = clock.now()
            refusal = domain.contactability(
                facts[(row.person_id, row.to_address)], topic=row.topic or None, now=now
            )
            if refusal is not None:
                _finish(row, token, state="refused", reason=refusal.reason, now=now)
                stats.refused += 1
                continue
            if row.pk not in checked:
                window = [later.pk for later in rows[index : index + RECHECK_EVERY]]
                ours, checked = outbox_sql.still_ours(window, token), set(window)
            if row.pk not in ours:
                continue  # cancelled (suppressed, unsubscribed) since the claim
            connection = _send_one(connection, mailbox, row, token, stats)
    except BaseException:
        _close(connection)
        raise
    finally:
        announce_written_events()
    return connection


def _send_one(
    connection: BaseEmailBackend | None,
    mailbox: Mailbox,
    row: Message,
    token: str,
    stats: DeliveryStats,
) -> BaseEmailBackend | None:
    try:
        connection = connection or open_connection(mailbox)
        connection.send_messages([build_email(mailbox, row, connection)])
    except AnymailRecipientsRefused as error:
        # An email service provider (django-anymail) refused every recipient: invalid,
        # rejected or suppressed on its side. Sending again would be refused again.
        _failure(
            row, token, stats, code=None, reason=f"refused by the provider: {error}", final=True
        )
        return connection
    except AnymailError as error:
        # The provider's API failed (unreachable, throttled, 5xx): retried with backoff.
        _failure(row, token, stats, code=None, reason=f"email provider error: {error}")
        return connection
    except smtplib.SMTPRecipientsRefused as error:
        code, reply = next(iter(error.recipients.values()), (None, b""))
        _failure(row, token, stats, code=code, reason=_reply_text(code, reply))
        return connection
    except smtplib.SMTPResponseException as error:
        reason = _reply_text(error.smtp_code, error.smtp_error)
        _failure(row, token, stats, code=error.smtp_code, reason=reason)
        _close(connection)
        return None
    except (smtplib.SMTPException, OSError) as error:
        _failure(row, token, stats, code=None, reason=f"{type(error).__name__}: {error}")
        _close(connection)
        return None
    except AppError as error:
        # Mailbox settings that cannot be used (e.g. credentials encrypted under another key):
        # retried with backoff, so fixing the mailbox lets the message go out.
        _failure(row, token, stats, code=None, reason=error.message)
        _close(connection)
        return None
    _finish(row, token, state="sent", reason="", now=clock.now())
    stats.sent += 1
    return connection


def _close(connection: BaseEmailBackend | None) -> None:
    if connection is None:
        return
    try:
        connection.close()
    except (smtplib.SMTPException, OSError):
        logger.info("closing a broken SMTP connection failed", exc_info=True)


def _reply_text(code: int | None, reply: bytes | str) -> str:
    text = reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)
    return f"{code} {text}".strip()


def _failure(
    row: Message,
    token: str,
    stats: DeliveryStats,
    *,
    code: int | None,
    reason: str,
    final: bool = False,
) -> None:
    now = clock.now()
    attempts = row.attempts + 1
    permanent = final or domain.smtp_code_is_permanent(code)
    delay = None if permanent else domain.retry_delay(attempts)
    if delay is None:
        final_reason = reason if permanent else f"gave up after {attempts} attempts: {reason}"
        _finish(row, token, state="failed", reason=final_reason, now=now)
        stats.failed += 1
        return
    with transaction.atomic():
        updated = Message.objects.filter(pk=row.pk, claimed_by=token).update(
            state=domain.MessageState.QUEUED,
            attempts=F("attempts") + 1,
            reason=f"temporary failure, retrying: {reason}",
            next_attempt_at=now + delay,
            claimed_by="",
            claimed_until=None,
        )
        if updated:
            DeliveryEvent.objects.create(
                workspace_id=row.workspace_id,
                message=row,
                kind="retry",
                detail=reason,
                occurred_at=now,
            )
    stats.retried += 1


def _finish(row: Message, token: str, *, state: str, reason: str, now: datetime) -> None:
    OUTCOMES.write(lambda: outbox_sql.finish(row, token, state=state, reason=reason, now=now))


@dataclass
class _Pending:
    write: Callable[[], object]
    done: bool = False
    error: BaseException | None = None


@dataclass
class GroupCommit:
    """Commits the outcomes of a process's sending threads together.

    Each sending thread hands over its outcome and waits until it is committed before it
    sends its next message, so a crash can still lose at most one outcome per connection
    (the duplicate bound). Whichever thread takes the lock first commits everything handed
    over by then in one transaction; the others find theirs done. Why: one commit and one
    write lock per group instead of per message, and threads of one process queue on a
    Python lock (woken at once) instead of sleeping in SQLite's busy handler.
    """

    _lock: threading.Lock = field(default_factory=threading.Lock)
    _queue_lock: threading.Lock = field(default_factory=threading.Lock)
    _queue: list[_Pending] = field(default_factory=list)

    def write(self, write: Callable[[], object]) -> None:
        entry = _Pending(write)
        with self._queue_lock:
            self._queue.append(entry)
        with self._lock:
            if not entry.done:
                with self._queue_lock:
                    group, self._queue = self._queue, []
                try:
                    with transaction.atomic():
                        for pending in group:
                            pending.write()
                except BaseException as error:
                    for pending in group:
                        pending.error = error
                    raise
                finally:
                    for pending in group:
                        pending.done = True
        if entry.error is not None:
            raise entry.error

    def exclusive(self) -> threading.Lock:
        """The same lock, for other write transactions of the sending threads (claims)."""
        return self._lock


OUTCOMES = GroupCommit()


def open_connection(mailbox: Mailbox) -> BaseEmailBackend:
    """A Django email backend for this mailbox: its SMTP server, the local outbox, or default."""
    if mailbox.kind == domain.MailboxKind.LOCAL:
        connection: BaseEmailBackend = get_connection(
            settings.OUTREACH_LOCAL_BACKEND, fail_silently=False
        )
    elif mailbox.kind == domain.MailboxKind.SMTP:
        connection = get_connection(
            "talentloop.outreach.smtp_backend.OutboxSMTPBackend",
            fail_silently=False,
            host=mailbox.smtp_host,
            port=mailbox.smtp_port,
            username=mailbox.smtp_username or None,
            password=smtp_password(mailbox) or None,
            use_tls=mailbox.smtp_security == domain.SmtpSecurity.STARTTLS,
            use_ssl=mailbox.smtp_security == domain.SmtpSecurity.SSL,
            timeout=settings.OUTREACH_SMTP_TIMEOUT,
        )
    else:
        connection = get_connection(fail_silently=False)
    connection.open()
    return connection


def build_email(
    mailbox: Mailbox, row: Message, connection: BaseEmailBackend | None = None
) -> OutboxEmail:
    """The MIME message for an outbox row, with RFC 8058 one-click unsubscribe headers (and
    open and click tracking in the HTML part when the mailbox turns it on)."""
    headers = {"Message-ID": row.message_id}
    if row.unsubscribe_url:
        headers["List-Unsubscribe"] = f"<{row.unsubscribe_url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    if row.in_reply_to:
        headers["In-Reply-To"] = row.in_reply_to
        headers["References"] = row.references or row.in_reply_to
    email = OutboxEmail(
        subject=row.subject,
        body=row.text,
        from_email=formataddr((mailbox.from_name, row.from_address)),
        to=[row.to_address],
        reply_to=[mailbox.reply_to] if mailbox.reply_to else None,
        headers=headers,
        connection=connection,
    )
    email.envelope_from = row.from_address
    if row.html:
        email.attach_alternative(tracking.html_to_send(mailbox, row), "text/html")
    return email
