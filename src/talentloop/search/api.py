"""REST search: people matching a query, best first, with snippets; a typo-tolerant look-up.

Reads only; both answer just the people the viewer's role may see.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from talentloop.api.common import current_user
from talentloop.api.pagination import InvalidCursor, paginate
from talentloop.people.models import Person
from talentloop.people.queries import visible_people
from talentloop.people.schemas import PERSON_SORTS
from talentloop.search import fulltext
from talentloop.search.compiler import text_focus
from talentloop.search.domain import parse
from talentloop.search.queries import people_matching_tree, ranking_text
from talentloop.search.schemas import LookupHitOut, LookupQuery, SearchPage, SearchQuery

router = Router(tags=["search"])
UNRANKED_SORT = "-last_engaged_at"
_RANKED = "ranked"


@router.get("/search", response=SearchPage)
def search(request: HttpRequest, params: Query[SearchQuery]) -> dict[str, Any]:
    """People matching `q`; by relevance when it has words to look for, else most engaged first.

    A query the language refuses answers 400 `invalid_query` with `position` and `hint`.
    """
    user = current_user(request)
    tree = parse(params.q)
    people = people_matching_tree(user, tree)
    words = ranking_text(tree)
    if not words:
        items, next_cursor = paginate(
            people.prefetch_related("tags"),
            cursor=params.cursor,
            limit=params.limit,
            sort=UNRANKED_SORT,
            allowed=PERSON_SORTS,
        )
        return {"items": [_hit(person, 0.0, "") for person in items], "next_cursor": next_cursor}
    offset = _decode_offset(params.cursor)
    ranked = fulltext.ranked_people(
        user.tenant_id,
        words,
        people,
        limit=params.limit + 1,
        offset=offset,
        focus=text_focus(tree),
    )
    more = len(ranked) > params.limit
    ranked = ranked[: params.limit]
    ids = [person_id for person_id, _ in ranked]
    found = {
        person.pk: person for person in Person.objects.filter(pk__in=ids).prefetch_related("tags")
    }
    snippets = fulltext.snippets(user.tenant_id, words, ids)
    items = [
        _hit(found[person_id], rank, snippets.get(person_id, ""))
        for person_id, rank in ranked
        if person_id in found
    ]
    next_cursor = _encode_offset(offset + params.limit) if more else None
    return {"items": items, "next_cursor": next_cursor}


@router.get("/search/people/lookup", response=list[LookupHitOut])
def lookup_people(request: HttpRequest, params: Query[LookupQuery]) -> list[dict[str, Any]]:
    """People whose name or e-mail is close to `q` (typos allowed), closest first."""
    user = current_user(request)
    visible = visible_people(user)
    hits = fulltext.fuzzy_people(user.tenant_id, params.q, limit=params.limit, visible=visible)
    people = visible.in_bulk([person_id for person_id, _ in hits])
    return [
        {
            "id": person_id,
            "full_name": people[person_id].full_name,
            "primary_email": people[person_id].primary_email,
            "headline": people[person_id].headline,
            "score": score,
        }
        for person_id, score in hits
        if person_id in people
    ]


def _hit(person: Person, rank: float, snippet: str) -> Person:
    person.rank = rank  # type: ignore[attr-defined]
    person.snippet = snippet  # type: ignore[attr-defined]
    return person


def _encode_offset(offset: int) -> str:
    raw = json.dumps([_RANKED, offset], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_offset(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        kind, offset = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if kind != _RANKED or not isinstance(offset, int) or isinstance(offset, bool):
            raise ValueError("cursor")
        if not 0 <= offset <= 1_000_000:
            raise ValueError("offset")
        return offset
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise InvalidCursor(
            "the cursor is not valid; use next_cursor from the previous page",
            fields={"cursor": "not a valid cursor"},
        ) from None
