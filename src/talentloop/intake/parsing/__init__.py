"""The resume parser: PDF, DOCX, HTML or plain text in, a `ParsedResume` out.

A pure library (no database): `parse_document(data, filename=...)` sniffs the format,
extracts text in reading order, splits it into sections and reads each field with a
confidence. Anything wrong with the input raises `ResumeParseError` with a clear message.
"""

from __future__ import annotations

import datetime as dt

from talentloop.intake.parsing.result import (
    EducationEntry,
    Link,
    ParsedResume,
    PersonName,
    ResumeParseError,
    SkillMatch,
    WorkEntry,
)

__all__ = [
    "EducationEntry",
    "Link",
    "ParsedResume",
    "PersonName",
    "ResumeParseError",
    "SkillMatch",
    "WorkEntry",
    "parse_document",
    "parse_text",
]


def parse_document(
    data: bytes, *, filename: str, default_region: str = "US", today: dt.date | None = None
) -> ParsedResume:
    """Parse one resume file; raise ResumeParseError for input that cannot be read.

    `today` ends current jobs when totalling years of experience (default: the date now).
    """
    from talentloop.intake.parsing.extract import extract_text

    if not isinstance(data, bytes | bytearray):
        raise ResumeParseError("the resume must be given as bytes")
    extracted = extract_text(bytes(data), filename=filename)
    return parse_text(
        extracted.text, default_region=default_region, link_uris=extracted.link_uris, today=today
    )


def parse_text(
    text: str,
    *,
    default_region: str = "US",
    link_uris: list[str] | None = None,
    today: dt.date | None = None,
) -> ParsedResume:
    """Read the fields of a resume from its extracted text."""
    from talentloop.intake.parsing.assemble import assemble

    try:
        return assemble(text, default_region=default_region, link_uris=link_uris, today=today)
    except ResumeParseError:
        raise
    except RecursionError:
        raise ResumeParseError("the resume text is too deeply nested to read") from None
