"""Two workers refreshing the same people at once both succeed (PostgreSQL)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from talentloop.search import fulltext
from talentloop.testing.factories import PersonFactory, WorkspaceFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="SQLite lets one writer in at a time"
    ),
]
ROUNDS = 15


def test_overlapping_refreshes_of_the_same_people_never_fail() -> None:
    # given forty people, and two workers told to refresh them again and again
    workspace = WorkspaceFactory()
    ids = [PersonFactory(workspace=workspace).pk for _ in range(40)]
    start = threading.Barrier(2, timeout=10)
    errors: list[BaseException] = []

    def refresh(order: list[int]) -> None:
        try:
            start.wait()
            for _ in range(ROUNDS):
                fulltext.reindex_people(order)
        except BaseException as error:  # reported by the test thread
            errors.append(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=refresh, args=(ids,)),
        threading.Thread(target=refresh, args=(ids[::-1],)),
    ]
    # when both run at once
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # then neither failed, and each person has one document
    assert errors == []
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM search_document WHERE person_id = ANY(%s)", [ids])
        assert cursor.fetchone() == (len(ids),)
