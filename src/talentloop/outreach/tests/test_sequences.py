from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from talentloop.core.errors import Conflict, PermissionDenied, ValidationFailed
from talentloop.core.events import dispatch_pending
from talentloop.core.models import DueItem, Event
from talentloop.outreach import actions
from talentloop.outreach.enrollment_actions import (
    enrol,
    pause_enrollment,
    preview_enrolment,
    resume_enrollment,
    stop_enrollment,
)
from talentloop.outreach.models import Message
from talentloop.outreach.sequence_models import Enrollment
from talentloop.outreach.sequence_rules import StopReason
from talentloop.outreach.tests.conftest import make_contactable
from talentloop.outreach.tests.sequence_helpers import (
    TUESDAY_10_UTC,
    email,
    make_sequence,
    run_at,
    task,
    wait,
)
from talentloop.people.models import Person, Task
from talentloop.recruiting.actions import do_add_candidacy, do_hire_candidacy, do_move_candidacy
from talentloop.testing.factories import JobFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def now():
    with time_machine.travel(TUESDAY_10_UTC, tick=False):
        yield TUESDAY_10_UTC


def messages_of(enrollment: Enrollment) -> list[Message]:
    prefix = f"enrollment:{enrollment.pk}:step:"
    return list(Message.objects.filter(idempotency_key__startswith=prefix).order_by("id"))


def enrol_one(personas, sequence, person) -> Enrollment:
    result = enrol(actor=personas.recruiter, sequence=sequence, people=[person])
    assert result.skipped == []
    return result.enrolled[0]


# Building sequences -----------------------------------------------------------------------


def test_a_sequence_is_saved_with_its_steps_in_order(personas, local_mailbox, template, now):
    sequence = make_sequence(
        personas.recruiter, local_mailbox, [email(template), wait(2), email(template, "reply")]
    )

    kinds = list(sequence.steps.values_list("position", "kind", "thread", "wait_days"))
    assert kinds == [(0, "email", "new", 0), (1, "wait", "new", 2), (2, "email", "reply", 0)]
    assert Event.objects.filter(verb="sequence.created", subject_id=sequence.pk).exists()


def test_bad_steps_are_refused_with_the_step_and_field(personas, local_mailbox, template, now):
    with pytest.raises(ValidationFailed) as refused:
        make_sequence(
            personas.recruiter,
            local_mailbox,
            [email(template, "reply"), wait(0), {"kind": "email"}, {"kind": "fax"}],
            business_days=[],
            fallback_time_zone="Mars/Olympus",
        )

    assert refused.value.fields == {
        "steps.2.wait_days": "wait between 1 and 90 business days",
        "steps.3.template_id": "choose a template",
        "steps.4.kind": "choose email, wait or task",
        "business_days": "choose at least one day (0 = Monday … 6 = Sunday)",
        "fallback_time_zone": "not a known time zone (e.g. Europe/Berlin)",
    }


def test_a_reply_step_needs_an_earlier_email(personas, local_mailbox, template, now):
    with pytest.raises(ValidationFailed) as refused:
        make_sequence(personas.recruiter, local_mailbox, [wait(1), email(template, "reply")])
    assert refused.value.fields == {"steps.2.thread": "a reply needs an earlier email step"}


def test_analysts_cannot_build_sequences(personas, local_mailbox, template, now):
    with pytest.raises(PermissionDenied):
        make_sequence(personas.analyst, local_mailbox, [email(template)])


# Enrolment preview ------------------------------------------------------------------------


