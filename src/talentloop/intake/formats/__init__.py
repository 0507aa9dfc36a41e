"""Readers of contact and candidate file formats, each turning a file into `PersonDraft`s.

Readers are pure: bytes in, drafts out, no database. A problem with one record goes on its
draft's `problems`; a file that is not the format at all raises `FormatError`.
"""

from __future__ import annotations

import json
from typing import Any

from talentloop.intake.formats import greenhouse, jsonresume, lever, vcard
from talentloop.intake.formats.base import FormatError, Reader

__all__ = ["READERS", "FormatError", "Reader", "sniff"]

READERS: dict[str, Reader] = {
    "vcard": vcard.read,
    "jsonresume": jsonresume.read,
    "greenhouse": greenhouse.read,
    "lever": lever.read,
}
_SNIFF_BYTES = 2 * 1024 * 1024


def sniff(data: bytes, filename: str) -> str | None:
    """Guess which reader fits a file from its name and first bytes; None when none does."""
    name = filename.lower()
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if name.endswith((".vcf", ".vcard")) or head[:11].upper() == b"BEGIN:VCARD":
        return "vcard"
    if not head.startswith((b"{", b"[")):
        return None
    if len(data) > _SNIFF_BYTES:
        return _keyword_kind(head)
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        return None
    return _json_kind(document)


def _json_kind(document: Any) -> str | None:
    if isinstance(document, dict):
        for key in ("candidates", "data"):
            if isinstance(document.get(key), list):
                return _json_kind(document[key])
        first = document
    elif isinstance(document, list) and document and isinstance(document[0], dict):
        first = document[0]
    else:
        return None
    keys = set(first)
    if {"email_addresses", "first_name", "last_name"} & keys:
        return "greenhouse"
    if "name" in keys and {"emails", "contact", "stage", "origin"} & keys:
        return "lever"
    if {"basics", "work", "education", "skills"} & keys:
        return "jsonresume"
    return None


def _keyword_kind(head: bytes) -> str | None:
    """For files too big to parse just to sniff: the field names in their first bytes."""
    if b'"email_addresses"' in head or b'"first_name"' in head:
        return "greenhouse"
    if b'"emails"' in head and (b'"contact"' in head or b'"origin"' in head):
        return "lever"
    if b'"basics"' in head:
        return "jsonresume"
    return None
