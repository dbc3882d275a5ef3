"""A pooled PostgreSQL connection is tested before use only when it may have died.

SQLAlchemy's pool_pre_ping sends a ping on every checkout: a round trip before each request's
first statement, two for a saved form (the delivery ledger's and the save's). A connection that
came back to the pool moments ago and whose socket is quiet is as good as the ping would say, so
it is handed out as it is. It is pinged first when
- the server has said something since it was returned: a server shutting down or restarting, or
  an administrator ending the backend, sends its FATAL message and closes the socket, which makes
  the socket readable (an idle connection is otherwise never spoken to: the bot does not LISTEN);
- or it has been idle longer than IDLE_BEFORE_PING, in which time a firewall or a failover may
  have dropped it without a word.
A failed ping raises DisconnectionError, on which the pool discards the connection and makes a new
one (SQLAlchemy's documented pessimistic handling), as pool_pre_ping did.
"""

from __future__ import annotations

import select
import time
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.pool import ConnectionPoolEntry, PoolProxiedConnection

IDLE_BEFORE_PING = 10.0  # seconds; idle firewall timeouts are minutes or more
_RETURNED_AT = "dvpn_returned_at"  # the entry's info: when its connection was last made or returned


def check_before_use(engine: Engine, *, idle_before_ping: float = IDLE_BEFORE_PING) -> None:
    """Install the checks on `engine`'s pool (PostgreSQL through psycopg)."""

    def fresh(_dbapi_connection: Any, entry: ConnectionPoolEntry) -> None:
        entry.info[_RETURNED_AT] = time.monotonic()

    def checked_out(dbapi_connection: Any, entry: ConnectionPoolEntry, _proxy: PoolProxiedConnection) -> None:
        returned = entry.info.get(_RETURNED_AT)
        quiet = returned is not None and time.monotonic() - returned < idle_before_ping
        if quiet and not dbapi_connection.closed and not _spoken(dbapi_connection):
            return
        try:
            alive = engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            raise DisconnectionError("the pooled connection failed its ping") from error
        if not alive:
            raise DisconnectionError("the pooled connection failed its ping")

    sa.event.listen(engine, "connect", fresh)
    sa.event.listen(engine, "checkin", fresh)
    sa.event.listen(engine, "checkout", checked_out)


def _spoken(dbapi_connection: Any) -> bool:
    """Whether the server has sent anything on this idle connection (or closed it): one poll of
    its socket, no round trip."""
    readable, _, _ = select.select([dbapi_connection.fileno()], [], [], 0)
    return bool(readable)
