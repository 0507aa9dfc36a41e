"""Import pages: upload, map columns, dry-run preview, progress (htmx polling), report, review.

Same shape as the imports API: find the batch (404 for another workspace, 403 for roles that
cannot import) → call an action → render. Cell values are read from the stored file for the
mapping screen's examples and the preview, and never kept.
"""

from __future__ import annotations

import tempfile
import zipfile
from typing import Any

from django.contrib import messages
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods, require_POST

from talentloop.core.errors import Conflict, ValidationFailed
from talentloop.intake import actions, leases, queries, sources
from talentloop.intake.domain import FIELD_TARGETS, MATCH_KEYS, target_label
from talentloop.intake.models import BatchStatus, ImportBatch, SourceKind
from talentloop.intake.pipeline import opener, shape_of
from talentloop.intake.tabular import TableError
from talentloop.people import queries as people_queries
from talentloop.ui.views.common import AppRequest, login_required, respond, toast, workspace_of

REPORT_ROWS = 200


@login_required
@require_http_methods(["GET", "POST"])
def import_list(request: AppRequest) -> HttpResponseBase:
    """Recent imports and the upload form; a good upload goes on to its mapping screen."""
    batches = queries.visible_batches(request.user)
    error = ""
    if request.method == "POST":
        uploads = [*request.FILES.getlist("file"), *request.FILES.getlist("folder")]
        kind = request.POST.get("source_kind") or None
        try:
            if not uploads:
                raise ValidationFailed("choose a file to import", fields={"file": "required"})
            if len(uploads) > 1:
                upload, kind = _zip_of(uploads), SourceKind.RESUMES.value
            else:
                upload = uploads[0]
            batch = actions.do_create_import_batch(
                actor=request.user,
                workspace=workspace_of(request),
                upload=upload,
                source_kind=kind,
                size_limit=actions.max_import_bytes(),
            )
        except ValidationFailed as failure:
            error = failure.message
            toast(request, f"Nothing was imported: {failure.message}", messages.ERROR)
        else:
            return redirect("import_detail", batch.pk)
    context = {
        "batches": batches[:20],
        "kinds": sources.available_kinds(),
        "error": error,
        "reviews": queries.open_reviews(request.user).count(),
        "limit_mb": actions.max_import_bytes() // (1024 * 1024),
    }
    return respond(request, "ui/intake/list.html", context, status=422 if error else 200)


def _zip_of(uploads: list[UploadedFile]) -> File[Any]:
    """Several resumes (or a folder) chosen at once, packed as one zip batch."""
    total = sum(upload.size or 0 for upload in uploads)
    if total > actions.max_import_bytes():
        limit_mb = actions.max_import_bytes() // (1024 * 1024)
        raise ValidationFailed(
            f"these files come to more than {limit_mb} MB; choose fewer at a time",
            fields={"file": "too large"},
        )
    buffer = tempfile.SpooledTemporaryFile(max_size=10 * 1024 * 1024)  # noqa: SIM115
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for upload in uploads:
            name = (upload.name or "file").replace("\\", "/").rsplit("/", 1)[-1]
            with archive.open(name, "w", force_zip64=True) as member:
                for chunk in upload.chunks():
                    member.write(chunk)
    buffer.seek(0)
    return File(buffer, name=f"{len(uploads)} resumes.zip")


@login_required
def import_detail(request: AppRequest, batch_id: int) -> HttpResponseBase:
    """The mapping screen before the start, the progress while it runs, the report after."""
    batch = queries.access_batch(request.user, batch_id)
    if batch.status == BatchStatus.MAPPING:
        return respond(request, "ui/intake/mapping.html", _mapping_context(request, batch))
    return respond(request, "ui/intake/detail.html", _report_context(batch))


def _mapping_context(request: AppRequest, batch: ImportBatch) -> dict[str, Any]:
    keys = actions.custom_keys(batch.workspace)
    targets = [(value, label) for value, label in FIELD_TARGETS.items()]
    targets += [(f"custom.{key}", target_label(f"custom.{key}")) for key in keys]
    return {
        "batch": batch,
        "columns": _columns(batch),
        "targets": targets,
        "sources": people_queries.sources(request.user).order_by("name"),
        "match_keys": [(key, key.replace("_", " ")) for key in MATCH_KEYS],
        "options": batch.options,
        "tags_text": ", ".join(batch.options.get("tags") or []),
        "is_table": batch.source_kind in sources.TABULAR_KINDS,
    }


