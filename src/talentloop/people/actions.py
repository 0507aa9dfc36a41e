"""Every write to people, their contact points, timeline, tasks and files."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

import filetype  # type: ignore[import-untyped]
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.db.models import Q

from talentloop.accounts.models import User, Workspace
from talentloop.core import clock
from talentloop.core.errors import Conflict, NotFound, ValidationFailed
from talentloop.core.events import record_event
from talentloop.people import domain
from talentloop.people.domain import ActivityKind, ContactKind, InvalidValue
from talentloop.people.locking import lock_email_owners
from talentloop.people.models import (
    Activity,
    Attachment,
    Company,
    ContactPoint,
    CustomFieldDefinition,
    Education,
    Person,
    PersonSkill,
    PersonTag,
    Source,
    Tag,
    WorkExperience,
)

TEXT_FIELDS = domain.PERSON_TEXT_FIELDS
CHOICE_FIELDS = domain.PERSON_CHOICE_FIELDS
PERSON_FIELDS = domain.PERSON_FIELDS
_FUTURE_TOLERANCE = timedelta(minutes=5)
CONTACT_VALUE_LIMIT = 500  # ContactPoint.value's column width
ALLOWED_UPLOAD_TYPES = {
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/msword": "doc",
    "application/rtf": "rtf",
    "text/plain": "txt",
    "image/png": "png",
    "image/jpeg": "jpg",
}


@dataclass(frozen=True)
class ContactInput:
    kind: str
    value: str
    label: str = ""
    is_primary: bool = False


@dataclass(frozen=True)
class SkillInput:
    name: str
    level: str = ""
    years: Decimal | float | None = None


@dataclass(frozen=True)
class WorkInput:
    company_name: str
    title: str = ""
    start_date: Any = None
    end_date: Any = None
    is_current: bool = False
    description: str = ""


@dataclass(frozen=True)
class EducationInput:
    institution: str
    degree: str = ""
    field_of_study: str = ""
    start_date: Any = None
    end_date: Any = None


# --- validation -------------------------------------------------------------------------------


def clean_person_fields(
    *, workspace: Workspace, fields: Mapping[str, Any], current: Person | None = None
) -> dict[str, Any]:
    """Check every given field; collect all problems and raise them together as a 422."""
    errors: dict[str, str] = {}
    cleaned: dict[str, Any] = {}
    for name, value in fields.items():
        if name not in PERSON_FIELDS:
            errors[name] = "unknown field"
            continue
        try:
            cleaned[name] = _clean_field(workspace, name, value, current)
        except InvalidValue as error:
            errors[name] = str(error)
    _check_salary(cleaned, current, errors)
    if errors:
        raise ValidationFailed("some fields are not valid", fields=errors)
    if "seniority" in cleaned:
        cleaned["seniority_rank"] = domain.seniority_rank(cleaned["seniority"])
    return cleaned


def _clean_field(workspace: Workspace, name: str, value: Any, current: Person | None) -> Any:
    if name in TEXT_FIELDS:
        return _clean_length(name, _clean_text(value))
    if name == "lifecycle" and value in (None, ""):
        # Why: every person has a lifecycle; an empty one would be stored as a value no list shows.
        raise InvalidValue("required")
    if name in CHOICE_FIELDS:
        return _clean_choice(CHOICE_FIELDS[name], value)
    if name == "country":
        return domain.check_country(_clean_text(value))
    if name == "time_zone":
        return domain.check_time_zone(_clean_text(value))
    if name == "salary_currency":
        return domain.check_currency(_clean_text(value))
    if name in {"salary_min", "salary_max"}:
        return _clean_amount(value)
    if name == "years_experience":
        return _clean_years(value)
    if name == "do_not_contact":
        # Why not bool(value): the text "false" from a form or import is truthy.
        flag = domain.coerce_custom_value(domain.CustomFieldType.BOOLEAN, value, [])
        return bool(flag)
    if name == "custom_fields":
        return _clean_custom_fields(workspace, value, current)
    return _clean_reference(workspace, name, value)


def _clean_text(value: Any) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InvalidValue("must be text")
    return value.strip()


def _clean_length(name: str, text: str) -> str:
    # Why: PostgreSQL refuses over-long text with a server error; say which field instead.
    limit = getattr(Person._meta.get_field(name), "max_length", None)
    if limit is not None and len(text) > limit:
        raise InvalidValue(f"at most {limit} characters")
    return text


def _clean_choice(enum_class: type[domain.LabelledEnum], value: Any) -> str:
    if value in (None, ""):
        return ""
    try:
        return enum_class(value).value
    except ValueError:
        allowed = ", ".join(member.value for member in enum_class)
        raise InvalidValue(f"must be one of: {allowed}") from None


def _clean_amount(value: Any) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise InvalidValue("must be a whole number")
    try:
        amount = int(value)
    except ValueError:
        raise InvalidValue("must be a whole number") from None
    if amount < 0 or amount > 2_000_000_000:
        raise InvalidValue("must be between 0 and 2,000,000,000")
    return amount


def _clean_years(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        years = Decimal(str(value)).quantize(Decimal("0.1"))
    except InvalidOperation:
        raise InvalidValue("must be a number of years") from None
    # Why is_nan first: "NaN" survives quantize, and comparing it raises InvalidOperation.
    if years.is_nan() or not Decimal(0) <= years <= Decimal(80):
        raise InvalidValue("must be between 0 and 80")
    return years


def _check_salary(cleaned: dict[str, Any], current: Person | None, errors: dict[str, str]) -> None:
    minimum = cleaned.get("salary_min", current.salary_min if current else None)
    maximum = cleaned.get("salary_max", current.salary_max if current else None)
    try:
        domain.check_salary_range(minimum, maximum)
    except InvalidValue as error:
        errors.setdefault("salary_min", str(error))


def _clean_reference(workspace: Workspace, name: str, value: Any) -> int | None:
    if value in (None, ""):
        return None
    model: type[Any] = {"owner_id": User, "source_id": Source, "current_company_id": Company}[name]
    try:
        exists = model.objects.filter(workspace=workspace, pk=int(value)).exists()
    except (TypeError, ValueError):
        exists = False
    if not exists:
        raise InvalidValue("no such record in this workspace")
    return int(value)


def _clean_custom_fields(
    workspace: Workspace, value: Any, current: Person | None
) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise InvalidValue("must be an object of key → value")
    definitions = {
        field.key: field
        for field in CustomFieldDefinition.objects.filter(workspace=workspace, archived=False)
    }
    merged = dict(current.custom_fields) if current else {}
    for key, raw in value.items():
        definition = definitions.get(key)
        if definition is None:
            raise InvalidValue(f"unknown custom field {key!r}")
        try:
            field_type = domain.CustomFieldType(definition.field_type)
            merged[key] = domain.coerce_custom_value(field_type, raw, definition.choices)
        except InvalidValue as error:
            raise InvalidValue(f"{key}: {error}") from None
    return {key: item for key, item in merged.items() if item is not None}


def normalised_contact(contact: ContactInput, kind: ContactKind, value: str) -> ContactInput:
    """The contact as stored: its normalised value, and its label (guessed for links)."""
    label = contact.label or (domain.guess_link_label(value) if kind is ContactKind.URL else "")
    # Why the cut: labels are short tags ("work", "home"); editing one cuts the same way.
    return ContactInput(kind.value, value, label.strip()[:32], contact.is_primary)


def clean_contacts(*, workspace: Workspace, contacts: Iterable[ContactInput]) -> list[ContactInput]:
    """Normalise each contact point; errors name the position, e.g. contact_points.1.value."""
    cleaned: list[ContactInput] = []
    errors: dict[str, str] = {}
    for index, contact in enumerate(contacts):
        try:
            kind = ContactKind(contact.kind)
            value = domain.normalize_contact(
                kind, contact.value, default_region=workspace.default_phone_region
            )
        except ValueError as error:
            errors[f"contact_points.{index}.value"] = str(error)
            continue
        if len(value) > CONTACT_VALUE_LIMIT:
            errors[f"contact_points.{index}.value"] = f"at most {CONTACT_VALUE_LIMIT} characters"
            continue
        cleaned.append(normalised_contact(contact, kind, value))
    if errors:
        raise ValidationFailed("some contact points are not valid", fields=errors)
    return cleaned


def find_email_owner(
    *, workspace: Workspace, email: str, exclude: Person | None = None
) -> Person | None:
    """The person already holding this normalised email in the workspace, if any."""
    points = ContactPoint.objects.filter(workspace=workspace, kind="email", value=email)
    if exclude is not None:
        points = points.exclude(person=exclude)
    point = points.select_related("person").first()
    return point.person if point else None


def _refuse_duplicate_emails(
    workspace: Workspace, contacts: Sequence[ContactInput], exclude: Person | None = None
) -> None:
    if any(contact.kind == ContactKind.EMAIL for contact in contacts):
        lock_email_owners(workspace.pk)  # held until the caller's transaction ends
    for index, contact in enumerate(contacts):
        if contact.kind != ContactKind.EMAIL:
            continue
        owner = find_email_owner(workspace=workspace, email=contact.value, exclude=exclude)
        if owner is not None:
            raise Conflict(
                f"this email already belongs to person {owner.pk}",
                code="duplicate_email",
                fields={f"contact_points.{index}.value": f"already used by person {owner.pk}"},
            )


# --- people -----------------------------------------------------------------------------------


@transaction.atomic
def do_create_person(
    *,
    actor: User | None,
    workspace: Workspace,
    fields: Mapping[str, Any],
    contacts: Sequence[ContactInput] = (),
    tags: Sequence[str] = (),
    skills: Sequence[SkillInput] = (),
    work_history: Sequence[WorkInput] = (),
    education: Sequence[EducationInput] = (),
) -> Person:
    """Create a person with normalised contact points; a known email is a 409 naming its owner."""
    cleaned = clean_person_fields(workspace=workspace, fields=fields)
    clean_contact_list = clean_contacts(workspace=workspace, contacts=contacts)
    _refuse_duplicate_emails(workspace, clean_contact_list)
    person = Person.objects.create(workspace=workspace, **cleaned)
    for contact in clean_contact_list:
        _store_contact(person, contact)
    _refresh_primaries(person)
    _replace_skills(person, skills)
    _replace_history(person, work_history, education)
    if tags:
        _attach_tags(person, _tags_by_name(workspace, tags))
    record_event(
        workspace=workspace,
        actor=actor,
        verb="person.created",
        subject=person,
        changed_fields=[*cleaned, *(["contact_points"] if clean_contact_list else [])],
    )
    return person


@transaction.atomic
def do_update_person(
    *,
    actor: User | None,
    person: Person,
    fields: Mapping[str, Any],
    skills: Sequence[SkillInput] | None = None,
    work_history: Sequence[WorkInput] | None = None,
    education: Sequence[EducationInput] | None = None,
) -> Person:
    """Change the given fields only; lists given replace the stored ones wholesale."""
    cleaned = clean_person_fields(workspace=person.workspace, fields=fields, current=person)
    changed = [name for name, value in cleaned.items() if getattr(person, name) != value]
    for name in changed:
        setattr(person, name, cleaned[name])
    if changed:
        person.save(update_fields=[*changed, "updated_at"])
    if skills is not None:
        _replace_skills(person, skills)
        changed.append("skills")
    if work_history is not None or education is not None:
        _replace_history(person, work_history, education)
        changed += [
            n
            for n, v in (("work_history", work_history), ("education", education))
            if v is not None
        ]
    if changed:
        record_event(
            workspace=person.workspace,
            actor=actor,
            verb="person.updated",
            subject=person,
            changed_fields=changed,
        )
    return person


@transaction.atomic
def do_delete_person(*, actor: User | None, person: Person) -> None:
    """Remove a person and everything hanging off them (files included)."""
    files = [attachment.file.name for attachment in person.attachments.all()]
    record_event(workspace=person.workspace, actor=actor, verb="person.deleted", subject=person)
    person.delete()
    transaction.on_commit(lambda: _delete_files(files))


def _delete_files(names: list[str]) -> None:
    from django.core.files.storage import default_storage

    for name in names:
        default_storage.delete(name)


def _replace_skills(person: Person, skills: Sequence[SkillInput]) -> None:
    errors: dict[str, str] = {}
    rows: dict[str, PersonSkill] = {}
    for index, skill in enumerate(skills):
        normalized = domain.normalize_skill(skill.name)
        if not normalized:
            errors[f"skills.{index}.name"] = "a skill needs a name"
            continue
        if len(skill.name.strip()) > 100:
            errors[f"skills.{index}.name"] = "at most 100 characters"
            continue
        try:
            level = _clean_choice(domain.SkillLevel, skill.level)
            years = _clean_years(skill.years)
        except InvalidValue as error:
            errors[f"skills.{index}"] = str(error)
            continue
        rows[normalized] = PersonSkill(
            person=person, name=skill.name.strip(), normalized=normalized, level=level, years=years
        )
    if errors:
        raise ValidationFailed("some skills are not valid", fields=errors)
    PersonSkill.objects.filter(person=person).delete()
    PersonSkill.objects.bulk_create(rows.values())


def _replace_history(
    person: Person,
    work_history: Sequence[WorkInput] | None,
    education: Sequence[EducationInput] | None,
) -> None:
    _check_history(work_history, education)
    if work_history is not None:
        WorkExperience.objects.filter(person=person).delete()
        WorkExperience.objects.bulk_create(
            WorkExperience(person=person, position=index, **vars(job))
            for index, job in enumerate(work_history)
        )
    if education is not None:
        Education.objects.filter(person=person).delete()
        Education.objects.bulk_create(
            Education(person=person, position=index, **vars(school))
            for index, school in enumerate(education)
        )


MAX_LONG_TEXT = 20_000  # Why this size: the API's limit on free text (schemas.MAX_TEXT).
_REQUIRED_HISTORY_TEXT = {"company_name", "institution"}
_HISTORY_TEXT = {
    "work_history": ("company_name", "title", "description"),
    "education": ("institution", "degree", "field_of_study"),
}


def _check_history(
    work_history: Sequence[WorkInput] | None, education: Sequence[EducationInput] | None
) -> None:
    """Every entry's text fits its column and its dates are in order; all problems at once."""
    entries: list[tuple[str, WorkInput | EducationInput]] = [
        *((f"work_history.{n}", job) for n, job in enumerate(work_history or ())),
        *((f"education.{n}", school) for n, school in enumerate(education or ())),
    ]
    errors: dict[str, str] = {}
    for prefix, entry in entries:
        group = prefix.partition(".")[0]
        model = WorkExperience if group == "work_history" else Education
        for name in _HISTORY_TEXT[group]:
            problem = _history_text_problem(model, name, getattr(entry, name))
            if problem:
                errors[f"{prefix}.{name}"] = problem
        if entry.start_date and entry.end_date and entry.start_date > entry.end_date:
            errors[f"{prefix}.end_date"] = "before the start"
    if errors:
        raise ValidationFailed("some history entries are not valid", fields=errors)


