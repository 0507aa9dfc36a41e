"""Every user-facing hygiene read, scoped to the viewer's workspace and role."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet

from talentloop.accounts import domain as roles
from talentloop.accounts.models import User
from talentloop.core.errors import NotFound, PermissionDenied
from talentloop.hygiene.models import CandidateStatus, DuplicateCandidate, MergeRecord
from talentloop.people.models import ContactPoint, Person
from talentloop.people.queries import visible_people

STALE_AFTER = timedelta(days=730)  # 24 months without engagement


def check_may_review(user: User) -> None:
    """The duplicate queue and merge history: the roles that see and edit every record."""
    if not roles.can_write(user.role_enum):
        raise PermissionDenied("your role cannot review duplicates")


def open_candidates(user: User) -> QuerySet[DuplicateCandidate]:
    check_may_review(user)
    return (
        DuplicateCandidate.objects.filter(workspace_id=user.tenant_id, status=CandidateStatus.OPEN)
        .select_related("low", "high")
        .order_by("-score", "pk")
    )


def access_candidate(user: User, candidate_id: int) -> DuplicateCandidate:
    check_may_review(user)
    candidate = (
        DuplicateCandidate.objects.filter(workspace_id=user.tenant_id, pk=candidate_id)
        .select_related("low", "high")
        .first()
    )
    if candidate is None:
        raise NotFound("duplicate pair not found")
    return candidate


def candidates_of(user: User, person: Person) -> list[DuplicateCandidate]:
    """Open pairs naming this person, for the profile card; empty for roles that cannot merge."""
    if not roles.can_write(user.role_enum):
        return []
    pairs = DuplicateCandidate.objects.filter(
        Q(low=person) | Q(high=person), workspace_id=user.tenant_id, status=CandidateStatus.OPEN
    )
    return list(pairs.select_related("low", "high").order_by("-score")[:5])


def merges(user: User) -> QuerySet[MergeRecord]:
    check_may_review(user)
    return MergeRecord.objects.filter(workspace_id=user.tenant_id).order_by("-created_at", "-pk")


def access_merge(user: User, merge_id: int) -> MergeRecord:
    record = merges(user).filter(pk=merge_id).first()
    if record is None:
        raise NotFound("merge not found")
    return record


@dataclass(frozen=True)
class QualityReport:
    people: int
    missing_email: int
    invalid_phones: int
    suspected_duplicates: int
    stale: int


def missing_email(user: User) -> QuerySet[Person]:
    return visible_people(user).filter(primary_email="")


def invalid_phones(user: User) -> QuerySet[Person]:
    """People with a phone that is not stored in E.164 (imported or written before checks)."""
    bad = ContactPoint.objects.filter(person_id=OuterRef("pk"), kind="phone").exclude(
        value__regex=r"^\+[1-9][0-9]{6,14}$"
    )
    return visible_people(user).filter(Exists(bad))


def suspected_duplicates(user: User) -> QuerySet[Person]:
    pairs = DuplicateCandidate.objects.filter(
        Q(low_id=OuterRef("pk")) | Q(high_id=OuterRef("pk")), status=CandidateStatus.OPEN
    )
    return visible_people(user).filter(Exists(pairs))


def stale_people(user: User, now: datetime) -> QuerySet[Person]:
    """No engagement for 24 months (or never, for records older than that)."""
    cutoff = now - STALE_AFTER
    return visible_people(user).filter(
        Q(last_engaged_at__lt=cutoff) | Q(last_engaged_at__isnull=True, created_at__lt=cutoff)
    )


def quality_report(user: User, now: datetime) -> QualityReport:
    """Counts for the data-quality page; analysts may read it (counts and names, no export)."""
    return QualityReport(
        people=visible_people(user).count(),
        missing_email=missing_email(user).count(),
        invalid_phones=invalid_phones(user).count(),
        suspected_duplicates=suspected_duplicates(user).count(),
        stale=stale_people(user, now).count(),
    )
