"""Reads of outreach data, scoped to the viewer's workspace; contactability facts in bulk."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from django.db.models import Q, QuerySet

from talentloop.accounts.models import User
from talentloop.core import clock
from talentloop.core.errors import NotFound
from talentloop.outreach import domain
from talentloop.outreach.models import (
    Campaign,
    ContactBasis,
    ContactPreference,
    LocalEmail,
    Mailbox,
    Message,
    Suppression,
    Template,
)
from talentloop.people.models import Person
from talentloop.people.queries import visible_people


def mailboxes(user: User) -> QuerySet[Mailbox]:
    return Mailbox.objects.filter(workspace_id=user.tenant_id).order_by("name")


def access_mailbox(user: User, mailbox_id: int) -> Mailbox:
    mailbox = mailboxes(user).filter(pk=mailbox_id).first()
    if mailbox is None:
        raise NotFound("mailbox not found")
    return mailbox


def may_send_from(user: User, mailbox: Mailbox) -> bool:
    """Shared mailboxes, one's own, or a teammate's that allows sending on their behalf."""
    if mailbox.workspace_id != user.tenant_id or not mailbox.active:
        return False
    return mailbox.owner_id in (None, user.pk) or mailbox.allow_send_on_behalf


def templates(user: User) -> QuerySet[Template]:
    return Template.objects.filter(workspace_id=user.tenant_id, archived=False).order_by("name")


def access_template(user: User, template_id: int) -> Template:
    template = templates(user).filter(pk=template_id).first()
    if template is None:
        raise NotFound("template not found")
    return template


def messages(user: User) -> QuerySet[Message]:
    """Outbox rows; a hiring manager sees only mail to the people of their jobs."""
    rows = Message.objects.filter(workspace_id=user.tenant_id)
    if user.role == "hiring_manager":
        rows = rows.filter(person__in=visible_people(user))
    return rows.select_related("mailbox").order_by("-id")


def access_message(user: User, message_id: int) -> Message:
    message = messages(user).filter(pk=message_id).first()
    if message is None:
        raise NotFound("message not found")
    return message


def local_copy(message: Message) -> LocalEmail | None:
    return LocalEmail.objects.filter(message_id=message.message_id).order_by("-id").first()


def suppressions(user: User) -> QuerySet[Suppression]:
    return Suppression.objects.filter(workspace_id=user.tenant_id).order_by("-id")


def campaigns(user: User) -> QuerySet[Campaign]:
    return Campaign.objects.filter(workspace_id=user.tenant_id).order_by("-id")


def access_campaign(user: User, campaign_id: int) -> Campaign:
    campaign = campaigns(user).filter(pk=campaign_id).first()
    if campaign is None:
        raise NotFound("campaign not found")
    return campaign


def bases_of(user: User, person: Person) -> QuerySet[ContactBasis]:
    return ContactBasis.objects.filter(workspace_id=user.tenant_id, person=person).order_by("-id")


def preference_of(person: Person) -> ContactPreference | None:
    return ContactPreference.objects.filter(person=person).first()


def contact_facts(
    workspace_id: int, pairs: Iterable[tuple[int | None, str]]
) -> dict[tuple[int | None, str], domain.ContactFacts]:
    """Facts for many (person id, address) pairs in four queries, whatever their number."""
    pairs = list(pairs)
    addresses = {domain.normalise_address(address) for _, address in pairs}
    person_ids = {person_id for person_id, _ in pairs if person_id is not None}
    suppressed: dict[str, str] = dict(
        Suppression.objects.filter(workspace_id=workspace_id, address__in=addresses).values_list(
            "address", "reason"
        )
    )
    do_not_contact: dict[int, bool] = dict(
        Person.objects.filter(workspace_id=workspace_id, pk__in=person_ids).values_list(
            "id", "do_not_contact"
        )
    )
    preferences: dict[int, tuple[bool, tuple[str, ...]]] = {
        owner_id: (unsubscribed_at is not None, tuple(topics or ()))
        for owner_id, unsubscribed_at, topics in ContactPreference.objects.filter(
            person_id__in=person_ids
        ).values_list("person_id", "unsubscribed_all_at", "opted_out_topics")
    }
    bases: dict[int, list[domain.BasisFact]] = defaultdict(list)
    for owner_id, basis, given_at, expires_at, withdrawn_at in ContactBasis.objects.filter(
        workspace_id=workspace_id, person_id__in=person_ids
    ).values_list("person_id", "basis", "given_at", "expires_at", "withdrawn_at"):
        bases[owner_id].append(domain.BasisFact(basis, given_at, expires_at, withdrawn_at))
    facts: dict[tuple[int | None, str], domain.ContactFacts] = {}
    for person_id, address in pairs:
        normalised = domain.normalise_address(address)
        if person_id is None:
            facts[(person_id, address)] = domain.ContactFacts(
                address=normalised, suppression_reason=suppressed.get(normalised), has_person=False
            )
            continue
        unsubscribed, topics = preferences.get(person_id, (False, ()))
        facts[(person_id, address)] = domain.ContactFacts(
            address=normalised,
            suppression_reason=suppressed.get(normalised),
            do_not_contact=do_not_contact.get(person_id, False),
            unsubscribed_all=unsubscribed,
            opted_out_topics=topics,
            bases=tuple(bases.get(person_id, ())),
        )
    return facts


def contactability(
    workspace_id: int,
    person_id: int | None,
    address: str,
    topic: str | None,
    now: datetime | None = None,
) -> domain.Refusal | None:
    """Why this address of this person must not be mailed now, or None."""
    facts = contact_facts(workspace_id, [(person_id, address)])[(person_id, address)]
    return domain.contactability(facts, topic=topic, now=now or clock.now())


def suppressed_addresses(workspace_id: int, addresses: Iterable[str]) -> set[str]:
    wanted = {domain.normalise_address(address) for address in addresses}
    return set(
        Suppression.objects.filter(workspace_id=workspace_id, address__in=wanted).values_list(
            "address", flat=True
        )
    )


def sent_in_last_day(mailbox: Mailbox, now: datetime) -> int:
    from datetime import timedelta

    return Message.objects.filter(
        mailbox=mailbox, state="sent", sent_at__gt=now - timedelta(days=1)
    ).count()


def open_messages_to(workspace_id: int, address: str) -> Q:
    return Q(
        workspace_id=workspace_id,
        to_address=domain.normalise_address(address),
        state__in=domain.OPEN_STATES,
    )
