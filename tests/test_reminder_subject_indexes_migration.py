"""Migration 0037 makes the reminder's incident, Clare's Law request and plan indexes partial (only
the rows about one), on both databases: a database at 0036 holding reminders about each kind of
subject is upgraded; each index then holds exactly the rows about its subject, a second reminder of
the same subject, kind and time is still refused, and SQLite's rebuilt table hands out no id it had
already handed out. Its downgrade puts back the unique constraints and the whole-table indexes."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Engine

from models import metadata
from models.schema import upgrade
from rules.disclosure import Route
from services.context import ServiceContext
from services.disclosures import requests
from services.disclosures.requests import NewRequest
from services.incidents.recording import NewIncident, record_incident
from services.people import plans
from services.records.order_writer import PersonInput
from tests.support.force import Force, london
from tests.support.migrations import downgrade, rows_held, undo
from tests.support.records import dvpn, record

SUBJECTS = ("incident", "disclosure", "plan")
INDEXES = {f"{kind}_{s}": s for s in SUBJECTS for kind in ("uq", "ix")}


def name(index: str) -> str:
    kind, subject = index.split("_")
    return f"uq_reminder_{subject}_kind_due" if kind == "uq" else f"ix_reminder_{subject}_id"


def predicates(engine: Engine) -> dict[str, str | None]:
    """Each of the six indexes' condition as the database holds it (None: the whole table)."""
    found: dict[str, str | None] = {}
    with engine.connect() as connection:
        for index in INDEXES:
            if engine.dialect.name == "sqlite":
                sql = connection.execute(
                    sa.text("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = :n"), {"n": name(index)}
                ).scalar()  # none for a unique constraint: SQLite keeps it in the table's own
                found[index] = sql.split(" WHERE ", 1)[1] if sql and " WHERE " in sql else None
            else:
                found[index] = connection.execute(
                    sa.text(
                        "SELECT pg_get_expr(indpred, indrelid) FROM pg_index WHERE indexrelid = CAST(:n AS regclass)"
                    ),
                    {"n": name(index)},
                ).scalar_one()
    return found


def about(engine: Engine, subject: str) -> int:
    with engine.connect() as connection:
        return int(
            connection.execute(sa.text(f"SELECT count(*) FROM reminder WHERE {subject}_id IS NOT NULL")).scalar_one()
        )


def copy_one(engine: Engine, subject: str) -> None:
    """Insert a second reminder of one already there's subject, kind and time."""
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO reminder (incident_id, disclosure_id, plan_id, kind, due_at, critical, state, attempts, "
                "update_attempts, created_at) SELECT incident_id, disclosure_id, plan_id, kind, due_at, critical, "
                f"state, attempts, update_attempts, created_at FROM reminder WHERE {subject}_id IS NOT NULL "
                "ORDER BY id LIMIT 1"
            )
        )


def next_id(engine: Engine) -> int:
    """The id the next reminder gets (inserted and taken back)."""
    with engine.connect() as connection, connection.begin() as transaction:
        copied = connection.execute(
            sa.text(
                "INSERT INTO reminder (order_id, kind, due_at, critical, state, attempts, update_attempts, "
                "created_at) SELECT order_id, 'probe', due_at, critical, state, attempts, update_attempts, "
                "created_at FROM reminder WHERE order_id IS NOT NULL ORDER BY id LIMIT 1 RETURNING id"
            )
        ).scalar_one()
        transaction.rollback()
    return int(copied)


def test_the_subject_indexes_hold_only_the_reminders_about_their_subject(ctx: ServiceContext, force: Force) -> None:
    ref = record(ctx, force.officer, dvpn(perpetrator=PersonInput("Perp One"))).reference
    plans.adopt(ctx, force.supervisor, ref, london("2026-05-01 09:00"))
    new = NewIncident(london("2026-04-02 19:00"), PersonInput("Vic Kept"), PersonInput("Sus Kept"), (), 16)
    record_incident(ctx, force.officer, new)
    asked = NewRequest(
        Route.ASK, PersonInput("Dana Whitlock"), PersonInput("Gareth Pellow"), london("2026-04-02 10:00")
    )
    requests.new_request(ctx, force.officer, asked)
    engine = ctx.engine
    assert all(about(engine, s) > 0 for s in SUBJECTS)
    assert all(predicates(engine).values())

    undo(engine, "0037")
    assert predicates(engine) == dict.fromkeys(INDEXES)
    with engine.begin() as connection:  # an erased reminder above the rest: its id is not to come back
        highest = connection.execute(sa.text("SELECT max(id) FROM reminder")).scalar_one()
        connection.execute(sa.text("DELETE FROM reminder WHERE id = :id"), {"id": highest})

    upgrade(engine)
    with engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), metadata) == []
    written = "{}_id IS NOT NULL" if engine.dialect.name == "sqlite" else "({}_id IS NOT NULL)"
    assert predicates(engine) == {index: written.format(subject) for index, subject in INDEXES.items()}
    for index, subject in INDEXES.items():
        assert rows_held(engine, "reminder", name(index), f"{subject}_id IS NOT NULL") == about(engine, subject) > 0, (
            index
        )
    assert next_id(engine) > highest
    for subject in SUBJECTS:
        with pytest.raises(sa.exc.IntegrityError):
            copy_one(engine, subject)

    downgrade(engine, "0036")
    assert predicates(engine) == dict.fromkeys(INDEXES)
    unique = {u["name"] for u in sa.inspect(engine).get_unique_constraints("reminder")}
    assert {f"uq_reminder_{s}_kind_due" for s in SUBJECTS} <= unique
    assert next_id(engine) > highest
    for subject in SUBJECTS:
        with pytest.raises(sa.exc.IntegrityError):
            copy_one(engine, subject)
    upgrade(engine)
