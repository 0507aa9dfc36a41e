"""Reads of accounts records, scoped to the acting user's workspace and role."""

from __future__ import annotations

from django.db.models import QuerySet

from talentloop.accounts import domain
from talentloop.accounts.models import ApiToken, User
from talentloop.core.errors import NotFound


def api_tokens(user: User) -> QuerySet[ApiToken]:
    """Admins see every token of the workspace; everyone else only their own."""
    tokens = ApiToken.objects.filter(workspace_id=user.tenant_id)
    if not domain.can_administer(user.role_enum):
        tokens = tokens.filter(user=user)
    return tokens.select_related("user").order_by("revoked_at", "-created_at", "-id")


def access_api_token(user: User, token_id: int) -> ApiToken:
    token = api_tokens(user).filter(pk=token_id).first()
    if token is None:
        raise NotFound("token not found")
    return token
