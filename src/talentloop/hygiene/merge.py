"""The steps of a merge: field choices, re-pointing every related row, restrictive consent.

Called only from `actions.do_merge_people`, inside its transaction, after both people were
locked and captured. `MergeNotes` collects what happened for the merge record.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import IntegrityError, models, transaction

from talentloop.core.errors import ValidationFailed
from talentloop.hygiene.matching.normalise import fold
from talentloop.outreach.models import ContactBasis, ContactPreference, Suppression
from talentloop.outreach.sequence_models import Enrollment
from talentloop.outreach.sequence_rules import LIVE_STATES
from talentloop.people.domain import seniority_rank
from talentloop.people.models import ContactPoint, Education, Person, WorkExperience
from talentloop.recruiting.domain import Outcome
from talentloop.recruiting.models import Candidacy

# The person fields a reviewer picks per field; everything else follows fixed rules.
CHOOSABLE_FIELDS = (
    "first_name",
    "last_name",
    "headline",
    "summary",
    "current_title",
    "current_company_name",
    "current_company_id",
    "city",
    "region",
    "country",
    "time_zone",
    "seniority",
    "years_experience",
    "salary_currency",
    "salary_min",
    "salary_max",
    "salary_period",
    "source_id",
    "owner_id",
    "lifecycle",
    "external_id",
    "primary_email",
    "primary_phone",
    "custom_fields",
)
SIDES = ("survivor", "other")
# Chosen fields that are not copied as they are: primaries follow the contact points and
# custom fields are combined key by key.
_BY_RULE = frozenset({"primary_email", "primary_phone", "custom_fields"})
HYGIENE_APP = "hygiene"


@dataclass
class MergeNotes:
    moved: dict[str, int] = field(default_factory=dict)
    dropped: list[dict[str, Any]] = field(default_factory=list)
    stopped_enrollments: list[int] = field(default_factory=list)
    withdrawn_bases: list[int] = field(default_factory=list)
    created: list[list[Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "moved": self.moved,
            "dropped": self.dropped,
            "stopped_enrollments": self.stopped_enrollments,
            "withdrawn_bases": self.withdrawn_bases,
            "created": self.created,
        }


def check_choices(choices: dict[str, str]) -> dict[str, str]:
    """Refuse unknown fields or sides; fields not named keep the survivor's value."""
    errors = {
        name: "unknown field" if name not in CHOOSABLE_FIELDS else "choose survivor or other"
        for name, side in choices.items()
        if name not in CHOOSABLE_FIELDS or side not in SIDES
    }
    if errors:
        raise ValidationFailed("some field choices are not valid", fields=errors)
    return dict(choices)


def apply_fields(survivor: Person, other: Person, choices: dict[str, str]) -> None:
    """Chosen values from the other record; restrictive and cumulative fields by rule."""
    for name, side in choices.items():
        if side == "other" and name not in _BY_RULE:
            setattr(survivor, name, getattr(other, name))
    survivor.seniority_rank = seniority_rank(survivor.seniority)
    # Why no choice here: a do-not-contact flag on either record must survive the merge.
    if other.do_not_contact and not survivor.do_not_contact:
        survivor.do_not_contact = True
        survivor.do_not_contact_reason = other.do_not_contact_reason
    survivor.custom_fields = {**other.custom_fields, **survivor.custom_fields}
    if choices.get("custom_fields") == "other":
        survivor.custom_fields = {**survivor.custom_fields, **other.custom_fields}
    engaged = [value for value in (survivor.last_engaged_at, other.last_engaged_at) if value]
    survivor.last_engaged_at = max(engaged) if engaged else None
    survivor.save()


def repoint_rows(survivor: Person, other: Person, notes: MergeNotes, now: datetime) -> None:
    """Move every row of the other person to the survivor, deduplicating where they clash."""
    _merge_candidacies(survivor, other, notes)
    _merge_preferences(survivor, other, notes)
    _merge_enrollments(survivor, other, notes, now)
    _drop_duplicate_history(survivor, other, notes)
    for relation in Person._meta.related_objects:
        model = relation.related_model
        if not isinstance(model, type) or relation.many_to_many:
            continue
        if model._meta.app_label == HYGIENE_APP:
            continue  # our own keys and pairs go with the merged-away person
        _repoint(model, relation.field, survivor, other, notes)