def _columns(batch: ImportBatch) -> list[dict[str, Any]]:
    if batch.source_kind not in sources.TABULAR_KINDS:
        return []
    try:
        samples = sources.sample_rows(batch.source_kind, opener(batch), shape_of(batch))
    except (TableError, OSError):
        samples = []
    return [
        {
            "index": str(index),
            "title": title or f"Column {index + 1}",
            "target": batch.mapping.get(str(index), ""),
            "examples": [row[index] for row in samples if index < len(row) and row[index]],
        }
        for index, title in enumerate(batch.headers)
    ]


def _report_context(batch: ImportBatch) -> dict[str, Any]:
    issues = list(queries.batch_issues(batch).select_related("person")[: REPORT_ROWS + 1])
    return {
        "batch": batch,
        "issues": issues[:REPORT_ROWS],
        "more_issues": len(issues) > REPORT_ROWS,
        "kind_label": SourceKind(batch.source_kind).label,
    }


def _posted_settings(request: AppRequest, batch: ImportBatch) -> None:
    """Save the mapping and options from the mapping form (shared by preview and start)."""
    mapping = None
    if batch.source_kind in sources.TABULAR_KINDS:
        mapping = {
            str(index): request.POST.get(f"col_{index}", "") for index in range(len(batch.headers))
        }
    source = request.POST.get("source_id", "")
    options = {
        "tags": [tag for tag in request.POST.get("tags", "").split(",") if tag.strip()],
        "source_id": int(source) if source.isdigit() else None,
        "match_on": request.POST.getlist("match_on"),
        "update_existing": request.POST.get("update_existing") == "on",
    }
    if not options["match_on"]:
        raise ValidationFailed("choose at least one way to find existing people")
    actions.do_set_import_mapping(actor=request.user, batch=batch, mapping=mapping, options=options)


@login_required
@require_POST
def import_preview(request: AppRequest, batch_id: int) -> HttpResponseBase:
    """htmx: save the mapping, then dry-run the first rows and show what each would do."""
    batch = queries.access_batch(request.user, batch_id)
    try:
        _posted_settings(request, batch)
        lines = actions.preview_import(actor=request.user, batch=batch)
    except ValidationFailed as failure:
        failed = {"error": failure.message}
        return respond(request, "ui/intake/_preview.html", failed, status=422)
    context: dict[str, Any] = {
        "lines": lines,
        "errors": sum(1 for line in lines if line.action == "error"),
        "batch": batch,
    }
    return respond(request, "ui/intake/_preview.html", context)


@login_required
@require_POST
def import_start(request: AppRequest, batch_id: int) -> HttpResponseBase:
    """Save the mapping and queue the import; the page then follows its progress."""
    batch = queries.access_batch(request.user, batch_id)
    try:
        _posted_settings(request, batch)
        actions.do_start_import(actor=request.user, batch=batch)
    except ValidationFailed as failure:
        toast(request, failure.message, messages.ERROR)
        context = _mapping_context(request, batch)
        context["error"] = failure.message
        return respond(request, "ui/intake/mapping.html", context, status=422)
    toast(request, "Import started")
    return redirect("import_detail", batch.pk)


@login_required
@require_POST
def import_resume(request: AppRequest, batch_id: int) -> HttpResponseBase:
    """Go on with an interrupted import after the records already in."""
    batch = queries.access_batch(request.user, batch_id)
    try:
        leases.do_resume_import(actor=request.user, batch=batch)
    except Conflict as refused:
        toast(request, refused.message, messages.ERROR)
    else:
        toast(request, "Import resumed")
    return redirect("import_detail", batch.pk)


@login_required
def import_progress(request: AppRequest, batch_id: int) -> HttpResponseBase:
    """htmx polling: the progress card, or a full refresh once the import has finished."""
    batch = queries.access_batch(request.user, batch_id)
    if batch.is_finished:
        return HttpResponse(status=200, headers={"HX-Refresh": "true"})
    return respond(request, "ui/intake/_progress.html", {"batch": batch})


@login_required
def review_list(request: AppRequest) -> HttpResponseBase:
    """Values resume parsing was unsure of, waiting to be accepted or dismissed."""
    reviews = list(queries.open_reviews(request.user)[:200])
    return respond(request, "ui/intake/reviews.html", {"reviews": reviews})


@login_required
@require_POST
def review_decide(request: AppRequest, review_id: int, decision: str) -> HttpResponseBase:
    review = queries.access_review(request.user, review_id)
    if decision == "accept":
        actions.do_accept_field_review(actor=request.user, review=review)
        toast(request, f"{review.field.capitalize()} saved to {review.person.full_name}")
    else:
        actions.do_dismiss_field_review(actor=request.user, review=review)
        toast(request, "Dismissed", messages.INFO)
    return redirect("import_reviews")
