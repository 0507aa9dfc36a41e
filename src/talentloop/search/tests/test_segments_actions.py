"""Segment and list actions: validation, baselines, refresh diffs and their events."""

from __future__ import annotations

from datetime import timedelta

import pytest

from talentloop.core import clock
from talentloop.core.errors import Conflict, ValidationFailed
from talentloop.core.models import Event
from talentloop.people.models import Person
from talentloop.search import actions, list_actions
from talentloop.search.domain import QueryError
from talentloop.search.models import Segment, SegmentCount, SegmentMembership, StaticListMember
from talentloop.testing.factories import PersonFactory

pytestmark = pytest.mark.django_db


def members(segment: Segment) -> set[int]:
    return set(
        SegmentMembership.objects.filter(segment=segment).values_list("person_id", flat=True)
    )


def membership_events(segment: Segment, verb: str) -> list[int]:
    events = Event.objects.filter(verb=verb, subject_type="segment", subject_id=segment.pk)
    return sorted(event.data["person_id"] for event in events)


def berliners(personas, **extra):
    return actions.do_create_segment(
        actor=personas.recruiter,
        workspace=personas.workspace,
        name=extra.pop("name", "Berlin"),
        query=extra.pop("query", "city:Berlin"),
        **extra,
    )


def test_creating_a_segment_takes_a_silent_baseline(personas):
    # given two Berliners and a Parisian
    ada = PersonFactory(workspace=personas.workspace, city="Berlin")
    bob = PersonFactory(workspace=personas.workspace, city="berlin")
    PersonFactory(workspace=personas.workspace, city="Paris")
    PersonFactory(city="Berlin")  # another workspace

    # when a segment is saved
    segment = berliners(personas, description="  people in Berlin ")

    # then its membership is the current match, with a count row and no entered events
    assert members(segment) == {ada.pk, bob.pk}
    segment.refresh_from_db()
    assert segment.last_count == 2
    assert segment.last_evaluated_at is not None
    assert segment.description == "people in Berlin"
    assert segment.owner == personas.recruiter
    assert list(SegmentCount.objects.filter(segment=segment).values_list("count", flat=True)) == [2]
    assert membership_events(segment, "segment.entered") == []
    created = Event.objects.get(verb="segment.created", subject_id=segment.pk)
    assert created.actor == personas.recruiter


def test_an_invalid_query_is_refused_with_position_and_hint(personas):
    with pytest.raises(QueryError) as caught:
        berliners(personas, query="skils:python")

    assert caught.value.status == 400
    assert caught.value.position == 0
    assert "skills" in caught.value.hint + caught.value.message
    assert not Segment.objects.exists()


@pytest.mark.parametrize("name", ["", "   ", "x" * 101])
def test_a_segment_needs_a_sensible_name(personas, name):
    with pytest.raises(ValidationFailed) as caught:
        berliners(personas, name=name)
    assert "name" in caught.value.fields


def test_segment_names_are_unique_per_workspace(personas):
    berliners(personas)
    with pytest.raises(Conflict):
        berliners(personas, query="city:Paris")
    # another workspace may use the same name
    actions.do_create_segment(
        actor=personas.outsider, workspace=personas.outsider.workspace, name="Berlin", query=""
    )


def test_refresh_emits_entered_and_left_once_per_change(personas):
    # given a segment and then people moving in and out of Berlin without the consumer noticing
    stays = PersonFactory(workspace=personas.workspace, city="Berlin")
    leaves = PersonFactory(workspace=personas.workspace, city="Berlin")
    segment = berliners(personas)
    arrives = PersonFactory(workspace=personas.workspace, city="Paris")
    Person.objects.filter(pk=leaves.pk).update(city="Rome")
    Person.objects.filter(pk=arrives.pk).update(city="Berlin")

    # when it is refreshed twice
    first = actions.refresh_segment(segment)
    second = actions.refresh_segment(segment)

    # then the changes were recorded and announced exactly once
    assert first == actions.RefreshResult(entered=1, left=1, count=2)
    assert second == actions.RefreshResult(entered=0, left=0, count=2)
    assert members(segment) == {stays.pk, arrives.pk}
    assert membership_events(segment, "segment.entered") == [arrives.pk]
    assert membership_events(segment, "segment.left") == [leaves.pk]
    event = Event.objects.get(verb="segment.entered")
    assert event.actor is None
    assert set(event.data) == {"segment_id", "person_id"}  # ids only, no personal data
    latest = SegmentCount.objects.filter(segment=segment).order_by("-counted_at", "-pk").first()
    assert latest is not None
    assert (latest.entered, latest.left) == (1, 1)


def test_refreshing_only_some_people_leaves_the_others_alone(personas):
    watched = PersonFactory(workspace=personas.workspace, city="Paris")
    unwatched = PersonFactory(workspace=personas.workspace, city="Paris")
    segment = berliners(personas)
    Person.objects.filter(pk__in=[watched.pk, unwatched.pk]).update(city="Berlin")

    changes = actions.refresh_people(personas.workspace.pk, [watched.pk])

    assert changes == 1
    assert members(segment) == {watched.pk}
    segment.refresh_from_db()
    assert segment.last_count == 1


