"""REST endpoints for onboarding checklist templates (used by `start_onboarding` steps)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Status

from talentloop.api.common import current_user
from talentloop.automation import checklists
from talentloop.automation.models import ChecklistTemplate
from talentloop.automation.schemas import ChecklistIn, ChecklistOut
from talentloop.recruiting.schemas import READ_ERRORS, WRITE_ERRORS

router = Router(tags=["automation"])


@router.get("/checklists", response={200: list[ChecklistOut], **READ_ERRORS})
def list_checklists(request: HttpRequest) -> list[ChecklistTemplate]:
    return list(checklists.visible_checklists(current_user(request)).order_by("name", "id"))


@router.post("/checklists", response={201: ChecklistOut, **WRITE_ERRORS})
def create_checklist(request: HttpRequest, payload: ChecklistIn) -> Status[ChecklistTemplate]:
    """Admins and recruiters; each problem is named by its path (`items[2].assignee.rule`)."""
    user = current_user(request)
    checklist = checklists.do_save_checklist(actor=user, name=payload.name, items=payload.items)
    return Status(201, checklists.access_checklist(user, checklist.pk))


@router.get("/checklists/{checklist_id}", response={200: ChecklistOut, **READ_ERRORS})
def get_checklist(request: HttpRequest, checklist_id: int) -> ChecklistTemplate:
    return checklists.access_checklist(current_user(request), checklist_id)


@router.put("/checklists/{checklist_id}", response={200: ChecklistOut, **WRITE_ERRORS})
def replace_checklist(
    request: HttpRequest, checklist_id: int, payload: ChecklistIn
) -> ChecklistTemplate:
    user = current_user(request)
    checklist = checklists.access_checklist(user, checklist_id)
    checklists.do_save_checklist(
        actor=user, name=payload.name, items=payload.items, checklist=checklist
    )
    return checklists.access_checklist(user, checklist_id)


@router.delete("/checklists/{checklist_id}", response={204: None, **WRITE_ERRORS})
def delete_checklist(request: HttpRequest, checklist_id: int) -> Status[None]:
    user = current_user(request)
    checklist = checklists.access_checklist(user, checklist_id)
    checklists.do_delete_checklist(actor=user, checklist=checklist)
    return Status(204, None)
