"""REST endpoints for public forms: manage them and read what came in.

Each view: parse → find what the caller may see (404 otherwise) → check the role (403) →
call an action → respond.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from ninja import Query, Router, Status

from talentloop.api.common import current_user
from talentloop.api.pagination import Page, paginate
from talentloop.forms import actions, queries
from talentloop.forms.models import Form, FormSubmission
from talentloop.forms.schemas import FormIn, FormOut, FormPatch, PageQuery, SubmissionOut

router = Router(tags=["forms"])
_BY_CREATION = {"created_at": "created_at"}
_BY_SUBMISSION = {"submitted_at": "submitted_at"}


def form_out(form: Form) -> dict[str, Any]:
    address = reverse("public_form", args=[form.workspace.slug, form.slug])
    return {
        "id": form.pk, "name": form.name, "slug": form.slug, "url": address,
        "intro": form.intro, "fields": form.fields, "consent_enabled": form.consent_enabled,
        "consent_text": form.consent_text, "consent_topic": form.consent_topic,
        "tags": form.tags, "source_id": form.source_id, "active": form.active,
        "created_at": form.created_at,
    }  # fmt: skip


def submission_out(submission: FormSubmission) -> dict[str, Any]:
    return {
        "id": submission.pk, "form_id": submission.form_id, "person_id": submission.person_id,
        "submitted_at": submission.submitted_at, "answers": submission.answers,
        "consent_given": submission.consent_given,
    }  # fmt: skip


@router.get("/forms", response=Page[FormOut])
def list_forms(request: HttpRequest, page: Query[PageQuery]) -> dict[str, Any]:
    """The workspace's forms, newest first."""
    rows = queries.forms(current_user(request)).select_related("workspace")
    items, next_cursor = paginate(
        rows, cursor=page.cursor, limit=page.limit, sort="-created_at", allowed=_BY_CREATION
    )
    return {"items": [form_out(item) for item in items], "next_cursor": next_cursor}


@router.post("/forms", response={201: FormOut})
def create_form(request: HttpRequest, payload: FormIn) -> Status[dict[str, Any]]:
    user = current_user(request)
    queries.check_may_manage(user)
    form = actions.do_create_form(actor=user, values=payload.model_dump())
    return Status(201, form_out(form))


@router.get("/forms/{form_id}", response=FormOut)
def get_form(request: HttpRequest, form_id: int) -> dict[str, Any]:
    return form_out(queries.access_form(current_user(request), form_id))


@router.patch("/forms/{form_id}", response=FormOut)
def update_form(request: HttpRequest, form_id: int, payload: FormPatch) -> dict[str, Any]:
    user = current_user(request)
    form = queries.access_form(user, form_id)
    values = payload.model_dump(exclude_unset=True)
    # Why: null means "leave as is" for every setting but the source, where it clears it.
    values = {
        name: value for name, value in values.items() if value is not None or name == "source_id"
    }
    return form_out(actions.do_update_form(actor=user, form=form, values=values))


@router.post("/forms/{form_id}/deactivate", response=FormOut)
def deactivate_form(request: HttpRequest, form_id: int) -> dict[str, Any]:
    """Take the form off the web; its address answers 404 from now on."""
    user = current_user(request)
    form = queries.access_form(user, form_id)
    return form_out(actions.do_deactivate_form(actor=user, form=form))


@router.get("/forms/{form_id}/submissions", response=Page[SubmissionOut])
def list_submissions(request: HttpRequest, form_id: int, page: Query[PageQuery]) -> dict[str, Any]:
    """What came in through the form, newest first."""
    user = current_user(request)
    rows = queries.submissions(user, queries.access_form(user, form_id))
    items, next_cursor = paginate(
        rows, cursor=page.cursor, limit=page.limit, sort="-submitted_at", allowed=_BY_SUBMISSION
    )
    return {"items": [submission_out(item) for item in items], "next_cursor": next_cursor}
