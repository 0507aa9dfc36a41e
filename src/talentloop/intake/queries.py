"""Reads of import batches and their reports, scoped to the viewer's workspace and role.

Only the roles that may import (admin, recruiter, coordinator) see imports at all: a report
names rows of files others uploaded. Everyone else gets a 403; another workspace's batch, 404.
"""

from __future__ import annotations

from django.db.models import QuerySet

from talentloop.accounts.models import User
from talentloop.accounts.permissions import require_write
from talentloop.core.errors import NotFound
from talentloop.intake.models import FieldReview, ImportBatch, ImportIssue, ReviewStatus


def visible_batches(user: User) -> QuerySet[ImportBatch]:
    """The workspace's imports, newest first; a 403 for roles that cannot import."""
    require_write(user)
    return ImportBatch.objects.filter(workspace_id=user.tenant_id).order_by("-created_at", "-id")


def access_batch(user: User, batch_id: int) -> ImportBatch:
    """One import of the viewer's workspace, or 404."""
    batch = visible_batches(user).select_related("workspace", "actor").filter(pk=batch_id).first()
    if batch is None:
        raise NotFound("no such import")
    return batch


def batch_issues(batch: ImportBatch) -> QuerySet[ImportIssue]:
    return ImportIssue.objects.filter(batch=batch).order_by("id")


def open_reviews(user: User) -> QuerySet[FieldReview]:
    """Parsed values waiting for a person to accept or dismiss them."""
    require_write(user)
    return (
        FieldReview.objects.filter(workspace_id=user.tenant_id, status=ReviewStatus.OPEN)
        .select_related("person")
        .order_by("person_id", "id")
    )


def access_review(user: User, review_id: int) -> FieldReview:
    review = open_reviews(user).filter(pk=review_id).first()
    if review is None:
        raise NotFound("no such field to review")
    return review