def test_preview_says_who_is_enrolled_and_who_is_skipped_and_why(
    personas, local_mailbox, template, now
):
    # given people in every situation
    ws, recruiter = personas.workspace, personas.recruiter
    ready = make_contactable(recruiter, ws, first_name="Ready")
    no_email = make_contactable(recruiter, ws, first_name="NoEmail", primary_email="")
    do_not_contact = make_contactable(recruiter, ws, do_not_contact=True)
    no_basis: Person = PersonFactory(workspace=ws, primary_email="nobasis@example.com")  # type: ignore[assignment]
    suppressed = make_contactable(recruiter, ws, primary_email="gone@example.com")
    actions.suppress(ws, "gone@example.com", "hard_bounce")
    busy = make_contactable(recruiter, ws, first_name="Busy")
    other = make_sequence(recruiter, local_mailbox, [email(template)], name="Other")
    enrol_one(personas, other, busy)
    sequence = make_sequence(recruiter, local_mailbox, [email(template)])

    # when previewing
    preview = preview_enrolment(
        actor=recruiter,
        sequence=sequence,
        people=[ready, no_email, do_not_contact, no_basis, suppressed, busy, ready],
    )

    # then only the ready person goes in, once, and every other one has a reason
    assert preview.eligible == [ready]
    reasons = {skipped.person.pk: skipped.code for skipped in preview.skipped}
    assert reasons == {
        no_email.pk: "invalid_address",
        do_not_contact.pk: "do_not_contact",
        no_basis.pk: "no_lawful_basis",
        suppressed.pk: "suppressed",
        busy.pk: "already_enrolled",
    }
    busy_reason = next(s.reason for s in preview.skipped if s.person == busy)
    assert busy_reason == "already in the sequence 'Other' on this mailbox"


def test_one_person_is_in_at_most_one_live_sequence_per_mailbox(
    personas, local_mailbox, template, now
):
    person = make_contactable(personas.recruiter, personas.workspace)
    first = make_sequence(personas.recruiter, local_mailbox, [email(template)], name="First")
    second = make_sequence(personas.recruiter, local_mailbox, [email(template)], name="Second")
    enrol_one(personas, first, person)

    result = enrol(actor=personas.recruiter, sequence=second, people=[person])

    assert result.enrolled == []
    assert [skipped.code for skipped in result.skipped] == ["already_enrolled"]
    assert Enrollment.objects.filter(person=person).count() == 1


# Running steps ----------------------------------------------------------------------------


def test_the_first_email_waits_for_business_hours_in_the_recipients_zone(
    personas, local_mailbox, template
):
    # given a person in New York enrolled on Saturday
    saturday = datetime(2026, 1, 17, 12, 0, tzinfo=UTC)
    with time_machine.travel(saturday, tick=False):
        person = make_contactable(
            personas.recruiter, personas.workspace, time_zone="America/New_York"
        )
        sequence = make_sequence(personas.recruiter, local_mailbox, [email(template)])
        enrollment = enrol_one(personas, sequence, person)

    # then the step is due on Monday 09:00 in New York (14:00 UTC), and not before
    monday_nine_ny = datetime(2026, 1, 19, 14, 0, tzinfo=UTC)
    enrollment.refresh_from_db()
    assert enrollment.next_run_at == monday_nine_ny
    assert run_at(monday_nine_ny - timedelta(minutes=1)) == 0
    assert messages_of(enrollment) == []
    assert run_at(monday_nine_ny) == 1
    assert len(messages_of(enrollment)) == 1


def test_a_sequence_runs_email_wait_reply_and_task_then_completes(
    personas, local_mailbox, template, now
):
    # given a four-step sequence and an enrolled person in London
    person = make_contactable(
        personas.recruiter, personas.workspace, first_name="Ada", time_zone="Europe/London"
    )
    sequence = make_sequence(
        personas.recruiter,
        local_mailbox,
        [email(template), wait(2), email(template, "reply"), task("linkedin")],
    )
    enrollment = enrol_one(personas, sequence, person)

    # when the first step runs now
    run_at(now)
    first = messages_of(enrollment)
    assert [m.idempotency_key for m in first] == [f"enrollment:{enrollment.pk}:step:0"]
    assert first[0].subject == "Hi Ada"
    # and the wait ends two business days later (Thursday), when the reply is queued
    run_at(now + timedelta(days=1))
    assert len(messages_of(enrollment)) == 1
    run_at(now + timedelta(days=2))

    # then the follow-up is a reply in the same thread, and the task is created
    first_email, follow_up = messages_of(enrollment)
    assert follow_up.in_reply_to == first_email.message_id
    assert follow_up.references == first_email.message_id
    assert follow_up.subject == "Re: Hi Ada"
    created = Task.objects.get(person=person)
    assert created.assignee == personas.recruiter
    assert created.title.startswith("LinkedIn message to Ada")
    enrollment.refresh_from_db()
    assert enrollment.state == "completed"
    kinds = list(enrollment.history.values_list("kind", flat=True))
    assert kinds == [
        "enrolled",
        "email_queued",
        "waited",
        "email_queued",
        "task_created",
        "completed",
    ]
    assert Event.objects.filter(verb="sequence.completed", subject_id=enrollment.pk).exists()


