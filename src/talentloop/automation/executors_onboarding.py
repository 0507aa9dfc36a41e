"""`start_onboarding`: a new hire's checklist tasks, the welcome email and the hand-off export.

The hand-off export is the JSON document an HRIS takes in: who the new hire is, how to reach
them, the job and the accepted offer. It carries no secrets and nothing internal (no notes,
tags, salary expectations, scores or ids of other records than the hire's own), and is
stored as an attachment of the person, downloadable like any other.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from talentloop.accounts.models import User
from talentloop.automation.checklists import assignee_of
from talentloop.automation.context import StepContext
from talentloop.automation.domain import Action, ActionKind
from talentloop.automation.executors import ActionResult, fill, resolve_assignee
from talentloop.automation.models import ChecklistItem, ChecklistTemplate
from talentloop.core.scheduling import PermanentFailure
from talentloop.people.actions import do_upload_attachment
from talentloop.people.task_actions import do_create_task
from talentloop.recruiting.models import Offer

HANDOFF_FORMAT = "talentloop.handoff/1"


def _checklist(ctx: StepContext, checklist_id: int | None) -> ChecklistTemplate:
    checklist = (
        ChecklistTemplate.objects.filter(
            pk=checklist_id or 0, workspace_id=ctx.workflow.workspace_id
        )
        .prefetch_related("items")
        .first()
    )
    if checklist is None:
        raise PermanentFailure(f"checklist {checklist_id} no longer exists")
    return checklist


def _assignees(ctx: StepContext, items: list[ChecklistItem]) -> list[User]:
    """Who gets each item; nobody for one of them fails the step before anything is written."""
    found = []
    for item in items:
        user = resolve_assignee(ctx, assignee_of(item))
        if user is None:
            raise PermanentFailure(f"no one to assign '{item.title}' to: the rule found nobody")
        found.append(user)
    return found


def handoff_document(ctx: StepContext) -> dict[str, Any]:
    """The new hire's record for the HRIS (no secrets, nothing internal)."""
    person, candidacy = ctx.person, ctx.candidacy
    contacts = sorted(person.contact_points.all(), key=lambda c: (not c.is_primary, c.pk))
    offer = None
    if candidacy is not None:
        offer = candidacy.offers.filter(status=Offer.Status.ACCEPTED).order_by("-id").first()
    job = candidacy.job if candidacy is not None else None
    return {
        "format": HANDOFF_FORMAT,
        "generated_at": ctx.now.isoformat(),
        "person": {
            "id": person.pk, "first_name": person.first_name, "last_name": person.last_name,
            "title": person.current_title, "city": person.city, "region": person.region,
            "country": person.country, "time_zone": person.time_zone,
            "contacts": [{"kind": c.kind, "value": c.value, "primary": c.is_primary}
                         for c in contacts if c.kind in ("email", "phone")],
        },
        "job": {"id": job.pk, "title": job.title} if job is not None else None,
        "candidacy": (
            {"id": candidacy.pk, "outcome": candidacy.outcome,
             "closed_at": candidacy.closed_at.isoformat() if candidacy.closed_at else None}
            if candidacy is not None else None
        ),
        "offer": (
            {"id": offer.pk, "status": offer.status,
             "decided_at": offer.decided_at.isoformat() if offer.decided_at else None}
            if offer is not None else None
        ),
    }  # fmt: skip


def _store_handoff(ctx: StepContext) -> int:
    body = json.dumps(handoff_document(ctx), indent=2, sort_keys=True).encode()
    run_id = ctx.run.pk if ctx.run is not None else 0
    upload = SimpleUploadedFile(
        f"handoff-{ctx.person.pk}-run{run_id}.json", body, content_type="application/json"
    )
    return do_upload_attachment(actor=None, person=ctx.person, upload=upload, kind="other").pk


def start_onboarding(ctx: StepContext, path: str, action: Action) -> ActionResult:
    from talentloop.automation.executors_outreach import send_email

    checklist = _checklist(ctx, action.checklist_id)
    items = list(checklist.items.all())
    assignees = _assignees(ctx, items)
    email = Action(kind=ActionKind.SEND_EMAIL, template_id=action.template_id,
                   mailbox_id=action.mailbox_id)  # fmt: skip
    if ctx.simulate:
        would = send_email(ctx, path, email).decision
        return ActionResult(
            f"would create {len(items)} task(s) from '{checklist.name}', {would}, "
            "and store the hand-off export"
        )
    task_ids = [
        do_create_task(
            actor=None, workspace=ctx.workspace, title=fill(ctx, item.title)[:200],
            assignee=assignee, person=ctx.person,
            due_at=ctx.now + timedelta(days=item.due_offset_days), kind="todo",
        ).pk
        for item, assignee in zip(items, assignees, strict=True)
    ]  # fmt: skip
    mail = send_email(ctx, path, email)  # the outbox keeps one email per idempotency key
    attachment_id = _store_handoff(ctx)
    decision = (
        f"created {len(task_ids)} task(s) from '{checklist.name}'; {mail.decision}; "
        "stored the hand-off export"
    )
    data: dict[str, object] = {"task_ids": task_ids, "attachment_id": attachment_id, **mail.data}
    return ActionResult(decision, data)
