"""Mailbox credentials at rest: Fernet with a key derived from the configured secret."""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings

from talentloop.core.errors import ValidationFailed

_SALT = b"talentloop.outreach.mailbox-credentials"


def _fernet() -> Fernet:
    # Why a derived key: TALENTLOOP_ENCRYPTION_KEY (or SECRET_KEY when unset) may be any string;
    # Fernet needs 32 url-safe base64 bytes. A salted SHA-256 keeps this key distinct from
    # every other use of the same secret (sessions, signed links).
    secret = getattr(settings, "ENCRYPTION_KEY", "") or settings.SECRET_KEY
    digest = hashlib.sha256(_SALT + secret.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def encrypt(plain: str) -> str:
    if not plain:
        return ""
    return _fernet().encrypt(plain.encode()).decode()


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as error:
        raise ValidationFailed(
            "stored mailbox credentials cannot be decrypted: was the encryption key changed?",
            code="credentials_unreadable",
        ) from error
