"""REST endpoints for imports: upload a file, map its columns, dry-run, start, follow, report.

Each view: parse → find the batch the caller may see (404 otherwise; 403 for roles that
cannot import) → call an action → respond. Reads go through intake.queries.
"""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest
from ninja import File, Form, Query, Router, Status, UploadedFile

from talentloop.accounts.models import User, Workspace
from talentloop.accounts.permissions import require_write
from talentloop.api.common import ErrorOut, current_user
from talentloop.api.errors import PayloadTooLarge
from talentloop.api.pagination import Page, paginate
from talentloop.core.errors import ValidationFailed
from talentloop.intake import actions, leases, queries
from talentloop.intake.domain import FIELD_TARGETS, target_label
from talentloop.intake.models import ImportBatch
from talentloop.intake.pipeline import PreviewLine
from talentloop.intake.schemas import (
    ImportBatchOut,
    ImportIssueOut,
    IssuePageQuery,
    MappingIn,
    PreviewLineOut,
    TargetOut,
)

router = Router(tags=["imports"])


def _workspace(user: User) -> Workspace:
    assert user.workspace is not None  # auth admits only users with a workspace
    return user.workspace


@router.get("/imports", response=list[ImportBatchOut])
def list_imports(request: HttpRequest) -> list[ImportBatch]:
    """The workspace's 50 most recent imports."""
    return list(queries.visible_batches(current_user(request))[:50])


@router.get("/imports/targets", response=list[TargetOut])
def list_import_targets(request: HttpRequest) -> list[dict[str, str]]:
    """What a column may be imported into (custom fields as `custom.<key>`)."""
    user = current_user(request)
    queries.visible_batches(user)
    keys = actions.custom_keys(_workspace(user))
    values = [*FIELD_TARGETS, *(f"custom.{key}" for key in keys)]
    return [{"value": value, "label": target_label(value)} for value in values]


@router.post("/imports", response={201: ImportBatchOut, 413: ErrorOut, 422: ErrorOut})
def create_import(
    request: HttpRequest,
    file: Annotated[UploadedFile, File(description="CSV, XLSX, vCard, JSON, or resumes (zip)")],
    source_kind: Annotated[str, Form()] = "",
) -> Status[Any]:
    """Upload a file (multipart `file`); answers its columns and the guessed mapping."""
    user = current_user(request)
    require_write(user)
    try:
        batch = actions.do_create_import_batch(
            actor=user,
            workspace=_workspace(user),
            upload=file,
            source_kind=source_kind or None,
            size_limit=actions.max_import_bytes(),
        )
    except ValidationFailed as error:
        if error.fields.get("file") == "too large":
            raise PayloadTooLarge(error.message, fields=error.fields) from None
        raise
    return Status(201, batch)


@router.get("/imports/{batch_id}", response=ImportBatchOut)
def get_import(request: HttpRequest, batch_id: int) -> ImportBatch:
    """A batch with its status and running counts (poll this while it imports)."""
    return queries.access_batch(current_user(request), batch_id)


@router.put("/imports/{batch_id}/mapping", response=ImportBatchOut)
def set_import_mapping(request: HttpRequest, batch_id: int, payload: MappingIn) -> ImportBatch:
    """Set the column mapping and the batch options before starting."""
    user = current_user(request)
    batch = queries.access_batch(user, batch_id)
    return actions.do_set_import_mapping(
        actor=user, batch=batch, mapping=payload.mapping, options=payload.options.dict()
    )


@router.post("/imports/{batch_id}/preview", response=list[PreviewLineOut])
def preview_import(request: HttpRequest, batch_id: int) -> list[dict[str, Any]]:
    """Dry run of the first 100 records: what each would do, and each one's problems."""
    user = current_user(request)
    batch = queries.access_batch(user, batch_id)
    return [_line(line) for line in actions.preview_import(actor=user, batch=batch)]


def _line(line: PreviewLine) -> dict[str, Any]:
    problems = [{"field": where, "message": message} for where, message in line.problems]
    return {
        "locator": line.locator,
        "label": line.label,
        "action": line.action,
        "problems": problems,
    }


@router.post("/imports/{batch_id}/commit", response={202: ImportBatchOut, 409: ErrorOut})
def commit_import(request: HttpRequest, batch_id: int) -> Status[Any]:
    """Start importing in the background; follow it with GET /imports/{id}."""
    user = current_user(request)
    batch = queries.access_batch(user, batch_id)
    return Status(202, actions.do_start_import(actor=user, batch=batch))


@router.post("/imports/{batch_id}/resume", response={202: ImportBatchOut, 409: ErrorOut})
def resume_import(request: HttpRequest, batch_id: int) -> Status[Any]:
    """Go on with an interrupted import after the records already in; 409 otherwise."""
    user = current_user(request)
    batch = queries.access_batch(user, batch_id)
    return Status(202, leases.do_resume_import(actor=user, batch=batch))


@router.get("/imports/{batch_id}/issues", response=Page[ImportIssueOut])
def list_import_issues(
    request: HttpRequest, batch_id: int, page: Query[IssuePageQuery]
) -> dict[str, Any]:
    """The report: one line per problem, in file order; cursor-paginated."""
    batch = queries.access_batch(current_user(request), batch_id)
    items, next_cursor = paginate(
        queries.batch_issues(batch),
        cursor=page.cursor,
        limit=page.limit,
        sort="id",
        allowed={"id": "id"},
    )
    return {"items": items, "next_cursor": next_cursor}
