"""Page-specific reads for the UI, always starting from the role-scoped core queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import QueryDict

from talentloop.accounts import domain as roles
from talentloop.accounts.models import User
from talentloop.core import clock
from talentloop.people import queries as people_queries
from talentloop.people.domain import Seniority
from talentloop.people.models import Activity, Person, PersonSkill, PersonTag, Task
from talentloop.recruiting import queries as recruiting_queries
from talentloop.recruiting.models import Candidacy, Job, Stage, StageChange
from talentloop.ui.pagination import SortKey

ENGAGED_CHOICES = [
    ("7", "In the last 7 days"),
    ("30", "In the last 30 days"),
    ("90", "In the last 90 days"),
    ("stale", "Not in 90 days"),
    ("never", "Never"),
]
SORTS: dict[str, list[SortKey]] = {
    "recent": [SortKey("id", descending=True)],
    "oldest": [SortKey("id")],
    "name": [SortKey("last_name"), SortKey("first_name"), SortKey("id")],
    "-name": [
        SortKey("last_name", descending=True),
        SortKey("first_name", descending=True),
        SortKey("id", descending=True),
    ],
    "-engaged": [
        SortKey("last_engaged_at", descending=True, nullable=True, is_datetime=True),
        SortKey("id", descending=True),
    ],
    "engaged": [
        SortKey("last_engaged_at", nullable=True, is_datetime=True),
        SortKey("id"),
    ],
}


@dataclass
class PeopleFilter:
    """What the people list is narrowed to; parsed leniently from the query string."""

    q: str = ""
    skills: list[str] = field(default_factory=list)
    location: str = ""
    seniority: list[str] = field(default_factory=list)
    source: list[int] = field(default_factory=list)
    tags: list[int] = field(default_factory=list)
    owner: str = ""
    stage: list[int] = field(default_factory=list)
    engaged: str = ""
    sort: str = "recent"

    @classmethod
    def from_query(cls, params: QueryDict) -> PeopleFilter:
        seniorities = {member.value for member in Seniority}
        return cls(
            q=" ".join(params.get("q", "").split())[:200],
            skills=[s.strip().lower() for s in params.get("skills", "").split(",") if s.strip()][
                :10
            ],
            location=params.get("location", "").strip()[:100],
            seniority=[v for v in params.getlist("seniority") if v in seniorities],
            source=_ints(params.getlist("source")),
            tags=_ints(params.getlist("tag")),
            owner=params.get("owner", "") if _owner_ok(params.get("owner", "")) else "",
            stage=_ints(params.getlist("stage")),
            engaged=params.get("engaged", "")
            if params.get("engaged") in dict(ENGAGED_CHOICES)
            else "",
            sort=params.get("sort", "recent") if params.get("sort") in SORTS else "recent",
        )

    @property
    def is_empty(self) -> bool:
        return not (
            self.q
            or self.skills
            or self.location
            or self.seniority
            or self.source
            or self.tags
            or self.owner
            or self.stage
            or self.engaged
        )


def _ints(raw: list[str]) -> list[int]:
    return sorted({int(value) for value in raw if value.isdigit()})[:20]


def _owner_ok(value: str) -> bool:
    return value in {"", "me", "none"} or value.isdigit()


def filter_people(user: User, spec: PeopleFilter) -> QuerySet[Person]:
    """The people this user may see, narrowed by the list's search box and filter chips."""
    people = people_queries.visible_people(user)
    if spec.q:
        people = people.filter(_search(spec.q))
    for skill in spec.skills:
        people = people.filter(
            Exists(PersonSkill.objects.filter(person_id=OuterRef("pk"), normalized=skill))
        )
    if spec.location:
        people = people.filter(_location(spec.location))
    if spec.seniority:
        people = people.filter(seniority__in=spec.seniority)
    if spec.source:
        people = people.filter(source_id__in=spec.source)
    for tag_id in spec.tags:
        people = people.filter(
            Exists(PersonTag.objects.filter(person_id=OuterRef("pk"), tag_id=tag_id))
        )
    people = _filter_owner(people, user, spec.owner)
    if spec.stage:
        people = people.filter(
            Exists(
                Candidacy.objects.filter(
                    person_id=OuterRef("pk"), stage_id__in=spec.stage, outcome="open"
                )
            )
        )
    return _filter_engaged(people, spec.engaged, clock.now())


def _search(text: str) -> Q:
    """Every word must match a name, title, company or email (prefix on names)."""
    if "@" in text and " " not in text:
        return Q(primary_email__iexact=text)
    condition = Q()
    for word in text.split()[:6]:
        condition &= (
            Q(first_name__istartswith=word)
            | Q(last_name__istartswith=word)
            | Q(headline__icontains=word)
            | Q(current_title__icontains=word)
            | Q(current_company_name__icontains=word)
            | Q(primary_email__istartswith=word)
        )
    return condition


def _location(text: str) -> Q:
    condition = Q(city__icontains=text) | Q(region__icontains=text)
    if len(text) == 2:
        condition |= Q(country__iexact=text)
    return condition


