"""REST endpoints for outreach delivery: mailboxes, templates, consents, suppressions,
messages and campaigns. Each view: parse → find what the caller may see (404) → role (403)
→ action → respond."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status

from talentloop.accounts.models import User, Workspace
from talentloop.accounts.permissions import require_admin, require_write
from talentloop.api.common import current_user
from talentloop.api.pagination import Page, paginate
from talentloop.core.errors import NotFound
from talentloop.outreach import actions, campaigns, mailbox_actions, queries, template_actions
from talentloop.outreach.models import ContactBasis, Mailbox, Message, Suppression, Template
from talentloop.outreach.rendering import Rendered
from talentloop.outreach.schemas import (
    BasisIn,
    BasisOut,
    CampaignIn,
    CampaignOut,
    CampaignPatch,
    CampaignPreviewOut,
    ContactabilityOut,
    DraftIn,
    MailboxIn,
    MailboxOut,
    MailboxPatch,
    MessageDetailOut,
    MessageFilters,
    MessageIn,
    MessageOut,
    PageQuery,
    PreviewIn,
    RenderedOut,
    ScheduleIn,
    SuppressionIn,
    SuppressionOut,
    TemplateIn,
    TemplateOut,
    TemplatePatch,
    TestSendIn,
)
from talentloop.people.queries import access_person

router = Router(tags=["outreach"])
_ID_SORT = {"id": "id"}


def _workspace(user: User) -> Workspace:
    assert user.workspace is not None  # auth admits only users with a workspace
    return user.workspace


def _page(rows: Any, query: PageQuery) -> dict[str, Any]:
    items, next_cursor = paginate(
        rows, cursor=query.cursor, limit=query.limit, sort="-id", allowed=_ID_SORT
    )
    return {"items": items, "next_cursor": next_cursor}


def _rendered(rendered: Rendered) -> dict[str, str]:
    return {"subject": rendered.subject, "html": rendered.html, "text": rendered.text}


# --- mailboxes --------------------------------------------------------------------------------


@router.get("/mailboxes", response=list[MailboxOut])
def list_mailboxes(request: HttpRequest) -> list[Mailbox]:
    """Sending identities of the workspace; passwords are never returned."""
    return list(queries.mailboxes(current_user(request)))


@router.post("/mailboxes", response={201: MailboxOut})
def create_mailbox(request: HttpRequest, payload: MailboxIn) -> Status[Mailbox]:
    """Add a mailbox; shared ones and send-on-behalf need an admin."""
    user = current_user(request)
    fields = payload.model_dump(exclude={"shared"})
    fields["owner_id"] = None if payload.shared else user.pk
    return Status(201, mailbox_actions.save_mailbox(actor=user, **fields))


@router.get("/mailboxes/{mailbox_id}", response=MailboxOut)
def get_mailbox(request: HttpRequest, mailbox_id: int) -> Mailbox:
    return queries.access_mailbox(current_user(request), mailbox_id)


@router.patch("/mailboxes/{mailbox_id}", response=MailboxOut)
def update_mailbox(request: HttpRequest, mailbox_id: int, payload: MailboxPatch) -> Mailbox:
    """Change a mailbox (admins, or the owner of a personal one), tracking switches included."""
    user = current_user(request)
    mailbox = queries.access_mailbox(user, mailbox_id)
    return mailbox_actions.save_mailbox(
        actor=user, mailbox=mailbox, **payload.model_dump(exclude_unset=True)
    )


# --- templates --------------------------------------------------------------------------------


@router.get("/templates", response=list[TemplateOut])
def list_templates(request: HttpRequest) -> list[Template]:
    return list(queries.templates(current_user(request)))


@router.post("/templates", response={201: TemplateOut})
def create_template(request: HttpRequest, payload: TemplateIn) -> Status[Template]:
    """Save a template; it must render for a real person (422 names the part and line)."""
    user = current_user(request)
    return Status(201, template_actions.save_template(actor=user, **payload.model_dump()))


@router.post("/templates/validate", response=RenderedOut)
def validate_template(request: HttpRequest, payload: DraftIn) -> dict[str, str]:
    """Render unsaved template text for a person (newest by default), or a 422 with line."""
    user = current_user(request)
    person = access_person(user, payload.person_id) if payload.person_id else None
    source = Template(subject=payload.subject, html=payload.html, text=payload.text)
    if person is None:
        return _rendered(template_actions.validate(actor=user, source=source))
    return _rendered(template_actions.preview(actor=user, source=source, person=person))


@router.get("/templates/{template_id}", response=TemplateOut)
def get_template(request: HttpRequest, template_id: int) -> Template:
    return queries.access_template(current_user(request), template_id)


@router.patch("/templates/{template_id}", response=TemplateOut)
def update_template(request: HttpRequest, template_id: int, payload: TemplatePatch) -> Template:
    user = current_user(request)
    template = queries.access_template(user, template_id)
    return template_actions.save_template(
        actor=user, template=template, **payload.model_dump(exclude_unset=True)
    )


@router.delete("/templates/{template_id}", response={204: None})
def archive_template(request: HttpRequest, template_id: int) -> Status[None]:
    user = current_user(request)
    template_actions.archive_template(
        actor=user, template=queries.access_template(user, template_id)
    )
    return Status(204, None)


@router.post("/templates/{template_id}/preview", response=RenderedOut)
def preview_template(request: HttpRequest, template_id: int, payload: PreviewIn) -> dict[str, str]:
    """Exactly what the chosen person would receive."""
    user = current_user(request)
    template = queries.access_template(user, template_id)
    person = access_person(user, payload.person_id) if payload.person_id else None
    job = _job(user, payload.job_id) if payload.job_id else None
    return _rendered(template_actions.preview(actor=user, source=template, person=person, job=job))


def _job(user: User, job_id: int) -> Any:
    from talentloop.recruiting.queries import access_job

    return access_job(user, job_id)


# --- consents and suppressions ----------------------------------------------------------------


@router.get("/people/{person_id}/consents", response=list[BasisOut])
def list_consents(request: HttpRequest, person_id: int) -> list[ContactBasis]:
    """Lawful-basis history of a person, newest first (withdrawn ones included)."""
    user = current_user(request)
    return list(queries.bases_of(user, access_person(user, person_id)))


@router.post("/people/{person_id}/consents", response={201: BasisOut})
def record_consent(request: HttpRequest, person_id: int, payload: BasisIn) -> Status[ContactBasis]:
    user = current_user(request)
    person = access_person(user, person_id)
    return Status(201, actions.record_basis(actor=user, person=person, **payload.model_dump()))


@router.post("/people/{person_id}/consents/{basis_id}/withdraw", response=BasisOut)
def withdraw_consent(request: HttpRequest, person_id: int, basis_id: int) -> ContactBasis:
    user = current_user(request)
    person = access_person(user, person_id)
    basis = queries.bases_of(user, person).filter(pk=basis_id).first()
    if basis is None:
        raise NotFound("consent not found")
    return actions.withdraw_basis(actor=user, basis=basis)


@router.get("/people/{person_id}/contactability", response=ContactabilityOut)
def contactability(request: HttpRequest, person_id: int) -> dict[str, Any]:
    """Whether an email to the person's primary address would go out now, and if not why."""
    user = current_user(request)
    person = access_person(user, person_id)
    refusal = queries.contactability(user.tenant_id, person.pk, person.primary_email, None)
    return {
        "person_id": person.pk,
        "address": person.primary_email,
        "contactable": refusal is None,
        "code": refusal.code if refusal else "",
        "reason": refusal.reason if refusal else "",
    }


