"""Campaign pages: list with results, the form, preview with a sample, test send, schedule, cancel.

Reading is open to the workspace (as in the API); every write first checks that the viewer may
run campaigns (403 for hiring managers and analysts), then hands over to outreach.campaigns.
A refusal of the action itself (a broken template, a mailbox one may not send from, a state
that does not allow it) comes back as an error toast, never an error page.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from talentloop.core.errors import AppError, NotFound, ValidationFailed
from talentloop.outreach import campaign_queries, campaigns, domain, queries
from talentloop.outreach.models import Campaign
from talentloop.outreach.rendering import Rendered
from talentloop.people.queries import access_person
from talentloop.search.segment_queries import visible_segments
from talentloop.ui import people_query as pq
from talentloop.ui.forms_outreach import CampaignForm, ScheduleForm, user_zone
from talentloop.ui.pagination import SortKey, paginate
from talentloop.ui.views.common import (
    AppRequest,
    login_required,
    render_with_errors,
    respond,
    toast,
)

PAGE_SIZE = 50
PREVIEW_CHECKED = 500  # people checked by a preview; the count covers everyone
RECIPIENTS_SHOWN = 100
SCHEDULABLE = {domain.CampaignState.DRAFT, domain.CampaignState.SCHEDULED}
CANCELLABLE = {domain.CampaignState.SCHEDULED, domain.CampaignState.SENDING}


@login_required
@require_GET
def campaign_list(request: AppRequest) -> HttpResponse:
    rows = queries.campaigns(request.user).select_related("template", "mailbox")
    page = paginate(rows, [SortKey("id", descending=True)], request.GET, size=PAGE_SIZE)
    results = campaign_queries.results_by_campaign(request.user, [c.pk for c in page.items])
    segment_ids = {campaign.segment_id for campaign in page.items if campaign.segment_id}
    segments = visible_segments(request.user).filter(pk__in=segment_ids)
    names = dict(segments.values_list("pk", "name")) if segment_ids else {}
    none = campaign_queries.CampaignResults()
    context = {
        "page": page,
        "rows": [(c, results.get(c.pk, none), names.get(c.segment_id or 0)) for c in page.items],
        "zone": user_zone(request.user),
    }
    return respond(request, "ui/campaigns/list.html", context)


# --- the form ----------------------------------------------------------------------------------


def _form_page(
    request: AppRequest,
    campaign: Campaign | None,
    form: CampaignForm,
    query: pq.PeopleQuery | None = None,
    error: ValidationFailed | None = None,
) -> HttpResponse:
    context = {"campaign": campaign, "form": form, "pq": query}
    if form.errors or error is not None or (query is not None and query.error):
        return render_with_errors(
            request, "ui/campaigns/form.html", context, form=form, error=error
        )
    return respond(request, "ui/campaigns/form.html", context)


def _fields(request: AppRequest, form: CampaignForm) -> dict[str, Any]:
    data = form.cleaned_data
    segment = int(data["segment"]) if form.uses_segment else None
    return {
        "name": data["name"],
        "template": queries.access_template(request.user, int(data["template"])),
        "mailbox": queries.access_mailbox(request.user, int(data["mailbox"])),
        "topic": data["topic"],
        "segment_id": segment,
        "audience_query": "" if form.uses_segment else data["audience_query"],
    }


@login_required
@require_http_methods(["GET", "POST"])
def campaign_new(request: AppRequest) -> HttpResponseBase:
    campaigns.check_may_run_campaigns(request.user)
    return _edit(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def campaign_edit(request: AppRequest, campaign_id: int) -> HttpResponseBase:
    campaign = queries.access_campaign(request.user, campaign_id)
    campaigns.check_may_run_campaigns(request.user)
    return _edit(request, campaign)


def _edit(request: AppRequest, campaign: Campaign | None) -> HttpResponseBase:
    if request.method != "POST":
        initial = CampaignForm.initial_for(campaign) if campaign else None
        return _form_page(request, campaign, CampaignForm(initial=initial, viewer=request.user))
    form = CampaignForm(request.POST, viewer=request.user)
    if not form.is_valid():
        return _form_page(request, campaign, form)
    query = pq.parse_query(form.cleaned_data["audience_query"])
    if not form.uses_segment and query.error:
        form.add_error("audience_query", "The query is not valid; see below")
        return _form_page(request, campaign, form, query)
    fields = _fields(request, form)
    if campaign is not None and fields["segment_id"] is None:
        # Why: save_campaign skips None values, so leaving a segment for a query is said here.
        campaign.segment_id = None
    try:
        saved = campaigns.save_campaign(actor=request.user, campaign=campaign, **fields)
    except AppError as error:
        problem = ValidationFailed(error.message, fields=error.fields)
        fresh = queries.access_campaign(request.user, campaign.pk) if campaign else None
        return _form_page(request, fresh, form, query, problem)
    toast(request, f"Campaign “{saved.name}” saved")
    return redirect("campaign_detail", saved.pk)


# --- detail, preview, sample -------------------------------------------------------------------


def _detail(
    request: AppRequest, campaign: Campaign, schedule: ScheduleForm | None = None
) -> HttpResponse:
    zone = user_zone(request.user)
    segments = visible_segments(request.user).filter(pk=campaign.segment_id or 0)
    results = _results(request, campaign)
    context = {
        "campaign": campaign,
        "segment": segments.first() if campaign.segment_id else None,
        "results": results,
        "schedule_form": schedule or ScheduleForm(zone=zone),
        "zone": zone,
        "schedulable": campaign.state in SCHEDULABLE,
        "cancellable": _cancellable(campaign, results),
    }
    if schedule is not None and schedule.errors:
        return render_with_errors(
            request, "ui/campaigns/detail.html", context, form=schedule, error=None
        )
    return respond(request, "ui/campaigns/detail.html", context)


def _results(request: AppRequest, campaign: Campaign) -> campaign_queries.CampaignResults:
    results = campaign_queries.results_by_campaign(request.user, [campaign.pk])
    return results.get(campaign.pk, campaign_queries.CampaignResults())


def _cancellable(campaign: Campaign, results: campaign_queries.CampaignResults) -> bool:
    # A sent campaign can still be stopped while its messages wait in the outbox.
    waiting = campaign.state == domain.CampaignState.SENT and results.queued > 0
    return campaign.state in CANCELLABLE or waiting


@login_required
@require_GET
def campaign_detail(request: AppRequest, campaign_id: int) -> HttpResponse:
    campaign = _campaign(request, campaign_id)
    return _detail(request, campaign)


def _campaign(request: AppRequest, campaign_id: int) -> Campaign:
    """The campaign with what its pages show, if it is in the viewer's workspace (else 404)."""
    rows = queries.campaigns(request.user).select_related("template", "mailbox", "created_by")
    campaign = rows.filter(pk=campaign_id).first()
    if campaign is None:
        raise NotFound("campaign not found")
    return campaign


