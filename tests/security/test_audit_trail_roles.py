"""The audit trail against an attacker holding the bot's own database connection (PostgreSQL).

The database is set up as a force runs it (README: Database roles): an owner role owns it and runs
the migrations, and the bot connects as a role that owns nothing, granted by `dvpn-bot db upgrade`.
Every way round the append-only triggers is tried from the bot's role and refused, with every
table's rows as they were; the bot's own services still do all their work as that role.

SQLite has no roles: whoever can write the file can change anything in it, so these are skipped
there (the README says so).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from config import Settings
from models import HearingOutcome, metadata
from models.db import make_engine
from models.roles import AUDIT_TABLE, RUNTIME_PRIVILEGES, audit_trail_exposure, grant_runtime_role, grant_statements
from models.schema import upgrade
from services.clock import ManualClock
from services.context import ServiceContext
from services.governance import retention
from services.governance.retention import ERASED_TABLES
from services.records import breaches, hearings, lifecycle
from services.records import recording as records
from services.records.order_writer import PersonInput
from services.reminders import deliveries
from services.reminders import queue as reminder_queue
from tests.support.database import audit_rows, row_counts
from tests.support.force import Force, build_force, london
from tests.support.records import dvpn
from tests.support.roles import RoleDatabase, create_role_database, drop_role_database, run_bot, table_privileges

ROOT = Path(__file__).resolve().parent.parent.parent
NO_ROLES_ON_SQLITE = "SQLite has no database roles: whoever can write the file can change it (README: Database roles)"
REFUSED = re.compile(r"permission denied|must be owner|append-only", re.I)


@dataclass(frozen=True)
class Locked:
    names: RoleDatabase
    superuser: Engine  # sees every row, to check nothing changed
    owner: Engine
    bot: Engine  # the bot's runtime role
    force: Force


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def locked(request: pytest.FixtureRequest) -> Iterator[Locked]:
    """A database migrated by its owner, the bot's role granted by models.roles, and a force built
    through the services as the bot's role."""
    if request.param == "sqlite":
        pytest.skip(NO_ROLES_ON_SQLITE)
    server: Engine = request.getfixturevalue("postgres_engine")
    names = create_role_database(server)
    engines = [make_engine(names.superuser_url), make_engine(names.owner_url), make_engine(names.runtime_url)]
    superuser, owner, bot = engines
    try:
        upgrade(owner)
        grant_runtime_role(owner, names.runtime)
        ctx = ServiceContext(bot, Settings(admins=("UADMIN",)), ManualClock(london("2026-04-02 21:00")), source="test")
        force = build_force(ctx)
        records.record(ctx, force.officer, dvpn())
        yield Locked(names, superuser, owner, bot, force)
    finally:
        for engine in engines:
            engine.dispose()
        drop_role_database(names)


def attacks(role: str) -> dict[str, list[str]]:
    """Each attack: statements run in turn, each in its own transaction, by the attacker."""
    return {
        "truncate": ["TRUNCATE audit_event"],
        "truncate by cascade": ["TRUNCATE app_user CASCADE"],
        "delete": ["DELETE FROM audit_event"],
        "update": ["UPDATE audit_event SET action = 'nothing happened'"],
        "disable the triggers, then delete": ["ALTER TABLE audit_event DISABLE TRIGGER ALL", "DELETE FROM audit_event"],
        "replica mode, then delete": ["SET session_replication_role = replica", "DELETE FROM audit_event"],
        "drop the table": ["DROP TABLE audit_event"],
        "take the table": [f"ALTER TABLE audit_event OWNER TO {role}"],
        "drop the trigger": ["DROP TRIGGER audit_event_append_only ON audit_event"],
        "grant itself DELETE": [f"GRANT DELETE ON audit_event TO {role}", "DELETE FROM audit_event"],
        "replace the trigger's function": [
            "CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql "
            "AS $$ BEGIN RETURN OLD; END $$",
            "DELETE FROM audit_event",
        ],
    }


