"""Runs started from a dispatched batch of events, and steps of many runs executed together:
the same decisions, records and loop guard as one at a time."""

from __future__ import annotations

import pytest

from talentloop.automation.models import Run, RunStep
from talentloop.automation.tests.conftest import drive, make_workflow, new_people, new_person
from talentloop.core.events import dispatch_pending
from talentloop.core.models import Event
from talentloop.people.actions import do_tag_people
from talentloop.people.models import Tag, Task

pytestmark = pytest.mark.django_db

SILVER = {"kind": "tag_added", "tags": ["silver"]}


def tag(personas, people, name="silver"):
    do_tag_people(actor=personas.recruiter, workspace=personas.workspace, people=people,
                  names=[name])  # fmt: skip


def test_steps_of_many_runs_run_together_and_each_event_names_its_own_run(personas, now):
    # given a workflow that tags and then makes a task, and three people tagged at once
    workflow = make_workflow(
        personas.recruiter,
        SILVER,
        [{"kind": "add_tag", "tag": "nurture"},
         {"kind": "create_task", "title": "Call {person}", "assignee": {"rule": "owner"}}],
    )  # fmt: skip
    people = new_people(3, personas.workspace, owner=personas.recruiter)
    tag(personas, people)

    # when the worker catches up
    drive()

    # then every run did both steps once, recorded as one at a time would
    runs = {run.person_id: run for run in Run.objects.filter(workflow=workflow)}
    assert sorted(runs) == sorted(person.pk for person in people)
    assert {run.state for run in runs.values()} == {"done"}
    steps = RunStep.objects.filter(run__workflow=workflow).order_by("run_id", "path")
    assert [(s.path, s.decision) for s in steps if s.path == "steps[0]"] == [
        ("steps[0]", "added the tag 'nurture'")
    ] * 3
    assert steps.filter(path="steps[1]", state="done").count() == 3
    assert Task.objects.filter(person__in=people).count() == 3
    # and each tag event carries the request id of the run that caused it
    nurture = Tag.objects.get(workspace=personas.workspace, name="nurture")
    tagged = Event.objects.filter(verb="person.tagged", data__tag_ids=[nurture.pk])
    assert sorted((e.subject_id, e.request_id) for e in tagged) == sorted(
        (person_id, f"automation-run-{run.pk}") for person_id, run in runs.items()
    )


def test_two_runs_for_one_person_in_a_slice_still_see_each_others_changes(personas, now):
    # given two workflows that both add the same tag when a person is tagged
    first = make_workflow(personas.recruiter, SILVER, [{"kind": "add_tag", "tag": "x"}], name="a")
    second = make_workflow(personas.recruiter, SILVER, [{"kind": "add_tag", "tag": "x"}], name="b")
    person = new_person(personas.workspace)

    tag(personas, [person])
    drive()

    # then one of them added it and the other found it there: one tag event, not two
    decisions = sorted(
        RunStep.objects.filter(run__workflow__in=[first, second]).values_list("decision", flat=True)
    )
    assert decisions == ["added the tag 'x'", "already tagged 'x'"]
    x = Tag.objects.get(workspace=personas.workspace, name="x")
    assert Event.objects.filter(verb="person.tagged", data__tag_ids=[x.pk]).count() == 1


def test_a_step_that_fails_in_a_slice_fails_alone(personas, now):
    # given a task step, and three people of whom one has no owner to assign it to
    workflow = make_workflow(
        personas.recruiter,
        SILVER,
        [{"kind": "create_task", "title": "Call {person}", "assignee": {"rule": "owner"}}],
    )
    owned = new_people(2, personas.workspace, owner=personas.recruiter)
    orphan = new_person(personas.workspace)
    tag(personas, [*owned, orphan])

    drive()

    # then the owned people's runs finished and only the orphan's failed, with the reason
    states = dict(Run.objects.filter(workflow=workflow).values_list("person_id", "state"))
    assert states == {owned[0].pk: "done", owned[1].pk: "done", orphan.pk: "failed"}
    assert "no one to assign the task to" in Run.objects.get(person=orphan).error
    assert Task.objects.filter(person__in=owned).count() == 2


def test_the_hourly_limit_counts_runs_started_earlier_in_the_same_batch(personas, now):
    # given a workflow allowed once an hour per person
    workflow = make_workflow(
        personas.recruiter, SILVER, [{"kind": "add_tag", "tag": "x"}], max_runs_per_hour=1
    )
    person = new_person(personas.workspace)

    # when the person is tagged twice before the dispatcher runs
    tag(personas, [person])
    tag(personas, [person])
    dispatch_pending()

    # then the second event's run is skipped by the loop guard
    states = list(
        Run.objects.filter(workflow=workflow).order_by("id").values_list("state", "warning")
    )
    assert [state for state, _ in states] == ["running", "skipped"]
    assert states[1][1].startswith("rate limit: this workflow already ran 1 times")


def test_an_event_about_a_person_deleted_since_starts_nothing(personas, now):
    workflow = make_workflow(personas.recruiter, SILVER, [{"kind": "add_tag", "tag": "x"}])
    kept, gone = new_people(2, personas.workspace)
    tag(personas, [kept, gone])
    gone.delete()

    dispatch_pending()

    assert list(Run.objects.filter(workflow=workflow).values_list("person_id", flat=True)) == [
        kept.pk
    ]
