"""The reads of a team's or a user's rows whose sizes differ most, the sections of a team's digest
and App Home and a user's "Waiting for me", are planned for the values they are given
(models.db.custom_plans): plan_cache_mode is set for their own transaction only, so other reads,
writes and the next user of the pooled connection keep PostgreSQL's default."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session, select

from models import AppUser, Team
from models.db import custom_plans, is_postgres, session_scope
from services.context import ServiceContext
from services.reminders import digest, home
from services.reminders.digest_items import TeamRows
from services.reminders.waiting import waiting_for
from services.unit_of_work import acting, reading
from tests.support.force import Force

PLAN_CACHE_MODE = sa.select(sa.func.current_setting("plan_cache_mode"))
SET = "set_config"


def _mode(session: Session) -> str:
    return str(session.execute(PLAN_CACHE_MODE).scalar_one())


def _team_a(session: Session) -> Team:
    return session.exec(select(Team).where(Team.name == "Team A")).one()


def test_a_teams_sections_and_a_users_waiting_reminders_are_planned_for_their_values(
    ctx: ServiceContext, force: Force
) -> None:
    now = ctx.clock.now()
    with session_scope(ctx.engine) as session:  # as the scheduler's digest run reads: no read scope
        team = _team_a(session)
        assert team.id is not None
        if is_postgres(ctx.engine):
            assert _mode(session) == "auto"
        sections = digest.build_sections(TeamRows(session, team.id, ctx.settings, listed=15), now)
        if is_postgres(ctx.engine):
            assert _mode(session) == "force_custom_plan"
    assert sections  # and on SQLite, with nothing to set, the sections are drawn all the same
    with session_scope(ctx.engine) as session:
        officer = session.exec(select(AppUser).where(AppUser.slack_user_id == force.officer)).one()
        assert officer.id is not None
        waiting_for(session, ctx.settings, officer.id, now)
        if is_postgres(ctx.engine):
            assert _mode(session) == "force_custom_plan"
    assert home.home_board(ctx, force.officer).slack_user_id == force.officer


def test_other_reads_and_writes_and_the_pooled_connection_keep_the_default(ctx: ServiceContext, force: Force) -> None:
    if not is_postgres(ctx.engine):
        return
    home.home_board(ctx, force.supervisor)  # planned for its values, in its own transaction
    with reading(ctx, force.officer) as read:
        assert _mode(read.session) == "auto"
    with acting(ctx, force.officer) as work:
        assert _mode(work.session) == "auto"
    with ctx.engine.connect() as connection:
        assert connection.execute(PLAN_CACHE_MODE).scalar_one() == "auto"


def test_the_setting_is_sent_once_a_transaction(ctx: ServiceContext, force: Force) -> None:
    if not is_postgres(ctx.engine):
        return
    sent: list[str] = []

    def count(conn: object, cursor: object, statement: str, *args: object) -> None:
        if SET in statement:
            sent.append(statement)

    sa.event.listen(ctx.engine, "before_cursor_execute", count)
    try:
        home.home_board(ctx, force.supervisor)  # the sections of each team, and Waiting for me
        assert len(sent) == 1
        with session_scope(ctx.engine) as session:  # a new transaction is told again
            custom_plans(session)
            custom_plans(session)
            assert _mode(session) == "force_custom_plan"
    finally:
        sa.event.remove(ctx.engine, "before_cursor_execute", count)
    assert len(sent) == 2