@router.get("/suppressions", response=list[SuppressionOut])
def list_suppressions(request: HttpRequest, query: Query[PageQuery]) -> list[Suppression]:
    rows = queries.suppressions(current_user(request))
    return list(rows[: query.limit])


@router.post("/suppressions", response={201: SuppressionOut})
def add_suppression(request: HttpRequest, payload: SuppressionIn) -> Status[Suppression]:
    """Suppress an address; queued mail to it is cancelled at once."""
    user = current_user(request)
    require_write(user)
    row = actions.suppress(
        _workspace(user), payload.address, payload.reason, actor=user, note=payload.note
    )
    return Status(201, row)


@router.delete("/suppressions/{suppression_id}", response={204: None})
def remove_suppression(request: HttpRequest, suppression_id: int) -> Status[None]:
    user = current_user(request)
    row = queries.suppressions(user).filter(pk=suppression_id).first()
    if row is None:
        raise NotFound("suppression not found")
    require_admin(user)
    actions.unsuppress(actor=user, suppression=row)
    return Status(204, None)


# --- messages ---------------------------------------------------------------------------------


@router.get("/messages", response=Page[MessageOut])
def list_messages(request: HttpRequest, filters: Query[MessageFilters]) -> dict[str, Any]:
    """The outbox, newest first; filter by state, person or campaign."""
    rows = queries.messages(current_user(request))
    for name in ("state", "person_id", "campaign_id"):
        value = getattr(filters, name)
        if value is not None:
            rows = rows.filter(**{name: value})
    return _page(rows, filters)


