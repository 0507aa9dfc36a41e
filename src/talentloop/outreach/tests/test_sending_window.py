from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, available_timezones

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from talentloop.outreach.sending_window import (
    BusinessHours,
    add_business_days,
    is_within,
    next_send_slot,
    resolve_zone,
)

NINE_TO_FIVE = BusinessHours()
BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
ZONES = sorted(available_timezones())


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def test_a_time_inside_business_hours_is_kept():
    # Tuesday 10:00 in Berlin (winter, UTC+1)
    moment = utc(2026, 1, 13, 9, 0)
    assert next_send_slot(moment, BERLIN, NINE_TO_FIVE) == moment


def test_before_opening_waits_for_nine_local():
    # Tuesday 06:00 in Berlin → 09:00 Berlin = 08:00 UTC
    assert next_send_slot(utc(2026, 1, 13, 5, 0), BERLIN, NINE_TO_FIVE) == utc(2026, 1, 13, 8, 0)


def test_after_closing_on_friday_waits_for_monday_morning_in_the_recipients_zone():
    # Friday 17:30 in New York (UTC-5) → Monday 09:00 New York = 14:00 UTC
    friday_evening = utc(2026, 1, 16, 22, 30)
    assert next_send_slot(friday_evening, NEW_YORK, NINE_TO_FIVE) == utc(2026, 1, 19, 14, 0)


def test_the_same_instant_is_inside_hours_for_one_zone_and_not_another():
    moment = utc(2026, 1, 13, 15, 0)  # 16:00 Berlin, 10:00 New York
    assert is_within(moment, BERLIN, NINE_TO_FIVE)
    tokyo = ZoneInfo("Asia/Tokyo")  # 00:00 next day
    assert not is_within(moment, tokyo, NINE_TO_FIVE)
    assert next_send_slot(moment, tokyo, NINE_TO_FIVE) == utc(2026, 1, 14, 0, 0)


def test_holidays_are_skipped():
    hours = BusinessHours(holidays=frozenset({date(2026, 12, 25)}))
    christmas_morning = utc(2026, 12, 25, 10, 0)
    assert next_send_slot(christmas_morning, ZoneInfo("UTC"), hours) == utc(2026, 12, 28, 9, 0)


def test_a_start_hour_skipped_by_daylight_saving_opens_when_the_clock_allows():
    # Berlin jumps from 02:00 to 03:00 on Sunday 29 March 2026; a 7-days 02:30 window opens at 03:00
    hours = BusinessHours(start=time(2, 30), end=time(4, 0), weekdays=frozenset(range(7)))
    slot = next_send_slot(utc(2026, 3, 28, 23, 0), BERLIN, hours)
    assert slot == utc(2026, 3, 29, 1, 0)  # 03:00 CEST
    assert is_within(slot, BERLIN, hours)


def test_wait_counts_business_days_in_the_recipients_zone():
    # Thursday 10:00 Berlin + 2 business days → Monday 10:00 Berlin
    thursday = utc(2026, 1, 15, 9, 0)
    assert add_business_days(thursday, 2, BERLIN, NINE_TO_FIVE) == utc(2026, 1, 19, 9, 0)
    assert add_business_days(thursday, 0, BERLIN, NINE_TO_FIVE) == thursday


def test_wait_keeps_the_local_time_across_a_daylight_saving_change():
    # Friday 27 March 10:00 CET (09:00 UTC) + 1 business day → Monday 10:00 CEST (08:00 UTC)
    assert add_business_days(utc(2026, 3, 27, 9, 0), 1, BERLIN, NINE_TO_FIVE) == utc(
        2026, 3, 30, 8, 0
    )


def test_zone_falls_back_in_order_and_to_utc():
    assert resolve_zone("", "Europe/Berlin") == BERLIN
    assert resolve_zone("Not/AZone", "America/New_York") == NEW_YORK
    assert resolve_zone("", "nonsense") == ZoneInfo("UTC")
    assert resolve_zone("a" * 1000, "../../etc/passwd") == ZoneInfo("UTC")


