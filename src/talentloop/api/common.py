"""Helpers every API router uses: the calling user, scope checks, strict input and error schemas."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.http import HttpRequest
from ninja import Schema
from pydantic import ConfigDict, field_validator

from talentloop.accounts.domain import Scope
from talentloop.accounts.models import ApiToken, User
from talentloop.api.auth import check_scope
from talentloop.api.errors import Unauthorized


def current_user(request: HttpRequest) -> User:
    """The authenticated user (token owner or session user); 401 if there is none."""
    user = getattr(request, "auth", None)
    if not isinstance(user, User):
        raise Unauthorized("authentication required")
    return user


def require_scope(request: HttpRequest, scope: Scope) -> None:
    """403 unless the calling token carries `scope` (or `admin`); sessions rely on the role."""
    token = getattr(request, "api_token", None)
    if isinstance(token, ApiToken):
        check_scope(token, scope)


def check_storable(value: Any) -> None:
    """Refuse text no database column can hold (NUL, lone surrogates), at any nesting depth."""
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError("must not contain NUL characters")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError("must be valid Unicode text") from None
    elif isinstance(value, list | tuple | set):
        for item in value:
            check_storable(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            check_storable(key)
            check_storable(item)


class StorableText(Schema):
    """Mixin for inputs (bodies and query filters): only text the database can store."""

    @field_validator("*", mode="after")
    @classmethod
    def _storable(cls, value: Any) -> Any:
        check_storable(value)
        return in_utc(value) if isinstance(value, datetime) else value


def in_utc(value: datetime) -> datetime:
    """An aware moment in UTC. Why: PostgreSQL refuses offsets beyond ±15:59 that Python and
    ISO 8601 parsers accept (`-23:00`), so a moment travels to the database as UTC."""
    if value.tzinfo is None:
        return value
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise ValueError("is outside the range of dates that can be stored") from None


class StrictIn(StorableText):
    """Base for request bodies: an unknown field is a 422 naming it, never silently dropped."""

    model_config = ConfigDict(extra="forbid")


class ErrorDetail(Schema):
    code: str
    message: str
    fields: dict[str, str]


class ErrorOut(Schema):
    """The one error shape: {"error": {"code", "message", "fields"}}."""

    error: ErrorDetail
