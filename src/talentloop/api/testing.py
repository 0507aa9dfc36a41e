"""A test client that talks to /api/v1/ as a user, through a real bearer token."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from django.test import Client

from talentloop.accounts.actions import do_create_api_token
from talentloop.accounts.domain import Scope
from talentloop.accounts.models import User

PREFIX = "/api/v1"


class ApiClient:
    """Calls the API with `Authorization: Bearer …` for `user` (scopes default to all)."""

    def __init__(self, user: User | None, scopes: Iterable[Scope] = (Scope.ADMIN,)) -> None:
        self.client = Client()
        self.headers: dict[str, str] = {}
        if user is not None:
            _, secret = do_create_api_token(actor=None, user=user, name="test", scopes=[*scopes])
            self.headers["Authorization"] = f"Bearer {secret}"

    def _headers(self, extra: dict[str, str] | None) -> dict[str, str]:
        return {**self.headers, **(extra or {})}

    def get(self, path: str, params: dict[str, Any] | None = None, **kw: Any) -> Any:
        return self.client.get(
            PREFIX + path, params or {}, headers=self._headers(kw.get("headers"))
        )

    def delete(self, path: str, **kw: Any) -> Any:
        return self.client.delete(PREFIX + path, headers=self._headers(kw.get("headers")))

    def post(self, path: str, body: Any = None, *, raw: str | None = None, **kw: Any) -> Any:
        return self._send("post", path, body, raw, kw.get("headers"))

    def patch(self, path: str, body: Any = None, *, raw: str | None = None, **kw: Any) -> Any:
        return self._send("patch", path, body, raw, kw.get("headers"))

    def upload(self, path: str, data: dict[str, Any], **kw: Any) -> Any:
        return self.client.post(PREFIX + path, data, headers=self._headers(kw.get("headers")))

    def _send(
        self, method: str, path: str, body: Any, raw: str | None, headers: dict[str, str] | None
    ) -> Any:
        payload = raw if raw is not None else json.dumps(body if body is not None else {})
        send = getattr(self.client, method)
        return send(
            PREFIX + path, payload, content_type="application/json", headers=self._headers(headers)
        )
