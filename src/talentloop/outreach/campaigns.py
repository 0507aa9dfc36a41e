"""One-off campaigns to a segment: preview, test send, schedule, send.

A campaign's audience is the people matching its query (a segment's saved query, or query
text), evaluated with the creator's rights when it goes out. Sending renders and queues one
outbox row per person with the key `campaign:<id>:person:<id>`, in chunks, so a crash part
way and a re-run queue each person exactly once.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from talentloop.accounts import permissions
from talentloop.accounts.models import User
from talentloop.core import clock, scheduling
from talentloop.core.errors import ValidationFailed
from talentloop.core.events import record_event
from talentloop.core.models import DueItem
from talentloop.outreach import actions, domain, links, merge, outbox_sql, queries
from talentloop.outreach.merge import build_context
from talentloop.outreach.models import Campaign, Message, Template
from talentloop.outreach.rendering import (
    Rendered,
    compile_template,
    render_compiled,
    render_template,
)
from talentloop.people.models import Person
from talentloop.people.queries import visible_people

DUE_KIND = "outreach.campaign"
PERSON_COLUMNS = (
    "id",
    "workspace_id",
    "first_name",
    "last_name",
    "primary_email",
    "headline",
    "current_title",
    "current_company_name",
    "city",
    "region",
    "country",
)
CHUNK = 1000


def check_may_run_campaigns(actor: User) -> None:
    # Writers only: analysts are read-only and hiring managers never send campaigns.
    permissions.require_write(actor)


def resolve_query(campaign: Campaign) -> str:
    if campaign.segment_id:
        from talentloop.search.models import Segment

        segment = Segment.objects.filter(
            workspace_id=campaign.workspace_id, pk=campaign.segment_id
        ).first()
        if segment is None:
            raise ValidationFailed("the campaign's segment no longer exists")
        return str(segment.query)
    return campaign.audience_query


def audience(user: User, query_text: str) -> QuerySet[Person]:
    """The people a query selects, as `user` may see them."""
    if not query_text.strip():
        return visible_people(user)
    from talentloop.search.domain import QueryError
    from talentloop.search.queries import people_matching

    try:
        return people_matching(user, query_text)
    except QueryError as error:
        raise ValidationFailed(
            f"the audience query is not valid: {error}", fields={"audience_query": str(error)}
        ) from None


def save_campaign(*, actor: User, campaign: Campaign | None = None, **fields: Any) -> Campaign:
    """Create or edit a draft campaign; the audience query must parse."""
    check_may_run_campaigns(actor)
    if campaign is not None and campaign.state != domain.CampaignState.DRAFT:
        raise ValidationFailed(f"a {campaign.state} campaign cannot be edited")
    row = campaign or Campaign(workspace_id=actor.tenant_id, created_by=actor)
    for name in ("name", "audience_query", "segment_id", "topic", "template", "mailbox"):
        if fields.get(name) is not None:
            setattr(row, name, fields[name])
    if not row.name.strip():
        raise ValidationFailed("a name is required", fields={"name": "required"})
    if row.topic not in domain.TOPICS:
        raise ValidationFailed("unknown topic", fields={"topic": ", ".join(domain.TOPICS)})
    actions.check_may_send(actor, row.mailbox)
    audience(actor, resolve_query(row))  # a bad query fails now, not at send time
    with transaction.atomic():
        row.save()
        record_event(
            workspace=row.mailbox.workspace,
            actor=actor,
            verb="campaign.created" if campaign is None else "campaign.updated",
            subject=row,
        )
    return row


@dataclass
class CampaignPreview:
    total: int
    will_send: int
    skipped: list[tuple[Person, str]] = field(default_factory=list)
    sample: Rendered | None = None
    sample_person: Person | None = None


def preview_campaign(*, actor: User, campaign: Campaign, limit: int = 500) -> CampaignPreview:
    """Who gets it and who is skipped and why (first `limit` people), plus a rendered sample."""
    people = list(audience(actor, resolve_query(campaign)).order_by("id")[:limit])
    total = audience(actor, resolve_query(campaign)).count()
    facts = queries.contact_facts(
        campaign.workspace_id, [(person.pk, person.primary_email) for person in people]
    )
    now = clock.now()
    result = CampaignPreview(total=total, will_send=0)
    for person in people:
        refusal = domain.contactability(
            facts[(person.pk, person.primary_email)], topic=campaign.topic, now=now
        )
        if refusal:
            result.skipped.append((person, refusal.reason))
        elif result.sample_person is None:
            result.sample_person = person
    result.will_send = len(people) - len(result.skipped)
    if result.sample_person is not None:
        result.sample = _render_for(campaign, result.sample_person, actor)
    return result


def _render_for(campaign: Campaign, person: Person, sender: Any) -> Rendered:
    compiled = compile_template(
        campaign.template.subject, campaign.template.html, campaign.template.text
    )
    link_map = links.recipient_links(
        workspace_id=campaign.workspace_id, address=person.primary_email, person_id=person.pk
    )
    context = build_context(person=person, job=None, sender=sender, links=link_map)
    return render_compiled(compiled, context)


def send_test(*, actor: User, campaign: Campaign, to_address: str | None = None) -> Message:
    """Send the campaign as the first audience member would see it, to the actor's address."""
    check_may_run_campaigns(actor)
    sample = preview_campaign(actor=actor, campaign=campaign, limit=50).sample_person
    person_view: Any = sample or {"first_name": actor.display_name, "email": actor.email}
    link_map = links.recipient_links(
        workspace_id=actor.tenant_id, address=actor.email, person_id=None
    )
    rendered = render_template(campaign.template, person=person_view, sender=actor, links=link_map)
    test = Rendered(subject=f"[Test] {rendered.subject}", html=rendered.html, text=rendered.text)
    return actions.queue_message(
        actor=actor,
        workspace=campaign.mailbox.workspace,
        mailbox=campaign.mailbox,
        person=None,
        rendered=test,
        to_address=to_address or actor.email,
        idempotency_key=f"campaign:{campaign.pk}:test:{clock.now().timestamp()}",
        topic=None,
    )


