"""What each action does, through the other apps' actions; or, in simulate mode, what it would do.

An executor returns an ActionResult: a one-line decision for the run's record and the ids it
touched. It raises PermanentFailure when trying again cannot help (the pool was deleted,
nobody to assign the task to); any other exception is retried with the scheduler's backoff.
Executors never write in simulate mode (dry runs).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import F

from talentloop.accounts.models import User
from talentloop.automation.context import StepContext
from talentloop.automation.domain import Action, ActionKind, Assignee, AssigneeRule, tag_key
from talentloop.automation.domain import fill_placeholders as _fill
from talentloop.automation.models import Workflow
from talentloop.core.scheduling import PermanentFailure
from talentloop.people.actions import do_tag_people, do_untag_people, do_update_person
from talentloop.people.models import Person, Tag
from talentloop.people.task_actions import do_create_task
from talentloop.recruiting.actions import do_add_candidacy, do_move_candidacy
from talentloop.recruiting.models import Candidacy, Stage, TalentPool


@dataclass(frozen=True)
class ActionResult:
    decision: str
    data: dict[str, object] = field(default_factory=dict)


Executor = Callable[[StepContext, str, Action], ActionResult]


def fill(ctx: StepContext, text: str) -> str:
    """Text with `{person}`, `{first_name}` and `{workflow}` filled in."""
    values = {
        "person": ctx.person.full_name,
        "first_name": ctx.person.first_name,
        "workflow": ctx.workflow.name,
    }
    return _fill(text, values)


# --- who: assignee rules -----------------------------------------------------------------------


def _member(ctx: StepContext, user_id: int | None) -> User | None:
    if user_id is None:
        return None
    return User.objects.filter(
        pk=user_id, workspace_id=ctx.workflow.workspace_id, is_active=True
    ).first()


def _job_recruiter(ctx: StepContext) -> User | None:
    if ctx.candidacy is not None and ctx.candidacy.job is not None:
        return _member(ctx, ctx.candidacy.job.recruiter_id)
    latest = (
        Candidacy.objects.filter(person=ctx.person, job__isnull=False, outcome="open")
        .exclude(job__recruiter__isnull=True)
        .order_by("-stage_entered_at", "-id")
        .values_list("job__recruiter_id", flat=True)
        .first()
    )
    return _member(ctx, latest)


def _round_robin(ctx: StepContext, user_ids: tuple[int, ...]) -> User | None:
    members = list(
        User.objects.filter(
            pk__in=user_ids, workspace_id=ctx.workflow.workspace_id, is_active=True
        ).order_by("pk")
    )
    if not members:
        return None
    turns = Workflow.objects.filter(pk=ctx.workflow.pk)
    if not ctx.simulate:
        # Why an UPDATE first: it locks the workflow row, so two steps running at once take
        # consecutive turns instead of both reading the same one.
        turns.update(round_robin_turn=F("round_robin_turn") + 1)
    turn = turns.values_list("round_robin_turn", flat=True).get()
    return members[(turn - (0 if ctx.simulate else 1)) % len(members)]


def resolve_assignee(ctx: StepContext, assignee: Assignee | None) -> User | None:
    """The active teammate the rule names, else the fallback user, else None."""
    if assignee is None:
        return None
    rule = assignee.rule
    if rule is AssigneeRule.OWNER:
        user = _member(ctx, ctx.person.owner_id)
    elif rule is AssigneeRule.USER:
        user = _member(ctx, assignee.user_id)
    elif rule is AssigneeRule.JOB_RECRUITER:
        user = _job_recruiter(ctx)
    else:
        user = _round_robin(ctx, assignee.user_ids)
    return user or _member(ctx, assignee.fallback_user_id)


# --- people --------------------------------------------------------------------------------------


def has_tag(person: Person, name: str) -> Tag | None:
    """The person's tag of that name (any case), read from their prefetched tags if any."""
    wanted = tag_key(name)
    for tag in person.tags.all():
        if tag_key(tag.name) == wanted:
            return tag
    return None


def forget_tags(person: Person) -> None:
    """Drop tags read ahead (automation.prepared): a step changed them, the next reads afresh."""
    getattr(person, "_prefetched_objects_cache", {}).pop("tags", None)


def add_tag(ctx: StepContext, path: str, action: Action) -> ActionResult:
    if has_tag(ctx.person, action.tag) is not None:
        return ActionResult(f"already tagged '{action.tag}'")
    if ctx.simulate:
        return ActionResult(f"would add the tag '{action.tag}'")
    tags = do_tag_people(
        actor=None, workspace=ctx.workspace, people=[ctx.person], names=[action.tag]
    )
    forget_tags(ctx.person)
    return ActionResult(f"added the tag '{action.tag}'", {"tag_id": tags[0].pk})


def remove_tag(ctx: StepContext, path: str, action: Action) -> ActionResult:
    tag = has_tag(ctx.person, action.tag)
    if tag is None:
        return ActionResult(f"not tagged '{action.tag}'")
    if ctx.simulate:
        return ActionResult(f"would remove the tag '{tag.name}'")
    do_untag_people(actor=None, workspace=ctx.workspace, people=[ctx.person], tags=[tag])
    forget_tags(ctx.person)
    return ActionResult(f"removed the tag '{tag.name}'", {"tag_id": tag.pk})


