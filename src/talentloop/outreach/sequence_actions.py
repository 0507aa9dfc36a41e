"""Sequence writes: create and edit a sequence with its steps, archive it."""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Sequence as SequenceOf
from datetime import time
from typing import Any

from django.db import transaction

from talentloop.accounts import permissions
from talentloop.accounts.models import User
from talentloop.core.errors import Conflict, ValidationFailed
from talentloop.core.events import record_event
from talentloop.outreach import queries
from talentloop.outreach.models import Mailbox, Template
from talentloop.outreach.sending_window import is_zone_name, parse_weekdays
from talentloop.outreach.sequence_models import Enrollment, Sequence, SequenceStep
from talentloop.outreach.sequence_rules import LIVE_STATES, StepSpec, parse_steps


def save_sequence(
    *,
    actor: User,
    sequence: Sequence | None = None,
    name: str,
    mailbox_id: int,
    steps: SequenceOf[Mapping[str, Any]],
    description: str = "",
    business_start: time = time(9, 0),
    business_end: time = time(17, 0),
    business_days: SequenceOf[int | str] = (0, 1, 2, 3, 4),
    fallback_time_zone: str = "",
) -> Sequence:
    """Create a sequence, or edit one that nobody is going through right now."""
    permissions.require_write(actor)
    specs, errors = parse_steps(steps)
    mailbox = _mailbox(actor, mailbox_id, errors)
    _check_templates(actor, specs, errors)
    days = _check_settings(
        name, business_start, business_end, business_days, fallback_time_zone, errors
    )
    if errors:
        raise ValidationFailed("the sequence is not valid", fields=errors)
    with transaction.atomic():
        if sequence is not None and _has_live_enrollments(sequence):
            raise Conflict(
                "people are going through this sequence; pause or stop them, or copy it",
                code="sequence_in_use",
            )
        creating = sequence is None
        sequence = sequence or Sequence(workspace_id=actor.tenant_id, created_by=actor)
        sequence.name, sequence.description = name.strip(), description.strip()
        sequence.mailbox = mailbox  # type: ignore[assignment]
        sequence.business_start, sequence.business_end = business_start, business_end
        sequence.business_days, sequence.fallback_time_zone = days, fallback_time_zone.strip()
        _save_unique(sequence)
        _replace_steps(sequence, specs)
        record_event(
            workspace=sequence.workspace,
            actor=actor,
            verb="sequence.created" if creating else "sequence.updated",
            subject=sequence,
            data={"mailbox_id": sequence.mailbox_id, "steps": len(specs)},
        )
    return sequence


def _mailbox(actor: User, mailbox_id: int, errors: dict[str, str]) -> Mailbox | None:
    mailbox = queries.mailboxes(actor).filter(pk=mailbox_id, active=True).first()
    if mailbox is None:
        errors["mailbox_id"] = "choose an active mailbox"
    elif not queries.may_send_from(actor, mailbox):
        errors["mailbox_id"] = "you may not send from this mailbox"
    return mailbox


def _check_templates(actor: User, specs: list[StepSpec], errors: dict[str, str]) -> None:
    wanted = {spec.template_id for spec in specs if spec.template_id is not None}
    found = set(
        queries.templates(actor).filter(pk__in=wanted, archived=False).values_list("pk", flat=True)
    )
    for number, spec in enumerate(specs, start=1):
        if spec.template_id is not None and spec.template_id not in found:
            errors[f"steps.{number}.template_id"] = "no such template"


def _check_settings(
    name: str,
    start: time,
    end: time,
    days: SequenceOf[int | str],
    zone: str,
    errors: dict[str, str],
) -> list[int]:
    if not name.strip():
        errors["name"] = "required"
    elif len(name.strip()) > 200:
        errors["name"] = "at most 200 characters"
    if start.tzinfo is not None or end.tzinfo is not None:
        errors["business_start"] = "business hours are the recipient's local times: no offset"
    elif not start < end:
        errors["business_end"] = "must be after the start of business hours"
    try:
        weekdays = sorted(parse_weekdays(days))
    except (TypeError, ValueError):
        weekdays = []
    if not weekdays:
        errors["business_days"] = "choose at least one day (0 = Monday … 6 = Sunday)"
    if zone.strip() and not is_zone_name(zone.strip()):
        errors["fallback_time_zone"] = "not a known time zone (e.g. Europe/Berlin)"
    return weekdays


def _save_unique(sequence: Sequence) -> None:
    clash = Sequence.objects.filter(workspace_id=sequence.workspace_id, name=sequence.name)
    if clash.exclude(pk=sequence.pk).exists():
        raise ValidationFailed("a sequence with this name exists", fields={"name": "taken"})
    sequence.save()


def _replace_steps(sequence: Sequence, specs: list[StepSpec]) -> None:
    templates = Template.objects.in_bulk([s.template_id for s in specs if s.template_id])
    sequence.steps.all().delete()
    SequenceStep.objects.bulk_create(
        SequenceStep(
            sequence=sequence,
            position=position,
            kind=spec.kind.value,
            template=templates.get(spec.template_id) if spec.template_id else None,
            thread=spec.thread.value,
            wait_days=spec.wait_days,
            task_kind=spec.task_kind,
            task_note=spec.task_note,
        )
        for position, spec in enumerate(specs)
    )


def _has_live_enrollments(sequence: Sequence) -> bool:
    return Enrollment.objects.filter(sequence=sequence, state__in=LIVE_STATES).exists()


def archive_sequence(*, actor: User, sequence: Sequence) -> Sequence:
    """Hide a sequence from enrolment; people already in it carry on."""
    permissions.require_write(actor)
    with transaction.atomic():
        sequence.archived = True
        sequence.save(update_fields=["archived", "updated_at"])
        record_event(
            workspace=sequence.workspace,
            actor=actor,
            verb="sequence.archived",
            subject=sequence,
            changed_fields=["archived"],
        )
    return sequence
