"""Sequence reads, scoped to the viewer's workspace and to the people they may see."""

from __future__ import annotations

from django.db.models import QuerySet

from talentloop.accounts.models import User
from talentloop.core.errors import NotFound, ValidationFailed
from talentloop.outreach.sequence_models import Enrollment, EnrollmentHistory, Sequence
from talentloop.people.models import Person
from talentloop.people.queries import visible_people
from talentloop.recruiting.queries import access_job

MAX_ENROL_AT_ONCE = 5000


def sequences(user: User, *, include_archived: bool = False) -> QuerySet[Sequence]:
    rows = Sequence.objects.filter(workspace_id=user.tenant_id).select_related("mailbox")
    return rows if include_archived else rows.filter(archived=False)


def access_sequence(user: User, sequence_id: int) -> Sequence:
    sequence = sequences(user, include_archived=True).filter(pk=sequence_id).first()
    if sequence is None:
        raise NotFound("sequence not found")
    return sequence


def enrollments(user: User) -> QuerySet[Enrollment]:
    """Enrolments of the people the viewer may see (hiring managers: their jobs' people)."""
    return Enrollment.objects.filter(
        workspace_id=user.tenant_id, person__in=visible_people(user)
    ).select_related("sequence", "person", "mailbox")


def access_enrollment(user: User, enrollment_id: int) -> Enrollment:
    enrollment = enrollments(user).filter(pk=enrollment_id).first()
    if enrollment is None:
        raise NotFound("enrolment not found")
    return enrollment


def person_enrollments(user: User, person: Person) -> list[Enrollment]:
    """A person's enrolments, newest first, with their history loaded."""
    return list(
        enrollments(user)
        .filter(person=person)
        .prefetch_related("history", "sequence__steps")
        .order_by("-id")
    )


def history(enrollment: Enrollment) -> QuerySet[EnrollmentHistory]:
    return enrollment.history.select_related("message").order_by("occurred_at", "id")


def people_to_enrol(
    user: User,
    *,
    person_ids: list[int] | None = None,
    query: str | None = None,
    job_id: int | None = None,
    stage_id: int | None = None,
) -> list[Person]:
    """The visible people named by ids, a search query, or a job's open pipeline."""
    given = [name for name, value in (("person_ids", person_ids), ("query", query),
                                      ("job_id", job_id)) if value]  # fmt: skip
    if len(given) != 1:
        raise ValidationFailed(
            "name the people by exactly one of person_ids, query or job_id",
            fields={"people": "give exactly one of person_ids, query, job_id"},
        )
    people = visible_people(user)
    if person_ids:
        people = people.filter(pk__in=person_ids)
    elif query:
        from talentloop.search.queries import people_matching

        people = people_matching(user, query)
    else:
        people = _pipeline_people(user, people, job_id or 0, stage_id)
    found = list(people.order_by("id")[: MAX_ENROL_AT_ONCE + 1])
    if len(found) > MAX_ENROL_AT_ONCE:
        raise ValidationFailed(
            f"at most {MAX_ENROL_AT_ONCE} people at once; narrow the query",
            fields={"people": "too many"},
        )
    return found


def _pipeline_people(
    user: User, people: QuerySet[Person], job_id: int, stage_id: int | None
) -> QuerySet[Person]:
    job = access_job(user, job_id)
    candidacies = job.candidacies.filter(outcome="open")
    if stage_id:
        candidacies = candidacies.filter(stage_id=stage_id)
    return people.filter(pk__in=candidacies.values("person_id"))
