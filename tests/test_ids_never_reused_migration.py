"""Migration 0032: a SQLite database at 0031 holding casework (records with hearings, breaches and
checks, incidents with children and a MARAC referral, Clare's Law requests) is rebuilt with
AUTOINCREMENT keeping every row, index, foreign key and trigger, the kept counts still the rows and
kept again by the next write; an id erased before the upgrade that the audit trail names is not
handed out after it. Going down and up again keeps ids unused on both databases."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Engine

from config import Settings
from models import metadata
from models.db import make_engine, session_scope
from models.schema import alembic_config, current_revision, upgrade
from rules.disclosure import Route
from runtime.parts import service_context
from services.clock import ManualClock
from services.context import ServiceContext
from services.disclosures import requests as disclosures
from services.disclosures.requests import NewRequest
from services.governance import retention
from services.incidents import changes
from services.incidents.recording import ChildInput, NewIncident, record_incident
from services.records import breaches, checks, hearings
from services.records import recording as records
from services.records.order_writer import PersonInput
from tests.properties.invariants import (
    the_caseload_counts_are_the_records,
    the_casework_counts_are_the_rows,
    the_daily_counts_are_the_rows,
    the_first_hearings_are_the_hearings,
    the_incident_counts_are_the_incidents,
)
from tests.support.force import Force, build_force, london
from tests.support.migrations import undo
from tests.support.records import dvpn

REBUILT = {t.name for t in metadata.tables.values() if t.dialect_kwargs.get("sqlite_autoincrement")}
REASON = "MoPI review: no policing purpose remains"


def counts_broken(engine: Engine) -> list[str]:
    with session_scope(engine) as session:
        order_ids = [int(i) for i in session.execute(sa.text("SELECT id FROM protection_order")).scalars()]
        return [
            *the_caseload_counts_are_the_records(session),
            *the_daily_counts_are_the_rows(session),
            *the_casework_counts_are_the_rows(session),
            *the_incident_counts_are_the_incidents(session),
            *the_first_hearings_are_the_hearings(session, order_ids),
        ]


def casework(ctx: ServiceContext, clock: ManualClock, force: Force, day: str) -> str:
    """A record with a hearing, a breach and a check; a high-risk incident with a child and a MARAC
    referral; a Clare's Law request: rows under every trigger. Returns the incident's reference."""
    clock.set(london(f"{day} 21:00"))
    ref = records.record(ctx, force.officer, dvpn(f"{day} 20:00")).reference
    hearings.book_hearing(ctx, force.officer, ref, london(f"{day} 20:00") + timedelta(days=2))
    breaches.record_breach(ctx, force.officer, ref, london(f"{day} 20:30"))
    checks.complete_check(ctx, force.officer, ref, london(f"{day} 20:45"), "all well")
    child = (ChildInput("Jody Kept", "Kept Primary", "cumbria"),)
    new = NewIncident(london(f"{day} 19:00"), PersonInput("Vic Kept"), PersonInput("Sus Kept"), child, 16)
    incident = record_incident(ctx, force.officer, new)
    changes.record_referral(ctx, force.officer, incident)
    asked = NewRequest(Route.ASK, PersonInput("Ada Kept"), PersonInput("Sub Kept"), london(f"{day} 18:00"))
    disclosures.new_request(ctx, force.officer, asked)
    return incident


def schema(engine: Engine) -> dict[str, Any]:
    """Every index and trigger as SQLite holds it, and each table's columns, keys and constraints."""
    with engine.connect() as connection:
        inspector = sa.inspect(connection)
        objects = connection.exec_driver_sql(
            "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE type IN ('index', 'trigger')"
        ).all()
        tables = {
            name: (
                connection.exec_driver_sql(f"PRAGMA table_info({name})").all(),
                sorted(tuple(fk[2:]) for fk in connection.exec_driver_sql(f"PRAGMA foreign_key_list({name})")),
                sorted(str(c) for c in inspector.get_check_constraints(name)),
                sorted(str(u) for u in inspector.get_unique_constraints(name)),
                inspector.get_pk_constraint(name)["constrained_columns"],
            )
            for name in inspector.get_table_names()
        }
    return {"objects": sorted(objects), "tables": tables}


def every_row(engine: Engine) -> dict[str, list[str]]:
    """Every row of every table this database has, in the columns it has (a later migration's tables
    and columns are not there yet)."""
    with engine.connect() as connection:
        inspector = sa.inspect(connection)
        made = set(inspector.get_table_names())
        found = {}
        for table in metadata.sorted_tables:
            if table.name not in made:
                continue
            present = {c["name"] for c in inspector.get_columns(table.name)}
            selected = sa.select(*(c for c in table.c if c.name in present))
            found[table.name] = sorted(repr(tuple(row)) for row in connection.execute(selected))
        return found


