"""priority_tally: the perpetrator priority list read from kept tallies; triggers note whose changed

Revision ID: 0033
Revises: 0032
Create Date: 2026-12-03

`perpetrator top` summed every person's offending in the window at every ask: at national scale
1.1 million events of 375,000 people, over 30 s. The tallies are now kept (services.people.
priority_tallies): one row per person with their events, gravity, victims, latest event and the
points of the day, a row per person whose events are all yet to come, a row per team they have an event in (a supervisor's list), and which
perpetrator rows each tally counts.

What keeps them exact is knowing whose may have changed. Row triggers on every table an event, its
weight, its victims or its person's identity comes from note the perpetrator rows concerned in
`priority_dirty`, in the writing transaction, whichever statement writes (a form, a correction,
retention's erasure, an identity check settled): an order or notice (its perpetrator, the notice it
was made on, the incident it answers), a breach, an order's protected people, an incident (its
suspect, and the records made from it, whose weight its DASH level sets), a perpetrator's identity,
a protected person's (the victims counted), an identity check. The tallies of the noted rows are made
again before the list is read, and by a job every minute.

Nothing is filled here: with no `priority_state` row, the first keeping builds every tally (at
national scale a minute or two, once), since the points need the force's matrix, which is a
setting, not schema. SQLite drops a table's triggers when batch mode rebuilds it: a later migration
that rebuilds one of these tables there must create its triggers again (sqlite_statements below).
"""

from collections.abc import Callable, Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0033"
down_revision: str | None = "0032"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NOTE = "INSERT INTO priority_dirty (perpetrator_id) "


def _order(row: str) -> str:
    """The rows an order or notice `row` bears on: its perpetrator's, the notice it was made on (which
    it supersedes), the suspect of the incident it answers."""
    return (
        f"{NOTE}SELECT {row}.perpetrator_id "
        f"UNION SELECT p.perpetrator_id FROM protection_order p WHERE p.id = {row}.parent_id "
        f"UNION SELECT i.suspect_id FROM incident i WHERE i.id = {row}.incident_id;"
    )


def _incident(row: str) -> str:
    """An incident's suspect, and the perpetrators of the records made from it (weighed by its DASH)."""
    return (
        f"{NOTE}SELECT {row}.suspect_id "
        f"UNION SELECT o.perpetrator_id FROM protection_order o WHERE o.incident_id = {row}.id;"
    )


def _of_order(row: str) -> str:
    """The perpetrator of the order `row` hangs from (a breach, a protected person's link)."""
    return f"{NOTE}SELECT o.perpetrator_id FROM protection_order o WHERE o.id = {row}.order_id;"


def _victim(row: str) -> str:
    """The perpetrators whose events were against protected person `row`."""
    return (
        f"{NOTE}SELECT o.perpetrator_id FROM order_protected_person l "
        f"JOIN protection_order o ON o.id = l.order_id WHERE l.person_id = {row}.id "
        f"UNION SELECT i.suspect_id FROM incident i WHERE i.victim_id = {row}.id;"
    )


def _perpetrator(row: str) -> str:
    return f"{NOTE}VALUES ({row}.id);"


def _checked(row: str) -> str:
    """The row an identity check keeps apart until it is settled."""
    return f"{NOTE}VALUES ({row}.perpetrator_id);"


# (table, columns whose change matters, what to note for a row, whether an insert matters)
WATCHED: tuple[tuple[str, tuple[str, ...], Callable[[str], str], bool], ...] = (
    (
        "protection_order",
        ("perpetrator_id", "served_at", "made_at", "order_type", "team_id", "incident_id", "parent_id"),
        _order,
        True,
    ),
    ("incident", ("suspect_id", "victim_id", "reported_at", "risk_level", "team_id"), _incident, True),
    ("breach", ("order_id", "occurred_at"), _of_order, True),
    ("order_protected_person", ("order_id", "person_id"), _of_order, True),
    # A new perpetrator or protected person has no events yet: only a change or an erasure matters.
    ("perpetrator", ("pnc_id", "name_key", "date_of_birth"), _perpetrator, False),
    ("protected_person", ("name_key", "date_of_birth"), _victim, False),
    ("identity_mismatch", ("perpetrator_id", "same_person"), _checked, True),
)


def _changed(columns: tuple[str, ...], differ: str) -> str:
    return " OR ".join(f"OLD.{c} {differ} NEW.{c}" for c in columns)


def postgres_statements() -> list[str]:
    statements = []
    for table, columns, note, on_insert in WATCHED:
        old, new = note("OLD"), note("NEW")
        statements.append(
            f"""CREATE FUNCTION priority_note_{table}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP IN ('UPDATE', 'DELETE') THEN {old} END IF;
                IF TG_OP IN ('UPDATE', 'INSERT') THEN {new} END IF;
                RETURN NULL;
            END $$"""
        )
        rows = "INSERT OR DELETE" if on_insert else "DELETE"
        statements.append(
            f"CREATE TRIGGER priority_rows AFTER {rows} ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION priority_note_{table}()"
        )
        statements.append(
            f"CREATE TRIGGER priority_changes AFTER UPDATE OF {', '.join(columns)} ON {table} "
            f"FOR EACH ROW WHEN ({_changed(columns, 'IS DISTINCT FROM')}) EXECUTE FUNCTION priority_note_{table}()"
        )
    return statements


