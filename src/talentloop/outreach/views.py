"""Public recipient pages reached from an email: one-click unsubscribe, preferences, and the
open pixel and click redirect of mailboxes that track them.

No login: the signed token in the URL names the workspace, address and person (or message).
A token that does not verify answers 404, so a guessed or edited link reveals nothing; the
pixel answers its image whatever the token, and records only for a valid one.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from talentloop.accounts.models import Workspace
from talentloop.core.errors import NotFound, ValidationFailed
from talentloop.outreach import actions, domain, link_tracking, links, queries, tracking
from talentloop.people.domain import Seniority
from talentloop.people.models import Person


def _recipient(token: str) -> tuple[links.Recipient, Workspace, Person | None]:
    recipient = links.read_token(token)
    workspace = Workspace.objects.filter(pk=recipient.workspace_id).first()
    if workspace is None:
        raise NotFound("this link is not valid")
    person = None
    if recipient.person_id is not None:
        person = Person.objects.filter(workspace=workspace, pk=recipient.person_id).first()
    return recipient, workspace, person


def _not_found(request: HttpRequest) -> HttpResponse:
    return render(request, "outreach/link_invalid.html", status=404)


# Why csrf_exempt: RFC 8058 one-click POSTs come from mail providers, not from our pages;
# the signed token is what authorises the request.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a confirm button (link scanners must not unsubscribe); POST suppresses."""
    try:
        recipient, workspace, _person = _recipient(token)
    except NotFound:
        return _not_found(request)
    context = {"token": token, "preferences_url": links.preferences_url(token)}
    if request.method == "GET":
        return render(request, "outreach/unsubscribe.html", context)
    actions.suppress(workspace, recipient.address, domain.SuppressionReason.UNSUBSCRIBED)
    if domain.unsubscribe_body_is_one_click(request.body):
        return HttpResponse("unsubscribed\n", content_type="text/plain")
    return render(request, "outreach/unsubscribe.html", {**context, "done": True})


@never_cache
@require_GET
def track_open(request: HttpRequest, token: str) -> HttpResponse:
    """A 1x1 transparent GIF; a valid token records that the message was opened."""
    try:
        opened = links.read_open_token(token)
    except NotFound:
        opened = None
    if opened is not None:
        tracking.record_message_open(workspace_id=opened.workspace_id, message_id=opened.message_id)
    return HttpResponse(link_tracking.TRANSPARENT_GIF, content_type="image/gif")


@never_cache
@require_GET
def track_click(request: HttpRequest, token: str) -> HttpResponse:
    """Record the click and redirect to the signed address; never to an unsigned one."""
    try:
        clicked = links.read_click_token(token)
    except NotFound:
        return _not_found(request)
    tracking.record_message_click(
        workspace_id=clicked.workspace_id, message_id=clicked.message_id, url=clicked.url
    )
    return HttpResponseRedirect(clicked.url)


@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest, token: str) -> HttpResponse:
    """The preference centre: unsubscribe from everything or per topic; job-alert interests."""
    try:
        recipient, workspace, person = _recipient(token)
    except NotFound:
        return _not_found(request)
    saved = False
    error = ""
    if request.method == "POST":
        try:
            _save(request, recipient, workspace, person)
            saved = True
        except ValidationFailed as problem:
            error = problem.message
    preference = queries.preference_of(person) if person else None
    context = {
        "token": token,
        "person": person,
        "preference": preference,
        "suppressed": bool(queries.suppressed_addresses(workspace.pk, [recipient.address])),
        "topics": [(topic, topic.replace("_", " ").capitalize()) for topic in domain.TOPICS],
        "opted_out": set(preference.opted_out_topics) if preference else set(),
        "seniorities": [(level.value, level.label) for level in Seniority],
        "chosen_seniorities": set(preference.seniorities) if preference else set(),
        "saved": saved,
        "error": error,
        "workspace": workspace,
    }
    return render(request, "outreach/preferences.html", context, status=422 if error else 200)


def _split(raw: str) -> list[str]:
    return [part.strip() for part in raw.replace("\n", ",").split(",") if part.strip()]


def _save(
    request: HttpRequest, recipient: links.Recipient, workspace: Workspace, person: Person | None
) -> None:
    everything = request.POST.get("unsubscribe_all") == "on"
    if everything:
        actions.suppress(workspace, recipient.address, domain.SuppressionReason.UNSUBSCRIBED)
    if person is None:
        return
    wanted = set(request.POST.getlist("topics"))
    actions.update_preferences(
        person=person,
        unsubscribe_all=everything,
        opted_out_topics=[topic for topic in domain.TOPICS if topic not in wanted],
        job_alerts=request.POST.get("job_alerts") == "on",
        role_interests=_split(request.POST.get("role_interests", "")),
        locations=_split(request.POST.get("locations", "")),
        seniorities=[
            level for level in request.POST.getlist("seniorities") if level in set(Seniority)
        ],
    )
