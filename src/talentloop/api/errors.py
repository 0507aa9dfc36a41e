"""Every API error leaves as {"error": {"code", "message", "fields"}}; a 5xx is logged as a bug."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse
from ninja.errors import HttpError, ValidationError

from talentloop.core.errors import AppError, NotFound, ValidationFailed

if TYPE_CHECKING:
    from ninja import NinjaAPI

logger = logging.getLogger("talentloop.api")

# The parameter sources ninja puts first in a validation error's location.
_SOURCES = frozenset({"body", "query", "path", "header", "cookie", "form", "file"})
_FRIENDLY = {
    "missing": "required",
    "extra_forbidden": "unknown field",
    "json_invalid": "not valid JSON",
}
_STATUS_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    415: "unsupported_media_type",
    429: "too_many_requests",
}


class Unauthorized(AppError):
    status = 401
    code = "unauthorized"


class PayloadTooLarge(AppError):
    status = 413
    code = "payload_too_large"


class UnsupportedMediaType(AppError):
    status = 415
    code = "unsupported_media_type"


def render_error(error: AppError) -> HttpResponse:
    """The JSON error response for an AppError; works with or without a NinjaAPI at hand."""
    import json

    response = HttpResponse(
        json.dumps(error.as_dict(), cls=DjangoJSONEncoder),
        status=error.status,
        content_type="application/json; charset=utf-8",
    )
    if error.status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="talentloop"'
    return response


def field_errors(errors: Sequence[dict[str, Any]]) -> dict[str, str]:
    """Pydantic/ninja error entries as {"contact_points.0.value": "message"}."""
    fields: dict[str, str] = {}
    for entry in errors:
        fields.setdefault(_dotted(tuple(entry.get("loc", ()))), _message(entry))
    return fields


def _dotted(location: tuple[Any, ...]) -> str:
    parts = list(location)
    source = parts.pop(0) if parts and parts[0] in _SOURCES else ""
    # Why: a JSON body arrives as one named view parameter ("payload"); callers never see it.
    if source == "body" and len(parts) > 1:
        parts.pop(0)
    return ".".join(str(part) for part in parts) or source or "body"


def _message(entry: dict[str, Any]) -> str:
    kind = str(entry.get("type", ""))
    if kind in _FRIENDLY:
        return _FRIENDLY[kind]
    message = str(entry.get("msg", "not valid"))
    return message.removeprefix("Value error, ")


# Handlers take `exc: Any`: ninja types a handler's argument as "the class or an instance".


def _on_app_error(request: HttpRequest, exc: Any) -> HttpResponse:
    assert isinstance(exc, AppError)
    return render_error(exc)


def _on_validation_error(request: HttpRequest, exc: Any) -> HttpResponse:
    assert isinstance(exc, ValidationError)
    fields = field_errors(exc.errors)
    names = ", ".join(sorted(fields)[:5])
    return render_error(ValidationFailed(f"some fields are not valid: {names}", fields=fields))


def status_error(status: int, message: str, *, code: str | None = None) -> AppError:
    """An AppError with an arbitrary status, for errors that have no class of their own."""
    error = AppError(message, code=code or _STATUS_CODES.get(status, "error"))
    error.status = status
    return error


def _on_http_error(request: HttpRequest, exc: Any) -> HttpResponse:
    assert isinstance(exc, HttpError)
    if exc.status_code == 400 and isinstance(exc.__cause__, ValueError):
        return render_error(
            AppError(
                "the request body is not valid JSON",
                code="malformed_json",
                fields={"body": "not valid JSON"},
            )
        )
    if exc.status_code == 401:
        return render_error(Unauthorized("send a valid API token as 'Authorization: Bearer …'"))
    return render_error(status_error(exc.status_code, str(exc) or "request refused"))


def _on_not_found(request: HttpRequest, exc: Any) -> HttpResponse:
    return render_error(NotFound("not found"))


def _on_too_big(request: HttpRequest, exc: Any) -> HttpResponse:
    return render_error(PayloadTooLarge("the request body is too large"))


def _on_too_many(request: HttpRequest, exc: Any) -> HttpResponse:
    return render_error(AppError("the request has too many fields or files"))


def _on_unhandled(request: HttpRequest, exc: Any) -> HttpResponse:
    # A 5xx is always a bug: log it with the traceback (method and path only, no body/PII).
    logger.error("unhandled error in %s %s", request.method, request.path, exc_info=exc)
    message = "something went wrong on our side; it has been logged"
    return render_error(status_error(500, message, code="server_error"))


def install(api: NinjaAPI) -> None:
    """Replace ninja's default handlers so every error speaks the same JSON shape."""
    api.add_exception_handler(AppError, _on_app_error)
    api.add_exception_handler(ValidationError, _on_validation_error)
    api.add_exception_handler(HttpError, _on_http_error)
    api.add_exception_handler(Http404, _on_not_found)
    api.add_exception_handler(RequestDataTooBig, _on_too_big)
    api.add_exception_handler(TooManyFieldsSent, _on_too_many)
    api.add_exception_handler(TooManyFilesSent, _on_too_many)
    api.add_exception_handler(Exception, _on_unhandled)
