"""REST endpoints for jobs, pipeline templates, candidacies, talent pools and rejection reasons."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.utils.text import slugify
from ninja import Query, Router, Status

from talentloop.accounts.models import User
from talentloop.accounts.permissions import require_admin, require_write
from talentloop.api.common import current_user
from talentloop.api.pagination import Page, paginate
from talentloop.core.errors import Conflict, NotFound, ValidationFailed
from talentloop.people import queries as people_queries
from talentloop.recruiting import actions, queries
from talentloop.recruiting.domain import (
    Origin,
    Outcome,
    PipelineKind,
    ReasonKind,
    StageCategory,
    StageSpec,
)
from talentloop.recruiting.models import Candidacy, Job, PipelineTemplate, RejectionReason
from talentloop.recruiting.schemas import (
    LIST_ERRORS,
    READ_ERRORS,
    WRITE_ERRORS,
    CandidacyDetailOut,
    CandidacyFilters,
    CandidacyIn,
    CandidacyOut,
    CloseIn,
    JobFilters,
    JobIn,
    JobOut,
    JobPatch,
    MoveIn,
    PageParams,
    PipelineFilters,
    PipelineIn,
    PipelineOut,
    PipelinePatch,
    PoolFilters,
    PoolIn,
    PoolOut,
    PoolPatch,
    ReasonFilters,
    ReasonIn,
    ReasonOut,
    StageFilters,
    StageIn,
)

router = Router(tags=["recruiting"])
T = TypeVar("T")
_JOB_SORTS = {"created_at": "created_at", "updated_at": "updated_at", "title": "title", "id": "id"}
_CANDIDACY_SORTS = {
    "created_at": "created_at",
    "updated_at": "updated_at",
    "stage_entered_at": "stage_entered_at",
    "id": "id",
}
_NAME_SORTS = {"name": "name", "created_at": "created_at", "id": "id"}


def _resolve(lookup: Callable[[User, int], T], user: User, object_id: int, field: str) -> T:
    """A record named in a request body; an unknown or foreign id is a 422 naming the field."""
    try:
        return lookup(user, object_id)
    except NotFound:
        raise ValidationFailed(
            f"no such record for {field}", fields={field: "not found in this workspace"}
        ) from None


def _page(queryset: QuerySet[Any], filters: PageParams, allowed: dict[str, str]) -> dict[str, Any]:
    # Each filter schema narrows `sort` to its own Literal of allowed orders.
    sort = str(getattr(filters, "sort", "id"))
    items, next_cursor = paginate(
        queryset, cursor=filters.cursor, limit=filters.limit, sort=sort, allowed=allowed
    )
    return {"items": items, "next_cursor": next_cursor}


# --- jobs -------------------------------------------------------------------------------------


@router.get("/jobs", response={200: Page[JobOut], **LIST_ERRORS})
def list_jobs(request: HttpRequest, filters: Query[JobFilters]) -> dict[str, Any]:
    """Jobs you can see; hiring managers see only the jobs they manage."""
    user = current_user(request)
    jobs = queries.jobs_with_counts(user) if filters.counts else queries.visible_jobs(user)
    exact = {
        "status": filters.status,
        "hiring_manager_id": filters.hiring_manager_id,
        "recruiter_id": filters.recruiter_id,
    }
    jobs = jobs.filter(**{name: value for name, value in exact.items() if value is not None})
    if filters.q:
        jobs = jobs.filter(Q(title__icontains=filters.q) | Q(department__icontains=filters.q))
    page = _page(jobs, filters, _JOB_SORTS)
    if filters.counts:
        _attach_stage_counts(user, page["items"])
    return page


def _attach_stage_counts(user: User, jobs: list[Job]) -> None:
    rows = (
        queries.visible_candidacies(user)
        .filter(job__in=jobs, outcome=Outcome.OPEN.value)
        .values("job_id", "stage_id")
        .annotate(count=Count("id"))
        .order_by("job_id", "stage_id")
    )
    by_job: dict[int, list[dict[str, int]]] = {job.pk: [] for job in jobs}
    for row in rows:
        by_job[row["job_id"]].append({"stage_id": row["stage_id"], "count": row["count"]})
    for job in jobs:
        job.stage_counts = by_job[job.pk]  # type: ignore[attr-defined]


@router.post("/jobs", response={201: JobOut, **WRITE_ERRORS})
def create_job(request: HttpRequest, payload: JobIn) -> Status[Job]:
    user = current_user(request)
    require_write(user)
    assert user.workspace is not None
    fields = payload.dict(exclude_unset=True)
    return Status(201, actions.do_create_job(actor=user, workspace=user.workspace, fields=fields))


@router.get("/jobs/{job_id}", response={200: JobOut, **READ_ERRORS})
def get_job(request: HttpRequest, job_id: int) -> Job:
    return queries.access_job(current_user(request), job_id)


@router.patch("/jobs/{job_id}", response={200: JobOut, **WRITE_ERRORS})
def update_job(request: HttpRequest, job_id: int, payload: JobPatch) -> Job:
    user = current_user(request)
    job = queries.access_job(user, job_id)
    require_write(user)
    fields = payload.dict(exclude_unset=True)
    if "title" in fields and not (fields["title"] or "").strip():
        raise ValidationFailed("a job needs a title", fields={"title": "required"})
    return actions.do_update_job(actor=user, job=job, fields=fields)


@router.delete("/jobs/{job_id}", response={204: None, **WRITE_ERRORS})
def delete_job(request: HttpRequest, job_id: int) -> Status[None]:
    user = current_user(request)
    job = queries.access_job(user, job_id)
    require_write(user)
    actions.do_delete_job(actor=user, job=job)
    return Status(204, None)


@router.get("/jobs/{job_id}/candidacies", response={200: Page[CandidacyOut], **READ_ERRORS})
def list_job_candidacies(
    request: HttpRequest, job_id: int, filters: Query[StageFilters]
) -> dict[str, Any]:
    user = current_user(request)
    job = queries.access_job(user, job_id)
    candidacies = _filter_candidacies(
        queries.visible_candidacies(user).filter(job=job),
        stage_id=filters.stage_id,
        outcome=filters.outcome,
    )
    return _page(candidacies, filters, _CANDIDACY_SORTS)


# --- pipeline templates -----------------------------------------------------------------------


def _specs(stages: list[StageIn]) -> list[StageSpec]:
    specs = []
    for index, stage in enumerate(stages):
        key = slugify(stage.key or stage.name)[:32]
        if not key:
            raise ValidationFailed(
                "a stage needs a key made of letters or digits",
                fields={f"stages.{index}.key": "not a valid key"},
            )
        specs.append(StageSpec(key, stage.name.strip(), StageCategory(stage.category)))
    return specs


@router.get("/pipeline-templates", response={200: Page[PipelineOut], **LIST_ERRORS})
def list_pipeline_templates(
    request: HttpRequest, filters: Query[PipelineFilters]
) -> dict[str, Any]:
    templates = queries.pipelines(current_user(request)).prefetch_related("stages")
    if filters.kind is not None:
        templates = templates.filter(kind=filters.kind)
    return _page(templates, filters, _NAME_SORTS)


@router.post("/pipeline-templates", response={201: PipelineOut, **WRITE_ERRORS})
def create_pipeline_template(request: HttpRequest, payload: PipelineIn) -> Status[PipelineTemplate]:
    user = current_user(request)
    require_admin(user)
    assert user.workspace is not None
    template = actions.do_create_pipeline_template(
        actor=user,
        workspace=user.workspace,
        name=payload.name,
        kind=PipelineKind(payload.kind),
        stages=_specs(payload.stages),
    )
    return Status(201, template)


@router.get("/pipeline-templates/{pipeline_id}", response={200: PipelineOut, **READ_ERRORS})
def get_pipeline_template(request: HttpRequest, pipeline_id: int) -> PipelineTemplate:
    return queries.access_pipeline(current_user(request), pipeline_id)


@router.patch("/pipeline-templates/{pipeline_id}", response={200: PipelineOut, **WRITE_ERRORS})
def update_pipeline_template(
    request: HttpRequest, pipeline_id: int, payload: PipelinePatch
) -> PipelineTemplate:
    user = current_user(request)
    template = queries.access_pipeline(user, pipeline_id)
    require_admin(user)
    if payload.name is not None and not payload.name.strip():
        raise ValidationFailed("a pipeline needs a name", fields={"name": "required"})
    stages = _specs(payload.stages) if payload.stages is not None else None
    return actions.do_update_pipeline_template(
        actor=user, template=template, name=payload.name, stages=stages
    )


@router.delete("/pipeline-templates/{pipeline_id}", response={204: None, **WRITE_ERRORS})
def delete_pipeline_template(request: HttpRequest, pipeline_id: int) -> Status[None]:
    user = current_user(request)
    template = queries.access_pipeline(user, pipeline_id)
    require_admin(user)
    actions.do_delete_pipeline_template(actor=user, template=template)
    return Status(204, None)


# --- candidacies ------------------------------------------------------------------------------


def _filter_candidacies(candidacies: QuerySet[Candidacy], **filters: Any) -> QuerySet[Candidacy]:
    wanted = {name: value for name, value in filters.items() if value is not None}
    return candidacies.filter(**wanted).select_related("person")


@router.get("/candidacies", response={200: Page[CandidacyOut], **LIST_ERRORS})
def list_candidacies(request: HttpRequest, filters: Query[CandidacyFilters]) -> dict[str, Any]:
    """Candidacies you can see; hiring managers only those of the jobs they manage."""
    candidacies = _filter_candidacies(
        queries.visible_candidacies(current_user(request)),
        job_id=filters.job_id,
        pool_id=filters.pool_id,
        person_id=filters.person_id,
        stage_id=filters.stage_id,
        outcome=filters.outcome,
    )
    return _page(candidacies, filters, _CANDIDACY_SORTS)


@router.post("/candidacies", response={201: CandidacyDetailOut, **WRITE_ERRORS})
def create_candidacy(request: HttpRequest, payload: CandidacyIn) -> Status[Candidacy]:
    """Put a person into a job's pipeline or a talent pool (exactly one of job_id, pool_id)."""
    user = current_user(request)
    require_write(user)
    if (payload.job_id is None) == (payload.pool_id is None):
        raise ValidationFailed(
            "give exactly one of job_id or pool_id",
            fields={"job_id": "give job_id or pool_id", "pool_id": "give job_id or pool_id"},
        )
    candidacy = actions.do_add_candidacy(
        actor=user,
        person=_resolve(people_queries.access_person, user, payload.person_id, "person_id"),
        job=_optional(queries.access_job, user, payload.job_id, "job_id"),
        pool=_optional(queries.access_pool, user, payload.pool_id, "pool_id"),
        stage=_optional(queries.access_stage, user, payload.stage_id, "stage_id"),
        origin=Origin(payload.origin),
        source=_optional(people_queries.access_source, user, payload.source_id, "source_id"),
    )
    return Status(201, queries.access_candidacy(user, candidacy.pk))


