"""Fixtures: a real database (SQLite and PostgreSQL, migrated with Alembic), an injected clock,
and a small force with teams and users of every role."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from config import Settings
from models import Role, metadata
from models.db import make_engine
from models.schema import upgrade
from services import staff
from services.clock import ManualClock
from services.context import ServiceContext

LONDON = ZoneInfo("Europe/London")
POSTGRES_URL_VARIABLE = "DVPN_TEST_POSTGRES_URL"


def london(text: str) -> datetime:
    """'2026-04-02 20:00' as a Europe/London instant."""
    return datetime.fromisoformat(text).replace(tzinfo=LONDON)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file, copied for each test (migrating per test would be slow)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()  # closing the last connection folds the WAL into the file, so a copy is whole
    return path


@pytest.fixture(scope="session")
def postgres_engine() -> Iterator[Engine]:
    url = os.environ.get(POSTGRES_URL_VARIABLE)
    if not url:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{POSTGRES_URL_VARIABLE} is not set: under CI the PostgreSQL half must run")
        pytest.skip(f"PostgreSQL half skipped: set {POSTGRES_URL_VARIABLE} (bash .ci/run does)")
    engine = make_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if request.param == "sqlite":
        template = request.getfixturevalue("sqlite_template")
        path = tmp_path / "test.db"
        shutil.copy(template, path)
        sqlite = make_engine(f"sqlite:///{path}")
        yield sqlite
        sqlite.dispose()
        return
    postgres: Engine = request.getfixturevalue("postgres_engine")
    tables = ", ".join(t.name for t in metadata.sorted_tables)
    with postgres.begin() as connection:
        connection.exec_driver_sql(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
    yield postgres


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(london("2026-04-02 21:00"))


@pytest.fixture
def ctx(engine: Engine, clock: ManualClock) -> ServiceContext:
    return ServiceContext(engine=engine, settings=Settings(admins=("UADMIN",)), clock=clock, source="test")


@dataclass(frozen=True)
class Force:
    """Slack ids of the people in the test force."""

    admin: str = "UADMIN"
    officer: str = "UOFFA1"  # team A
    colleague: str = "UOFFA2"  # team A
    other_officer: str = "UOFFB1"  # team B
    supervisor: str = "USUPA"  # supervises team A
    champion: str = "UCHAMP"
    newcomer: str = "UNEW"  # never placed in a team


@pytest.fixture
def force(ctx: ServiceContext) -> Force:
    f = Force()
    staff.create_team(ctx, f.admin, "Team A")
    staff.create_team(ctx, f.admin, "Team B")
    for slack_id, team in ((f.officer, "Team A"), (f.colleague, "Team A"), (f.other_officer, "Team B")):
        staff.place_in_team(ctx, f.admin, slack_id, team)
    staff.set_role(ctx, f.admin, f.supervisor, Role.SUPERVISOR)
    staff.place_in_team(ctx, f.admin, f.supervisor, "Team A")
    staff.add_supervisor(ctx, f.admin, f.supervisor, "Team A")
    staff.set_role(ctx, f.admin, f.champion, Role.CHAMPION)
    return f


def row_counts(engine: Engine) -> dict[str, int]:
    """Rows in every table: equal before and after a refused call means nothing was written.
    The delivery ledger is left out: it notes every request Slack sent, refused or not."""
    with engine.connect() as connection:
        return {
            table.name: connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
            for table in metadata.sorted_tables
            if table.name != "slack_delivery"
        }


def audit_rows(engine: Engine, **where: object) -> list[dict[str, object]]:
    table = metadata.tables["audit_event"]
    query = sa.select(table).order_by(table.c.id)
    for key, value in where.items():
        query = query.where(table.c[key] == value)
    with engine.connect() as connection:
        return [dict(row._mapping) for row in connection.execute(query)]
