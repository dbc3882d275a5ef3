"""The kept incident counts (incident_count, maintained by triggers on incident and marac_referral,
migration 0030) equal the incidents after every kind of write: recording with and without a DASH, a
DASH changing the risk level, a MARAC referral recorded and removed, a bulk UPDATE moving incidents
to another team and officer (as a hand-on would), a correction of the officer, retention's DELETEs;
and every total of `caseload incidents` read from them says what counting the incidents says. The
stateful incident and retention tests check the same invariant after every random step
(tests/properties/invariants.py)."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from sqlmodel import col, select

from domain.enums import RiskLevel
from models import AppUser, Incident, IncidentChild, IncidentCount, MaracAction, MaracReferral, Reminder
from models.db import session_scope
from services.clock import ManualClock
from services.context import ServiceContext
from services.incidents import changes
from services.incidents.recording import ChildInput, NewIncident, record_incident
from services.records.order_writer import PersonInput
from services.reporting.incident_caseload import incident_caseload, incident_query
from tests.properties.invariants import counted_incidents, the_incident_counts_are_the_incidents
from tests.support.force import Force, london


def wrong(ctx: ServiceContext) -> list[str]:
    with session_scope(ctx.engine) as session:
        return the_incident_counts_are_the_incidents(session)


def kept(ctx: ServiceContext) -> dict[tuple[int, int, str], tuple[int, int]]:
    with session_scope(ctx.engine) as session:
        rows = session.exec(select(IncidentCount)).all()
        return {(r.team_id, r.officer_id, r.risk): (r.incidents, r.unreferred) for r in rows if r.incidents}


def user_ids(ctx: ServiceContext) -> dict[str, tuple[int, int | None]]:
    with session_scope(ctx.engine) as session:
        return {s: (i or 0, t) for s, i, t in session.exec(select(AppUser.slack_user_id, AppUser.id, AppUser.team_id))}


def incident(
    ctx: ServiceContext, clock: ManualClock, officer: str, dash: int | None = None, *, child: bool = False
) -> str:
    children = (ChildInput("Kit Sample", "Oak Primary", "cumbria"),) if child else ()
    reported = clock.now() - timedelta(hours=1)
    return record_incident(
        ctx, officer, NewIncident(reported, PersonInput("Sam Sample"), PersonInput("Alex Example"), children, dash)
    )


def test_the_kept_incident_counts_follow_every_write(ctx: ServiceContext, clock: ManualClock, force: Force) -> None:
    clock.set(london("2026-04-02 21:00"))
    ids = user_ids(ctx)
    (officer, team_a), (other, team_b) = ids[force.officer], ids[force.other_officer]
    first = incident(ctx, clock, force.officer, child=True)
    second = incident(ctx, clock, force.officer, 16)
    incident(ctx, clock, force.other_officer, 3)
    assert wrong(ctx) == []
    assert kept(ctx)[(team_a, officer, "none")] == (1, 1) and kept(ctx)[(team_a, officer, "high")] == (1, 1)

    assert changes.record_dash(ctx, force.officer, first, 16) is RiskLevel.HIGH  # none -> high
    assert wrong(ctx) == [] and kept(ctx)[(team_a, officer, "high")] == (2, 2)
    changes.record_referral(ctx, force.officer, second)
    assert wrong(ctx) == [] and kept(ctx)[(team_a, officer, "high")] == (2, 1)
    assert changes.record_dash(ctx, force.officer, second, 11) is RiskLevel.MEDIUM  # a referred incident moves key
    assert wrong(ctx) == [] and kept(ctx)[(team_a, officer, "medium")] == (1, 0)
    changes.record_referral(ctx, force.officer, first)
    changes.add_action(ctx, force.officer, second, "Plan", force.colleague, london("2026-04-09 12:00"))
    assert wrong(ctx) == [] and sum(u for _, u in kept(ctx).values()) == 1

    with ctx.engine.begin() as connection:  # a bulk UPDATE handing team A's incidents to team B's officer
        connection.execute(
            sa.update(Incident).where(col(Incident.team_id) == team_a).values(officer_id=other, team_id=team_b)
        )
    assert wrong(ctx) == [] and {team for team, _, _ in kept(ctx)} == {team_b}
    with ctx.engine.begin() as connection:  # a correction of one incident's officer, its team kept
        connection.execute(
            sa.update(Incident).where(col(Incident.reference) == second).values(officer_id=ids[force.colleague][0])
        )
    assert wrong(ctx) == [] and kept(ctx)[(team_b, ids[force.colleague][0], "medium")] == (1, 0)

    with ctx.engine.begin() as connection:  # the second's referral removed (its actions first)
        referral = connection.execute(
            sa.select(MaracReferral.id)
            .join(Incident, col(Incident.id) == col(MaracReferral.incident_id))
            .where(col(Incident.reference) == second)
        ).scalar_one()
        connection.execute(sa.delete(MaracAction).where(col(MaracAction.referral_id) == referral))
        connection.execute(sa.delete(MaracReferral).where(col(MaracReferral.id) == referral))
    assert wrong(ctx) == [] and kept(ctx)[(team_b, ids[force.colleague][0], "medium")] == (1, 1)

    with ctx.engine.begin() as connection:  # the first erased as retention erases: its referral first
        gone = connection.execute(sa.select(Incident.id).where(col(Incident.reference) == first)).scalar_one()
        connection.execute(sa.delete(MaracReferral).where(col(MaracReferral.incident_id) == gone))
        connection.execute(sa.delete(IncidentChild).where(col(IncidentChild.incident_id) == gone))
        connection.execute(sa.delete(Reminder).where(col(Reminder.incident_id) == gone))
        connection.execute(sa.delete(Incident).where(col(Incident.id) == gone))
    assert wrong(ctx) == [] and sum(n for n, _ in kept(ctx).values()) == 2
    assert sum(u for _, u in kept(ctx).values()) == 2


def counted_total(ctx: ServiceContext, teams: set[int] | None, risk: str | None, no_marac: bool = False) -> int:
    """A total counted from the incidents themselves; risk "none" is no DASH yet."""
    with session_scope(ctx.engine) as session:
        counts = counted_incidents(session)
    measure = "unreferred" if no_marac else "incidents"
    return sum(
        n
        for (team, _, level, what), n in counts.items()
        if what == measure and (teams is None or team in teams) and (risk is None or level == risk)
    )


def test_the_incident_caseload_totals_from_the_kept_counts_are_the_counted_ones(
    ctx: ServiceContext, clock: ManualClock, force: Force
) -> None:
    """Every question whose filters are the kept keys (scope, risk, no-marac) reads its total from the
    kept counts; each must say what counting the incidents says, including an incident of a team A
    officer held in team B. A question about schools untold counts the incidents."""
    clock.set(london("2026-04-02 21:00"))
    made = [
        incident(ctx, clock, officer, dash, child=child)
        for officer, dash, child in [
            (force.officer, None, True),
            (force.officer, 16, False),
            (force.officer, 16, True),
            (force.officer, 11, False),
            (force.colleague, 3, False),
            (force.colleague, 16, False),
            (force.other_officer, 16, True),
            (force.other_officer, None, False),
        ]
    ]
    changes.record_referral(ctx, force.officer, made[1])
    changes.record_referral(ctx, force.officer, made[3])
    ids = user_ids(ctx)
    team_a, team_b = ids[force.officer][1], ids[force.other_officer][1]
    assert team_a is not None and team_b is not None
    with ctx.engine.begin() as connection:  # one of the officer's incidents held in team B
        connection.execute(sa.update(Incident).where(col(Incident.reference) == made[2]).values(team_id=team_b))
    asked = [
        (force.champion, "", None, None, False),
        (force.champion, "risk high", None, "high", False),
        (force.champion, "risk high no-marac", None, "high", True),
        (force.champion, "risk none", None, "none", False),
        (force.champion, "no-marac", None, None, True),
        (force.champion, "risk medium", None, "medium", False),
        (force.champion, "team Team B", {team_b}, None, False),
        (force.champion, "risk high no-marac team Team A", {team_a}, "high", True),
        (force.supervisor, "", {team_a}, None, False),
        (force.supervisor, "risk high", {team_a}, "high", False),
        (force.officer, "no-marac", {team_a}, None, True),
        (force.other_officer, "risk none", {team_b}, "none", False),
    ]
    for asker, text, teams, risk, no_marac in asked:
        answer = incident_caseload(ctx, asker, incident_query(text))
        assert answer.total == counted_total(ctx, teams, risk, no_marac) and answer.total > 0, (asker, text)
        assert answer.total == len(answer.lines), (asker, text)  # fewer than a page: every one shown

    untold = incident_caseload(ctx, force.champion, incident_query("encompass untold")).total
    every = incident_caseload(ctx, force.champion, incident_query("")).total
    with ctx.engine.begin() as connection:  # throw the kept counts off: the kept totals must show it
        connection.execute(
            sa.update(IncidentCount).values(
                incidents=IncidentCount.incidents + 1, unreferred=IncidentCount.unreferred + 1
            )
        )
    assert incident_caseload(ctx, force.champion, incident_query("")).total > every  # read from the counts
    assert incident_caseload(ctx, force.champion, incident_query("encompass untold")).total == untold  # counted
