"""Every write to workspaces, users and tokens."""

from __future__ import annotations

import hashlib
import secrets

from django.db import transaction
from django.utils.text import slugify

from talentloop.accounts.domain import Role, Scope
from talentloop.accounts.models import ApiToken, User, Workspace
from talentloop.core import clock
from talentloop.core.errors import Conflict, ValidationFailed
from talentloop.core.events import record_event

TOKEN_PREFIX = "tl_"  # noqa: S105 - a marker, not a secret


@transaction.atomic
def do_create_workspace(
    *, name: str, slug: str = "", default_phone_region: str = "US"
) -> Workspace:
    """Create a tenant with its default job and pool pipelines and rejection reasons."""
    from talentloop.recruiting.actions import install_recruiting_defaults

    slug = slug or slugify(name)[:64] or "workspace"
    if Workspace.objects.filter(slug=slug).exists():
        raise Conflict(f"a workspace called {slug!r} already exists", fields={"slug": "taken"})
    workspace = Workspace.objects.create(
        name=name, slug=slug, default_phone_region=default_phone_region.upper()
    )
    install_recruiting_defaults(workspace=workspace)
    record_event(workspace=workspace, actor=None, verb="workspace.created", subject=workspace)
    return workspace


@transaction.atomic
def do_create_user(
    *,
    workspace: Workspace,
    actor: User | None,
    email: str,
    password: str | None,
    role: Role,
    full_name: str = "",
    is_staff: bool = False,
) -> User:
    """Add a user to a workspace; a taken email is a conflict."""
    email = email.strip().lower()
    if User.objects.filter(email=email).exists():
        raise Conflict("a user with this email already exists", fields={"email": "taken"})
    user = User.objects.create_user(
        email,
        password,
        workspace=workspace,
        role=role.value,
        full_name=full_name,
        is_staff=is_staff,
        is_superuser=is_staff and role is Role.ADMIN,
    )
    record_event(
        workspace=workspace,
        actor=actor,
        verb="user.created",
        subject=user,
        data={"role": role.value},
    )
    return user


@transaction.atomic
def do_change_role(*, actor: User, user: User, role: Role) -> User:
    if user.role == role.value:
        return user
    user.role = role.value
    user.save(update_fields=["role"])
    assert user.workspace is not None
    record_event(
        workspace=user.workspace,
        actor=actor,
        verb="user.role_changed",
        subject=user,
        changed_fields=["role"],
        data={"role": role.value},
    )
    return user


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def do_create_api_token(
    *, actor: User | None, user: User, name: str, scopes: list[Scope]
) -> tuple[ApiToken, str]:
    """Mint a token; the plain secret is returned once and never stored."""
    if user.workspace is None:
        raise ValidationFailed("this user belongs to no workspace", fields={"user": "no workspace"})
    if not scopes:
        raise ValidationFailed("give the token at least one scope", fields={"scopes": "required"})
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        workspace=user.workspace,
        user=user,
        name=name or "API token",
        prefix=secret[:10],
        token_hash=hash_token(secret),
        scopes=[scope.value for scope in scopes],
    )
    record_event(
        workspace=user.workspace,
        actor=actor,
        verb="api_token.created",
        subject=token,
        data={"scopes": token.scopes, "user_id": user.pk},
    )
    return token, secret


@transaction.atomic
def do_revoke_api_token(*, actor: User, token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = clock.now()
        token.save(update_fields=["revoked_at"])
        record_event(
            workspace=token.workspace, actor=actor, verb="api_token.revoked", subject=token
        )
    return token
