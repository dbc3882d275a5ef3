"""The kept escalation count (incident.escalation_count) follows every write that can change it, and
`marac due` with it: an incident recorded before the victim's later ones, a victim corrected on the
notice recorded from the incident (the same person row), an incident erased. Each case names the
incident whose count the write changes without touching it, which a version that forgot to
recount (or to replan it) would leave wrong; the counts are also checked against the facts."""

from __future__ import annotations

import importlib
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import Session, col, select

from domain.enums import RiskLevel
from models import AppUser, AuditEvent, Incident, ProtectedPerson, Reminder, Team
from rules.incidents import MaracReason
from rules.order_types import OrderType
from rules.ranks import Rank
from services.clock import ManualClock
from services.context import ServiceContext
from services.governance import retention
from services.incidents import card
from services.incidents.escalation_counts import recount
from services.records import corrections
from services.records import recording as records
from services.records.order_writer import PersonInput
from services.records.recording import NewRecord
from tests.properties.invariants import the_escalation_counts_are_the_facts
from tests.services.test_referrals_due import NOW, add, one_at_a_time
from tests.support.force import Force
from tests.support.races import second_waits


def kept(ctx: ServiceContext, reference: str) -> int:
    with Session(ctx.engine) as session:
        return session.exec(select(Incident.escalation_count).where(Incident.reference == reference)).one()


def listed(ctx: ServiceContext, actor: str) -> dict[str, str]:
    return {d.reference: d.reason for d in card.marac_due_list(ctx, actor, limit=1000)}


def agree_with_the_facts(ctx: ServiceContext, force: Force) -> None:
    with Session(ctx.engine) as session:
        every = list(session.exec(select(Incident.id)).all())
        assert the_escalation_counts_are_the_facts(session, [i for i in every if i is not None]) == []
    assert sorted(listed(ctx, force.champion).items()) == sorted((ref, why) for ref, why, _ in one_at_a_time(ctx, None))


def notice_from(ctx: ServiceContext, force: Force, incident: str) -> str:
    notice = NewRecord(
        order_type=OrderType.DVPN,
        served_at=NOW - timedelta(minutes=30),
        authoriser_name="Supt Example",
        authoriser_rank=Rank.SUPERINTENDENT,
        incident_reference=incident,
    )
    return records.record(ctx, force.officer, notice).reference


def test_an_incident_recorded_before_the_victims_later_ones_escalates_them(ctx: ServiceContext, force: Force) -> None:
    add(ctx, force.officer, "Pat Person", 10)
    latest = add(ctx, force.officer, "Pat Person", 5)
    assert kept(ctx, latest) == 2 and latest not in listed(ctx, force.champion)
    add(ctx, force.officer, "Pat Person", 100)  # reported before both, recorded after them
    assert kept(ctx, latest) == 3
    assert listed(ctx, force.champion)[latest] == MaracReason.ESCALATION
    agree_with_the_facts(ctx, force)


def test_a_victim_corrected_on_the_notice_moves_the_counts_both_ways(ctx: ServiceContext, force: Force) -> None:
    add(ctx, force.officer, "Pat Person", 200)
    middle = add(ctx, force.officer, "Pat Other", 100)
    latest = add(ctx, force.officer, "Pat Person", 10)
    assert kept(ctx, latest) == 2 and latest not in listed(ctx, force.champion)
    notice = notice_from(ctx, force, middle)
    why = "Victim's name misheard at the scene"
    corrections.correct(ctx, force.officer, notice, {"protected": (PersonInput("Pat Person"),)}, why)
    assert (kept(ctx, middle), kept(ctx, latest)) == (2, 3)
    assert listed(ctx, force.champion)[latest] == MaracReason.ESCALATION
    agree_with_the_facts(ctx, force)
    corrections.correct(ctx, force.officer, notice, {"protected": (PersonInput("Pat Other"),)}, why)
    assert (kept(ctx, middle), kept(ctx, latest)) == (1, 2)
    assert latest not in listed(ctx, force.champion)
    agree_with_the_facts(ctx, force)


def test_an_erased_incident_leaves_the_victims_later_counts(
    ctx: ServiceContext, force: Force, clock: ManualClock
) -> None:
    first = add(ctx, force.officer, "Pat Person", 30)
    add(ctx, force.officer, "Pat Person", 20)
    latest = add(ctx, force.officer, "Pat Person", 10)
    assert kept(ctx, latest) == 3 and listed(ctx, force.champion)[latest] == MaracReason.ESCALATION
    with Session(ctx.engine) as session:  # its referral reminder was posted to the officer
        incident = session.exec(select(Incident).where(Incident.reference == latest)).one()
        reminder = session.exec(
            select(Reminder).where(
                Reminder.incident_id == incident.id, Reminder.kind == f"inc_overdue:marac:{incident.officer_id}"
            )
        ).one()
        reminder.slack_channel, reminder.slack_ts = "D0OFFICER", "1700000000.000100"
        session.add(reminder)
        session.commit()
        posted = reminder.id
    clock.advance(timedelta(days=366 * (ctx.settings.retention_years + 1)))
    retention.erase(ctx, force.admin, first, "MoPI review: no policing purpose remains")
    assert kept(ctx, latest) == 2
    assert latest not in listed(ctx, force.champion)
    with Session(ctx.engine) as session:  # its message will say why, not "Recorded by" the admin
        settled = session.get(Reminder, posted)
        assert settled is not None and settled.update_reason == "moot_escalation"
    agree_with_the_facts(ctx, force)