def test_changing_the_query_rebaselines_without_events(personas):
    PersonFactory(workspace=personas.workspace, city="Berlin")
    parisian = PersonFactory(workspace=personas.workspace, city="Paris")
    segment = berliners(personas)

    actions.do_update_segment(actor=personas.admin, segment=segment, query="city:Paris")

    assert members(segment) == {parisian.pk}
    assert membership_events(segment, "segment.entered") == []
    assert membership_events(segment, "segment.left") == []
    updated = Event.objects.get(verb="segment.updated", subject_id=segment.pk)
    assert updated.changed_fields == ["query"]


def test_a_time_relative_segment_drifts_on_the_periodic_sweep(personas):
    # given someone engaged 80 days ago in a "engaged within 90 days" segment
    now = clock.now()
    person = PersonFactory(workspace=personas.workspace, last_engaged_at=now - timedelta(days=80))
    segment = berliners(personas, name="Warm", query="last_engaged<90d")
    assert members(segment) == {person.pk}

    # when time passes (the engagement is now 100 days old) and the sweep finds it due
    Person.objects.filter(pk=person.pk).update(last_engaged_at=now - timedelta(days=100))
    Segment.objects.filter(pk=segment.pk).update(last_evaluated_at=now - timedelta(hours=1))
    refreshed = actions.refresh_due_segments(now=clock.now(), every=timedelta(minutes=5))

    # then the person left, with an event
    assert refreshed == 1
    assert members(segment) == set()
    assert membership_events(segment, "segment.left") == [person.pk]


def test_the_sweep_skips_segments_evaluated_recently(personas):
    segment = berliners(personas)
    before = SegmentCount.objects.filter(segment=segment).count()

    assert actions.refresh_due_segments(now=clock.now(), every=timedelta(minutes=5)) == 0
    assert SegmentCount.objects.filter(segment=segment).count() == before


def test_a_query_that_stops_compiling_keeps_the_last_membership(personas):
    person = PersonFactory(workspace=personas.workspace, city="Berlin")
    segment = berliners(personas)
    Segment.objects.filter(pk=segment.pk).update(query="city:")

    assert actions.refresh_segment(segment) == actions.RefreshResult(0, 0, 1)

    segment.refresh_from_db()
    assert members(segment) == {person.pk}
    assert segment.last_error


def test_deleting_a_segment_keeps_its_snapshots(personas):
    person = PersonFactory(workspace=personas.workspace, city="Berlin")
    segment = berliners(personas)
    snapshot = list_actions.do_snapshot_segment(
        actor=personas.recruiter, segment=segment, name="Berlin, today"
    )

    segment_id = segment.pk
    actions.do_delete_segment(actor=personas.admin, segment=segment)

    assert not Segment.objects.filter(pk=segment_id).exists()
    snapshot.refresh_from_db()
    assert snapshot.source_segment is None
    assert list(snapshot.members.values_list("person_id", flat=True)) == [person.pk]
    assert snapshot.members.get().added_by == personas.recruiter
    assert Event.objects.filter(verb="segment.deleted", subject_id=segment_id).exists()


def test_list_members_are_added_once_and_removed(personas):
    ada, bob = PersonFactory.create_batch(2, workspace=personas.workspace)
    static_list = list_actions.do_create_list(
        actor=personas.recruiter, workspace=personas.workspace, name="Shortlist"
    )

    assert (
        list_actions.do_add_list_members(
            actor=personas.recruiter, static_list=static_list, person_ids=[ada.pk, bob.pk]
        )
        == 2
    )
    assert (
        list_actions.do_add_list_members(
            actor=personas.recruiter, static_list=static_list, person_ids=[ada.pk]
        )
        == 0
    )
    assert (
        list_actions.do_remove_list_members(
            actor=personas.recruiter, static_list=static_list, person_ids=[ada.pk, ada.pk]
        )
        == 1
    )

    remaining = StaticListMember.objects.filter(static_list=static_list)
    assert list(remaining.values_list("person_id", flat=True)) == [bob.pk]
    assert remaining.get().added_by == personas.recruiter
    added = Event.objects.get(verb="list.members_added")
    assert added.data == {"person_ids": sorted([ada.pk, bob.pk])}


def test_people_of_another_workspace_cannot_join_a_list(personas):
    stranger = PersonFactory()
    static_list = list_actions.do_create_list(
        actor=personas.recruiter, workspace=personas.workspace, name="Shortlist"
    )

    with pytest.raises(ValidationFailed) as caught:
        list_actions.do_add_list_members(
            actor=personas.recruiter, static_list=static_list, person_ids=[stranger.pk]
        )
    assert str(stranger.pk) in caught.value.fields["person_ids"]
    assert not StaticListMember.objects.exists()


def test_a_snapshot_by_the_system_has_no_adder(personas):
    person = PersonFactory(workspace=personas.workspace, city="Berlin")
    segment = berliners(personas)

    snapshot = list_actions.do_snapshot_segment(actor=None, segment=segment, name="Nightly")

    member = snapshot.members.get()
    assert (member.person_id, member.added_by) == (person.pk, None)
    assert Event.objects.get(verb="list.snapshotted").data == {"segment_id": segment.pk, "count": 1}


def test_unchanged_refreshes_add_count_rows_only_hourly(personas):
    person = PersonFactory(workspace=personas.workspace, city="Berlin")
    segment = berliners(personas)
    history = SegmentCount.objects.filter(segment=segment)

    actions.refresh_segment(segment)
    actions.refresh_people(personas.workspace.pk, [person.pk])
    assert history.count() == 1

    history.update(counted_at=clock.now() - timedelta(hours=2))
    actions.refresh_segment(segment)
    assert history.count() == 2