def _optional(
    lookup: Callable[[User, int], T], user: User, object_id: int | None, field: str
) -> T | None:
    return None if object_id is None else _resolve(lookup, user, object_id, field)


@router.get("/candidacies/{candidacy_id}", response={200: CandidacyDetailOut, **READ_ERRORS})
def get_candidacy(request: HttpRequest, candidacy_id: int) -> Candidacy:
    """A candidacy with its stage history, oldest stay first."""
    return queries.access_candidacy(current_user(request), candidacy_id)


@router.delete("/candidacies/{candidacy_id}", response={204: None, **WRITE_ERRORS})
def delete_candidacy(request: HttpRequest, candidacy_id: int) -> Status[None]:
    user = current_user(request)
    candidacy = queries.access_candidacy(user, candidacy_id)
    require_write(user)
    actions.do_delete_candidacy(actor=user, candidacy=candidacy)
    return Status(204, None)


def _writable_candidacy(request: HttpRequest, candidacy_id: int) -> tuple[User, Candidacy]:
    user = current_user(request)
    candidacy = queries.access_candidacy(user, candidacy_id)
    require_write(user)
    return user, candidacy


def _refresh(user: User, candidacy: Candidacy) -> Candidacy:
    return queries.access_candidacy(user, candidacy.pk)


