"""Errors that actions raise and every interface turns into a 4xx with the same shape."""

from __future__ import annotations

from collections.abc import Mapping


class AppError(Exception):
    """A problem the caller caused: bad input, a conflict, a missing record."""

    status = 400
    code = "bad_request"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        fields: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.fields = dict(fields or {})

    def as_dict(self) -> dict[str, object]:
        return {"error": {"code": self.code, "message": self.message, "fields": self.fields}}


class ValidationFailed(AppError):
    status = 422
    code = "validation_failed"


class NotFound(AppError):
    status = 404
    code = "not_found"


class PermissionDenied(AppError):
    status = 403
    code = "forbidden"


class Conflict(AppError):
    status = 409
    code = "conflict"
