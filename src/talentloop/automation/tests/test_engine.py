from __future__ import annotations

from datetime import timedelta

import pytest

from talentloop.automation import engine
from talentloop.automation.actions import do_retry_run, do_update_workflow
from talentloop.automation.models import Run, RunStep
from talentloop.automation.tests.conftest import contactable, drive, make_workflow, new_person
from talentloop.core import scheduling
from talentloop.core.models import DueItem, Event
from talentloop.outreach.models import Message
from talentloop.people.actions import do_create_person, do_tag_people, do_update_person
from talentloop.people.models import Task
from talentloop.recruiting.actions import do_add_candidacy, do_move_candidacy
from talentloop.testing.factories import JobFactory

pytestmark = pytest.mark.django_db

TAG_ADDED = {"kind": "tag_added", "tags": ["silver"]}


def tag(personas, person, name="silver"):
    do_tag_people(actor=personas.recruiter, workspace=personas.workspace, people=[person],
                  names=[name])  # fmt: skip


def task_step(**extra):
    return {"kind": "create_task", "title": "Call {person}", "assignee": {"rule": "owner"}, **extra}


def test_an_event_starts_a_run_whose_steps_run_as_due_items(personas, now):
    # given a workflow: tagged "silver" → create a task for the owner, add a second tag
    workflow = make_workflow(
        personas.recruiter, TAG_ADDED, [task_step(), {"kind": "add_tag", "tag": "nurture"}]
    )
    person = new_person(personas.workspace, owner=personas.recruiter)

    # when the person is tagged and the worker catches up
    tag(personas, person)
    drive()

    # then one run did both steps, recorded with its decisions, and its items are done
    run = Run.objects.get(workflow=workflow)
    assert (run.state, run.person_id, run.subject_type, run.depth) == (
        "done",
        person.pk,
        "person",
        0,
    )
    first_tagging = Event.objects.filter(verb="person.tagged").order_by("id").first()
    assert first_tagging is not None
    assert run.trigger_event_id == first_tagging.pk
    steps = list(run.steps.values_list("path", "kind", "state", "decision"))
    assert steps == [
        ("steps[0]", "create_task", "done", f"created the task 'Call {person.full_name}' for "
                                           f"{personas.recruiter.display_name}"),
        ("steps[1]", "add_tag", "done", "added the tag 'nurture'"),
    ]  # fmt: skip
    assert Task.objects.get(person=person).assignee == personas.recruiter
    assert {t.name for t in person.tags.all()} == {"silver", "nurture"}
    items = DueItem.objects.filter(kind=engine.STEP_KIND)
    assert [(i.key, i.state) for i in items] == [(engine.step_key(run, "steps[0]"), "done")]


def test_a_trigger_filter_and_the_condition_decide_who_runs(personas, now):
    workflow = make_workflow(personas.recruiter, TAG_ADDED, [task_step()], condition="country:DE")
    german = new_person(personas.workspace, country="DE", owner=personas.recruiter)
    french = new_person(personas.workspace, country="FR", owner=personas.recruiter)

    tag(personas, german)
    tag(personas, french)
    tag(personas, german, "gold")  # another tag: the trigger does not fire
    drive()

    runs = {run.person_id: run for run in Run.objects.filter(workflow=workflow)}
    assert set(runs) == {german.pk, french.pk}
    assert runs[german.pk].state == "done"
    assert runs[french.pk].state == "skipped"
    assert runs[french.pk].steps.get().decision == "did not match the condition: nothing to do"
    assert list(Task.objects.values_list("person_id", flat=True)) == [german.pk]


def test_a_disabled_workflow_or_another_workspace_starts_nothing(personas, now):
    make_workflow(personas.recruiter, TAG_ADDED, [task_step()], enabled=False)
    make_workflow(personas.outsider, TAG_ADDED, [task_step()])
    person = new_person(personas.workspace, owner=personas.recruiter)

    tag(personas, person)
    drive()

    assert Run.objects.count() == 0


