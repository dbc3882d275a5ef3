"""The questions bench/reporting_queries.py times, each a call of a real service function as a
Slack command would make it, with the asker and subject picked from the generated data."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bench.fakeforce.force import NOW
from services import caseload, listing, stats
from services.context import ServiceContext
from services.report_period import parse_period


@dataclass(frozen=True)
class Question:
    name: str
    describe: str  # who asks what, for the printout
    ask: Callable[[], Any]


def _one(ctx: ServiceContext, sql: str) -> Any:
    with ctx.engine.connect() as connection:
        row = connection.exec_driver_sql(sql).first()
        assert row is not None, f"the bench data has no answer to: {sql}"
        return row


def busiest_supervisor(ctx: ServiceContext) -> tuple[str, int]:
    """The supervisor with the most open records across the teams they supervise."""
    slack_id, records = _one(
        ctx,
        "SELECT u.slack_user_id, count(*) FROM team_supervisor s JOIN app_user u ON u.id = s.user_id "
        "JOIN protection_order o ON o.team_id = s.team_id AND o.status = 'active' "
        "GROUP BY u.slack_user_id ORDER BY count(*) DESC, u.slack_user_id LIMIT 1",
    )
    return str(slack_id), int(records)


def a_champion(ctx: ServiceContext) -> str:
    return str(_one(ctx, "SELECT slack_user_id FROM app_user WHERE role = 'champion' ORDER BY id LIMIT 1")[0])


def questions(ctx: ServiceContext) -> list[Question]:
    supervisor, open_records = busiest_supervisor(ctx)
    champion = a_champion(ctx)
    today = NOW.astimezone(ctx.settings.timezone).date()
    default_period = parse_period("", today)
    year = parse_period(str(today.year - 1), today)
    return [
        Question(
            "caseload: supervisor, first page",
            f"/dvpn caseload by supervisor {supervisor} ({open_records:,} open records in their teams)",
            lambda: caseload.caseload(ctx, supervisor, caseload.CaseloadQuery()),
        ),
        Question(
            "caseload: supervisor, due within 7 days",
            f"/dvpn caseload due:7d by supervisor {supervisor}",
            lambda: caseload.caseload(ctx, supervisor, caseload.CaseloadQuery(due_hours=7 * 24)),
        ),
        Question(
            "caseload: champion, whole force",
            f"/dvpn caseload all by champion {champion}",
            lambda: caseload.caseload(ctx, champion, caseload.CaseloadQuery(everyone=True)),
        ),
        Question(
            "stats: force, default period",
            f"/dvpn stats by champion {champion}: {default_period.describe()}",
            lambda: stats.stats(ctx, champion, default_period),
        ),
        Question(
            f"stats: force, {year.label}",
            f"/dvpn stats {year.label} by champion {champion}: {year.describe()}",
            lambda: stats.stats(ctx, champion, year),
        ),
        Question(
            "list team (existing /dvpn list)",
            f"/dvpn list team by supervisor {supervisor}",
            lambda: listing.list_records(ctx, supervisor, listing.ListScope.TEAM),
        ),
    ]
