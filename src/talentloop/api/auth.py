"""Who is calling: a bearer API token (with scopes) or a logged-in browser session (with CSRF)."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import F, Q
from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from talentloop.accounts.actions import hash_token
from talentloop.accounts.domain import Scope
from talentloop.accounts.models import ApiToken, User
from talentloop.core import clock
from talentloop.core.errors import PermissionDenied

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Why a minimum interval: recording every use would turn each read into a write (SQLite has one
# writer, PostgreSQL gets a dead tuple per request); "last used" to the minute is plenty.
LAST_USED_RESOLUTION = timedelta(minutes=1)
_CACHE_ATTR = "_talentloop_api_token"
_MISSING = object()


def bearer_secret(request: HttpRequest) -> str:
    """The token after 'Bearer ' in the Authorization header, or ''."""
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    return secret.strip() if scheme.lower() == "bearer" else ""


def find_token(request: HttpRequest, secret: str) -> ApiToken | None:
    """The live token for this secret (cached on the request), or None."""
    cached = getattr(request, _CACHE_ATTR, _MISSING)
    if isinstance(cached, ApiToken) or cached is None:
        return cached
    token = None
    if secret:
        token = (
            ApiToken.objects.select_related("user")
            .filter(
                token_hash=hash_token(secret),
                revoked_at__isnull=True,
                user__is_active=True,
                # A token acts only inside its own workspace, even if its user moved on.
                user__workspace_id=F("workspace_id"),
            )
            .first()
        )
    setattr(request, _CACHE_ATTR, token)
    return token


def peek_user(request: HttpRequest) -> User | None:
    """The caller, without scope or CSRF checks; for bookkeeping that runs before auth."""
    token = find_token(request, bearer_secret(request))
    if token is not None:
        return token.user
    user = getattr(request, "user", None)
    if isinstance(user, User) and user.is_active and user.workspace_id:
        return user
    return None


def required_scope(method: str) -> Scope:
    return Scope.READ if method.upper() in SAFE_METHODS else Scope.WRITE


def check_scope(token: ApiToken, scope: Scope) -> None:
    if not token.has_scope(scope):
        raise PermissionDenied(
            f"this API token lacks the '{scope.value}' scope",
            code="insufficient_scope",
            fields={"scope": f"'{scope.value}' required"},
        )


def touch_token(token: ApiToken) -> None:
    """Record use at most once per LAST_USED_RESOLUTION, with one conditional UPDATE."""
    now = clock.now()
    cutoff = now - LAST_USED_RESOLUTION
    if token.last_used_at is not None and token.last_used_at > cutoff:
        return
    ApiToken.objects.filter(pk=token.pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lte=cutoff)
    ).update(last_used_at=now)
    token.last_used_at = now


class BearerToken(HttpBearer):
    """`Authorization: Bearer tl_…`: acts as the token's user; GET needs `read`, writes `write`."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        api_token = find_token(request, token.strip())
        if api_token is None:
            return None
        check_scope(api_token, required_scope(request.method or "GET"))
        touch_token(api_token)
        request.api_token = api_token  # type: ignore[attr-defined]
        return api_token.user


class SessionUser(SessionAuth):
    """A logged-in browser (interactive docs, htmx); ninja enforces CSRF on unsafe methods."""

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        user = getattr(request, "user", None)
        if isinstance(user, User) and user.is_active and user.workspace_id:
            request.api_token = None  # type: ignore[attr-defined]
            return user
        return None