def test_if_else_branches_and_waits(personas, now):
    # given: person created → if they have an email, wait 2 days then tag; else a task
    steps = [
        {"kind": "if", "condition": "has:email",
         "then": [{"kind": "wait", "duration": "2d"}, {"kind": "add_tag", "tag": "emailable"}],
         "else": [task_step()]},
        {"kind": "add_tag", "tag": "seen"},
    ]  # fmt: skip
    workflow = make_workflow(personas.recruiter, {"kind": "person_created"}, steps)

    with_email = do_create_person(
        actor=personas.recruiter, workspace=personas.workspace,
        fields={"first_name": "Ada", "owner_id": personas.recruiter.pk},
        contacts=[_email("ada@example.com")],
    )  # fmt: skip
    without = do_create_person(
        actor=personas.recruiter,
        workspace=personas.workspace,
        fields={"first_name": "Bo", "owner_id": personas.recruiter.pk},
    )
    drive()

    waiting = Run.objects.get(workflow=workflow, person=with_email)
    assert (waiting.state, waiting.current_path) == ("waiting", "steps[0].then[1]")
    wait_item = DueItem.objects.get(key=engine.step_key(waiting, "steps[0].then[1]"))
    assert wait_item.due_at == now + timedelta(days=2)
    assert Run.objects.get(workflow=workflow, person=without).state == "done"
    assert Task.objects.filter(person=without).count() == 1

    # when two days pass
    drive(now + timedelta(days=2, minutes=1))

    waiting.refresh_from_db()
    assert waiting.state == "done"
    assert [s.path for s in waiting.steps.all()] == [
        "steps[0]",
        "steps[0].then[0]",
        "steps[0].then[1]",
        "steps[1]",
    ]
    assert {t.name for t in with_email.tags.all()} == {"emailable", "seen"}


def _email(address):
    from talentloop.people.actions import ContactInput

    return ContactInput(kind="email", value=address)


def test_a_running_run_finishes_on_its_version_after_an_edit(personas, now):
    workflow = make_workflow(
        personas.recruiter,
        TAG_ADDED,
        [{"kind": "wait", "duration": "1h"}, {"kind": "add_tag", "tag": "old"}],
    )
    person = new_person(personas.workspace)
    tag(personas, person)
    drive()

    do_update_workflow(
        actor=personas.recruiter,
        workflow=workflow,
        definition={"trigger": TAG_ADDED, "steps": [{"kind": "add_tag", "tag": "new"}]},
    )
    drive(now + timedelta(hours=2))

    run = Run.objects.get(workflow=workflow)
    assert run.version.number == 1
    assert {t.name for t in person.tags.all()} == {"silver", "old"}


def test_a_stage_change_trigger_runs_on_the_candidacy(personas, now):
    job = JobFactory(workspace=personas.workspace, recruiter=personas.coordinator)
    stages = list(job.pipeline.stages.order_by("position"))
    workflow = make_workflow(
        personas.recruiter,
        {"kind": "stage_changed", "job_ids": [job.pk], "to_stage_ids": [stages[1].pk]},
        [task_step(assignee={"rule": "job_recruiter"})],
    )
    person = new_person(personas.workspace)
    candidacy = do_add_candidacy(actor=personas.recruiter, person=person, job=job)

    do_move_candidacy(actor=personas.recruiter, candidacy=candidacy, to_stage=stages[1])
    do_move_candidacy(actor=personas.recruiter, candidacy=candidacy, to_stage=stages[2])
    drive()

    run = Run.objects.get(workflow=workflow)
    assert (run.subject_type, run.subject_id, run.person_id) == (
        "candidacy",
        candidacy.pk,
        person.pk,
    )
    assert Task.objects.get(person=person).assignee == personas.coordinator


def test_a_field_changed_trigger_watches_only_its_fields(personas, now):
    workflow = make_workflow(
        personas.recruiter,
        {"kind": "field_changed", "fields": ["lifecycle"]},
        [{"kind": "add_tag", "tag": "moved on"}],
    )
    person = new_person(personas.workspace)

    do_update_person(actor=personas.recruiter, person=person, fields={"city": "Oslo"})
    drive()
    assert not Run.objects.filter(workflow=workflow).exists()

    do_update_person(actor=personas.recruiter, person=person, fields={"lifecycle": "candidate"})
    drive()
    assert Run.objects.get(workflow=workflow).state == "done"


# Idempotency ------------------------------------------------------------------------------------


