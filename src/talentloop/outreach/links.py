"""Signed recipient links: one-click unsubscribe (RFC 8058) and the preference centre."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core import signing

from talentloop.core.errors import NotFound

_SALT = "talentloop.outreach.recipient"


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
