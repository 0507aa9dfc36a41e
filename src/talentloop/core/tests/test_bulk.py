"""After a bulk load the statistics are fresh, and on PostgreSQL the pages are all-visible."""

from __future__ import annotations

import pytest
from django.db import connection

from talentloop.accounts.models import Workspace
from talentloop.core.bulk import refresh_statistics
from talentloop.testing.factories import PersonFactory


def _all_visible_pages(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT relallvisible FROM pg_class WHERE relname = %s", [table])
        return int(cursor.fetchone()[0])


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_postgres_vacuums_the_loaded_tables(workspace: Workspace) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("all-visible pages are a PostgreSQL matter")
    PersonFactory.create_batch(3, workspace=workspace)

    refresh_statistics(["people_person"])

    assert _all_visible_pages("people_person") >= 1


@pytest.mark.django_db
def test_inside_a_transaction_it_only_analyzes(workspace: Workspace) -> None:
    # given: a test's transaction, where VACUUM would fail
    PersonFactory.create_batch(3, workspace=workspace)

    # when / then: no error, and the transaction stays usable
    refresh_statistics(["people_person"])
    assert PersonFactory._meta.model.objects.filter(workspace=workspace).count() == 3
