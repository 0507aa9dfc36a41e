"""Each action, end to end through a run, and its simulate mode writing nothing."""

from __future__ import annotations

import pytest

from talentloop.automation import executors
from talentloop.automation.context import StepContext
from talentloop.automation.models import Notification, Run
from talentloop.automation.parsing import parse_definition
from talentloop.automation.queries import definition_of
from talentloop.automation.tests.conftest import (
    contactable,
    drive,
    make_workflow,
    new_people,
    new_person,
)
from talentloop.core.events import dispatch_pending
from talentloop.core.models import DueItem, Event
from talentloop.outreach.enrollment_actions import enrol
from talentloop.outreach.models import Message
from talentloop.outreach.sequence_actions import save_sequence
from talentloop.outreach.sequence_models import Enrollment
from talentloop.people.actions import do_tag_people
from talentloop.people.models import Person, PersonTag, Task
from talentloop.recruiting.actions import do_add_candidacy
from talentloop.recruiting.models import Candidacy
from talentloop.testing.factories import JobFactory, TalentPoolFactory

pytestmark = pytest.mark.django_db
TRIGGER = {"kind": "tag_added", "tags": ["go"]}


def run_steps(personas, person, steps, trigger=TRIGGER) -> Run:
    workflow = make_workflow(personas.recruiter, trigger, steps)
    do_tag_people(actor=personas.recruiter, workspace=personas.workspace, people=[person],
                  names=["go"])  # fmt: skip
    drive()
    return Run.objects.get(workflow=workflow)


def decisions(run: Run) -> list[str]:
    return list(run.steps.values_list("decision", flat=True))


def test_tags_are_added_once_and_removed(personas, now):
    person = new_person(personas.workspace)
    run = run_steps(personas, person, [
        {"kind": "add_tag", "tag": "Nurture"},
        {"kind": "add_tag", "tag": "nurture"},
        {"kind": "remove_tag", "tag": "GO"},
        {"kind": "remove_tag", "tag": "never had it"},
    ])  # fmt: skip

    assert decisions(run) == [
        "added the tag 'Nurture'",
        "already tagged 'nurture'",
        "removed the tag 'go'",
        "not tagged 'never had it'",
    ]
    assert [tag.name for tag in person.tags.all()] == ["Nurture"]


def test_update_field_sets_a_whitelisted_field(personas, now):
    person = new_person(personas.workspace, lifecycle="lead")
    run = run_steps(personas, person, [
        {"kind": "update_field", "field": "lifecycle", "value": "prospect"},
        {"kind": "update_field", "field": "do_not_contact", "value": False},
    ])  # fmt: skip

    person.refresh_from_db()
    assert person.lifecycle == "prospect"
    assert decisions(run) == ["set lifecycle to 'prospect'", "do_not_contact is already False"]
    assert Event.objects.filter(verb="person.updated", changed_fields=["lifecycle"]).exists()


def test_add_to_pool_then_move_stage_in_that_pool(personas, now):
    pool = TalentPoolFactory(workspace=personas.workspace)
    first, second = list(pool.pipeline.stages.order_by("position"))[:2]
    person = new_person(personas.workspace)

    run = run_steps(personas, person, [
        {"kind": "add_to_pool", "pool_id": pool.pk, "stage_id": first.pk},
        {"kind": "add_to_pool", "pool_id": pool.pk},
        {"kind": "move_stage", "pool_id": pool.pk, "stage_id": second.pk},
    ])  # fmt: skip

    candidacy = Candidacy.objects.get(person=person, pool=pool)
    assert candidacy.stage == second
    assert decisions(run) == [
        f"added to the pool '{pool.name}' at the stage '{first.name}'",
        f"already in the pool '{pool.name}'",
        f"moved candidacy {candidacy.pk} to the stage '{second.name}'",
    ]


def test_move_stage_of_a_job_the_person_is_not_in_does_nothing(personas, now):
    job = JobFactory(workspace=personas.workspace)
    stage = job.pipeline.stages.order_by("position")[1]
    person = new_person(personas.workspace)

    run = run_steps(
        personas, person, [{"kind": "move_stage", "job_id": job.pk, "stage_id": stage.pk}]
    )

    assert (run.state, decisions(run)) == ("done", ["not in that job or pool: nothing to move"])


