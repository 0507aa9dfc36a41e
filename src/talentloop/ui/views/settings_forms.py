"""Settings: public forms — the list with each form's address, a new form, switching one off."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Count
from django.http import HttpResponse
from django.views.decorators.http import require_http_methods, require_POST

from talentloop.core.errors import AppError
from talentloop.forms import actions as form_actions
from talentloop.forms import domain as form_domain
from talentloop.forms import queries as form_queries
from talentloop.ui.views.common import AppRequest, toast
from talentloop.ui.views.settings_pages import (
    redirect_to,
    render_failed,
    render_section,
    writer_page,
)

TEMPLATE = "ui/forms/manage.html"
_CHOICES = [(name, label) for name, label, _ in form_domain.FIELDS if name != form_domain.EMAIL]


class NewForm(forms.Form):
    name = forms.CharField(max_length=200)
    slug = forms.CharField(
        max_length=64, help_text="The end of the address: /f/<workspace>/<slug>/"
    )
    intro = forms.CharField(required=False, max_length=5000, widget=forms.Textarea({"rows": 3}))
    asked = forms.MultipleChoiceField(
        label="Ask for", required=False, choices=_CHOICES, widget=forms.CheckboxSelectMultiple,
        help_text="The email is always asked for.",
    )  # fmt: skip
    required = forms.MultipleChoiceField(
        label="Required", required=False, choices=_CHOICES, widget=forms.CheckboxSelectMultiple
    )
    consent_enabled = forms.BooleanField(label="Show a consent box", required=False)
    consent_text = forms.CharField(label="Consent wording", required=False, max_length=5000)
    consent_topic = forms.ChoiceField(
        label="Consent topic", choices=[(topic, topic) for topic in form_domain.TOPICS]
    )
    tags = forms.CharField(
        required=False, help_text="Given to every submitter; separate with commas."
    )

    def field_rows(self) -> list[tuple[Any, Any]]:
        """(ask box, required box) per field, for the two-column table."""
        return list(zip(self["asked"], self["required"], strict=True))

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        asked = set(data["asked"]) | set(data["required"])
        modes = {
            name: form_domain.REQUIRED if name in data["required"] else form_domain.OPTIONAL
            for name in asked
        }
        tags = [tag.strip() for tag in data["tags"].split(",") if tag.strip()]
        keep = ("name", "slug", "intro", "consent_enabled", "consent_text", "consent_topic")
        return {**{name: data[name] for name in keep}, "fields": modes, "tags": tags}


def _context(request: AppRequest, form: NewForm | None = None) -> dict[str, Any]:
    rows = form_queries.forms(request.user).annotate(submission_count=Count("submissions"))
    return {
        "forms": list(rows.select_related("workspace").order_by("-created_at")[:200]),
        "form": form or NewForm(),
        "section": "settings_forms",
    }


@writer_page
@require_http_methods(["GET", "POST"])
def settings_forms(request: AppRequest) -> HttpResponse:
    if request.method == "GET":
        return render_section(request, TEMPLATE, _context(request), "settings_forms")
    form = NewForm(request.POST)
    context = _context(request, form)
    if not form.is_valid():
        return render_failed(request, TEMPLATE, context, form)
    try:
        created = form_actions.do_create_form(actor=request.user, values=form.values())
    except AppError as error:
        return render_failed(request, TEMPLATE, context, form, error)
    toast(request, f"Form “{created.name}” created")
    return redirect_to("settings_forms")


@writer_page
@require_POST
def settings_form_deactivate(request: AppRequest, form_id: int) -> HttpResponse:
    form = form_queries.access_form(request.user, form_id)
    form_actions.do_deactivate_form(actor=request.user, form=form)
    toast(request, f"Form “{form.name}” switched off")
    return redirect_to("settings_forms")