def _history_text_problem(model: type[models.Model], name: str, value: Any) -> str:
    if not isinstance(value, str):
        return "must be text"
    if name in _REQUIRED_HISTORY_TEXT and not value.strip():
        return "required"
    # Why: PostgreSQL refuses over-long text with a server error; SQLite would store it.
    limit = getattr(model._meta.get_field(name), "max_length", None) or MAX_LONG_TEXT
    return f"at most {limit} characters" if len(value) > limit else ""


# --- contact points ---------------------------------------------------------------------------


def _store_contact(person: Person, contact: ContactInput) -> ContactPoint:
    if contact.is_primary:
        ContactPoint.objects.filter(person=person, kind=contact.kind).update(is_primary=False)
    has_primary = ContactPoint.objects.filter(
        person=person, kind=contact.kind, is_primary=True
    ).exists()
    point, _ = ContactPoint.objects.update_or_create(
        person=person,
        kind=contact.kind,
        value=contact.value,
        defaults={
            "workspace": person.workspace,
            "label": contact.label,
            "is_primary": contact.is_primary or not has_primary,
        },
    )
    return point


def _refresh_primaries(person: Person) -> None:
    primaries = {
        point.kind: point.value
        for point in ContactPoint.objects.filter(person=person, is_primary=True)
    }
    email = primaries.get(ContactKind.EMAIL.value, "")
    phone = primaries.get(ContactKind.PHONE.value, "")
    if (person.primary_email, person.primary_phone) != (email, phone):
        person.primary_email, person.primary_phone = email, phone
        person.save(update_fields=["primary_email", "primary_phone", "updated_at"])


