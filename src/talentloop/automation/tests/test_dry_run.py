"""Dry run: replay real events through a workflow and change nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from talentloop.automation.dry_run import dry_run_workflow
from talentloop.automation.models import Notification, Run, RunStep
from talentloop.automation.tests.conftest import contactable, make_workflow, new_person
from talentloop.core.errors import PermissionDenied
from talentloop.core.models import DueItem, Event
from talentloop.outreach.models import Message
from talentloop.people.actions import do_tag_people
from talentloop.people.models import PersonTag, Task

pytestmark = pytest.mark.django_db


def tag_at(personas, moment, person):
    with time_machine.travel(moment, tick=False):
        do_tag_people(actor=personas.recruiter, workspace=personas.workspace, people=[person],
                      names=["silver"])  # fmt: skip


def counts():
    models = (Run, RunStep, Message, Task, DueItem, Event, PersonTag, Notification)
    return {model.__name__: model.objects.count() for model in models}


def test_a_dry_run_shows_who_would_be_affected_and_what_would_happen(
    personas, now, mailbox, template
):
    # given real events: two people tagged this week, one tagged six weeks ago
    german = contactable(personas.recruiter, personas.workspace, country="DE",
                         owner=personas.recruiter, first_name="Ada")  # fmt: skip
    french = new_person(personas.workspace, country="FR")
    old = new_person(personas.workspace, country="DE")
    tag_at(personas, now - timedelta(days=3), german)
    tag_at(personas, now - timedelta(days=2), french)
    tag_at(personas, now - timedelta(days=42), old)
    # and a workflow, built afterwards and still disabled
    workflow = make_workflow(
        personas.recruiter,
        {"kind": "tag_added", "tags": ["silver"]},
        [
            {"kind": "send_email", "template_id": template.pk, "mailbox_id": mailbox.pk},
            {"kind": "wait", "duration": "14d"},
            {"kind": "if", "condition": "has:phone", "then": [{"kind": "add_tag", "tag": "call"}],
             "else": [{"kind": "create_task", "title": "Find {first_name}'s number",
                       "assignee": {"rule": "owner"}}]},
        ],
        condition="country:DE",
        enabled=False,
    )  # fmt: skip
    before = counts()

    # when it is dry-run over the last 30 days
    report = dry_run_workflow(actor=personas.recruiter, workflow=workflow, days=30)

    # then it names who it would have run for, and what each step would have done
    assert (report.days, report.examined, report.affected, report.truncated) == (30, 2, 1, False)
    ada, fr = report.entries
    assert (ada.person_id, ada.matched, ada.subject_type) == (german.pk, True, "person")
    assert [(note.path, note.text) for note in ada.notes] == [
        ("condition", "matches the condition"),
        ("steps[0]", "would email 'Hello' from Talent team"),
        ("steps[1]", "would wait 2w"),
        ("steps[2]", "the condition would not hold: else"),
        ("steps[2].else[0]", f"would create the task 'Find Ada's number' for "
                             f"{personas.recruiter.display_name}"),
    ]  # fmt: skip
    assert (fr.person_id, fr.matched) == (french.pk, False)
    assert [note.text for note in fr.notes] == ["does not match the condition"]
    # and nothing was written, sent or scheduled
    assert counts() == before


def test_a_dry_run_tells_what_would_fail(personas, now):
    person = new_person(personas.workspace)  # no owner
    tag_at(personas, now - timedelta(hours=1), person)
    workflow = make_workflow(
        personas.recruiter,
        {"kind": "tag_added"},
        [{"kind": "create_task", "title": "x", "assignee": {"rule": "owner"}}],
        enabled=False,
    )

    report = dry_run_workflow(actor=personas.recruiter, workflow=workflow, days=1)

    assert [note.text for note in report.entries[0].notes] == [
        "would fail: no one to assign the task to: the assignee rule found nobody"
    ]


def test_only_workflow_managers_dry_run(personas, now):
    workflow = make_workflow(personas.recruiter, {"kind": "person_created"},
                             [{"kind": "add_tag", "tag": "x"}])  # fmt: skip

    with pytest.raises(PermissionDenied):
        dry_run_workflow(actor=personas.analyst, workflow=workflow, days=7)
