"""Signed webhook calls: the body, its HMAC-SHA256 signature, one POST and what its answer means.

The receiver checks `X-Talentloop-Signature: sha256=<hex>`, the HMAC-SHA256 of
`<X-Talentloop-Timestamp>.<raw body>` keyed with the workflow's secret, and de-duplicates on
`Idempotency-Key` (the same for every attempt of one step of one run).
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import socket
import ssl
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from talentloop.automation import addresses

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


class _PinnedHTTP(http.client.HTTPConnection):
    """Connects to an address checked beforehand, whatever the host name resolves to now."""

    def __init__(self, host: str, port: int, address: str, *, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    """As _PinnedHTTP, with TLS verified against the URL's host name (SNI included)."""

    def __init__(self, host: str, port: int, address: str, *, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self.address = address

    def connect(self) -> None:
        raw = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(raw, server_hostname=self.host)  # type: ignore[attr-defined]


def _connection(url: str, timeout: float) -> tuple[http.client.HTTPConnection, str]:
    """A connection to the URL's host at its checked address, and the request target."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        address = str(addresses.checked_address(host, port))
    except addresses.AddressUnresolved as error:
        raise WebhookFailed(f"could not reach {parts.netloc}: {error}") from None
    kind = _PinnedHTTPS if parts.scheme == "https" else _PinnedHTTP
    target = urlunsplit(("", "", parts.path or "/", parts.query, ""))
    return kind(host, port, address, timeout=timeout), target


def post(url: str, body: bytes, request_headers: dict[str, str], *, timeout: float) -> int:
    """POST the body; the HTTP status (redirects are not followed: a signed POST must not turn
    into a request somewhere else), WebhookFailed when no answer came, AddressRefused when
    the host is an internal address."""
    connection, target = _connection(url, timeout)
    try:
        connection.request("POST", target, body=body, headers=request_headers)
        return int(connection.getresponse().status)
    except (http.client.HTTPException, TimeoutError, OSError) as error:
        raise WebhookFailed(f"could not reach {urlsplit(url).netloc}: {error}") from None
    finally:
        connection.close()
