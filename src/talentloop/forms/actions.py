"""Every write on forms: managing them (recruiters) and taking a submission (the public)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from django.db import transaction

from talentloop.accounts import domain as roles
from talentloop.accounts.models import User, Workspace
from talentloop.core import clock
from talentloop.core.errors import AppError, Conflict, PermissionDenied, ValidationFailed
from talentloop.core.events import record_event
from talentloop.forms import domain
from talentloop.forms.models import Form, FormSubmission
from talentloop.outreach import actions as outreach_actions
from talentloop.people import actions as people_actions
from talentloop.people.actions import ContactInput
from talentloop.people.domain import ActivityKind, ContactKind, normalize_contact
from talentloop.people.models import ContactPoint, Person, Source

# Answers that are stored on the person as plain fields (only where the person has none yet).
PERSON_FIELDS = ("first_name", "last_name", "city", "country", "headline")
CONTACT_FIELDS = (("phone", ContactKind.PHONE), ("url", ContactKind.URL))
EDITABLE = ("name", "slug", "intro", "fields", "consent_enabled", "consent_text",
            "consent_topic", "tags", "source_id", "active")  # fmt: skip


class TooManySubmissions(AppError):
    status = 429
    code = "too_many_submissions"


# --- managing forms ---------------------------------------------------------------------------


def _clean(workspace: Workspace, values: Mapping[str, Any], current: Form | None) -> dict[str, Any]:
    cleaned = dict(values)
    if "slug" in cleaned:
        cleaned["slug"] = domain.check_slug(str(cleaned["slug"]))
        taken = Form.objects.filter(workspace=workspace, slug=cleaned["slug"])
        if current is not None:
            taken = taken.exclude(pk=current.pk)
        if taken.exists():
            raise Conflict("another form uses this slug", fields={"slug": "already used"})
    if "name" in cleaned and not str(cleaned["name"]).strip():
        raise ValidationFailed("a form needs a name", fields={"name": "required"})
    if "fields" in cleaned:
        cleaned["fields"] = domain.check_field_config(cleaned["fields"])
    if "tags" in cleaned:
        cleaned["tags"] = sorted({" ".join(str(tag).split()) for tag in cleaned["tags"]} - {""})
    source_id = cleaned.get("source_id")
    if (
        source_id is not None
        and not Source.objects.filter(workspace=workspace, pk=source_id).exists()
    ):
        raise ValidationFailed("unknown source", fields={"source_id": "no such source"})
    domain.check_consent(
        enabled=bool(cleaned.get("consent_enabled", current and current.consent_enabled)),
        text=str(cleaned.get("consent_text", current.consent_text if current else "")),
        topic=str(cleaned.get("consent_topic", current.consent_topic if current else "outreach")),
    )
    return cleaned


@transaction.atomic
def do_create_form(*, actor: User, values: Mapping[str, Any]) -> Form:
    """Create a form; `values` holds any of EDITABLE (name and slug are required)."""
    workspace = actor.workspace
    if workspace is None:
        raise PermissionDenied("only members of a workspace manage its forms")
    missing = {name: "required" for name in ("name", "slug") if name not in values}
    if missing:
        raise ValidationFailed("a form needs a name and a slug", fields=missing)
    form = Form.objects.create(
        workspace=workspace, created_by=actor, **_clean(workspace, values, None)
    )
    record_event(workspace=workspace, actor=actor, verb="form.created", subject=form)
    return form


@transaction.atomic
def do_update_form(*, actor: User, form: Form, values: Mapping[str, Any]) -> Form:
    """Change the given settings; a switched-off form answers 404 to the public."""
    cleaned = _clean(form.workspace, values, form)
    changed = [name for name, value in cleaned.items() if getattr(form, name) != value]
    for name in changed:
        setattr(form, name, cleaned[name])
    if changed:
        form.save(update_fields=[*changed, "updated_at"])
        record_event(
            workspace=form.workspace, actor=actor, verb="form.updated", subject=form,
            changed_fields=changed,
        )  # fmt: skip
    return form


def do_deactivate_form(*, actor: User, form: Form) -> Form:
    """Take a form off the web; its submissions stay."""
    return do_update_form(actor=actor, form=form, values={"active": False})


# --- taking a submission ----------------------------------------------------------------------


def _contact(kind: ContactKind, raw: str, region: str, problems: dict[str, str], name: str) -> str:
    try:
        return normalize_contact(kind, raw, default_region=region)
    except ValueError as error:
        problems[name] = str(error)
        return ""


def _person_fields(
    form: Form, values: Mapping[str, str], problems: dict[str, str]
) -> dict[str, Any]:
    fields: dict[str, Any] = {name: values[name] for name in PERSON_FIELDS if name in values}
    try:
        people_actions.clean_person_fields(workspace=form.workspace, fields=fields)
    except ValidationFailed as error:
        problems.update(error.fields)
    if form.source_id is not None:
        fields["source_id"] = form.source_id
    return fields


def check_submission(
    form: Form, raw: Mapping[str, Any]
) -> tuple[domain.Answers, str, list[ContactInput], dict[str, Any]]:
    """(answers, normalised email, contacts, person fields); every problem at once, by field."""
    answers, problems = domain.answers_and_problems(
        form.fields, raw, consent_enabled=form.consent_enabled
    )
    region = form.workspace.default_phone_region
    email = ""
    if domain.EMAIL in answers.values:
        email = _contact(ContactKind.EMAIL, answers.values[domain.EMAIL], "", problems, "email")
    contacts = []
    for name, kind in CONTACT_FIELDS:
        if name in answers.values:
            value = _contact(kind, answers.values[name], region, problems, name)
            contacts.append(ContactInput(kind.value, value))
    fields = _person_fields(form, answers.values, problems)
    if problems:
        raise ValidationFailed("some answers are not valid", fields=problems)
    return answers, email, contacts, fields


def _check_rate(form: Form, digest: str) -> None:
    since = clock.now() - timedelta(hours=1)
    recent = FormSubmission.objects.filter(form=form, email_hash=digest, submitted_at__gte=since)
    if recent.count() >= domain.MAX_SUBMISSIONS_PER_HOUR:
        raise TooManySubmissions(
            "this address was sent too often in the last hour; please try again later"
        )


def _create_or_update(
    form: Form, email: str, fields: dict[str, Any], contacts: list[ContactInput]
) -> Person:
    """The person holding the email, with blanks filled in; or a new person."""
    workspace = form.workspace
    person = people_actions.find_email_owner(workspace=workspace, email=email)
    if person is None:
        return people_actions.do_create_person(
            actor=None, workspace=workspace, fields=fields, tags=form.tags,
            contacts=[ContactInput(ContactKind.EMAIL.value, email, is_primary=True), *contacts],
        )  # fmt: skip
    # Why only blanks: anyone may type anyone's email into a public form, so a submission
    # adds what is missing and never overwrites what the team already knows.
    blanks = {name: value for name, value in fields.items() if not getattr(person, name)}
    if blanks:
        people_actions.do_update_person(actor=None, person=person, fields=blanks)
    for contact in contacts:
        known = ContactPoint.objects.filter(person=person, kind=contact.kind, value=contact.value)
        if not known.exists():
            people_actions.do_add_contact_point(actor=None, person=person, contact=contact)
    if form.tags:
        people_actions.do_tag_people(
            actor=None, workspace=workspace, people=[person], names=form.tags
        )
    return person


def consent_recorder(form: Form) -> User | None:
    """Who the consent is recorded by: the form's author, or else an admin, while they may."""
    author = form.created_by
    if author is not None and author.is_active and roles.can_write(author.role_enum):
        return author
    admins = User.objects.filter(workspace_id=form.workspace_id, role="admin", is_active=True)
    return admins.order_by("pk").first()


