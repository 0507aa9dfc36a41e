"""Every write to pipelines, jobs, pools and candidacies."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.text import slugify

from talentloop.accounts.models import User, Workspace
from talentloop.core import clock
from talentloop.core.errors import Conflict, NotFound, ValidationFailed
from talentloop.core.events import record_event
from talentloop.people.actions import do_log_activity
from talentloop.people.domain import ActivityKind, Lifecycle
from talentloop.people.models import Person, Source
from talentloop.recruiting import domain
from talentloop.recruiting.domain import (
    DEFAULT_JOB_STAGES,
    DEFAULT_POOL_STAGES,
    DEFAULT_REJECTION_REASONS,
    MoveCheck,
    MoveRefused,
    Outcome,
    PipelineKind,
    ReasonKind,
    StageCategory,
    StageSpec,
)
from talentloop.recruiting.models import (
    Candidacy,
    Job,
    PipelineTemplate,
    RejectionReason,
    Stage,
    StageChange,
    TalentPool,
)


def install_recruiting_defaults(*, workspace: Workspace) -> None:
    """Give a new workspace a standard job pipeline, a pool pipeline and rejection reasons."""
    _create_pipeline(workspace, "Standard hiring", PipelineKind.JOB, DEFAULT_JOB_STAGES, True)
    _create_pipeline(workspace, "Talent pool", PipelineKind.POOL, DEFAULT_POOL_STAGES, True)
    RejectionReason.objects.bulk_create(
        RejectionReason(workspace=workspace, name=name, kind=kind.value)
        for name, kind in DEFAULT_REJECTION_REASONS
    )


def _create_pipeline(
    workspace: Workspace,
    name: str,
    kind: PipelineKind,
    stages: Sequence[StageSpec],
    is_default: bool = False,
) -> PipelineTemplate:
    template = PipelineTemplate.objects.create(
        workspace=workspace, name=name, kind=kind.value, is_default=is_default
    )
    Stage.objects.bulk_create(
        Stage(
            pipeline=template,
            key=spec.key,
            name=spec.name,
            position=index,
            category=spec.category.value,
        )
        for index, spec in enumerate(stages)
    )
    return template


def _check_stage_specs(kind: PipelineKind, stages: Sequence[StageSpec]) -> None:
    if not stages:
        raise ValidationFailed("a pipeline needs at least one stage", fields={"stages": "empty"})
    keys = [spec.key for spec in stages]
    if len(set(keys)) != len(keys):
        raise ValidationFailed("stage names must be unique", fields={"stages": "duplicate stage"})
    hired = [spec for spec in stages if spec.category is StageCategory.HIRED]
    if kind is PipelineKind.JOB and len(hired) != 1:
        raise ValidationFailed(
            "a job pipeline has exactly one hired stage", fields={"stages": "one hired stage"}
        )


def stage_specs_from_names(names: Sequence[str], hired_key: str = "hired") -> list[StageSpec]:
    """Turn stage names into specs; the stage keyed `hired` (or the last one) is the hired stage."""
    specs = []
    for name in names:
        key = slugify(name)[:32] or "stage"
        category = StageCategory.HIRED if key == hired_key else StageCategory.ACTIVE
        specs.append(StageSpec(key, name.strip()[:64], category))
    return specs


@transaction.atomic
def do_create_pipeline_template(
    *,
    actor: User | None,
    workspace: Workspace,
    name: str,
    kind: PipelineKind,
    stages: Sequence[StageSpec],
) -> PipelineTemplate:
    """A reusable list of ordered stages for jobs or pools."""
    if not name.strip():
        raise ValidationFailed("a pipeline needs a name", fields={"name": "required"})
    _check_stage_specs(kind, stages)
    template = _create_pipeline(workspace, name.strip(), kind, stages)
    record_event(workspace=workspace, actor=actor, verb="pipeline.created", subject=template)
    return template


@transaction.atomic
def do_update_pipeline_template(
    *,
    actor: User | None,
    template: PipelineTemplate,
    name: str | None = None,
    stages: Sequence[StageSpec] | None = None,
) -> PipelineTemplate:
    """Rename, reorder, add or remove stages; a stage that holds candidacies cannot go."""
    changed: list[str] = []
    if name is not None and name.strip() and name.strip() != template.name:
        template.name = name.strip()
        template.save(update_fields=["name", "updated_at"])
        changed.append("name")
    if stages is not None:
        _check_stage_specs(PipelineKind(template.kind), stages)
        _sync_stages(template, stages)
        changed.append("stages")
    if changed:
        record_event(
            workspace=template.workspace,
            actor=actor,
            verb="pipeline.updated",
            subject=template,
            changed_fields=changed,
        )
    return template


def _sync_stages(template: PipelineTemplate, stages: Sequence[StageSpec]) -> None:
    existing = {stage.key: stage for stage in template.stages.all()}
    wanted = {spec.key for spec in stages}
    removed = [stage for key, stage in existing.items() if key not in wanted]
    in_use = (
        Candidacy.objects.filter(stage__in=removed).exists()
        or StageChange.objects.filter(stage__in=removed).exists()
    )
    if in_use:
        raise Conflict(
            "a stage you removed holds candidacies or history; move them first",
            code="stage_in_use",
            fields={"stages": "stage in use"},
        )
    Stage.objects.filter(pk__in=[stage.pk for stage in removed]).delete()
    # Why the offset: positions are rewritten in two passes so no transient order clash matters.
    for index, spec in enumerate(stages):
        stage = existing.get(spec.key) or Stage(pipeline=template, key=spec.key)
        stage.name, stage.position, stage.category = spec.name, index, spec.category.value
        stage.save()


@transaction.atomic
def do_delete_pipeline_template(*, actor: User | None, template: PipelineTemplate) -> None:
    if template.jobs.exists() or template.pools.exists():
        raise Conflict("jobs or pools still use this pipeline", code="pipeline_in_use")
    record_event(
        workspace=template.workspace, actor=actor, verb="pipeline.deleted", subject=template
    )
    template.delete()


# --- jobs and pools ---------------------------------------------------------------------------

JOB_FIELDS = frozenset(
    {
        "title",
        "department",
        "description",
        "city",
        "country",
        "remote_policy",
        "employment_type",
        "salary_currency",
        "salary_min",
        "salary_max",
        "salary_period",
        "openings",
        "status",
        "hiring_manager_id",
        "recruiter_id",
        "pipeline_id",
        "company_id",
        "required_skills",
        "nice_to_have_skills",
        "min_years",
    }
)


def clean_job_fields(
    *, workspace: Workspace, fields: Mapping[str, Any], current: Job | None = None
) -> dict[str, Any]:
    """Validate job fields; all problems come back together as a 422."""
    from talentloop.recruiting.job_fields import check_job_salary, clean_job_field

    errors: dict[str, str] = {}
    cleaned: dict[str, Any] = {}
    for name, value in fields.items():
        if name not in JOB_FIELDS:
            errors[name] = "unknown field"
            continue
        try:
            cleaned[name] = clean_job_field(workspace, name, value)
        except ValueError as error:
            errors[name] = str(error)
    check_job_salary(cleaned, current, errors)
    if (current is None or "title" in cleaned) and not cleaned.get("title"):
        errors.setdefault("title", "a job needs a title")
    if errors:
        raise ValidationFailed("some fields are not valid", fields=errors)
    return cleaned


@transaction.atomic
def do_create_job(*, actor: User | None, workspace: Workspace, fields: Mapping[str, Any]) -> Job:
    """Open a requisition; without a pipeline it gets the workspace's default job pipeline."""
    cleaned = clean_job_fields(workspace=workspace, fields=fields)
    if not cleaned.get("pipeline_id"):
        cleaned["pipeline_id"] = default_pipeline(workspace, PipelineKind.JOB).pk
    job = Job.objects.create(workspace=workspace, **cleaned)
    if job.status == domain.JobStatus.OPEN:
        job.opened_at = clock.now()
        job.save(update_fields=["opened_at"])
    record_event(
        workspace=workspace, actor=actor, verb="job.created", subject=job, changed_fields=cleaned
    )
    return job