def sqlite_statements(only: Sequence[str] | None = None) -> list[str]:
    """The SQLite triggers, of every watched table or of those named."""
    statements = []
    for table, columns, note, on_insert in WATCHED:
        if only is not None and table not in only:
            continue
        old, new = note("OLD"), note("NEW")
        if on_insert:
            statements.append(f"CREATE TRIGGER priority_{table}_insert AFTER INSERT ON {table} BEGIN {new} END")
        statements.append(f"CREATE TRIGGER priority_{table}_delete AFTER DELETE ON {table} BEGIN {old} END")
        statements.append(
            f"CREATE TRIGGER priority_{table}_update AFTER UPDATE OF {', '.join(columns)} ON {table} "
            f"WHEN {_changed(columns, 'IS NOT')} BEGIN {old} {new} END"
        )
    return statements


def _key_columns() -> list[sa.Column[str]]:
    return [
        sa.Column("k_kind", sa.String(length=4), nullable=False),
        sa.Column("k_first", sa.String(length=200), nullable=False),
        sa.Column("k_second", sa.String(length=32), nullable=False),
    ]


def upgrade() -> None:
    when = sa.DateTime(timezone=True)
    op.create_table(
        "priority_tally",
        *_key_columns(),
        sa.Column("events", sa.Integer(), nullable=False),
        sa.Column("gravity", sa.Integer(), nullable=False),
        sa.Column("victims", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("serial", sa.Boolean(), nullable=False),
        sa.Column("latest", when, nullable=False),
        sa.Column("last", when, nullable=False),
        sa.Column("first_at", when, nullable=False),
        sa.Column("next_at", when, nullable=True),
        sa.PrimaryKeyConstraint("k_kind", "k_first", "k_second", name="pk_priority_tally"),
    )
    op.create_index("ix_priority_tally_rank", "priority_tally", ["total", "victims", "last"])
    op.create_index("ix_priority_tally_latest", "priority_tally", ["latest"])
    op.create_index("ix_priority_tally_first", "priority_tally", ["first_at"])
    op.create_index(
        "ix_priority_tally_next",
        "priority_tally",
        ["next_at"],
        postgresql_where=sa.text("next_at IS NOT NULL"),
        sqlite_where=sa.text("next_at IS NOT NULL"),
    )
    op.create_table(
        "priority_ahead",
        *_key_columns(),
        sa.Column("next_at", when, nullable=False),
        sa.PrimaryKeyConstraint("k_kind", "k_first", "k_second", name="pk_priority_ahead"),
    )
    op.create_index("ix_priority_ahead_next", "priority_ahead", ["next_at"])
    op.create_table(
        "priority_team",
        sa.Column("team_id", sa.Integer(), nullable=False),
        *_key_columns(),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("victims", sa.Integer(), nullable=False),
        sa.Column("serial", sa.Boolean(), nullable=False),
        sa.Column("last", when, nullable=False),
        sa.PrimaryKeyConstraint("team_id", "k_kind", "k_first", "k_second", name="pk_priority_team"),
    )
    op.create_index("ix_priority_team_rank", "priority_team", ["team_id", "total", "victims", "last"])
    op.create_index("ix_priority_team_person", "priority_team", ["k_kind", "k_first", "k_second"])
    op.create_table(
        "priority_member",
        sa.Column("perpetrator_id", sa.Integer(), autoincrement=False, nullable=False),
        *_key_columns(),
        sa.PrimaryKeyConstraint("perpetrator_id", name="pk_priority_member"),
    )
    op.create_index("ix_priority_member_person", "priority_member", ["k_kind", "k_first", "k_second"])
    op.create_table(
        "priority_dirty",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("perpetrator_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_priority_dirty"),
    )
    op.create_table(
        "priority_state",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("people", sa.Integer(), nullable=False),
        sa.Column("serial", sa.Integer(), nullable=False),
        sa.Column("kept_at", when, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_priority_state"),
    )
    postgresql = op.get_bind().dialect.name == "postgresql"
    for statement in postgres_statements() if postgresql else sqlite_statements():
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table, *_ in WATCHED:
            op.execute(f"DROP TRIGGER priority_changes ON {table}")
            op.execute(f"DROP TRIGGER priority_rows ON {table}")
            op.execute(f"DROP FUNCTION priority_note_{table}()")
    else:
        for table, _columns, _note, on_insert in WATCHED:
            for event in ("insert", "delete", "update") if on_insert else ("delete", "update"):
                op.execute(f"DROP TRIGGER priority_{table}_{event}")
    for table in ("priority_state", "priority_dirty", "priority_member", "priority_team", "priority_ahead"):
        op.drop_table(table)
    op.drop_table("priority_tally")
