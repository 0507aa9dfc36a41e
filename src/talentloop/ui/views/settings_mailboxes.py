"""Settings for sending: mailboxes (sending identities) and the suppression list.

Open to every writer. Admins manage every mailbox; other writers create and change only their
own personal ones (mailbox_actions decides). Anyone who writes may suppress an address; only an
admin may lift a suppression (actions.unsuppress decides).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.views.decorators.http import require_http_methods, require_POST

from talentloop.accounts.permissions import require_admin
from talentloop.core.errors import AppError, NotFound, PermissionDenied
from talentloop.outreach import actions, mailbox_actions, queries
from talentloop.outreach.models import Mailbox
from talentloop.ui.forms_outreach import MailboxForm, SuppressionForm
from talentloop.ui.pagination import SortKey, paginate
from talentloop.ui.views.common import AppRequest, toast, workspace_of
from talentloop.ui.views.settings_pages import (
    redirect_to,
    render_failed,
    render_section,
    writer_page,
)

SUPPRESSIONS_PAGE = 50

# --- mailboxes ---------------------------------------------------------------------------------


def _mailboxes_context(request: AppRequest, form: MailboxForm | None = None) -> dict[str, Any]:
    rows = list(queries.mailboxes(request.user).select_related("owner")[:200])
    for mailbox in rows:
        mailbox.may_manage = mailbox_actions.may_manage(request.user, mailbox)  # type: ignore[attr-defined]
    return {
        "mailboxes": rows,
        "form": form or MailboxForm(viewer=request.user),
        "section": "settings_mailboxes",
    }


@writer_page
@require_http_methods(["GET", "POST"])
def settings_mailboxes(request: AppRequest) -> HttpResponse:
    """The workspace's mailboxes, and a form to add one."""
    template = "ui/settings/mailboxes.html"
    if request.method == "GET":
        return render_section(request, template, _mailboxes_context(request), "settings_mailboxes")
    form = MailboxForm(request.POST, viewer=request.user)
    context = _mailboxes_context(request, form)
    if not form.is_valid():
        return render_failed(request, template, context, form)
    try:
        mailbox = mailbox_actions.save_mailbox(actor=request.user, **form.action_fields())
    except AppError as error:
        return render_failed(request, template, context, form, error)
    toast(request, f"Mailbox “{mailbox.name}” added")
    return redirect_to("settings_mailboxes")


def _manageable(request: AppRequest, mailbox_id: int) -> Mailbox:
    """The mailbox (404 outside the workspace) if the viewer may change it (else 403)."""
    mailbox = queries.access_mailbox(request.user, mailbox_id)
    if not mailbox_actions.may_manage(request.user, mailbox):
        raise PermissionDenied("only admins manage shared or teammates' mailboxes")
    return mailbox


@writer_page
@require_http_methods(["GET", "POST"])
def settings_mailbox(request: AppRequest, mailbox_id: int) -> HttpResponse:
    """Edit one mailbox; stored passwords are never shown and stay unless a new one is typed."""
    mailbox = _manageable(request, mailbox_id)
    template = "ui/settings/mailbox.html"
    if request.method == "GET":
        form = MailboxForm(
            initial=MailboxForm.initial_for(mailbox), viewer=request.user, mailbox=mailbox
        )
        context = {"mailbox": mailbox, "form": form, "section": "settings_mailboxes"}
        return render_section(request, template, context, "settings_mailboxes")
    form = MailboxForm(request.POST, viewer=request.user, mailbox=mailbox)
    context = {"mailbox": mailbox, "form": form, "section": "settings_mailboxes"}
    if not form.is_valid():
        return render_failed(request, template, context, form)
    try:
        mailbox_actions.save_mailbox(actor=request.user, mailbox=mailbox, **form.action_fields())
    except AppError as error:
        fresh = queries.access_mailbox(request.user, mailbox_id)
        return render_failed(request, template, {**context, "mailbox": fresh}, form, error)
    toast(request, f"Mailbox “{mailbox.name}” saved")
    return redirect_to("settings_mailboxes")


# --- suppression list --------------------------------------------------------------------------


def _suppressions_context(
    request: AppRequest, form: SuppressionForm | None = None
) -> dict[str, Any]:
    search = request.GET.get("q", "").strip()[:254]
    rows = queries.suppressions(request.user)
    if search:
        rows = rows.filter(address__icontains=search)
    page = paginate(rows, [SortKey("id", descending=True)], request.GET, size=SUPPRESSIONS_PAGE)
    return {
        "page": page,
        "search": search,
        "form": form or SuppressionForm(),
        "section": "settings_suppressions",
    }


@writer_page
@require_http_methods(["GET", "POST"])
def settings_suppressions(request: AppRequest) -> HttpResponse:
    """Addresses nothing is sent to: search, add (queued mail to it is cancelled at once)."""
    template = "ui/settings/suppressions.html"
    if request.method == "GET":
        context = _suppressions_context(request)
        return render_section(request, template, context, "settings_suppressions")
    form = SuppressionForm(request.POST)
    context = _suppressions_context(request, form)
    if not form.is_valid():
        return render_failed(request, template, context, form)
    data = form.cleaned_data
    try:
        row = actions.suppress(
            workspace_of(request), data["address"], data["reason"], actor=request.user,
            note=data["note"],
        )  # fmt: skip
    except AppError as error:
        return render_failed(request, template, context, form, error)
    toast(request, f"Suppressed {row.address}: nothing more is sent to it")
    return redirect_to("settings_suppressions")


@writer_page
@require_POST
def settings_suppression_remove(request: AppRequest, suppression_id: int) -> HttpResponse:
    row = queries.suppressions(request.user).filter(pk=suppression_id).first()
    if row is None:
        raise NotFound("suppression not found")
    require_admin(request.user)
    try:
        actions.unsuppress(actor=request.user, suppression=row)
    except AppError as error:
        toast(request, error.message, messages.ERROR)
        return redirect_to("settings_suppressions")
    toast(request, f"Removed {row.address} from the suppression list")
    return redirect_to("settings_suppressions")
