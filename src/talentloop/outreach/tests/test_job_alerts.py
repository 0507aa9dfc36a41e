from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from talentloop.core import scheduling
from talentloop.core.models import DueItem
from talentloop.outreach import actions, job_alerts
from talentloop.outreach.job_alerts import Interests, JobFacts, digest, matches
from talentloop.outreach.models import Message
from talentloop.outreach.tests.conftest import make_contactable
from talentloop.outreach.tests.sequence_helpers import TUESDAY_10_UTC
from talentloop.testing.factories import JobFactory

BACKEND_BERLIN = JobFacts(1, "Senior Backend Engineer", "Platform", "Berlin", "DE", remote=False)
DATA_REMOTE = JobFacts(2, "Data Analyst", "Insights", "", "", remote=True)


def interests(roles=(), locations=(), seniorities=()) -> Interests:
    return Interests(tuple(roles), tuple(locations), tuple(seniorities))


def test_empty_preferences_match_every_job():
    assert matches(BACKEND_BERLIN, interests())


def test_roles_match_whole_words_of_the_title_or_department():
    assert matches(BACKEND_BERLIN, interests(roles=["backend engineer"]))
    assert matches(BACKEND_BERLIN, interests(roles=["platform"]))
    assert not matches(BACKEND_BERLIN, interests(roles=["frontend"]))
    assert not matches(BACKEND_BERLIN, interests(roles=["back"]))


def test_location_matches_city_country_or_remote():
    assert matches(BACKEND_BERLIN, interests(locations=["berlin"]))
    assert matches(BACKEND_BERLIN, interests(locations=["DE"]))
    assert not matches(BACKEND_BERLIN, interests(locations=["remote"]))
    assert matches(DATA_REMOTE, interests(locations=["Remote", "Paris"]))


def test_seniority_is_read_from_the_title():
    assert matches(BACKEND_BERLIN, interests(seniorities=["senior", "lead"]))
    assert not matches(BACKEND_BERLIN, interests(seniorities=["junior"]))
    assert not matches(DATA_REMOTE, interests(seniorities=["senior"]))


def test_every_preference_must_hold():
    wanted = interests(roles=["backend"], locations=["Paris"])
    assert not matches(BACKEND_BERLIN, wanted)


def test_the_digest_escapes_titles_and_links_the_preference_centre():
    job = JobFacts(3, "<b>Lead</b> & Co", "", "Paris", "FR", remote=True)
    rendered = digest([job, BACKEND_BERLIN], preferences_url="https://x.test/p/abc/")
    assert rendered.subject == "2 new jobs for you"
    assert "&lt;b&gt;Lead&lt;/b&gt; &amp; Co — Paris, FR (remote)" in rendered.html
    assert "https://x.test/p/abc/" in rendered.text


@pytest.mark.django_db
def test_the_weekly_run_queues_one_digest_per_subscriber_with_a_match(personas, local_mailbox):
    # given two subscribers, one wanting backend roles, one wanting design roles
    with time_machine.travel(TUESDAY_10_UTC - timedelta(days=2), tick=False):
        JobFactory(workspace=personas.workspace, title="Backend Engineer", status="open")
        JobFactory(workspace=personas.workspace, title="Closed Backend", status="closed")
    backend = make_contactable(personas.recruiter, personas.workspace, time_zone="Europe/Paris")
    design = make_contactable(personas.recruiter, personas.workspace)
    for person, role in ((backend, "backend"), (design, "designer")):
        actions.update_preferences(
            person=person, unsubscribe_all=False, opted_out_topics=[], job_alerts=True,
            role_interests=[role], locations=[], seniorities=[],
        )  # fmt: skip

    # when this week's run is booked and runs, twice
    with time_machine.travel(TUESDAY_10_UTC, tick=False):
        assert job_alerts.schedule_week(TUESDAY_10_UTC) == 1
        job_alerts.schedule_week(TUESDAY_10_UTC)
        assert scheduling.run_due(TUESDAY_10_UTC, 10) == 1
        job_alerts.send_digests(personas.workspace.pk, now=TUESDAY_10_UTC)

    # then only the backend subscriber got one digest, listing only the open job
    (message,) = Message.objects.filter(topic="job_alerts")
    assert message.person_id == backend.pk
    assert message.subject == "1 new job for you"
    assert "Backend Engineer" in message.text
    assert "Closed Backend" not in message.text
    assert message.state == "queued"
    assert DueItem.objects.filter(kind=job_alerts.DIGEST_KIND).count() == 1
