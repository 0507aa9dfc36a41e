"""`Idempotency-Key` on POST: a retry replays the first response instead of acting twice."""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase

from talentloop.api.auth import peek_user
from talentloop.api.errors import render_error
from talentloop.core.errors import AppError, Conflict, ValidationFailed
from talentloop.core.models import IdempotencyRecord

HEADER = "Idempotency-Key"
REPLAY_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = 255
Run = Callable[..., HttpResponseBase]


class _Discard(Exception):
    """Rolls back the claimed key when the response is not one worth replaying."""

    def __init__(self, response: HttpResponseBase) -> None:
        super().__init__(response.status_code)
        self.response = response


def idempotent(run: Run) -> Run:
    """Wrap an operation's run (ninja "view" decorator mode) to honour Idempotency-Key on POST."""

    @functools.wraps(run)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        key = request.headers.get(HEADER, "").strip()
        user = peek_user(request) if key and request.method == "POST" else None
        if user is None:
            return run(request, *args, **kwargs)
        if len(key) > MAX_KEY_LENGTH:
            return render_error(_bad_key(f"at most {MAX_KEY_LENGTH} characters"))
        try:
            fingerprint = request_fingerprint(request)
        except Exception:
            # An unreadable body (too large, broken multipart): let the operation report it.
            return run(request, *args, **kwargs)
        return _run_once(run, request, args, kwargs, user=user, key=key, fingerprint=fingerprint)

    return wrapper


def _run_once(
    run: Run,
    request: HttpRequest,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    *,
    user: Any,
    key: str,
    fingerprint: str,
) -> HttpResponseBase:
    # Why one transaction around claim + work + store: the unique (user, key) row is inserted
    # first, so a concurrent duplicate blocks on it (PostgreSQL unique index, SQLite write lock)
    # until this commits, then sees IntegrityError and replays. A crash rolls back both the work
    # and the claim, so a key is never stuck and never half-applied.
    try:
        with transaction.atomic():
            record = IdempotencyRecord.objects.create(
                workspace_id=user.workspace_id,
                user=user,
                key=key,
                request_fingerprint=fingerprint,
                status_code=0,
                response_body=b"",
            )
            response = run(request, *args, **kwargs)
            if not _replayable(response):
                raise _Discard(response)
            record.status_code = response.status_code
            record.response_body = response.content  # type: ignore[attr-defined]
            record.save(update_fields=["status_code", "response_body"])
            return response
    except _Discard as discard:
        return discard.response
    except IntegrityError:
        return _replay(user=user, key=key, fingerprint=fingerprint)


def _replayable(response: HttpResponseBase) -> bool:
    # Only successes are kept: a 4xx wrote nothing, so re-running a retry is harmless and lets
    # a caller fix credentials or input and try again under the same key.
    return 200 <= response.status_code < 300 and isinstance(response, HttpResponse)


def _replay(*, user: Any, key: str, fingerprint: str) -> HttpResponseBase:
    record = IdempotencyRecord.objects.filter(user=user, key=key).first()
    if record is None or record.status_code == 0:
        return render_error(_in_progress())
    if record.request_fingerprint != fingerprint:
        return render_error(
            ValidationFailed(
                "this Idempotency-Key was already used with a different request",
                code="idempotency_key_reused",
                fields={HEADER: "already used with a different request"},
            )
        )
    response = HttpResponse(
        bytes(record.response_body),
        status=record.status_code,
        content_type="application/json; charset=utf-8",
    )
    response[REPLAY_HEADER] = "true"
    return response


def _in_progress() -> AppError:
    return Conflict(
        "a request with this Idempotency-Key is still in progress; retry shortly",
        code="idempotency_in_progress",
        fields={HEADER: "in progress"},
    )


def _bad_key(reason: str) -> AppError:
    return AppError(
        f"the {HEADER} header is not valid", code="invalid_idempotency_key", fields={HEADER: reason}
    )


def request_fingerprint(request: HttpRequest) -> str:
    """A digest of the request, blind to JSON spacing and multipart boundaries."""
    digest = hashlib.sha256()
    digest.update(f"{request.method} {request.get_full_path()}\n".encode())
    if (request.content_type or "").startswith("multipart/"):
        _digest_multipart(request, digest)
    else:
        digest.update(_canonical_body(request.body))
    return digest.hexdigest()


def _canonical_body(body: bytes) -> bytes:
    try:
        return json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")).encode()
    except ValueError:
        return body


def _digest_multipart(request: HttpRequest, digest: Any) -> None:
    for name in sorted(request.POST):
        digest.update(json.dumps([name, request.POST.getlist(name)]).encode())
    for name in sorted(request.FILES):
        for upload in request.FILES.getlist(name):
            digest.update(json.dumps([name, upload.name, upload.size]).encode())
            for chunk in upload.chunks():
                digest.update(chunk)
            upload.seek(0)
