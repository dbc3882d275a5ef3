"""Europe/London arithmetic on whole epoch seconds, fast enough for millions of generated rows.

The offset from UTC is looked up once per UTC day (it changes on Sunday mornings at 01:00 UTC,
so an instant within that hour may be an hour off: harmless for generated data).
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")
DAY = 86_400
HOUR = 3_600


@cache
def _offset_on(utc_day: int) -> int:
    noon = datetime.fromtimestamp(utc_day * DAY + 12 * HOUR, UTC)
    offset = noon.astimezone(LONDON).utcoffset()
    assert offset is not None
    return int(offset.total_seconds())


def local_seconds(at: int) -> int:
    """Seconds since the epoch on the London wall clock."""
    return at + _offset_on(at // DAY)


def local_day(at: int) -> int:
    """The London day number (days since 1970-01-01) of an instant."""
    return local_seconds(at) // DAY


def at_local(day: int, hour: int) -> int:
    """The instant of `hour`:00 London time on local day `day`."""
    return day * DAY + hour * HOUR - _offset_on(day)


def end_of_local_day(day: int) -> int:
    """Midnight at the end of local day `day`: how a period 'beginning with' a day ends."""
    return at_local(day + 1, 0)


def is_sunday(day: int) -> bool:
    return (day + 3) % 7 == 6  # 1970-01-01 was a Thursday


def excluded_day_clock(start: int, hours: int) -> int:
    """A near enough 48- or 24-hour clock that skips Sundays whole (CSA 2010 s27(4); DAA 2021
    s29(3)); bank holidays are left out, so a generated deadline may be a day early at Easter."""
    day = local_day(start)
    if is_sunday(day):
        start, day = at_local(day + 1, 0), day + 1
    left = hours * HOUR
    at = start
    while True:
        day_end = end_of_local_day(day)
        if is_sunday(day):
            at, day = day_end, day + 1
            continue
        if at + left <= day_end:
            return at + left
        left -= day_end - at
        at, day = day_end, day + 1


def quiet_hours_moved(at: int) -> int:
    """A non-urgent reminder due between 22:00 and 08:00 waits for 08:00 (the default policy)."""
    seconds = local_seconds(at)
    hour = (seconds % DAY) // HOUR
    if 8 <= hour < 22:
        return at
    day = seconds // DAY + (1 if hour >= 22 else 0)
    return at_local(day, 8)