def test_a_step_handler_run_twice_sends_one_email_and_creates_one_task(
    personas, now, mailbox, template
):
    make_workflow(
        personas.recruiter,
        TAG_ADDED,
        [{"kind": "send_email", "template_id": template.pk, "mailbox_id": mailbox.pk}, task_step()],
    )
    person = contactable(personas.recruiter, personas.workspace, owner=personas.recruiter)
    tag(personas, person)
    drive()
    run = Run.objects.get()
    item = DueItem.objects.get(key=engine.step_key(run, "steps[0]"))

    # when the same due item's handler runs again (a worker died after the work committed,
    # say) — the run is set back to running so nothing short-circuits before the steps
    Run.objects.filter(pk=run.pk).update(state="running")
    engine.run_step(item)

    # then the email and the task exist once each, under the step's idempotency key
    assert Message.objects.filter(person=person).count() == 1
    message = Message.objects.get(person=person)
    assert message.idempotency_key == f"workflow-run:{run.pk}:steps[0]"
    assert message.state == "queued"
    assert Task.objects.filter(person=person).count() == 1
    assert RunStep.objects.filter(run=run).count() == 2


def test_an_email_to_someone_without_a_lawful_basis_is_refused_not_sent(
    personas, now, mailbox, template
):
    make_workflow(
        personas.recruiter,
        TAG_ADDED,
        [{"kind": "send_email", "template_id": template.pk, "mailbox_id": mailbox.pk}],
    )
    person = new_person(personas.workspace, primary_email="nobasis@example.com")

    tag(personas, person)
    drive()

    run = Run.objects.get()
    assert run.state == "done"
    step = run.steps.get()
    assert step.decision.startswith("not sent: no lawful basis")
    assert Message.objects.get(person=person).state == "refused"


# Loop guard -------------------------------------------------------------------------------------


def test_the_depth_limit_stops_workflows_that_trigger_each_other(personas, now, settings):
    # given two workflows that tag each other's trigger tag: ping → pong → ping → …
    settings.AUTOMATION_MAX_DEPTH = 3
    ping = make_workflow(
        personas.recruiter,
        {"kind": "tag_added", "tags": ["ping"]},
        [{"kind": "remove_tag", "tag": "pong"}, {"kind": "add_tag", "tag": "pong"}],
        name="ping",
    )
    pong = make_workflow(
        personas.recruiter,
        {"kind": "tag_added", "tags": ["pong"]},
        [{"kind": "remove_tag", "tag": "ping"}, {"kind": "add_tag", "tag": "ping"}],
        name="pong",
    )
    person = new_person(personas.workspace)

    tag(personas, person, "ping")
    drive()

    runs = list(Run.objects.filter(workflow__in=[ping, pong]).order_by("id"))
    assert [run.depth for run in runs] == [0, 1, 2, 3, 4]
    assert [run.state for run in runs] == ["done", "done", "done", "done", "skipped"]
    assert runs[-1].warning.startswith("loop guard: this run would be 4 automation steps deep")
    tagged = Event.objects.filter(verb="person.tagged").exclude(request_id="")
    assert {event.request_id for event in tagged} == {f"automation-run-{r.pk}" for r in runs[:4]}


def test_the_rate_limit_caps_runs_per_person_per_hour(personas, now):
    workflow = make_workflow(
        personas.recruiter,
        {"kind": "field_changed", "fields": ["city"]},
        [{"kind": "add_tag", "tag": "moved"}],
        max_runs_per_hour=2,
    )
    person = new_person(personas.workspace)

    for city in ("Oslo", "Bergen", "Tromsø"):
        do_update_person(actor=personas.recruiter, person=person, fields={"city": city})
        drive()

    states = list(
        Run.objects.filter(workflow=workflow).order_by("id").values_list("state", "warning")
    )
    assert [state for state, _ in states] == ["done", "done", "skipped"]
    assert states[2][1].startswith("rate limit: this workflow already ran 2 times")


# Failures and retries ---------------------------------------------------------------------------


def test_a_failing_step_retries_with_backoff_then_fails_and_can_be_retried(personas, now, settings):
    # given a task step whose assignee rule names an owner the person does not have yet
    workflow = make_workflow(personas.recruiter, TAG_ADDED, [task_step()])
    orphan = new_person(personas.workspace)
    tag(personas, orphan)
    drive()

    # then the run failed at once (nobody to assign: retrying cannot help) and says why
    run = Run.objects.get(workflow=workflow)
    assert run.state == "failed"
    assert run.error.startswith("steps[0]: PermanentFailure: no one to assign the task to")
    step = run.steps.get()
    assert (step.state, step.attempts) == ("failed", 1)
    assert Event.objects.filter(verb="workflow_run.failed", subject_id=run.pk).exists()

    # when the cause is fixed and someone retries the run
    do_update_person(
        actor=personas.recruiter, person=orphan, fields={"owner_id": personas.admin.pk}
    )
    do_retry_run(actor=personas.recruiter, run=run)
    drive()

    run.refresh_from_db()
    assert (run.state, run.error) == ("done", "")
    assert run.steps.get().state == "done"
    assert Task.objects.get(person=orphan).assignee == personas.admin
    assert Event.objects.filter(verb="workflow_run.retried", subject_id=run.pk).exists()


