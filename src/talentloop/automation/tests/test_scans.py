"""Time-based triggers, found by the periodic scan: schedule, relative date, inactivity."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from talentloop.automation import scans
from talentloop.automation.actions import do_disable_workflow
from talentloop.automation.domain import DefinitionError
from talentloop.automation.engine import SCAN_KIND
from talentloop.automation.models import Run
from talentloop.automation.parsing import parse_definition
from talentloop.automation.tests.conftest import drive, make_workflow, new_people, new_person
from talentloop.core.models import DueItem
from talentloop.outreach.actions import record_basis, withdraw_basis
from talentloop.people.actions import do_log_activity, do_tag_people
from talentloop.people.domain import ActivityKind
from talentloop.people.models import Person

pytestmark = pytest.mark.django_db
TAG = [{"kind": "add_tag", "tag": "reached"}]


def scan_at(moment, every_s: int = 60) -> int:
    """What the worker tick does at `moment`, then the due work it booked."""
    with time_machine.travel(moment, tick=False):
        booked = scans.book_scans(moment, every_s)
    drive(moment)
    return booked


def test_a_schedule_runs_once_per_fire_for_the_people_of_its_condition(personas, now):
    # given a daily 09:00 (Berlin) workflow for people tagged "daily", enabled on Tuesday 10:00 UTC
    workflow = make_workflow(
        personas.recruiter,
        {"kind": "schedule", "cron": "0 9 * * *", "time_zone": "Europe/Berlin"},
        TAG,
        condition="tag:daily",
    )
    daily, other = new_people(2, personas.workspace)
    do_tag_people(
        actor=personas.admin, workspace=personas.workspace, people=[daily], names=["daily"]
    )

    # when the scan ticks on through the night to Wednesday 08:00 UTC (09:00 Berlin) and on
    for minutes in (30, 60 * 21, 60 * 21 + 59):
        scan_at(now + timedelta(minutes=minutes))
    assert not Run.objects.exists()
    fire = now + timedelta(hours=22)
    scan_at(fire + timedelta(seconds=20))
    scan_at(fire + timedelta(seconds=50))  # the same slot: booked once
    scan_at(fire + timedelta(minutes=1, seconds=10))  # the next slot: no new fire

    # then one run, for the tagged person only, keyed by the fire time
    (run,) = Run.objects.filter(workflow=workflow)
    assert (run.person_id, run.state, run.trigger_key) == (
        daily.pk,
        "done",
        f"cron:20260114T0800Z:{daily.pk}",
    )
    assert not other.tags.exists()
    assert [s.path for s in run.steps.all()] == ["steps[0]"]  # the scan applied the condition
    workflow.refresh_from_db()
    assert workflow.scanned_until == fire + timedelta(minutes=1, seconds=10)
    assert DueItem.objects.filter(kind=SCAN_KIND).count() == 5


def test_a_relative_date_fires_n_days_after_the_date(personas, now):
    soon = new_person(personas.workspace, last_engaged_at=now - timedelta(days=29, hours=23))
    long_ago = new_person(personas.workspace, last_engaged_at=now - timedelta(days=40))
    workflow = make_workflow(
        personas.recruiter,
        {"kind": "relative_date", "date_field": "last_engaged_at", "days": 30},
        TAG,
    )

    scan_at(now + timedelta(minutes=30))
    assert not Run.objects.exists()
    scan_at(now + timedelta(hours=2))
    scan_at(now + timedelta(hours=3))

    (run,) = Run.objects.filter(workflow=workflow)
    assert run.person_id == soon.pk
    assert run.trigger_key.startswith("date:")
    assert not long_ago.tags.exists()


def test_a_relative_date_counts_back_from_the_latest_live_consent_expiry(personas, now):
    # given consents expiring in 30 days (soon), in 30 days but renewed until next year
    # (renewed), and in 30 days but withdrawn (withdrawn)
    def consent(person, expires_at):
        return record_basis(actor=personas.recruiter, person=person, basis="consent",
                            evidence="form", expires_at=expires_at)  # fmt: skip

    expiry = now + timedelta(days=30, hours=1)
    soon, renewed, withdrawn = new_people(3, personas.workspace)
    consent(soon, expiry)
    consent(renewed, expiry)
    consent(renewed, now + timedelta(days=365))
    withdraw_basis(actor=personas.recruiter, basis=consent(withdrawn, expiry))
    workflow = make_workflow(
        personas.recruiter,
        {"kind": "relative_date", "date_field": "consent_expires_at", "days": 30, "before": True},
        TAG,
    )

    # when the scans pass the moment 30 days before the expiry
    scan_at(now + timedelta(minutes=30))
    assert not Run.objects.exists()
    scan_at(now + timedelta(hours=2))

    # then only the consent still due to expire asks again
    (run,) = Run.objects.filter(workflow=workflow)
    assert run.person_id == soon.pk


def test_before_is_refused_for_a_date_in_the_past(personas):
    definition = {
        "trigger": {"kind": "relative_date", "date_field": "created_at", "days": 3, "before": True},
        "steps": TAG,
    }

    with pytest.raises(DefinitionError) as refused:
        parse_definition(definition)

    assert list(refused.value.fields) == ["trigger.before"]


def test_inactivity_fires_once_per_quiet_spell(personas, now):
    person = new_person(personas.workspace)
    do_log_activity(actor=personas.recruiter, person=person, kind=ActivityKind.CALL,
                    occurred_at=now - timedelta(days=59, hours=23))  # fmt: skip
    busy = new_person(personas.workspace)
    do_log_activity(actor=personas.recruiter, person=busy, kind=ActivityKind.CALL,
                    occurred_at=now - timedelta(days=2))  # fmt: skip
    workflow = make_workflow(personas.recruiter, {"kind": "inactivity", "days": 60}, TAG)

    scan_at(now + timedelta(hours=2))
    scan_at(now + timedelta(hours=4))

    (run,) = Run.objects.filter(workflow=workflow)
    assert run.person_id == person.pk
    assert run.state == "done"


def test_a_disabled_workflow_is_not_scanned(personas, now):
    workflow = make_workflow(personas.recruiter, {"kind": "inactivity", "days": 1}, TAG)
    do_disable_workflow(actor=personas.recruiter, workflow=workflow)
    new_person(personas.workspace)

    assert scan_at(now + timedelta(days=3)) == 0
    assert not Run.objects.exists()


def test_a_window_larger_than_one_scan_continues_where_it_stopped(personas, now, monkeypatch):
    monkeypatch.setattr(scans, "SCAN_CAP", 2)
    people = new_people(5, personas.workspace)
    do_tag_people(actor=personas.admin, workspace=personas.workspace, people=people, names=["all"])
    workflow = make_workflow(
        personas.recruiter, {"kind": "schedule", "cron": "*/5 * * * *"}, TAG, condition="tag:all"
    )

    scan_at(now + timedelta(minutes=5, seconds=5))

    started = Run.objects.filter(workflow=workflow).values_list("person_id", flat=True)
    assert sorted(started) == sorted(person.pk for person in people)
    assert Person.objects.filter(tags__name="reached").count() == 5
