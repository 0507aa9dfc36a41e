"""The people list's query: read from the URL, parsed, run, ranked. Used by the list and export."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import QueryDict

from talentloop.accounts.models import User
from talentloop.people import queries as people_queries
from talentloop.people.domain import Seniority
from talentloop.people.models import Person
from talentloop.search import domain as query
from talentloop.search import fulltext
from talentloop.search.compiler import text_focus
from talentloop.search.fulltext_terms import TextFocus
from talentloop.search.queries import people_matching, people_matching_tree, ranking_text
from talentloop.ui import queries
from talentloop.ui.pagination import Page
from talentloop.ui.query_builder import quote

MAX_QUERY = 2000
MAX_PAGE = 200  # relevance pages go by offset; past this, refine the query
# The people list's old filter parameters, kept working by turning them into clauses.
LEGACY_ENGAGED = {
    "7": "last_engaged<7d",
    "30": "last_engaged<30d",
    "90": "last_engaged<90d",
    "stale": "last_engaged>90d",
}


LEGACY_OWNER = {"me": "owner:me", "none": "NOT has:owner"}


@dataclass
class PeopleQuery:
    """What the query box says, and what came of parsing it."""

    text: str
    node: query.Node | None = None
    error: query.QueryError | None = None

    @property
    def is_valid(self) -> bool:
        return self.error is None

    @property
    def is_empty(self) -> bool:
        return not self.text.strip()

    @property
    def terms(self) -> str:
        """The free-text words of the query (outside any NOT), for ranking and snippets."""
        return ranking_text(self.node) if self.node is not None else ""

    @property
    def focus(self) -> TextFocus:
        """The words every match holds and the filters beside them (they speed up ranking)."""
        return text_focus(self.node) if self.node is not None else TextFocus()


def read_query(user: User, params: QueryDict) -> PeopleQuery:
    """The query from `?q=`, plus any old-style filter parameters folded in as clauses."""
    text = params.get("q", "")[:MAX_QUERY]
    extra = legacy_clauses(user, params)
    if extra:
        text = and_all([text, *extra])
    return parse_query(text)


def parse_query(text: str) -> PeopleQuery:
    try:
        return PeopleQuery(text, query.parse(text))
    except query.QueryError as error:
        return PeopleQuery(text, error=error)


def and_all(parts: list[str]) -> str:
    """Join query texts with AND, bracketing any part that is an OR on its own."""
    kept = [part.strip() for part in parts if part.strip()]
    if len(kept) <= 1:
        return kept[0] if kept else ""
    bracketed = [f"({part})" if _is_or(part) else part for part in kept]
    return " AND ".join(bracketed)


def _is_or(text: str) -> bool:
    try:
        return isinstance(query.parse(text), query.Or)
    except query.QueryError:
        return True  # keep a broken part from swallowing its neighbours


def canonical(text: str) -> str:
    """The printer's spelling of a query (text unchanged if it does not parse)."""
    try:
        return query.to_text(query.parse(text))
    except query.QueryError:
        return text


def legacy_clauses(user: User, params: QueryDict) -> list[str]:
    """Clauses for the list's old parameters (skills=, tag=, …), so old links keep working."""
    clauses = [
        f"skills:{quote(s.strip())}" for s in params.get("skills", "").split(",") if s.strip()
    ]
    location = params.get("location", "").strip()
    if location:
        clauses.append(f"city:{quote(location)}")
    seniorities = {level.value for level in Seniority}
    picked = [value for value in params.getlist("seniority") if value in seniorities]
    clauses += [_any_of("seniority", picked)] if picked else []
    tag_ids = _ints(params.getlist("tag"))
    if tag_ids:
        tags = people_queries.tags(user).filter(pk__in=tag_ids).values_list("name", flat=True)
        clauses += [f"tag:{quote(name)}" for name in tags]
    source_ids = _ints(params.getlist("source"))
    if source_ids:
        sources = people_queries.sources(user).filter(pk__in=source_ids)
        clauses += [_any_of("source", list(sources.values_list("name", flat=True)))]
    stage_ids = _ints(params.getlist("stage"))
    if stage_ids:
        keys = queries.job_stages(user).filter(pk__in=stage_ids).values_list("key", flat=True)
        clauses += [_any_of("stage", sorted(set(keys)))]
    owner = params.get("owner", "")
    if owner in LEGACY_OWNER:
        clauses.append(LEGACY_OWNER[owner])
    engaged = params.get("engaged", "")
    if engaged in LEGACY_ENGAGED:
        clauses.append(LEGACY_ENGAGED[engaged])
    return [clause for clause in clauses if clause]


def _any_of(field: str, values: list[str]) -> str:
    parts = [f"{field}:{quote(value)}" for value in values]
    return parts[0] if len(parts) == 1 else "(" + " OR ".join(parts) + ")" if parts else ""


def _ints(raw: list[str]) -> list[int]:
    return sorted({int(value) for value in raw if value.isdigit()})[:20]


def matching(user: User, people_query: PeopleQuery) -> QuerySet[Person]:
    """The viewer's people matching a valid query."""
    if people_query.node is None:
        return people_matching(user, people_query.text)  # raises its QueryError
    return people_matching_tree(user, people_query.node)


# --- relevance ------------------------------------------------------------------------------


def relevance_page(
    user: User,
    people: QuerySet[Person],
    terms: str,
    params: QueryDict,
    *,
    size: int,
    focus: TextFocus | None = None,
) -> Page[Person]:
    """A page of the matches, best first for the query's words (`?page=` numbers the pages)."""
    number = _page_number(params)
    ranked = fulltext.ranked_people(
        user.tenant_id,
        terms,
        people,
        limit=size + 1,
        offset=(number - 1) * size,
        focus=focus,
    )
    chosen = [pk for pk, _ in ranked[:size]]
    rows = {p.pk: p for p in queries.people_page_rows(people.filter(pk__in=chosen))}
    items = [rows[pk] for pk in chosen if pk in rows]
    attach_snippets(items, fulltext.snippets(user.tenant_id, terms, chosen))
    return Page(
        items=items,
        has_next=len(ranked) > size,
        has_previous=number > 1,
        next_query=_with_page(params, number + 1),
        previous_query=_with_page(params, number - 1),
    )


def snippets_for(user: User, page: Page[Person], terms: str) -> None:
    """Highlighted snippets for the rows of an already chosen page."""
    if terms and page.items:
        ids = [person.pk for person in page.items]
        attach_snippets(page.items, fulltext.snippets(user.tenant_id, terms, ids))


def attach_snippets(people: list[Person], snippets: dict[int, str]) -> None:
    for person in people:
        snippet: Any = snippets.get(person.pk, "")
        person.snippet = snippet  # type: ignore[attr-defined]


def _page_number(params: QueryDict) -> int:
    raw = params.get("page", "1")
    return max(1, min(int(raw), MAX_PAGE)) if raw.isdigit() else 1


def _with_page(params: QueryDict, number: int) -> str:
    copy = params.copy()
    for key in ("page", "after", "before", "sync"):
        copy.pop(key, None)
    if number > 1:
        copy["page"] = str(number)
    return copy.urlencode()
