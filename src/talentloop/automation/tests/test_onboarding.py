"""Onboarding: checklist templates, and `start_onboarding` when an offer is accepted."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from talentloop.api.testing import ApiClient
from talentloop.automation import engine
from talentloop.automation.checklists import do_save_checklist
from talentloop.automation.domain import DefinitionError
from talentloop.automation.models import Run
from talentloop.automation.tests.conftest import contactable, drive, make_workflow
from talentloop.core.models import DueItem
from talentloop.outreach.models import Message
from talentloop.people.models import Attachment, Task
from talentloop.recruiting import interview_actions
from talentloop.recruiting.actions import do_add_candidacy
from talentloop.testing.factories import JobFactory

pytestmark = pytest.mark.django_db


def items(personas):
    return [
        {"title": "Laptop for {first_name}", "assignee": {"rule": "job_recruiter"},
         "due_offset_days": 3},
        {"title": "Payroll set-up", "assignee": {"rule": "user", "user_id": personas.admin.pk}},
    ]  # fmt: skip


def accepted_offer(personas, job):
    person = contactable(personas.recruiter, personas.workspace, first_name="Ada")
    candidacy = do_add_candidacy(actor=personas.recruiter, person=person, job=job)
    offer = interview_actions.do_create_offer(actor=personas.recruiter, candidacy=candidacy)
    for status in ("extended", "accepted"):
        interview_actions.do_set_offer_status(actor=personas.recruiter, offer=offer, status=status)
    return candidacy


def test_an_accepted_offer_starts_onboarding_once(personas, now, mailbox, template):
    # given an onboarding workflow on accepted offers
    job = JobFactory(workspace=personas.workspace, recruiter=personas.recruiter)
    checklist = do_save_checklist(actor=personas.recruiter, name="New hire", items=items(personas))
    workflow = make_workflow(personas.recruiter, {"kind": "offer_accepted"}, [
        {"kind": "start_onboarding", "checklist_id": checklist.pk,
         "template_id": template.pk, "mailbox_id": mailbox.pk},
    ])  # fmt: skip

    # when a candidate accepts
    candidacy = accepted_offer(personas, job)
    drive()

    # then the checklist's tasks exist, assigned by their rules and due by their offsets
    run = Run.objects.get(workflow=workflow)
    assert run.state == "done"
    tasks = Task.objects.filter(person=candidacy.person).order_by("title")
    assert [(t.title, t.assignee_id, t.due_at) for t in tasks] == [
        ("Laptop for Ada", personas.recruiter.pk, now + timedelta(days=3)),
        ("Payroll set-up", personas.admin.pk, now),
    ]
    # and the welcome email is in the outbox under the step's idempotency key
    (message,) = Message.objects.filter(person=candidacy.person)
    assert message.idempotency_key == f"workflow-run:{run.pk}:steps[0]"
    # and the hand-off export is stored on the person, with nothing internal in it
    (attachment,) = Attachment.objects.filter(person=candidacy.person)
    document = json.loads(attachment.file.read())
    assert document["format"] == "talentloop.handoff/1"
    assert document["person"]["first_name"] == "Ada"
    assert document["job"] == {"id": job.pk, "title": job.title}
    assert document["offer"]["status"] == "accepted"
    assert {"tags", "notes", "salary_min", "owner"}.isdisjoint(document["person"])
    assert set(document) == {"format", "generated_at", "person", "job", "candidacy", "offer"}

    # and running the step's due item again repeats nothing
    item = DueItem.objects.get(key=engine.step_key(run, "steps[0]"))
    Run.objects.filter(pk=run.pk).update(state="running")
    engine.run_step(item)
    assert Task.objects.filter(person=candidacy.person).count() == 2
    assert Message.objects.filter(person=candidacy.person).count() == 1
    assert Attachment.objects.filter(person=candidacy.person).count() == 1


def test_nobody_to_assign_an_item_fails_the_step_before_anything_is_written(
    personas, now, mailbox, template
):
    job = JobFactory(workspace=personas.workspace)  # no recruiter: the first rule finds nobody
    checklist = do_save_checklist(actor=personas.recruiter, name="New hire", items=items(personas))
    make_workflow(personas.recruiter, {"kind": "offer_accepted"}, [
        {"kind": "start_onboarding", "checklist_id": checklist.pk,
         "template_id": template.pk, "mailbox_id": mailbox.pk},
    ])  # fmt: skip

    candidacy = accepted_offer(personas, job)
    drive()

    run = Run.objects.get()
    assert run.state == "failed"
    assert "no one to assign 'Laptop for {first_name}' to" in run.error
    assert not Task.objects.filter(person=candidacy.person).exists()
    assert not Message.objects.filter(person=candidacy.person).exists()
    assert not Attachment.objects.exists()


def test_an_unknown_checklist_is_refused_at_its_step(personas, mailbox, template):
    with pytest.raises(DefinitionError) as refused:
        make_workflow(personas.recruiter, {"kind": "offer_accepted"}, [
            {"kind": "start_onboarding", "checklist_id": 999,
             "template_id": template.pk, "mailbox_id": mailbox.pk},
        ])  # fmt: skip
    assert refused.value.fields == {"steps[0].checklist_id": "unknown checklist 999"}


def test_checklist_items_are_checked_by_path(personas):
    bad = [
        {"title": "", "assignee": {"rule": "owner"}},
        {"title": "Desk", "assignee": {"rule": "nobody"}, "due_offset_days": 999, "x": 1},
        {"title": "Badge", "assignee": {"rule": "user", "user_id": personas.outsider.pk}},
    ]
    response = ApiClient(personas.recruiter).post("/checklists", {"name": "Hire", "items": bad})

    assert response.status_code == 422
    fields = response.json()["error"]["fields"]
    assert fields["items[0].title"] == "required"
    assert fields["items[1].x"] == "unknown field"
    assert fields["items[1].due_offset_days"] == "must be a whole number of days from -365 to 365"
    assert "items[1].assignee.rule" in fields


@pytest.mark.parametrize(
    ("role", "write", "read"),
    [("admin", 201, 200), ("recruiter", 201, 200), ("coordinator", 403, 200),
     ("analyst", 403, 200), ("outsider", 201, 404)],
)  # fmt: skip
def test_who_may_manage_checklists(personas, role, write, read):
    theirs = do_save_checklist(actor=personas.admin, name="Ours", items=items(personas)[1:])
    client = ApiClient(getattr(personas, role))

    created = client.post("/checklists", {"name": "Mine", "items": [
        {"title": "Hello", "assignee": {"rule": "owner"}}
    ]})  # fmt: skip
    fetched = client.get(f"/checklists/{theirs.pk}")

    assert (created.status_code, fetched.status_code) == (write, read)
    if read == 200:
        assert fetched.json()["items"][0]["assignee"] == {
            "rule": "user", "user_id": personas.admin.pk
        }  # fmt: skip
