"""The reads of a team's or a user's rows whose sizes differ most, the sections of a team's digest
and App Home and a user's "Waiting for me", are planned for the values they are given and without
parallel workers (models.db.serial_custom_plans): both settings are for their own transaction only,
so other reads, writes and the next user of the pooled connection keep PostgreSQL's defaults."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.pool import NullPool
from sqlmodel import Session, select

from models import AppUser, Team
from models.db import is_postgres, serial_custom_plans, session_scope
from services.context import ServiceContext
from services.reminders import digest, home
from services.reminders.digest_items import TeamRows
from services.reminders.waiting import waiting_for
from services.unit_of_work import acting, reading
from tests.support.force import Force

PLANNING = sa.select(
    sa.func.current_setting("plan_cache_mode"), sa.func.current_setting("max_parallel_workers_per_gather")
)
SET = "set_config"
SERIAL_CUSTOM = ("force_custom_plan", "0")


def _planning(session: Session) -> tuple[str, str]:
    mode, workers = session.execute(PLANNING).one()
    return str(mode), str(workers)


def _default(engine: Engine) -> tuple[str, str]:
    """The server's own settings, read on a connection of another pool."""
    with sa.create_engine(engine.url, poolclass=NullPool).connect() as connection:
        mode, workers = connection.execute(PLANNING).one()
    return str(mode), str(workers)


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
            default = _default(ctx.engine)
            assert default != SERIAL_CUSTOM and _planning(session) == default
        sections = digest.build_sections(TeamRows(session, team.id, ctx.settings, listed=15), now)
        if is_postgres(ctx.engine):
            assert _planning(session) == SERIAL_CUSTOM
    assert sections  # and on SQLite, with nothing to set, the sections are drawn all the same
    with session_scope(ctx.engine) as session:
        officer = session.exec(select(AppUser).where(AppUser.slack_user_id == force.officer)).one()
        assert officer.id is not None
        waiting_for(session, ctx.settings, officer.id, now)
        if is_postgres(ctx.engine):
            assert _planning(session) == SERIAL_CUSTOM
    assert home.home_board(ctx, force.officer).slack_user_id == force.officer


def test_other_reads_and_writes_and_the_pooled_connection_keep_the_default(ctx: ServiceContext, force: Force) -> None:
    if not is_postgres(ctx.engine):
        return
    default = _default(ctx.engine)
    home.home_board(ctx, force.supervisor)  # planned for its values, in its own transaction
    with reading(ctx, force.officer) as read:
        assert _planning(read.session) == default
    with acting(ctx, force.officer) as work:
        assert _planning(work.session) == default
    with ctx.engine.connect() as connection:
        assert tuple(map(str, connection.execute(PLANNING).one())) == default


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
            serial_custom_plans(session)
            serial_custom_plans(session)
            assert _planning(session) == SERIAL_CUSTOM
    finally:
        sa.event.remove(ctx.engine, "before_cursor_execute", count)
    assert len(sent) == 2