def test_a_temporary_failure_backs_off_and_one_failing_run_blocks_no_other(
    personas, now, monkeypatch
):
    workflow = make_workflow(personas.recruiter, TAG_ADDED, [task_step()])
    unlucky = new_person(personas.workspace, owner=personas.recruiter, first_name="X")
    lucky = new_person(personas.workspace, owner=personas.recruiter, first_name="Y")
    real = engine.executors.execute

    def flaky(ctx, path, action):
        if ctx.person.pk == unlucky.pk:
            raise ConnectionError("the database of another service is down")
        return real(ctx, path, action)

    monkeypatch.setattr(engine.executors, "execute", flaky)
    tag(personas, unlucky)
    tag(personas, lucky)
    drive()

    runs = {run.person_id: run for run in Run.objects.filter(workflow=workflow)}
    assert runs[lucky.pk].state == "done"
    assert runs[unlucky.pk].state == "running"
    item = DueItem.objects.get(key=engine.step_key(runs[unlucky.pk], "steps[0]"))
    assert (item.state, item.attempts) == ("pending", 1)
    assert item.due_at == now + timedelta(seconds=30)
    assert "ConnectionError" in item.last_error

    # every retry fails: after the last attempt the run is failed
    moment = now
    for _ in range(item.max_attempts):
        moment += timedelta(hours=1)
        drive(moment)
    runs[unlucky.pk].refresh_from_db()
    assert runs[unlucky.pk].state == "failed"
    assert runs[unlucky.pk].steps.get().attempts == item.max_attempts


def test_a_run_that_could_not_start_is_kept_failed_and_retries_from_the_top(
    personas, now, monkeypatch
):
    workflow = make_workflow(personas.recruiter, TAG_ADDED, [{"kind": "add_tag", "tag": "x"}])
    person = new_person(personas.workspace)

    def broken(*args, **kwargs):
        raise RuntimeError("the scheduler table is missing")

    # (both ways a run starts: a dispatched batch at once, then each event on its own)
    monkeypatch.setattr(scheduling, "schedule_many", broken)
    monkeypatch.setattr(engine, "schedule_step", broken)
    tag(personas, person)
    drive()
    monkeypatch.undo()

    run = Run.objects.get(workflow=workflow)
    assert (run.state, run.current_path) == ("failed", "")
    assert run.error == "could not start: RuntimeError: the scheduler table is missing"

    do_retry_run(actor=personas.admin, run=run)
    drive()

    run.refresh_from_db()
    assert run.state == "done"
    assert person.tags.filter(name="x").exists()


def test_only_failed_runs_can_be_retried(personas, now):
    from talentloop.core.errors import Conflict

    make_workflow(personas.recruiter, TAG_ADDED, [{"kind": "add_tag", "tag": "x"}])
    person = new_person(personas.workspace)
    tag(personas, person)
    drive()

    with pytest.raises(Conflict):
        do_retry_run(actor=personas.recruiter, run=Run.objects.get())


def test_an_event_delivered_twice_starts_one_run(personas, now):
    workflow = make_workflow(personas.recruiter, TAG_ADDED, [{"kind": "add_tag", "tag": "x"}])
    person = new_person(personas.workspace)
    tag(personas, person)
    event = Event.objects.get(verb="person.tagged")

    engine.on_event(event)
    engine.on_event(event)

    assert Run.objects.filter(workflow=workflow).count() == 1


# Triggers fed by outreach and search -------------------------------------------------------------