@transaction.atomic
def do_add_contact_point(
    *, actor: User | None, person: Person, contact: ContactInput
) -> ContactPoint:
    """Add (or re-label) a normalised contact point; another person's email is a 409."""
    [clean] = clean_contacts(workspace=person.workspace, contacts=[contact])
    _refuse_duplicate_emails(person.workspace, [clean], exclude=person)
    point = _store_contact(person, clean)
    _refresh_primaries(person)
    record_event(
        workspace=person.workspace,
        actor=actor,
        verb="person.contact_added",
        subject=person,
        changed_fields=["contact_points"],
        data={"contact_point_id": point.pk, "kind": point.kind},
    )
    return point


@transaction.atomic
def do_update_contact_point(
    *,
    actor: User | None,
    point: ContactPoint,
    label: str | None = None,
    is_primary: bool | None = None,
) -> ContactPoint:
    if label is not None:
        point.label = label.strip()[:32]
    if is_primary:
        ContactPoint.objects.filter(person=point.person, kind=point.kind).update(is_primary=False)
        point.is_primary = True
    point.save()
    _refresh_primaries(point.person)
    record_event(
        workspace=point.workspace,
        actor=actor,
        verb="person.contact_updated",
        subject=point.person,
        changed_fields=["contact_points"],
        data={"contact_point_id": point.pk},
    )
    return point


