"""The incident export's CSV, byte for byte, for a month of a seeded force: forty-eight incidents in
both teams with every kind of fact (DASH or none, judgement, attendance, crime disclosed and recorded
in the force's format or not, the protective-notice decision, children present or linked with
schools told in time, late or not yet, MARAC referrals with meetings and actions done, overdue and
to come, notices recorded from them) and some just outside the month. The files beside this test
(incident_export_*.csv) were written by the export before it was made faster; the export must
still write exactly them, on both databases, for the whole force (an admin) and for one team (a
supervisor)."""

from __future__ import annotations

import random
from collections.abc import Callable
from contextlib import suppress
from datetime import date, timedelta
from pathlib import Path

import pytest

from domain.enums import RiskLevel
from rules.order_types import OrderType
from rules.ranks import Rank
from services.clock import ManualClock
from services.context import ServiceContext
from services.errors import DomainError
from services.incidents import changes
from services.incidents.recording import ChildInput, NewIncident, record_incident
from services.records import recording as records
from services.records.order_writer import PersonInput
from services.records.recording import NewRecord
from services.reporting import export
from services.reporting.period import parse_period
from services.reporting.report_results import ExportKind
from tests.services.test_export import REASON
from tests.support.database import Seeds
from tests.support.force import Force, london

HERE = Path(__file__).parent
APRIL = parse_period("2026-04", date(2026, 5, 3))
AREAS = ("cumbria", "worcestershire", "Worcestershire")
VICTIMS = ("Sam Sample", "Jo Able", "Ria Lane-Moss")
SUSPECTS = ("Alex Example", "Dean O'Neil", "Chris Van Der Berg", "Pat")


def seed_april(ctx: ServiceContext, clock: ManualClock, force: Force) -> None:
    """Incidents reported from 30 March to late April, each worked as the dice say, in report order."""
    dice = random.Random(2026)
    officers = (force.officer, force.colleague, force.other_officer)
    reported = london("2026-03-30 09:15")
    for n in range(48):
        reported += timedelta(hours=dice.randint(9, 18), minutes=dice.choice((0, 7, 30, 45)))
        clock.set(reported + timedelta(minutes=dice.randint(20, 90)))
        officer = officers[n % 3]
        kids = tuple(
            ChildInput(f"Kid {k} Sample", f"School {k}", dice.choice(AREAS), present=dice.random() < 0.6)
            for k in range(dice.choice((0, 0, 1, 2, 3)))
        )
        dash = dice.choice((None, None, 3, 11, 14, 20))
        ref = record_incident(
            ctx,
            officer,
            NewIncident(
                reported,
                PersonInput(dice.choice(VICTIMS)),
                PersonInput(dice.choice(SUSPECTS)),
                kids,
                dash,
                RiskLevel.HIGH if dash is not None and dash < 14 and dice.random() < 0.3 else None,
                crime_disclosed=dice.random() < 0.5,
                crime_reference=dice.choice((None, None, "22/123456/26", "CR-99")),
            ),
        )
        _work(ctx, clock, dice, officer, ref, len(kids), dash)
    clock.set(london("2026-05-03 10:00"))


def _work(
    ctx: ServiceContext,
    clock: ManualClock,
    dice: random.Random,
    officer: str,
    ref: str,
    children: int,
    dash: int | None,
) -> None:
    def attempt(event: Callable[[], object]) -> None:
        with suppress(DomainError):  # refused as the lifecycle says: the dice asked for too much
            event()

    later = clock.now()
    if dash is None and dice.random() < 0.4:
        clock.set(later + timedelta(hours=dice.randint(1, 30)))
        attempt(lambda: changes.record_dash(ctx, officer, ref, dice.choice((5, 12, 15))))
    if dice.random() < 0.7:
        attempt(
            lambda: changes.record_attended(ctx, officer, ref, clock.now() - timedelta(minutes=dice.randint(0, 40)))
        )
    if dice.random() < 0.4:
        attempt(lambda: changes.record_crime(ctx, officer, ref, dice.choice(("22/654321/26", "local 77"))))
    if dice.random() < 0.6:
        yes = dice.random() < 0.5
        attempt(lambda: changes.record_considered(ctx, officer, ref, yes, "" if yes else "suspect in custody"))
    for number in range(1, children + 1):
        if dice.random() < 0.6:
            clock.set(clock.now() + timedelta(hours=dice.choice((1, 20, 70))))
            attempt(lambda: changes.record_school_told(ctx, officer, ref, number))  # noqa: B023
    if dice.random() < 0.4:
        attempt(lambda: changes.record_referral(ctx, officer, ref))
        if dice.random() < 0.6:
            attempt(lambda: changes.record_meeting(ctx, officer, ref, clock.now() + timedelta(days=dice.randint(1, 9))))
        for _ in range(dice.choice((0, 1, 2, 3))):
            due = clock.now() + timedelta(days=dice.randint(-2, 40))
            attempt(lambda: changes.add_action(ctx, officer, ref, "Safety plan", officer, due))  # noqa: B023
        if dice.random() < 0.5:
            attempt(lambda: changes.action_done(ctx, officer, ref, 1))
    if dice.random() < 0.15:
        notice = NewRecord(
            order_type=OrderType.DVPN,
            served_at=clock.now() - timedelta(minutes=10),
            authoriser_name="Supt Example",
            authoriser_rank=Rank.SUPERINTENDENT,
            incident_reference=ref,
        )
        attempt(lambda: records.record(ctx, officer, notice))


@pytest.fixture
def incidents(ctx: ServiceContext, clock: ManualClock, force: Force, seeds: Seeds) -> Force:
    """seed_april, built once per test process and database."""
    name = f"force+april incidents from {ctx.source}"
    seeds.restore_or_build(name, ctx.engine, clock, lambda: seed_april(ctx, clock, force))
    return force


@pytest.mark.parametrize("who, stored", [("admin", "force"), ("supervisor", "team_a")])
def test_the_incident_export_writes_the_same_bytes(
    ctx: ServiceContext, incidents: Force, who: str, stored: str
) -> None:
    made = export.export_records(ctx, getattr(incidents, who), APRIL, None, REASON, ExportKind.INCIDENTS)
    expected = (HERE / f"incident_export_{stored}.csv").read_bytes()
    assert made.rows > 10
    assert made.content == expected
