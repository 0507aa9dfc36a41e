"""Conditions in the search query language, evaluated on one person with the search compiler.

User text never reaches SQL: it is parsed into a tree and compiled to ORM filters, exactly as
a people search is, then narrowed to the subject's primary key.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache

from django.db.models import Q

from talentloop.people.models import Person
from talentloop.search.compiler import compile_node, people_query
from talentloop.search.domain import Node, parse


@lru_cache(maxsize=1024)
def _tree(text: str) -> Node:
    return parse(text)


def condition_q(text: str, *, workspace_id: int, now: datetime, viewer_id: int | None) -> Q:
    """The condition as a filter on Person in one workspace (`owner:me` is the viewer)."""
    return people_query(
        workspace_id,
        compile_node(_tree(text), workspace_id=workspace_id, now=now, viewer_id=viewer_id),
    )


def condition_holds(
    text: str, *, workspace_id: int, person_id: int, now: datetime, viewer_id: int | None
) -> bool:
    """True when the person matches the condition now; blank text matches everyone."""
    if not text.strip():
        return Person.objects.filter(workspace_id=workspace_id, pk=person_id).exists()
    condition = condition_q(text, workspace_id=workspace_id, now=now, viewer_id=viewer_id)
    return Person.objects.filter(condition, pk=person_id).exists()
