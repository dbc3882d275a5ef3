"""Migration 0031 marks the incidents whose MARAC referral is due and not recorded from the
referral clocks already kept (high risk by DASH or escalated by the victim's incidents, referred or
not, on both databases); its downgrade removes the mark, and the upgrade after a referral recorded
meanwhile by a release without it marks what the planner would."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from sqlmodel import select

from models import Incident
from models.db import session_scope
from models.schema import upgrade
from services.clock import ManualClock
from services.context import ServiceContext
from services.incidents import changes
from services.incidents.planning import load_facts, marac_due
from services.incidents.recording import NewIncident, record_incident
from services.records.order_writer import PersonInput
from tests.support.force import Force, london
from tests.support.migrations import undo


def marked(ctx: ServiceContext) -> dict[str, bool]:
    with session_scope(ctx.engine) as session:
        return {i.reference: i.marac_open for i in session.exec(select(Incident)).all()}


def test_the_referrals_due_on_file_are_marked_by_the_migration(
    ctx: ServiceContext, clock: ManualClock, force: Force
) -> None:
    clock.set(london("2026-04-02 21:00"))

    def incident(officer: str, victim: str, dash: int | None, hours_ago: float) -> str:
        at = clock.now() - timedelta(hours=hours_ago)
        return record_incident(
            ctx, officer, NewIncident(at, PersonInput(victim), PersonInput("Alex Example"), (), dash)
        )

    high = incident(force.officer, "Sam Sample", 16, 1)
    referred = incident(force.colleague, "Kim Other", 15, 2)
    standard = incident(force.other_officer, "Lee Third", 3, 3)
    repeated = [incident(force.officer, "Jo Again", None, hours) for hours in (200, 100, 4)]
    referred_later = incident(force.officer, "Max Later", 17, 5)
    changes.record_referral(ctx, force.colleague, referred)
    before = marked(ctx)
    assert [ref for ref, due in before.items() if due] == [high, repeated[2], referred_later]
    assert not before[standard] and not before[referred]

    engine = ctx.engine
    undo(engine, "0031")
    with engine.connect() as connection:
        assert "marac_open" not in {c["name"] for c in sa.inspect(connection).get_columns("incident")}
    with engine.begin() as connection:  # a referral recorded by a release that kept no mark
        connection.execute(
            sa.text(
                "INSERT INTO marac_referral (incident_id, referred_at, referred_by_id, created_at) "
                "SELECT id, reported_at, officer_id, reported_at FROM incident WHERE reference = :reference"
            ),
            {"reference": referred_later},
        )

    upgrade(engine)
    assert marked(ctx) == before | {referred_later: False}
    with session_scope(engine) as session:
        for incident in session.exec(select(Incident)).all():
            facts = load_facts(session, incident)
            due = marac_due(facts, ctx.settings.incidents) is not None and facts.referral is None
            assert incident.marac_open == due, incident.reference