def test_pause_and_resume_never_resend_a_step(personas, local_mailbox, template, now):
    # given a person whose first email went out
    person = make_contactable(personas.recruiter, personas.workspace)
    sequence = make_sequence(
        personas.recruiter, local_mailbox, [email(template), wait(1), email(template)]
    )
    enrollment = enrol_one(personas, sequence, person)
    run_at(now)

    # when the enrolment is paused and resumed twice, with time passing
    pause_enrollment(actor=personas.recruiter, enrollment=enrollment)
    run_at(now + timedelta(days=3))
    resume_enrollment(actor=personas.recruiter, enrollment=enrollment)
    pause_enrollment(actor=personas.recruiter, enrollment=enrollment)
    resume_enrollment(actor=personas.recruiter, enrollment=enrollment)
    run_at(now + timedelta(days=10))

    # then each email step was queued exactly once and the enrolment finished
    keys = [m.idempotency_key for m in messages_of(enrollment)]
    assert keys == [f"enrollment:{enrollment.pk}:step:0", f"enrollment:{enrollment.pk}:step:2"]
    enrollment.refresh_from_db()
    assert enrollment.state == "completed"


def test_a_paused_enrolment_runs_nothing(personas, local_mailbox, template, now):
    person = make_contactable(personas.recruiter, personas.workspace)
    sequence = make_sequence(personas.recruiter, local_mailbox, [email(template)])
    enrollment = enrol_one(personas, sequence, person)

    pause_enrollment(actor=personas.recruiter, enrollment=enrollment)
    run_at(now + timedelta(days=30))

    assert messages_of(enrollment) == []
    with pytest.raises(Conflict):
        pause_enrollment(actor=personas.recruiter, enrollment=enrollment)


def test_a_stale_step_item_does_nothing(personas, local_mailbox, template, now):
    # given a step that already ran, and an old item for it still pending
    person = make_contactable(personas.recruiter, personas.workspace)
    sequence = make_sequence(personas.recruiter, local_mailbox, [email(template), wait(5)])
    enrollment = enrol_one(personas, sequence, person)
    run_at(now)
    stale = DueItem.objects.get(key=f"outreach.enrollment:{enrollment.pk}:step:0:0")
    DueItem.objects.filter(pk=stale.pk).update(state="pending", attempts=0)

    # when it runs again
    run_at(now + timedelta(minutes=1))

    # then nothing was queued twice and the enrolment did not move
    assert len(messages_of(enrollment)) == 1
    enrollment.refresh_from_db()
    assert enrollment.current_step == 1


def test_stopping_by_hand_cancels_the_queued_email(personas, local_mailbox, template, now):
    person = make_contactable(personas.recruiter, personas.workspace)
    sequence = make_sequence(personas.recruiter, local_mailbox, [email(template), wait(1)])
    enrollment = enrol_one(personas, sequence, person)
    run_at(now)

    stop_enrollment(actor=personas.recruiter, enrollment=enrollment, reason=StopReason.MANUAL)

    enrollment.refresh_from_db()
    assert (enrollment.state, enrollment.stop_reason) == ("stopped", "stopped by hand")
    (queued,) = messages_of(enrollment)
    assert queued.state == "cancelled"
    assert not DueItem.objects.filter(state="pending", kind="outreach.sequence_step").exists()
    event = Event.objects.get(verb="sequence.stopped", subject_id=enrollment.pk)
    assert event.data["reason"] == "manual"


