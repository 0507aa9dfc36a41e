"""The SQLite bulk build writes the same index rows as the per-person path."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection

from talentloop.accounts.models import Workspace
from talentloop.core import clock
from talentloop.people import actions as people_actions
from talentloop.people.actions import ContactInput, EducationInput, SkillInput, WorkInput
from talentloop.people.domain import ActivityKind
from talentloop.people.models import Activity, Person
from talentloop.search import fulltext, fulltext_sqlite
from talentloop.search import fulltext_terms as terms
from talentloop.testing.factories import WorkspaceFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "sqlite", reason="the FTS5 tables are SQLite's"),
]

NOTE_ROTATION = (
    ActivityKind.NOTE,
    ActivityKind.CALL,
    ActivityKind.STAGE_CHANGE,
    ActivityKind.MEETING,
    ActivityKind.EMAIL,
    ActivityKind.TASK,
)
INDEXED_KINDS = {ActivityKind.NOTE, ActivityKind.CALL, ActivityKind.MEETING, ActivityKind.EMAIL}
TIMELINE_ENTRIES = 2 * fulltext_sqlite.NOTES_PER_PERSON
INDEX_READS = {
    "search_fts": "rowid, workspace_id, names, emails, headline, work, notes, resume, filters",
    "search_trigram": "rowid, workspace_id, names, emails",
    "search_namekeys": "rowid, workspace_id, keys",
}


def rich_person(workspace: Workspace, name: str) -> Person:
    person = people_actions.do_create_person(
        actor=None,
        workspace=workspace,
        fields={
            "first_name": name,
            "last_name": "Okafor",
            "headline": "Data engineer",
            "current_title": "Staff engineer",
            "current_company_name": "Lumen",
            "summary": "Builds pipelines",
        },
        contacts=[
            ContactInput(kind="email", value=f"zed.{name}@lumen.example".lower()),
            ContactInput(kind="email", value=f"{name}@work.example".lower(), is_primary=True),
            ContactInput(kind="email", value=f"a.{name}@home.example".lower()),
            ContactInput(kind="phone", value="+44 20 7946 0000"),
        ],
        skills=[SkillInput(name="Rust"), SkillInput(name="Kafka"), SkillInput(name="Airflow")],
        work_history=[
            WorkInput(company_name="Lumen", title="Staff", description="Streaming"),
            WorkInput(company_name="Orbit", title="Engineer"),
        ],
        education=[
            EducationInput(institution="Imperial", degree="MSc", field_of_study="Computing"),
            EducationInput(institution="Leeds"),
        ],
    )
    log_timeline(person, count=TIMELINE_ENTRIES)
    fulltext.set_extra_text(person.pk, "resume", f"{name} resume text")
    fulltext.set_extra_text(person.pk, "linkedin", f"{name} profile text")
    return person


def log_timeline(person: Person, *, count: int) -> None:
    # Why pairs share a moment: ties must come out in the same order on both paths.
    now = clock.now()
    Activity.objects.bulk_create(
        Activity(
            workspace_id=person.workspace_id,
            person=person,
            kind=NOTE_ROTATION[index % len(NOTE_ROTATION)].value,
            occurred_at=now - timedelta(minutes=index // 2),
            subject=f"subject {index}" if index % 3 else "",
            body=f"entry {index}",
        )
        for index in range(count)
    )


def index_rows(person_ids: list[int]) -> dict[str, list[tuple[Any, ...]]]:
    placeholders = ", ".join(["%s"] * len(person_ids))
    rows: dict[str, list[tuple[Any, ...]]] = {}
    with connection.cursor() as cursor:
        for table, columns in INDEX_READS.items():
            cursor.execute(
                f"SELECT {columns} FROM {table} WHERE rowid IN ({placeholders})"  # noqa: S608
                " ORDER BY rowid",
                person_ids,
            )
            rows[table] = cursor.fetchall()
    return rows


def test_bulk_build_writes_what_the_per_person_path_writes(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: an outsider's id between ours, and slices smaller than the workspace
    other = WorkspaceFactory()
    first = rich_person(workspace, "Ada")
    outsider = rich_person(other, "Olu")
    second = rich_person(workspace, "Grace")
    bare = people_actions.do_create_person(
        actor=None, workspace=workspace, fields={"first_name": "Bare"}
    )
    ours = [first.pk, second.pk, bare.pk]
    fulltext_sqlite.reindex([*ours, outsider.pk])
    per_person = index_rows([*ours, outsider.pk])
    monkeypatch.setattr(fulltext_sqlite, "SLICE_PEOPLE", 2)
    # when
    count = fulltext_sqlite.rebuild(workspace.pk)
    # then
    assert count == 3
    assert index_rows([*ours, outsider.pk]) == per_person


def test_a_document_holds_every_part_in_order(workspace: Workspace) -> None:
    # given
    person = rich_person(workspace, "Ada")
    # when
    fulltext_sqlite.rebuild(workspace.pk)
    # then
    row = index_rows([person.pk])["search_fts"][0]
    _, workspace_id, names, emails, headline, work, notes, resume, filters = row
    assert (workspace_id, names) == (workspace.pk, "Ada Okafor")
    assert emails == "ada@work.example a.ada@home.example zed.ada@lumen.example"
    assert headline == "Data engineer Staff engineer Lumen Rust, Kafka, Airflow"
    assert work == (
        "Builds pipelines Staff Lumen Streaming · Engineer Orbit  Imperial MSc Computing · Leeds"
    )
    assert notes.split(" · ")[:3] == ["entry 0", "subject 1 entry 1", "entry 3"]
    noted = [
        index
        for index in range(TIMELINE_ENTRIES)
        if NOTE_ROTATION[index % len(NOTE_ROTATION)] in INDEXED_KINDS
    ]
    kept = [int(note.rsplit(" ", 1)[1]) for note in notes.split(" · ")]
    assert kept == noted[: fulltext_sqlite.NOTES_PER_PERSON]  # newest first, no stage changes
    assert resume == "Ada profile text · Ada resume text"  # by source: linkedin, resume
    assert filters == fulltext_sqlite.filter_tokens(person.country, person.seniority_rank)


def test_rebuilding_one_workspace_leaves_another_alone(workspace: Workspace) -> None:
    # given
    ours = rich_person(workspace, "Ada")
    theirs = rich_person(WorkspaceFactory(), "Olu")
    fulltext_sqlite.reindex([ours.pk, theirs.pk])
    before = index_rows([theirs.pk])
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM search_fts WHERE rowid = %s", [ours.pk])
    # when
    fulltext_sqlite.rebuild(workspace.pk)
    # then
    assert index_rows([theirs.pk]) == before
    assert [row[0] for row in index_rows([ours.pk])["search_fts"]] == [ours.pk]


def test_the_page_cache_size_comes_back_after_a_build(workspace: Workspace) -> None:
    # given
    rich_person(workspace, "Ada")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size = -4000")
        # when
        fulltext_sqlite.rebuild(None)
        # then
        cursor.execute("PRAGMA cache_size")
        assert cursor.fetchone()[0] == -4000


def test_the_migration_writes_the_filter_words_the_index_does() -> None:
    from importlib import import_module

    migration = import_module("talentloop.search.migrations.0004_sqlite_filter_tokens")
    for country in ("", "GB"):
        for rank in range(terms.SENIORITY_RANKS):
            expected = fulltext_sqlite.filter_tokens(country, rank)
            assert migration._filter_words(country, rank) == expected