@router.post("/candidacies/{candidacy_id}/move", response={200: CandidacyDetailOut, **WRITE_ERRORS})
def move_candidacy(request: HttpRequest, candidacy_id: int, payload: MoveIn) -> Candidacy:
    """Move to another stage of the same pipeline; a closed candidacy must be reopened first."""
    user, candidacy = _writable_candidacy(request, candidacy_id)
    stage = _resolve(queries.access_stage, user, payload.stage_id, "stage_id")
    actions.do_move_candidacy(actor=user, candidacy=candidacy, to_stage=stage)
    return _refresh(user, candidacy)


def _close(
    request: HttpRequest, candidacy_id: int, payload: CloseIn, outcome: Outcome
) -> Candidacy:
    user, candidacy = _writable_candidacy(request, candidacy_id)
    if candidacy.outcome != Outcome.OPEN.value:
        raise Conflict(f"this candidacy is already {candidacy.outcome}", code="candidacy_closed")
    reason = _resolve(queries.access_reason, user, payload.reason_id, "reason_id")
    actions.do_close_candidacy(
        actor=user, candidacy=candidacy, outcome=outcome, reason=reason, note=payload.note
    )
    return _refresh(user, candidacy)


@router.post(
    "/candidacies/{candidacy_id}/reject", response={200: CandidacyDetailOut, **WRITE_ERRORS}
)
def reject_candidacy(request: HttpRequest, candidacy_id: int, payload: CloseIn) -> Candidacy:
    """Close as rejected with a reason of kind `rejected`."""
    return _close(request, candidacy_id, payload, Outcome.REJECTED)


@router.post(
    "/candidacies/{candidacy_id}/withdraw", response={200: CandidacyDetailOut, **WRITE_ERRORS}
)
def withdraw_candidacy(request: HttpRequest, candidacy_id: int, payload: CloseIn) -> Candidacy:
    """Close as withdrawn by the candidate, with a reason of kind `withdrawn`."""
    return _close(request, candidacy_id, payload, Outcome.WITHDRAWN)