def _unique_with(model: type[models.Model], field_name: str) -> bool:
    meta = model._meta
    if getattr(meta.get_field(field_name), "unique", False):
        return True
    groups = [list(group) for group in meta.unique_together]
    groups += [list(constraint.fields) for constraint in meta.total_unique_constraints]
    groups += [
        list(constraint.fields)
        for constraint in meta.constraints
        if isinstance(constraint, models.UniqueConstraint) and constraint.fields
    ]
    return any(field_name in group for group in groups)


def _repoint(
    model: type[models.Model],
    link: models.Field[Any, Any],
    survivor: Person,
    other: Person,
    notes: MergeNotes,
) -> None:
    rows = model._default_manager.filter(**{link.name: other.pk})
    label = model._meta.label_lower
    extra: dict[str, Any] = {"is_primary": False} if model is ContactPoint else {}
    if not _unique_with(model, link.name):
        count = rows.update(**{link.attname: survivor.pk}, **extra)
        if count:
            notes.moved[label] = notes.moved.get(label, 0) + count
        return
    for row in rows.order_by("pk"):
        try:
            with transaction.atomic():
                model._default_manager.filter(pk=row.pk).update(
                    **{link.attname: survivor.pk}, **extra
                )
            notes.moved[label] = notes.moved.get(label, 0) + 1
        except IntegrityError:
            # The survivor already holds the same thing (a tag, a skill, an address).
            notes.dropped.append({"model": label, "id": row.pk, "why": "duplicate"})
            row.delete()


def _stage_rank(candidacy: Candidacy) -> tuple[bool, int, bool, datetime]:
    hired = candidacy.outcome == Outcome.HIRED.value
    is_open = candidacy.outcome == Outcome.OPEN.value
    return (hired, candidacy.stage.position, is_open, candidacy.stage_entered_at)


def _merge_candidacies(survivor: Person, other: Person, notes: MergeNotes) -> None:
    """Same job or pool on both sides: keep the further-along candidacy, record the other."""
    mine = {
        (candidacy.job_id, candidacy.pool_id): candidacy
        for candidacy in Candidacy.objects.filter(person=survivor).select_related("stage")
    }
    for theirs in Candidacy.objects.filter(person=other).select_related("stage"):
        kept = mine.get((theirs.job_id, theirs.pool_id))
        if kept is None:
            continue
        loser = theirs if _stage_rank(kept) >= _stage_rank(theirs) else kept
        notes.dropped.append(
            {"model": "recruiting.candidacy", "id": loser.pk, "why": "same job, less far along"}
        )
        loser.delete()


def _merge_preferences(survivor: Person, other: Person, notes: MergeNotes) -> None:
    """Opt-outs add up: the earliest unsubscribe, every opted-out topic, alerts only if both."""
    theirs = ContactPreference.objects.filter(person=other).first()
    mine = ContactPreference.objects.filter(person=survivor).first()
    if theirs is None or mine is None:
        return  # a lone preference row is simply re-pointed with the other rows
    stamps = [value for value in (mine.unsubscribed_all_at, theirs.unsubscribed_all_at) if value]
    mine.unsubscribed_all_at = min(stamps) if stamps else None
    mine.opted_out_topics = sorted({*mine.opted_out_topics, *theirs.opted_out_topics})
    mine.job_alerts = mine.job_alerts and theirs.job_alerts
    for name in ("role_interests", "locations", "seniorities"):
        setattr(mine, name, sorted({*getattr(mine, name), *getattr(theirs, name)}))
    mine.save()
    notes.dropped.append(
        {"model": "outreach.contactpreference", "id": theirs.pk, "why": "folded into survivor's"}
    )
    theirs.delete()


