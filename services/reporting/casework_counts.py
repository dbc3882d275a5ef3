"""The casework figures from the kept daily counts (models.caseload.CaseworkDailyCount and
CaseworkSpread, kept by triggers in the same transaction as each write, migration 0029): per team
and Europe/London day, a column per count, and histograms of whole hours from DASH to MARAC
referral and whole days to complete a Clare's Law request. A period of whole Europe/London days
sums a few thousand kept rows instead of counting a year of incidents. Each measure is the same
condition on the same rows as services.reporting.casework_stats and services.disclosures.figures
count, its day that of the time the figure reads. Read only when the bot's timezone is
Europe/London (services.reporting.daily_counts.kept_days_for): elsewhere the rows are counted."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date
from typing import Any

from sqlmodel import Session, col, func, select

from models import CaseworkDailyCount, CaseworkSpread

MEASURES = (
    "incidents_high",
    "incidents_medium",
    "incidents_standard",
    "incidents_unassessed",
    "high_risk",
    "children",
    "schools_told_in_time",
    "requests_ask",
    "requests_know",
    "requests_completed",
    "disclosures",
    "completed_within_target",
)
REQUEST_MEASURES = MEASURES[7:]
MARAC_HOURS = "marac_hours"  # a referral's hours from the DASH, rounded up (0 at or before it)
COMPLETION_DAYS = "completion_days"  # rules.disclosure.days_taken of a completed request


def totals(
    session: Session, team_ids: Collection[int] | None, start: date, end: date, measures: tuple[str, ...] = MEASURES
) -> dict[str, int]:
    """Each measure summed over the kept days [start, end) of `team_ids` (None: every team)."""
    day = col(CaseworkDailyCount.day)
    teams = [] if team_ids is None else [col(CaseworkDailyCount.team_id).in_(sorted(team_ids))]
    query: Any = select(*(func.sum(getattr(CaseworkDailyCount, m)) for m in measures)).where(
        day >= start, day < end, *teams
    )
    return {m: int(n or 0) for m, n in zip(measures, session.exec(query).one(), strict=True)}


def spread(session: Session, measure: str, team_ids: Collection[int] | None, start: date, end: date) -> dict[int, int]:
    """How many rows have each whole value of `measure` over the kept days [start, end)."""
    value, n = col(CaseworkSpread.value), func.sum(col(CaseworkSpread.n))
    where: list[Any] = [
        col(CaseworkSpread.measure) == measure,
        col(CaseworkSpread.day) >= start,
        col(CaseworkSpread.day) < end,
    ]
    if team_ids is not None:
        where.append(col(CaseworkSpread.team_id).in_(sorted(team_ids)))
    found = session.exec(select(value, n).where(*where).group_by(value)).all()
    return {int(v): int(count) for v, count in found if count}


def at_most(histogram: Mapping[int, int], limit: int) -> int:
    """How many values are `limit` or less (a value x <= h for a whole h exactly when ceil(x) <= h)."""
    return sum(n for value, n in histogram.items() if value <= limit)


def median(histogram: Mapping[int, int]) -> float | None:
    """The median of the values the histogram counts, as statistics.median takes it: the middle
    value, or the mean of the middle two when there is an even number."""
    count = sum(histogram.values())
    if not count:
        return None
    wanted = sorted({(count - 1) // 2, count // 2})  # 0-based positions of the middle value(s)
    found: list[int] = []
    seen = 0
    for value in sorted(histogram):
        seen += histogram[value]
        while len(found) < len(wanted) and wanted[len(found)] < seen:
            found.append(value)
    return float(sum(found) / len(found)) if len(found) == 2 else float(found[0])