def audit_trail(engine: Engine) -> list[dict[str, object]]:
    return audit_rows(engine)


@pytest.mark.parametrize("attack", list(attacks("role")))
def test_the_bots_role_cannot_get_round_the_audit_trail(locked: Locked, attack: str) -> None:
    trail, counts = audit_trail(locked.superuser), row_counts(locked.superuser)
    assert trail, "the force was built through the services, which audit"
    for statement in attacks(locked.names.runtime)[attack]:
        if statement.startswith("GRANT"):
            # PostgreSQL answers a grant of a privilege one lacks with a warning, not an error: that
            # nothing was granted is what the privileges checked below and the next statement show.
            with locked.bot.begin() as connection:
                connection.exec_driver_sql(statement)
            continue
        with pytest.raises(sa.exc.DBAPIError) as refused, locked.bot.begin() as connection:
            connection.exec_driver_sql(statement)
        assert REFUSED.search(str(refused.value.orig)), (statement, refused.value.orig)
    assert audit_trail(locked.superuser) == trail
    assert row_counts(locked.superuser) == counts
    assert table_privileges(locked.superuser, locked.names.runtime, AUDIT_TABLE) == {"SELECT", "INSERT"}


@pytest.mark.parametrize(
    "statement", ["TRUNCATE audit_event", "DELETE FROM audit_event", "UPDATE audit_event SET id = id"]
)
def test_even_the_owner_cannot_empty_or_change_the_audit_trail_in_passing(locked: Locked, statement: str) -> None:
    """The owner may still switch the triggers off on purpose (that is owning); a plain TRUNCATE,
    DELETE or UPDATE is refused by the triggers (TRUNCATE: migration 0010)."""
    trail = audit_trail(locked.superuser)
    with pytest.raises(sa.exc.DBAPIError, match="append-only"), locked.owner.begin() as connection:
        connection.exec_driver_sql(statement)
    assert audit_trail(locked.superuser) == trail


def test_the_bot_says_at_start_when_its_connection_could_get_round_the_audit_trail(locked: Locked) -> None:
    assert audit_trail_exposure(locked.bot) is None
    assert audit_trail_exposure(locked.owner) == "the bot connects as the owner of the tables"
    assert audit_trail_exposure(locked.superuser) == "the bot connects as a superuser"


def test_the_services_do_their_work_as_the_bots_role(locked: Locked) -> None:
    """Record a notice, a breach and a hearing, run the sweep's and the rollover's writes, take and
    prune Slack deliveries, then review and erase the family past retention: all as the bot's role."""
    force, clock = locked.force, ManualClock(london("2026-04-10 21:00"))
    ctx = ServiceContext(locked.bot, Settings(admins=("UADMIN",)), clock, source="test")
    person = PersonInput("Quinn Erasable", date(1981, 2, 3), "7 Gone Street, Dudley DY1 1AA")
    served = dvpn("2026-04-10 20:00", perpetrator=person, protected=(PersonInput("Riley Erasable"),))
    reference = records.record(ctx, force.officer, served).reference
    clock.set(london("2026-04-11 09:00"))
    breaches.record_breach(ctx, force.officer, reference, london("2026-04-11 08:30"), details="at the door")
    hearings.book_hearing(ctx, force.officer, reference, london("2026-04-12 10:00"), "Dudley Magistrates")
    claim = reminder_queue.claim_due(ctx, "worker-1")
    reminder_queue.release(ctx, "worker-1")
    reminder_queue.escalate_due(ctx)
    assert deliveries.take(ctx, "Ev-roles-1", "event") and not deliveries.take(ctx, "Ev-roles-1", "event")
    clock.set(london("2026-04-12 12:00"))
    hearings.record_outcome(ctx, force.officer, reference, HearingOutcome.REFUSED, london("2026-04-12 11:00"))
    lifecycle.apply_time(ctx)
    lifecycle.plan_due_checks(ctx)
    assert deliveries.forget_old(ctx) == 1

    clock.set(london("2032-05-01 09:00"))
    assert reference in [due.reference for due in retention.review(ctx, force.admin)]
    erased = retention.erase(ctx, force.admin, reference, "MoPI review: no policing purpose remains")

    assert erased.references == (reference,) and erased.deleted["breach"] == 1
    assert claim.worker_id == "worker-1"
    with locked.superuser.connect() as connection:
        left = connection.execute(sa.text("SELECT count(*) FROM perpetrator WHERE full_name = 'Quinn Erasable'"))
        assert left.scalar_one() == 0
    [logged] = audit_rows(locked.superuser, action="erase")
    assert logged["id"] == erased.audit_event_id and logged["actor"] == f"slack:{force.admin}"