def _merge_enrollments(survivor: Person, other: Person, notes: MergeNotes, now: datetime) -> None:
    """Re-pointed, never dropped; one live enrolment per mailbox, so a clash stops theirs."""
    live = set(
        Enrollment.objects.filter(person=survivor, state__in=LIVE_STATES).values_list(
            "mailbox_id", flat=True
        )
    )
    clashing = Enrollment.objects.filter(person=other, state__in=LIVE_STATES, mailbox_id__in=live)
    for enrollment in clashing:
        enrollment.state = "stopped"
        enrollment.stop_reason = "merged: already in a live sequence on this mailbox"
        enrollment.finished_at = now
        enrollment.save(update_fields=["state", "stop_reason", "finished_at", "updated_at"])
        notes.stopped_enrollments.append(enrollment.pk)


def _history_key(row: WorkExperience | Education) -> tuple[object, ...]:
    if isinstance(row, WorkExperience):
        return (fold(row.company_name), fold(row.title), row.start_date)
    return (fold(row.institution), fold(row.degree), row.end_date)


def _drop_duplicate_history(survivor: Person, other: Person, notes: MergeNotes) -> None:
    for model in (WorkExperience, Education):
        known = {_history_key(row) for row in model._default_manager.filter(person=survivor)}
        for row in model._default_manager.filter(person=other):
            if _history_key(row) in known:
                notes.dropped.append(
                    {"model": model._meta.label_lower, "id": row.pk, "why": "duplicate"}
                )
                row.delete()


def restrict_consent(survivor: Person, notes: MergeNotes, now: datetime) -> None:
    """Once both sides' bases sit on the survivor, a withdrawal on either side wins.

    For each purpose where any basis was withdrawn, bases still active for that purpose are
    withdrawn too (as of the merge), and an address unsubscribed on either side stops all
    mail to the merged person through the preference row.
    """
    bases = ContactBasis.objects.filter(person=survivor)
    withdrawn = set(bases.filter(withdrawn_at__isnull=False).values_list("purpose", flat=True))
    for basis in bases.filter(withdrawn_at__isnull=True, purpose__in=withdrawn):
        basis.withdrawn_at = now
        basis.save(update_fields=["withdrawn_at", "updated_at"])
        notes.withdrawn_bases.append(basis.pk)
    addresses = ContactPoint.objects.filter(person=survivor, kind="email").values_list(
        "value", flat=True
    )
    unsubscribed = Suppression.objects.filter(
        workspace_id=survivor.workspace_id, address__in=list(addresses), reason="unsubscribed"
    ).exists()
    if not unsubscribed:
        return
    preference, created = ContactPreference.objects.get_or_create(
        person=survivor,
        defaults={"workspace_id": survivor.workspace_id, "unsubscribed_all_at": now},
    )
    if created:
        notes.created.append([preference._meta.label_lower, preference.pk])
    elif preference.unsubscribed_all_at is None:
        preference.unsubscribed_all_at = now
        preference.save(update_fields=["unsubscribed_all_at", "updated_at"])


def set_primaries(
    survivor: Person, other_primaries: dict[str, str], choices: dict[str, str]
) -> None:
    """The survivor's primary address and phone stay unless the reviewer chose the other's."""
    for kind, choice_name in (("email", "primary_email"), ("phone", "primary_phone")):
        points = ContactPoint.objects.filter(person=survivor, kind=kind)
        wanted = other_primaries.get(kind) if choices.get(choice_name) == "other" else None
        if not wanted:
            wanted = getattr(survivor, choice_name) or None
        chosen = points.filter(value=wanted).first() if wanted else None
        chosen = chosen or points.filter(is_primary=True).first() or points.order_by("pk").first()
        others = points.exclude(pk=chosen.pk) if chosen is not None else points
        others.filter(is_primary=True).update(is_primary=False)
        if chosen is not None and not chosen.is_primary:
            ContactPoint.objects.filter(pk=chosen.pk).update(is_primary=True)
        setattr(survivor, choice_name, chosen.value if chosen else "")
    survivor.save(update_fields=["primary_email", "primary_phone", "updated_at"])