def test_tasks_go_round_robin_among_the_listed_users(personas, now):
    team = [personas.recruiter.pk, personas.coordinator.pk]
    workflow = make_workflow(personas.recruiter, TRIGGER, [
        {"kind": "create_task", "title": "Screen {first_name}", "due_in_days": 2,
         "task_kind": "call", "assignee": {"rule": "round_robin", "user_ids": team}},
    ])  # fmt: skip
    people = new_people(3, personas.workspace)

    do_tag_people(actor=personas.admin, workspace=personas.workspace, people=people, names=["go"])
    drive()

    tasks = list(Task.objects.filter(person__in=people).order_by("person_id"))
    assert [task.assignee_id for task in tasks] == [team[0], team[1], team[0]]
    assert tasks[0].title == f"Screen {people[0].first_name}"
    assert (tasks[0].kind, tasks[0].due_at - now).__repr__() == repr(("call", _days(2)))
    assert Run.objects.filter(workflow=workflow, state="done").count() == 3


def _days(n):
    from datetime import timedelta

    return timedelta(days=n)


def test_a_user_who_left_falls_back(personas, now):
    make_workflow(personas.recruiter, TRIGGER, [
        {"kind": "create_task", "title": "x",
         "assignee": {"rule": "user", "user_id": personas.coordinator.pk,
                      "fallback_user_id": personas.admin.pk}},
    ])  # fmt: skip
    personas.coordinator.is_active = False
    personas.coordinator.save()
    person = new_person(personas.workspace)

    do_tag_people(actor=personas.recruiter, workspace=personas.workspace, people=[person],
                  names=["go"])  # fmt: skip
    drive()

    assert Task.objects.get(person=person).assignee == personas.admin


def test_notify_user_writes_an_in_app_notification_and_an_email(personas, now, mailbox):
    person = new_person(personas.workspace, owner=personas.recruiter)

    run = run_steps(personas, person, [
        {"kind": "notify_user", "title": "{person} is back", "description": "Say hello",
         "assignee": {"rule": "owner"}, "mailbox_id": mailbox.pk},
    ])  # fmt: skip

    notification = Notification.objects.get(user=personas.recruiter)
    assert (notification.title, notification.body, notification.person) == (
        f"{person.full_name} is back",
        "Say hello",
        person,
    )
    email = Message.objects.get(to_address=personas.recruiter.email)
    assert (email.subject, email.state) == (f"{person.full_name} is back", "queued")
    assert email.idempotency_key == f"workflow-run:{run.pk}:steps[0]:email"


def test_enrol_in_and_remove_from_a_sequence(personas, now, mailbox, template):
    sequence = save_sequence(
        actor=personas.recruiter,
        name="Nurture",
        mailbox_id=mailbox.pk,
        steps=[{"kind": "wait", "wait_days": 3}, {"kind": "email", "template_id": template.pk}],
    )
    person = contactable(personas.recruiter, personas.workspace)

    run = run_steps(personas, person, [
        {"kind": "enrol_in_sequence", "sequence_id": sequence.pk},
        {"kind": "enrol_in_sequence", "sequence_id": sequence.pk},
    ])  # fmt: skip

    enrollment = Enrollment.objects.get(person=person)
    assert (enrollment.state, enrollment.enrolled_by) == ("active", personas.recruiter)
    assert enrollment.source == "workflow"
    assert enrollment.history.get(kind="enrolled").detail == "from workflow"
    assert decisions(run) == [
        "enrolled in the sequence 'Nurture'",
        "not enrolled: already in the sequence 'Nurture' on this mailbox",
    ]

    stopper = make_workflow(
        personas.recruiter,
        {"kind": "tag_added", "tags": ["stop"]},
        [{"kind": "remove_from_sequence"}],
        name="stop",
    )
    do_tag_people(actor=personas.recruiter, workspace=personas.workspace, people=[person],
                  names=["stop"])  # fmt: skip
    drive()

    enrollment.refresh_from_db()
    assert enrollment.state == "stopped"
    assert enrollment.stop_reason == "stopped by hand: by the workflow 'stop'"
    assert decisions(Run.objects.get(workflow=stopper)) == ["stopped 1 live enrolment(s)"]


