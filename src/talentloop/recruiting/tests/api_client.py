"""The API test client with read/write scopes only, so tests exercise roles rather than scopes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from talentloop.accounts.domain import Scope
from talentloop.accounts.models import User
from talentloop.api.testing import ApiClient as BaseClient


class ApiClient(BaseClient):
    def __init__(self, user: User) -> None:
        super().__init__(user, scopes=(Scope.READ, Scope.WRITE))

    def get(self, path: str, params: dict[str, Any] | None = None, **query: Any) -> Any:
        return super().get(path, {**(params or {}), **query})


def api_client_factory() -> Callable[[User], ApiClient]:
    """api_as(personas.recruiter).get("/jobs"): one token per user, created on first use."""
    clients: dict[int, ApiClient] = {}

    def make(user: User) -> ApiClient:
        if user.pk not in clients:
            clients[user.pk] = ApiClient(user)
        return clients[user.pk]

    return make