@transaction.atomic
def do_update_job(*, actor: User | None, job: Job, fields: Mapping[str, Any]) -> Job:
    cleaned = clean_job_fields(workspace=job.workspace, fields=fields, current=job)
    pipeline_changes = "pipeline_id" in cleaned and cleaned["pipeline_id"] != job.pipeline_id
    if pipeline_changes and job.candidacies.exists():
        raise Conflict(
            "this job has candidates; its pipeline cannot change",
            code="pipeline_locked",
            fields={"pipeline_id": "job has candidates"},
        )
    changed = [name for name, value in cleaned.items() if getattr(job, name) != value]
    for name in changed:
        setattr(job, name, cleaned[name])
    if "status" in changed:
        _stamp_job_status(job)
    if changed:
        job.save()
        record_event(
            workspace=job.workspace,
            actor=actor,
            verb="job.updated",
            subject=job,
            changed_fields=changed,
            data={"status": job.status} if "status" in changed else {},
        )
    return job


def _stamp_job_status(job: Job) -> None:
    if job.status == domain.JobStatus.OPEN and job.opened_at is None:
        job.opened_at = clock.now()
    if job.status in {domain.JobStatus.CLOSED, domain.JobStatus.FILLED}:
        job.closed_at = clock.now()


@transaction.atomic
def do_delete_job(*, actor: User | None, job: Job) -> None:
    record_event(workspace=job.workspace, actor=actor, verb="job.deleted", subject=job)
    job.delete()