def _record_consent(form: Form, person: Person) -> None:
    recorder = consent_recorder(form)
    if recorder is None:
        raise ValidationFailed(
            "this form cannot take consent now", fields={"consent": "please try again later"}
        )
    evidence = domain.consent_evidence(
        form_name=form.name, form_id=form.pk, topic=form.consent_topic, wording=form.consent_text
    )
    outreach_actions.record_basis(actor=recorder, person=person, basis="consent", evidence=evidence)


@transaction.atomic
def do_submit_form(*, form: Form, raw: Mapping[str, Any]) -> FormSubmission:
    """Add or update the submitter by email, record consent when ticked, log it, emit an Event."""
    answers, email, contacts, fields = check_submission(form, raw)
    digest = domain.email_hash(email)
    # Why lock the workspace row: it makes "find the email, else create the person" atomic
    # on PostgreSQL, so two submissions at once cannot make two people (people.actions
    # takes the same lock for its tags, so the order of locks stays the same).
    Workspace.objects.select_for_update().filter(pk=form.workspace_id).exists()
    _check_rate(form, digest)
    person = _create_or_update(form, email, fields, contacts)
    if answers.consent:
        _record_consent(form, person)
    submission = FormSubmission.objects.create(
        workspace=form.workspace, form=form, person=person, submitted_at=clock.now(),
        answers=dict(answers.values), consent_given=answers.consent, email_hash=digest,
    )  # fmt: skip
    people_actions.do_log_activity(
        actor=None, person=person, kind=ActivityKind.FORM,
        subject=f"Submitted the form {form.name}", body=answers.values.get("message", ""),
        data={"form_id": form.pk, "submission_id": submission.pk},
    )  # fmt: skip
    record_event(
        workspace=form.workspace, actor=None, verb="form.submitted", subject=submission,
        data={"form_id": form.pk, "person_id": person.pk},
    )  # fmt: skip
    return submission
