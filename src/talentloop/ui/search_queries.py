"""Reads for the segments and lists pages, on top of the role-scoped search queries."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, F, QuerySet, Window
from django.db.models.functions import RowNumber

from talentloop.accounts.models import User
from talentloop.people.models import Person
from talentloop.search import segment_queries as search_queries
from talentloop.search.models import Segment, SegmentCount, StaticList

SPARK_POINTS = 24
HISTORY_ROWS = 60


def segments_with_history(user: User) -> list[tuple[Segment, list[int]]]:
    """The viewer's segments by name, each with its latest counts (oldest first) for a sparkline."""
    segments = list(search_queries.visible_segments(user).order_by("name", "id")[:200])
    if not search_queries.sees_workspace_counts(user):
        return [(segment, []) for segment in segments]
    history = recent_counts([segment.pk for segment in segments], SPARK_POINTS)
    return [(segment, history.get(segment.pk, [])) for segment in segments]


def recent_counts(segment_ids: list[int], per_segment: int) -> dict[int, list[int]]:
    """The last `per_segment` counts of each segment in one query (a window over the history)."""
    if not segment_ids:
        return {}
    rows = (
        SegmentCount.objects.filter(segment_id__in=segment_ids)
        .annotate(
            recency=Window(
                RowNumber(),
                partition_by=[F("segment_id")],
                order_by=[F("counted_at").desc(), F("id").desc()],
            )
        )
        .filter(recency__lte=per_segment)
        .values_list("segment_id", "count", "recency")
    )
    history: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for segment_id, count, recency in rows:
        history[segment_id].append((recency, count))
    return {
        pk: [count for _, count in sorted(points, reverse=True)] for pk, points in history.items()
    }


def count_history(segment: Segment) -> list[SegmentCount]:
    """The segment's latest evaluations, oldest first."""
    rows = list(
        search_queries.segment_history(segment).order_by("-counted_at", "-id")[:HISTORY_ROWS]
    )
    rows.reverse()
    return rows


def lists_with_sizes(user: User) -> QuerySet[StaticList]:
    return (
        search_queries.visible_lists(user)
        .select_related("source_segment", "owner")
        .annotate(size=Count("members"))
        .order_by("name", "id")
    )


def list_people(user: User, static_list: StaticList) -> QuerySet[Person]:
    """The list's members this viewer may see."""
    return search_queries.list_members(user, static_list)


def segment_people(user: User, segment: Segment) -> QuerySet[Person]:
    """The segment's current members this viewer may see."""
    return search_queries.segment_members(user, segment)