def default_pipeline(workspace: Workspace, kind: PipelineKind) -> PipelineTemplate:
    templates = PipelineTemplate.objects.filter(workspace=workspace, kind=kind.value)
    template = templates.order_by("-is_default", "id").first()
    if template is None:
        raise Conflict(f"this workspace has no {kind.value} pipeline", code="no_pipeline")
    return template


@transaction.atomic
def do_create_pool(
    *,
    actor: User | None,
    workspace: Workspace,
    name: str,
    description: str = "",
    pipeline: PipelineTemplate | None = None,
    owner: User | None = None,
) -> TalentPool:
    if not name.strip():
        raise ValidationFailed("a pool needs a name", fields={"name": "required"})
    if pipeline is not None and pipeline.kind != PipelineKind.POOL:
        raise ValidationFailed("use a pool pipeline", fields={"pipeline_id": "not a pool pipeline"})
    pool = TalentPool.objects.create(
        workspace=workspace,
        name=name.strip()[:100],
        description=description.strip(),
        pipeline=pipeline or default_pipeline(workspace, PipelineKind.POOL),
        owner=owner,
    )
    record_event(workspace=workspace, actor=actor, verb="pool.created", subject=pool)
    return pool


@transaction.atomic
def do_update_pool(
    *, actor: User | None, pool: TalentPool, name: str | None = None, description: str | None = None
) -> TalentPool:
    changed: list[str] = []
    if name is not None:
        if not name.strip():
            raise ValidationFailed("a pool needs a name", fields={"name": "required"})
        pool.name, changed = name.strip()[:100], [*changed, "name"]
    if description is not None:
        pool.description, changed = description.strip(), [*changed, "description"]
    if changed:
        pool.save()
        record_event(
            workspace=pool.workspace,
            actor=actor,
            verb="pool.updated",
            subject=pool,
            changed_fields=changed,
        )
    return pool


@transaction.atomic
def do_delete_pool(*, actor: User | None, pool: TalentPool) -> None:
    record_event(workspace=pool.workspace, actor=actor, verb="pool.deleted", subject=pool)
    pool.delete()


