"""Automation reads, scoped to the viewer's workspace. Hiring managers see no workflows."""

from __future__ import annotations

import json

from django.db.models import QuerySet

from talentloop.accounts.models import User
from talentloop.automation import domain
from talentloop.automation.domain import Definition, RunState
from talentloop.automation.models import Notification, Run, RunStep, Workflow, WorkflowVersion
from talentloop.automation.parsing import parse_definition
from talentloop.core.errors import NotFound, PermissionDenied

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
    key = (version.pk, json.dumps(version.definition, sort_keys=True))
    found = _definitions.get(key)
    if found is None:
        if len(_definitions) >= _CACHE_SIZE:
            _definitions.clear()
        found = _definitions[key] = parse_definition(version.definition)
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