@transaction.atomic
def do_remove_contact_point(*, actor: User | None, point: ContactPoint) -> None:
    person = point.person
    was_primary = point.is_primary
    point_id, kind = point.pk, point.kind
    point.delete()
    if was_primary:
        successor = ContactPoint.objects.filter(person=person, kind=kind).order_by("id").first()
        if successor:
            successor.is_primary = True
            successor.save(update_fields=["is_primary"])
    _refresh_primaries(person)
    record_event(
        workspace=person.workspace,
        actor=actor,
        verb="person.contact_removed",
        subject=person,
        changed_fields=["contact_points"],
        data={"contact_point_id": point_id},
    )


# --- tags, owners ----------------------------------------------------------------------------


def _tags_by_name(workspace: Workspace, names: Iterable[str]) -> list[Tag]:
    """The workspace's tags for these names, matched regardless of case; missing ones created.

    "Python" finds an existing "python" tag instead of making a second one; a new tag keeps
    the first spelling asked for.
    """
    wanted: dict[str, str] = {}
    for name in names:
        cleaned = " ".join((name or "").split())[:64]
        if cleaned:
            wanted.setdefault(domain.tag_key(cleaned), cleaned)
    if not wanted:
        return []
    found = _tags_by_key(workspace)
    missing = [key for key in wanted if key not in found]
    if missing:
        _lock_tag_catalogue(workspace)
        found = _tags_by_key(workspace)
        for key in missing:
            if key not in found:
                found[key] = Tag.objects.create(workspace=workspace, name=wanted[key])
    return [found[key] for key in wanted]


