"""PostgreSQL roles: the bot runs as a role that owns nothing and holds only the privileges its
services use, so that the audit trail's triggers cannot be got round from the bot's connection.

The owner role (DVPN_MIGRATION_DATABASE_URL) owns the schema and runs the migrations; only an owner
(or a superuser) may ALTER, DROP, TRUNCATE or disable the triggers of a table, and only a superuser
may SET session_replication_role. The runtime role (DVPN_DATABASE_ROLE) gets, table by table, what
the services do with it, and on audit_event only SELECT and INSERT. `dvpn-bot db upgrade` applies
`grant_statements()` after every migration, so a table a migration adds is granted at once; a DBA
can run the same statements by hand (`dvpn-bot db grants` prints them).
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from config import DATABASE_ROLE

AUDIT_TABLE = "audit_event"

READ = ("SELECT",)
APPEND = ("SELECT", "INSERT")
CHANGE = ("SELECT", "INSERT", "UPDATE")
ERASE = ("SELECT", "INSERT", "UPDATE", "DELETE")

# What the runtime role may do with each table, and why. UPDATE is also what `SELECT ... FOR UPDATE`
# needs (records, reminders, digest runs and reference counters are locked that way).
RUNTIME_PRIVILEGES: dict[str, tuple[str, ...]] = {
    "alembic_version": READ,  # `dvpn-bot db status` and the start-up schema check
    AUDIT_TABLE: APPEND,  # append-only: no UPDATE, DELETE, TRUNCATE or TRIGGER
    "team": CHANGE,  # channel and digest settings change
    "app_user": CHANGE,  # roles, ranks and teams change
    "team_supervisor": APPEND,  # supervisors are added; none is removed
    "extra_excluded_day": ("SELECT", "INSERT", "DELETE"),  # admins add bank holidays, and remove one added in error
    "reference_counter": CHANGE,  # the row-locked UPDATE ... RETURNING that numbers references
    "digest_run": CHANGE,  # claimed and marked sent
    "slack_delivery": ("SELECT", "INSERT", "DELETE"),  # taken once; pruned after a day
    # The record and person tables: changed as casework goes on, deleted by retention erasure
    # (services/governance/retention.py: ERASED_TABLES).
    "protection_order": ERASE,
    "hearing": ERASE,
    "breach": ERASE,
    "breach_check": ERASE,
    "notification": ERASE,
    "reminder": ERASE,
    "record_thread_post": ERASE,  # a record's channel thread: its posts are claimed and marked as reminders are
    "order_protected_person": ERASE,
    "protected_person": ERASE,
    "perpetrator": ERASE,
    "identity_mismatch": ERASE,
    # Incidents and what hangs from them, Clare's Law requests and perpetrator management plans:
    # casework like the records', erased with the person's family.
    "incident": ERASE,
    "incident_child": ERASE,
    "marac_referral": ERASE,
    "marac_action": ERASE,
    "disclosure_request": ERASE,
    "disclosure_applicant": ERASE,
    "management_plan": ERASE,
    "plan_action": ERASE,
    # The words people are found by: rewritten with every write of a person, erased with them.
    "search_term": ERASE,
    "search_term_key": ERASE,
    "school_holiday": ("SELECT", "INSERT", "DELETE"),  # as extra_excluded_day, per local authority
    # Kept by row triggers on protection_order, which run as the role making the write.
    "caseload_count": CHANGE,
    "daily_count": CHANGE,  # kept by triggers on protection_order, breach and breach_check
    "incident_count": CHANGE,  # kept by triggers on incident and marac_referral
    "casework_daily_count": CHANGE,  # kept by triggers on incident, incident_child, marac_referral, disclosure_request
    "casework_spread": CHANGE,  # likewise
    # The priority list's tallies (services.people.priority_tallies): made again, and their rows
    # deleted, whenever a person's events change; the rows to make again noted by triggers on the
    # tables the events come from, which run as the role making the write.
    "priority_tally": ERASE,
    "priority_ahead": ERASE,
    "priority_team": ERASE,
    "priority_member": ERASE,
    "priority_dirty": ERASE,
    "priority_state": CHANGE,
}


class RoleProblem(Exception):
    """The runtime role cannot be set up as asked; the message says what to do."""


def check_role_name(name: str) -> str:
    if not DATABASE_ROLE.fullmatch(name):
        raise ValueError(name)
    return name


def grant_statements(role: str, schema: str = "public") -> list[str]:
    """The SQL that leaves `role` with exactly RUNTIME_PRIVILEGES: every grant is revoked first, so
    running it again after a release changes a table's privileges narrows them too."""
    role = check_role_name(role)
    statements = [
        f"GRANT USAGE ON SCHEMA {schema} TO {role};",
        f"REVOKE CREATE ON SCHEMA {schema} FROM {role};",
    ]
    for table, privileges in RUNTIME_PRIVILEGES.items():
        statements.append(f"REVOKE ALL ON TABLE {schema}.{table} FROM {role};")
        statements.append(f"GRANT {', '.join(privileges)} ON TABLE {schema}.{table} TO {role};")
    statements += [
        # Ids come from sequences: nextval needs USAGE, nothing more.
        f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {schema} FROM {role};",
        f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA {schema} TO {role};",
    ]
    return statements


