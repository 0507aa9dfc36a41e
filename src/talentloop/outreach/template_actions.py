"""Template writes: every save validates the template against a real person first."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from talentloop.accounts import permissions
from talentloop.accounts.models import User
from talentloop.core.errors import ValidationFailed
from talentloop.core.events import record_event
from talentloop.outreach import domain, links
from talentloop.outreach.models import Template
from talentloop.outreach.rendering import Rendered, TemplateSource, render_template
from talentloop.outreach.saving import save_named
from talentloop.people.models import Person
from talentloop.people.queries import visible_people

SAMPLE_PERSON = {
    "first_name": "Alex",
    "last_name": "Example",
    "full_name": "Alex Example",
    "email": "alex@example.com",
    "headline": "Software engineer",
    "current_title": "Software engineer",
    "company": "Example Ltd",
    "city": "Berlin",
    "country": "DE",
}
SAMPLE_JOB = {"title": "Backend engineer", "department": "Engineering", "city": "Berlin"}


def _sample_job(actor: User) -> Any:
    from talentloop.recruiting.models import Job

    job = Job.objects.filter(workspace_id=actor.tenant_id).order_by("-id").first()
    return job if job is not None else SAMPLE_JOB


def preview(
    *, actor: User, source: TemplateSource, person: Person | None = None, job: Any | None = None
) -> Rendered:
    """Exactly what `person` would receive (a sample person when none is chosen)."""
    recipient: Any = person if person is not None else SAMPLE_PERSON
    address = person.primary_email if person else SAMPLE_PERSON["email"]
    link_map = links.recipient_links(
        workspace_id=actor.tenant_id, address=address, person_id=person.pk if person else None
    )
    return render_template(
        source,
        person=recipient,
        job=job if job is not None else _sample_job(actor),
        sender=actor,
        links=link_map,
    )


def validate(*, actor: User, source: TemplateSource) -> Rendered:
    """Render against a real person of the workspace (the newest), or a sample when none."""
    person = visible_people(actor).order_by("-id").first()
    return preview(actor=actor, source=source, person=person)


def save_template(*, actor: User, template: Template | None = None, **fields: Any) -> Template:
    """Create or update a template; a template that does not render is never saved."""
    permissions.require_write(actor)
    creating = template is None
    row = template or Template(workspace_id=actor.tenant_id, created_by=actor)
    changed = [
        name
        for name in ("name", "topic", "subject", "html", "text")
        if fields.get(name) is not None
    ]
    for name in changed:
        setattr(row, name, fields[name])
    if not row.name.strip():
        raise ValidationFailed("a name is required", fields={"name": "required"})
    if row.topic not in domain.TOPICS:
        raise ValidationFailed(
            "unknown topic", fields={"topic": "one of " + ", ".join(domain.TOPICS)}
        )
    validate(actor=actor, source=row)
    save_named(
        row,
        actor=actor,
        verb="template.created" if creating else "template.updated",
        changed_fields=changed,
        what="template",
    )
    return row


def archive_template(*, actor: User, template: Template) -> None:
    permissions.require_write(actor)
    with transaction.atomic():
        template.archived = True
        template.save(update_fields=["archived", "updated_at"])
        record_event(
            workspace=actor.workspace,  # type: ignore[arg-type]
            actor=actor,
            verb="template.archived",
            subject=template,
            changed_fields=["archived"],
        )
