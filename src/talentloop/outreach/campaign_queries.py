"""Reads for the campaign pages: delivery results per campaign, and who a preview will mail."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q

from talentloop.accounts.models import User
from talentloop.outreach import campaigns, domain, queries
from talentloop.outreach.models import Campaign, DeliveryEvent
from talentloop.people.models import Person


@dataclass(frozen=True)
class CampaignResults:
    """What became of a campaign's messages (as far as the viewer may see them)."""

    queued: int = 0
    sent: int = 0
    failed: int = 0
    refused: int = 0
    cancelled: int = 0
    bounced: int = 0
    replied: int = 0


def results_by_campaign(user: User, campaign_ids: Iterable[int]) -> dict[int, CampaignResults]:
    """Message outcomes for many campaigns in one aggregate query; missing ids have none."""
    ids = list(campaign_ids)
    if not ids:
        return {}

    def has_event(kind: str) -> Exists:
        return Exists(DeliveryEvent.objects.filter(message_id=OuterRef("pk"), kind=kind))

    rows = (
        queries.messages(user)
        .filter(campaign_id__in=ids)
        .order_by()
        .values("campaign_id")
        .annotate(
            queued=Count("pk", filter=Q(state__in=domain.OPEN_STATES)),
            sent=Count("pk", filter=Q(state=domain.MessageState.SENT)),
            failed=Count("pk", filter=Q(state=domain.MessageState.FAILED)),
            refused=Count("pk", filter=Q(state=domain.MessageState.REFUSED)),
            cancelled=Count("pk", filter=Q(state=domain.MessageState.CANCELLED)),
            bounced=Count("pk", filter=Q(has_event(domain.DeliveryEventKind.BOUNCE))),
            replied=Count("pk", filter=Q(has_event(domain.DeliveryEventKind.REPLY))),
        )
    )
    return {row.pop("campaign_id"): CampaignResults(**row) for row in rows}


def will_receive(
    *, actor: User, campaign: Campaign, preview: campaigns.CampaignPreview, checked: int
) -> list[Person]:
    """The people among the first `checked` of the audience that the preview did not skip."""
    skipped = {person.pk for person, _ in preview.skipped}
    people = campaigns.audience(actor, campaigns.resolve_query(campaign)).order_by("id")
    return [person for person in people[:checked] if person.pk not in skipped]
