"""Migration 0034 rebuilds ix_incident_crime_unrecorded with the incident's id (the digest reads a
team's ids from it alone): a database at 0032 holding incidents with a crime disclosed and none
recorded, one recorded and one with no crime, upgraded; the index then holds (team, report time,
id) under the same condition, the digest's crime section lists what it listed before, and the
downgrade puts the index back as it was; on both databases."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from models import Team
from models.schema import current_revision, upgrade
from services.clock import ManualClock
from services.context import ServiceContext
from services.incidents import changes
from services.incidents.recording import NewIncident, record_incident
from services.records.order_writer import PersonInput
from services.reminders import digest_sections
from services.reminders.digest_items import TeamRows
from tests.support.force import Force, london
from tests.support.migrations import undo

INDEX = "ix_incident_crime_unrecorded"


def index_columns(ctx: ServiceContext) -> list[str | None]:
    with ctx.engine.connect() as connection:
        [found] = [i for i in sa.inspect(connection).get_indexes("incident") if i["name"] == INDEX]
        return list(found["column_names"])


def crime_section(ctx: ServiceContext, listed: int | None) -> list[str]:
    with Session(ctx.engine) as session:
        team = session.exec(select(Team.id).where(Team.name == "Team A")).one()
        rows = TeamRows(session, team or 0, ctx.settings, listed=listed)
        return [
            i.reference
            for i in digest_sections.crime_unrecorded(rows, digest_sections.When.at(ctx.clock.now(), rows)).items
        ]


def test_the_index_holds_the_ids_after_the_upgrade_and_not_after_the_downgrade(
    ctx: ServiceContext, clock: ManualClock, force: Force
) -> None:
    clock.set(london("2026-04-02 21:00"))

    def incident(victim: str, days_ago: float, crime: bool) -> str:
        at = clock.now() - timedelta(days=days_ago)
        made = record_incident(
            ctx, force.officer, NewIncident(at, PersonInput(victim), PersonInput("Alex Example"), crime_disclosed=crime)
        )
        changes.record_attended(ctx, force.officer, made, at + timedelta(hours=1))
        return made

    late = [incident(f"Vic {name}", days, True) for name, days in (("Ames", 3), ("Bell", 2), ("Cole", 1.5))]
    recorded = incident("Vic Dale", 4, True)
    changes.record_crime(ctx, force.officer, recorded, "CR/1")
    incident("Vic Earl", 5, False)
    assert crime_section(ctx, None) == late

    engine = ctx.engine
    undo(engine, "0034")
    assert current_revision(engine) == "0033"
    assert index_columns(ctx) == ["team_id", "reported_at"]
    with engine.connect() as connection:  # while downgraded: the rows as they are, by raw SQL
        unrecorded = connection.execute(
            sa.text(
                "SELECT reference FROM incident WHERE crime_disclosed AND crime_reference IS NULL ORDER BY reported_at"
            )
        ).scalars()
        assert list(unrecorded) == late

    upgrade(engine)
    assert index_columns(ctx) == ["team_id", "reported_at", "id"]
    assert crime_section(ctx, None) == late
    assert crime_section(ctx, 2) == late[:2]  # the digest's: the first listed, the rest counted
