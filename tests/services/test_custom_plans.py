"""Reads are planned for the values they are given (models.db.custom_plans): a user's read and the
scheduler's digest set plan_cache_mode for their own transaction only, so writes and the next user
of the pooled connection keep PostgreSQL's default."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session

from models import Team
from models.db import custom_plans, is_postgres, session_scope
from services.context import ServiceContext
from services.reminders import digest
from services.unit_of_work import acting, reading
from tests.support.force import Force

PLAN_CACHE_MODE = sa.select(sa.func.current_setting("plan_cache_mode"))


def _mode(session: Session) -> str:
    return str(session.execute(PLAN_CACHE_MODE).scalar_one())


def test_a_read_is_planned_for_its_values_and_leaves_the_connection_as_it_found_it(
    ctx: ServiceContext, force: Force
) -> None:
    if not is_postgres(ctx.engine):
        with reading(ctx, force.officer) as read:  # nothing to set on SQLite, and nothing fails
            assert read.user.slack_user_id == force.officer
        return
    with reading(ctx, force.officer) as read:
        assert _mode(read.session) == "force_custom_plan"
    with acting(ctx, force.officer) as work:  # a write keeps the default, on whichever connection
        assert _mode(work.session) == "auto"
    with ctx.engine.connect() as connection:
        assert connection.execute(PLAN_CACHE_MODE).scalar_one() == "auto"


def test_the_setting_is_sent_once_a_transaction(ctx: ServiceContext, force: Force) -> None:
    if not is_postgres(ctx.engine):
        return
    sent: list[str] = []

    def count(conn: object, cursor: object, statement: str, *args: object) -> None:
        if "set_config" in statement:
            sent.append(statement)

    sa.event.listen(ctx.engine, "before_cursor_execute", count)
    try:
        with session_scope(ctx.engine) as session:
            custom_plans(session)
            custom_plans(session)
            assert _mode(session) == "force_custom_plan"
        with session_scope(ctx.engine) as session:  # a new transaction is told again
            custom_plans(session)
            assert _mode(session) == "force_custom_plan"
    finally:
        sa.event.remove(ctx.engine, "before_cursor_execute", count)
    assert len(sent) == 2


def test_the_schedulers_digest_is_planned_for_its_team(ctx: ServiceContext, force: Force) -> None:
    if not is_postgres(ctx.engine):
        return
    with session_scope(ctx.engine) as session:  # as the scheduler's digest run reads: no read scope
        team = session.execute(sa.select(Team).where(Team.name == "Team A")).scalar_one()
        assert _mode(session) == "auto"
        collected = digest.collect(session, ctx, team, ctx.clock.now())
        assert _mode(session) == "force_custom_plan"
    assert collected.team_id == team.id
