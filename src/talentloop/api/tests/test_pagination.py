"""Cursor pagination walks every row exactly once, in order, for every sort."""

from __future__ import annotations

import datetime as dt

import pytest

from talentloop.api.testing import ApiClient
from talentloop.people.models import Person
from talentloop.testing.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(personas):
    # Many ties on purpose: the id tie-break must keep pages from overlapping or skipping.
    same_time = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    rows = []
    for index in range(23):
        person = PersonFactory(workspace=personas.workspace, last_name=f"N{index % 4}")
        rows.append(person)
    Person.objects.filter(pk__in=[p.pk for p in rows[:10]]).update(created_at=same_time)
    Person.objects.filter(pk__in=[p.pk for p in rows[::3]]).update(last_engaged_at=same_time)
    return rows


def _walk(api, **params):
    seen, cursor, pages = [], None, 0
    while True:
        query = {**params, "limit": 5, **({"cursor": cursor} if cursor else {})}
        body = api.get("/people", query).json()
        seen += [item["id"] for item in body["items"]]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            return seen, pages


@pytest.mark.parametrize(
    ("sort", "expected_order"),
    [
        ("-created_at", lambda p: (-p.created_at.timestamp(), -p.pk)),
        ("created_at", lambda p: (p.created_at.timestamp(), p.pk)),
        ("last_name", lambda p: (p.last_name, p.pk)),
        ("-last_engaged_at", lambda p: (p.last_engaged_at is None, -p.pk)),
        ("last_engaged_at", lambda p: (p.last_engaged_at is None, p.pk)),
    ],
)
def test_pages_cover_everyone_once_in_order(personas, people, sort, expected_order):
    api = ApiClient(personas.admin)

    seen, pages = _walk(api, sort=sort)

    expected = [p.pk for p in sorted(Person.objects.all(), key=expected_order)]
    assert seen == expected
    assert pages == 5


def test_filters_apply_across_pages(personas, people):
    api = ApiClient(personas.admin)

    seen, _ = _walk(api, q="N1")

    assert sorted(seen) == sorted(p.pk for p in people if p.last_name == "N1")


def test_garbage_cursor_is_400_naming_cursor(personas, people):
    response = ApiClient(personas.admin).get("/people", {"cursor": "not-a-cursor"})

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"cursor": "not a valid cursor"}


def test_cursor_from_another_sort_is_400(personas, people):
    api = ApiClient(personas.admin)
    cursor = api.get("/people", {"limit": 2, "sort": "last_name"}).json()["next_cursor"]

    response = api.get("/people", {"cursor": cursor, "sort": "-created_at"})

    assert response.status_code == 400
    assert "cursor" in response.json()["error"]["fields"]


def test_limit_above_maximum_is_422(personas):
    response = ApiClient(personas.admin).get("/people", {"limit": 1000})

    assert response.status_code == 422
    assert "limit" in response.json()["error"]["fields"]
