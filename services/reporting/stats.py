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
  come from one pass that takes each notice's earliest decided hearing.
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

The weekly trend counts the same things per ISO week (Monday to Sunday, Europe/London), the
first and last weeks cut to the period: notices issued (served_at), orders granted (closed_at
of superseded notices) and breaches (occurred_at).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, func, select

from models import Breach, BreachCheck, Hearing, OrderStatus, ProtectionOrder
from models.db import is_postgres
from rules.order_types import OrderType, rule_for
from services.context import ServiceContext
from services.reporting.period import Period, Week, checked_period, weeks_in
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
        session, now = read.session, read.now
        scope = stats_scope(session, read.user, team_name)
        window = _Window(period.start_at(tz), period.end_at(tz), scope, tz)
        figures = _figures(session, window, now)
        weeks = weeks_in(period)
        counts = {name: _weekly(session, window, weeks, name) for name in SERIES}
        return StatsReport(scope, period, figures, trend_from_counts(weeks, counts))


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


def _first_decided_hearings(notices: Any) -> Any:
    """Each notice's earliest hearing with an outcome, by order id. Hearings are read in one range of
    ix_hearing_decided_by_order, between the notices' lowest and highest ids (ids follow the order
    records were made in, so a period's notices are a narrow range), not probed once per notice; the
    join on the id keeps only the period's own."""
    within = sa.and_(
        col(Hearing.order_id) >= select(func.min(notices.c.id)).scalar_subquery(),
        col(Hearing.order_id) <= select(func.max(notices.c.id)).scalar_subquery(),
    )
    return (
        select(col(Hearing.order_id).label("order_id"), func.min(Hearing.scheduled_at).label("first_heard"))
        .where(col(Hearing.outcome).is_not(None), within)
        .group_by(col(Hearing.order_id))
        .subquery("heard")
    )


def _figures(session: Session, window: _Window, now: datetime) -> Figures:
    cohort = _cohort(session, window.scoped(_is_notice(), window.inside(col(ProtectionOrder.served_at))))
    decided = session.exec(
        select(
            func.count().filter(col(ProtectionOrder.status) == OrderStatus.SUPERSEDED),
            func.count().filter(col(ProtectionOrder.status) == OrderStatus.REFUSED),
            func.count().filter(col(ProtectionOrder.status) == OrderStatus.LAPSED),
        ).where(*window.scoped(_is_notice(), window.inside(col(ProtectionOrder.closed_at))))
    ).one()
    referenced_in_time = sa.and_(
        col(Breach.crime_reference_added_at).is_not(None),
        hours_between(col(Breach.recorded_at), col(Breach.crime_reference_added_at)) <= 24,
    )
    breaches = session.exec(
        _breaches_in_scope(select(func.count(), func.count().filter(referenced_in_time)), window).where(
            *window.scoped(window.inside(col(Breach.occurred_at)))
        )
    ).one()
    checks = _checks(session, window, now)
    return Figures(
        notices_issued=cohort.issued,
        applications_heard=cohort.heard,
        heard_in_time=cohort.heard_in_time,
        notices_converted=cohort.converted,
        orders_granted=decided[0],
        orders_refused=decided[1],
        notices_lapsed=decided[2],
        breaches=breaches[0],
        breaches_crime_reference_24h=breaches[1],
        checks_due=checks[0],
        checks_on_time=checks[1],
        median_hours_service_to_hearing=cohort.median_hours,
    )


@dataclass(frozen=True)
class _Cohort:
    issued: int
    heard: int
    heard_in_time: int
    converted: int
    median_hours: float | None


def _cohort(session: Session, issued: list[ColumnElement[bool]]) -> _Cohort:
    """The notices issued in the period, each with its earliest decided hearing. PostgreSQL's
    percentile_cont takes the median in the same pass; elsewhere the middle one or two values are
    fetched by OFFSET, so only they leave the database."""
    notices = (
        select(
            col(ProtectionOrder.id).label("id"),
            col(ProtectionOrder.served_at).label("served_at"),
            col(ProtectionOrder.hearing_deadline_at).label("deadline"),
            col(ProtectionOrder.status).label("status"),
        )
        .where(*issued)
        .cte("notices")
        # Materialised, PostgreSQL reads the period's notices once (ix_order_type_served covers them).
        .prefix_with("MATERIALIZED", dialect="postgresql")
    )
    heard = _first_decided_hearings(notices)
    with_hearing = notices.outerjoin(heard, heard.c.order_id == notices.c.id)
    first_heard = heard.c.first_heard
    hours = hours_between(notices.c.served_at, first_heard)
    counts: list[Any] = [
        func.count(),
        func.count(first_heard),
        func.count().filter(first_heard <= notices.c.deadline),
        func.count().filter(notices.c.status == OrderStatus.SUPERSEDED),
    ]
    postgres = is_postgres(session.get_bind().engine)
    if postgres:
        counts.append(func.percentile_cont(0.5).within_group(hours))
    row = session.exec(select(*counts).select_from(with_hearing)).one()
    if postgres:
        median = None if row[4] is None else float(row[4])
    else:
        values = select(hours.label("hours")).select_from(with_hearing).where(first_heard.is_not(None))
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


def _weekly(session: Session, window: _Window, weeks: Sequence[Week], series: str) -> dict[int, int]:
    """Counts per week index. The bucket is a CASE over the weeks' start instants (computed in
    Python, so each local Monday midnight is right across clock changes); grouping happens in a
    subquery because PostgreSQL cannot match a GROUP BY expression holding bind parameters."""
    timestamp, conditions, table = _series_source(series, window)
    starts = [week.start_at(window.tz) for week in weeks]
    bucket = sa.case(
        *[(timestamp >= start, sa.literal_column(str(index))) for index, start in reversed(list(enumerate(starts)))],
        else_=sa.literal_column("0"),
    )
    query = select(bucket.label("week"))
    query = _breaches_in_scope(query, window) if table is Breach else query.select_from(table)
    inner = query.where(*conditions).subquery()
    rows = session.exec(select(inner.c.week, func.count()).group_by(inner.c.week)).all()
    return {int(week): int(count) for week, count in rows}


def _series_source(series: str, window: _Window) -> tuple[Any, list[ColumnElement[bool]], Any]:
    if series == "Notices issued":
        timestamp = col(ProtectionOrder.served_at)
        return timestamp, window.scoped(_is_notice(), window.inside(timestamp)), ProtectionOrder
    if series == "Orders granted":
        timestamp = col(ProtectionOrder.closed_at)
        granted = col(ProtectionOrder.status) == OrderStatus.SUPERSEDED
        return timestamp, window.scoped(_is_notice(), granted, window.inside(timestamp)), ProtectionOrder
    timestamp = col(Breach.occurred_at)
    return timestamp, window.scoped(window.inside(timestamp)), Breach
