"""Workspace settings: the shared page helpers, users and roles, API tokens.

Pipelines live in settings_pipelines, the people catalog (tags, sources, custom fields) in
settings_people, mailboxes and the suppression list in settings_mailboxes. Most sections are
for admins only; the outreach ones are open to every writer (the actions decide what each may
change there). Every write goes through its app's action."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from talentloop.accounts import actions as account_actions
from talentloop.accounts import queries as account_queries
from talentloop.accounts.domain import Role, can_administer, parse_scopes
from talentloop.accounts.models import User
from talentloop.accounts.permissions import require_admin, require_write
from talentloop.core.errors import AppError, ValidationFailed
from talentloop.people import queries as people_queries
from talentloop.ui.forms_jobs import InviteUserForm, TokenForm
from talentloop.ui.views.common import (
    AppRequest,
    login_required,
    render_with_errors,
    respond,
    toast,
    workspace_of,
)

SECTIONS = [
    ("settings_users", "Users & roles"),
    ("settings_pipelines", "Pipelines"),
    ("settings_tags", "Tags"),
    ("settings_sources", "Sources & costs"),
    ("settings_fields", "Custom fields"),
    ("settings_tokens", "API tokens"),
    ("settings_mailboxes", "Mailboxes"),
    ("settings_suppressions", "Suppression list"),
    ("settings_forms", "Public forms"),
]
WRITER_SECTIONS = {"settings_mailboxes", "settings_suppressions", "settings_forms"}


def sections_for(user: User) -> list[tuple[str, str]]:
    """The settings sections this viewer may open (writers: only the outreach ones)."""
    if can_administer(user.role_enum):
        return SECTIONS
    return [(name, label) for name, label in SECTIONS if name in WRITER_SECTIONS]


def admin_page(view: Callable[..., HttpResponse]) -> Callable[..., Any]:
    """Signed-in workspace admins only: everyone else gets a 403 on every method."""

    def checked(request: AppRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        require_admin(request.user)
        return view(request, *args, **kwargs)

    checked.__name__ = view.__name__
    checked.__doc__ = view.__doc__
    return login_required(checked)


def writer_page(view: Callable[..., HttpResponse]) -> Callable[..., Any]:
    """Signed-in writers only (admins, recruiters, coordinators): readers get a 403."""

    def checked(request: AppRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        require_write(request.user)
        return view(request, *args, **kwargs)

    checked.__name__ = view.__name__
    checked.__doc__ = view.__doc__
    return login_required(checked)


def render_section(
    request: AppRequest, template: str, context: dict[str, Any], section: str, status: int = 200
) -> HttpResponse:
    full = {**context, "sections": sections_for(request.user), "section": section}
    return respond(request, template, full, status=status)


def render_failed(
    request: AppRequest,
    template: str,
    context: dict[str, Any],
    form: forms.BaseForm,
    error: AppError | None = None,
) -> HttpResponse:
    """Re-render the page with the form's errors inline (409s name their field like 422s)."""
    failure = ValidationFailed(error.message, fields=error.fields) if error else None
    full = {**context, "sections": sections_for(request.user)}
    return render_with_errors(request, template, full, form=form, error=failure)


def redirect_to(name: str, *args: Any) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse(name, args=args))


@writer_page
@require_GET
def settings_home(request: AppRequest) -> HttpResponse:
    if can_administer(request.user.role_enum):
        return redirect_to("settings_users")
    return redirect_to("settings_mailboxes")


# --- users and roles ----------------------------------------------------------------------------


def _users_context(request: AppRequest, form: InviteUserForm | None = None) -> dict[str, Any]:
    return {
        "users": list(people_queries.teammates(request.user).order_by("email")),
        "roles": [(role.value, role.label) for role in Role],
        "form": form or InviteUserForm(),
        "section": "settings_users",
    }


@admin_page
@require_http_methods(["GET", "POST"])
def settings_users(request: AppRequest) -> HttpResponse:
    if request.method == "GET":
        return render_section(
            request, "ui/settings/users.html", _users_context(request), "settings_users"
        )
    form = InviteUserForm(request.POST)
    context = _users_context(request, form)
    if not form.is_valid():
        return render_failed(request, "ui/settings/users.html", context, form)
    data = form.cleaned_data
    try:
        user = account_actions.do_create_user(
            workspace=workspace_of(request),
            actor=request.user,
            email=data["email"],
            password=data["password"] or None,
            role=Role(data["role"]),
            full_name=data["full_name"],
        )
    except AppError as error:
        return render_failed(request, "ui/settings/users.html", context, form, error)
    toast(request, f"{user.email} can now sign in as {user.role_enum.label.lower()}")
    return redirect_to("settings_users")


@admin_page
@require_POST
def settings_user_role(request: AppRequest, user_id: int) -> HttpResponse:
    teammate = people_queries.access_teammate(request.user, user_id)
    try:
        role = Role(request.POST.get("role", ""))
    except ValueError:
        raise ValidationFailed("choose a role", fields={"role": "unknown role"}) from None
    if teammate.pk == request.user.pk and role is not Role.ADMIN:
        # Why: an admin demoting themselves could leave the workspace with nobody to undo it.
        raise ValidationFailed("you cannot change your own role", fields={"role": "your own"})
    account_actions.do_change_role(actor=request.user, user=teammate, role=role)
    toast(request, f"{teammate.display_name} is now {role.label.lower()}")
    return redirect_to("settings_users")


# --- API tokens ---------------------------------------------------------------------------------


def _tokens_context(request: AppRequest, form: TokenForm | None = None) -> dict[str, Any]:
    return {
        "tokens": list(account_queries.api_tokens(request.user)[:200]),
        "form": form or TokenForm(viewer=request.user),
        "section": "settings_tokens",
    }


@admin_page
@require_http_methods(["GET", "POST"])
def settings_tokens(request: AppRequest) -> HttpResponse:
    """List tokens; creating one shows its secret on this one answer only."""
    template = "ui/settings/tokens.html"
    if request.method == "GET":
        return render_section(request, template, _tokens_context(request), "settings_tokens")
    form = TokenForm(request.POST, viewer=request.user)
    context = _tokens_context(request, form)
    if not form.is_valid():
        return render_failed(request, template, context, form)
    owner = people_queries.access_teammate(request.user, int(form.cleaned_data["user"]))
    try:
        token, secret = account_actions.do_create_api_token(
            actor=request.user,
            user=owner,
            name=form.cleaned_data["name"],
            scopes=parse_scopes(form.cleaned_data["scopes"]),
        )
    except AppError as error:
        return render_failed(request, template, context, form, error)
    context = {**_tokens_context(request), "new_token": token, "secret": secret}
    response = render_section(request, template, context, "settings_tokens")
    response["Cache-Control"] = "no-store"  # Why: the secret must not linger in any cache.
    return response


@admin_page
@require_POST
def settings_token_revoke(request: AppRequest, token_id: int) -> HttpResponse:
    token = account_queries.access_api_token(request.user, token_id)
    account_actions.do_revoke_api_token(actor=request.user, token=token)
    toast(request, f"Token “{token.name}” revoked")
    return redirect_to("settings_tokens")
