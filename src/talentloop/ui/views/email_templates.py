"""Email templates: list, editor with a live preview for a chosen person, archive."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpResponse, HttpResponseBase, QueryDict
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from talentloop.core.errors import ValidationFailed
from talentloop.outreach import queries
from talentloop.outreach.domain import TOPICS
from talentloop.outreach.models import Template
from talentloop.outreach.rendering import Rendered
from talentloop.outreach.template_actions import archive_template, preview, save_template
from talentloop.people.models import Person
from talentloop.people.queries import visible_people
from talentloop.ui.views.common import AppRequest, login_required, respond, toast

PEOPLE_TO_PREVIEW = 50


@dataclass
class Draft:
    """The editor's current text, shaped like a template for rendering."""

    name: str
    topic: str
    subject: str
    html: str
    text: str


def _draft(post: QueryDict, template: Template | None) -> Draft:
    def value(name: str, default: str) -> str:
        return str(post.get(name, default))

    return Draft(
        name=value("name", template.name if template else ""),
        topic=value("topic", template.topic if template else "outreach"),
        subject=value("subject", template.subject if template else ""),
        html=value("html", template.html if template else ""),
        text=value("text", template.text if template else ""),
    )


def _person(request: AppRequest, raw: str) -> Person | None:
    if not raw.isdigit():
        return None
    return visible_people(request.user).filter(pk=int(raw)).first()


def _render(request: AppRequest, draft: Draft, person_id: str) -> tuple[Rendered | None, str]:
    try:
        return preview(actor=request.user, source=draft, person=_person(request, person_id)), ""
    except ValidationFailed as problem:
        return None, problem.message


@login_required
@require_GET
def template_list(request: AppRequest) -> HttpResponse:
    context = {"templates": queries.templates(request.user)}
    return respond(request, "ui/email_templates/list.html", context)


def _editor(
    request: AppRequest, template: Template | None, draft: Draft, error: ValidationFailed | None
) -> HttpResponse:
    person_id = str(request.POST.get("person_id", request.GET.get("person_id", "")))
    rendered, problem = _render(request, draft, person_id)
    context = {
        "template": template,
        "draft": draft,
        "topics": TOPICS,
        "errors": error.fields if error else {},
        "error_message": error.message if error else "",
        "people": visible_people(request.user).order_by("-id")[:PEOPLE_TO_PREVIEW],
        "person_id": person_id,
        "rendered": rendered,
        "problem": problem,
    }
    return respond(request, "ui/email_templates/form.html", context, status=422 if error else 200)


@login_required
@require_http_methods(["GET", "POST"])
def template_new(request: AppRequest) -> HttpResponseBase:
    return _edit(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def template_edit(request: AppRequest, template_id: int) -> HttpResponseBase:
    return _edit(request, queries.access_template(request.user, template_id))


def _edit(request: AppRequest, template: Template | None) -> HttpResponseBase:
    draft = _draft(request.POST, template)
    if request.method != "POST":
        return _editor(request, template, draft, None)
    try:
        saved = save_template(actor=request.user, template=template, **draft.__dict__)
    except ValidationFailed as error:
        return _editor(request, template, draft, error)
    toast(request, "template saved")
    return redirect("template_edit", saved.pk)


@login_required
@require_POST
def template_preview(request: AppRequest) -> HttpResponse:
    """The live preview pane (htmx): what the chosen person would receive, or the error."""
    draft = _draft(request.POST, None)
    rendered, problem = _render(request, draft, str(request.POST.get("person_id", "")))
    context = {"rendered": rendered, "problem": problem}
    return respond(request, "ui/email_templates/_preview.html", context)


@login_required
@require_POST
def template_archive(request: AppRequest, template_id: int) -> HttpResponseBase:
    template = queries.access_template(request.user, template_id)
    archive_template(actor=request.user, template=template)
    toast(request, "template archived")
    return redirect("template_list")
