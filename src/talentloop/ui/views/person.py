"""The person profile: header, timeline, inline note/call/task, candidacies, files, edit."""

from __future__ import annotations

import zoneinfo
from typing import Any

from django.contrib import messages
from django.http import FileResponse, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from talentloop.accounts.permissions import require_feedback, require_write, sees_salary
from talentloop.core import clock
from talentloop.core.errors import ValidationFailed
from talentloop.people import actions as people_actions
from talentloop.people import queries as people_queries
from talentloop.people import task_actions
from talentloop.people.domain import ActivityKind
from talentloop.people.models import Person
from talentloop.ui import forms, queries
from talentloop.ui.pagination import SortKey, paginate
from talentloop.ui.views.common import (
    AppRequest,
    apply_errors,
    login_required,
    mark_invalid,
    render_with_errors,
    respond,
    toast,
    workspace_of,
)

TIMELINE_KINDS = [
    ("", "All"),
    ("note", "Notes"),
    ("call", "Calls"),
    ("email", "Emails"),
    ("meeting", "Meetings"),
    ("stage_change", "Stages"),
    ("task", "Tasks"),
]
TIMELINE_SORT = [
    SortKey("occurred_at", descending=True, is_datetime=True),
    SortKey("id", descending=True),
]
INLINE_PREVIEW_TYPES = {"application/pdf", "image/png", "image/jpeg", "text/plain"}


@login_required
@require_GET
def profile(request: AppRequest, person_id: int) -> HttpResponse:
    person = people_queries.person_detail(request.user, person_id)
    context = {
        "person": person,
        "local_time": _local_time(person),
        "show_salary": sees_salary(request.user),
        "candidacies": queries.person_candidacies(request.user, person),
        "attachments": queries.person_attachments(request.user, person),
        "tasks": queries.open_tasks_for(request.user, person),
        "upload_form": forms.style(forms.UploadForm()),
        **_composer_context(request, person),
        **_timeline_context(request, person),
    }
    return respond(request, "ui/person/profile.html", context)


