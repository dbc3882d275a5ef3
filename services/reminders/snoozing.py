"""Snoozing a reminder: when each choice would send it again, and which choices still end before
the deadline the reminder is about. A snooze that ended after the deadline would hide the alarm
until it no longer helps (a 'hearing deadline in 2 hours' snoozed to the next morning), so no
snooze may end after it: the choices offered shrink as the deadline nears, and a choice past it
is refused however the request was made."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

SNOOZE_PERIODS = {"1h": timedelta(hours=1), "4h": timedelta(hours=4)}
SNOOZE_UNTIL = {"0800": time(8, 0)}  # until 08:00 local, today if before then, else tomorrow
SNOOZE_CHOICES = (*SNOOZE_PERIODS, *SNOOZE_UNTIL)  # the buttons' choices (blocks.actions.SNOOZE_CHOICES)


def snooze_until(choice: str, now: datetime, tz: ZoneInfo) -> datetime:
    """When a snooze chosen at `now` sends the reminder again."""
    if choice in SNOOZE_PERIODS:
        return now + SNOOZE_PERIODS[choice]
    local = now.astimezone(tz)
    at = SNOOZE_UNTIL[choice]
    day = local.date() if local.time() < at else local.date() + timedelta(days=1)
    return datetime.combine(day, at, tzinfo=tz)


def fits(until: datetime, deadline: datetime | None) -> bool:
    """A snooze ending at `until` leaves time before the deadline (no deadline: any snooze fits)."""
    return deadline is None or until <= deadline


def snoozes_before(deadline: datetime | None, now: datetime, tz: ZoneInfo) -> tuple[str, ...]:
    """The choices that end no later than the deadline, in the buttons' order."""
    if deadline is None:
        return SNOOZE_CHOICES
    return tuple(c for c, until in _snooze_ends(now, tz) if fits(until, deadline))


@lru_cache(maxsize=8)
def _snooze_ends(now: datetime, tz: ZoneInfo) -> tuple[tuple[str, datetime], ...]:
    """When each choice would end, worked out once for the many reminders of a claim (one `now`)."""
    return tuple((c, snooze_until(c, now, tz)) for c in SNOOZE_CHOICES)
