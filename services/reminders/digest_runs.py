"""Which team digests are due, and who sends each. One digest_run row per team per local day: the
first process to insert it sends the digest, with a lease so a crash hands it to another process.
A digest missed while the bot was down goes out late, marked so, until DVPN_DIGEST_LATE_UNTIL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from models import AppUser, DigestRun, DigestState, Team, TeamSupervisor, metadata
from models.db import is_postgres
from services.context import ServiceContext
from services.reminders.digest import collect
from services.reminders.results import Late, TeamDigest
from services.unit_of_work import system

SCHEDULER = "scheduler"
RUNS: sa.Table = metadata.tables["digest_run"]


@dataclass(frozen=True)
class DueDigest:
    team_id: int
    team_name: str
    local_date: date
    due_at: datetime  # the team's digest time on that day, as an instant
    too_late_at: datetime  # after this a missed digest is skipped, not sent


@dataclass(frozen=True)
class ClaimedDigest:
    run_id: int
    due: DueDigest
    delivered: tuple[str, ...]  # destinations already posted to by an earlier, interrupted attempt
    attempts: int
    lease_until: datetime  # other processes leave the run alone until then


def due_digests(ctx: ServiceContext) -> list[DueDigest]:
    """Teams whose digest time today (Europe/London wall clock, so 07:00 is 07:00 on clock-change
    days too) has passed and whose digest is not yet sent or settled."""
    now = ctx.clock.now()
    tz = ctx.settings.timezone
    today = now.astimezone(tz).date()
    with system(ctx, SCHEDULER) as work:
        session = work.session
        settled = set(
            session.exec(
                select(DigestRun.team_id).where(
                    DigestRun.local_date == today,
                    (col(DigestRun.state) != DigestState.CLAIMED) | (col(DigestRun.claimed_until) > now),
                )
            ).all()
        )
        due = []
        for team in session.exec(select(Team).order_by(col(Team.id))).all():
            at = datetime.combine(today, team.digest_time, tzinfo=tz)
            if team.id is None or team.id in settled or at > now:
                continue
            late_until = ctx.settings.digest_late_until
            # A team whose digest time is after the late window still gets the rest of its day.
            until = datetime.combine(today, late_until, tzinfo=tz) if team.digest_time < late_until else None
            too_late = until or datetime.combine(today + timedelta(days=1), time(0), tzinfo=tz)
            due.append(DueDigest(team.id, team.name, today, at, too_late))
        return due


def claim(ctx: ServiceContext, due: DueDigest, worker_id: str) -> ClaimedDigest | None:
    """Take the digest for sending, or None if another process has it (or has sent it)."""
    now = ctx.clock.now()
    lease = now + timedelta(seconds=ctx.settings.reminders.claim_lease_seconds)
    values: dict[str, Any] = {
        "team_id": due.team_id,
        "local_date": due.local_date,
        "state": DigestState.CLAIMED,
        "claimed_by": worker_id,
        "claimed_until": lease,
        "attempts": 1,
        "delivered": [],
        "late": False,
        "created_at": now,
    }
    dialect = postgresql if is_postgres(ctx.engine) else sqlite
    insert = dialect.insert(RUNS).values(**values).on_conflict_do_nothing().returning(RUNS.c.id)
    take_over = (
        sa.update(RUNS)
        .where(
            RUNS.c.team_id == due.team_id,
            RUNS.c.local_date == due.local_date,
            RUNS.c.state == DigestState.CLAIMED,
            RUNS.c.claimed_until <= now,
        )
        .values(claimed_by=worker_id, claimed_until=lease, attempts=RUNS.c.attempts + 1)
        .returning(RUNS.c.id)
    )
    with system(ctx, SCHEDULER) as work:
        session = work.session
        run_id = session.execute(insert).scalar() or session.execute(take_over).scalar()
        if run_id is None:
            return None
        run = session.get(DigestRun, run_id)
        assert run is not None
        return ClaimedDigest(run_id, due, tuple(run.delivered or ()), run.attempts, lease)


def build(ctx: ServiceContext, claimed: ClaimedDigest, late: Late | None) -> tuple[TeamDigest, Team, list[str]]:
    """The digest, its team, and its supervisors' Slack ids (for DMs when the team has no channel)."""
    with system(ctx, SCHEDULER) as work:
        session = work.session
        team = session.get(Team, claimed.due.team_id)
        assert team is not None
        supervisors = session.exec(
            select(AppUser.slack_user_id)
            .join(TeamSupervisor, col(TeamSupervisor.user_id) == col(AppUser.id))
            .where(TeamSupervisor.team_id == team.id, col(AppUser.active))
            .order_by(col(AppUser.slack_user_id))
        ).all()
        return collect(session, ctx, team, ctx.clock.now(), late), team, list(supervisors)


def finish(
    ctx: ServiceContext,
    claimed: ClaimedDigest,
    worker_id: str,
    *,
    delivered: list[str],
    state: DigestState | None,
    late: bool = False,
    error: str | None = None,
) -> None:
    """Record the outcome. state None: not finished (a post failed); the lease is shortened to the
    retry backoff so this or another process tries again, posting only where it has not yet."""
    now = ctx.clock.now()
    backoff = timedelta(seconds=ctx.settings.reminders.retry_backoff_seconds)
    with system(ctx, SCHEDULER) as work:
        session = work.session
        run = _owned(session, claimed.run_id, worker_id)
        if run is None:
            return
        run.delivered, run.late, run.last_error = list(delivered), late, error[:500] if error else None
        if state is None and run.attempts >= ctx.settings.reminders.max_send_attempts:
            state = DigestState.SKIPPED  # given up: the log and last_error say why
        if state is None:
            run.claimed_until = now + backoff
            return
        run.state, run.claimed_by, run.claimed_until = state, None, None
        run.sent_at = now if state is DigestState.SENT else None


def hand_back(ctx: ServiceContext, claimed: ClaimedDigest, worker_id: str, *, delivered: list[str]) -> None:
    """Give the run up unfinished without counting an attempt (Slack unavailable, or this process
    stopping): any process may take it at its next check, posting only where it is not yet."""
    with system(ctx, SCHEDULER) as work:
        session = work.session
        run = _owned(session, claimed.run_id, worker_id)
        if run is None:
            return
        run.delivered, run.attempts = list(delivered), max(run.attempts - 1, 0)
        run.claimed_until = ctx.clock.now()


def _owned(session: Session, run_id: int, worker_id: str) -> DigestRun | None:
    return session.exec(
        select(DigestRun).where(DigestRun.id == run_id, DigestRun.claimed_by == worker_id).with_for_update()
    ).first()


def digest_times(ctx: ServiceContext) -> set[time]:
    """The local times of day at which some team's digest is due."""
    with system(ctx, SCHEDULER) as work:
        session = work.session
        return {team.digest_time for team in session.exec(select(Team)).all()}