def _tags_by_key(workspace: Workspace) -> dict[str, Tag]:
    # Why all of them, compared in Python: SQLite's lower() folds ASCII only, and a
    # workspace's tag catalogue is small (hundreds), so this is one cheap query.
    return {domain.tag_key(tag.name): tag for tag in Tag.objects.filter(workspace=workspace)}


def _lock_tag_catalogue(workspace: Workspace) -> None:
    """Serialise tag creation per workspace, so "Go" and "go" created at once cannot both win.

    Case-insensitive uniqueness is kept here rather than by a database constraint; locking
    the workspace row makes the check-then-create atomic on PostgreSQL (SQLite already
    serialises writers).
    """
    Workspace.objects.select_for_update().filter(pk=workspace.pk).exists()


def _attach_tags(person: Person, tags: Sequence[Tag]) -> None:
    PersonTag.objects.bulk_create(
        [PersonTag(person=person, tag=tag) for tag in tags], ignore_conflicts=True
    )


@transaction.atomic
def do_tag_people(
    *, actor: User | None, workspace: Workspace, people: Sequence[Person], names: Sequence[str]
) -> list[Tag]:
    """Add tags (created on first use) to each person; already-tagged people are left alone."""
    tags = _tags_by_name(workspace, names)
    PersonTag.objects.bulk_create(
        [PersonTag(person=person, tag=tag) for person in people for tag in tags],
        ignore_conflicts=True,
    )
    for person in people:
        record_event(
            workspace=workspace,
            actor=actor,
            verb="person.tagged",
            subject=person,
            changed_fields=["tags"],
            data={"tag_ids": sorted(tag.pk for tag in tags)},
        )
    return tags


