"""models.liveness: a pooled PostgreSQL connection is pinged before use only when it may have died
(its server spoke or closed it, or it sat idle past the limit), and one that died is replaced
before the request's first statement, so the request never sees its error."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from models.db import make_engine
from models.liveness import check_before_use

BACKEND = sa.text("SELECT pg_backend_pid()")


def counted_pings(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The pings `engine` sends from now on, one entry each."""
    sent: list[int] = []
    ping = engine.dialect.do_ping

    def counted(dbapi_connection: Any) -> bool:
        sent.append(1)
        return ping(dbapi_connection)

    monkeypatch.setattr(engine.dialect, "do_ping", counted)
    return sent


@pytest.fixture
def pings(postgres_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Engine, list[int]]]:
    """An engine of one pooled connection over the test database, as the bot makes it, and its pings."""
    engine = make_engine(postgres_engine.url.render_as_string(hide_password=False), pool_size=1, max_overflow=0)
    sent = counted_pings(engine, monkeypatch)
    yield engine, sent
    engine.dispose()


def _backend(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(BACKEND).scalar_one())


def test_a_connection_returned_moments_ago_is_used_without_a_ping(pings: tuple[Engine, list[int]]) -> None:
    engine, sent = pings
    first = _backend(engine)
    for _ in range(5):
        assert _backend(engine) == first
    assert sent == []


def test_a_backend_ended_by_the_server_is_replaced_before_use(
    pings: tuple[Engine, list[int]], postgres_engine: Engine
) -> None:
    engine, sent = pings
    ended = _backend(engine)
    with postgres_engine.connect() as admin:
        assert admin.execute(sa.text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": ended}).scalar_one()
    # The server's FATAL message and close make the pooled socket readable: the checkout pings,
    # the ping fails, and the pool makes a new connection; the statement itself never fails.
    replaced = _backend(engine)
    assert replaced != ended
    assert len(sent) == 1


def test_a_connection_idle_past_the_limit_is_pinged_first(
    postgres_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = sa.create_engine(postgres_engine.url, pool_size=1, max_overflow=0)
    sent = counted_pings(engine, monkeypatch)
    check_before_use(engine, idle_before_ping=0.2)
    try:
        first = _backend(engine)
        assert _backend(engine) == first
        assert sent == []  # made, then returned, moments ago
        time.sleep(0.3)
        assert _backend(engine) == first
        assert sent == [1]  # idle past the limit: pinged, alive, kept
    finally:
        engine.dispose()
