"""Any tree the parser can produce compiles and runs on the database, or is a QueryError."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings

from talentloop.conftest import Personas
from talentloop.people.models import CustomFieldDefinition
from talentloop.search.domain import Node, QueryError, to_text
from talentloop.search.queries import people_matching
from talentloop.search.tests.test_domain_properties import _trees
from talentloop.testing.factories import PersonFactory


@given(tree=_trees)
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_every_parsable_query_runs_or_is_refused_cleanly(personas: Personas, tree: Node) -> None:
    if not CustomFieldDefinition.objects.filter(workspace=personas.workspace).exists():
        PersonFactory(workspace=personas.workspace, custom_fields={"a": 1})
        CustomFieldDefinition.objects.create(
            workspace=personas.workspace, key="a", label="A", field_type="number"
        )
    try:
        people = people_matching(personas.admin, to_text(tree))
        list(people.values_list("pk", flat=True)[:5])
        people.count()
    except QueryError as error:
        assert error.message  # noqa: PT017 - the refusal itself is what is checked