def test_simulate_mode_describes_every_action_and_writes_nothing(personas, now, mailbox, template):
    # given a person in a sequence and a pool, and a definition touching everything
    sequence = save_sequence(actor=personas.recruiter, name="Nurture", mailbox_id=mailbox.pk,
                             steps=[{"kind": "email", "template_id": template.pk}])  # fmt: skip
    pool = TalentPoolFactory(workspace=personas.workspace)
    person = contactable(personas.recruiter, personas.workspace, owner=personas.recruiter)
    enrol(actor=personas.recruiter, sequence=sequence, people=[person])
    do_add_candidacy(actor=personas.recruiter, person=person, pool=pool)
    do_tag_people(actor=personas.recruiter, workspace=personas.workspace, people=[person],
                  names=["old"])  # fmt: skip
    other_pool = TalentPoolFactory(workspace=personas.workspace)
    stage = pool.pipeline.stages.order_by("position")[1]
    definition = parse_definition({"trigger": {"kind": "person_created"}, "steps": [
        {"kind": "add_tag", "tag": "new"},
        {"kind": "remove_tag", "tag": "old"},
        {"kind": "update_field", "field": "city", "value": "Lisbon"},
        {"kind": "create_task", "title": "Hi", "assignee": {"rule": "owner"}},
        {"kind": "move_stage", "pool_id": pool.pk, "stage_id": stage.pk},
        {"kind": "add_to_pool", "pool_id": other_pool.pk},
        {"kind": "enrol_in_sequence", "sequence_id": sequence.pk},
        {"kind": "remove_from_sequence"},
        {"kind": "send_email", "template_id": template.pk, "mailbox_id": mailbox.pk},
        {"kind": "notify_user", "title": "Hi", "assignee": {"rule": "owner"}},
        {"kind": "call_webhook", "url": "http://127.0.0.1:9/never-called"},
    ]})  # fmt: skip
    workflow = make_workflow(personas.recruiter, {"kind": "person_created"},
                             [{"kind": "add_tag", "tag": "x"}])  # fmt: skip
    dispatch_pending()
    ctx = StepContext(workflow=workflow, definition=definition, person=person, now=now,
                      author=personas.recruiter, simulate=True)  # fmt: skip
    counts = _row_counts()

    # when every step is described
    texts = [
        executors.execute(ctx, f"steps[{index}]", step).decision
        for index, step in enumerate(definition.steps)
    ]

    # then each says what it would do, and no row anywhere changed
    assert texts == [
        "would add the tag 'new'",
        "would remove the tag 'old'",
        "would set city to 'Lisbon'",
        f"would create the task 'Hi' for {personas.recruiter.display_name}",
        f"would move candidacy {Candidacy.objects.get(person=person, pool=pool).pk} to the "
        f"stage '{stage.name}'",
        f"would add to the pool '{other_pool.name}'",
        "would not enrol: already in the sequence 'Nurture' on this mailbox",
        "would stop 1 live enrolment(s)",
        "would email 'Hello' from Talent team",
        f"would notify {personas.recruiter.display_name}: Hi",
        "would POST a signed request to http://127.0.0.1:9/never-called",
    ]
    assert _row_counts() == counts
    person.refresh_from_db()
    assert person.city != "Lisbon"
    assert workflow.current_version is not None
    assert (
        definition_of(workflow.current_version).steps[0]
        == parse_definition(
            {"trigger": {"kind": "person_created"}, "steps": [{"kind": "add_tag", "tag": "x"}]}
        ).steps[0]
    )


def _row_counts() -> dict[str, int]:
    from talentloop.recruiting.models import StageChange

    models = (Person, PersonTag, Task, Candidacy, StageChange, Enrollment, Message, Notification,
              Run, DueItem, Event)  # fmt: skip
    return {model.__name__: model.objects.count() for model in models}
