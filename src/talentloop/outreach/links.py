"""Signed links in an email: one-click unsubscribe (RFC 8058), the preference centre, and the
open pixel and click redirects of mailboxes that track them."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core import signing

from talentloop.core.errors import NotFound

_SALT = "talentloop.outreach.recipient"
# Why a salt per kind: a token made for one purpose (an unsubscribe link, a pixel) never
# verifies as another (a redirect).
_OPEN_SALT = "talentloop.outreach.open"
_CLICK_SALT = "talentloop.outreach.click"


@dataclass(frozen=True)
class Recipient:
    workspace_id: int
    address: str
    person_id: int | None


def recipient_token(*, workspace_id: int, address: str, person_id: int | None) -> str:
    payload = {"w": workspace_id, "a": address, "p": person_id}
    return signing.dumps(payload, salt=_SALT)


def read_token(token: str) -> Recipient:
    """The recipient a link was made for; a tampered or foreign token is a 404."""
    try:
        payload = signing.loads(token, salt=_SALT)
    except signing.BadSignature as error:
        raise NotFound("this link is not valid") from error
    if not isinstance(payload, dict) or not isinstance(payload.get("a"), str):
        raise NotFound("this link is not valid")
    person = payload.get("p")
    return Recipient(
        workspace_id=int(payload["w"]),
        address=payload["a"],
        person_id=int(person) if person is not None else None,
    )


def unsubscribe_url(token: str) -> str:
    return f"{settings.PUBLIC_BASE_URL}/u/{token}/"


def preferences_url(token: str) -> str:
    return f"{settings.PUBLIC_BASE_URL}/preferences/{token}/"


def recipient_links(*, workspace_id: int, address: str, person_id: int | None) -> dict[str, str]:
    token = recipient_token(workspace_id=workspace_id, address=address, person_id=person_id)
    return {"unsubscribe": unsubscribe_url(token), "preferences": preferences_url(token)}


@dataclass(frozen=True)
class Tracked:
    """What an open or click token names: a message, and for a click the link's address."""

    workspace_id: int
    message_id: int
    url: str = ""


def open_token(*, workspace_id: int, message_id: int) -> str:
    return signing.dumps({"w": workspace_id, "m": message_id}, salt=_OPEN_SALT)


def click_token(*, workspace_id: int, message_id: int, url: str) -> str:
    # Why compress: the address travels inside the token, and long links shrink well.
    payload = {"w": workspace_id, "m": message_id, "u": url}
    return signing.dumps(payload, salt=_CLICK_SALT, compress=True)


def read_open_token(token: str) -> Tracked:
    """The message a pixel was made for; a tampered or foreign token is a 404."""
    return _tracked(_verified(token, _OPEN_SALT))


def read_click_token(token: str) -> Tracked:
    """The message and signed address of a tracked link; only http(s) addresses verify."""
    payload = _verified(token, _CLICK_SALT)
    url = payload.get("u")
    if not isinstance(url, str) or not url.lower().startswith(("http://", "https://")):
        raise NotFound("this link is not valid")
    return _tracked(payload, url)


def _verified(token: str, salt: str) -> dict[str, object]:
    try:
        payload = signing.loads(token, salt=salt)
    except signing.BadSignature as error:
        raise NotFound("this link is not valid") from error
    if not isinstance(payload, dict):
        raise NotFound("this link is not valid")
    return payload


def _tracked(payload: dict[str, object], url: str = "") -> Tracked:
    workspace_id, message_id = payload.get("w"), payload.get("m")
    if not isinstance(workspace_id, int) or not isinstance(message_id, int):
        raise NotFound("this link is not valid")
    return Tracked(workspace_id=workspace_id, message_id=message_id, url=url)


def open_pixel_url(token: str) -> str:
    return f"{settings.PUBLIC_BASE_URL}/t/o/{token}.gif"


def click_url(token: str) -> str:
    return f"{settings.PUBLIC_BASE_URL}/t/c/{token}/"


def untracked_prefixes() -> tuple[str, ...]:
    """Links that are never rewritten: unsubscribe, preferences and tracking links themselves."""
    base = settings.PUBLIC_BASE_URL
    return (f"{base}/u/", f"{base}/preferences/", f"{base}/t/")