@router.post("/candidacies/{candidacy_id}/hire", response={200: CandidacyDetailOut, **WRITE_ERRORS})
def hire_candidacy(request: HttpRequest, candidacy_id: int) -> Candidacy:
    """Move a job candidacy to its pipeline's hired stage and close it as hired."""
    user, candidacy = _writable_candidacy(request, candidacy_id)
    actions.do_hire_candidacy(actor=user, candidacy=candidacy)
    return _refresh(user, candidacy)


@router.post(
    "/candidacies/{candidacy_id}/reopen", response={200: CandidacyDetailOut, **WRITE_ERRORS}
)
def reopen_candidacy(request: HttpRequest, candidacy_id: int) -> Candidacy:
    """Undo a rejection or withdrawal; the candidacy stays in the stage it was closed in."""
    user, candidacy = _writable_candidacy(request, candidacy_id)
    actions.do_reopen_candidacy(actor=user, candidacy=candidacy)
    return _refresh(user, candidacy)


# --- talent pools -----------------------------------------------------------------------------


@router.get("/pools", response={200: Page[PoolOut], **LIST_ERRORS})
def list_pools(request: HttpRequest, filters: Query[PoolFilters]) -> dict[str, Any]:
    """Talent pools; hiring managers have none."""
    pools = queries.visible_pools(current_user(request))
    if filters.q:
        pools = pools.filter(name__icontains=filters.q)
    return _page(pools, filters, _NAME_SORTS)


@router.post("/pools", response={201: PoolOut, **WRITE_ERRORS})
def create_pool(request: HttpRequest, payload: PoolIn) -> Status[Any]:
    user = current_user(request)
    require_write(user)
    assert user.workspace is not None
    pool = actions.do_create_pool(
        actor=user,
        workspace=user.workspace,
        name=payload.name,
        description=payload.description,
        pipeline=_optional(queries.access_pipeline, user, payload.pipeline_id, "pipeline_id"),
        owner=_optional(people_queries.access_teammate, user, payload.owner_id, "owner_id"),
    )
    return Status(201, pool)


@router.get("/pools/{pool_id}", response={200: PoolOut, **READ_ERRORS})
def get_pool(request: HttpRequest, pool_id: int) -> Any:
    return queries.access_pool(current_user(request), pool_id)


@router.patch("/pools/{pool_id}", response={200: PoolOut, **WRITE_ERRORS})
def update_pool(request: HttpRequest, pool_id: int, payload: PoolPatch) -> Any:
    user = current_user(request)
    pool = queries.access_pool(user, pool_id)
    require_write(user)
    return actions.do_update_pool(
        actor=user, pool=pool, name=payload.name, description=payload.description
    )


@router.delete("/pools/{pool_id}", response={204: None, **WRITE_ERRORS})
def delete_pool(request: HttpRequest, pool_id: int) -> Status[None]:
    user = current_user(request)
    pool = queries.access_pool(user, pool_id)
    require_write(user)
    actions.do_delete_pool(actor=user, pool=pool)
    return Status(204, None)


@router.get("/pools/{pool_id}/candidacies", response={200: Page[CandidacyOut], **READ_ERRORS})
def list_pool_candidacies(
    request: HttpRequest, pool_id: int, filters: Query[StageFilters]
) -> dict[str, Any]:
    user = current_user(request)
    pool = queries.access_pool(user, pool_id)
    candidacies = _filter_candidacies(
        queries.visible_candidacies(user).filter(pool=pool),
        stage_id=filters.stage_id,
        outcome=filters.outcome,
    )
    return _page(candidacies, filters, _CANDIDACY_SORTS)


# --- rejection reasons ------------------------------------------------------------------------


@router.get("/rejection-reasons", response={200: Page[ReasonOut], **LIST_ERRORS})
def list_rejection_reasons(request: HttpRequest, filters: Query[ReasonFilters]) -> dict[str, Any]:
    reasons = queries.rejection_reasons(current_user(request))
    if filters.kind is not None:
        reasons = reasons.filter(kind=filters.kind)
    return _page(reasons, filters, _NAME_SORTS)


@router.post("/rejection-reasons", response={201: ReasonOut, **WRITE_ERRORS})
def create_rejection_reason(request: HttpRequest, payload: ReasonIn) -> Status[RejectionReason]:
    user = current_user(request)
    require_admin(user)
    assert user.workspace is not None
    reason = actions.do_create_rejection_reason(
        actor=user, workspace=user.workspace, name=payload.name, kind=ReasonKind(payload.kind)
    )
    return Status(201, reason)