@router.post("/messages", response={201: MessageDetailOut, 200: MessageDetailOut})
def queue_message(request: HttpRequest, payload: MessageIn) -> Status[Message]:
    """Queue one email; the same idempotency_key again returns the first message (200)."""
    user = current_user(request)
    require_write(user)
    existing = queries.messages(user).filter(idempotency_key=payload.idempotency_key).first()
    if existing is not None:
        return Status(200, existing)
    mailbox = queries.access_mailbox(user, payload.mailbox_id)
    message = actions.queue_message(
        actor=user,
        workspace=_workspace(user),
        mailbox=mailbox,
        person=access_person(user, payload.person_id),
        template=queries.access_template(user, payload.template_id),
        job=_job(user, payload.job_id) if payload.job_id else None,
        idempotency_key=payload.idempotency_key,
        thread_of=(
            queries.access_message(user, payload.reply_to_message_id)
            if payload.reply_to_message_id
            else None
        ),
        send_after=payload.send_after,
    )
    return Status(201, message)


@router.get("/messages/{message_id}", response=MessageDetailOut)
def get_message(request: HttpRequest, message_id: int) -> Message:
    return queries.access_message(current_user(request), message_id)


@router.post("/messages/{message_id}/cancel", response=MessageDetailOut)
def cancel_message(request: HttpRequest, message_id: int) -> Message:
    user = current_user(request)
    return actions.cancel_message(actor=user, message=queries.access_message(user, message_id))


# --- campaigns --------------------------------------------------------------------------------


@router.get("/campaigns", response=list[CampaignOut])
def list_campaigns(request: HttpRequest) -> list[Any]:
    return list(queries.campaigns(current_user(request))[:200])


def _campaign_fields(user: User, payload: CampaignIn | CampaignPatch) -> dict[str, Any]:
    fields = payload.model_dump(exclude_unset=True)
    if fields.get("template_id") is not None:
        fields["template"] = queries.access_template(user, fields.pop("template_id"))
    if fields.get("mailbox_id") is not None:
        fields["mailbox"] = queries.access_mailbox(user, fields.pop("mailbox_id"))
    if fields.get("segment_id") is not None:
        from talentloop.search.models import Segment

        if not Segment.objects.filter(
            workspace_id=user.tenant_id, pk=fields["segment_id"]
        ).exists():
            raise NotFound("segment not found")
    return fields


@router.post("/campaigns", response={201: CampaignOut})
def create_campaign(request: HttpRequest, payload: CampaignIn) -> Status[Any]:
    """A draft one-off campaign to a segment (or query text)."""
    user = current_user(request)
    campaigns.check_may_run_campaigns(user)
    return Status(201, campaigns.save_campaign(actor=user, **_campaign_fields(user, payload)))


@router.get("/campaigns/{campaign_id}", response=CampaignOut)
def get_campaign(request: HttpRequest, campaign_id: int) -> Any:
    return queries.access_campaign(current_user(request), campaign_id)


@router.patch("/campaigns/{campaign_id}", response=CampaignOut)
def update_campaign(request: HttpRequest, campaign_id: int, payload: CampaignPatch) -> Any:
    user = current_user(request)
    campaign = queries.access_campaign(user, campaign_id)
    campaigns.check_may_run_campaigns(user)
    return campaigns.save_campaign(actor=user, campaign=campaign, **_campaign_fields(user, payload))


@router.get("/campaigns/{campaign_id}/preview", response=CampaignPreviewOut)
def preview_campaign(request: HttpRequest, campaign_id: int) -> dict[str, Any]:
    """Who will get it, who is skipped and why, and the first recipient's rendering."""
    user = current_user(request)
    preview = campaigns.preview_campaign(
        actor=user, campaign=queries.access_campaign(user, campaign_id)
    )
    return {
        "total": preview.total,
        "will_send": preview.will_send,
        "skipped": [
            {"person_id": person.pk, "name": person.full_name, "reason": reason}
            for person, reason in preview.skipped
        ],
        "sample_person_id": preview.sample_person.pk if preview.sample_person else None,
        "sample": _rendered(preview.sample) if preview.sample else None,
    }


@router.post("/campaigns/{campaign_id}/test-send", response={201: MessageDetailOut})
def test_send_campaign(
    request: HttpRequest, campaign_id: int, payload: TestSendIn
) -> Status[Message]:
    user = current_user(request)
    campaign = queries.access_campaign(user, campaign_id)
    message = campaigns.send_test(actor=user, campaign=campaign, to_address=payload.to_address)
    return Status(201, message)


@router.post("/campaigns/{campaign_id}/schedule", response=CampaignOut)
def schedule_campaign(request: HttpRequest, campaign_id: int, payload: ScheduleIn) -> Any:
    """Send at `send_at`, or now when omitted; the worker renders and queues it."""
    user = current_user(request)
    campaign = queries.access_campaign(user, campaign_id)
    return campaigns.schedule_campaign(actor=user, campaign=campaign, send_at=payload.send_at)


@router.post("/campaigns/{campaign_id}/cancel", response=CampaignOut)
def cancel_campaign(request: HttpRequest, campaign_id: int) -> Any:
    user = current_user(request)
    return campaigns.cancel_campaign(
        actor=user, campaign=queries.access_campaign(user, campaign_id)
    )