def test_a_person_no_longer_contactable_at_step_time_stops_the_sequence(
    personas, local_mailbox, template, now
):
    person = make_contactable(personas.recruiter, personas.workspace)
    sequence = make_sequence(personas.recruiter, local_mailbox, [email(template)])
    enrollment = enrol_one(personas, sequence, person)
    person.do_not_contact = True
    person.save()

    run_at(now)

    enrollment.refresh_from_db()
    assert enrollment.state == "stopped"
    assert enrollment.stop_reason.startswith("refused: person is marked do-not-contact")


# Stop rules from events -------------------------------------------------------------------


def _live(personas, local_mailbox, template, person) -> Enrollment:
    sequence = make_sequence(personas.recruiter, local_mailbox, [email(template), wait(3)])
    return enrol_one(personas, sequence, person)


def test_being_hired_stops_the_sequence(personas, local_mailbox, template, now):
    person = make_contactable(personas.recruiter, personas.workspace)
    enrollment = _live(personas, local_mailbox, template, person)
    job = JobFactory(workspace=personas.workspace)
    candidacy = do_add_candidacy(actor=personas.recruiter, person=person, job=job)

    do_hire_candidacy(actor=personas.recruiter, candidacy=candidacy)
    dispatch_pending()

    enrollment.refresh_from_db()
    assert (enrollment.state, enrollment.stop_reason) == ("stopped", "hired")


def test_advancing_in_a_job_stops_the_sequence_and_moving_back_does_not(
    personas, local_mailbox, template, now
):
    person = make_contactable(personas.recruiter, personas.workspace)
    job = JobFactory(workspace=personas.workspace)
    candidacy = do_add_candidacy(actor=personas.recruiter, person=person, job=job)
    stages = list(job.pipeline.stages.order_by("position"))
    do_move_candidacy(actor=personas.recruiter, candidacy=candidacy, to_stage=stages[2])
    dispatch_pending()
    enrollment = _live(personas, local_mailbox, template, person)

    # when moved back a stage, the sequence carries on
    do_move_candidacy(actor=personas.recruiter, candidacy=candidacy, to_stage=stages[1])
    dispatch_pending()
    enrollment.refresh_from_db()
    assert enrollment.state == "active"

    # when moved forward, it stops
    do_move_candidacy(actor=personas.recruiter, candidacy=candidacy, to_stage=stages[2])
    dispatch_pending()
    enrollment.refresh_from_db()
    assert (enrollment.state, enrollment.stop_reason) == ("stopped", "advanced in a job")


def test_unsubscribing_stops_every_sequence_of_the_address(personas, local_mailbox, template, now):
    person = make_contactable(personas.recruiter, personas.workspace, primary_email="a@ex.org")
    enrollment = _live(personas, local_mailbox, template, person)

    actions.suppress(personas.workspace, "A@ex.org", "unsubscribed")
    dispatch_pending()

    enrollment.refresh_from_db()
    assert enrollment.state == "stopped"
    assert enrollment.stop_reason.startswith("unsubscribed")


def test_opting_out_of_outreach_in_the_preference_centre_stops_the_sequence(
    personas, local_mailbox, template, now
):
    person = make_contactable(personas.recruiter, personas.workspace)
    enrollment = _live(personas, local_mailbox, template, person)

    actions.update_preferences(
        person=person,
        unsubscribe_all=False,
        opted_out_topics=["outreach"],
        job_alerts=False,
        role_interests=[],
        locations=[],
        seniorities=[],
    )
    dispatch_pending()

    enrollment.refresh_from_db()
    assert enrollment.state == "stopped"
