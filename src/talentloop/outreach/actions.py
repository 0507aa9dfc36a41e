"""Outreach writes: queue a message, suppress an address, lawful basis, preferences.

Mailboxes, templates and campaigns have their own modules (mailbox_actions,
template_actions, campaigns); all follow the same rules: one transaction, one Event, no PII
in the Event.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.utils import make_msgid
from typing import Any

from django.db import IntegrityError, transaction

from talentloop.accounts import permissions
from talentloop.accounts.models import User, Workspace
from talentloop.core import clock
from talentloop.core.errors import NotFound, PermissionDenied, ValidationFailed
from talentloop.core.events import record_event
from talentloop.outreach import domain, links, queries
from talentloop.outreach.models import (
    ContactBasis,
    ContactPreference,
    DeliveryEvent,
    Mailbox,
    Message,
    Suppression,
    Template,
)
from talentloop.outreach.rendering import Rendered, render_template
from talentloop.people.models import Person


@dataclass(frozen=True)
class Draft:
    """A message ready to insert; built in bulk by campaigns, one at a time by queue_message."""

    person_id: int | None
    to_address: str
    rendered: Rendered
    idempotency_key: str
    unsubscribe_url: str
    refusal: domain.Refusal | None


def new_message_id(mailbox: Mailbox) -> str:
    domain_part = mailbox.from_address.rpartition("@")[2] or "talentloop.local"
    return make_msgid(domain=domain_part)


def check_may_send(actor: User | None, mailbox: Mailbox) -> None:
    if actor is None:
        return  # system work (sequences, alerts) acting for the workspace
    permissions.require_write(actor)
    if not queries.may_send_from(actor, mailbox):
        raise PermissionDenied("you may not send from this mailbox")


def queue_message(
    *,
    actor: User | None,
    workspace: Workspace,
    mailbox: Mailbox,
    person: Person | None,
    idempotency_key: str,
    template: Template | None = None,
    rendered: Rendered | None = None,
    thread_of: Message | None = None,
    topic: str | None = None,
    send_after: datetime | None = None,
    to_address: str | None = None,
    job: Any | None = None,
) -> Message:
    """Put one email in the outbox, or return the row already queued under the same key."""
    existing = Message.objects.filter(workspace=workspace, idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing
    if mailbox.workspace_id != workspace.pk or (person and person.workspace_id != workspace.pk):
        raise NotFound("mailbox or person not found")
    check_may_send(actor, mailbox)
    address = domain.normalise_address(to_address or (person.primary_email if person else ""))
    link_map = links.recipient_links(
        workspace_id=workspace.pk, address=address, person_id=person.pk if person else None
    )
    if rendered is None:
        if template is None:
            raise ValidationFailed("a template or a rendered message is required")
        sender = (
            mailbox.owner or actor or {"name": mailbox.from_name, "email": mailbox.from_address}
        )
        rendered = render_template(
            template, person=person or {"email": address}, job=job, sender=sender, links=link_map
        )
    topic = topic or (template.topic if template else None)
    refusal = queries.contactability(workspace.pk, person.pk if person else None, address, topic)
    draft = Draft(
        person_id=person.pk if person else None,
        to_address=address,
        rendered=rendered,
        idempotency_key=idempotency_key,
        unsubscribe_url=link_map["unsubscribe"],
        refusal=refusal,
    )
    try:
        with transaction.atomic():
            return _insert_one(
                actor, workspace, mailbox, draft, template, thread_of, topic, send_after
            )
    except IntegrityError:
        # Why: two callers raced on the same key; the unique constraint let one in.
        return Message.objects.get(workspace=workspace, idempotency_key=idempotency_key)


def _insert_one(
    actor: User | None,
    workspace: Workspace,
    mailbox: Mailbox,
    draft: Draft,
    template: Template | None,
    thread_of: Message | None,
    topic: str | None,
    send_after: datetime | None,
) -> Message:
    now = clock.now()
    message = build_message(
        workspace=workspace, mailbox=mailbox, draft=draft, now=now, sender=actor
    )
    message.template = template
    message.topic = topic or ""
    message.next_attempt_at = max(send_after or now, now)
    if thread_of is not None:
        apply_thread(message, thread_of)
    message.save()
    kind = "refused" if draft.refusal else "queued"
    detail = draft.refusal.reason if draft.refusal else ""
    DeliveryEvent.objects.create(
        workspace=workspace, message=message, kind=kind, detail=detail, occurred_at=now
    )
    data: dict[str, object] = {"mailbox_id": mailbox.pk}
    if draft.refusal:
        data["refusal"] = draft.refusal.code
    record_event(
        workspace=workspace, actor=actor, verb=f"message.{kind}", subject=message, data=data
    )
    return message


def build_message(
    *, workspace: Workspace, mailbox: Mailbox, draft: Draft, now: datetime, sender: User | None
) -> Message:
    """An unsaved outbox row for a draft: queued, or refused with its visible reason."""
    return Message(
        workspace=workspace,
        mailbox=mailbox,
        sender=sender,
        person_id=draft.person_id,
        idempotency_key=draft.idempotency_key,
        message_id=new_message_id(mailbox),
        from_address=mailbox.from_address,
        to_address=draft.to_address,
        subject=draft.rendered.subject,
        html=draft.rendered.html,
        text=draft.rendered.text,
        unsubscribe_url=draft.unsubscribe_url,
        state=domain.MessageState.REFUSED if draft.refusal else domain.MessageState.QUEUED,
        reason=draft.refusal.reason if draft.refusal else "",
        next_attempt_at=now,
    )


def apply_thread(message: Message, thread_of: Message) -> None:
    """Make the message a reply in thread_of's thread (In-Reply-To, References, Re:)."""
    message.in_reply_to = thread_of.message_id
    message.references = f"{thread_of.references} {thread_of.message_id}".strip()
    if not message.subject.lower().startswith("re:"):
        message.subject = f"Re: {thread_of.subject}"


