"""Reads for search: the people a viewer may see who match a query."""

from __future__ import annotations

from django.db.models import QuerySet

from talentloop.accounts.models import User
from talentloop.accounts.permissions import sees_salary
from talentloop.core import clock
from talentloop.people.models import Person
from talentloop.people.queries import visible_people
from talentloop.search.compiler import compile_node
from talentloop.search.domain import (
    And,
    Clause,
    Node,
    Not,
    Or,
    QueryError,
    Text,
    field_spec,
    parse,
)


def people_matching(user: User, text: str) -> QuerySet[Person]:
    """The viewer's visible people filtered by the query text; a bad query raises QueryError."""
    return people_matching_tree(user, parse(text))


def people_matching_tree(user: User, tree: Node) -> QuerySet[Person]:
    """`people_matching` for a query already parsed."""
    check_allowed(user, tree)
    condition = compile_node(tree, workspace_id=user.tenant_id, now=clock.now(), viewer_id=user.pk)
    return visible_people(user).filter(condition)


def ranking_text(tree: Node) -> str:
    """The words a query looks for (not those it excludes): what results are ranked by."""
    if isinstance(tree, Text):
        return tree.text
    if isinstance(tree, And | Or):
        return " ".join(filter(None, (ranking_text(item) for item in tree.items)))
    return ""


def check_allowed(user: User, tree: Node) -> None:
    """Refuse clauses on data the viewer may not see (salary, for most hiring managers)."""
    if sees_salary(user):
        return
    for clause in clauses(tree):
        if field_spec(clause.field).salary or (clause.field, clause.value) == ("has", "salary"):
            raise QueryError(
                f"'{clause.field}' is not available to your role",
                position=clause.position,
                hint="salary expectations are hidden from your role; remove this clause",
            )


def clauses(tree: Node) -> list[Clause]:
    """Every clause in the tree, in the order typed."""
    if isinstance(tree, Clause):
        return [tree]
    if isinstance(tree, Not):
        return clauses(tree.item)
    if isinstance(tree, And | Or):
        return [found for item in tree.items for found in clauses(item)]
    return []
