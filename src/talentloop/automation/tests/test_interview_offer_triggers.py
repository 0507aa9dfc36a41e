"""Triggers on interviews and offers: hours before an interview, and an accepted offer."""

from __future__ import annotations

from datetime import timedelta

import pytest

from talentloop.automation.models import Run
from talentloop.automation.tests.conftest import drive, make_workflow, new_person
from talentloop.automation.tests.test_scans import scan_at
from talentloop.people.models import Task
from talentloop.recruiting import interview_actions
from talentloop.recruiting.actions import do_add_candidacy
from talentloop.testing.factories import JobFactory

pytestmark = pytest.mark.django_db
REMIND = [
    {"kind": "create_task", "title": "Prepare {person}", "assignee": {"rule": "job_recruiter"}}
]


def job_candidacy(personas, job=None):
    job = job or JobFactory(workspace=personas.workspace, recruiter=personas.recruiter)
    person = new_person(personas.workspace)
    return do_add_candidacy(actor=personas.recruiter, person=person, job=job)


def test_a_reminder_fires_hours_before_each_interview_once(personas, now):
    # given a "24 hours before the interview" workflow and interviews 30 h ahead
    workflow = make_workflow(
        personas.recruiter, {"kind": "interview_upcoming", "hours": 24}, REMIND
    )
    candidacy = job_candidacy(personas)
    interview = interview_actions.do_schedule_interview(
        actor=personas.recruiter, candidacy=candidacy,
        starts_at=now + timedelta(hours=30), ends_at=now + timedelta(hours=31),
    )  # fmt: skip
    cancelled = interview_actions.do_schedule_interview(
        actor=personas.recruiter, candidacy=job_candidacy(personas),
        starts_at=now + timedelta(hours=30), ends_at=now + timedelta(hours=31),
    )  # fmt: skip
    interview_actions.do_cancel_interview(actor=personas.recruiter, interview=cancelled)

    # when the scan runs 5 h on (25 h before), then 7 h and 8 h on (23 h and 22 h before)
    scan_at(now + timedelta(hours=5))
    assert not Run.objects.filter(workflow=workflow).exists()
    scan_at(now + timedelta(hours=7))
    scan_at(now + timedelta(hours=8))

    # then one run, about the candidacy, made its task; the cancelled interview fired nothing
    (run,) = Run.objects.filter(workflow=workflow)
    assert (run.subject_type, run.subject_id) == ("candidacy", candidacy.pk)
    assert run.trigger_key.startswith(f"interview:{interview.pk}:")
    assert run.state == "done"
    (task,) = Task.objects.filter(title__startswith="Prepare")
    assert (task.person_id, task.assignee_id) == (candidacy.person_id, personas.recruiter.pk)

    # and an interview moved a day later reminds again, 24 hours before its new time
    interview_actions.do_update_interview(
        actor=personas.recruiter, interview=interview,
        fields={"starts_at": now + timedelta(hours=54), "ends_at": now + timedelta(hours=55)},
    )  # fmt: skip
    scan_at(now + timedelta(hours=20))
    assert Run.objects.filter(workflow=workflow).count() == 1
    scan_at(now + timedelta(hours=31))
    assert Run.objects.filter(workflow=workflow).count() == 2


def test_interview_reminders_can_be_limited_to_jobs(personas, now):
    job = JobFactory(workspace=personas.workspace, recruiter=personas.recruiter)
    make_workflow(
        personas.recruiter,
        {"kind": "interview_upcoming", "hours": 2, "job_ids": [job.pk]},
        REMIND,
    )
    mine, other = job_candidacy(personas, job), job_candidacy(personas)
    for candidacy in (mine, other):
        interview_actions.do_schedule_interview(
            actor=personas.recruiter, candidacy=candidacy,
            starts_at=now + timedelta(hours=3), ends_at=now + timedelta(hours=4),
        )  # fmt: skip

    scan_at(now + timedelta(hours=1, minutes=30))

    assert list(Run.objects.values_list("subject_id", flat=True)) == [mine.pk]


def test_an_accepted_offer_starts_a_run_on_its_candidacy(personas, now):
    job = JobFactory(workspace=personas.workspace, recruiter=personas.recruiter)
    workflow = make_workflow(
        personas.recruiter, {"kind": "offer_accepted", "job_ids": [job.pk]}, REMIND
    )
    accepted, elsewhere = job_candidacy(personas, job), job_candidacy(personas)
    for candidacy in (accepted, elsewhere):
        offer = interview_actions.do_create_offer(actor=personas.recruiter, candidacy=candidacy)
        for status in ("extended", "accepted"):
            interview_actions.do_set_offer_status(
                actor=personas.recruiter, offer=offer, status=status
            )

    drive()

    (run,) = Run.objects.filter(workflow=workflow)
    assert (run.subject_type, run.subject_id, run.state) == ("candidacy", accepted.pk, "done")
    assert Task.objects.get().person_id == accepted.person_id


def test_hours_must_be_given_in_range(personas):
    from talentloop.automation.domain import DefinitionError

    with pytest.raises(DefinitionError) as refused:
        make_workflow(personas.recruiter, {"kind": "interview_upcoming", "hours": 0}, REMIND)

    assert refused.value.fields == {
        "trigger.hours": "must be a whole number of hours from 1 to 2160"
    }