@transaction.atomic
def do_untag_people(
    *, actor: User | None, workspace: Workspace, people: Sequence[Person], tags: Sequence[Tag]
) -> None:
    PersonTag.objects.filter(person__in=people, tag__in=tags).delete()
    for person in people:
        record_event(
            workspace=workspace,
            actor=actor,
            verb="person.untagged",
            subject=person,
            changed_fields=["tags"],
            data={"tag_ids": sorted(tag.pk for tag in tags)},
        )


@transaction.atomic
def do_assign_owner(
    *, actor: User | None, workspace: Workspace, people: Sequence[Person], owner: User | None
) -> None:
    """Hand a set of people to a teammate (or to nobody)."""
    if owner is not None and owner.workspace_id != workspace.pk:
        raise NotFound("no such user")
    Person.objects.filter(pk__in=[person.pk for person in people]).update(
        owner=owner, updated_at=clock.now()
    )
    for person in people:
        record_event(
            workspace=workspace,
            actor=actor,
            verb="person.updated",
            subject=person,
            changed_fields=["owner_id"],
        )


# --- activities -------------------------------------------------------------------------------


@transaction.atomic
def do_log_activity(
    *,
    actor: User | None,
    person: Person,
    kind: ActivityKind,
    body: str = "",
    subject: str = "",
    occurred_at: datetime | None = None,
    direction: str = "",
    data: Mapping[str, Any] | None = None,
) -> Activity:
    """Add a timeline entry; an engagement moves the person's last_engaged_at forward."""
    if kind is ActivityKind.NOTE and not body.strip():
        raise ValidationFailed("a note needs some text", fields={"body": "required"})
    when = occurred_at or clock.now()
    if when > clock.now() + _FUTURE_TOLERANCE:
        raise ValidationFailed(
            "activities cannot happen in the future", fields={"occurred_at": "in the future"}
        )
    activity = Activity.objects.create(
        workspace=person.workspace,
        person=person,
        kind=kind.value,
        actor=actor,
        occurred_at=when,
        subject=subject.strip()[:200],
        body=body.strip(),
        direction=direction,
        data=dict(data or {}),
    )
    if kind in domain.ENGAGEMENT_KINDS:
        Person.objects.filter(pk=person.pk).filter(
            Q(last_engaged_at__isnull=True) | Q(last_engaged_at__lt=when)
        ).update(last_engaged_at=when)
    record_event(
        workspace=person.workspace,
        actor=actor,
        verb=f"activity.{kind.value}",
        subject=activity,
        data={"person_id": person.pk},
    )
    return activity


@transaction.atomic
def do_update_activity(
    *, actor: User | None, activity: Activity, body: str | None = None, subject: str | None = None
) -> Activity:
    changed: list[str] = []
    if body is not None:
        if activity.kind == ActivityKind.NOTE and not body.strip():
            raise ValidationFailed("a note needs some text", fields={"body": "required"})
        activity.body, changed = body.strip(), [*changed, "body"]
    if subject is not None:
        activity.subject, changed = subject.strip()[:200], [*changed, "subject"]
    if changed:
        activity.save(update_fields=[*changed, "updated_at"])
        record_event(
            workspace=activity.workspace,
            actor=actor,
            verb="activity.updated",
            subject=activity,
            changed_fields=changed,
            data={"person_id": activity.person_id},
        )
    return activity


@transaction.atomic
def do_delete_activity(*, actor: User | None, activity: Activity) -> None:
    record_event(
        workspace=activity.workspace,
        actor=actor,
        verb="activity.deleted",
        subject=activity,
        data={"person_id": activity.person_id},
    )
    activity.delete()


# --- attachments ------------------------------------------------------------------------------


def sniff_upload(upload: UploadedFile) -> str:
    """Return the content type read from the file's bytes; refuse what we do not store."""
    if upload.size is None or upload.size == 0:
        raise ValidationFailed("the file is empty", fields={"file": "empty"})
    if upload.size > settings.MAX_UPLOAD_BYTES:
        limit_mb = settings.MAX_UPLOAD_BYTES // (1024 * 1024)
        raise ValidationFailed(
            f"the file is larger than {limit_mb} MB", fields={"file": "too large"}
        )
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is not None:
        mime = str(kind.mime)
        if mime == "application/zip" and (upload.name or "").lower().endswith(".docx"):
            mime = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    elif _looks_like_text(head):
        mime = "text/plain"
    else:
        mime = "application/octet-stream"
    if mime not in ALLOWED_UPLOAD_TYPES:
        allowed = "PDF, DOCX, DOC, RTF, TXT, PNG, JPEG"
        raise ValidationFailed(
            f"this file type is not accepted (allowed: {allowed})",
            fields={"file": "type not allowed"},
        )
    return mime


