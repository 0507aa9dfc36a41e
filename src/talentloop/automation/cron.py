"""Five-field cron schedules (minute hour day-of-month month day-of-week). Pure.

Each field takes `*`, numbers, ranges `a-b`, steps `*/n` and `a-b/n`, and lists `a,b`;
months and weekdays also take English abbreviations (`jan`, `mon`), and Sunday is 0 or 7.
As in every cron, when both day fields are restricted a day matches either of them.
Times are local to the schedule's zone: a local time skipped by a daylight-saving change
does not fire that day, and a repeated one fires once (its first occurrence).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

MONTHS = {name: number for number, name in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
)}  # fmt: skip
WEEKDAYS = {name: number for number, name in enumerate(
    ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
)}  # fmt: skip
MAX_SEARCH_DAYS = 366 * 5


class CronError(ValueError):
    """A schedule that is not valid cron; the message names the field."""


@dataclass(frozen=True)
class _Field:
    name: str
    low: int
    high: int
    names: dict[str, int]


_FIELDS = (
    _Field("minute", 0, 59, {}),
    _Field("hour", 0, 23, {}),
    _Field("day of month", 1, 31, {}),
    _Field("month", 1, 12, MONTHS),
    _Field("day of week", 0, 7, WEEKDAYS),
)


@dataclass(frozen=True)
class CronSpec:
    minutes: tuple[int, ...]
    hours: tuple[int, ...]
    days: frozenset[int]
    months: frozenset[int]
    weekdays: frozenset[int]  # 0 = Sunday
    any_day: bool
    any_weekday: bool

    def matches_day(self, day: date) -> bool:
        """True when the schedule fires on some minute of this calendar day."""
        if day.month not in self.months:
            return False
        by_date = day.day in self.days
        by_weekday = day.isoweekday() % 7 in self.weekdays
        if self.any_day and self.any_weekday:
            return True
        if self.any_day:
            return by_weekday
        if self.any_weekday:
            return by_date
        return by_date or by_weekday

    def matches(self, local: datetime) -> bool:
        """True when the schedule fires at this local wall-clock minute."""
        return (
            local.minute in self.minutes
            and local.hour in self.hours
            and self.matches_day(local.date())
        )


def parse_cron(text: str) -> CronSpec:
    """The schedule of a five-field cron line; CronError names the field that is wrong."""
    parts = text.split()
    if len(parts) != 5:
        raise CronError("a schedule has 5 fields: minute hour day-of-month month day-of-week")
    values = [_parse_field(part, spec) for part, spec in zip(parts, _FIELDS, strict=True)]
    weekdays = frozenset(0 if day == 7 else day for day in values[4])
    return CronSpec(
        minutes=tuple(sorted(values[0])),
        hours=tuple(sorted(values[1])),
        days=frozenset(values[2]),
        months=frozenset(values[3]),
        weekdays=weekdays,
        any_day=parts[2] == "*",
        any_weekday=parts[4] == "*",
    )


def _parse_field(text: str, spec: _Field) -> set[int]:
    values: set[int] = set()
    for part in text.lower().split(","):
        values |= _parse_part(part, spec)
    return values


def _parse_part(part: str, spec: _Field) -> set[int]:
    base, slash, step_text = part.partition("/")
    step = _number(step_text, spec, 1, spec.high) if slash else 1
    if base == "*":
        start, end = spec.low, spec.high
    elif "-" in base:
        first, _, last = base.partition("-")
        start, end = _value(first, spec), _value(last, spec)
        if start > end:
            raise CronError(f"{spec.name}: the range {base} runs backwards")
    else:
        start = _value(base, spec)
        end = spec.high if slash else start
    return set(range(start, end + 1, step))


def _value(text: str, spec: _Field) -> int:
    if text in spec.names:
        return spec.names[text]
    return _number(text, spec, spec.low, spec.high)


def _number(text: str, spec: _Field, low: int, high: int) -> int:
    if not text.isascii() or not text.isdigit() or not low <= int(text) <= high:
        raise CronError(f"{spec.name}: '{text}' is not a number from {low} to {high}")
    return int(text)


def _local_moment(day: date, hour: int, minute: int, zone: ZoneInfo) -> datetime | None:
    """The UTC instant of a local wall-clock minute; None when the clock skipped it."""
    naive = datetime(day.year, day.month, day.day, hour, minute)
    instant = naive.replace(tzinfo=zone).astimezone(UTC)
    if instant.astimezone(zone).replace(tzinfo=None) != naive:
        return None
    # Why UTC: an aware time in a repeated hour never compares equal across zones.
    return instant


def latest_fire(
    spec: CronSpec, zone: ZoneInfo, after: datetime, until: datetime
) -> datetime | None:
    """The last fire time t (in UTC) with after < t <= until, or None."""
    day = until.astimezone(zone).date()
    first_day = max(after.astimezone(zone).date(), day - timedelta(days=MAX_SEARCH_DAYS))
    while day >= first_day:
        if spec.matches_day(day):
            for hour in reversed(spec.hours):
                for minute in reversed(spec.minutes):
                    moment = _local_moment(day, hour, minute, zone)
                    if moment is not None and after < moment <= until:
                        return moment
        day -= timedelta(days=1)
    return None


def next_fire(spec: CronSpec, zone: ZoneInfo, after: datetime) -> datetime | None:
    """The first fire time strictly after `after` (None when none comes within five years)."""
    day = after.astimezone(zone).date()
    for _ in range(MAX_SEARCH_DAYS):
        if spec.matches_day(day):
            for hour in spec.hours:
                for minute in spec.minutes:
                    moment = _local_moment(day, hour, minute, zone)
                    if moment is not None and moment > after:
                        return moment
        day += timedelta(days=1)
    return None
