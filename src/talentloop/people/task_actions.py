"""Every write to tasks and reminders: create, edit, complete, reopen, snooze, reassign."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from talentloop.accounts.models import User, Workspace
from talentloop.core import clock
from talentloop.core.errors import Conflict, ValidationFailed
from talentloop.core.events import record_event
from talentloop.people.actions import do_log_activity
from talentloop.people.domain import TASK_KINDS as TASK_KINDS_ALLOWED
from talentloop.people.domain import ActivityKind
from talentloop.people.models import Person, Task

TASK_KINDS = TASK_KINDS_ALLOWED
TASK_FIELDS = frozenset({"title", "description", "kind", "due_at"})


def _event_data(task: Task, **extra: Any) -> dict[str, Any]:
    # Ids only: a task's title and description may name a person, so they stay out of events.
    return {"person_id": task.person_id, "assignee_id": task.assignee_id, **extra}


def _check_assignee(workspace: Workspace, assignee: User) -> None:
    if assignee.workspace_id != workspace.pk or not assignee.is_active:
        raise ValidationFailed(
            "the assignee is not an active member of this workspace",
            fields={"assignee_id": "not in this workspace"},
        )


def clean_task_fields(fields: Mapping[str, Any], *, creating: bool) -> dict[str, Any]:
    """Check title, description, kind and due date; all problems come back together."""
    errors: dict[str, str] = {}
    cleaned: dict[str, Any] = {}
    for name, value in fields.items():
        try:
            cleaned[name] = _clean_task_field(name, value)
        except ValueError as error:
            errors[name] = str(error)
    if (creating or "title" in cleaned) and not cleaned.get("title"):
        errors.setdefault("title", "required")
    if errors:
        raise ValidationFailed("some fields are not valid", fields=errors)
    return cleaned


def _clean_task_field(name: str, value: Any) -> Any:
    if name == "title":
        return _text(value, 200)
    if name == "description":
        return _text(value, 20000)
    if name == "kind":
        kind = _text(value, 16) or "todo"
        if kind not in TASK_KINDS:
            raise ValueError(f"must be one of: {', '.join(sorted(TASK_KINDS))}")
        return kind
    if name == "due_at":
        return _aware(value)
    raise ValueError("unknown field")


def _text(value: Any, limit: int) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValueError("must be text")
    text = value.strip()
    if len(text) > limit:
        raise ValueError(f"at most {limit} characters")
    return text


def _aware(value: Any) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, datetime):
        raise ValueError("must be a date and time")
    # Why: a naive time is read as UTC, the one zone every client can rely on.
    aware = value if timezone.is_aware(value) else timezone.make_aware(value, UTC)
    try:
        return aware.astimezone(UTC)
    except OverflowError:
        raise ValueError("out of range") from None


@transaction.atomic
def do_create_task(
    *,
    actor: User | None,
    workspace: Workspace,
    title: str,
    assignee: User,
    person: Person | None = None,
    description: str = "",
    kind: str = "todo",
    due_at: datetime | None = None,
) -> Task:
    """Create a to-do for a teammate, optionally about a person."""
    cleaned = clean_task_fields(
        {"title": title, "description": description, "kind": kind, "due_at": due_at},
        creating=True,
    )
    _check_assignee(workspace, assignee)
    if person is not None and person.workspace_id != workspace.pk:
        raise ValidationFailed("no such person", fields={"person_id": "not in this workspace"})
    task = Task.objects.create(
        workspace=workspace, person=person, assignee=assignee, created_by=actor, **cleaned
    )
    record_event(
        workspace=workspace, actor=actor, verb="task.created", subject=task, data=_event_data(task)
    )
    return task


@transaction.atomic
def do_update_task(*, actor: User | None, task: Task, fields: Mapping[str, Any]) -> Task:
    """Change title, description, kind or due date; an unchanged task writes no event."""
    cleaned = clean_task_fields(fields, creating=False)
    changed = [name for name, value in cleaned.items() if getattr(task, name) != value]
    for name in changed:
        setattr(task, name, cleaned[name])
    if changed:
        task.save(update_fields=[*changed, "updated_at"])
        record_event(
            workspace=task.workspace,
            actor=actor,
            verb="task.updated",
            subject=task,
            changed_fields=changed,
            data=_event_data(task),
        )
    return task


def _lock(task: Task) -> Task:
    # Why: two people ticking the same task at once must log one completion, not two.
    return Task.objects.select_for_update(of=("self",)).select_related("person").get(pk=task.pk)


@transaction.atomic
def do_complete_task(*, actor: User | None, task: Task) -> Task:
    """Mark a task done; a task about a person adds a `task` entry to their timeline."""
    locked = _lock(task)
    if locked.completed_at is not None:
        return locked
    locked.completed_at, locked.snoozed_until = clock.now(), None
    locked.save(update_fields=["completed_at", "snoozed_until", "updated_at"])
    if locked.person is not None:
        do_log_activity(
            actor=actor,
            person=locked.person,
            kind=ActivityKind.TASK,
            subject=f"Completed: {locked.title}",
            data={"task_id": locked.pk},
        )
    record_event(
        workspace=locked.workspace,
        actor=actor,
        verb="task.completed",
        subject=locked,
        changed_fields=["completed_at"],
        data=_event_data(locked),
    )
    return locked


@transaction.atomic
def do_reopen_task(*, actor: User | None, task: Task) -> Task:
    """Put a done task back on its assignee's list."""
    locked = _lock(task)
    if locked.completed_at is None:
        return locked
    locked.completed_at = None
    locked.save(update_fields=["completed_at", "updated_at"])
    record_event(
        workspace=locked.workspace,
        actor=actor,
        verb="task.reopened",
        subject=locked,
        changed_fields=["completed_at"],
        data=_event_data(locked),
    )
    return locked


@transaction.atomic
def do_snooze_task(*, actor: User | None, task: Task, until: datetime) -> Task:
    """Hide an open task from the inbox until a future time."""
    try:
        when = _aware(until)
    except ValueError as error:
        raise ValidationFailed(str(error), fields={"until": str(error)}) from None
    if when is None or when <= clock.now():
        raise ValidationFailed(
            "a task can only be snoozed until a future time", fields={"until": "not in the future"}
        )
    locked = _lock(task)
    if locked.completed_at is not None:
        raise Conflict("this task is done; reopen it before snoozing", code="task_done")
    locked.snoozed_until = when
    locked.save(update_fields=["snoozed_until", "updated_at"])
    record_event(
        workspace=locked.workspace,
        actor=actor,
        verb="task.snoozed",
        subject=locked,
        changed_fields=["snoozed_until"],
        data=_event_data(locked),
    )
    return locked


@transaction.atomic
def do_reassign_task(*, actor: User | None, task: Task, assignee: User) -> Task:
    """Hand a task to another member of the workspace."""
    _check_assignee(task.workspace, assignee)
    if task.assignee_id == assignee.pk:
        return task
    previous_id = task.assignee_id
    task.assignee = assignee
    task.save(update_fields=["assignee", "updated_at"])
    record_event(
        workspace=task.workspace,
        actor=actor,
        verb="task.reassigned",
        subject=task,
        changed_fields=["assignee_id"],
        data=_event_data(task, previous_assignee_id=previous_id),
    )
    return task


@transaction.atomic
def do_delete_task(*, actor: User | None, task: Task) -> None:
    record_event(
        workspace=task.workspace,
        actor=actor,
        verb="task.deleted",
        subject=task,
        data=_event_data(task),
    )
    task.delete()