@login_required
@require_GET
def campaign_preview(request: AppRequest, campaign_id: int) -> HttpResponse:
    """Who will get it, who is skipped and why, and the first recipient's rendering."""
    campaign = _campaign(request, campaign_id)
    context: dict[str, Any] = {"campaign": campaign, "checked": PREVIEW_CHECKED}
    try:
        preview = campaigns.preview_campaign(
            actor=request.user, campaign=campaign, limit=PREVIEW_CHECKED
        )
    except ValidationFailed as problem:
        return respond(request, "ui/campaigns/preview.html", {**context, "problem": problem})
    recipients = campaign_queries.will_receive(
        actor=request.user, campaign=campaign, preview=preview, checked=PREVIEW_CHECKED
    )
    context |= {
        "preview": preview,
        "recipients": recipients[:RECIPIENTS_SHOWN],
        "rendered": preview.sample,
        "sample_person": preview.sample_person,
    }
    return respond(request, "ui/campaigns/preview.html", context)


@login_required
@require_GET
def campaign_sample(request: AppRequest, campaign_id: int) -> HttpResponse:
    """The sample pane (htmx): the campaign as one chosen recipient would receive it."""
    campaign = _campaign(request, campaign_id)
    raw = request.GET.get("person", "")
    if not raw.isdigit():
        raise ValidationFailed("choose a recipient", fields={"person": "required"})
    person = access_person(request.user, int(raw))
    rendered: Rendered | None = None
    problem = ""
    try:
        rendered = campaigns.render_for_recipient(
            actor=request.user, campaign=campaign, person=person
        )
    except ValidationFailed as error:
        problem = error.message
    context = {"rendered": rendered, "problem": problem, "sample_person": person}
    return respond(request, "ui/campaigns/_sample.html", context)


# --- writes ------------------------------------------------------------------------------------


@login_required
@require_POST
def campaign_test(request: AppRequest, campaign_id: int) -> HttpResponseBase:
    """Send the campaign, as its first recipient would see it, to the viewer's own address."""
    campaign = _campaign(request, campaign_id)
    campaigns.check_may_run_campaigns(request.user)
    back = "campaign_preview" if request.POST.get("next") == "preview" else "campaign_detail"
    try:
        message = campaigns.send_test(actor=request.user, campaign=campaign)
    except AppError as error:
        toast(request, f"The test was not sent: {error.message}", messages.ERROR)
        return redirect(back, campaign.pk)
    if message.state == domain.MessageState.REFUSED:
        toast(request, f"The test was refused: {message.reason}", messages.WARNING)
    else:
        toast(request, f"Test queued to {message.to_address}; it shows in the Outbox")
    return redirect(back, campaign.pk)


@login_required
@require_POST
def campaign_schedule(request: AppRequest, campaign_id: int) -> HttpResponseBase:
    campaign = _campaign(request, campaign_id)
    campaigns.check_may_run_campaigns(request.user)
    form = ScheduleForm(request.POST, zone=user_zone(request.user))
    if not form.is_valid():
        return _detail(request, campaign, form)
    send_at = form.cleaned_data["send_at"]
    try:
        campaigns.schedule_campaign(actor=request.user, campaign=campaign, send_at=send_at)
    except AppError as error:
        toast(request, error.message, messages.ERROR)
        return redirect("campaign_detail", campaign.pk)
    if send_at is None:
        toast(request, f"“{campaign.name}” is being sent now")
    else:
        local = send_at.astimezone(form.zone)
        toast(request, f"“{campaign.name}” will be sent {local:%b %-d, %H:%M} ({form.zone.key})")
    return redirect("campaign_detail", campaign.pk)


@login_required
@require_POST
def campaign_cancel(request: AppRequest, campaign_id: int) -> HttpResponseBase:
    """Stop a scheduled campaign, and cancel what it queued but has not sent."""
    campaign = _campaign(request, campaign_id)
    campaigns.check_may_run_campaigns(request.user)
    if not _cancellable(campaign, _results(request, campaign)):
        toast(request, f"A {campaign.state} campaign cannot be cancelled", messages.ERROR)
        return redirect("campaign_detail", campaign.pk)
    campaigns.cancel_campaign(actor=request.user, campaign=campaign)
    toast(request, f"“{campaign.name}” cancelled")
    return redirect("campaign_detail", campaign.pk)