def test_consent_given_and_withdrawn_trigger_workflows(personas, now):
    from talentloop.outreach import actions as outreach_actions

    given = make_workflow(personas.recruiter, {"kind": "consent_given"},
                          [{"kind": "add_tag", "tag": "consented"}], name="given")  # fmt: skip
    withdrawn = make_workflow(personas.recruiter, {"kind": "consent_withdrawn"},
                              [{"kind": "add_tag", "tag": "withdrew"}], name="gone")  # fmt: skip
    person = new_person(personas.workspace)

    basis = outreach_actions.record_basis(
        actor=personas.recruiter, person=person, basis="consent", evidence="form"
    )
    outreach_actions.withdraw_basis(actor=personas.recruiter, basis=basis)
    drive()

    assert Run.objects.get(workflow=given).person_id == person.pk
    assert Run.objects.get(workflow=withdrawn).person_id == person.pk
    assert {tag.name for tag in person.tags.all()} == {"consented", "withdrew"}


def test_bounce_reply_and_segment_events_reach_their_person(personas, now, mailbox, template):
    from talentloop.core.events import record_event
    from talentloop.outreach.actions import queue_message
    from talentloop.search.actions import do_create_segment

    person = contactable(personas.recruiter, personas.workspace)
    message = queue_message(actor=None, workspace=personas.workspace, mailbox=mailbox,
                            person=person, template=template, idempotency_key="t1")  # fmt: skip
    segment = do_create_segment(
        actor=personas.recruiter,
        workspace=personas.workspace,
        name="Berliners",
        query="city:Berlin",
    )
    bounce = make_workflow(personas.recruiter, {"kind": "bounce", "mailbox_ids": [mailbox.pk]},
                           [{"kind": "add_tag", "tag": "bounced"}], name="b")  # fmt: skip
    reply = make_workflow(personas.recruiter, {"kind": "reply_received"},
                          [{"kind": "add_tag", "tag": "replied"}], name="r")  # fmt: skip
    entered = make_workflow(personas.recruiter,
                            {"kind": "segment_entered", "segment_id": segment.pk},
                            [{"kind": "add_tag", "tag": "berliner"}], name="s")  # fmt: skip
    ws = personas.workspace

    # the events as outreach.inbound and search.actions write them
    record_event(workspace=ws, actor=None, verb="bounce.received", subject=message,
                 data={"kind": "hard", "status": "5.1.1"})  # fmt: skip
    record_event(workspace=ws, actor=None, verb="reply.received", subject=message,
                 data={"person_id": person.pk, "mailbox_id": mailbox.pk})  # fmt: skip
    record_event(workspace=ws, actor=None, verb="segment.entered", subject=segment,
                 data={"segment_id": segment.pk, "person_id": person.pk})  # fmt: skip
    drive()

    for workflow in (bounce, reply, entered):
        assert Run.objects.get(workflow=workflow).person_id == person.pk
    assert {t.name for t in person.tags.all()} == {"bounced", "replied", "berliner"}


def test_rejected_with_a_reason_and_hired_triggers(personas, now):
    from talentloop.recruiting.actions import do_hire_candidacy, do_reject_candidacy
    from talentloop.recruiting.models import RejectionReason

    job = JobFactory(workspace=personas.workspace)
    reason = RejectionReason.objects.filter(workspace=personas.workspace, kind="rejected").first()
    other = RejectionReason.objects.filter(workspace=personas.workspace, kind="rejected").last()
    assert reason is not None
    assert other is not None
    assert reason != other
    rejected = make_workflow(personas.recruiter, {"kind": "rejected", "reason_ids": [reason.pk]},
                             [{"kind": "add_tag", "tag": "silver"}], name="rej")  # fmt: skip
    hired = make_workflow(personas.recruiter, {"kind": "hired", "job_ids": [job.pk]},
                          [{"kind": "add_tag", "tag": "hired"}], name="hire")  # fmt: skip
    by_reason, by_other, hire = (new_person(personas.workspace) for _ in range(3))
    for person, why in ((by_reason, reason), (by_other, other)):
        candidacy = do_add_candidacy(actor=personas.recruiter, person=person, job=job)
        do_reject_candidacy(actor=personas.recruiter, candidacy=candidacy, reason=why)
    do_hire_candidacy(
        actor=personas.recruiter,
        candidacy=do_add_candidacy(actor=personas.recruiter, person=hire, job=job),
    )
    drive()

    assert [run.person_id for run in Run.objects.filter(workflow=rejected)] == [by_reason.pk]
    (hired_run,) = Run.objects.filter(workflow=hired)
    assert (hired_run.person_id, hired_run.subject_type) == (hire.pk, "candidacy")