# --- candidacies ------------------------------------------------------------------------------


def _refuse_other_workspace(
    person: Person, *, job: Job | None, pool: TalentPool | None, source: Source | None
) -> None:
    """A 404, like any id from another workspace: existence must not leak across tenants."""
    others = {"job": job, "pool": pool, "source": source}
    for name, record in others.items():
        if record is not None and record.workspace_id != person.workspace_id:
            raise NotFound(f"{name} not found", fields={f"{name}_id": "not found"})


@transaction.atomic
def do_add_candidacy(
    *,
    actor: User | None,
    person: Person,
    job: Job | None = None,
    pool: TalentPool | None = None,
    stage: Stage | None = None,
    origin: domain.Origin = domain.Origin.SOURCED,
    source: Source | None = None,
) -> Candidacy:
    """Put a person into a job's pipeline or a pool, at its first stage unless told otherwise."""
    if (job is None) == (pool is None):
        raise ValidationFailed("give exactly one of job or pool", fields={"job_id": "job or pool"})
    _refuse_other_workspace(person, job=job, pool=pool, source=source)
    pipeline = job.pipeline if job is not None else pool.pipeline  # type: ignore[union-attr]
    stage = stage or pipeline.stages.order_by("position").first()
    if stage is None or stage.pipeline_id != pipeline.pk:
        raise ValidationFailed(
            "that stage is not in this pipeline", fields={"stage_id": "wrong pipeline"}
        )
    if stage.category == StageCategory.HIRED:
        raise ValidationFailed(
            "use hire to move someone to hired", fields={"stage_id": "hired stage"}
        )
    now = clock.now()
    try:
        with transaction.atomic():
            candidacy = Candidacy.objects.create(
                workspace=person.workspace,
                person=person,
                job=job,
                pool=pool,
                stage=stage,
                stage_entered_at=now,
                origin=origin.value,
                source=source or person.source,
                owner=actor if actor and actor.role != "hiring_manager" else person.owner,
            )
    except IntegrityError:
        where = "job" if job is not None else "pool"
        raise Conflict(f"this person is already in this {where}", code="already_added") from None
    StageChange.objects.create(candidacy=candidacy, stage=stage, entered_at=now, actor=actor)
    if job is not None and person.lifecycle in {Lifecycle.LEAD, Lifecycle.PROSPECT}:
        Person.objects.filter(pk=person.pk).update(lifecycle=Lifecycle.CANDIDATE.value)
    _log_stage_activity(actor, candidacy, None, stage, "added")
    record_event(
        workspace=person.workspace,
        actor=actor,
        verb="candidacy.created",
        subject=candidacy,
        data=_candidacy_data(candidacy),
    )
    return candidacy


def _candidacy_data(candidacy: Candidacy, **extra: Any) -> dict[str, Any]:
    return {
        "person_id": candidacy.person_id,
        "job_id": candidacy.job_id,
        "pool_id": candidacy.pool_id,
        "stage_id": candidacy.stage_id,
        **extra,
    }


def _log_stage_activity(
    actor: User | None, candidacy: Candidacy, from_stage: Stage | None, to_stage: Stage, what: str
) -> None:
    container = candidacy.job.title if candidacy.job else candidacy.pool.name  # type: ignore[union-attr]
    verbs = {"added": f"Added to {container}", "moved": f"Moved to {to_stage.name}"}
    do_log_activity(
        actor=actor,
        person=candidacy.person,
        kind=ActivityKind.STAGE_CHANGE,
        subject=verbs.get(what, f"{what.capitalize()} — {container}"),
        data={
            "candidacy_id": candidacy.pk,
            "job_id": candidacy.job_id,
            "pool_id": candidacy.pool_id,
            "from_stage_id": from_stage.pk if from_stage else None,
            "to_stage_id": to_stage.pk,
            "what": what,
        },
    )