def update_field(ctx: StepContext, path: str, action: Action) -> ActionResult:
    if getattr(ctx.person, action.field) == action.value:
        return ActionResult(f"{action.field} is already {action.value!r}")
    if ctx.simulate:
        return ActionResult(f"would set {action.field} to {action.value!r}")
    do_update_person(actor=None, person=ctx.person, fields={action.field: action.value})
    return ActionResult(f"set {action.field} to {action.value!r}", {"field": action.field})


def create_task(ctx: StepContext, path: str, action: Action) -> ActionResult:
    assignee = resolve_assignee(ctx, action.assignee)
    title = fill(ctx, action.title)[:200]
    if assignee is None:
        raise PermanentFailure("no one to assign the task to: the assignee rule found nobody")
    if ctx.simulate:
        return ActionResult(f"would create the task '{title}' for {assignee.display_name}")
    task = do_create_task(
        actor=None,
        workspace=ctx.workspace,
        title=title,
        assignee=assignee,
        person=ctx.person,
        description=fill(ctx, action.description),
        kind=action.task_kind or "todo",
        due_at=ctx.now + timedelta(days=action.due_in_days),
    )
    decision = f"created the task '{title}' for {assignee.display_name}"
    return ActionResult(decision, {"task_id": task.pk, "assignee_id": assignee.pk})


# --- pipelines -----------------------------------------------------------------------------------


def _target_candidacy(ctx: StepContext, action: Action) -> Candidacy | None:
    mine = Candidacy.objects.filter(person=ctx.person).order_by("-id")
    if action.job_id is not None:
        return mine.filter(job_id=action.job_id).first()
    if action.pool_id is not None:
        return mine.filter(pool_id=action.pool_id).first()
    return ctx.candidacy


def move_stage(ctx: StepContext, path: str, action: Action) -> ActionResult:
    candidacy = _target_candidacy(ctx, action)
    if candidacy is None:
        return ActionResult("not in that job or pool: nothing to move")
    stage = Stage.objects.filter(
        pk=action.stage_id or 0, pipeline__workspace_id=ctx.workflow.workspace_id
    ).first()
    if stage is None:
        raise PermanentFailure(f"stage {action.stage_id} no longer exists")
    if candidacy.stage_id == stage.pk:
        return ActionResult(f"already at the stage '{stage.name}'")
    if ctx.simulate:
        return ActionResult(f"would move candidacy {candidacy.pk} to the stage '{stage.name}'")
    do_move_candidacy(actor=None, candidacy=candidacy, to_stage=stage)
    data: dict[str, object] = {"candidacy_id": candidacy.pk, "stage_id": stage.pk}
    return ActionResult(f"moved candidacy {candidacy.pk} to the stage '{stage.name}'", data)


def add_to_pool(ctx: StepContext, path: str, action: Action) -> ActionResult:
    pool = TalentPool.objects.filter(
        pk=action.pool_id or 0, workspace_id=ctx.workflow.workspace_id
    ).first()
    if pool is None:
        raise PermanentFailure(f"pool {action.pool_id} no longer exists")
    stage = None
    if action.stage_id is not None:
        stage = Stage.objects.filter(pk=action.stage_id or 0, pipeline_id=pool.pipeline_id).first()
        if stage is None:
            raise PermanentFailure(f"stage {action.stage_id} is no longer in the pool's pipeline")
    existing = Candidacy.objects.filter(person=ctx.person, pool=pool).first()
    if existing is not None:
        return ActionResult(f"already in the pool '{pool.name}'", {"candidacy_id": existing.pk})
    where = f" at the stage '{stage.name}'" if stage else ""
    if ctx.simulate:
        return ActionResult(f"would add to the pool '{pool.name}'{where}")
    candidacy = do_add_candidacy(actor=None, person=ctx.person, pool=pool, stage=stage)
    return ActionResult(f"added to the pool '{pool.name}'{where}", {"candidacy_id": candidacy.pk})


def executors() -> dict[ActionKind, Executor]:
    from talentloop.automation import executors_onboarding as onboarding
    from talentloop.automation import executors_outreach as outreach

    return {
        ActionKind.ADD_TAG: add_tag,
        ActionKind.REMOVE_TAG: remove_tag,
        ActionKind.UPDATE_FIELD: update_field,
        ActionKind.CREATE_TASK: create_task,
        ActionKind.MOVE_STAGE: move_stage,
        ActionKind.ADD_TO_POOL: add_to_pool,
        ActionKind.SEND_EMAIL: outreach.send_email,
        ActionKind.ENROL_IN_SEQUENCE: outreach.enrol_in_sequence,
        ActionKind.REMOVE_FROM_SEQUENCE: outreach.remove_from_sequence,
        ActionKind.NOTIFY_USER: outreach.notify_user,
        ActionKind.CALL_WEBHOOK: outreach.call_webhook,
        ActionKind.START_ONBOARDING: onboarding.start_onboarding,
    }


def execute(ctx: StepContext, path: str, action: Action) -> ActionResult:
    """Do (or, in simulate mode, describe) one action for the context's subject."""
    return executors()[action.kind](ctx, path, action)