def test_bad_business_hours_are_refused():
    with pytest.raises(ValueError, match="start before"):
        BusinessHours(start=time(17), end=time(9))
    with pytest.raises(ValueError, match="weekday"):
        BusinessHours(weekdays=frozenset({7}))
    with pytest.raises(ValueError, match="time zone"):
        next_send_slot(datetime(2026, 1, 1, 9, 0), BERLIN, NINE_TO_FIVE)


@st.composite
def business_hours(draw: st.DrawFn) -> BusinessHours:
    start_minute = draw(st.integers(min_value=0, max_value=24 * 60 - 2))
    end_minute = draw(st.integers(min_value=start_minute + 1, max_value=24 * 60 - 1))
    weekdays = draw(st.frozensets(st.integers(0, 6), min_size=1))
    return BusinessHours(
        start=time(start_minute // 60, start_minute % 60),
        end=time(end_minute // 60, end_minute % 60),
        weekdays=weekdays,
    )


instants = st.datetimes(
    min_value=datetime(1995, 1, 1), max_value=datetime(2080, 1, 1), timezones=st.just(UTC)
)


@settings(max_examples=400, deadline=None)
@given(not_before=instants, zone_name=st.sampled_from(ZONES), hours=business_hours())
def test_a_send_slot_is_inside_business_hours_and_never_early(not_before, zone_name, hours):
    zone = ZoneInfo(zone_name)
    slot = next_send_slot(not_before, zone, hours)

    assert slot >= not_before
    assert is_within(slot, zone, hours)
    # and it is the earliest: either the requested time itself or the moment a window opens
    assert slot == not_before or not is_within(slot - timedelta(seconds=1), zone, hours)
    assert slot - not_before <= timedelta(days=8)


@settings(max_examples=200, deadline=None)
@given(
    start=instants,
    days=st.integers(min_value=0, max_value=30),
    zone_name=st.sampled_from(ZONES),
    hours=business_hours(),
)
def test_a_wait_never_goes_backwards_and_a_slot_after_it_is_valid(start, days, zone_name, hours):
    zone = ZoneInfo(zone_name)
    after_wait = add_business_days(start, days, zone, hours)
    slot = next_send_slot(after_wait, zone, hours)

    assert start <= after_wait <= slot
    assert is_within(slot, zone, hours)
    assert after_wait - start >= timedelta(days=days) - timedelta(hours=26)


DST_ZONES = [
    "Europe/Berlin",
    "America/New_York",
    "Australia/Sydney",
    "America/Havana",
    "America/Santiago",
    "Pacific/Chatham",
    "Australia/Lord_Howe",
]


@st.composite
def small_hours(draw: st.DrawFn) -> BusinessHours:
    # Windows that open in the small hours, where clocks jump forwards and back.
    start_minute = draw(st.integers(min_value=0, max_value=4 * 60))
    length = draw(st.integers(min_value=1, max_value=3 * 60))
    end_minute = start_minute + length
    return BusinessHours(
        start=time(start_minute // 60, start_minute % 60),
        end=time(end_minute // 60, end_minute % 60),
        weekdays=frozenset(range(7)),
    )


@settings(max_examples=300, deadline=None)
@given(
    not_before=st.datetimes(
        min_value=datetime(2024, 1, 1), max_value=datetime(2028, 1, 1), timezones=st.just(UTC)
    ),
    zone_name=st.sampled_from(DST_ZONES),
    hours=small_hours(),
)
def test_send_slots_around_daylight_saving_changes(not_before, zone_name, hours):
    zone = ZoneInfo(zone_name)
    slot = next_send_slot(not_before, zone, hours)

    assert slot >= not_before
    assert is_within(slot, zone, hours)
    assert slot == not_before or not is_within(slot - timedelta(seconds=1), zone, hours)
