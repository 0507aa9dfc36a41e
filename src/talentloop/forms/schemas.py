"""REST shapes for forms and their submissions."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from ninja import Field, Schema

from talentloop.api.common import StrictIn
from talentloop.api.pagination import DEFAULT_LIMIT, MAX_LIMIT

Mode = Literal["optional", "required"]


class FormIn(StrictIn):
    """A new form; `fields` switches on the optional inputs (the email is always asked)."""

    name: str = Field(max_length=200)
    slug: str = Field(max_length=64)
    intro: str = Field("", max_length=5000)
    fields: dict[str, Mode] = Field(default_factory=dict)
    consent_enabled: bool = False
    consent_text: str = Field("", max_length=5000)
    consent_topic: str = Field("outreach", max_length=32)
    tags: list[str] = Field(default_factory=list, max_length=20)
    source_id: int | None = None
    active: bool = True


class FormPatch(StrictIn):
    """Only the given settings change."""

    name: str | None = Field(None, max_length=200)
    slug: str | None = Field(None, max_length=64)
    intro: str | None = Field(None, max_length=5000)
    fields: dict[str, Mode] | None = None
    consent_enabled: bool | None = None
    consent_text: str | None = Field(None, max_length=5000)
    consent_topic: str | None = Field(None, max_length=32)
    tags: list[str] | None = Field(None, max_length=20)
    source_id: int | None = None
    active: bool | None = None


class FormOut(Schema):
    id: int
    name: str
    slug: str
    url: str
    intro: str
    fields: dict[str, str]
    consent_enabled: bool
    consent_text: str
    consent_topic: str
    tags: list[str]
    source_id: int | None
    active: bool
    created_at: datetime


class SubmissionOut(Schema):
    id: int
    form_id: int
    person_id: int
    submitted_at: datetime
    answers: dict[str, str]
    consent_given: bool


class PageQuery(Schema):
    cursor: str | None = None
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
