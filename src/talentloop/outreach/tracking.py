"""Open and click tracking, for mailboxes that turn it on (it is off by default).

The stored message keeps its HTML as rendered; the tracked copy (rewritten links, open
pixel) is made when the message is handed to the mail server. So turning tracking off stops
it for mail still queued, and opens and clicks are recorded only while the mailbox still
tracks them. The plain-text part is never changed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from django.db import transaction

from talentloop.core import clock
from talentloop.core.events import record_event
from talentloop.outreach import link_tracking, links
from talentloop.outreach.domain import DeliveryEventKind
from talentloop.outreach.models import DeliveryEvent, Mailbox, Message


def html_to_send(mailbox: Mailbox, message: Message) -> str:
    """The HTML part as sent: the stored HTML, tracked when the mailbox tracks opens or clicks."""
    if not message.html or not (mailbox.track_opens or mailbox.track_clicks):
        return message.html
    pixel = links.open_token(workspace_id=message.workspace_id, message_id=message.pk)
    return link_tracking.add_tracking(
        message.html,
        click_url=_click_url_for(message) if mailbox.track_clicks else None,
        pixel_url=links.open_pixel_url(pixel) if mailbox.track_opens else None,
        untracked_prefixes=links.untracked_prefixes(),
    )


def _click_url_for(message: Message) -> Callable[[str], str]:
    def click_url(target: str) -> str:
        token = links.click_token(
            workspace_id=message.workspace_id, message_id=message.pk, url=target
        )
        return links.click_url(token)

    return click_url


def record_message_open(*, workspace_id: int, message_id: int) -> bool:
    """Note that a tracked message was opened (once an hour at most); False if nothing was
    recorded: no such message in the workspace, or its mailbox does not track opens now."""
    now = clock.now()
    with transaction.atomic():
        message = _locked_message(workspace_id, message_id)
        if message is None or not message.mailbox.track_opens:
            return False
        return _record(message, DeliveryEventKind.OPEN, detail="", now=now)


def record_message_click(*, workspace_id: int, message_id: int, url: str) -> bool:
    """Note a click on a tracked link, with its address (once an hour per link at most);
    False if nothing was recorded."""
    now = clock.now()
    with transaction.atomic():
        message = _locked_message(workspace_id, message_id)
        if message is None or not message.mailbox.track_clicks:
            return False
        return _record(message, DeliveryEventKind.CLICK, detail=url, now=now)


def _locked_message(workspace_id: int, message_id: int) -> Message | None:
    # Why lock the message row: two loads of the same pixel at once must not both find no
    # open in the window and both write one.
    return (
        Message.objects.select_for_update().filter(workspace_id=workspace_id, pk=message_id).first()
    )


def _record(message: Message, kind: DeliveryEventKind, *, detail: str, now: datetime) -> bool:
    last = (
        DeliveryEvent.objects.filter(message=message, kind=kind.value, detail=detail)
        .order_by("-occurred_at")
        .values_list("occurred_at", flat=True)
        .first()
    )
    if not link_tracking.worth_recording(last_recorded_at=last, now=now):
        return False
    DeliveryEvent.objects.create(
        workspace_id=message.workspace_id,
        message=message,
        kind=kind.value,
        detail=detail,
        occurred_at=now,
    )
    # Ids only: a link's address can carry personal data, so it stays on the delivery event.
    data: dict[str, object] = {"mailbox_id": message.mailbox_id}
    if message.campaign_id:
        data["campaign_id"] = message.campaign_id
    verb = "message.opened" if kind == DeliveryEventKind.OPEN else "message.clicked"
    record_event(workspace=message.workspace, actor=None, verb=verb, subject=message, data=data)
    return True
