"""Shapes of the search endpoints: ranked people with snippets, and the quick name look-up."""

from __future__ import annotations

from ninja import Field, Schema

from talentloop.api.common import StorableText
from talentloop.api.pagination import DEFAULT_LIMIT, MAX_LIMIT
from talentloop.people.schemas import PersonSummaryOut

MAX_QUERY = 2_000


class SearchQuery(StorableText):
    q: str = Field("", max_length=MAX_QUERY, description="A query in the search language")
    cursor: str | None = Field(None, max_length=500)
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Items per page")


class SearchHitOut(PersonSummaryOut):
    """A person summary with its relevance (0 without text terms) and a highlighted snippet.

    `snippet` is HTML: hits are wrapped in <mark>, every other character is escaped.
    """

    rank: float
    snippet: str


class SearchPage(Schema):
    items: list[SearchHitOut]
    next_cursor: str | None


class LookupQuery(StorableText):
    q: str = Field(..., min_length=1, max_length=200, description="A name or e-mail, typos allowed")
    limit: int = Field(20, ge=1, le=50)


class LookupHitOut(Schema):
    id: int
    full_name: str
    primary_email: str
    headline: str
    score: float = Field(description="Closeness from 0 to 1")
