"""Facet counts for any set of people, top values first.

The set arrives as a QuerySet (already scoped to the viewer and filtered by a query) and is
only ever used inside SQL, so the people themselves never travel to Python. The facets that
are columns of Person share one GROUP BY; each related facet (skills, tags, stage) is one
GROUP BY over its own table.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import Count, QuerySet

from talentloop.accounts import domain as roles
from talentloop.accounts.models import User
from talentloop.people.models import Person, PersonSkill, PersonTag, Source, Tag
from talentloop.recruiting.models import Candidacy

FACETS = ("skills", "country", "city", "seniority", "source", "stage", "tags")
DEFAULT_TOP = 10
MAX_TOP = 50
FacetRows = list[tuple[str, int]]


def facet_counts(
    qs: QuerySet[Person],
    facets: Iterable[str] = FACETS,
    *,
    top: int = DEFAULT_TOP,
    viewer: User | None = None,
) -> dict[str, FacetRows]:
    """{facet: [(value, people), …]} for the people in `qs`, most frequent first.

    Blank values are left out. `viewer` narrows a hiring manager's stage facet to the jobs
    they manage.
    """
    wanted = list(dict.fromkeys(facets))
    unknown = [facet for facet in wanted if facet not in FACETS]
    if unknown:
        raise ValueError(f"unknown facet {unknown[0]!r}; known: {', '.join(FACETS)}")
    top = max(1, min(top, MAX_TOP))
    people = qs.order_by()
    counted = _person_columns(people, [facet for facet in wanted if facet in _COLUMNS], top)
    ids = people.values("pk")
    for facet in wanted:
        if facet in _RELATED:
            counted[facet] = _RELATED[facet](ids, top, viewer)
    return {facet: counted[facet] for facet in wanted}


def _person_columns(people: QuerySet[Person], facets: list[str], top: int) -> dict[str, FacetRows]:
    """Every facet that is a column of Person, from ONE pass grouped by all of them at once.

    Why one query: each facet on its own is a full pass over the matching people; grouped
    together the database makes one pass and returns one row per combination (hundreds to a
    few thousand, even for a million people), which Python folds into per-facet counts.
    """
    if not facets:
        return {}
    columns = [_COLUMNS[facet] for facet in facets]
    totals: dict[str, Counter[Any]] = {facet: Counter() for facet in facets}
    for row in people.values(*columns).annotate(n=Count("pk")).order_by():
        for facet, column in zip(facets, columns, strict=True):
            if row[column] not in ("", None):
                totals[facet][row[column]] += row["n"]
    counted = {facet: _top(totals[facet], top) for facet in facets}
    if "source" in counted:
        counted["source"] = _named(Source, counted["source"])
    return counted


def _top(counter: Counter[Any], top: int) -> list[tuple[Any, int]]:
    return sorted(counter.items(), key=lambda item: (-item[1], str(item[0])))[:top]


def _named(model: type[Source] | type[Tag], rows: list[tuple[Any, int]]) -> FacetRows:
    names = dict(model.objects.filter(pk__in=[pk for pk, _ in rows]).values_list("pk", "name"))
    return [(str(names.get(pk, "")), count) for pk, count in rows]


def _skills(people: QuerySet[Any], top: int, viewer: User | None) -> FacetRows:
    # One row per (person, skill) by constraint, so counting rows counts people.
    rows = (
        PersonSkill.objects.filter(person_id__in=people)
        .values("normalized")
        .annotate(n=Count("pk"))
        .order_by("-n", "normalized")[:top]
    )
    return [(str(row["normalized"]), int(row["n"])) for row in rows]


def _tags(people: QuerySet[Any], top: int, viewer: User | None) -> FacetRows:
    rows = (
        PersonTag.objects.filter(person_id__in=people)
        .values("tag_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "tag_id")[:top]
    )
    return _named(Tag, [(row["tag_id"], int(row["n"])) for row in rows])


def _stages(people: QuerySet[Any], top: int, viewer: User | None) -> FacetRows:
    # Stages are per pipeline; people are grouped by the stage's name ("Interview" in any job).
    open_candidacies = Candidacy.objects.filter(person_id__in=people, outcome="open")
    if viewer is not None and not roles.sees_everyone(viewer.role_enum):
        open_candidacies = open_candidacies.filter(job__hiring_manager_id=viewer.pk)
    rows = (
        open_candidacies.values("stage__name")
        .annotate(n=Count("person_id", distinct=True))
        .order_by("-n", "stage__name")[:top]
    )
    return [(str(row["stage__name"]), int(row["n"])) for row in rows]


_COLUMNS = {"country": "country", "city": "city", "seniority": "seniority", "source": "source_id"}
_RELATED: dict[str, Callable[[QuerySet[Any], int, User | None], FacetRows]] = {
    "skills": _skills,
    "stage": _stages,
    "tags": _tags,
}
