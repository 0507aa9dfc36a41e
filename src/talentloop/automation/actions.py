"""Workflow writes: create, new version, enable, disable, delete, import, retry a failed run.

Each is one transaction that records an Event. Runs themselves are written by the engine.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any

from django.db import transaction

from talentloop.accounts.models import User
from talentloop.automation import engine, failures
from talentloop.automation.domain import TIME_TRIGGERS, Definition, RunState, first_path
from talentloop.automation.models import Notification, Run, RunStep, Workflow, WorkflowVersion
from talentloop.automation.parsing import definition_to_dict
from talentloop.automation.queries import definition_of, require_manage
from talentloop.automation.readers import Invalid, read_text
from talentloop.automation.validation import check_definition, validate_definition
from talentloop.automation.yaml_io import load_workflow
from talentloop.core import clock, scheduling
from talentloop.core.errors import Conflict, ValidationFailed
from talentloop.core.events import record_event


def _clean_header(name: Any, description: Any) -> tuple[str, str]:
    errors: dict[str, str] = {}
    cleaned: list[str] = []
    for field, value, limit in (("name", name, 200), ("description", description, 5000)):
        try:
            cleaned.append(read_text(value, limit))
        except Invalid as error:
            errors[field] = str(error)
    if not errors and not cleaned[0]:
        errors["name"] = "required"
    if errors:
        raise ValidationFailed("some fields are not valid", fields=errors)
    return cleaned[0], cleaned[1]


def _save_version(workflow: Workflow, definition: Definition, actor: User) -> WorkflowVersion:
    number = (workflow.current_version.number if workflow.current_version else 0) + 1
    version = WorkflowVersion.objects.create(
        workflow=workflow,
        number=number,
        definition=definition_to_dict(definition),
        created_by=actor,
    )
    workflow.current_version = version
    workflow.trigger_kind = definition.trigger.kind.value
    return version


def _event(workflow: Workflow, actor: User | None, verb: str, **data: object) -> None:
    record_event(workspace=workflow.workspace, actor=actor, verb=verb, subject=workflow, data=data)


@transaction.atomic
def do_create_workflow(
    *,
    actor: User,
    name: str,
    definition: Mapping[str, Any] | Definition,
    description: str = "",
    enabled: bool = False,
) -> Workflow:
    """Save a workflow and its first version; enable it at once when asked."""
    require_manage(actor)
    name, description = _clean_header(name, description)
    parsed = _checked(actor, definition)
    workflow = Workflow.objects.create(
        workspace_id=actor.tenant_id,
        name=name,
        description=description,
        trigger_kind=parsed.trigger.kind.value,
        webhook_secret=secrets.token_hex(32),
        created_by=actor,
    )
    _save_version(workflow, parsed, actor)
    workflow.save(update_fields=["current_version", "trigger_kind", "updated_at"])
    _event(workflow, actor, "workflow.created", version=1)
    if enabled:
        _switch(workflow, actor, enabled=True)
    return workflow


def _checked(actor: User, definition: Mapping[str, Any] | Definition) -> Definition:
    if isinstance(definition, Definition):
        check_definition(definition, workspace_id=actor.tenant_id, author=actor)
        return definition
    return validate_definition(definition, workspace_id=actor.tenant_id, author=actor)


def _locked(workflow: Workflow) -> Workflow:
    # Why: two editors saving at once must not both write version n + 1.
    return (
        Workflow.objects.select_for_update(of=("self",))
        .select_related("current_version")
        .get(pk=workflow.pk)
    )


@transaction.atomic
def do_update_workflow(
    *,
    actor: User,
    workflow: Workflow,
    name: str | None = None,
    description: str | None = None,
    definition: Mapping[str, Any] | Definition | None = None,
) -> Workflow:
    """Rename, or save a new version; runs already going finish on the version they began."""
    require_manage(actor)
    workflow = _locked(workflow)
    new_name, new_description = _clean_header(
        workflow.name if name is None else name,
        workflow.description if description is None else description,
    )
    changed = [
        field
        for field, value in (("name", new_name), ("description", new_description))
        if getattr(workflow, field) != value
    ]
    workflow.name, workflow.description = new_name, new_description
    if definition is not None and _new_definition(workflow, _checked(actor, definition), actor):
        changed.append("definition")
    if changed:
        workflow.save()
        version = workflow.current_version.number if workflow.current_version else 0
        _event(workflow, actor, "workflow.updated", version=version, changed=sorted(changed))
    return workflow


def _new_definition(workflow: Workflow, parsed: Definition, actor: User) -> bool:
    current = workflow.current_version
    if current is not None and current.definition == definition_to_dict(parsed):
        return False
    was_kind = workflow.trigger_kind
    _save_version(workflow, parsed, actor)
    if parsed.trigger.kind in TIME_TRIGGERS and parsed.trigger.kind.value != was_kind:
        workflow.scanned_until = clock.now()  # a new kind of scan starts from now
    return True


def _switch(workflow: Workflow, actor: User, *, enabled: bool) -> Workflow:
    if workflow.enabled == enabled:
        return workflow
    workflow.enabled = enabled
    # Why from now: enabling a time-based workflow must not fire for everything in the past.
    workflow.scanned_until = clock.now() if enabled else workflow.scanned_until
    workflow.save(update_fields=["enabled", "scanned_until", "updated_at"])
    _event(workflow, actor, "workflow.enabled" if enabled else "workflow.disabled")
    return workflow


@transaction.atomic
def do_enable_workflow(*, actor: User, workflow: Workflow) -> Workflow:
    """Start reacting to triggers; refused when the definition names ids deleted since."""
    require_manage(actor)
    workflow = _locked(workflow)
    if workflow.current_version is None:
        raise Conflict("this workflow has no definition", code="no_definition")
    check_definition(
        definition_of(workflow.current_version), workspace_id=workflow.workspace_id, author=actor
    )
    return _switch(workflow, actor, enabled=True)


@transaction.atomic
def do_disable_workflow(*, actor: User, workflow: Workflow) -> Workflow:
    """Stop starting runs; runs already going finish."""
    require_manage(actor)
    return _switch(_locked(workflow), actor, enabled=False)


@transaction.atomic
def do_delete_workflow(*, actor: User, workflow: Workflow) -> None:
    """Delete a workflow with its versions and runs; their pending steps are cancelled."""
    require_manage(actor)
    workflow = _locked(workflow)
    scheduling.cancel_prefix(engine.workflow_key_prefix(workflow.pk))
    scheduling.cancel_prefix(engine.scan_key_prefix(workflow.pk))
    _event(workflow, actor, "workflow.deleted")
    workflow.delete()


@transaction.atomic
def do_import_workflow(*, actor: User, text: str, workflow: Workflow | None = None) -> Workflow:
    """Create a workflow (disabled) from YAML, or save YAML as a new version of `workflow`."""
    require_manage(actor)
    document = load_workflow(text)
    if workflow is None:
        return do_create_workflow(
            actor=actor,
            name=document.name,
            description=document.description,
            definition=document.definition,
        )
    return do_update_workflow(
        actor=actor,
        workflow=workflow,
        name=document.name,
        description=document.description,
        definition=document.definition,
    )


@transaction.atomic
def do_retry_run(*, actor: User, run: Run) -> Run:
    """Run a failed run's failing step again, with a fresh set of attempts."""
    require_manage(actor)
    run = Run.objects.select_for_update().get(pk=run.pk)
    if run.state != RunState.FAILED:
        raise Conflict(
            f"only failed runs can be retried; this one is {run.state}", code="not_failed"
        )
    failed = RunStep.objects.filter(run=run, state="failed").order_by("-id").first()
    # A run that failed before its first step (it could not start) starts from the top.
    path = failed.path if failed is not None else run.current_path
    path = path or first_path(definition_of(run.version)) or ""
    run.state, run.error, run.finished_at = RunState.RUNNING.value, "", None
    run.save(update_fields=["state", "error", "finished_at", "updated_at"])
    failures.reschedule_step(run, path)
    record_event(
        workspace=run.workspace,
        actor=actor,
        verb="workflow_run.retried",
        subject=run,
        data={"workflow_id": run.workflow_id, "path": path},
    )
    return run


@transaction.atomic
def do_mark_notification_read(*, actor: User, notification: Notification) -> Notification:
    """Mark one of one's own notifications read (reading twice keeps the first time)."""
    if notification.read_at is None:
        notification.read_at = clock.now()
        notification.save(update_fields=["read_at", "updated_at"])
        record_event(
            workspace=notification.workspace,
            actor=actor,
            verb="notification.read",
            subject=notification,
        )
    return notification