def grant_runtime_role(engine: Engine, role: str) -> None:
    """Give `role` the bot's privileges on the database `engine` owns (or is superuser on), in one
    transaction. Refused, with nothing changed, if the role would not be held to them."""
    with engine.begin() as connection:
        schema = connection.exec_driver_sql("SELECT current_schema()").scalar_one()
        _refuse_an_unsafe_role(connection, role, schema)
        for statement in grant_statements(role, schema):
            connection.exec_driver_sql(statement)


def _refuse_an_unsafe_role(connection: sa.Connection, role: str, schema: str) -> None:
    found = connection.execute(sa.text("SELECT rolsuper FROM pg_roles WHERE rolname = :role"), {"role": role}).first()
    if found is None:
        raise RoleProblem(
            f"The database role {role!r} (DVPN_DATABASE_ROLE) does not exist. Create it as the database's "
            f"administrator, e.g. CREATE ROLE {role} LOGIN PASSWORD '...'; then run `dvpn-bot db upgrade` again."
        )
    if found.rolsuper:
        raise RoleProblem(
            f"The database role {role!r} (DVPN_DATABASE_ROLE) is a superuser, which passes every check: "
            f"the bot must run as a role without SUPERUSER (ALTER ROLE {role} NOSUPERUSER)."
        )
    owner = connection.execute(
        sa.text("SELECT tableowner FROM pg_tables WHERE schemaname = :schema AND tablename = :table"),
        {"schema": schema, "table": AUDIT_TABLE},
    ).scalar_one()
    acts_as_owner = connection.execute(
        sa.text("SELECT pg_has_role(:role, :owner, 'MEMBER')"), {"role": role, "owner": owner}
    ).scalar_one()
    if acts_as_owner:
        raise RoleProblem(
            f"The database role {role!r} (DVPN_DATABASE_ROLE) owns the tables (or is a member of their owner "
            f"{owner!r}), so it could get round the audit trail's triggers. Run the bot as another role and "
            "the migrations as the owner (DVPN_MIGRATION_DATABASE_URL)."
        )
    may_grant = connection.execute(
        sa.text("SELECT pg_has_role(current_user, :owner, 'MEMBER')"), {"owner": owner}
    ).scalar_one()
    if not may_grant:
        raise RoleProblem(
            f"Only the owner of the tables ({owner!r}) can grant the bot's privileges: run `dvpn-bot db upgrade` "
            "with DVPN_MIGRATION_DATABASE_URL naming that role."
        )


def audit_trail_exposure(engine: Engine) -> str | None:
    """Why the audit trail is not protected from this connection's role, or None if it is (or the
    database is SQLite, where whoever can write the file can change anything)."""
    if engine.dialect.name != "postgresql":
        return None
    with engine.connect() as connection:
        row = connection.execute(
            sa.text(
                "SELECT r.rolsuper AS superuser, pg_has_role(current_user, t.tableowner, 'MEMBER') AS owner "
                "FROM pg_roles r, pg_tables t "
                "WHERE r.rolname = current_user AND t.schemaname = current_schema() AND t.tablename = :table"
            ),
            {"table": AUDIT_TABLE},
        ).first()
    if row is None:
        return None
    if row.superuser:
        return "the bot connects as a superuser"
    if row.owner:
        return "the bot connects as the owner of the tables"
    return None
