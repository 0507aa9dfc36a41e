"""The Outbox: every outreach message like a mail client (list on the left, message view)."""

from __future__ import annotations

from django.http import HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_POST

from talentloop.outreach import actions, queries
from talentloop.outreach.domain import MessageState
from talentloop.ui.views.common import AppRequest, login_required, respond, toast

PAGE_SIZE = 50
STATES = [("", "All")] + [(state.value, state.value.capitalize()) for state in MessageState]


@login_required
@require_GET
def outbox(request: AppRequest) -> HttpResponse:
    state = request.GET.get("state", "")
    rows = queries.messages(request.user)
    if state in {value for value, _ in STATES if value}:
        rows = rows.filter(state=state)
    before = request.GET.get("before", "")
    if before.isdigit():
        rows = rows.filter(pk__lt=int(before))
    page = list(rows.select_related("person")[: PAGE_SIZE + 1])
    context = {
        "messages_page": page[:PAGE_SIZE],
        "next_before": page[PAGE_SIZE - 1].pk if len(page) > PAGE_SIZE else None,
        "state": state,
        "states": STATES,
    }
    return respond(request, "ui/outbox/list.html", context)


@login_required
@require_GET
def message_view(request: AppRequest, message_id: int) -> HttpResponse:
    message = queries.access_message(request.user, message_id)
    context = {
        "message": message,
        "local": queries.local_copy(message),
        "events": list(message.delivery_events.order_by("occurred_at", "id")),
    }
    return respond(request, "ui/outbox/message.html", context)


@login_required
@require_POST
def message_cancel(request: AppRequest, message_id: int) -> HttpResponseBase:
    message = queries.access_message(request.user, message_id)
    actions.cancel_message(actor=request.user, message=message)
    toast(request, "message cancelled")
    return redirect("outbox_message", message_id)
