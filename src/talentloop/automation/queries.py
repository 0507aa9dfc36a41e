"""Automation reads, scoped to the viewer's workspace. Hiring managers see no workflows."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet

from talentloop.accounts.models import User
from talentloop.automation import domain
from talentloop.automation.domain import Definition, RunState
from talentloop.automation.models import (
    ChecklistTemplate,
    Notification,
    Run,
    RunStep,
    Workflow,
    WorkflowVersion,
)
from talentloop.automation.parsing import parse_definition
from talentloop.core.errors import NotFound, PermissionDenied
from talentloop.forms.models import Form
from talentloop.outreach import queries as outreach_queries
from talentloop.outreach import sequence_queries
from talentloop.people.models import Person
from talentloop.people.queries import teammates
from talentloop.recruiting import queries as recruiting_queries
from talentloop.recruiting.models import Stage
from talentloop.search.segment_queries import visible_segments

_definitions: dict[tuple[int, str], Definition] = {}
_CACHE_SIZE = 1024


def require_read(user: User) -> None:
    if not domain.can_read_workflows(user.role_enum):
        raise PermissionDenied("your role cannot see workflows")


def require_manage(user: User) -> None:
    if not domain.can_manage_workflows(user.role_enum):
        raise PermissionDenied("only admins and recruiters can change workflows")


def definition_of(version: WorkflowVersion) -> Definition:
    """The parsed definition of a version, kept in memory (versions never change).

    Why the text in the key too: SQLite can hand a rolled-back row's id to the next insert,
    so an id alone could name another version's definition.
    """
    parsed = getattr(version, "_parsed_definition", None)
    if isinstance(parsed, Definition):
        return parsed  # why: a batch shares one version object among many runs' steps
    key = (version.pk, json.dumps(version.definition, sort_keys=True))
    found = _definitions.get(key)
    if found is None:
        if len(_definitions) >= _CACHE_SIZE:
            _definitions.clear()
        found = _definitions[key] = parse_definition(version.definition)
    version._parsed_definition = found  # type: ignore[attr-defined]
    return found


def workflows(user: User) -> QuerySet[Workflow]:
    require_read(user)
    return Workflow.objects.filter(workspace_id=user.tenant_id).select_related("current_version")


def access_workflow(user: User, workflow_id: int) -> Workflow:
    workflow = workflows(user).filter(pk=workflow_id).first()
    if workflow is None:
        raise NotFound("workflow not found")
    return workflow


def versions(workflow: Workflow) -> QuerySet[WorkflowVersion]:
    return workflow.versions.order_by("-number")


def runs(user: User) -> QuerySet[Run]:
    require_read(user)
    return Run.objects.filter(workspace_id=user.tenant_id).select_related(
        "workflow", "version", "person"
    )


def failed_runs(user: User) -> QuerySet[Run]:
    """Runs that gave up after their retries, waiting for someone to look (and retry)."""
    return runs(user).filter(state=RunState.FAILED.value)


def access_run(user: User, run_id: int) -> Run:
    run = runs(user).filter(pk=run_id).first()
    if run is None:
        raise NotFound("run not found")
    return run


def run_steps(run: Run) -> QuerySet[RunStep]:
    return run.steps.order_by("id")


def notifications(user: User) -> QuerySet[Notification]:
    """The viewer's own in-app notifications."""
    return Notification.objects.filter(workspace_id=user.tenant_id, user=user)


def access_notification(user: User, notification_id: int) -> Notification:
    notification = notifications(user).filter(pk=notification_id).first()
    if notification is None:
        raise NotFound("notification not found")
    return notification


# --- what the pages show -----------------------------------------------------------------------

RECENT_DAYS = 7


def workflow_rows(user: User, now: datetime) -> QuerySet[Workflow]:
    """Workflows with `recent_runs` (started in the last 7 days) and `failed_runs` counted."""
    since = now - timedelta(days=RECENT_DAYS)
    return workflows(user).annotate(
        recent_runs=Count("runs", filter=Q(runs__started_at__gte=since)),
        failed_runs=Count("runs", filter=Q(runs__state=RunState.FAILED.value)),
    )


def person_runs(user: User, person: Person, limit: int = 10) -> list[Run]:
    """A person's latest runs, for the profile card."""
    return list(runs(user).filter(person=person).order_by("-id")[:limit])


@dataclass(frozen=True)
class Option:
    value: int | str
    label: str
    group: str = ""


@dataclass(frozen=True)
class WorkspaceChoices:
    """The records of a workspace a workflow may name, as the author may use them."""

    jobs: tuple[Option, ...] = ()
    pools: tuple[Option, ...] = ()
    stages: tuple[Option, ...] = ()  # every stage, grouped by pipeline
    job_stage_keys: tuple[Option, ...] = ()  # the active job stages, by key, in pipeline order
    templates: tuple[Option, ...] = ()
    mailboxes: tuple[Option, ...] = ()  # the ones the author may send from
    sequences: tuple[Option, ...] = ()
    users: tuple[Option, ...] = ()
    segments: tuple[Option, ...] = ()
    reasons: tuple[Option, ...] = ()
    checklists: tuple[Option, ...] = ()
    forms: tuple[Option, ...] = ()


def _options(rows: QuerySet[Any], label: str = "name") -> tuple[Option, ...]:
    return tuple(Option(pk, name) for pk, name in rows.values_list("pk", label))


def _stages(user: User) -> tuple[tuple[Option, ...], tuple[Option, ...]]:
    rows = (
        Stage.objects.filter(pipeline__workspace_id=user.tenant_id)
        .order_by("-pipeline__is_default", "pipeline__name", "pipeline_id", "position")
        .values_list("pk", "key", "name", "category", "pipeline__name", "pipeline__kind")
    )
    stages, keys, seen = [], [], set()
    for pk, key, name, category, pipeline, kind in rows:
        stages.append(Option(pk, name, group=pipeline))
        if kind == "job" and category == "active" and key not in seen:
            seen.add(key)
            keys.append(Option(key, name))
    return tuple(stages), tuple(keys)


def workspace_choices(user: User) -> WorkspaceChoices:
    """Options for the builder and the recipe forms (about ten small queries)."""
    stages, keys = _stages(user)
    sendable = outreach_queries.mailboxes(user).filter(active=True)
    sendable = sendable.filter(
        Q(owner__isnull=True) | Q(owner_id=user.pk) | Q(allow_send_on_behalf=True)
    )
    return WorkspaceChoices(
        jobs=_options(recruiting_queries.visible_jobs(user).order_by("title"), "title"),
        pools=_options(recruiting_queries.visible_pools(user).order_by("name")),
        stages=stages,
        job_stage_keys=keys,
        templates=_options(outreach_queries.templates(user)),
        mailboxes=_options(sendable),
        sequences=_options(sequence_queries.sequences(user).order_by("name")),
        users=tuple(Option(teammate.pk, teammate.display_name) for teammate in teammates(user)),
        segments=_options(visible_segments(user).order_by("name")),
        reasons=_options(recruiting_queries.rejection_reasons(user)),
        checklists=_options(
            ChecklistTemplate.objects.filter(workspace_id=user.tenant_id).order_by("name")
        ),
        forms=_options(Form.objects.filter(workspace_id=user.tenant_id).order_by("name")),
    )
