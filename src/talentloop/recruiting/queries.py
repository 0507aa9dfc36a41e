"""Reads of jobs, pools and candidacies, scoped to the viewer's workspace and rights."""

from __future__ import annotations

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from talentloop.accounts import domain as roles
from talentloop.accounts.models import User
from talentloop.core.errors import NotFound
from talentloop.recruiting.models import (
    Candidacy,
    Interview,
    Job,
    Offer,
    PipelineTemplate,
    RejectionReason,
    Stage,
    StageChange,
    TalentPool,
)


def visible_jobs(user: User) -> QuerySet[Job]:
    jobs = Job.objects.filter(workspace_id=user.tenant_id)
    if not roles.sees_everyone(user.role_enum):
        jobs = jobs.filter(hiring_manager=user)
    return jobs


def access_job(user: User, job_id: int) -> Job:
    job = (
        visible_jobs(user)
        .select_related("pipeline", "hiring_manager", "recruiter", "company")
        .filter(pk=job_id)
        .first()
    )
    if job is None:
        raise NotFound("job not found")
    return job


def jobs_with_counts(user: User) -> QuerySet[Job]:
    """Jobs with their number of open, hired and total candidacies.

    Why subqueries and not a JOIN … GROUP BY: grouping every job column over thousands of
    candidacies per job needs a temporary B-tree of the whole join; a count per job reads only
    the candidacy_board index, and only for the jobs on the page.
    """
    return visible_jobs(user).annotate(
        open_count=_candidacy_count(outcome="open"),
        hired_count=_candidacy_count(outcome="hired"),
        total_count=_candidacy_count(),
    )


def _candidacy_count(**filters: str) -> Coalesce:
    counted = (
        Candidacy.objects.filter(job_id=OuterRef("pk"), **filters)
        .order_by()
        .values("job_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def visible_pools(user: User) -> QuerySet[TalentPool]:
    """Hiring managers do not see talent pools: they are the sourcing team's workspace."""
    pools = TalentPool.objects.filter(workspace_id=user.tenant_id)
    if not roles.sees_everyone(user.role_enum):
        return pools.none()
    return pools


def access_pool(user: User, pool_id: int) -> TalentPool:
    pool = visible_pools(user).select_related("pipeline").filter(pk=pool_id).first()
    if pool is None:
        raise NotFound("pool not found")
    return pool


def visible_candidacies(user: User) -> QuerySet[Candidacy]:
    candidacies = Candidacy.objects.filter(workspace_id=user.tenant_id)
    if not roles.sees_everyone(user.role_enum):
        candidacies = candidacies.filter(job__hiring_manager=user)
    return candidacies


def access_candidacy(user: User, candidacy_id: int) -> Candidacy:
    candidacy = (
        visible_candidacies(user)
        .select_related("person", "job", "pool", "stage", "outcome_reason")
        .filter(pk=candidacy_id)
        .first()
    )
    if candidacy is None:
        raise NotFound("candidacy not found")
    return candidacy


def stage_history(candidacy: Candidacy) -> QuerySet[StageChange]:
    return StageChange.objects.filter(candidacy=candidacy).select_related(
        "stage", "from_stage", "actor"
    )


def pipelines(user: User) -> QuerySet[PipelineTemplate]:
    return PipelineTemplate.objects.filter(workspace_id=user.tenant_id).order_by("kind", "name")


def access_pipeline(user: User, pipeline_id: int) -> PipelineTemplate:
    template = pipelines(user).filter(pk=pipeline_id).first()
    if template is None:
        raise NotFound("pipeline not found")
    return template


def access_stage(user: User, stage_id: int) -> Stage:
    stage = Stage.objects.filter(pipeline__workspace_id=user.tenant_id, pk=stage_id).first()
    if stage is None:
        raise NotFound("stage not found")
    return stage


def rejection_reasons(user: User) -> QuerySet[RejectionReason]:
    return RejectionReason.objects.filter(workspace_id=user.tenant_id, active=True).order_by(
        "kind", "name"
    )


def access_reason(user: User, reason_id: int) -> RejectionReason:
    reason = RejectionReason.objects.filter(workspace_id=user.tenant_id, pk=reason_id).first()
    if reason is None:
        raise NotFound("reason not found")
    return reason


def board(user: User, job: Job) -> dict[int, list[Candidacy]]:
    """Open candidacies of a job grouped by stage id, oldest arrival first."""
    columns: dict[int, list[Candidacy]] = {stage.pk: [] for stage in job.pipeline.stages.all()}
    candidacies = (
        visible_candidacies(user)
        .filter(job=job, outcome__in=["open", "hired"])
        .select_related("person")
        .order_by("stage_entered_at")
    )
    for candidacy in candidacies:
        columns.setdefault(candidacy.stage_id, []).append(candidacy)
    return columns


def visible_interviews(user: User) -> QuerySet[Interview]:
    """Interviews of the candidacies the user may see."""
    return Interview.objects.filter(
        workspace_id=user.tenant_id, candidacy__in=visible_candidacies(user)
    ).prefetch_related("interviewers")


def access_interview(user: User, interview_id: int) -> Interview:
    interview = visible_interviews(user).select_related("candidacy").filter(pk=interview_id).first()
    if interview is None:
        raise NotFound("interview not found")
    return interview


def visible_offers(user: User) -> QuerySet[Offer]:
    return Offer.objects.filter(
        workspace_id=user.tenant_id, candidacy__in=visible_candidacies(user)
    )


def access_offer(user: User, offer_id: int) -> Offer:
    offer = visible_offers(user).select_related("candidacy").filter(pk=offer_id).first()
    if offer is None:
        raise NotFound("offer not found")
    return offer