def cancel_message(*, actor: User, message: Message) -> Message:
    """Stop a queued message; one already sent or being handed over cannot be recalled."""
    permissions.require_write(actor)
    with transaction.atomic():
        updated = Message.objects.filter(pk=message.pk, state=domain.MessageState.QUEUED).update(
            state=domain.MessageState.CANCELLED, reason="cancelled by a user"
        )
        if not updated:
            raise ValidationFailed(f"a {message.state} message cannot be cancelled")
        DeliveryEvent.objects.create(
            workspace_id=message.workspace_id,
            message=message,
            kind="cancelled",
            detail="cancelled by a user",
            occurred_at=clock.now(),
        )
        message.refresh_from_db()
        record_event(
            workspace=message.mailbox.workspace,
            actor=actor,
            verb="message.cancelled",
            subject=message,
        )
    return message


def suppress(
    workspace: Workspace,
    address: str,
    reason: str,
    *,
    actor: User | None = None,
    note: str = "",
) -> Suppression:
    """Put an address on the suppression list and cancel every open message to it."""
    if reason not in {choice.value for choice in domain.SuppressionReason}:
        raise ValidationFailed("unknown suppression reason", fields={"reason": "unknown"})
    normalised = domain.normalise_address(address)
    if not normalised:
        raise ValidationFailed("an address is required", fields={"address": "required"})
    now = clock.now()
    with transaction.atomic():
        suppression, created = Suppression.objects.get_or_create(
            workspace=workspace, address=normalised, defaults={"reason": reason, "note": note}
        )
        cancelled = _cancel_open_to(workspace, normalised, f"address suppressed ({reason})", now)
        verb = (
            "unsubscribe"
            if reason == domain.SuppressionReason.UNSUBSCRIBED
            else "suppression.added"
        )
        record_event(
            workspace=workspace,
            actor=actor,
            verb=verb,
            subject=suppression,
            data={"reason": reason, "cancelled": cancelled, "new": created},
        )
    return suppression


def _cancel_open_to(workspace: Workspace, address: str, reason: str, now: datetime) -> int:
    # Why rows in SENDING are cancelled too: the worker re-checks its claim with a conditional
    # UPDATE right before handing each message to SMTP, so a cancelled row is never sent.
    open_rows = Message.objects.filter(queries.open_messages_to(workspace.pk, address))
    ids = list(open_rows.values_list("pk", flat=True))
    if not ids:
        return 0
    Message.objects.filter(pk__in=ids, state__in=domain.OPEN_STATES).update(
        state=domain.MessageState.CANCELLED, reason=reason, claimed_by="", claimed_until=None
    )
    DeliveryEvent.objects.bulk_create(
        DeliveryEvent(
            workspace=workspace, message_id=pk, kind="cancelled", detail=reason, occurred_at=now
        )
        for pk in ids
    )
    return len(ids)


