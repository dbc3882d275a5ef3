"""The kept daily counts (daily_count, maintained by triggers on protection_order, breach and
breach_check, migration 0025) and /dvpn stats read from them: the stats summed from the counts are
the stats counted from the rows, over several periods and scopes; a local day is the Europe/London
day either side of the clock changes; every kind of write keeps them. The stateful lifecycle test
checks the counts against the rows after every random step (tests/properties/invariants.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from sqlmodel import col, select

from models import Breach, BreachCheck, DailyCount, ProtectionOrder, Team, metadata
from models.db import session_scope
from services.clock import ManualClock
from services.context import ServiceContext
from services.reporting.daily_counts import MEASURES
from services.reporting.period import parse_period
from services.reporting.report_results import ReportScope
from services.reporting.scope import FORCE
from services.reporting.stats import report
from tests.properties.invariants import counted_days, the_daily_counts_are_the_rows
from tests.support.force import Force

PERIODS = [
    "2026-04",
    "2026-03",
    "2026-Q2",
    "2026",
    "2026-03-29..2026-04-05",  # from the day the clocks went forward
    "2026-03-31..2026-03-31",  # one day
    "2026-04-02..2026-04-03",
    "last 7 days",  # ends today: today's checks count only once due
    "last 4 weeks",
    "this week",
    "2026-04-30..2026-05-02",  # today and days ahead
]


def wrong(ctx: ServiceContext) -> list[str]:
    with session_scope(ctx.engine) as session:
        return the_daily_counts_are_the_rows(session)


def scopes(ctx: ServiceContext) -> list[ReportScope]:
    with session_scope(ctx.engine) as session:
        teams = {t.name: t.id for t in session.exec(select(Team)).all()}
    a, b = teams["Team A"], teams["Team B"]
    assert a is not None and b is not None
    return [FORCE, ReportScope("Team A", (a,)), ReportScope("Team B", (b,)), ReportScope("both", (a, b))]


@pytest.mark.parametrize("text", PERIODS)
def test_stats_from_the_counts_are_the_stats_from_the_rows(
    ctx: ServiceContext, april: Force, clock: ManualClock, text: str
) -> None:
    period = parse_period(text, clock.now().astimezone(ctx.settings.timezone).date())
    assert wrong(ctx) == []
    with session_scope(ctx.engine) as session:
        for scope in scopes(ctx):
            summed = report(session, scope, period, ctx.settings, clock.now(), kept=True)
            counted = report(session, scope, period, ctx.settings, clock.now(), kept=False)
            assert summed == counted, (text, scope.label)


def test_april_is_not_empty_and_is_read_from_the_counts(ctx: ServiceContext, april: Force, clock: ManualClock) -> None:
    period = parse_period("2026-04", date(2026, 4, 30))
    with session_scope(ctx.engine) as session:
        before = report(session, FORCE, period, ctx.settings, clock.now(), kept=True)
    assert before.figures.notices_issued and before.figures.breaches and before.figures.checks_due
    with ctx.engine.begin() as connection:  # throw the kept counts off: the answer must show it
        connection.execute(sa.update(DailyCount).values(notices_issued=DailyCount.notices_issued + 1))
    with session_scope(ctx.engine) as session:
        after = report(session, FORCE, period, ctx.settings, clock.now(), kept=True)
        rows = report(session, FORCE, period, ctx.settings, clock.now(), kept=False)
    assert after.figures.notices_issued > before.figures.notices_issued
    assert after.trend != before.trend and rows == before


# UTC instants either side of the clock changes of 2026 (29 March, 25 October: 01:00 UTC) and of
# 2027 (28 March, 31 October), with the Europe/London day each falls on.
EDGES = [
    (datetime(2026, 3, 29, 0, 59, tzinfo=UTC), date(2026, 3, 29)),
    (datetime(2026, 3, 29, 1, 0, tzinfo=UTC), date(2026, 3, 29)),
    (datetime(2026, 3, 29, 23, 0, tzinfo=UTC), date(2026, 3, 30)),  # midnight BST
    (datetime(2026, 3, 28, 23, 30, tzinfo=UTC), date(2026, 3, 28)),  # still GMT
    (datetime(2026, 10, 24, 23, 0, tzinfo=UTC), date(2026, 10, 25)),  # midnight BST
    (datetime(2026, 10, 24, 22, 59, tzinfo=UTC), date(2026, 10, 24)),
    (datetime(2026, 10, 25, 0, 59, tzinfo=UTC), date(2026, 10, 25)),
    (datetime(2026, 10, 25, 23, 30, tzinfo=UTC), date(2026, 10, 25)),  # GMT again
    (datetime(2027, 3, 27, 23, 59, tzinfo=UTC), date(2027, 3, 27)),
    (datetime(2027, 3, 28, 23, 0, tzinfo=UTC), date(2027, 3, 29)),
    (datetime(2027, 10, 30, 23, 0, tzinfo=UTC), date(2027, 10, 31)),
    (datetime(2027, 10, 31, 23, 0, tzinfo=UTC), date(2027, 10, 31)),
    (datetime(2026, 7, 31, 23, 0, tzinfo=UTC), date(2026, 8, 1)),  # summer: a month's first day
    (datetime(2026, 12, 31, 23, 59, tzinfo=UTC), date(2026, 12, 31)),
]


def test_a_day_is_the_europe_london_day_across_the_clock_changes(ctx: ServiceContext, april: Force) -> None:
    with ctx.engine.begin() as connection:
        breaches = connection.execute(sa.select(Breach.id, Breach.order_id).order_by(Breach.id)).all()
        assert len(breaches) >= 2
        breach_id, order_id = breaches[0]
        for at, _ in EDGES:  # a breach at each edge, as a bulk INSERT ... SELECT would add it
            source = connection.execute(sa.select(Breach).where(col(Breach.id) == breach_id)).mappings().one()
            values = {k: v for k, v in source.items() if k != "id"}
            connection.execute(sa.insert(Breach).values({**values, "occurred_at": at}))
    assert wrong(ctx) == []
    with session_scope(ctx.engine) as session:
        team = session.exec(select(ProtectionOrder.team_id).where(ProtectionOrder.id == order_id)).one()
        counted = counted_days(session)
        for at, day in EDGES:
            assert counted.get((team, day, "breaches"), 0) >= 1, (at, day)
        kept = session.exec(select(DailyCount.day, DailyCount.breaches).where(DailyCount.team_id == team)).all()
    kept_days = {d for d, n in kept if n}
    assert {day for _, day in EDGES} <= kept_days


def test_the_counts_follow_every_write(ctx: ServiceContext, april: Force) -> None:
    """Bulk updates (the rollover's kind), a record moving team with its breaches and checks, and
    erasure (retention's order: what refers to a record first)."""
    with ctx.engine.begin() as connection:
        connection.execute(sa.update(BreachCheck).values(done_at=BreachCheck.due_at))
        connection.execute(sa.update(Breach).values(crime_reference_added_at=Breach.recorded_at))
    assert wrong(ctx) == []
    with ctx.engine.begin() as connection:
        teams = connection.execute(sa.select(Team.id).order_by(Team.id)).scalars().all()
        moved = connection.execute(sa.select(Breach.order_id).order_by(Breach.id)).scalars().first()
        connection.execute(sa.update(ProtectionOrder).where(col(ProtectionOrder.id) == moved).values(team_id=teams[-1]))
        connection.execute(sa.update(ProtectionOrder).values(served_at=ProtectionOrder.served_at))
    assert wrong(ctx) == []
    with ctx.engine.begin() as connection:
        for table in reversed(metadata.sorted_tables):
            if "order_id" in table.c and table.name != "audit_event":
                connection.execute(sa.delete(table).where(table.c.order_id == moved))
        connection.execute(sa.delete(ProtectionOrder).where(col(ProtectionOrder.id) == moved))
    assert wrong(ctx) == []
    with ctx.engine.begin() as connection:
        for table in reversed(metadata.sorted_tables):
            if "order_id" in table.c and table.name != "audit_event":
                connection.execute(sa.delete(table))
        connection.execute(sa.delete(ProtectionOrder))
    assert wrong(ctx) == []
    with session_scope(ctx.engine) as session:
        left = session.exec(select(DailyCount)).all()
        assert left and not [row for row in left if any(getattr(row, m) for m in MEASURES)]
