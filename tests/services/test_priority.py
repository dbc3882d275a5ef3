"""The perpetrator priority list through the services, on both databases: scores worked by hand
from orders, notices, breaches and incidents recorded through the use cases (a notice recorded from
an incident counted once), people joined as perpetrator history joins them, the serial flag, who
may see the list, and the audit of it; the ranking from tallies equal to scoring everyone."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, col, select

from domain.enums import OrderStatus, RiskLevel
from models import (
    AppUser,
    Breach,
    IdentityMismatch,
    Incident,
    OrderProtectedPerson,
    Perpetrator,
    ProtectedPerson,
    ProtectionOrder,
    Role,
    Team,
)
from models.types import pk
from rules.order_types import OrderType
from rules.repeat import window_start
from rules.rfgv import DEFAULT_MATRIX, Score, Tally, event_weight, score
from services.context import ServiceContext
from services.errors import NotAllowed
from services.governance.access import supervised_team_ids
from services.incidents.recording import NewIncident, record_incident
from services.people import offending, priority, priority_tallies
from services.people.perpetrator_history import lookup
from services.people.results import PerpetratorHistory
from services.records.breaches import record_breach
from services.records.order_writer import PersonInput
from tests.support.database import audit_rows
from tests.support.force import Force, london
from tests.support.records import PERPETRATOR, PERPETRATOR_DOB, PROTECTED, PROTECTED_DOB, dapo, dvpn, record


def seed(ctx: ServiceContext, force: Force) -> tuple[str, str]:
    """AP-E: a DVPN (2) for one victim on 1 Mar, a DAPO (3) for another on 2 Apr and its breach (4) the
    same evening. QO (Team B): a DVPN (2) on 1 Apr."""
    record(ctx, force.officer, dvpn("2026-03-01 20:00"))
    second = PersonInput("Olivia Another", date(1995, 1, 1))
    order = record(ctx, force.officer, dapo(protected=(second,))).reference
    record_breach(ctx, force.officer, order, london("2026-04-02 18:00"))
    other = record(
        ctx, force.other_officer, dvpn("2026-04-01 20:00", perpetrator=PersonInput("Quentin Other"))
    ).reference
    return order, other


def test_the_list_worked_by_hand(ctx: ServiceContext, force: Force) -> None:
    order, other = seed(ctx, force)
    ranked = priority.top(ctx, force.champion, 10)
    assert (ranked.scored, ranked.serial, ranked.window_months) == (2, 1, 12)
    first, second = ranked.entries
    # AP-E: R 0 days -> 5; F 3 events -> 3; G 2 + 3 + 4 = 9 -> 3; V 2 -> 3. Total 14, serial.
    assert (first.initials, first.reference) == ("APE", order)
    s = first.score
    assert (s.recency, s.frequency, s.gravity, s.victims, s.total, s.serial) == (5, 3, 3, 3, 14, True)
    # QO: R 1 day -> 5; F 1 -> 1; G 2 -> 1; V 1 -> 1. Total 8.
    assert (second.initials, second.reference, second.score.total, second.score.serial) == ("QO", other, 8, False)
    assert PERPETRATOR not in repr(ranked) and "Olivia" not in repr(ranked)


def test_rows_of_one_person_are_joined_by_name_and_date_of_birth(ctx: ServiceContext, force: Force) -> None:
    seed(ctx, force)
    record(ctx, force.other_officer, dvpn("2026-04-02 10:00", perpetrator=PersonInput(PERPETRATOR, PERPETRATOR_DOB)))
    first = priority.top(ctx, force.champion, 1).entries[0]
    assert first.initials == "APE" and first.score.events == 4  # the Team B notice joins the same person


def test_who_may_see_the_list(ctx: ServiceContext, force: Force) -> None:
    order, _ = seed(ctx, force)
    supervised = priority.top(ctx, force.supervisor, 10)
    assert [e.reference for e in supervised.entries] == [order]  # Team A's people only
    with pytest.raises(NotAllowed, match="Only champions or supervisors or admins"):
        priority.top(ctx, force.officer)
    assert priority.top(ctx, force.admin, 1).scored == 2
    reports = [r for r in audit_rows(ctx.engine, action="report") if r["entity_type"] == "perpetrator"]
    assert len(reports) == 2 and reports[0]["after"]["shown"] == [order]


def test_incidents_count_and_a_notice_recorded_from_one_counts_once(ctx: ServiceContext, force: Force) -> None:
    order, other = seed(ctx, force)
    ape = PersonInput(PERPETRATOR, PERPETRATOR_DOB)
    # AP-E again, joined by name and date of birth: a high-risk incident (DASH 15) against a third
    # victim on 20 Mar, answered with a DVPN recorded from it the next morning; an incident against
    # the first victim on 1 Apr, not yet assessed.
    high = record_incident(
        ctx,
        force.officer,
        NewIncident(london("2026-03-20 20:00"), PersonInput("Vera Third", date(1988, 3, 3)), ape, dash_yes=15),
    )
    answered = record(
        ctx,
        force.officer,
        dvpn("2026-03-21 09:00", incident_reference=high, perpetrator=PersonInput(""), protected=()),
    ).reference
    record_incident(
        ctx, force.officer, NewIncident(london("2026-04-01 10:00"), PersonInput(PROTECTED, PROTECTED_DOB), ape)
    )
    # Someone with an incident only, in Team B: high risk, this evening.
    alone = record_incident(
        ctx,
        force.other_officer,
        NewIncident(london("2026-04-02 19:00"), PersonInput("Una Victim"), PersonInput("Ian Incident"), dash_yes=14),
    )
    ranked = priority.top(ctx, force.champion, 10)
    first, second, third = ranked.entries
    # AP-E: the DVPN (2) of 1 Mar; the DVPN from the high-risk incident, one episode weighing the
    # greater of 2 and 3 = 3 (the incident itself is not counted again); the unassessed incident (1);
    # the DAPO (3) and its breach (4). R 0 days -> 5; F 5 -> 4; G 2 + 3 + 1 + 3 + 4 = 13 -> 4; V 3
    # (the first victim again on 1 Apr) -> 5. Total 18.
    s = first.score
    assert (first.initials, first.reference) == ("APE", order)
    assert (s.recency, s.frequency, s.gravity, s.victims, s.total, s.events, s.victim_count) == (5, 4, 4, 5, 18, 5, 3)
    assert s.working[3] == (
        "Gravity: DVPN 2, DVPN from the high-risk incident 3, unassessed incident 1, DAPO 3, breach 4 = 13: "
        "4 points (at least 10)."
    )
    assert answered not in (e.reference for e in ranked.entries)
    # II: the high-risk incident (3) 2 hours ago: R 5, F 1, G 3 -> 2, V 1 -> 1: 9, above QO's 8; the
    # entry names the incident, and the person is opened by it.
    assert (second.initials, second.reference, second.score.total) == ("II", alone, 9)
    assert (third.reference, third.score.total) == (other, 8)
    found = lookup(ctx, force.champion, alone)
    assert isinstance(found, PerpetratorHistory) and found.records == () and found.named is False
    # The supervisor of Team A sees AP-E (incidents recorded in Team A), not Team B's incident.
    assert [e.reference for e in priority.top(ctx, force.supervisor, 10).entries] == [order]
    assert "Vera" not in repr(ranked) and "Ian Incident" not in repr(ranked)


# The list as it was first made, kept as the reference the ranking from tallies must equal: every
# person's events loaded and scored, supervisors' people kept by the references of their events.
def reference_top(ctx: ServiceContext, slack_id: str, count: int) -> tuple[list[tuple[str, Score]], int, int]:
    matrix = priority_tallies.scoring_of(ctx).matrix
    tz, now = ctx.settings.timezone, ctx.clock.now()
    since = window_start(now, matrix.window_months, tz)
    with Session(ctx.engine) as session:
        user = session.exec(select(AppUser).where(AppUser.slack_user_id == slack_id)).one()
        in_scope = None
        if user.role is Role.SUPERVISOR:
            teams = sorted(supervised_team_ids(session, user))
            in_scope = set(
                session.exec(select(ProtectionOrder.reference).where(col(ProtectionOrder.team_id).in_(teams))).all()
            ) | set(session.exec(select(Incident.reference).where(col(Incident.team_id).in_(teams))).all())
        scored = []
        for events in offending.offending_events(session, since).values():
            if in_scope is not None and not ({e.reference for e in events} & in_scope):
                continue
            result = score(events, now, matrix, serial_victims=ctx.settings.serial_victims, tz=tz)
            if result is not None:
                scored.append((result, max(events, key=lambda e: e.at)))
    scored.sort(key=lambda s: (-s[0].total, -s[0].victim_count, -s[1].at.timestamp(), s[1].reference))
    return (
        [(latest.reference, result) for result, latest in scored[:count]],
        len(scored),
        sum(s.serial for s, _ in scored),
    )


def seed_many(ctx: ServiceContext, seed: int) -> None:
    """Perpetrator rows joined by PNC id, by name and date of birth, or standing alone (neither, or in
    an unsettled identity check); notices superseded by orders made on them; breaches, some of
    superseded notices; victims shared between orders and incidents or without a date of birth;
    incidents of every DASH level and none, some answered by a record made from them; events before
    the window, on its first day and after now; two people tied on everything but their reference."""
    rng = random.Random(seed)
    now = ctx.clock.now()
    with Session(ctx.engine) as session:
        users = {u.slack_user_id: pk(u) for u in session.exec(select(AppUser)).all()}
        teams = [pk(t) for t in session.exec(select(Team).order_by(col(Team.name))).all()]
        officer = users["UOFFA1"]
        people = []
        for i in range(40):
            shape = i % 5
            person = Perpetrator(
                full_name=f"Person {i % 23}",
                name_key=f"person {i % 23}",
                date_of_birth=date(1980, 1, 1 + i % 7) if shape in (1, 2, 3) else None,
                pnc_id=f"26/{i % 9}A" if shape in (0, 3) else ("" if shape == 4 else None),
                created_at=now,
                updated_at=now,
            )
            session.add(person)
            people.append(person)
        victims = []
        for i in range(30):
            victim = ProtectedPerson(
                full_name=f"Victim {i % 17}",
                name_key=f"victim {i % 17}",
                date_of_birth=date(1990, 2, 1 + i % 3) if i % 4 else None,
                created_at=now,
                updated_at=now,
            )
            session.add(victim)
            victims.append(victim)
        session.flush()
        incidents: list[Incident] = []
        minute = 0
        for i in range(60):
            minute += rng.randint(1, 12000)
            incident = Incident(
                reference=f"WM-INC-2026-{i:04d}",
                reported_at=now + timedelta(days=10) - timedelta(days=420) + timedelta(minutes=minute % (430 * 1440)),
                victim_id=pk(rng.choice(victims)),
                suspect_id=pk(rng.choice(people)),
                officer_id=officer,
                team_id=rng.choice(teams),
                risk_level=rng.choice((*RiskLevel, RiskLevel.HIGH, None)),
                created_by_id=officer,
                created_at=now,
                updated_at=now,
            )
            session.add(incident)
            incidents.append(incident)
        session.flush()
        orders: list[ProtectionOrder] = []
        minute = 0
        for i in range(150):
            minute += rng.randint(1, 4000)  # every event at its own instant but for the tie below
            at = now + timedelta(days=10) - timedelta(days=420) + timedelta(minutes=minute % (430 * 1440))
            kind = rng.choice(list(OrderType))
            parent = rng.choice(orders) if orders and rng.random() < 0.15 else None
            # Recorded from an incident, taking its suspect (made at any time, so some are made
            # before the window or after the incident's report, and some incidents more than once).
            source = rng.choice(incidents) if rng.random() < 0.3 else None
            perpetrator = parent.perpetrator_id if parent and rng.random() < 0.5 else pk(rng.choice(people))
            order = ProtectionOrder(
                reference=f"WM-{kind.value}-2026-{i:04d}",
                order_type=kind,
                status=OrderStatus.ACTIVE,
                perpetrator_id=source.suspect_id if source else perpetrator,
                parent_id=pk(parent) if parent else None,
                incident_id=pk(source) if source else None,
                officer_id=officer,
                team_id=rng.choice(teams),
                served_at=at if rng.random() < 0.7 else None,
                made_at=at,
                created_by_id=officer,
                created_at=now,
                updated_at=now,
            )
            session.add(order)
            session.flush()
            orders.append(order)
            for victim in rng.sample(victims, rng.choice((0, 1, 1, 2, 3))):
                session.add(OrderProtectedPerson(order_id=pk(order), person_id=pk(victim)))
            for _ in range(rng.choice((0, 0, 1, 2))):
                minute += rng.randint(1, 4000)
                breach_at = at + timedelta(minutes=minute % (60 * 1440))
                session.add(Breach(order_id=pk(order), occurred_at=breach_at, recorded_by_id=officer, recorded_at=now))
        for person, same in ((people[3], None), (people[8], False), (people[13], True)):
            session.add(
                IdentityMismatch(
                    perpetrator_id=pk(person),
                    order_id=pk(orders[0]),
                    recorded_by_id=officer,
                    created_at=now,
                    same_person=same,
                )
            )
        for n, team in enumerate(teams):  # alike but for the reference
            twin = Perpetrator(full_name=f"Twin {n}", name_key=f"twin {n}", created_at=now, updated_at=now)
            session.add(twin)
            session.flush()
            session.add(
                ProtectionOrder(
                    reference=f"WM-DVPN-2026-{9000 - n}",
                    order_type=OrderType.DVPN,
                    status=OrderStatus.ACTIVE,
                    perpetrator_id=pk(twin),
                    officer_id=officer,
                    team_id=team,
                    served_at=now - timedelta(days=40),
                    created_by_id=officer,
                    created_at=now,
                    updated_at=now,
                )
            )
        session.commit()


# A force's own matrix where incidents weigh more than any record, so a record made from one weighs
# the incident's weight, not its own, and the ranking turns on it.
HEAVY_INCIDENTS = {"standard = 1": "standard = 5", "medium = 2": "medium = 6", "high = 3": "high = 8"}


@pytest.mark.parametrize(("seed", "heavy"), [(1, False), (2, False), (3, False), (4, True)])
def test_the_ranking_from_tallies_equals_scoring_everyone(
    ctx: ServiceContext, force: Force, seed: int, heavy: bool, tmp_path: Path
) -> None:
    if heavy:
        text = DEFAULT_MATRIX.read_text(encoding="utf-8")
        for default, own in HEAVY_INCIDENTS.items():
            text = text.replace(f"\n{default}\n", f"\n{own}\n")
        (tmp_path / "matrix.toml").write_text(text, encoding="utf-8")
        ctx = replace(ctx, settings=replace(ctx.settings, rfgv_matrix_file=str(tmp_path / "matrix.toml")))
        assert priority_tallies.scoring_of(ctx).matrix.gravity_weights["high-risk incident"] == 8
    seed_many(ctx, seed)
    for slack_id in (force.champion, force.supervisor, force.admin):
        for count in (1, 2, 5, 10, 50):
            expected, scored, serial = reference_top(ctx, slack_id, count)
            ranked = priority.top(ctx, slack_id, count)
            assert [(e.reference, e.score) for e in ranked.entries] == expected
            assert (ranked.scored, ranked.serial) == (scored, serial)
            assert [e.rank for e in ranked.entries] == list(range(1, len(expected) + 1))
    champion, supervisor = priority.top(ctx, force.champion, 50), priority.top(ctx, force.supervisor, 50)
    assert supervisor.scored < champion.scored  # the supervisor's scope leaves some out
    # Beyond the ranking (where bands can hide a wrong sum): every person's tally summed in SQL is
    # the tally of the events gathered in Python.
    matrix, now = priority_tallies.scoring_of(ctx).matrix, ctx.clock.now()
    since = window_start(now, matrix.window_months, ctx.settings.timezone)
    with Session(ctx.engine) as session:
        summed = {p: (t.tally, t.last) for p, t in offending.tallies(session, since, now, matrix).items() if t.tally}
        gathered = offending.offending_events(session, since)
    expected_tallies = {}
    for person, events in gathered.items():
        counted = [e for e in events if e.at <= now]
        if counted:
            tally = Tally(
                len(counted),
                max(e.at for e in counted),
                sum(event_weight(matrix, e) for e in counted),
                len({v for e in counted for v in e.victims}),
            )
            expected_tallies[sql_key(person)] = (tally, max(e.at for e in events))
    assert summed == expected_tallies
    assert any(e.from_incident for events in gathered.values() for e in events)  # records made from incidents
    assert any(e.kind.endswith("incident") for events in gathered.values() for e in events)


def sql_key(person: tuple[object, ...]) -> tuple[str, str, str]:
    """A person as `offending_events` keys them, as the database keys them (`_person_key_columns`)."""
    kind, first, *rest = person
    return (str(kind), str(first), str(rest[0]) if rest else "")
