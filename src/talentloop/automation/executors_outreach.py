"""Executors that reach people or teammates: email, sequences, notifications, webhooks.

Every email goes through the outreach outbox with the step's idempotency key, so the
contactability rules (suppression, do-not-contact, opt-outs, lawful basis) apply and a step
run twice queues one email.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.html import escape

from talentloop.accounts.models import User
from talentloop.automation import webhooks
from talentloop.automation.addresses import AddressRefused
from talentloop.automation.context import StepContext
from talentloop.automation.domain import Action
from talentloop.automation.executors import ActionResult, fill, resolve_assignee
from talentloop.automation.models import Notification
from talentloop.core.scheduling import PermanentFailure
from talentloop.outreach import queries as outreach_queries
from talentloop.outreach.actions import queue_message
from talentloop.outreach.enrollment_actions import enrol, preview_enrolment, stop_enrollment
from talentloop.outreach.models import Mailbox, Template
from talentloop.outreach.rendering import Rendered
from talentloop.outreach.sequence_models import Enrollment, Sequence
from talentloop.outreach.sequence_rules import LIVE_STATES, StopReason

REFUSED_STATES = ("refused", "cancelled")


def _mailbox(ctx: StepContext, mailbox_id: int | None) -> Mailbox:
    mailbox = Mailbox.objects.filter(
        pk=mailbox_id or 0, workspace_id=ctx.workflow.workspace_id
    ).first()
    if mailbox is None:
        raise PermanentFailure(f"mailbox {mailbox_id} no longer exists")
    return mailbox


def send_email(ctx: StepContext, path: str, action: Action) -> ActionResult:
    template = Template.objects.filter(
        pk=action.template_id or 0, workspace_id=ctx.workflow.workspace_id, archived=False
    ).first()
    if template is None:
        raise PermanentFailure(f"template {action.template_id} no longer exists")
    mailbox = _mailbox(ctx, action.mailbox_id)
    what = f"'{template.name}' from {mailbox.name}"
    if ctx.simulate:
        refusal = outreach_queries.contactability(
            ctx.workflow.workspace_id, ctx.person.pk, ctx.person.primary_email, template.topic
        )
        but = f", but it would be refused: {refusal.reason}" if refusal else ""
        return ActionResult(f"would email {what}{but}")
    message = queue_message(
        actor=None,
        workspace=ctx.workspace,
        mailbox=mailbox,
        person=ctx.person,
        template=template,
        idempotency_key=ctx.key(path),
        job=ctx.candidacy.job if ctx.candidacy is not None else None,
    )
    data: dict[str, object] = {"message_id": message.pk, "state": message.state}
    if message.state in REFUSED_STATES:
        return ActionResult(f"not sent: {message.reason}", data)
    return ActionResult(f"queued {what}", data)


def _sequence(ctx: StepContext, sequence_id: int | None) -> Sequence:
    sequence = (
        Sequence.objects.filter(pk=sequence_id or 0, workspace_id=ctx.workflow.workspace_id)
        .select_related("mailbox")
        .first()
    )
    if sequence is None:
        raise PermanentFailure(f"sequence {sequence_id} no longer exists")
    return sequence


def enrol_in_sequence(ctx: StepContext, path: str, action: Action) -> ActionResult:
    sequence = _sequence(ctx, action.sequence_id)
    if ctx.author is None:
        raise PermanentFailure(
            "the workflow's author can no longer act for it; an admin or recruiter must save it"
        )
    if ctx.simulate:
        preview = preview_enrolment(actor=ctx.author, sequence=sequence, people=[ctx.person])
        if preview.skipped:
            return ActionResult(f"would not enrol: {preview.skipped[0].reason}")
        return ActionResult(f"would enrol in the sequence '{sequence.name}'")
    result = enrol(actor=ctx.author, sequence=sequence, people=[ctx.person], source="workflow")
    if result.enrolled:
        enrollment = result.enrolled[0]
        decision = f"enrolled in the sequence '{sequence.name}'"
        return ActionResult(decision, {"enrollment_id": enrollment.pk})
    skipped = result.skipped[0]
    return ActionResult(f"not enrolled: {skipped.reason}", {"skipped": skipped.code})


def remove_from_sequence(ctx: StepContext, path: str, action: Action) -> ActionResult:
    live = Enrollment.objects.filter(
        workspace_id=ctx.workflow.workspace_id, person=ctx.person, state__in=LIVE_STATES
    )
    if action.sequence_id is not None:
        live = live.filter(sequence_id=action.sequence_id)
    enrollments = list(live.order_by("id"))
    if ctx.simulate:
        return ActionResult(f"would stop {len(enrollments)} live enrolment(s)")
    for enrollment in enrollments:
        stop_enrollment(
            actor=None,
            enrollment=enrollment,
            reason=StopReason.MANUAL,
            detail=f"by the workflow '{ctx.workflow.name}'"[:150],
        )
    ids = [enrollment.pk for enrollment in enrollments]
    return ActionResult(f"stopped {len(ids)} live enrolment(s)", {"enrollment_ids": ids})


def _email_teammate(ctx: StepContext, mailbox: Mailbox, user: User, key: str,
                    title: str, body: str) -> int:  # fmt: skip
    text = body or title
    message = queue_message(
        actor=None,
        workspace=ctx.workspace,
        mailbox=mailbox,
        person=None,
        to_address=user.email,
        rendered=Rendered(subject=title, html=f"<p>{escape(text)}</p>", text=text),
        idempotency_key=f"{key}:email",
    )
    return message.pk


def notify_user(ctx: StepContext, path: str, action: Action) -> ActionResult:
    user = resolve_assignee(ctx, action.assignee)
    if user is None:
        raise PermanentFailure("no one to notify: the rule found nobody")
    title, body = fill(ctx, action.title)[:200], fill(ctx, action.description)
    mailbox = _mailbox(ctx, action.mailbox_id) if action.mailbox_id is not None else None
    also = " and email them" if mailbox else ""
    if ctx.simulate:
        return ActionResult(f"would notify {user.display_name}{also}: {title}")
    key = ctx.key(path)
    notification, _ = Notification.objects.get_or_create(
        idempotency_key=key,
        defaults={"workspace_id": ctx.workflow.workspace_id, "user": user, "title": title,
                  "body": body, "person": ctx.person, "run": ctx.run},
    )  # fmt: skip
    data: dict[str, object] = {"notification_id": notification.pk, "user_id": user.pk}
    if mailbox is not None:
        data["message_id"] = _email_teammate(ctx, mailbox, user, key, title, body)
    return ActionResult(f"notified {user.display_name}{also}: {title}", data)


def _webhook_payload(ctx: StepContext, path: str) -> dict[str, object]:
    event = ctx.event
    run = ctx.run
    return {
        "workflow_id": ctx.workflow.pk,
        "workflow_version": run.version.number if run is not None else None,
        "run_id": run.pk if run is not None else None,
        "depth": run.depth if run is not None else 0,
        "step": path,
        "subject": {
            "type": run.subject_type if run is not None else "person",
            "id": run.subject_id if run is not None else ctx.person.pk,
        },
        "person_id": ctx.person.pk,
        "event": (
            {"id": event.pk, "verb": event.verb, "occurred_at": event.occurred_at.isoformat()}
            if event is not None
            else None
        ),
        "sent_at": ctx.now.isoformat(),
    }


def call_webhook(ctx: StepContext, path: str, action: Action) -> ActionResult:
    if ctx.simulate:
        return ActionResult(f"would POST a signed request to {action.url}")
    body = webhooks.encode(_webhook_payload(ctx, path))
    timestamp = int(ctx.now.timestamp())
    sent = webhooks.headers(
        secret=ctx.workflow.webhook_secret,
        timestamp=timestamp,
        body=body,
        idempotency_key=ctx.key(path),
    )
    timeout = float(getattr(settings, "AUTOMATION_WEBHOOK_TIMEOUT", 10))
    try:
        status = webhooks.post(action.url, body, sent, timeout=timeout)
    except AddressRefused as error:
        raise PermanentFailure(f"{action.url} not called: {error}") from None
    if 200 <= status < 300:
        return ActionResult(f"{action.url} answered {status}", {"status": status})
    if webhooks.is_permanent(status):
        raise PermanentFailure(f"{action.url} answered {status}")
    raise webhooks.WebhookFailed(f"{action.url} answered {status}; trying again later")