def _local_time(person: Person) -> dict[str, str] | None:
    if not person.time_zone:
        return None
    try:
        zone = zoneinfo.ZoneInfo(person.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None
    now = clock.now().astimezone(zone)
    return {"time": now.strftime("%H:%M"), "zone": person.time_zone, "iso": now.isoformat()}


def _composer_context(request: AppRequest, person: Person, **forms_given: Any) -> dict[str, Any]:
    return {
        "person": person,
        "note_form": forms_given.get("note_form") or forms.NoteForm(),
        "call_form": forms_given.get("call_form") or forms.style(forms.CallForm()),
        "task_form": forms_given.get("task_form")
        or forms.style(forms.TaskForm(viewer=request.user)),
        "composer_tab": forms_given.get("tab", "note"),
    }


def _timeline_context(request: AppRequest, person: Person) -> dict[str, Any]:
    kind = request.GET.get("kind", "")
    kind = kind if kind in dict(TIMELINE_KINDS) else ""
    activities = people_queries.timeline(request.user, person, [kind] if kind else None)
    page = paginate(activities, TIMELINE_SORT, request.GET, size=25)
    return {"timeline_page": page, "timeline_kind": kind, "timeline_kinds": TIMELINE_KINDS}


@login_required
@require_GET
def timeline(request: AppRequest, person_id: int) -> HttpResponse:
    person = people_queries.access_person(request.user, person_id)
    context = {"person": person, **_timeline_context(request, person)}
    return respond(request, "ui/person/_timeline.html", context)


@login_required
@require_POST
def log_activity(request: AppRequest, person_id: int) -> HttpResponse:
    """Add a note (hiring managers too) or log a call, then refresh the composer."""
    person = people_queries.access_person(request.user, person_id)
    kind = request.POST.get("kind", "note")
    if kind == "call":
        require_write(request.user)
        form: Any = forms.style(forms.CallForm(request.POST))
    else:
        require_feedback(request.user)
        form = forms.NoteForm(request.POST)
    context = _composer_context(request, person, **{f"{kind}_form": form, "tab": kind})
    if not form.is_valid():
        return render_with_errors(request, "ui/person/_composer.html", context, form=form)
    try:
        _log(request, person, kind, form.cleaned_data)
    except ValidationFailed as error:
        return render_with_errors(
            request, "ui/person/_composer.html", context, form=form, error=error
        )
    toast(request, "Call logged" if kind == "call" else "Note added")
    response = respond(request, "ui/person/_composer.html", _composer_context(request, person))
    return _trigger(response, "timeline-changed")


def _log(request: AppRequest, person: Person, kind: str, data: dict[str, Any]) -> None:
    if kind == "call":
        people_actions.do_log_activity(
            actor=request.user,
            person=person,
            kind=ActivityKind.CALL,
            subject=data["subject"],
            body=data["body"],
            direction=data["direction"],
        )
    else:
        people_actions.do_log_activity(
            actor=request.user, person=person, kind=ActivityKind.NOTE, body=data["body"]
        )


def _trigger(response: HttpResponse, event: str) -> HttpResponse:
    import json

    triggers = json.loads(response["HX-Trigger"]) if "HX-Trigger" in response else {}
    triggers[event] = True
    response["HX-Trigger"] = json.dumps(triggers)
    return response


@login_required
@require_POST
def create_task(request: AppRequest, person_id: int) -> HttpResponse:
    """Create a task about this person from the profile's composer."""
    require_write(request.user)
    person = people_queries.access_person(request.user, person_id)
    form = forms.style(forms.TaskForm(request.POST, viewer=request.user))
    context = _composer_context(request, person, task_form=form, tab="task")
    if not form.is_valid():
        return render_with_errors(request, "ui/person/_composer.html", context, form=form)
    assignee = people_queries.access_teammate(request.user, int(form.cleaned_data["assignee"]))
    try:
        task_actions.do_create_task(
            actor=request.user,
            workspace=workspace_of(request),
            person=person,
            title=form.cleaned_data["title"],
            assignee=assignee,
            due_at=form.cleaned_data["due_at"],
        )
    except ValidationFailed as error:
        return render_with_errors(
            request, "ui/person/_composer.html", context, form=form, error=error
        )
    toast(request, "Task created")
    response = respond(request, "ui/person/_composer.html", _composer_context(request, person))
    return _trigger(response, "timeline-changed")


# --- edit -----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: AppRequest, person_id: int) -> HttpResponse:
    require_write(request.user)
    person = people_queries.person_detail(request.user, person_id)
    show_salary = sees_salary(request.user)
    if request.method == "GET":
        initial = forms.PersonForm.initial_for(person)
        form = forms.PersonForm(initial=initial, viewer=request.user, show_salary=show_salary)
        return respond(request, "ui/person/edit.html", {"person": person, "form": form})
    form = forms.PersonForm(request.POST, viewer=request.user, show_salary=show_salary)
    context = {"person": person}
    if not form.is_valid():
        return render_with_errors(request, "ui/person/edit.html", context, form=form)
    try:
        people_actions.do_update_person(
            actor=request.user, person=person, fields=form.action_fields()
        )
    except ValidationFailed as error:
        return render_with_errors(request, "ui/person/edit.html", context, form=form, error=error)
    toast(request, "Profile saved")
    url = reverse("person", args=[person.pk])
    if request.htmx:
        return HttpResponse(status=204, headers={"HX-Redirect": url})
    return HttpResponseRedirect(url)


# --- attachments ----------------------------------------------------------------------------


@login_required
@require_POST
def upload(request: AppRequest, person_id: int) -> HttpResponse:
    """Store a file checked by do_upload_attachment; refresh the attachments card."""
    require_write(request.user)
    person = people_queries.access_person(request.user, person_id)
    form = forms.style(forms.UploadForm(request.POST, request.FILES))
    stored = False
    if form.is_valid():
        try:
            people_actions.do_upload_attachment(
                actor=request.user,
                person=person,
                upload=form.cleaned_data["file"],
                kind=form.cleaned_data["kind"],
            )
            stored = True
        except ValidationFailed as error:
            apply_errors(form, error)
    mark_invalid(form)
    if stored:
        toast(request, "File uploaded")
        form = forms.style(forms.UploadForm())
    else:
        toast(request, "The file was not uploaded", messages.ERROR)
    if not request.htmx:
        return HttpResponseRedirect(reverse("person", args=[person.pk]))
    context = {
        "person": person,
        "attachments": queries.person_attachments(request.user, person),
        "upload_form": form,
    }
    return respond(request, "ui/person/_attachments.html", context, status=200 if stored else 422)


@login_required
@require_GET
def attachment_preview(request: AppRequest, attachment_id: int) -> HttpResponse:
    attachment = people_queries.access_attachment(request.user, attachment_id)
    context = {
        "attachment": attachment,
        "person": attachment.person,
        "inline": attachment.content_type in INLINE_PREVIEW_TYPES,
    }
    return respond(request, "ui/person/attachment.html", context)


@login_required
@require_GET
@xframe_options_sameorigin  # Why: only this view may be framed, and only by our own pages.
def attachment_file(request: AppRequest, attachment_id: int) -> FileResponse:
    attachment = people_queries.access_attachment(request.user, attachment_id)
    inline = attachment.content_type in INLINE_PREVIEW_TYPES and request.GET.get("download") != "1"
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=not inline,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response
