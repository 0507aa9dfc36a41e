"""REST endpoints for companies, sources and their costs, custom fields and tasks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from ninja import Query, Router, Status

from talentloop.accounts.models import User, Workspace
from talentloop.accounts.permissions import require_admin, require_write
from talentloop.api.common import current_user
from talentloop.api.pagination import Page, paginate
from talentloop.core import clock
from talentloop.core.errors import NotFound, ValidationFailed
from talentloop.people import catalog_actions, queries, task_actions
from talentloop.people.catalog_schemas import (
    LIST_ERRORS,
    READ_ERRORS,
    WRITE_ERRORS,
    CompanyFilters,
    CompanyIn,
    CompanyOut,
    CompanyPatch,
    CostFilters,
    CustomFieldFilters,
    CustomFieldIn,
    CustomFieldOut,
    CustomFieldPatch,
    PageParams,
    ReassignIn,
    SnoozeIn,
    SourceCostIn,
    SourceCostOut,
    SourceFilters,
    SourceIn,
    SourceOut,
    SourcePatch,
    TaskFilters,
    TaskIn,
    TaskOut,
    TaskPatch,
)
from talentloop.people.models import Company, CustomFieldDefinition, Source, SourceCost, Task

router = Router(tags=["catalog"])
T = TypeVar("T")
_NAME_SORTS = {"name": "name", "created_at": "created_at", "id": "id"}
_TASK_SORTS = {
    "due_at": "due_at",
    "created_at": "created_at",
    "updated_at": "updated_at",
    "id": "id",
}


def _page(queryset: QuerySet[Any], filters: PageParams, allowed: dict[str, str]) -> dict[str, Any]:
    # Each filter schema narrows `sort` to its own Literal of allowed orders.
    sort = str(getattr(filters, "sort", "id"))
    items, next_cursor = paginate(
        queryset, cursor=filters.cursor, limit=filters.limit, sort=sort, allowed=allowed
    )
    return {"items": items, "next_cursor": next_cursor}


def _resolve(lookup: Callable[[User, int], T], user: User, object_id: int, field: str) -> T:
    """A record named in a request body; an unknown or foreign id is a 422 naming the field."""
    try:
        return lookup(user, object_id)
    except NotFound:
        raise ValidationFailed(
            f"no such record for {field}", fields={field: "not found in this workspace"}
        ) from None


def _workspace_of(user: User) -> Workspace:
    assert user.workspace is not None  # authentication only lets workspace members in
    return user.workspace


# --- companies --------------------------------------------------------------------------------


@router.get("/companies", response={200: Page[CompanyOut], **LIST_ERRORS})
def list_companies(request: HttpRequest, filters: Query[CompanyFilters]) -> dict[str, Any]:
    companies = queries.companies(current_user(request))
    if filters.q:
        companies = companies.filter(Q(name__icontains=filters.q) | Q(domain__icontains=filters.q))
    if filters.is_client is not None:
        companies = companies.filter(is_client=filters.is_client)
    return _page(companies, filters, _NAME_SORTS)


@router.post("/companies", response={201: CompanyOut, **WRITE_ERRORS})
def create_company(request: HttpRequest, payload: CompanyIn) -> Status[Company]:
    user = current_user(request)
    require_write(user)
    company = catalog_actions.do_create_company(
        actor=user, workspace=_workspace_of(user), fields=payload.dict(exclude_unset=True)
    )
    return Status(201, company)


@router.get("/companies/{company_id}", response={200: CompanyOut, **READ_ERRORS})
def get_company(request: HttpRequest, company_id: int) -> Company:
    return queries.access_company(current_user(request), company_id)


@router.patch("/companies/{company_id}", response={200: CompanyOut, **WRITE_ERRORS})
def update_company(request: HttpRequest, company_id: int, payload: CompanyPatch) -> Company:
    user = current_user(request)
    company = queries.access_company(user, company_id)
    require_write(user)
    return catalog_actions.do_update_company(
        actor=user, company=company, fields=payload.dict(exclude_unset=True)
    )


@router.delete("/companies/{company_id}", response={204: None, **WRITE_ERRORS})
def delete_company(request: HttpRequest, company_id: int) -> Status[None]:
    user = current_user(request)
    company = queries.access_company(user, company_id)
    require_write(user)
    catalog_actions.do_delete_company(actor=user, company=company)
    return Status(204, None)


# --- sources ----------------------------------------------------------------------------------


@router.get("/sources", response={200: Page[SourceOut], **LIST_ERRORS})
def list_sources(request: HttpRequest, filters: Query[SourceFilters]) -> dict[str, Any]:
    return _page(queries.sources(current_user(request)), filters, _NAME_SORTS)


@router.post("/sources", response={201: SourceOut, **WRITE_ERRORS})
def create_source(request: HttpRequest, payload: SourceIn) -> Status[Source]:
    user = current_user(request)
    require_write(user)
    source = catalog_actions.do_create_source(
        actor=user, workspace=_workspace_of(user), name=payload.name, kind=payload.kind
    )
    return Status(201, source)


@router.get("/sources/{source_id}", response={200: SourceOut, **READ_ERRORS})
def get_source(request: HttpRequest, source_id: int) -> Source:
    return queries.access_source(current_user(request), source_id)


@router.patch("/sources/{source_id}", response={200: SourceOut, **WRITE_ERRORS})
def update_source(request: HttpRequest, source_id: int, payload: SourcePatch) -> Source:
    user = current_user(request)
    source = queries.access_source(user, source_id)
    require_write(user)
    if "name" in payload.model_fields_set and payload.name is None:
        raise ValidationFailed("a source needs a name", fields={"name": "required"})
    return catalog_actions.do_update_source(
        actor=user, source=source, name=payload.name, kind=payload.kind
    )


@router.delete("/sources/{source_id}", response={204: None, **WRITE_ERRORS})
def delete_source(request: HttpRequest, source_id: int) -> Status[None]:
    user = current_user(request)
    source = queries.access_source(user, source_id)
    require_write(user)
    catalog_actions.do_delete_source(actor=user, source=source)
    return Status(204, None)


@router.get("/sources/{source_id}/costs", response={200: Page[SourceCostOut], **READ_ERRORS})
def list_source_costs(
    request: HttpRequest, source_id: int, filters: Query[CostFilters]
) -> dict[str, Any]:
    source = queries.access_source(current_user(request), source_id)
    allowed = {"period_start": "period_start", "created_at": "created_at", "id": "id"}
    return _page(source.costs.all(), filters, allowed)


@router.post("/sources/{source_id}/costs", response={201: SourceCostOut, **WRITE_ERRORS})
def create_source_cost(
    request: HttpRequest, source_id: int, payload: SourceCostIn
) -> Status[SourceCost]:
    """Record spend on a source for a period (admins only); it feeds cost-per-hire."""
    user = current_user(request)
    source = queries.access_source(user, source_id)
    require_admin(user)
    cost = catalog_actions.do_add_source_cost(actor=user, source=source, **payload.dict())
    return Status(201, cost)


@router.delete("/sources/{source_id}/costs/{cost_id}", response={204: None, **WRITE_ERRORS})
def delete_source_cost(request: HttpRequest, source_id: int, cost_id: int) -> Status[None]:
    user = current_user(request)
    source = queries.access_source(user, source_id)
    cost = source.costs.filter(pk=cost_id).first()
    if cost is None:
        raise NotFound("cost entry not found")
    require_admin(user)
    catalog_actions.do_delete_source_cost(actor=user, cost=cost)
    return Status(204, None)


# --- custom fields ----------------------------------------------------------------------------


def _access_custom_field(user: User, field_id: int) -> CustomFieldDefinition:
    definition = queries.custom_fields(user).filter(pk=field_id).first()
    if definition is None:
        raise NotFound("custom field not found")
    return definition


@router.get("/custom-fields", response={200: Page[CustomFieldOut], **LIST_ERRORS})
def list_custom_fields(request: HttpRequest, filters: Query[CustomFieldFilters]) -> dict[str, Any]:
    definitions = queries.custom_fields(current_user(request))
    if not filters.include_archived:
        definitions = definitions.filter(archived=False)
    allowed = {"key": "key", "created_at": "created_at", "id": "id"}
    return _page(definitions, filters, allowed)


@router.post("/custom-fields", response={201: CustomFieldOut, **WRITE_ERRORS})
def create_custom_field(
    request: HttpRequest, payload: CustomFieldIn
) -> Status[CustomFieldDefinition]:
    """Define a typed field on people (admins only); its key can never change afterwards."""
    user = current_user(request)
    require_admin(user)
    definition = catalog_actions.do_create_custom_field(
        actor=user, workspace=_workspace_of(user), **payload.dict()
    )
    return Status(201, definition)


@router.get("/custom-fields/{field_id}", response={200: CustomFieldOut, **READ_ERRORS})
def get_custom_field(request: HttpRequest, field_id: int) -> CustomFieldDefinition:
    return _access_custom_field(current_user(request), field_id)


@router.patch("/custom-fields/{field_id}", response={200: CustomFieldOut, **WRITE_ERRORS})
def update_custom_field(
    request: HttpRequest, field_id: int, payload: CustomFieldPatch
) -> CustomFieldDefinition:
    """Relabel a field or change its choices; sending a different key is a 422."""
    user = current_user(request)
    definition = _access_custom_field(user, field_id)
    require_admin(user)
    if "key" in payload.model_fields_set and payload.key is None:
        raise ValidationFailed("a custom field's key cannot change", fields={"key": "immutable"})
    return catalog_actions.do_update_custom_field(
        actor=user,
        definition=definition,
        label=payload.label,
        choices=payload.choices,
        key=payload.key,
    )


@router.delete("/custom-fields/{field_id}", response={204: None, **WRITE_ERRORS})
def archive_custom_field(request: HttpRequest, field_id: int) -> Status[None]:
    """Archive the field: hidden from forms, stored values kept, key kept reserved."""
    user = current_user(request)
    definition = _access_custom_field(user, field_id)
    require_admin(user)
    catalog_actions.do_archive_custom_field(actor=user, definition=definition)
    return Status(204, None)


# --- tasks ------------------------------------------------------------------------------------


def _filter_tasks(tasks: QuerySet[Task], status: str | None, **filters: Any) -> QuerySet[Task]:
    wanted = {name: value for name, value in filters.items() if value is not None}
    tasks = tasks.filter(**wanted)
    now = clock.now()
    if status == "open":
        tasks = tasks.filter(completed_at__isnull=True)
    elif status == "done":
        tasks = tasks.filter(completed_at__isnull=False)
    elif status == "overdue":
        tasks = tasks.filter(completed_at__isnull=True, due_at__lt=now)
    return tasks


@router.get("/tasks", response={200: Page[TaskOut], **LIST_ERRORS})
def list_tasks(request: HttpRequest, filters: Query[TaskFilters]) -> dict[str, Any]:
    """Tasks in the workspace (hiring managers: their own); `mine=true` keeps yours only."""
    user = current_user(request)
    tasks = _filter_tasks(
        queries.visible_tasks(user),
        filters.status,
        assignee_id=user.pk if filters.mine else filters.assignee_id,
        person_id=filters.person_id,
        due_at__lt=filters.due_before,
    )
    return _page(tasks, filters, _TASK_SORTS)


@router.post("/tasks", response={201: TaskOut, **WRITE_ERRORS})
def create_task(request: HttpRequest, payload: TaskIn) -> Status[Task]:
    user = current_user(request)
    require_write(user)
    assignee = (
        user
        if payload.assignee_id is None
        else _resolve(queries.access_teammate, user, payload.assignee_id, "assignee_id")
    )
    person = (
        None
        if payload.person_id is None
        else _resolve(queries.access_person, user, payload.person_id, "person_id")
    )
    task = task_actions.do_create_task(
        actor=user,
        workspace=_workspace_of(user),
        title=payload.title,
        assignee=assignee,
        person=person,
        description=payload.description,
        kind=payload.kind,
        due_at=payload.due_at,
    )
    return Status(201, task)


@router.get("/tasks/{task_id}", response={200: TaskOut, **READ_ERRORS})
def get_task(request: HttpRequest, task_id: int) -> Task:
    return queries.access_task(current_user(request), task_id)


def _writable_task(request: HttpRequest, task_id: int) -> tuple[User, Task]:
    user = current_user(request)
    task = queries.access_task(user, task_id)
    require_write(user)
    return user, task


@router.patch("/tasks/{task_id}", response={200: TaskOut, **WRITE_ERRORS})
def update_task(request: HttpRequest, task_id: int, payload: TaskPatch) -> Task:
    user, task = _writable_task(request, task_id)
    fields = payload.dict(exclude_unset=True)
    for name in ("title", "kind"):
        if name in fields and fields[name] is None:
            raise ValidationFailed(f"{name} cannot be empty", fields={name: "required"})
    return task_actions.do_update_task(actor=user, task=task, fields=fields)


@router.post("/tasks/{task_id}/complete", response={200: TaskOut, **WRITE_ERRORS})
def complete_task(request: HttpRequest, task_id: int) -> Task:
    """Mark done; a task about a person adds an entry to their timeline."""
    user, task = _writable_task(request, task_id)
    return task_actions.do_complete_task(actor=user, task=task)


@router.post("/tasks/{task_id}/reopen", response={200: TaskOut, **WRITE_ERRORS})
def reopen_task(request: HttpRequest, task_id: int) -> Task:
    user, task = _writable_task(request, task_id)
    return task_actions.do_reopen_task(actor=user, task=task)


@router.post("/tasks/{task_id}/snooze", response={200: TaskOut, **WRITE_ERRORS})
def snooze_task(request: HttpRequest, task_id: int, payload: SnoozeIn) -> Task:
    """Hide an open task until a future time."""
    user, task = _writable_task(request, task_id)
    return task_actions.do_snooze_task(actor=user, task=task, until=payload.until)


@router.post("/tasks/{task_id}/reassign", response={200: TaskOut, **WRITE_ERRORS})
def reassign_task(request: HttpRequest, task_id: int, payload: ReassignIn) -> Task:
    user, task = _writable_task(request, task_id)
    assignee = _resolve(queries.access_teammate, user, payload.assignee_id, "assignee_id")
    return task_actions.do_reassign_task(actor=user, task=task, assignee=assignee)


@router.delete("/tasks/{task_id}", response={204: None, **WRITE_ERRORS})
def delete_task(request: HttpRequest, task_id: int) -> Status[None]:
    user, task = _writable_task(request, task_id)
    task_actions.do_delete_task(actor=user, task=task)
    return Status(204, None)
