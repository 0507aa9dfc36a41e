"""Reads of segments and static lists, scoped to the viewer's workspace and role.

Membership is stored workspace-wide; every read of members narrows it to the people this
viewer may see (a hiring manager: only the people of their own jobs).
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet

from talentloop.accounts import domain as roles
from talentloop.accounts.models import User
from talentloop.accounts.permissions import sees_salary
from talentloop.core.errors import NotFound, PermissionDenied
from talentloop.people.models import Person
from talentloop.people.queries import visible_people
from talentloop.search import domain
from talentloop.search.models import (
    Segment,
    SegmentCount,
    SegmentMembership,
    StaticList,
    StaticListMember,
)
from talentloop.search.queries import clauses


def visible_segments(user: User) -> QuerySet[Segment]:
    return Segment.objects.filter(workspace_id=user.tenant_id)


def access_segment(user: User, segment_id: int) -> Segment:
    """The segment if it is in the viewer's workspace; otherwise 404."""
    segment = visible_segments(user).filter(pk=segment_id).first()
    if segment is None:
        raise NotFound("segment not found")
    return segment


def segment_members(user: User, segment: Segment) -> QuerySet[Person]:
    """The segment's current members that this viewer may see."""
    member = SegmentMembership.objects.filter(segment=segment, person_id=OuterRef("pk"))
    return visible_people(user).filter(Exists(member))


def segment_history(segment: Segment) -> QuerySet[SegmentCount]:
    return SegmentCount.objects.filter(segment=segment)


def sees_workspace_counts(user: User) -> bool:
    """Workspace-wide counts (and their history) reveal people a hiring manager may not see."""
    return roles.sees_everyone(user.role_enum)


def visible_lists(user: User) -> QuerySet[StaticList]:
    return StaticList.objects.filter(workspace_id=user.tenant_id)


def access_list(user: User, list_id: int) -> StaticList:
    """The list if it is in the viewer's workspace; otherwise 404."""
    static_list = visible_lists(user).filter(pk=list_id).first()
    if static_list is None:
        raise NotFound("list not found")
    return static_list


def list_members(user: User, static_list: StaticList) -> QuerySet[Person]:
    """The list's people that this viewer may see."""
    member = StaticListMember.objects.filter(static_list=static_list, person_id=OuterRef("pk"))
    return visible_people(user).filter(Exists(member))


def uses_salary(text: str) -> bool:
    """Whether a saved query filters on salary (most hiring managers may not see salaries)."""
    try:
        tree = domain.parse(text)
    except domain.QueryError:
        return False
    return any(
        domain.field_spec(clause.field).salary or (clause.field, clause.value) == ("has", "salary")
        for clause in clauses(tree)
    )


def require_salary_rights(user: User, query: str) -> None:
    """403 when a query filters on salary and this viewer may not see salaries."""
    if not sees_salary(user) and uses_salary(query):
        raise PermissionDenied("this query filters on salary, which your role cannot see")