def schedule_campaign(
    *, actor: User, campaign: Campaign, send_at: datetime | None = None
) -> Campaign:
    """Queue the campaign's send for `send_at` (now when omitted); the worker runs it."""
    check_may_run_campaigns(actor)
    if campaign.state not in (domain.CampaignState.DRAFT, domain.CampaignState.SCHEDULED):
        raise ValidationFailed(f"a {campaign.state} campaign cannot be scheduled")
    when = max(send_at or clock.now(), clock.now())
    with transaction.atomic():
        scheduling.cancel(_due_key(campaign))
        Campaign.objects.filter(pk=campaign.pk).update(state="scheduled", scheduled_at=when)
        scheduling.schedule(
            DUE_KIND,
            due_at=when,
            key=f"{_due_key(campaign)}:{when.timestamp()}",
            payload={"campaign_id": campaign.pk},
            workspace=campaign.mailbox.workspace,
        )
        campaign.refresh_from_db()
        record_event(
            workspace=campaign.mailbox.workspace,
            actor=actor,
            verb="campaign.scheduled",
            subject=campaign,
            changed_fields=["state", "scheduled_at"],
        )
    return campaign


def _due_key(campaign: Campaign) -> str:
    return f"outreach.campaign:{campaign.pk}"


def cancel_campaign(*, actor: User, campaign: Campaign) -> Campaign:
    """Stop a scheduled campaign, and cancel what it queued and has not yet sent."""
    check_may_run_campaigns(actor)
    with transaction.atomic():
        scheduling.cancel_prefix(_due_key(campaign))
        Campaign.objects.filter(pk=campaign.pk).update(state="cancelled")
        Message.objects.filter(campaign=campaign, state=domain.MessageState.QUEUED).update(
            state=domain.MessageState.CANCELLED, reason="campaign cancelled"
        )
        campaign.refresh_from_db()
        record_event(
            workspace=campaign.mailbox.workspace,
            actor=actor,
            verb="campaign.cancelled",
            subject=campaign,
        )
    return campaign


def run_due_campaign(item: DueItem) -> None:
    """Scheduler handler: send the campaign named in the item's payload."""
    campaign = Campaign.objects.select_related("template", "mailbox__workspace", "created_by").get(
        pk=item.payload["campaign_id"]
    )
    if campaign.state == domain.CampaignState.SCHEDULED:
        enqueue_campaign(campaign)


def enqueue_campaign(campaign: Campaign) -> tuple[int, int]:
    """Render and queue the campaign for its whole audience; returns (queued, refused)."""
    creator = campaign.created_by
    if creator is None:
        raise ValidationFailed("the campaign's creator no longer exists")
    Campaign.objects.filter(pk=campaign.pk).update(state="sending", started_at=clock.now())
    people = audience(creator, resolve_query(campaign)).order_by("id")
    queued = refused = 0
    for chunk in _chunks(people):
        more_queued, more_refused = queue_chunk(campaign, chunk, sender=creator)
        queued += more_queued
        refused += more_refused
    with transaction.atomic():
        Campaign.objects.filter(pk=campaign.pk).update(
            state="sent", finished_at=clock.now(), queued_count=queued, refused_count=refused
        )
        record_event(
            workspace=campaign.mailbox.workspace,
            actor=None,
            verb="campaign.sent",
            subject=campaign,
            data={"queued": queued, "refused": refused},
        )
    return queued, refused


def _chunks(people: QuerySet[Person]) -> Iterator[list[Person]]:
    last_id = 0
    while True:
        chunk = list(people.filter(pk__gt=last_id).only(*PERSON_COLUMNS)[:CHUNK])
        if not chunk:
            return
        yield chunk
        last_id = chunk[-1].pk


def queue_chunk(campaign: Campaign, people: list[Person], *, sender: Any) -> tuple[int, int]:
    """Render and insert one chunk in one transaction; existing keys are left alone."""
    template: Template = campaign.template
    compiled = compile_template(template.subject, template.html, template.text)
    now = clock.now()
    pairs = [(person.pk, domain.normalise_address(person.primary_email)) for person in people]
    facts = queries.contact_facts(campaign.workspace_id, pairs)
    sender_fields = merge.sender_fields(sender)
    drafts = []
    for person, pair in zip(people, pairs, strict=True):
        link_map = links.recipient_links(
            workspace_id=campaign.workspace_id, address=pair[1], person_id=person.pk
        )
        context = build_context(person=person, job=None, sender=sender_fields, links=link_map)
        drafts.append(
            actions.Draft(
                person_id=person.pk,
                to_address=pair[1],
                rendered=render_compiled(compiled, context),
                idempotency_key=f"campaign:{campaign.pk}:person:{person.pk}",
                unsubscribe_url=link_map["unsubscribe"],
                refusal=domain.contactability(facts[pair], topic=campaign.topic, now=now),
            )
        )
    with transaction.atomic():
        outbox_sql.insert_drafts(campaign, drafts, now=now)
    refused = sum(1 for draft in drafts if draft.refusal)
    return len(drafts) - refused, refused


def render_for_recipient(*, actor: User, campaign: Campaign, person: Person) -> Rendered:
    """The campaign as this person would receive it (their own links), for a preview."""
    return _render_for(campaign, person, actor)
