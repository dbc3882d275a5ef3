"""A PostgreSQL database set up as a force would run it: an owner role that owns the database and
runs the migrations, and the bot's runtime role that owns nothing. Both roles and the database get
names of their own for each use (roles are server-wide, and other test runs share the server), and
go again afterwards."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url

BOT = Path(__file__).resolve().parent.parent.parent / "bot.py"


@dataclass(frozen=True)
class RoleDatabase:
    superuser_url: str  # the test server's superuser, on this database
    owner: str
    runtime: str

    def url(self, role: str) -> str:
        """This database as `role` (the test server trusts local connections)."""
        return make_url(self.superuser_url).set(username=role, password=None).render_as_string(hide_password=False)

    @property
    def owner_url(self) -> str:
        return self.url(self.owner)

    @property
    def runtime_url(self) -> str:
        return self.url(self.runtime)


def create_role_database(server: Engine) -> RoleDatabase:
    """A new, empty database owned by a new owner role, and a new runtime role, on `server`'s server."""
    suffix = uuid.uuid4().hex[:8]
    base = server.url
    names = RoleDatabase(
        superuser_url=base.set(database=f"{base.database}_roles_{suffix}").render_as_string(hide_password=False),
        owner=f"dvpn_owner_{suffix}",
        runtime=f"dvpn_bot_{suffix}",
    )
    admin = sa.create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f"CREATE ROLE {names.owner} LOGIN")
            connection.exec_driver_sql(f"CREATE ROLE {names.runtime} LOGIN")
            connection.exec_driver_sql(
                f'CREATE DATABASE "{make_url(names.superuser_url).database}" OWNER {names.owner}'
            )
    finally:
        admin.dispose()
    return names


def drop_role_database(names: RoleDatabase) -> None:
    url = make_url(names.superuser_url)
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)')
            connection.exec_driver_sql(f"DROP ROLE IF EXISTS {names.runtime}")
            connection.exec_driver_sql(f"DROP ROLE IF EXISTS {names.owner}")
    finally:
        admin.dispose()


def table_privileges(engine: Engine, role: str, table: str) -> set[str]:
    """Which of PostgreSQL's table privileges `role` holds on `table`."""
    every = ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER")
    with engine.connect() as connection:
        return {
            privilege
            for privilege in every
            if connection.execute(
                sa.text("SELECT has_table_privilege(:role, :table, :privilege)"),
                {"role": role, "table": table, "privilege": privilege},
            ).scalar_one()
        }


def run_bot(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """`dvpn-bot ARGS` as an operator runs it, with only the settings given."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DVPN_", "SLACK_", "DATABASE_URL"))}
    return subprocess.run(
        [sys.executable, str(BOT), *args], cwd=cwd, env={**clean, **env}, capture_output=True, text=True, timeout=120
    )