def _lock(candidacy: Candidacy) -> Candidacy:
    # Why: two recruiters dragging the same card at once must not both close the open stay.
    # Only the candidacy row is locked: PostgreSQL refuses FOR UPDATE on the nullable side of
    # the outer joins to job and pool.
    return (
        Candidacy.objects.select_for_update(of=("self",))
        .select_related("stage", "job", "pool", "person")
        .get(pk=candidacy.pk)
    )


def _enter_stage(candidacy: Candidacy, stage: Stage, actor: User | None) -> Stage:
    now = clock.now()
    from_stage = candidacy.stage
    StageChange.objects.filter(candidacy=candidacy, exited_at__isnull=True).update(exited_at=now)
    StageChange.objects.create(
        candidacy=candidacy, stage=stage, from_stage=from_stage, entered_at=now, actor=actor
    )
    candidacy.stage, candidacy.stage_entered_at = stage, now
    return from_stage


@transaction.atomic
def do_move_candidacy(*, actor: User | None, candidacy: Candidacy, to_stage: Stage) -> Candidacy:
    """Move an open candidacy to another stage of its pipeline, recording the stay it leaves."""
    candidacy = _lock(candidacy)
    pipeline_id = candidacy.job.pipeline_id if candidacy.job else candidacy.pool.pipeline_id  # type: ignore[union-attr]
    if to_stage.pipeline_id != pipeline_id:
        raise ValidationFailed(
            "that stage is not in this pipeline", fields={"stage_id": "wrong pipeline"}
        )
    if to_stage.category == StageCategory.HIRED:
        return do_hire_candidacy(actor=actor, candidacy=candidacy)
    # Why: a hire is undone by moving the candidacy back out of the hired stage; reopening
    # refuses hires, so without this a hire made by mistake could never be taken back.
    undo_hire = candidacy.outcome == Outcome.HIRED
    try:
        check = domain.check_move(
            outcome=Outcome.OPEN if undo_hire else Outcome(candidacy.outcome),
            from_stage_id=candidacy.stage_id,
            to_stage_id=to_stage.pk,
        )
    except MoveRefused as error:
        raise Conflict(str(error), code="candidacy_closed") from None
    if check is MoveCheck.SAME:
        return candidacy
    from_stage = _enter_stage(candidacy, to_stage, actor)
    changed = ["stage", *(["outcome"] if undo_hire else [])]
    if undo_hire:
        candidacy.outcome, candidacy.closed_at = Outcome.OPEN.value, None
    candidacy.save(update_fields=[*changed, "stage_entered_at", "closed_at", "updated_at"])
    _log_stage_activity(actor, candidacy, from_stage, to_stage, "moved")
    record_event(
        workspace=candidacy.workspace,
        actor=actor,
        verb="candidacy.stage_changed",
        subject=candidacy,
        changed_fields=changed,
        data=_candidacy_data(candidacy, from_stage_id=from_stage.pk),
    )
    return candidacy


@transaction.atomic
def do_close_candidacy(
    *,
    actor: User | None,
    candidacy: Candidacy,
    outcome: Outcome,
    reason: RejectionReason | None,
    note: str = "",
) -> Candidacy:
    """Reject or withdraw with a reason; the candidacy keeps its stage for reporting."""
    candidacy = _lock(candidacy)
    if reason is not None and reason.workspace_id != candidacy.workspace_id:
        raise ValidationFailed("no such reason", fields={"reason_id": "not found"})
    try:
        domain.check_close(
            outcome=Outcome(candidacy.outcome),
            reason_kind=ReasonKind(reason.kind) if reason else None,
            wanted=outcome,
        )
    except MoveRefused as error:
        raise ValidationFailed(str(error), fields={"reason_id": str(error)}) from None
    now = clock.now()
    candidacy.outcome, candidacy.outcome_reason, candidacy.outcome_note = (
        outcome.value,
        reason,
        note.strip(),
    )
    candidacy.closed_at = now
    candidacy.save()
    _log_stage_activity(actor, candidacy, candidacy.stage, candidacy.stage, outcome.value)
    record_event(
        workspace=candidacy.workspace,
        actor=actor,
        verb=f"candidacy.{outcome.value}",
        subject=candidacy,
        changed_fields=["outcome", "outcome_reason"],
        data=_candidacy_data(candidacy, reason_id=reason.pk if reason else None),
    )
    return candidacy


