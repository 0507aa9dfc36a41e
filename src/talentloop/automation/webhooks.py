"""Signed webhook calls: the body, its HMAC-SHA256 signature, one POST and what its answer means.

The receiver checks `X-Talentloop-Signature: sha256=<hex>`, the HMAC-SHA256 of
`<X-Talentloop-Timestamp>.<raw body>` keyed with the workflow's secret, and de-duplicates on
`Idempotency-Key` (the same for every attempt of one step of one run).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlsplit

SIGNATURE_HEADER = "X-Talentloop-Signature"
TIMESTAMP_HEADER = "X-Talentloop-Timestamp"
USER_AGENT = "Talentloop-Automation/1"


class WebhookFailed(Exception):
    """The receiver could not be reached or answered with a temporary error; try again later."""


def encode(payload: dict[str, Any]) -> bytes:
    """The body: compact JSON with sorted keys (the bytes the signature covers)."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """`sha256=<hex>`: HMAC-SHA256 of `<timestamp>.<body>` keyed with the secret."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"sha256={mac.hexdigest()}"


def verify(secret: str, timestamp: int, body: bytes, signature: str) -> bool:
    """What a receiver does: compare the signature in constant time."""
    return hmac.compare_digest(sign(secret, timestamp, body), signature)


def headers(*, secret: str, timestamp: int, body: bytes, idempotency_key: str) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: sign(secret, timestamp, body),
        "Idempotency-Key": idempotency_key,
    }


def is_permanent(status: int) -> bool:
    """A refusal that retrying cannot change: 3xx (redirects are not followed) and most 4xx."""
    if 300 <= status < 400:
        return True
    return 400 <= status < 500 and status not in (408, 425, 429)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # why: a signed POST must not turn into a GET somewhere else


_opener = urllib.request.build_opener(_NoRedirects)


def post(url: str, body: bytes, request_headers: dict[str, str], *, timeout: float) -> int:
    """POST the body; the HTTP status, or WebhookFailed when no answer came."""
    request = urllib.request.Request(url, data=body, headers=request_headers, method="POST")  # noqa: S310 - scheme checked when the workflow is saved
    try:
        with _opener.open(request, timeout=timeout) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise WebhookFailed(f"could not reach {urlsplit(url).netloc}: {reason}") from None
