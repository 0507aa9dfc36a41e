"""Onboarding checklist templates: reading them, saving them, and the items as assignee rules."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from talentloop.accounts.models import User
from talentloop.automation.domain import Assignee
from talentloop.automation.models import ChecklistItem, ChecklistTemplate
from talentloop.automation.parsing import ASSIGNEE_READERS, Problems, _keys_to_dict, _StepReader
from talentloop.automation.queries import require_manage
from talentloop.automation.readers import Invalid, read_text
from talentloop.automation.references import Catalog
from talentloop.automation.references import _assignee as assignee_problems
from talentloop.core.errors import NotFound, ValidationFailed
from talentloop.core.events import record_event

MAX_ITEMS = 50
MAX_OFFSET_DAYS = 365


@dataclass(frozen=True)
class ItemSpec:
    title: str
    assignee: Assignee
    due_offset_days: int = 0


def _offset(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or abs(value) > MAX_OFFSET_DAYS:
        raise Invalid(
            f"must be a whole number of days from -{MAX_OFFSET_DAYS} to {MAX_OFFSET_DAYS}"
        )
    return int(value)


def _item(raw: Any, path: str, problems: Problems) -> ItemSpec | None:
    if not isinstance(raw, dict):
        problems.add(path, "must be an object with title, assignee and due_offset_days")
        return None
    for key in sorted(set(raw) - {"title", "assignee", "due_offset_days"}):
        problems.add(f"{path}.{key}", "unknown field")
    values: dict[str, Any] = {}
    for key, reader in (("title", lambda v: read_text(v, 200)), ("due_offset_days", _offset)):
        try:
            values[key] = reader(raw.get(key, 0 if key == "due_offset_days" else ""))
        except Invalid as error:
            problems.add(f"{path}.{key}", str(error))
    if not values.get("title", "x").strip():
        problems.add(f"{path}.title", "required")
    assignee = _StepReader(problems, None).assignee(raw.get("assignee"), f"{path}.assignee")
    if assignee is None and "assignee" not in raw:
        problems.add(f"{path}.assignee", "required")
    if assignee is None or len(values) < 2:
        return None
    return ItemSpec(values["title"].strip(), assignee, values["due_offset_days"])


def parse_items(raw: Any) -> list[ItemSpec]:
    """The items of a checklist; ValidationFailed names each problem by `items[i].field`."""
    problems = Problems()
    if not isinstance(raw, list) or not raw or len(raw) > MAX_ITEMS:
        problems.add("items", f"must be a list of 1 to {MAX_ITEMS} items")
        raw = []
    items = [_item(entry, f"items[{index}]", problems) for index, entry in enumerate(raw)]
    if problems.items:
        raise ValidationFailed(problems.items[0][1], fields=dict(problems.items))
    return [item for item in items if item is not None]


def _check_users(actor: User, items: Sequence[ItemSpec]) -> None:
    users = frozenset(
        User.objects.filter(workspace_id=actor.tenant_id, is_active=True).values_list(
            "pk", flat=True
        )
    )
    catalog = Catalog(users=users)
    problems = [
        problem
        for index, item in enumerate(items)
        for problem in assignee_problems(f"items[{index}]", item.assignee, catalog)
    ]
    if problems:
        raise ValidationFailed(problems[0][1], fields=dict(problems))


def assignee_of(item: ChecklistItem) -> Assignee:
    """The stored assignee rule of an item (checked when it was saved)."""
    reader = _StepReader(Problems(), None)
    assignee = reader.assignee(item.assignee, "assignee")
    if assignee is None:
        raise ValueError(f"checklist item {item.pk} has no valid assignee")
    return assignee


def _assignee_dict(assignee: Assignee) -> dict[str, Any]:
    """The rule in the plain form definitions use (what the item stores)."""
    return _keys_to_dict(assignee, tuple(ASSIGNEE_READERS))


@transaction.atomic
def do_save_checklist(
    *, actor: User, name: str, items: Any, checklist: ChecklistTemplate | None = None
) -> ChecklistTemplate:
    """Create a checklist template, or replace the name and items of one."""
    require_manage(actor)
    if not isinstance(name, str) or not name.strip() or len(name) > 100:
        raise ValidationFailed("a checklist needs a name", fields={"name": "1 to 100 characters"})
    specs = parse_items(items)
    _check_users(actor, specs)
    if checklist is None:
        checklist = ChecklistTemplate.objects.create(
            workspace_id=actor.tenant_id, name=name.strip(), created_by=actor
        )
        verb = "checklist.created"
    else:
        checklist.name = name.strip()
        checklist.save(update_fields=["name", "updated_at"])
        checklist.items.all().delete()
        verb = "checklist.updated"
    ChecklistItem.objects.bulk_create(
        ChecklistItem(checklist=checklist, position=index, title=spec.title,
                      assignee=_assignee_dict(spec.assignee), due_offset_days=spec.due_offset_days)
        for index, spec in enumerate(specs)
    )  # fmt: skip
    record_event(workspace=checklist.workspace, actor=actor, verb=verb, subject=checklist,
                 data={"items": len(specs)})  # fmt: skip
    return checklist


@transaction.atomic
def do_delete_checklist(*, actor: User, checklist: ChecklistTemplate) -> None:
    """Delete a checklist; workflows naming it fail their onboarding step until changed."""
    require_manage(actor)
    record_event(workspace=checklist.workspace, actor=actor, verb="checklist.deleted",
                 subject=checklist)  # fmt: skip
    checklist.delete()


def visible_checklists(user: User) -> QuerySet[ChecklistTemplate]:
    return ChecklistTemplate.objects.filter(workspace_id=user.tenant_id).prefetch_related("items")


def access_checklist(user: User, checklist_id: int) -> ChecklistTemplate:
    checklist = visible_checklists(user).filter(pk=checklist_id).first()
    if checklist is None:
        raise NotFound("checklist not found")
    return checklist