def do_reject_candidacy(
    *, actor: User | None, candidacy: Candidacy, reason: RejectionReason, note: str = ""
) -> Candidacy:
    return do_close_candidacy(
        actor=actor, candidacy=candidacy, outcome=Outcome.REJECTED, reason=reason, note=note
    )


@transaction.atomic
def do_hire_candidacy(*, actor: User | None, candidacy: Candidacy) -> Candidacy:
    """Move a job candidacy to its hired stage and close it as hired."""
    candidacy = _lock(candidacy)
    if candidacy.job is None:
        raise ValidationFailed("only job candidacies can be hired", fields={"job_id": "pool"})
    if candidacy.outcome != Outcome.OPEN:
        raise Conflict(f"this candidacy is already {candidacy.outcome}", code="candidacy_closed")
    hired_stage = candidacy.job.pipeline.stages.get(category=StageCategory.HIRED)
    from_stage = _enter_stage(candidacy, hired_stage, actor)
    candidacy.outcome, candidacy.closed_at = Outcome.HIRED.value, clock.now()
    candidacy.save()
    _log_stage_activity(actor, candidacy, from_stage, hired_stage, "hired")
    record_event(
        workspace=candidacy.workspace,
        actor=actor,
        verb="candidacy.hired",
        subject=candidacy,
        changed_fields=["stage", "outcome"],
        data=_candidacy_data(candidacy, from_stage_id=from_stage.pk),
    )
    return candidacy


@transaction.atomic
def do_reopen_candidacy(*, actor: User | None, candidacy: Candidacy) -> Candidacy:
    """Undo a rejection or withdrawal; a hire is undone by moving the candidacy back."""
    candidacy = _lock(candidacy)
    if candidacy.outcome not in {Outcome.REJECTED, Outcome.WITHDRAWN}:
        raise Conflict("only rejected or withdrawn candidacies can be reopened", code="not_closed")
    candidacy.outcome, candidacy.outcome_reason, candidacy.closed_at = (
        Outcome.OPEN.value,
        None,
        None,
    )
    candidacy.outcome_note = ""
    candidacy.save()
    record_event(
        workspace=candidacy.workspace,
        actor=actor,
        verb="candidacy.reopened",
        subject=candidacy,
        changed_fields=["outcome"],
        data=_candidacy_data(candidacy),
    )
    return candidacy


@transaction.atomic
def do_delete_candidacy(*, actor: User | None, candidacy: Candidacy) -> None:
    record_event(
        workspace=candidacy.workspace,
        actor=actor,
        verb="candidacy.deleted",
        subject=candidacy,
        data=_candidacy_data(candidacy),
    )
    candidacy.delete()


@transaction.atomic
def do_create_rejection_reason(
    *, actor: User | None, workspace: Workspace, name: str, kind: ReasonKind
) -> RejectionReason:
    if not name.strip():
        raise ValidationFailed("a reason needs a name", fields={"name": "required"})
    reason = RejectionReason.objects.create(
        workspace=workspace, name=name.strip()[:100], kind=kind.value
    )
    record_event(workspace=workspace, actor=actor, verb="rejection_reason.created", subject=reason)
    return reason


def next_stage(candidacy: Candidacy) -> Stage | None:
    """The stage after the current one, for 'advance' buttons."""
    return (
        Stage.objects.filter(
            pipeline_id=candidacy.stage.pipeline_id, position__gt=candidacy.stage.position
        )
        .order_by("position")
        .first()
    )
