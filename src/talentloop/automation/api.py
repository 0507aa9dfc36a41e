"""REST endpoints for workflows and their runs: parse → find (404) → role (403) → action."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router, Status

from talentloop.api.common import current_user
from talentloop.api.pagination import Page, paginate
from talentloop.automation import actions, dry_run, queries
from talentloop.automation.models import Notification, Run, Workflow, WorkflowVersion
from talentloop.automation.parsing import definition_to_dict
from talentloop.automation.schemas import (
    DefinitionIn,
    DryRunIn,
    DryRunOut,
    NotificationFilters,
    NotificationOut,
    PageFilters,
    RunDetailOut,
    RunFilters,
    RunOut,
    SecretOut,
    ValidateOut,
    VersionOut,
    WorkflowFilters,
    WorkflowIn,
    WorkflowOut,
    WorkflowPatch,
    YamlIn,
    YamlOut,
)
from talentloop.automation.validation import validate_definition
from talentloop.automation.yaml_io import dump_workflow
from talentloop.recruiting.schemas import LIST_ERRORS, READ_ERRORS, WRITE_ERRORS

router = Router(tags=["automation"])
_ID_SORT = {"id": "id"}


def _page(rows: QuerySet[Any], filters: PageFilters) -> dict[str, Any]:
    items, next_cursor = paginate(
        rows, cursor=filters.cursor, limit=filters.limit, sort="-id", allowed=_ID_SORT
    )
    return {"items": items, "next_cursor": next_cursor}


@router.get("/workflows", response={200: Page[WorkflowOut], **LIST_ERRORS})
def list_workflows(request: HttpRequest, filters: Query[WorkflowFilters]) -> dict[str, Any]:
    rows = queries.workflows(current_user(request))
    if filters.enabled is not None:
        rows = rows.filter(enabled=filters.enabled)
    return _page(rows, filters)


@router.post("/workflows", response={201: WorkflowOut, **WRITE_ERRORS})
def create_workflow(request: HttpRequest, payload: WorkflowIn) -> Status[Workflow]:
    workflow = actions.do_create_workflow(
        actor=current_user(request),
        name=payload.name,
        description=payload.description,
        definition=payload.definition,
        enabled=payload.enabled,
    )
    return Status(201, workflow)


@router.post("/workflows/validate", response={200: ValidateOut, **WRITE_ERRORS})
def validate_workflow(request: HttpRequest, payload: DefinitionIn) -> dict[str, Any]:
    """Check a definition without saving it; a 422 names each problem by its exact path."""
    user = current_user(request)
    queries.require_manage(user)
    definition = validate_definition(payload.definition, workspace_id=user.tenant_id, author=user)
    return {"valid": True, "definition": definition_to_dict(definition)}


@router.post("/workflows/import", response={201: WorkflowOut, **WRITE_ERRORS})
def import_workflow(request: HttpRequest, payload: YamlIn) -> Status[Workflow]:
    """Create a (disabled) workflow from a YAML document written by export."""
    return Status(201, actions.do_import_workflow(actor=current_user(request), text=payload.yaml))


@router.get("/workflows/{workflow_id}", response={200: WorkflowOut, **READ_ERRORS})
def get_workflow(request: HttpRequest, workflow_id: int) -> Workflow:
    return queries.access_workflow(current_user(request), workflow_id)


@router.patch("/workflows/{workflow_id}", response={200: WorkflowOut, **WRITE_ERRORS})
def update_workflow(request: HttpRequest, workflow_id: int, payload: WorkflowPatch) -> Workflow:
    user = current_user(request)
    return actions.do_update_workflow(
        actor=user,
        workflow=queries.access_workflow(user, workflow_id),
        name=payload.name,
        description=payload.description,
        definition=payload.definition,
    )


@router.delete("/workflows/{workflow_id}", response={204: None, **WRITE_ERRORS})
def delete_workflow(request: HttpRequest, workflow_id: int) -> Status[None]:
    user = current_user(request)
    actions.do_delete_workflow(actor=user, workflow=queries.access_workflow(user, workflow_id))
    return Status(204, None)


@router.post("/workflows/{workflow_id}/enable", response={200: WorkflowOut, **WRITE_ERRORS})
def enable_workflow(request: HttpRequest, workflow_id: int) -> Workflow:
    user = current_user(request)
    return actions.do_enable_workflow(
        actor=user, workflow=queries.access_workflow(user, workflow_id)
    )


@router.post("/workflows/{workflow_id}/disable", response={200: WorkflowOut, **WRITE_ERRORS})
def disable_workflow(request: HttpRequest, workflow_id: int) -> Workflow:
    user = current_user(request)
    return actions.do_disable_workflow(
        actor=user, workflow=queries.access_workflow(user, workflow_id)
    )


@router.get("/workflows/{workflow_id}/versions", response={200: Page[VersionOut], **READ_ERRORS})
def list_versions(
    request: HttpRequest, workflow_id: int, filters: Query[PageFilters]
) -> dict[str, Any]:
    workflow = queries.access_workflow(current_user(request), workflow_id)
    rows: QuerySet[WorkflowVersion] = queries.versions(workflow)
    return _page(rows, filters)


@router.get("/workflows/{workflow_id}/export", response={200: YamlOut, **READ_ERRORS})
def export_workflow(request: HttpRequest, workflow_id: int) -> dict[str, str]:
    """The workflow as a YAML document, for review and version control."""
    workflow = queries.access_workflow(current_user(request), workflow_id)
    assert workflow.current_version is not None
    text = dump_workflow(
        name=workflow.name,
        description=workflow.description,
        definition=queries.definition_of(workflow.current_version),
    )
    return {"yaml": text}


@router.post("/workflows/{workflow_id}/import", response={200: WorkflowOut, **WRITE_ERRORS})
def import_version(request: HttpRequest, workflow_id: int, payload: YamlIn) -> Workflow:
    """Save a YAML document as the workflow's next version."""
    user = current_user(request)
    workflow = queries.access_workflow(user, workflow_id)
    return actions.do_import_workflow(actor=user, text=payload.yaml, workflow=workflow)


