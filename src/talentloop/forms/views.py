"""The public page of a form: no sign-in, CSRF-protected, a honeypot and a rate limit."""

from __future__ import annotations

from django import forms as django_forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from talentloop.core.errors import NotFound, ValidationFailed
from talentloop.forms import actions, domain, queries
from talentloop.forms.models import Form

_WIDGETS = {
    domain.EMAIL: django_forms.EmailInput(attrs={"autocomplete": "email"}),
    "message": django_forms.Textarea(attrs={"rows": 5}),
    "phone": django_forms.TextInput(attrs={"autocomplete": "tel"}),
    "url": django_forms.URLInput(attrs={"placeholder": "https://www.linkedin.com/in/…"}),
}


def _found(workspace_slug: str, form_slug: str) -> Form:
    try:
        return queries.public_form(workspace_slug, form_slug)
    except NotFound:
        raise Http404("form not found") from None


def entry_form(form: Form, data: object = None) -> django_forms.Form:
    """The inputs this form asks for, built from its field settings."""
    entry = django_forms.Form(data=data)  # type: ignore[arg-type]
    for name, label, limit, required in domain.asked_fields(form.fields):
        entry.fields[name] = django_forms.CharField(
            label=label, required=required, max_length=limit, widget=_WIDGETS.get(name)
        )
    if form.consent_enabled:
        entry.fields[domain.CONSENT] = django_forms.BooleanField(
            label=form.consent_text, required=False
        )
    return entry


def _page(request: HttpRequest, form: Form, entry: django_forms.Form, status: int) -> HttpResponse:
    context = {"form": form, "entry": entry, "honeypot": domain.HONEYPOT}
    return render(request, "ui/forms/public.html", context, status=status)


@require_http_methods(["GET", "POST"])
def public_form(request: HttpRequest, workspace_slug: str, form_slug: str) -> HttpResponse:
    form = _found(workspace_slug, form_slug)
    if request.method == "GET":
        return _page(request, form, entry_form(form), 200)
    if domain.is_bot(request.POST):
        # Why the same thank-you: a bot told it was caught only learns to dodge the trap.
        return redirect("public_form_thanks", workspace_slug, form_slug)
    try:
        actions.do_submit_form(form=form, raw=request.POST)
    except actions.TooManySubmissions as error:
        return _refused(request, form, {}, error.message, 429)
    except ValidationFailed as error:
        return _refused(request, form, error.fields, "", 422)
    return redirect("public_form_thanks", workspace_slug, form_slug)


def _refused(
    request: HttpRequest, form: Form, problems: dict[str, str], message: str, status: int
) -> HttpResponse:
    """The page again with what was typed, each problem at its field."""
    entry = entry_form(form, request.POST)
    entry.is_valid()  # the same checks the action made, in the form's own words
    for name, problem in problems.items():
        if name not in entry.errors:
            entry.add_error(name if name in entry.fields else None, problem)
    if message:
        entry.add_error(None, message)
    return _page(request, form, entry, status)


@require_GET
def public_form_thanks(request: HttpRequest, workspace_slug: str, form_slug: str) -> HttpResponse:
    form = _found(workspace_slug, form_slug)
    return render(request, "ui/forms/thanks.html", {"form": form})