def _looks_like_text(head: bytes) -> bool:
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return b"\x00" not in head


def do_upload_attachment(
    *, actor: User | None, person: Person, upload: UploadedFile, kind: str = "resume"
) -> Attachment:
    """Store a checked file against a person; its stored name never comes from the user."""
    content_type = sniff_upload(upload)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    original = (upload.name or "file").replace("\\", "/").rsplit("/", 1)[-1][:255]
    upload.name = f"{digest.hexdigest()[:32]}.{ALLOWED_UPLOAD_TYPES[content_type]}"
    attachment = Attachment(
        workspace=person.workspace,
        person=person,
        file=upload,
        original_name=original,
        content_type=content_type,
        size=upload.size or 0,
        sha256=digest.hexdigest(),
        kind=kind if kind in {"resume", "cover_letter", "other"} else "other",
        uploaded_by=actor,
    )
    # Why the try wraps the transaction: the file reaches storage before the row, and a row can
    # still fail at commit (a deferred foreign key to a person deleted meanwhile); either way
    # no orphan file may stay behind.
    try:
        with transaction.atomic():
            attachment.save()
            record_event(
                workspace=person.workspace,
                actor=actor,
                verb="attachment.uploaded",
                subject=attachment,
                data={"person_id": person.pk, "size": attachment.size},
            )
    except Exception:
        if attachment.file.name:
            _delete_files([attachment.file.name])
        raise
    return attachment


@transaction.atomic
def do_delete_attachment(*, actor: User | None, attachment: Attachment) -> None:
    name = attachment.file.name
    record_event(
        workspace=attachment.workspace,
        actor=actor,
        verb="attachment.deleted",
        subject=attachment,
        data={"person_id": attachment.person_id},
    )
    attachment.delete()
    transaction.on_commit(lambda: _delete_files([name]))


# --- tag catalogue ----------------------------------------------------------------------------


def _clean_tag_name(name: str) -> str:
    cleaned = " ".join(name.split())[:64]
    if not cleaned:
        raise ValidationFailed("a tag needs a name", fields={"name": "required"})
    return cleaned


def _refuse_taken_tag_name(workspace: Workspace, name: str, exclude: Tag | None = None) -> None:
    """409 if another tag has this name in any letter case ("Python" vs "python")."""
    _lock_tag_catalogue(workspace)
    taken = _tags_by_key(workspace).get(domain.tag_key(name))
    if taken is not None and (exclude is None or taken.pk != exclude.pk):
        raise Conflict(f"a tag called {taken.name!r} already exists", fields={"name": "taken"})


@transaction.atomic
def do_create_tag(*, actor: User | None, workspace: Workspace, name: str, color: str = "") -> Tag:
    """Add a tag to the workspace's catalogue; a taken name is a 409."""
    clean_name = _clean_tag_name(name)
    _refuse_taken_tag_name(workspace, clean_name)
    tag = Tag.objects.create(workspace=workspace, name=clean_name, color=color.strip() or "slate")
    record_event(workspace=workspace, actor=actor, verb="tag.created", subject=tag)
    return tag


@transaction.atomic
def do_update_tag(
    *, actor: User | None, tag: Tag, name: str | None = None, color: str | None = None
) -> Tag:
    """Rename or recolour a tag; every tagged person follows, since they hold the tag's id."""
    changed: list[str] = []
    if name is not None and _clean_tag_name(name) != tag.name:
        tag.name = _clean_tag_name(name)
        _refuse_taken_tag_name(tag.workspace, tag.name, exclude=tag)
        changed.append("name")
    if color is not None and color.strip() and color.strip() != tag.color:
        tag.color = color.strip()[:16]
        changed.append("color")
    if changed:
        tag.save(update_fields=[*changed, "updated_at"])
        record_event(
            workspace=tag.workspace,
            actor=actor,
            verb="tag.updated",
            subject=tag,
            changed_fields=changed,
        )
    return tag


@transaction.atomic
def do_delete_tag(*, actor: User | None, tag: Tag) -> None:
    """Remove a tag from the catalogue and from everyone who carried it."""
    record_event(workspace=tag.workspace, actor=actor, verb="tag.deleted", subject=tag)
    tag.delete()
