"""The figures a force reports to its Police and Crime Commissioner, for the force or a team.

Every figure is counted by the database (COUNT with FILTER, a median in SQL) so a force-wide
report over a million records never loads the records into Python. Reads only; it shows counts,
never a person, so it is not a consultation of any record and is not audited.

Definitions. The period is whole Europe/London days [start, end); "in the period" means the
named timestamp falls inside it. Scope is the team that holds the record (protection_order.team_id).
Notices are the police-issued types (DVPN, DAPN: rules.order_types, is_notice).

- notices_issued: notices whose served_at is in the period.
- applications_heard: of those notices, the ones with at least one hearing whose outcome is
  recorded (granted, refused, withdrawn or adjourned: an adjourned hearing has begun).
- heard_in_time: of those notices, the ones with such a hearing scheduled at or before the
  notice's stored hearing_deadline_at (the 48-hour excluded-day clock, CSA 2010 s27(3),
  DAA 2021 s29(3); computed by rules.deadlines when the notice was recorded). A notice has such a
  hearing exactly when its earliest decided hearing is one, so both counts and the median below
  come from one pass over the notices with each one's earliest decided hearing, stored on the
  record as first_heard_at (kept by triggers on hearing, migration 0022).
- orders_granted / orders_refused: notices whose application was decided in the period,
  by the decision time (closed_at), with status superseded (order granted) or refused.
- conversion_rate: of the notices issued in the period, the share whose application has been
  granted (status superseded). Notices still awaiting a decision count as not converted, so a
  recent period's rate can still rise. None when no notice was issued.
- notices_lapsed: notices that lapsed (no hearing within 48 hours) with the lapse time
  (closed_at, the deadline itself) in the period.
- breaches: breaches whose occurred_at is in the period.
- breaches_crime_reference_24h: of those breaches, the ones whose crime reference was added at
  most 24 hours after the breach was recorded (crime_reference_added_at - recorded_at <= 24 h).
- checks_due / checks_on_time: breach checks whose due_at is in the period, already passed
  (before now), and no later than the record's end (closed_at): a check falling due after a
  notice was superseded or an order ended was no longer needed, and is marked so (cancelled_at)
  when the record ends. On time: done_at <= due_at.
- median_hours_service_to_hearing: over the notices issued in the period that have a hearing
  with an outcome, the median of the hours from service to the first such hearing's
  scheduled time. None when there is none.

The casework beside the orders (incidents, MARAC, Operation Encompass, Clare's Law, plans) is
counted by services.reporting.casework_stats, which defines each of its figures.

The weekly trend counts the same things per ISO week (Monday to Sunday, Europe/London), the
first and last weeks cut to the period: notices issued (served_at), orders granted (closed_at
of superseded notices) and breaches (occurred_at).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, func, select

from config import Settings
from models import Breach, BreachCheck, OrderStatus, ProtectionOrder
from models.db import is_postgres
from models.orders import FIRST_HEARD_AT, HOURS_TO_HEARING
from rules.order_types import OrderType, rule_for
from services.context import ServiceContext
from services.reporting import daily_counts
from services.reporting.casework_stats import casework_figures
from services.reporting.daily_counts import kept_days_for
from services.reporting.period import Period, Week, checked_period, local_midnight, weeks_in
from services.reporting.report_results import Figures, ReportScope, StatsReport, WeeklyTrend
from services.reporting.scope import orders_in, stats_scope
from services.reporting.sql_time import hours_between
from services.unit_of_work import reading

NOTICE_TYPES = tuple(t for t in OrderType if rule_for(t).is_notice)
SERIES = ("Notices issued", "Orders granted", "Breaches")


def stats(ctx: ServiceContext, actor_slack_id: str, period: Period, team_name: str | None = None) -> StatsReport:
    tz = ctx.settings.timezone
    period = checked_period(period, ctx.clock.now().astimezone(tz).date())
    with reading(ctx, actor_slack_id) as read:
        scope = stats_scope(read.session, read.user, team_name)
        return report(read.session, scope, period, ctx.settings, read.now, kept=kept_days_for(tz))


def report(
    session: Session, scope: ReportScope, period: Period, settings: Settings, now: datetime, *, kept: bool
) -> StatsReport:
    """The stats of `scope` over `period`: summed from the kept daily counts when `kept` (the
    period's whole days are kept days), else counted from the rows. Both say the same."""
    tz = settings.timezone
    window = _Window(period.start_at(tz), period.end_at(tz), scope, tz)
    weeks = weeks_in(period)
    if kept:
        figures, counts = _figures_from_counts(session, window, period, weeks, now)
    else:
        figures, counts = _figures(session, window, weeks, now)
        counts["Notices issued"] = _weekly_notices(session, window, weeks)
    casework = casework_figures(session, scope, period, settings, now, kept=kept)
    return StatsReport(scope, period, figures, trend_from_counts(weeks, counts), casework)


def _figures_from_counts(
    session: Session, window: _Window, period: Period, weeks: Sequence[Week], now: datetime
) -> tuple[Figures, dict[str, dict[int, int]]]:
    """The figures summed from the kept daily counts (services.reporting.daily_counts). Two things
    are not sums: the median (taken over the heard notices' rows) and today's checks, which count
    only once due, before now (today's are counted from the rows, the days before from the counts)."""
    today = now.astimezone(window.tz).date()
    kept = daily_counts.summed(session, window.scope.team_ids, period.start, period.end, weeks, today)
    total = {measure: kept.total(measure) for measure in daily_counts.MEASURES}
    due, on_time = kept.checks_before_today["checks_due"], kept.checks_before_today["checks_on_time"]
    if period.start <= today < period.end:
        today_due, today_on_time = _checks(session, replace(window, start=local_midnight(today, window.tz)), now)
        due, on_time = due + today_due, on_time + today_on_time
    figures = Figures(
        notices_issued=total["notices_issued"],
        applications_heard=total["applications_heard"],
        heard_in_time=total["heard_in_time"],
        notices_converted=total["notices_converted"],
        orders_granted=total["orders_granted"],
        orders_refused=total["orders_refused"],
        notices_lapsed=total["notices_lapsed"],
        breaches=total["breaches"],
        breaches_crime_reference_24h=total["breaches_crime_reference_24h"],
        checks_due=due,
        checks_on_time=on_time,
        median_hours_service_to_hearing=_median_hours(session, window, total["applications_heard"]),
    )
    series = {"Notices issued": "notices_issued", "Orders granted": "orders_granted", "Breaches": "breaches"}
    return figures, {name: kept.weekly[measure] for name, measure in series.items()}


def _median_hours(session: Session, window: _Window, heard: int) -> float | None:
    """The median hours from service to first decided hearing over the period's `heard` notices
    that were heard (a median is no sum of days, so it is taken over their rows: each one's hours
    as the database stored them, hours_to_hearing, which ix_order_type_served carries)."""
    if not heard:
        return None
    served = col(ProtectionOrder.served_at)
    heard_notices = window.scoped(_is_notice(), window.inside(served), FIRST_HEARD_AT.is_not(None))
    if is_postgres(session.get_bind().engine):
        median = session.exec(
            select(func.percentile_cont(0.5).within_group(HOURS_TO_HEARING)).where(*heard_notices)
        ).one()
        return None if median is None else float(median)
    return _median_by_offset(session, select(HOURS_TO_HEARING.label("hours")).where(*heard_notices), heard)


def trend_from_counts(weeks: Sequence[Week], counts: Mapping[str, Mapping[int, int]]) -> WeeklyTrend:
    """Counts by week index (as the database groups them) into one series per figure, with a zero
    for every week nothing happened in."""
    return WeeklyTrend(
        weeks=tuple(w.label for w in weeks),
        series={name: tuple(int(counts.get(name, {}).get(i, 0)) for i in range(len(weeks))) for name in SERIES},
    )


@dataclass(frozen=True)
class _Window:
    start: datetime
    end: datetime
    scope: ReportScope
    tz: ZoneInfo

    def inside(self, column: Any) -> ColumnElement[bool]:
        return sa.and_(column >= self.start, column < self.end)

    def scoped(self, *conditions: ColumnElement[bool]) -> list[ColumnElement[bool]]:
        team = orders_in(self.scope)
        return [*conditions, team] if team is not None else list(conditions)


def _is_notice() -> ColumnElement[bool]:
    return col(ProtectionOrder.order_type).in_(NOTICE_TYPES)


def _figures(
    session: Session, window: _Window, weeks: Sequence[Week], now: datetime
) -> tuple[Figures, dict[str, dict[int, int]]]:
    """The figures, and the weekly counts of orders granted and of breaches, which come from the
    same passes over the period's decisions and breaches (counted per week, then summed)."""
    cohort = _cohort(session, window.scoped(_is_notice(), window.inside(col(ProtectionOrder.served_at))))
    closed = col(ProtectionOrder.closed_at)
    decisions = (
        select(_bucket(closed, window, weeks).label("week"), col(ProtectionOrder.status).label("status"))
        .where(*window.scoped(_is_notice(), window.inside(closed)))
        .subquery()
    )
    decided = _per_week(
        session,
        decisions,
        [decisions.c.status == s for s in (OrderStatus.SUPERSEDED, OrderStatus.REFUSED, OrderStatus.LAPSED)],
    )
    referenced_in_time = sa.and_(
        col(Breach.crime_reference_added_at).is_not(None),
        hours_between(col(Breach.recorded_at), col(Breach.crime_reference_added_at)) <= 24,
    )
    occurred = col(Breach.occurred_at)
    breach_rows = (
        _breaches_in_scope(
            select(_bucket(occurred, window, weeks).label("week"), referenced_in_time.label("referenced")), window
        )
        .where(*window.scoped(window.inside(occurred)))
        .subquery()
    )
    breaches = _per_week(session, breach_rows, [sa.true(), breach_rows.c.referenced])
    checks = _checks(session, window, now)
    figures = Figures(
        notices_issued=cohort.issued,
        applications_heard=cohort.heard,
        heard_in_time=cohort.heard_in_time,
        notices_converted=cohort.converted,
        orders_granted=sum(decided[0].values()),
        orders_refused=sum(decided[1].values()),
        notices_lapsed=sum(decided[2].values()),
        breaches=sum(breaches[0].values()),
        breaches_crime_reference_24h=sum(breaches[1].values()),
        checks_due=checks[0],
        checks_on_time=checks[1],
        median_hours_service_to_hearing=cohort.median_hours,
    )
    return figures, {"Orders granted": decided[0], "Breaches": breaches[0]}


def _per_week(session: Session, rows: Any, conditions: list[ColumnElement[bool]]) -> list[dict[int, int]]:
    """For each condition, how many of `rows` (a subquery with a `week` column) meet it, per week.
    Grouped outside the subquery: PostgreSQL cannot match a GROUP BY expression holding bind parameters."""
    found = session.exec(select(rows.c.week, *(func.count().filter(c) for c in conditions)).group_by(rows.c.week)).all()
    return [{int(row[0]): int(row[i + 1]) for row in found if row[i + 1]} for i in range(len(conditions))]


@dataclass(frozen=True)
class _Cohort:
    issued: int
    heard: int
    heard_in_time: int
    converted: int
    median_hours: float | None


def _cohort(session: Session, issued: list[ColumnElement[bool]]) -> _Cohort:
    """The notices issued in the period, each with its earliest decided hearing (first_heard_at, kept
    on the record by triggers on hearing: ix_order_type_served carries it). PostgreSQL's
    percentile_cont takes the median in the same pass; elsewhere the middle one or two values are
    fetched by OFFSET, so only they leave the database."""
    notices = (
        sa.select(
            col(ProtectionOrder.served_at).label("served_at"),
            col(ProtectionOrder.hearing_deadline_at).label("deadline"),
            col(ProtectionOrder.status).label("status"),
            FIRST_HEARD_AT.label("first_heard"),
            HOURS_TO_HEARING.label("hours"),
        )
        .where(*issued)
        .subquery("notices")
    )
    first_heard, hours = notices.c.first_heard, notices.c.hours
    counts: list[Any] = [
        func.count(),
        func.count(first_heard),
        func.count().filter(first_heard <= notices.c.deadline),
        func.count().filter(notices.c.status == OrderStatus.SUPERSEDED),
    ]
    postgres = is_postgres(session.get_bind().engine)
    if postgres:
        counts.append(func.percentile_cont(0.5).within_group(hours))
    row = session.exec(select(*counts).select_from(notices)).one()
    if postgres:
        median = None if row[4] is None else float(row[4])
    else:
        values = select(hours.label("hours")).select_from(notices).where(first_heard.is_not(None))
        median = _median_by_offset(session, values, row[1])
    return _Cohort(row[0], row[1], row[2], row[3], median)


def _median_by_offset(session: Session, values: Any, count: int) -> float | None:
    if not count:
        return None
    inner = values.subquery()
    middle = session.exec(
        select(inner.c.hours).order_by(inner.c.hours).limit(2 - count % 2).offset((count - 1) // 2)
    ).all()
    return sum(float(v) for v in middle) / len(middle)


def _breaches_in_scope(query: Any, window: _Window) -> Any:
    """Breaches joined to their record only when a team filter needs it: force-wide, the join
    would be one primary-key probe per breach for nothing."""
    query = query.select_from(Breach)
    if window.scope.team_ids is None:
        return query
    return query.join(ProtectionOrder, col(ProtectionOrder.id) == col(Breach.order_id))


def _checks(session: Session, window: _Window, now: datetime) -> tuple[int, int]:
    """Checks due in the period and already passed, and those done on time. A check falling due
    after its record ended was cancelled then (services.records.lifecycle.end_record), so it is left out
    without joining the record, except to know its team."""
    due_by = min(window.end, now)
    on_time = sa.and_(col(BreachCheck.done_at).is_not(None), col(BreachCheck.done_at) <= col(BreachCheck.due_at))
    needed = [
        col(BreachCheck.due_at) >= window.start,
        col(BreachCheck.due_at) < due_by,
        col(BreachCheck.cancelled_at).is_(None),
    ]
    query = select(func.count(), func.count().filter(on_time)).select_from(BreachCheck)
    if window.scope.team_ids is not None:
        query = query.join(ProtectionOrder, col(ProtectionOrder.id) == col(BreachCheck.order_id))
    due, done_in_time = session.exec(query.where(*window.scoped(*needed))).one()
    return due, done_in_time


def _bucket(timestamp: Any, window: _Window, weeks: Sequence[Week]) -> ColumnElement[Any]:
    """The index of the week `timestamp` falls in: a CASE over the weeks' start instants (computed
    in Python, so each local Monday midnight is right across clock changes)."""
    starts = [week.start_at(window.tz) for week in weeks]
    return sa.case(
        *[(timestamp >= start, sa.literal_column(str(index))) for index, start in reversed(list(enumerate(starts)))],
        else_=sa.literal_column("0"),
    )


def _weekly_notices(session: Session, window: _Window, weeks: Sequence[Week]) -> dict[int, int]:
    """Notices issued per week index (the cohort's pass takes a median, so it cannot group them too)."""
    served = col(ProtectionOrder.served_at)
    rows = (
        select(_bucket(served, window, weeks).label("week"))
        .where(*window.scoped(_is_notice(), window.inside(served)))
        .subquery()
    )
    return _per_week(session, rows, [sa.true()])[0]
