"""Reads of people data, always scoped to the viewer's workspace and rights."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from talentloop.accounts import domain as roles
from talentloop.accounts.models import User
from talentloop.core.errors import NotFound
from talentloop.people.models import (
    Activity,
    Attachment,
    Company,
    ContactPoint,
    CustomFieldDefinition,
    Person,
    Source,
    Tag,
    Task,
)


def visible_people(user: User) -> QuerySet[Person]:
    """Everyone in the workspace, or for a hiring manager only the people of their jobs."""
    people = Person.objects.filter(workspace_id=user.tenant_id)
    if roles.sees_everyone(user.role_enum):
        return people
    from django.apps import apps

    candidacy_model = apps.get_model("recruiting", "Candidacy")
    managed = candidacy_model.objects.filter(
        person_id=OuterRef("pk"), job__hiring_manager_id=user.pk
    )
    return people.filter(Exists(managed))


def filter_people(
    people: QuerySet[Person],
    *,
    q: str | None = None,
    tag: int | None = None,
    owner_id: int | None = None,
    source_id: int | None = None,
    lifecycle: str | None = None,
    seniority: str | None = None,
    country: str | None = None,
    city: str | None = None,
    updated_since: dt.datetime | None = None,
) -> QuerySet[Person]:
    """Narrow an already-scoped people queryset by the API's list filters."""
    exact = {
        "owner_id": owner_id,
        "source_id": source_id,
        "lifecycle": lifecycle,
        "seniority": seniority,
        "country": country.upper() if country else None,
        "tags__id": tag,
        "updated_at__gte": updated_since,
    }
    people = people.filter(**{name: value for name, value in exact.items() if value is not None})
    if city:
        people = people.filter(city__iexact=city.strip())
    if q and q.strip():
        people = people.filter(_name_or_email(q.strip()))
    return people


def _name_or_email(text: str) -> Q:
    """Prefix match on first name, last name or email; "ada lov" matches Ada Lovelace."""
    first, _, rest = text.partition(" ")
    if rest.strip():
        return Q(first_name__istartswith=first, last_name__istartswith=rest.strip())
    return (
        Q(first_name__istartswith=text)
        | Q(last_name__istartswith=text)
        | Q(primary_email__startswith=text.lower())
    )


def access_person(user: User, person_id: int) -> Person:
    """The person if this user may see them; otherwise 404, so existence never leaks."""
    person = visible_people(user).filter(pk=person_id).first()
    if person is None:
        raise NotFound("person not found")
    return person


def person_detail(user: User, person_id: int) -> Person:
    """A person with everything a profile shows, in a fixed number of queries."""
    person = (
        visible_people(user)
        .select_related("owner", "source", "current_company")
        .prefetch_related(
            Prefetch(
                "contact_points",
                queryset=ContactPoint.objects.order_by("kind", "-is_primary", "id"),
            ),
            "tags",
            "skills",
            "work_history",
            "education",
        )
        .filter(pk=person_id)
        .first()
    )
    if person is None:
        raise NotFound("person not found")
    return person


def timeline(user: User, person: Person, kinds: list[str] | None = None) -> QuerySet[Activity]:
    activities = Activity.objects.filter(person=person, workspace_id=user.tenant_id)
    if kinds:
        activities = activities.filter(kind__in=kinds)
    return activities.select_related("actor").order_by("-occurred_at", "-id")


def visible_activities(user: User) -> QuerySet[Activity]:
    return Activity.objects.filter(person__in=visible_people(user)).select_related("actor")


def access_activity(user: User, activity_id: int) -> Activity:
    activity = visible_activities(user).filter(pk=activity_id).first()
    if activity is None:
        raise NotFound("activity not found")
    return activity


def visible_contact_points(user: User) -> QuerySet[ContactPoint]:
    return ContactPoint.objects.filter(person__in=visible_people(user))


def access_contact_point(user: User, point_id: int) -> ContactPoint:
    point = visible_contact_points(user).select_related("person").filter(pk=point_id).first()
    if point is None:
        raise NotFound("contact point not found")
    return point


def visible_attachments(user: User) -> QuerySet[Attachment]:
    return Attachment.objects.filter(person__in=visible_people(user))


def access_attachment(user: User, attachment_id: int) -> Attachment:
    attachment = visible_attachments(user).filter(pk=attachment_id).first()
    if attachment is None:
        raise NotFound("attachment not found")
    return attachment


def visible_tasks(user: User) -> QuerySet[Task]:
    """Tasks in the workspace; hiring managers see only their own."""
    tasks = Task.objects.filter(workspace_id=user.tenant_id)
    if not roles.sees_everyone(user.role_enum):
        tasks = tasks.filter(assignee=user)
    return tasks.select_related("assignee", "person")


def access_task(user: User, task_id: int) -> Task:
    task = visible_tasks(user).filter(pk=task_id).first()
    if task is None:
        raise NotFound("task not found")
    return task


def companies(user: User) -> QuerySet[Company]:
    return Company.objects.filter(workspace_id=user.tenant_id)


def access_company(user: User, company_id: int) -> Company:
    company = companies(user).filter(pk=company_id).first()
    if company is None:
        raise NotFound("company not found")
    return company


def tags(user: User) -> QuerySet[Tag]:
    return Tag.objects.filter(workspace_id=user.tenant_id).order_by("name")


def access_tag(user: User, tag_id: int) -> Tag:
    tag = tags(user).filter(pk=tag_id).first()
    if tag is None:
        raise NotFound("tag not found")
    return tag


def sources(user: User) -> QuerySet[Source]:
    return Source.objects.filter(workspace_id=user.tenant_id).order_by("name")


def access_source(user: User, source_id: int) -> Source:
    source = sources(user).filter(pk=source_id).first()
    if source is None:
        raise NotFound("source not found")
    return source


def custom_fields(user: User) -> QuerySet[CustomFieldDefinition]:
    return CustomFieldDefinition.objects.filter(workspace_id=user.tenant_id).order_by("key")


def teammates(user: User) -> QuerySet[User]:
    return User.objects.filter(workspace_id=user.tenant_id, is_active=True).order_by("full_name")


def access_teammate(user: User, user_id: int) -> User:
    teammate = teammates(user).filter(pk=user_id).first()
    if teammate is None:
        raise NotFound("user not found")
    return teammate
