"""The repeat-perpetrator flag: a force policy, not statute, so what counts as "repeat" is a setting
(DVPN_REPEAT_ORDERS within DVPN_REPEAT_WINDOW_MONTHS, or any breach if DVPN_REPEAT_ON_BREACH).

Our reading (policy): a notice and the order the court made on its application are one episode,
so a DVPN followed by its DVPO counts once; each episode counts from its first event (service, or
the order being made)."""

from __future__ import annotations

import calendar as gregorian
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class RepeatPolicy:
    orders: int  # this many episodes within the window flag a repeat
    window_months: int
    on_breach: bool  # any breach flags a repeat


def months_before(day: date, months: int) -> date:
    """The same day `months` earlier; the month's last day where it has no such day (31 May -> 30 Nov)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, gregorian.monthrange(year, month + 1)[1]))


def window_start(now: datetime, months: int, tz: ZoneInfo) -> datetime:
    """The window runs from the start of the same day `months` ago, local time, to now."""
    return datetime.combine(months_before(now.astimezone(tz).date(), months), time(0), tzinfo=tz)


def repeat_reason(
    episode_starts: Sequence[datetime], breaches: int, now: datetime, policy: RepeatPolicy, tz: ZoneInfo
) -> str | None:
    """Why this person is flagged as a repeat perpetrator, or None."""
    since = window_start(now, policy.window_months, tz)
    recent = sum(1 for start in episode_starts if since <= start <= now)
    reasons = []
    if recent >= policy.orders:
        reasons.append(f"{recent} notices/orders in the last {policy.window_months} months")
    if policy.on_breach and breaches:
        reasons.append(f"{breaches} breach{'es' * (breaches != 1)} recorded")
    return "; ".join(reasons) or None