def test_every_count_filled_at_once_is_the_facts(ctx: ServiceContext, force: Force) -> None:
    """Migration 0028's fill (which bench/fakeforce/incidents.py gives the bench's data too) gives the
    counts the writes keep, on victims with dates of birth equal, unknown and disagreeing, and one
    exactly 365 days before."""
    born, other = date(1990, 5, 1), date(1971, 1, 1)
    for days, birth in ((375, born), (365, born), (300, born), (120, None), (90, other), (10, born), (0.5, None)):
        add(ctx, force.officer, "Pat Person", days, born=birth)
    add(ctx, force.officer, "Quinn Window", 30)
    fill = importlib.import_module("migrations.versions.0028_incident_escalation_count")
    postgresql = ctx.engine.dialect.name == "postgresql"
    for statement in (fill.POSTGRES,) if postgresql else (fill.SQLITE,):
        with ctx.engine.begin() as connection:
            connection.execute(sa.update(Incident).values(escalation_count=0))
            connection.execute(sa.text(statement))
        agree_with_the_facts(ctx, force)
    assert sorted(kept(ctx, ref) for ref in one_reference_each(ctx)) == [
        1,
        1,
        2,
        2,
        3,
        4,
        4,
        6,
    ]  # 375 days: exactly 365 before 10


def one_reference_each(ctx: ServiceContext) -> list[str]:
    with Session(ctx.engine) as session:
        return list(session.exec(select(Incident.reference)).all())


def test_a_page_of_the_list_counts_every_referral_due(ctx: ServiceContext, force: Force) -> None:
    """`marac due` reads only its page (referrals_due.first_due) but audits how many are due."""
    for days in (200, 100, 10):
        add(ctx, force.officer, "Pat Person", days)
    add(ctx, force.officer, "Dana High", 3, dash=15)
    add(ctx, force.officer, "Eli Judged", 2, dash=6, judgement=RiskLevel.HIGH)
    everything = one_at_a_time(ctx, None)
    assert len(everything) == 3
    page = card.marac_due_list(ctx, force.champion, limit=2)
    assert [d.reference for d in page] == [ref for ref, _, _ in everything[:2]]
    with Session(ctx.engine) as session:
        audited = session.exec(select(AuditEvent).order_by(col(AuditEvent.id).desc())).first()
    assert audited is not None and audited.action == "list" and audited.after == {"marac_due": 3}


def test_two_incidents_against_one_victim_recorded_at_once_are_both_counted(ctx: ServiceContext, force: Force) -> None:
    # Read committed: the second recount cannot see the first's uncommitted incident. Unless it
    # waits for the first to commit, each keeps counts short of the other's incident.
    if ctx.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has one writer at a time: the two writes cannot interleave")
    add(ctx, force.officer, "Pat Person", 10)
    latest = add(ctx, force.officer, "Pat Person", 5)
    first = Session(ctx.engine)
    try:
        another_incident(first, latest, "WM-INC-2026-9001", days_before=100)  # not committed yet
        # Another team's officer on another day: no kept count's row is shared with the first
        # write, so only the recount's own lock can make the second wait.
        waited = second_waits(
            ctx.engine,
            first,
            lambda second: another_incident(second, latest, "WM-INC-2026-9002", days_before=50, team="Team B"),
        )
    finally:
        first.close()
    assert kept(ctx, latest) == 4
    with Session(ctx.engine) as session:
        every = [i for i in session.exec(select(Incident.id)).all() if i is not None]
        assert the_escalation_counts_are_the_facts(session, every) == []
    assert waited


def another_incident(session: Session, like: str, reference: str, *, days_before: int, team: str | None = None) -> None:
    """An incident against a victim named as `like`'s, `days_before` it, counted as recording does
    (in `team`, by one of its officers, if given)."""
    model = session.exec(select(Incident).where(Incident.reference == like)).one()
    victim = session.get(ProtectedPerson, model.victim_id)
    assert victim is not None
    person = ProtectedPerson(full_name=victim.full_name, name_key=victim.name_key, created_at=NOW, updated_at=NOW)
    session.add(person)
    session.flush()
    at = model.reported_at - timedelta(days=days_before)
    copied = model.model_dump(exclude={"id", "reference", "reported_at", "victim_id", "escalation_count"})
    if team is not None:
        team_id = session.exec(select(Team.id).where(Team.name == team)).one()
        officer = session.exec(select(AppUser.id).where(AppUser.team_id == team_id)).first()
        copied |= {"team_id": team_id, "officer_id": officer}
    session.add(Incident(**copied, reference=reference, reported_at=at, victim_id=person.id))
    recount(session, [(victim.name_key, at)])
