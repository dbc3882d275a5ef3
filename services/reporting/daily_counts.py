"""The stats' figures from the kept daily counts (models.caseload.DailyCount, kept by triggers in the
same transaction as each write, migration 0025): per team and Europe/London day, a column per figure
holding how many rows it counts. A period of whole Europe/London days sums a few thousand kept rows instead
of counting a year of records. The measures are the figures of services.reporting.stats, each the
same condition on the same rows, its day that of the time the figure reads (served_at, closed_at,
occurred_at, due_at). Used only when the bot's timezone is Europe/London: a day elsewhere is not a
kept day, and there the rows themselves are counted."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, func, select

from models import DailyCount
from services.reporting.period import Week

KEPT_ZONE = "Europe/London"
CHECKS = ("checks_due", "checks_on_time")
MEASURES = (
    "notices_issued",
    "applications_heard",
    "heard_in_time",
    "notices_converted",
    "orders_granted",
    "orders_refused",
    "notices_lapsed",
    "breaches",
    "breaches_crime_reference_24h",
    *CHECKS,
)


def kept_days_for(tz: ZoneInfo) -> bool:
    """Whether a local day in `tz` is a kept day."""
    return tz.key == KEPT_ZONE


@dataclass(frozen=True)
class Summed:
    """Each measure per week index of the period, and the checks due by the days before `today`
    (a check counts once it has fallen due: today's are counted from the rows, by the caller)."""

    weekly: dict[str, dict[int, int]]
    checks_before_today: dict[str, int]

    def total(self, measure: str) -> int:
        return sum(self.weekly[measure].values())


def summed(
    session: Session, team_ids: Collection[int] | None, start: date, end: date, weeks: Sequence[Week], today: date
) -> Summed:
    """The kept counts of the days [start, end), summed per day by the database (a year: 365 rows)
    and put in their weeks here: a CASE over the weeks on each kept row cost more than the sums."""
    day = col(DailyCount.day)
    teams = [] if team_ids is None else [col(DailyCount.team_id).in_(sorted(team_ids))]
    query: Any = (
        select(day, *(func.sum(getattr(DailyCount, m)) for m in MEASURES)).where(day >= start, day < end, *teams)
    ).group_by(day)
    starts = [week.start for week in weeks]
    weekly: dict[str, dict[int, int]] = {m: {} for m in MEASURES}
    checks = {m: 0 for m in CHECKS}
    for found_day, *sums in session.exec(query).all():
        week = max(bisect_right(starts, found_day) - 1, 0)
        for measure, n in zip(MEASURES, sums, strict=True):
            if n:
                weekly[measure][week] = weekly[measure].get(week, 0) + int(n)
                if measure in checks and found_day < today:
                    checks[measure] += int(n)
    return Summed(weekly, checks)