def unsuppress(*, actor: User, suppression: Suppression) -> None:
    """Remove an address from the list (admins only; e.g. a bounce that was a mistake)."""
    permissions.require_admin(actor)
    if suppression.reason == domain.SuppressionReason.ERASED:
        raise ValidationFailed("an erased person's address stays suppressed")
    with transaction.atomic():
        record_event(
            workspace=suppression.workspace,
            actor=actor,
            verb="suppression.removed",
            subject=suppression,
            data={"reason": suppression.reason},
        )
        suppression.delete()


def record_basis(
    *,
    actor: User,
    person: Person,
    basis: str,
    evidence: str = "",
    note: str = "",
    given_at: datetime | None = None,
    expires_at: datetime | None = None,
) -> ContactBasis:
    """Record consent (with evidence) or legitimate interest (with its note) for a person."""
    permissions.require_write(actor)
    problems = domain.basis_problems(basis=basis, evidence=evidence, note=note)
    if problems:
        raise ValidationFailed("the lawful basis is incomplete", fields=problems)
    given = given_at or clock.now()
    if expires_at is not None and expires_at <= given:
        raise ValidationFailed(
            "expiry must be after the date given", fields={"expires_at": "before given_at"}
        )
    with transaction.atomic():
        row = ContactBasis.objects.create(
            workspace=person.workspace,
            person=person,
            basis=basis,
            evidence=evidence,
            note=note,
            given_at=given,
            expires_at=expires_at,
            recorded_by=actor,
        )
        record_event(
            workspace=person.workspace,
            actor=actor,
            verb="consent.recorded",
            subject=row,
            data={"person_id": person.pk, "basis": basis},
        )
    return row


def withdraw_basis(*, actor: User | None, basis: ContactBasis) -> ContactBasis:
    """Mark a consent or interest withdrawn; later sends to the person are refused."""
    if actor is not None:
        permissions.require_write(actor)
    if basis.withdrawn_at is not None:
        return basis
    with transaction.atomic():
        basis.withdrawn_at = clock.now()
        basis.save(update_fields=["withdrawn_at", "updated_at"])
        record_event(
            workspace=basis.workspace,
            actor=actor,
            verb="consent.withdrawn",
            subject=basis,
            changed_fields=["withdrawn_at"],
            data={"person_id": basis.person_id},
        )
    return basis


def update_preferences(
    *,
    person: Person,
    unsubscribe_all: bool,
    opted_out_topics: list[str],
    job_alerts: bool,
    role_interests: list[str],
    locations: list[str],
    seniorities: list[str],
    actor: User | None = None,
) -> ContactPreference:
    """What the person chose in the preference centre (or a recruiter on their behalf)."""
    unknown = sorted(set(opted_out_topics) - set(domain.TOPICS))
    if unknown:
        raise ValidationFailed("unknown topic", fields={"opted_out_topics": ", ".join(unknown)})
    now = clock.now()
    with transaction.atomic():
        preference, _ = ContactPreference.objects.get_or_create(
            person=person, defaults={"workspace": person.workspace}
        )
        was_all = preference.unsubscribed_all_at is not None
        preference.unsubscribed_all_at = (
            (preference.unsubscribed_all_at or now) if unsubscribe_all else None
        )
        preference.opted_out_topics = sorted(set(opted_out_topics))
        preference.job_alerts = job_alerts
        preference.role_interests = domain.clean_list(role_interests)
        preference.locations = domain.clean_list(locations)
        preference.seniorities = domain.clean_list(seniorities)
        preference.save()
        if unsubscribe_all and not was_all:
            _cancel_open_for_person(person, now)
        record_event(
            workspace=person.workspace,
            actor=actor,
            verb="unsubscribe" if unsubscribe_all and not was_all else "preferences.updated",
            subject=preference,
            changed_fields=["opted_out_topics", "role_interests", "locations", "seniorities"],
            data={"person_id": person.pk},
        )
    return preference


def _cancel_open_for_person(person: Person, now: datetime) -> None:
    ids = list(
        Message.objects.filter(
            workspace_id=person.workspace_id, person=person, state__in=domain.OPEN_STATES
        ).values_list("pk", flat=True)
    )
    Message.objects.filter(pk__in=ids, state__in=domain.OPEN_STATES).update(
        state=domain.MessageState.CANCELLED, reason="person unsubscribed from all email"
    )
    DeliveryEvent.objects.bulk_create(
        DeliveryEvent(
            workspace_id=person.workspace_id,
            message_id=pk,
            kind="cancelled",
            detail="person unsubscribed from all email",
            occurred_at=now,
        )
        for pk in ids
    )
