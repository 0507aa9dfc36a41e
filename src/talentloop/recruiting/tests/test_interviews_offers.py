"""Interviews and offers: actions write one Event each; the API checks roles and workspaces."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from talentloop.core.errors import Conflict, ValidationFailed
from talentloop.core.models import Event
from talentloop.recruiting import interview_actions
from talentloop.recruiting.actions import do_add_candidacy
from talentloop.recruiting.models import Interview, Offer
from talentloop.testing.factories import JobFactory, PersonFactory, TalentPoolFactory

pytestmark = pytest.mark.django_db
STARTS = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)
ENDS = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)


@pytest.fixture
def candidacy(personas):
    job = JobFactory(workspace=personas.workspace, hiring_manager=personas.hiring_manager)
    person = PersonFactory(workspace=personas.workspace)
    return do_add_candidacy(actor=personas.recruiter, person=person, job=job)


def test_scheduling_moving_and_cancelling_an_interview(personas, candidacy):
    # when an interview is scheduled, moved, then cancelled
    interview = interview_actions.do_schedule_interview(
        actor=personas.recruiter, candidacy=candidacy, starts_at=STARTS, ends_at=ENDS,
        interviewer_ids=[personas.coordinator.pk],
        fields={"time_zone": "Europe/Lisbon", "link": "https://meet.example.com/abc"},
    )  # fmt: skip
    later = STARTS.replace(hour=16)
    interview_actions.do_update_interview(
        actor=personas.recruiter, interview=interview,
        fields={"starts_at": later, "ends_at": later.replace(hour=17)},
    )  # fmt: skip
    interview_actions.do_cancel_interview(actor=personas.recruiter, interview=interview)

    # then the row says so and each change wrote one Event with ids only
    interview.refresh_from_db()
    assert (interview.state, interview.starts_at) == ("cancelled", later)
    assert list(interview.interviewers.all()) == [personas.coordinator]
    events = Event.objects.filter(subject_type="interview").order_by("id")
    assert [event.verb for event in events] == [
        "interview.scheduled", "interview.updated", "interview.cancelled"
    ]  # fmt: skip
    assert events[1].changed_fields == ["ends_at", "starts_at"]
    assert events[0].data == {
        "candidacy_id": candidacy.pk, "job_id": candidacy.job_id,
        "person_id": candidacy.person_id, "starts_at": STARTS.isoformat(),
    }  # fmt: skip
    with pytest.raises(Conflict, match="cancelled"):
        interview_actions.do_update_interview(
            actor=personas.recruiter, interview=interview, fields={"title": "x"}
        )


def test_an_invalid_interview_is_refused_field_by_field(personas, candidacy):
    with pytest.raises(ValidationFailed) as refused:
        interview_actions.do_schedule_interview(
            actor=personas.recruiter, candidacy=candidacy, starts_at=ENDS, ends_at=STARTS,
            interviewer_ids=[], fields={"time_zone": "Mars/Olympus", "link": "ftp://x"},
        )  # fmt: skip
    assert refused.value.fields == {
        "ends_at": "must be after starts_at",
        "time_zone": "unknown time zone 'Mars/Olympus'",
        "link": "must be an http:// or https:// address",
    }
    with pytest.raises(ValidationFailed, match="unknown interviewer"):
        interview_actions.do_schedule_interview(
            actor=personas.recruiter, candidacy=candidacy, starts_at=STARTS, ends_at=ENDS,
            interviewer_ids=[personas.outsider.pk],
        )  # fmt: skip
    pool_candidacy = do_add_candidacy(
        actor=personas.recruiter, person=candidacy.person,
        pool=TalentPoolFactory(workspace=personas.workspace),
    )  # fmt: skip
    with pytest.raises(ValidationFailed, match="job candidacies"):
        interview_actions.do_create_offer(actor=personas.recruiter, candidacy=pool_candidacy)
    assert not Interview.objects.exists()


def test_an_offer_goes_draft_extended_accepted_and_no_other_way(personas, candidacy):
    offer = interview_actions.do_create_offer(actor=personas.recruiter, candidacy=candidacy)
    with pytest.raises(Conflict, match="already has an offer"):
        interview_actions.do_create_offer(actor=personas.recruiter, candidacy=candidacy)
    with pytest.raises(Conflict, match="draft cannot become accepted"):
        interview_actions.do_set_offer_status(
            actor=personas.recruiter, offer=offer, status="accepted"
        )

    interview_actions.do_set_offer_status(actor=personas.recruiter, offer=offer, status="extended")
    interview_actions.do_set_offer_status(actor=personas.recruiter, offer=offer, status="accepted")

    offer.refresh_from_db()
    assert offer.status == "accepted"
    assert offer.extended_at is not None
    assert offer.decided_at is not None
    verbs = Event.objects.filter(subject_type="offer").order_by("id").values_list("verb", flat=True)
    assert list(verbs) == ["offer.created", "offer.extended", "offer.accepted"]


def test_a_declined_offer_makes_room_for_a_new_one(personas, candidacy):
    first = interview_actions.do_create_offer(actor=personas.recruiter, candidacy=candidacy)
    interview_actions.do_set_offer_status(actor=personas.recruiter, offer=first, status="declined")

    second = interview_actions.do_create_offer(actor=personas.recruiter, candidacy=candidacy)

    assert Offer.objects.filter(candidacy=candidacy).count() == 2
    assert second.status == "draft"


# --- API ----------------------------------------------------------------------------------------

BODY = {
    "starts_at": "2026-03-02T14:00:00Z",
    "ends_at": "2026-03-02T15:00:00Z",
    "time_zone": "Europe/Lisbon",
    "location": "Office, room 4",
}


@pytest.mark.parametrize(
    ("role", "read", "write"),
    [
        ("admin", 200, 201),
        ("recruiter", 200, 201),
        ("coordinator", 200, 201),
        ("hiring_manager", 200, 403),
        ("analyst", 200, 403),
        ("outsider", 404, 404),
    ],
)
def test_who_may_see_and_schedule_interviews(personas, candidacy, api_as, role, read, write):
    user = getattr(personas, role)
    client = api_as(user)

    created = client.post(f"/candidacies/{candidacy.pk}/interviews", BODY)
    listed = client.get(f"/candidacies/{candidacy.pk}/interviews")

    assert (listed.status_code, created.status_code) == (read, write)
    if write == 201:
        assert created.json()["location"] == "Office, room 4"
        assert listed.json()[0]["id"] == created.json()["id"]


def test_a_hiring_manager_of_another_job_gets_404(personas, api_as):
    other_job = JobFactory(workspace=personas.workspace)
    person = PersonFactory(workspace=personas.workspace)
    candidacy = do_add_candidacy(actor=personas.recruiter, person=person, job=other_job)

    response = api_as(personas.hiring_manager).get(f"/candidacies/{candidacy.pk}/interviews")

    assert response.status_code == 404


def test_the_api_moves_cancels_and_offers(personas, candidacy, api_as):
    client = api_as(personas.recruiter)
    interview = client.post(f"/candidacies/{candidacy.pk}/interviews", BODY).json()

    moved = client.patch(
        f"/interviews/{interview['id']}",
        {"starts_at": "2026-03-03T09:00:00Z", "ends_at": "2026-03-03T10:00:00Z",
         "interviewer_ids": [personas.admin.pk]},
    )  # fmt: skip
    bad = client.patch(f"/interviews/{interview['id']}", {"ends_at": "2026-03-01T10:00:00Z"})
    cancelled = client.post(f"/interviews/{interview['id']}/cancel")
    offer = client.post(f"/candidacies/{candidacy.pk}/offers", {"note": "Senior band"})
    skipped = client.post(f"/offers/{offer.json()['id']}/status", {"status": "accepted"})
    extended = client.post(f"/offers/{offer.json()['id']}/status", {"status": "extended"})
    unknown = client.post(f"/offers/{offer.json()['id']}/status", {"status": "signed"})

    assert moved.status_code == 200
    assert moved.json()["interviewer_ids"] == [personas.admin.pk]
    assert bad.status_code == 422
    assert bad.json()["error"]["fields"] == {"ends_at": "must be after starts_at"}
    assert cancelled.json()["state"] == "cancelled"
    assert offer.status_code == 201
    assert skipped.status_code == 409
    assert extended.json()["status"] == "extended"
    assert unknown.status_code == 422