def test_db_upgrade_as_the_owner_then_db_status_as_the_bots_role(postgres_engine: Engine, tmp_path: Path) -> None:
    names = create_role_database(postgres_engine)
    try:
        as_owner = {
            "DATABASE_URL": names.runtime_url,
            "DVPN_MIGRATION_DATABASE_URL": names.owner_url,
            "DVPN_DATABASE_ROLE": names.runtime,
        }
        for _ in range(2):  # safe to repeat: the grants are made again after every upgrade
            upgraded = run_bot("db", "upgrade", cwd=tmp_path, **as_owner)
            assert upgraded.returncode == 0, upgraded.stderr
            assert f"Role {names.runtime} holds the bot's privileges" in upgraded.stdout
        status = run_bot("db", "status", cwd=tmp_path, DATABASE_URL=names.runtime_url)
        assert status.returncode == 0, status.stderr
        assert "Database schema: current" in status.stdout

        superuser = make_engine(names.superuser_url)
        try:
            for table, privileges in RUNTIME_PRIVILEGES.items():
                assert table_privileges(superuser, names.runtime, table) == set(privileges), table
            with superuser.connect() as connection:
                owners = connection.execute(
                    sa.text("SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public'")
                ).scalars()
                assert set(owners) == {names.owner}
        finally:
            superuser.dispose()
    finally:
        drop_role_database(names)


def test_db_upgrade_refuses_to_grant_to_the_owner_or_a_missing_role(postgres_engine: Engine, tmp_path: Path) -> None:
    names = create_role_database(postgres_engine)
    try:
        for role, why in ((names.owner, "owns the tables"), ("dvpn_nobody_here", "does not exist")):
            refused = run_bot(
                "db",
                "upgrade",
                cwd=tmp_path,
                DATABASE_URL=names.runtime_url,
                DVPN_MIGRATION_DATABASE_URL=names.owner_url,
                DVPN_DATABASE_ROLE=role,
            )
            assert refused.returncode == 2, refused.stderr
            assert why in refused.stderr and "Traceback" not in refused.stderr
        superuser = make_engine(names.superuser_url)
        try:
            assert table_privileges(superuser, names.runtime, AUDIT_TABLE) == set()
        finally:
            superuser.dispose()
    finally:
        drop_role_database(names)


def test_every_table_has_the_bots_privileges_decided() -> None:
    """A table added without a decision here would be out of the bot's reach on PostgreSQL."""
    assert set(RUNTIME_PRIVILEGES) == {table.name for table in metadata.sorted_tables} | {"alembic_version"}
    for model in ERASED_TABLES:
        assert "DELETE" in RUNTIME_PRIVILEGES[str(model.__tablename__)], "retention erasure deletes its rows"
    assert RUNTIME_PRIVILEGES[AUDIT_TABLE] == ("SELECT", "INSERT")


def test_the_readme_gives_the_dba_the_same_grants_as_db_upgrade() -> None:
    readme = (ROOT / "README.md").read_text()
    block = readme.split("-- dvpn-bot db grants --role dvpn_bot\n", 1)[1].split("```", 1)[0]
    assert block.strip().splitlines() == grant_statements("dvpn_bot")