@router.get("/workflows/{workflow_id}/webhook-secret", response={200: SecretOut, **READ_ERRORS})
def webhook_secret(request: HttpRequest, workflow_id: int) -> dict[str, str]:
    """The key that signs this workflow's webhook calls (admins and recruiters only)."""
    user = current_user(request)
    workflow = queries.access_workflow(user, workflow_id)
    queries.require_manage(user)
    return {"webhook_secret": workflow.webhook_secret}


@router.post("/workflows/{workflow_id}/dry-run", response={200: DryRunOut, **WRITE_ERRORS})
def dry_run_workflow(request: HttpRequest, workflow_id: int, payload: DryRunIn) -> dry_run.DryRun:
    """Replay the last N days of events through the workflow; nothing is changed or sent."""
    user = current_user(request)
    workflow = queries.access_workflow(user, workflow_id)
    return dry_run.dry_run_workflow(
        actor=user, workflow=workflow, days=payload.days, limit=payload.limit
    )


@router.get("/workflow-runs", response={200: Page[RunOut], **LIST_ERRORS})
def list_runs(request: HttpRequest, filters: Query[RunFilters]) -> dict[str, Any]:
    """Runs, newest first: per workflow, per person, or the failed ones (`state=failed`)."""
    user = current_user(request)
    rows = queries.failed_runs(user) if filters.state == "failed" else queries.runs(user)
    exact = {"workflow_id": filters.workflow_id, "person_id": filters.person_id}
    rows = rows.filter(**{name: value for name, value in exact.items() if value is not None})
    if filters.state:
        rows = rows.filter(state=filters.state)
    return _page(rows, filters)


@router.get("/workflow-runs/{run_id}", response={200: RunDetailOut, **READ_ERRORS})
def get_run(request: HttpRequest, run_id: int) -> Run:
    return queries.access_run(current_user(request), run_id)


@router.post("/workflow-runs/{run_id}/retry", response={200: RunOut, **WRITE_ERRORS})
def retry_run(request: HttpRequest, run_id: int) -> Run:
    user = current_user(request)
    run = actions.do_retry_run(actor=user, run=queries.access_run(user, run_id))
    return queries.access_run(user, run.pk)


@router.get("/notifications", response={200: Page[NotificationOut], **LIST_ERRORS})
def list_notifications(request: HttpRequest, filters: Query[NotificationFilters]) -> dict[str, Any]:
    rows = queries.notifications(current_user(request))
    if filters.unread:
        rows = rows.filter(read_at__isnull=True)
    return _page(rows, filters)


@router.post(
    "/notifications/{notification_id}/read", response={200: NotificationOut, **WRITE_ERRORS}
)
def read_notification(request: HttpRequest, notification_id: int) -> Notification:
    user = current_user(request)
    notification = queries.access_notification(user, notification_id)
    return actions.do_mark_notification_read(actor=user, notification=notification)