def _filter_owner(people: QuerySet[Person], user: User, owner: str) -> QuerySet[Person]:
    if owner == "me":
        return people.filter(owner_id=user.pk)
    if owner == "none":
        return people.filter(owner__isnull=True)
    if owner:
        return people.filter(owner_id=int(owner))
    return people


def _filter_engaged(people: QuerySet[Person], engaged: str, now: datetime) -> QuerySet[Person]:
    if engaged == "never":
        return people.filter(last_engaged_at__isnull=True)
    if engaged == "stale":
        return people.filter(last_engaged_at__lt=now - timedelta(days=90))
    if engaged:
        return people.filter(last_engaged_at__gte=now - timedelta(days=int(engaged)))
    return people


def people_page_rows(people: QuerySet[Person]) -> QuerySet[Person]:
    """What each row of the list shows, without a query per row."""
    return people.select_related("owner", "source").prefetch_related("tags")


@dataclass
class FilterOptions:
    tags: list[Any]
    sources: list[Any]
    owners: list[User]
    stages: list[Stage]


def filter_options(user: User) -> FilterOptions:
    """Choices for the filter menus (bounded: the first 100 tags by name)."""
    return FilterOptions(
        tags=list(people_queries.tags(user)[:100]),
        sources=list(people_queries.sources(user)[:100]),
        owners=list(people_queries.teammates(user)),
        stages=list(job_stages(user).order_by("pipeline__name", "position")),
    )


def job_stages(user: User) -> QuerySet[Stage]:
    """Stages of the workspace's job pipelines, for the stage filter."""
    return Stage.objects.filter(
        pipeline__workspace_id=user.tenant_id, pipeline__kind="job"
    ).select_related("pipeline")


# --- dashboard ------------------------------------------------------------------------------


def my_due_tasks(user: User, end_of_today: datetime) -> list[Task]:
    """My open, unsnoozed tasks due by the end of today (overdue first)."""
    now = clock.now()
    return list(
        people_queries.visible_tasks(user)
        .filter(assignee=user, completed_at__isnull=True, due_at__lte=end_of_today)
        .filter(Q(snoozed_until__isnull=True) | Q(snoozed_until__lte=now))
        .order_by("due_at", "id")[:20]
    )


def recent_activity(user: User, limit: int = 10, days: int = 30) -> list[Activity]:
    """The latest timeline entries on people I own (hiring managers: on my candidates)."""
    since = clock.now() - timedelta(days=days)
    if roles.sees_everyone(user.role_enum):
        # Why: everyone in the workspace is visible, so filter on the workspace directly and
        # let the (workspace, -occurred_at) index drive, instead of an IN over all people.
        activities = Activity.objects.filter(workspace_id=user.tenant_id, person__owner=user)
    else:
        activities = people_queries.visible_activities(user)
    return list(
        activities.filter(occurred_at__gte=since)
        .select_related("person", "actor")
        .order_by("-occurred_at", "-id")[:limit]
    )


@dataclass
class JobSummary:
    job: Job
    stages: list[tuple[Stage, int]]
    open_count: int


def my_jobs(user: User) -> list[JobSummary]:
    """Open jobs I recruit for or manage, each with its open candidacies per stage."""
    jobs = list(
        recruiting_queries.visible_jobs(user)
        .filter(Q(recruiter=user) | Q(hiring_manager=user), status="open")
        .select_related("pipeline")
        .prefetch_related(Prefetch("pipeline__stages", queryset=Stage.objects.order_by("position")))
        .order_by("title")[:12]
    )
    counts = {
        (row["job_id"], row["stage_id"]): row["n"]
        for row in recruiting_queries.visible_candidacies(user)
        .filter(job__in=jobs, outcome="open")
        .values("job_id", "stage_id")
        .annotate(n=Count("id"))
    }
    summaries = []
    for job in jobs:
        stages = [(stage, counts.get((job.pk, stage.pk), 0)) for stage in job.pipeline.stages.all()]
        summaries.append(JobSummary(job, stages, sum(n for _, n in stages)))
    return summaries


# --- profile --------------------------------------------------------------------------------


def person_candidacies(user: User, person: Person) -> list[Candidacy]:
    """The person's candidacies this user may see, with stage history, newest first."""
    return list(
        recruiting_queries.visible_candidacies(user)
        .filter(person=person)
        .select_related("job", "pool", "stage", "outcome_reason")
        .prefetch_related(
            Prefetch(
                "history",
                queryset=StageChange.objects.select_related("stage", "actor").order_by(
                    "entered_at", "id"
                ),
            )
        )
        .order_by("-created_at", "-id")
    )


def person_attachments(user: User, person: Person) -> list[Any]:
    return list(
        people_queries.visible_attachments(user)
        .filter(person=person)
        .select_related("uploaded_by")
        .order_by("-created_at", "-id")
    )


def open_tasks_for(user: User, person: Person) -> list[Task]:
    return list(
        people_queries.visible_tasks(user)
        .filter(person=person, completed_at__isnull=True)
        .order_by("due_at", "id")[:20]
    )