def autoincrement(engine: Engine) -> set[str]:
    with engine.connect() as connection:
        made = connection.exec_driver_sql("SELECT name, sql FROM sqlite_master WHERE type = 'table'").all()
    return {name for name, sql in made if "AUTOINCREMENT" in sql}


@pytest.fixture
def at_0031(tmp_path: Path) -> Iterator[tuple[ServiceContext, ManualClock, Force]]:
    """A SQLite file migrated to 0031 only, a force made on it (today's services write 0031's tables)."""
    engine = make_engine(f"sqlite:///{tmp_path / 'at_0031.db'}")
    upgrade(engine, "0031")
    clock = ManualClock(london("2026-04-02 21:00"))
    ctx = service_context(Settings(admins=("UADMIN",)), source="test", engine=engine, clock=clock)
    yield ctx, clock, build_force(ctx)
    engine.dispose()


def test_a_database_at_0031_keeps_its_rows_indexes_and_triggers(
    at_0031: tuple[ServiceContext, ManualClock, Force], monkeypatch: pytest.MonkeyPatch
) -> None:
    ctx, clock, force = at_0031
    engine = ctx.engine
    casework(ctx, clock, force, "2026-04-02")
    newest = casework(ctx, clock, force, "2026-04-03")
    clock.set(london("2032-05-01 09:00"))
    # Erased as the release at 0031 erased, which kept no priority tallies (migration 0033).
    monkeypatch.setattr(retention.priority_tallies, "kept_after_erasure", lambda *_: None)
    retention.erase(ctx, force.admin, newest, REASON)  # the newest incident's id, erased before the upgrade
    monkeypatch.undo()
    with engine.connect() as connection:
        erased_incident = connection.execute(
            sa.text("SELECT max(entity_id) FROM audit_event WHERE entity_type = 'incident'")
        ).scalar_one()
    assert autoincrement(engine) == set() and counts_broken(engine) == []
    before_schema, before_rows = schema(engine), every_row(engine)
    triggers = {name for kind, name, *_ in before_schema["objects"] if kind == "trigger"}
    assert {"caseload_count_insert", "first_heard_insert", "daily_count_breach_insert"} <= triggers
    assert {"casework_count_incident_child_insert", "incident_count_referral_insert"} <= triggers

    upgrade(engine, "0032")

    assert current_revision(engine) == "0032"
    assert autoincrement(engine) == REBUILT
    after = schema(engine)
    assert after["objects"] == before_schema["objects"]  # every index and trigger, as it was
    assert after["tables"] == before_schema["tables"]
    assert every_row(engine) == before_rows and counts_broken(engine) == []
    upgrade(engine)  # and on to the head, which the models describe
    with engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), metadata) == []
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1  # back on for the bot

    again = casework(ctx, clock, force, "2032-05-02")  # the triggers keep the counts of new rows
    assert counts_broken(engine) == []
    with engine.connect() as connection:
        made = connection.execute(sa.text("SELECT id FROM incident WHERE reference = :r"), {"r": again}).scalar_one()
    assert made > erased_incident


def test_ids_erased_stay_unused_down_and_up_again(ctx: ServiceContext, clock: ManualClock, force: Force) -> None:
    incident = casework(ctx, clock, force, "2026-04-02")
    with ctx.engine.connect() as connection:
        erased = connection.execute(sa.text("SELECT max(id) FROM incident")).scalar_one()
    clock.set(london("2032-05-01 09:00"))
    retention.erase(ctx, force.admin, incident, REASON)
    undo(ctx.engine, "0032")

    upgrade(ctx.engine)

    again = casework(ctx, clock, force, "2032-05-02")
    with ctx.engine.connect() as connection:
        made = connection.execute(sa.text("SELECT id FROM incident WHERE reference = :r"), {"r": again}).scalar_one()
    assert made > erased and counts_broken(ctx.engine) == []


def test_the_migration_refuses_to_run_with_foreign_keys_on(tmp_path: Path) -> None:
    """Only models.schema.upgrade turns them off and checks them after: any other way in is refused."""
    engine = make_engine(f"sqlite:///{tmp_path / 'refused.db'}")
    upgrade(engine, "0031")
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with pytest.raises(RuntimeError, match="foreign keys off"), engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0032")
    assert current_revision(engine) == "0031"
    engine.dispose()
