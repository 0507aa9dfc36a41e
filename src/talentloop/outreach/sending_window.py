"""When a sequence may send: business days and business hours in the recipient's time zone.

Pure functions: every instant in and out is an aware datetime; the caller passes `now`.
"Inside business hours" means the recipient's local wall clock shows a business day (not a
holiday) and a time in [start, end). Local times that a daylight-saving change skips are
never produced: each candidate is converted to an instant and back before it is accepted.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

MONDAY_TO_FRIDAY = frozenset({0, 1, 2, 3, 4})
# Enough to step over any run of weekend days, holidays and skipped local hours.
_MAX_DAYS_AHEAD = 800


@dataclass(frozen=True)
class BusinessHours:
    """Working days (0 = Monday) and the local time window a message may leave in."""

    start: time = time(9, 0)
    end: time = time(17, 0)
    weekdays: frozenset[int] = MONDAY_TO_FRIDAY
    holidays: frozenset[date] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        if not self.start < self.end:
            raise ValueError("business hours must start before they end")
        if not self.weekdays or not self.weekdays <= frozenset(range(7)):
            raise ValueError("business days must be weekday numbers 0 (Monday) to 6")

    def is_business_day(self, day: date) -> bool:
        return day.weekday() in self.weekdays and day not in self.holidays


def parse_weekdays(values: Iterable[int | str]) -> frozenset[int]:
    """Weekday numbers from form or JSON values; raises ValueError on anything else."""
    days = frozenset(int(value) for value in values)
    if not days <= frozenset(range(7)):
        raise ValueError("weekdays are 0 (Monday) to 6 (Sunday)")
    return days


def resolve_zone(*names: str) -> ZoneInfo:
    """The first valid IANA zone among `names` (recipient's, then fallbacks), else UTC."""
    for name in names:
        if not name:
            continue
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            continue
    return ZoneInfo("UTC")


def is_zone_name(name: str) -> bool:
    if not name or len(name) > 64:
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


def is_within(moment: datetime, zone: ZoneInfo, hours: BusinessHours) -> bool:
    """True when `moment` falls inside business hours on the recipient's wall clock."""
    local = moment.astimezone(zone)
    return hours.is_business_day(local.date()) and hours.start <= local.time() < hours.end


def next_send_slot(not_before: datetime, zone: ZoneInfo, hours: BusinessHours) -> datetime:
    """The earliest instant ≥ `not_before` inside business hours in `zone` (returned in UTC)."""
    _require_aware(not_before)
    candidate = not_before.astimezone(UTC)
    for _ in range(_MAX_DAYS_AHEAD * 2):
        if is_within(candidate, zone, hours):
            return candidate
        candidate = max(_next_opening(candidate, zone, hours), candidate + timedelta(seconds=1))
    raise ValueError("no business hours found in the next two years")


def _next_opening(moment: datetime, zone: ZoneInfo, hours: BusinessHours) -> datetime:
    """The next instant after `moment` at which business hours open on the local clock."""
    day = moment.astimezone(zone).date()
    if hours.is_business_day(day):
        ahead = [at for at in _openings(day, hours.start, zone) if at > moment]
        if ahead:
            return min(ahead)
    return min(_openings(_next_business_day(day, hours), hours.start, zone))


def _openings(day: date, at: time, zone: ZoneInfo) -> list[datetime]:
    """The instants the local clock reads `at` on `day`: one, two (clocks going back), or,
    when the clocks jump over `at`, the instant of the jump."""
    local = datetime.combine(day, at, tzinfo=zone)
    first, second = local.astimezone(UTC), local.replace(fold=1).astimezone(UTC)
    if first.astimezone(zone).replace(tzinfo=None) == local.replace(tzinfo=None):
        return [first, second]
    return [_jump_instant(min(first, second), max(first, second), zone, local)]


def _jump_instant(before: datetime, after: datetime, zone: ZoneInfo, local: datetime) -> datetime:
    # Bisect to the first second whose local reading is at or past the skipped `local` time.
    wanted = local.replace(tzinfo=None)
    while after - before > timedelta(seconds=1):
        middle = before + (after - before) // 2
        if middle.astimezone(zone).replace(tzinfo=None) >= wanted:
            after = middle
        else:
            before = middle
    return after


def add_business_days(
    moment: datetime, days: int, zone: ZoneInfo, hours: BusinessHours
) -> datetime:
    """The same local time `days` business days later (a wait step), in UTC.

    Counting starts from the recipient's local date of `moment`; the result may fall outside
    business hours when `moment` did, so callers pass it through `next_send_slot`.
    """
    _require_aware(moment)
    if days < 0:
        raise ValueError("a wait cannot be negative")
    local = moment.astimezone(zone)
    day = local.date()
    for _ in range(days):
        day = _next_business_day(day, hours)
    target = _at_local(day, local.time().replace(tzinfo=None), zone)
    return max(target, moment.astimezone(UTC))


def _next_business_day(day: date, hours: BusinessHours) -> date:
    for offset in range(1, _MAX_DAYS_AHEAD):
        candidate = day + timedelta(days=offset)
        if hours.is_business_day(candidate):
            return candidate
    raise ValueError("no business day found in the next two years")


def _at_local(day: date, at: time, zone: ZoneInfo) -> datetime:
    # fold=0 picks the first of a repeated hour; a skipped hour maps to the later offset.
    return datetime.combine(day, at, tzinfo=zone).astimezone(UTC)


def _require_aware(moment: datetime) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("times must carry a time zone")
