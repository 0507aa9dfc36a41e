"""Search records: saved dynamic segments, their membership and count history, static lists."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from talentloop.core.models import WorkspaceScopedModel


class Segment(WorkspaceScopedModel):
    """A saved query; its membership is re-evaluated as people change and on a schedule."""

    name = models.CharField(max_length=100)
    description = models.TextField(blank=True, default="")
    query = models.TextField(blank=True, default="")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_count = models.PositiveIntegerField(default=0)
    last_evaluated_at = models.DateTimeField(null=True, blank=True)
    # Why stored: a saved query can stop compiling (a custom field archived); the segment then
    # keeps its last membership and shows the reason instead of failing every refresh.
    last_error = models.CharField(max_length=300, blank=True, default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"], name="segment_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class SegmentCount(models.Model):
    """One evaluation of a segment: how many members it had then, and how many came and went."""

    segment = models.ForeignKey(Segment, on_delete=models.CASCADE, related_name="counts")
    counted_at = models.DateTimeField()
    count = models.PositiveIntegerField()
    entered = models.PositiveIntegerField(default=0)
    left = models.PositiveIntegerField(default=0)
    full = models.BooleanField(default=True)

    class Meta:
        indexes = [models.Index(fields=["segment", "counted_at"], name="segmentcount_history")]

    def __str__(self) -> str:
        return f"{self.segment_id}@{self.counted_at}: {self.count}"


class SegmentMembership(models.Model):
    segment = models.ForeignKey(Segment, on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    entered_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["segment", "person"], name="segmentmembership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.segment_id}:{self.person_id}"


class StaticList(WorkspaceScopedModel):
    """A fixed set of people, added by hand or snapshotted from a segment."""

    name = models.CharField(max_length=100)
    description = models.TextField(blank=True, default="")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source_segment = models.ForeignKey(
        Segment, null=True, blank=True, on_delete=models.SET_NULL, related_name="snapshots"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"], name="staticlist_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class StaticListMember(models.Model):
    static_list = models.ForeignKey(StaticList, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    added_at = models.DateTimeField()
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["static_list", "person"], name="staticlistmember_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.static_list_id}:{self.person_id}"
