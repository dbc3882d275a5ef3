"""Migration 0030 fills the kept incident counts from the incidents already on file (with and without
a DASH, referred or not, in both teams), on both databases; its downgrade removes the table and its
triggers, and the upgrade after writes made meanwhile counts them and keeps the counts again."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from models.db import session_scope
from models.schema import upgrade
from services.clock import ManualClock
from services.context import ServiceContext
from services.incidents import changes
from services.incidents.recording import NewIncident, record_incident
from services.records.order_writer import PersonInput
from tests.properties.invariants import counted_incidents, the_incident_counts_are_the_incidents
from tests.support.force import Force, london
from tests.support.migrations import undo


def test_the_incidents_on_file_are_counted_by_the_migration(
    ctx: ServiceContext, clock: ManualClock, force: Force
) -> None:
    clock.set(london("2026-04-02 21:00"))
    made = [
        record_incident(
            ctx,
            officer,
            NewIncident(
                clock.now() - timedelta(hours=1), PersonInput("Sam Sample"), PersonInput("Alex Example"), (), dash
            ),
        )
        for officer, dash in (
            (force.officer, None),
            (force.officer, 16),
            (force.colleague, 16),
            (force.other_officer, 3),
        )
    ]
    changes.record_referral(ctx, force.officer, made[1])
    engine = ctx.engine
    undo(engine, "0030")
    with engine.connect() as connection:
        assert "incident_count" not in sa.inspect(connection).get_table_names()
    # Written with no counts kept, by a release before them (in SQL: this release's tables have
    # columns that later migrations add).
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO marac_referral (incident_id, referred_at, referred_by_id, created_at) "
                "SELECT id, reported_at, officer_id, reported_at FROM incident WHERE reference = :reference"
            ),
            {"reference": made[2]},
        )
        connection.execute(
            sa.text(
                "UPDATE incident SET dash_yes = 11, risk_level = 'medium', dash_at = :at WHERE reference = :reference"
            ),
            {"reference": made[0], "at": clock.now()},
        )

    upgrade(engine)
    with session_scope(engine) as session:
        assert the_incident_counts_are_the_incidents(session) == []
        filled = counted_incidents(session)
    assert sum(n for (*_, measure), n in filled.items() if measure == "unreferred") == 2
    changes.record_dash(ctx, force.officer, made[0], 16)  # the triggers are back: medium -> high
    with session_scope(engine) as session:
        assert the_incident_counts_are_the_incidents(session) == []
        assert counted_incidents(session) != filled
