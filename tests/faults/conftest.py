"""Fault-drill fixtures: the PostgreSQL database bot processes share, the local Slack stand-in,
the drill clock and a factory of bot processes (tests/support/drills.py)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from console.slack_api import SlackWebAPI
from services.clock import DrillClock
from tests.support.database import POSTGRES_URL_VARIABLE, empty_postgres
from tests.support.drills import START, bots

__all__ = ["bots"]  # a fixture shared with the attack tests


@pytest.fixture
def pg_engine(request: pytest.FixtureRequest) -> Engine:
    """The PostgreSQL test database, emptied: fault tests run on PostgreSQL only."""
    if not os.environ.get(POSTGRES_URL_VARIABLE) and os.environ.get("CI") != "true":
        pytest.skip(f"fault tests run bot processes on one PostgreSQL database: set {POSTGRES_URL_VARIABLE}")
    postgres_engine: Engine = request.getfixturevalue("postgres_engine")  # under CI it fails if unset
    empty_postgres(postgres_engine)
    return postgres_engine


@pytest.fixture
def pg_url(pg_engine: Engine) -> str:
    """The database URL as a bot process reads it from DATABASE_URL."""
    return pg_engine.url.render_as_string(hide_password=False)


@pytest.fixture
def slack_api() -> Iterator[SlackWebAPI]:
    with SlackWebAPI() as api:
        yield api


@pytest.fixture
def drill_clock(tmp_path: Path) -> DrillClock:
    clock = DrillClock(tmp_path / "drill-clock")
    clock.set(START)
    return clock
