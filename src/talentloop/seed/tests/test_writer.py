"""The bulk writer: PostgreSQL's COPY path writes exactly what the INSERT path (SQLite's) writes."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection, transaction

from talentloop.accounts.models import Workspace
from talentloop.core import clock
from talentloop.people.models import (
    Activity,
    ContactPoint,
    Education,
    Person,
    PersonSkill,
    PersonTag,
    Task,
    WorkExperience,
)
from talentloop.recruiting.models import Candidacy, StageChange
from talentloop.seed import rows
from talentloop.seed.runner import seed_workspace
from talentloop.testing.factories import PersonFactory, WorkspaceFactory

NOW = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)
# Each table with the columns compared: every written column; ids only where the seeder
# chooses them (people, candidacies), and those are renumbered before comparing.
TABLES: list[tuple[type[Any], str, tuple[str, ...]]] = [
    (Person, "workspace", rows.PERSON_FIELDS),
    (ContactPoint, "person__workspace", rows.CONTACT_FIELDS),
    (PersonSkill, "person__workspace", rows.SKILL_FIELDS),
    (WorkExperience, "person__workspace", rows.WORK_FIELDS),
    (Education, "person__workspace", rows.EDUCATION_FIELDS),
    (PersonTag, "person__workspace", rows.TAG_FIELDS),
    (Candidacy, "workspace", rows.CANDIDACY_FIELDS),
    (StageChange, "candidacy__workspace", rows.STAGE_CHANGE_FIELDS),
    (Activity, "workspace", rows.ACTIVITY_FIELDS),
    (Task, "workspace", rows.TASK_FIELDS),
]
Table = list[tuple[Any, ...]]


class _Discard(Exception):
    """Raised to roll a seeding run back after reading what it wrote."""


def _seed(workspace: Workspace, *, use_copy: bool | None) -> None:
    seed_workspace(workspace=workspace, people=60, seed=7, batch_size=25, use_copy=use_copy)


def _written(workspace: Workspace, *, use_copy: bool | None) -> dict[str, Table]:
    """Seed 60 people (three batches), read every row back, then roll the rows back."""
    try:
        with transaction.atomic():
            _seed(workspace, use_copy=use_copy)
            tables = _read(workspace)
            raise _Discard
    except _Discard:
        pass
    return tables


def _read(workspace: Workspace) -> dict[str, Table]:
    tables: dict[str, Table] = {}
    for model, scope, names in TABLES:
        found = model.objects.filter(**{scope: workspace}).order_by("id")
        tables[model.__name__] = list(found.values_list(*names))
    return {
        model.__name__: _renumbered(tables, model.__name__, names)
        for model, _scope, names in TABLES
    }


def _renumbered(tables: dict[str, Table], table: str, names: tuple[str, ...]) -> Table:
    """Person and candidacy ids differ between runs: replace them by their order of creation."""
    people = {row[0]: n for n, row in enumerate(tables["Person"])}
    candidacies = {row[0]: n for n, row in enumerate(tables["Candidacy"])}
    own = people if table == "Person" else candidacies
    result = []
    for row in tables[table]:
        values = dict(zip(names, row, strict=True))
        for name, lookup in (("id", own), ("person", people), ("candidacy", candidacies)):
            if name in values:
                values[name] = lookup[values[name]]
        data = values.get("data")
        if isinstance(data, dict) and data.get("candidacy_id") is not None:
            values["data"] = {**data, "candidacy_id": candidacies[data["candidacy_id"]]}
        result.append(tuple(values.values()))
    return result


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY exists on PostgreSQL only")
def test_copy_writes_the_same_rows_as_the_insert_path(monkeypatch):
    # given a workspace whose users, jobs and pipelines are already set up, and a fixed clock
    monkeypatch.setattr(clock, "now", lambda: NOW)
    workspace = WorkspaceFactory()
    seed_workspace(workspace=workspace, people=0, seed=7)

    # when the same people are seeded once through COPY and once through INSERTs
    copied = _written(workspace, use_copy=None)
    inserted = _written(workspace, use_copy=False)

    # then every table holds the same rows, values and types alike
    assert {name: len(found) for name, found in copied.items()} == {
        name: len(found) for name, found in inserted.items()
    }
    assert len(copied["Person"]) == 60
    assert copied["Candidacy"]
    assert copied["Activity"]
    for name in copied:
        assert copied[name] == inserted[name], name


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY exists on PostgreSQL only")
def test_the_background_writer_writes_the_same_rows_as_the_insert_path(monkeypatch):
    # given a workspace set up for seeding, and a fixed clock
    monkeypatch.setattr(clock, "now", lambda: NOW)
    workspace = WorkspaceFactory()
    seed_workspace(workspace=workspace, people=0, seed=7)

    # when people are seeded outside any transaction (COPY from a writer thread, each batch
    # committed on its own), then removed and seeded again through INSERTs in a transaction
    _seed(workspace, use_copy=None)
    threaded = _read(workspace)
    Person.objects.filter(workspace=workspace).delete()
    with transaction.atomic():
        _seed(workspace, use_copy=False)
    inserted = _read(workspace)

    # then both wrote the same rows
    assert len(threaded["Person"]) == 60
    for name in threaded:
        assert threaded[name] == inserted[name], name


@pytest.mark.django_db
def test_ids_keep_counting_after_a_bulk_seed():
    # given a seeded workspace (COPY on PostgreSQL, INSERTs on SQLite)
    workspace = WorkspaceFactory()
    seed_workspace(workspace=workspace, people=30, seed=2)
    highest = Person.objects.order_by("-id").values_list("id", flat=True).first()

    # when people, contact points and activities are then created the ordinary way
    person = PersonFactory(workspace=workspace)
    contact = ContactPoint.objects.create(
        workspace=workspace, person=person, kind="email", value="after.seed@example.com"
    )
    note = Activity.objects.create(
        workspace=workspace, person=person, kind="note", occurred_at=NOW, body="after the seed"
    )

    # then each got a fresh id past the seeded ones, so no insert collides
    assert highest is not None
    assert person.pk > highest
    assert contact.pk > ContactPoint.objects.exclude(pk=contact.pk).order_by("-id")[0].pk
    assert note.pk > Activity.objects.exclude(pk=note.pk).order_by("-id")[0].pk
