"""What every UI view shares: the workspace-user guard, error pages, toasts and form errors."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from functools import wraps
from typing import Any, Concatenate, ParamSpec, TypeVar, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django_htmx.middleware import HtmxDetails

from talentloop.accounts.models import User, Workspace
from talentloop.core.errors import AppError, PermissionDenied, ValidationFailed

P = ParamSpec("P")

_HEADINGS = {
    400: "That did not work",
    403: "You can't do that",
    404: "Not found",
    409: "That clashes with something",
    422: "Some details need fixing",
}


class AppRequest(HttpRequest):
    """A request past `login_required`: a signed-in user who belongs to a workspace."""

    user: User
    htmx: HtmxDetails


R = TypeVar("R", bound=HttpResponseBase)
Guarded = Callable[Concatenate[HttpRequest, P], HttpResponseBase]


def login_required(view: Callable[Concatenate[AppRequest, P], R]) -> Guarded[P]:
    """Let in signed-in workspace users; turn any AppError the view raises into a page/toast."""

    @wraps(view)
    def guarded(request: HttpRequest, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponseBase:
        if not request.user.is_authenticated:
            if getattr(request, "htmx", False):
                # Why: htmx would swap the login page into a fragment; send the browser there.
                return HttpResponse(status=401, headers={"HX-Redirect": _login_url(request)})
            return redirect_to_login(request.get_full_path())
        if not getattr(request.user, "workspace_id", None):
            return app_error_response(request, PermissionDenied("this account has no workspace"))
        try:
            return view(cast(AppRequest, request), *args, **kwargs)
        except AppError as error:
            return app_error_response(request, error)

    return cast(Guarded[P], guarded)


def workspace_of(request: AppRequest) -> Workspace:
    """The signed-in user's workspace (login_required has already refused users without one)."""
    workspace = request.user.workspace
    if workspace is None:
        raise PermissionDenied("this account has no workspace")
    return workspace


def _login_url(request: HttpRequest) -> str:
    response = redirect_to_login(request.headers.get("HX-Current-URL") or request.get_full_path())
    return str(response["Location"])


def app_error_response(request: HttpRequest, error: AppError) -> HttpResponse:
    """htmx requests get a toast with the status; full pages get a styled error page."""
    if getattr(request, "htmx", False):
        # Why: HX-Reswap none keeps 422s (swappable for forms) from blanking the target.
        response = HttpResponse(status=error.status, headers={"HX-Reswap": "none"})
        return _with_toasts(response, [{"message": _sentence(error.message), "level": "error"}])
    context = {
        "status": error.status,
        "heading": _HEADINGS.get(error.status, "That did not work"),
        "message": error.message,
    }
    return render(request, "ui/error.html", context, status=error.status)


def _sentence(text: str) -> str:
    text = text.strip()
    return (text[:1].upper() + text[1:]) if text else text


def toast(request: HttpRequest, text: str, level: int = messages.SUCCESS) -> None:
    """Queue a toast; full pages show it on render, htmx answers carry it in HX-Trigger."""
    messages.add_message(request, level, _sentence(text))


def respond(
    request: HttpRequest,
    template: str,
    context: Mapping[str, Any] | None = None,
    *,
    status: int = 200,
) -> HttpResponse:
    """Render a page or fragment; for htmx, queued toasts travel in the HX-Trigger header."""
    response = render(request, template, dict(context or {}), status=status)
    if getattr(request, "htmx", False):
        queued = [
            {"message": str(message), "level": message.level_tag or "info"}
            for message in messages.get_messages(request)
        ]
        if queued:
            _with_toasts(response, queued)
    return response


def _with_toasts(response: HttpResponse, items: list[dict[str, str]]) -> HttpResponse:
    triggers: dict[str, Any] = {}
    if "HX-Trigger" in response:
        triggers = json.loads(response["HX-Trigger"])
    triggers["toast"] = {"items": [*triggers.get("toast", {}).get("items", []), *items]}
    response["HX-Trigger"] = json.dumps(triggers)
    return response


def apply_errors(form: forms.BaseForm, error: ValidationFailed) -> None:
    """Put each of the action's field errors next to its input (or on top, if no such input)."""
    placed = False
    for name, problem in error.fields.items():
        field = name.removesuffix("_id")
        target = name if name in form.fields else (field if field in form.fields else None)
        if target is not None:
            form.add_error(target, _sentence(str(problem)))
            placed = True
    if not placed:
        form.add_error(None, _sentence(error.message))


def mark_invalid(form: forms.BaseForm) -> None:
    """Tie each erroneous input to its message for screen readers."""
    for name in form.errors:
        if name in form.fields:
            widget = form.fields[name].widget
            widget.attrs["aria-invalid"] = "true"
            widget.attrs["aria-describedby"] = f"{form[name].auto_id}_error"


def render_with_errors(
    request: HttpRequest,
    template: str,
    context: Mapping[str, Any],
    *,
    form: forms.BaseForm,
    error: ValidationFailed | None = None,
) -> HttpResponse:
    """Re-render a form with its errors at 422 and an error toast."""
    if error is not None:
        apply_errors(form, error)
    mark_invalid(form)
    toast(request, "Please fix the highlighted fields", messages.ERROR)
    return respond(request, template, {**context, "form": form}, status=422)


def selected_ids(request: HttpRequest, name: str = "ids") -> list[int]:
    """The integer ids posted under `name`; anything that is not a number is a 422."""
    try:
        return sorted({int(raw) for raw in request.POST.getlist(name) if raw.strip()})
    except ValueError:
        raise ValidationFailed("ids must be numbers", fields={name: "not a number"}) from None
