"""SQLite never hands out an erased row's id again: AUTOINCREMENT on every table whose rows are erased

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-03

A plain INTEGER PRIMARY KEY on SQLite takes max(id) + 1, so once the row with the highest id is
erased (retention erases whole families, the newest included) the next insert gets its id again.
Everything that names a row by its id then names the new row: the audit trail keys its entries by
(entity_type, entity_id) and order_id, so `/dvpn audit` of the new record, incident or Clare's Law
request showed the erased one's trail (its children's, referral's, actions' and reminders' too); a
plan's reference is its id (WM-PLAN-0007), so the new plan took the erased one's reference; and a
reminder's buttons and the forms they open carry its id, so a button left on an erased record's
message would have settled the new record's reminder. PostgreSQL's sequences never go back: there
this migration does nothing.

The tables rebuilt are those whose rows are deleted (services.governance.retention ERASED_TABLES,
and school_holiday, which an admin removes) and whose ids are named where the rows are gone: in
the audit trail (rows are audited by entity and id as they are made, changed and viewed), in Slack
buttons and modal metadata (a reminder's), in another row's text (a reminder's kind names its
check, "breach_check_due:7"; a thread post's its hearing or breach, "hearing:7"), or by the sweep,
which claims a reminder or thread post and writes back what Slack answered by its id.
order_protected_person (a pair of ids, no id of its own), search_term and search_term_key
(rewritten whole, their ids named nowhere) and the tables never deleted from (audit_event,
app_user, team, digest_run, ...) are left as they are.

Each table is rebuilt by batch mode with sqlite_autoincrement (the models say the same, so a new
database is made so). Its indexes and foreign keys come from reflection; SQLite drops a table's
triggers with it, so every trigger on it is read from sqlite_master first and created again exactly
as this database had it (0018's caseload_count, 0022's first_heard, 0025's daily_count, 0029's
casework_count and 0030's incident_count triggers). Copying the rows fires none of them, so the
kept counts are untouched. Dropping a table other tables point at needs foreign keys off, which
SQLite allows only outside a transaction: models.schema.upgrade (and migrations/env.py) run SQLite
migrations with them off and check every foreign key before the commit (SQLite's own procedure for
rebuilding a table). The rename is done with legacy_alter_table on, since the triggers of other
tables name the table while it is briefly gone.

The sequence starts at the highest id the table is known to have had: its rows', and the highest id
of its kind the audit trail names (every audited row's creation names it), so an id erased before
this upgrade is not handed out again if it was ever audited. An id erased before the upgrade that
no audit row names (a reminder never pressed, a thread post) may still be handed out once: it was
lost when the row was erased, before this migration could keep it.

The downgrade leaves the tables as they are: ids that are never reused are right for the older
code too, and rebuilding again would only risk the triggers.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0032"
down_revision: str | None = "0031"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Every table whose rows are erased and whose ids are named elsewhere (see above).
TABLES = (
    "identity_mismatch",
    "reminder",
    "record_thread_post",
    "notification",
    "breach_check",
    "breach",
    "hearing",
    "protection_order",
    "marac_action",
    "marac_referral",
    "incident_child",
    "incident",
    "plan_action",
    "management_plan",
    "disclosure_request",
    "disclosure_applicant",
    "protected_person",
    "perpetrator",
    "school_holiday",
)


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    if bind.exec_driver_sql("PRAGMA foreign_keys").scalar():
        raise RuntimeError(
            "Migration 0032 rebuilds tables other tables point at: run it with SQLite's foreign keys off "
            "(dvpn-bot db upgrade, models.schema.upgrade, does so and checks them before the commit)."
        )
    for table in TABLES:
        _rebuild(bind, table)


def _rebuild(bind: sa.Connection, table: str) -> None:
    recreate = (
        bind.execute(
            sa.text("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = :t ORDER BY name"),
            {"t": table},
        )
        .scalars()
        .all()
    )
    highest = _highest_id(bind, table)
    # Other tables' triggers name this one (first_heard on hearing names protection_order): renamed
    # the modern way, SQLite re-reads them while the table is gone and refuses.
    bind.exec_driver_sql("PRAGMA legacy_alter_table = ON")
    try:
        with op.batch_alter_table(table, recreate="always", table_kwargs={"sqlite_autoincrement": True}):
            pass
    finally:
        bind.exec_driver_sql("PRAGMA legacy_alter_table = OFF")
    for statement in recreate:
        bind.exec_driver_sql(statement)
    bind.execute(sa.text("DELETE FROM sqlite_sequence WHERE name = :t"), {"t": table})
    if highest:
        bind.execute(sa.text("INSERT INTO sqlite_sequence (name, seq) VALUES (:t, :seq)"), {"t": table, "seq": highest})


def _highest_id(bind: sa.Connection, table: str) -> int:
    """The highest id the table has had, as far as this database can tell: its rows', the sequence's
    (a table rebuilt before), and the highest id of its kind the audit trail names."""
    known = [
        bind.exec_driver_sql(f"SELECT max(id) FROM {table}").scalar(),
        bind.execute(sa.text("SELECT max(entity_id) FROM audit_event WHERE entity_type = :t"), {"t": table}).scalar(),
    ]
    if bind.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'").scalar():
        known.append(bind.execute(sa.text("SELECT seq FROM sqlite_sequence WHERE name = :t"), {"t": table}).scalar())
    return max((int(n) for n in known if n is not None), default=0)


def downgrade() -> None:
    pass  # see above: ids never reused are right for the older code too
