"""Fixtures: a real database (SQLite and PostgreSQL, migrated with Alembic), an injected clock,
and a small force with teams and users of every role. What the fixtures are made of lives in
tests/support/."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from config import Settings
from models.db import make_engine
from models.schema import upgrade
from runtime.parts import service_context
from services.clock import ManualClock
from services.context import ServiceContext
from tests.support.april import seed_april
from tests.support.casework import Seeded as CaseworkSeed
from tests.support.casework import seed as seed_casework
from tests.support.database import (
    POSTGRES_URL_VARIABLE,
    Seeds,
    create_database,
    drop_database,
    empty_postgres,
    worker_database_url,
)
from tests.support.force import Force, build_force, london

DRILLS = ("tests/faults/", "tests/test_quickstart.py")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Drills run real processes against wall-clock waits: `pytest -m "not drill"` leaves them out."""
    root = Path(str(config.rootpath))
    for item in items:
        where = Path(str(item.path)).relative_to(root).as_posix()
        if where.startswith(DRILLS):
            item.add_marker(pytest.mark.drill)


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
    """This test process's own migrated PostgreSQL database, dropped at the end of the run."""
    base = os.environ.get(POSTGRES_URL_VARIABLE)
    if not base:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{POSTGRES_URL_VARIABLE} is not set: under CI the PostgreSQL half must run")
        pytest.skip(f"PostgreSQL half skipped: set {POSTGRES_URL_VARIABLE} (bash .ci/run does)")
    url = worker_database_url(base)
    create_database(url)
    engine = make_engine(url)
    upgrade(engine)
    yield engine
    engine.dispose()
    drop_database(url)


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
    empty_postgres(postgres)
    yield postgres


@pytest.fixture(scope="session")
def seeds(tmp_path_factory: pytest.TempPathFactory) -> Seeds:
    return Seeds(tmp_path_factory.mktemp("seeds"))


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(london("2026-04-02 21:00"))


@pytest.fixture
def ctx(engine: Engine, clock: ManualClock) -> ServiceContext:
    return service_context(Settings(admins=("UADMIN",)), source="test", engine=engine, clock=clock)


@pytest.fixture
def force(ctx: ServiceContext, clock: ManualClock, seeds: Seeds) -> Force:
    return seeds.restore_or_build(f"force from {ctx.source}", ctx.engine, clock, lambda: build_force(ctx))


@pytest.fixture
def casework(ctx: ServiceContext, clock: ManualClock, force: Force, seeds: Seeds) -> CaseworkSeed:
    """The casework force of tests/support/casework.py."""
    name = f"force+casework from {ctx.source}"
    return seeds.restore_or_build(name, ctx.engine, clock, lambda: seed_casework(ctx, force))


@pytest.fixture
def april(ctx: ServiceContext, clock: ManualClock, force: Force, seeds: Seeds) -> Force:
    """April 2026 of tests/support/april.py, the clock at its end."""
    name = f"force+april from {ctx.source}"
    seeds.restore_or_build(name, ctx.engine, clock, lambda: seed_april(ctx, clock, force))
    return force
