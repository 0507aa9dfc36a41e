"""Cron schedules: parsing, errors, fire times (with daylight saving), against brute force."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from talentloop.automation.cron import CronError, latest_fire, next_fire, parse_cron

BERLIN = ZoneInfo("Europe/Berlin")


def test_fields_take_stars_steps_ranges_lists_and_names():
    spec = parse_cron("*/15 9-17/4 1,15 jan-mar mon-fri")

    assert spec.minutes == (0, 15, 30, 45)
    assert spec.hours == (9, 13, 17)
    assert spec.days == {1, 15}
    assert spec.months == {1, 2, 3}
    assert spec.weekdays == {1, 2, 3, 4, 5}


def test_sunday_is_zero_or_seven():
    assert parse_cron("0 0 * * 7").weekdays == parse_cron("0 0 * * sun").weekdays == {0}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("* * * *", "a schedule has 5 fields"),
        ("60 * * * *", "minute: '60' is not a number from 0 to 59"),
        ("* 24 * * *", "hour: '24' is not a number from 0 to 23"),
        ("* * 0 * *", "day of month: '0' is not a number from 1 to 31"),
        ("* * * 13 *", "month: '13' is not a number from 1 to 12"),
        ("* * * * 8", "day of week: '8' is not a number from 0 to 7"),
        ("* * * * funday", "day of week: 'funday' is not a number"),
        ("*/0 * * * *", "minute: '0' is not a number from 1 to 59"),
        ("5-1 * * * *", "minute: the range 5-1 runs backwards"),
        ("1,,2 * * * *", "minute: '' is not a number"),
        ("٣ * * * *", "minute: '٣' is not a number"),
    ],
)
def test_bad_schedules_name_the_field(text, message):
    with pytest.raises(CronError, match=message):
        parse_cron(text)


def test_restricted_day_fields_match_either_day():
    spec = parse_cron("0 9 13 * fri")  # the 13th, and every Friday

    assert spec.matches_day(datetime(2026, 1, 13).date())  # a Tuesday the 13th
    assert spec.matches_day(datetime(2026, 1, 16).date())  # a Friday
    assert not spec.matches_day(datetime(2026, 1, 14).date())


def test_latest_and_next_fire_in_the_schedules_zone():
    spec = parse_cron("0 9 * * mon")  # Mondays 09:00 Berlin time (08:00 UTC in winter)
    tuesday = datetime(2026, 1, 13, 10, 0, tzinfo=UTC)

    assert latest_fire(spec, BERLIN, tuesday - timedelta(days=2), tuesday) == datetime(
        2026, 1, 12, 8, 0, tzinfo=UTC
    )
    assert latest_fire(spec, BERLIN, tuesday - timedelta(hours=20), tuesday) is None
    assert next_fire(spec, BERLIN, tuesday) == datetime(2026, 1, 19, 8, 0, tzinfo=UTC)


def test_a_time_skipped_by_daylight_saving_does_not_fire_that_day():
    # 29 March 2026: Berlin clocks jump from 02:00 to 03:00
    spec = parse_cron("30 2 * * *")
    night = datetime(2026, 3, 29, 0, 0, tzinfo=UTC)

    assert next_fire(spec, BERLIN, night) == datetime(2026, 3, 30, 0, 30, tzinfo=UTC)


def test_a_repeated_time_fires_once():
    # 25 October 2026: Berlin clocks go back from 03:00 to 02:00; 02:30 happens twice
    spec = parse_cron("30 2 * * *")
    day = datetime(2026, 10, 24, 22, 0, tzinfo=UTC)

    first = next_fire(spec, BERLIN, day)
    assert first == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    assert next_fire(spec, BERLIN, first) == datetime(2026, 10, 26, 1, 30, tzinfo=UTC)


def test_an_impossible_date_never_fires():
    assert next_fire(parse_cron("0 0 30 2 *"), BERLIN, datetime(2026, 1, 1, tzinfo=UTC)) is None


_field = st.one_of(
    st.just("*"),
    st.builds(lambda a, b: f"{min(a, b)}-{max(a, b)}", st.integers(0, 23), st.integers(0, 23)),
    st.builds(lambda n: f"*/{n}", st.integers(1, 12)),
    st.lists(st.integers(0, 23), min_size=1, max_size=3).map(lambda xs: ",".join(map(str, xs))),
)
_expression = st.builds(
    lambda minute, hour, day, weekday: f"{minute} {hour} {day} * {weekday}",
    _field,
    _field,
    st.sampled_from(["*", "1", "1-10", "*/7", "13,28"]),
    st.sampled_from(["*", "1", "1-5", "0,6", "*/2"]),
)


@settings(max_examples=60, deadline=None)
@given(
    expression=_expression,
    start=st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2027, 1, 1)),
    hours=st.integers(1, 30),
)
def test_latest_fire_agrees_with_checking_every_minute(expression, start, hours):
    spec = parse_cron(expression)
    after = start.replace(second=0, microsecond=0, tzinfo=UTC)
    until = after + timedelta(hours=hours)

    expected = None
    moment = until
    while moment > after:
        if spec.matches(moment):
            expected = moment
            break
        moment -= timedelta(minutes=1)

    assert latest_fire(spec, ZoneInfo("UTC"), after, until) == expected
    found = next_fire(spec, ZoneInfo("UTC"), after)
    if found is not None and found <= until:
        assert spec.matches(found)
        assert not any(
            spec.matches(after + timedelta(minutes=n))
            for n in range(1, int((found - after).total_seconds() // 60))
        )
