"""daily_count: the stats' figures per Europe/London day, team and measure, kept by triggers

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-03

A year's /dvpn stats counted a year of notices, decisions, breaches and breach checks at every
question (178 ms at national scale). daily_count keeps, per team, local day and measure, how many
rows each figure would count (services.reporting.daily_counts names the measures): a year is then a
few thousand kept rows summed. The day is the Europe/London calendar day of the figure's own time
(served_at, closed_at, occurred_at, due_at), so a period of whole local days is a run of whole
kept days. PostgreSQL reads the day with AT TIME ZONE; SQLite has no zones, so the British Summer
Time rule (UTC+1 from 01:00 UTC on the last Sunday of March to 01:00 UTC on the last Sunday of
October, in force throughout the years the bot reports on) is written out (LONDON_DAY_SQLITE).

Kept by row triggers on protection_order, breach and breach_check in the same transaction as every
write, whichever statement makes it (as caseload_count, migration 0018): a changed row takes its
old contributions away and adds its new ones. A breach or check counts for its record's team, so a
record moving team moves its breaches' and checks' counts too. Retention erases a record's breaches
and checks before the record, so their team is still there to be read. A count that falls to zero
keeps its row. No foreign keys: derived data. SQLite drops a table's triggers when batch mode
rebuilds it: a later migration that rebuilds any of these tables there must create them again.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NOTICE = "{r}.order_type IN ('DVPN', 'DAPN')"
# (measure, the time that names its day, when a row counts), per table; {r} is the row.
ORDER_MEASURES = [
    ("notices_issued", "served_at", NOTICE),
    ("applications_heard", "served_at", NOTICE + " AND {r}.first_heard_at IS NOT NULL"),
    ("heard_in_time", "served_at", NOTICE + " AND {r}.first_heard_at <= {r}.hearing_deadline_at"),
    ("notices_converted", "served_at", NOTICE + " AND {r}.status = 'superseded'"),
    ("orders_granted", "closed_at", NOTICE + " AND {r}.status = 'superseded'"),
    ("orders_refused", "closed_at", NOTICE + " AND {r}.status = 'refused'"),
    ("notices_lapsed", "closed_at", NOTICE + " AND {r}.status = 'lapsed'"),
]
REFERENCED_IN_TIME = {
    "postgresql": "EXTRACT(EPOCH FROM ({r}.crime_reference_added_at - {r}.recorded_at)) / 3600.0 <= 24",
    "sqlite": "ROUND((julianday({r}.crime_reference_added_at) - julianday({r}.recorded_at)) * 86400.0) / 3600.0 <= 24",
}
BREACH_MEASURES = [
    ("breaches", "occurred_at", "1 = 1"),
    ("breaches_crime_reference_24h", "occurred_at", "{referenced}"),
]
CHECK_MEASURES = [
    ("checks_due", "due_at", "{r}.cancelled_at IS NULL"),
    ("checks_on_time", "due_at", "{r}.cancelled_at IS NULL AND {r}.done_at IS NOT NULL AND {r}.done_at <= {r}.due_at"),
]
# Each table's columns a measure reads: an update of another column leaves the counts alone.
ORDER_COLUMNS = ["team_id", "order_type", "served_at", "closed_at", "status", "first_heard_at", "hearing_deadline_at"]
BREACH_COLUMNS = ["order_id", "occurred_at", "recorded_at", "crime_reference_added_at"]
CHECK_COLUMNS = ["order_id", "due_at", "done_at", "cancelled_at"]

LONDON_DAY_POSTGRES = "(({t}) AT TIME ZONE 'Europe/London')::date"
_BST_EDGE = "julianday(datetime({t}, 'start of year', '+{month} months', '+24 days', 'weekday 0', '+1 hour'))"
LONDON_DAY_SQLITE = (
    "date({t}, CASE WHEN julianday({t}) >= "
    + _BST_EDGE.replace("{month}", "2")
    + " AND julianday({t}) < "
    + _BST_EDGE.replace("{month}", "9")
    + " THEN '+1 hour' ELSE '+0 hours' END)"
)


def local_day(dialect: str, time: str) -> str:
    return (LONDON_DAY_POSTGRES if dialect == "postgresql" else LONDON_DAY_SQLITE).replace("{t}", time)


def _condition(dialect: str, template: str, row: str) -> str:
    return template.format(r=row, referenced=REFERENCED_IN_TIME[dialect].format(r=row))


MEASURES = [m for m, _, _ in ORDER_MEASURES + BREACH_MEASURES + CHECK_MEASURES]


def contributions(dialect: str, measures: list[tuple[str, str, str]], row: str, team: str, source: str) -> str:
    """SELECT team_id, day and a 1 in the column of each measure `row` counts for (0 in the others),
    one line per measure. `source` is the FROM clause (with its own conditions) the row and `team`
    are read from, or '' for a trigger's row."""
    selects = []
    for measure, time, condition in measures:
        where = f"{row}.{time} IS NOT NULL AND {_condition(dialect, condition, row)}"
        joined = f"{source} AND {where}" if source else f"WHERE {where}"
        ones = ", ".join(f"{int(m == measure)} AS {m}" for m in MEASURES)
        selects.append(f"SELECT {team} AS team_id, {local_day(dialect, f'{row}.{time}')} AS day, {ones} {joined}")
    return " UNION ALL ".join(selects)


def add(dialect: str, parts: Sequence[tuple[str, int]]) -> str:
    """Add each part's counts (rows as `contributions` gives them) times its sign (1 or -1), summed
    per team and day, in one statement that takes its rows' locks in key order: two writes moving
    counts between the same days cannot then wait for each other the wrong way round (deadlock)."""
    table = "daily_count." if dialect == "postgresql" else ""
    signed = " UNION ALL ".join(
        f"SELECT team_id, day, {', '.join(f'{sign} * {m} AS {m}' for m in MEASURES)} FROM ({rows}) AS p{n}"
        for n, (rows, sign) in enumerate(parts)
    )
    sums = ", ".join(f"sum({m})" for m in MEASURES)
    summed = ", ".join(f"{m} = {table}{m} + excluded.{m}" for m in MEASURES)
    return (
        f"INSERT INTO daily_count (team_id, day, {', '.join(MEASURES)}) SELECT team_id, day, {sums} "
        f"FROM ({signed}) AS c WHERE team_id IS NOT NULL GROUP BY team_id, day ORDER BY team_id, day "
        f"ON CONFLICT (day, team_id) DO UPDATE SET {summed}"
    )


def _order_of(row: str) -> str:
    return f"FROM protection_order o WHERE o.id = {row}.order_id"


def _children(dialect: str, order: str) -> str:
    """The counts of record `order`'s breaches and checks, as rows."""
    breaches = contributions(
        dialect,
        BREACH_MEASURES,
        "b",
        "o.team_id",
        f"FROM breach b, protection_order o WHERE o.id = {order}.id AND b.order_id = o.id",
    )
    checks = contributions(
        dialect,
        CHECK_MEASURES,
        "k",
        "o.team_id",
        f"FROM breach_check k, protection_order o WHERE o.id = {order}.id AND k.order_id = o.id",
    )
    return f"{breaches} UNION ALL {checks}"


def _rows(dialect: str, table: str, row: str) -> str:
    if table == "protection_order":
        return contributions(dialect, ORDER_MEASURES, row, f"{row}.team_id", "")
    measures = BREACH_MEASURES if table == "breach" else CHECK_MEASURES
    return contributions(dialect, measures, row, "o.team_id", _order_of(row))


def _team_move(dialect: str) -> list[tuple[str, int]]:
    """A record's breaches and checks count for its team: they move with it. They are read through
    NEW (the same id), counted away from OLD.team_id and onto NEW.team_id."""
    children = _children(dialect, "NEW")
    return [(children.replace("o.team_id", "OLD.team_id"), -1), (children, 1)]


def _changed(columns: list[str], distinct: str) -> str:
    return " OR ".join(f"OLD.{c} {distinct} NEW.{c}" for c in columns)


TABLES = {"protection_order": ORDER_COLUMNS, "breach": BREACH_COLUMNS, "breach_check": CHECK_COLUMNS}


def postgres_statements() -> list[str]:
    found = []
    for table, columns in TABLES.items():
        old, new = (_rows("postgresql", table, "OLD"), -1), (_rows("postgresql", table, "NEW"), 1)
        moved = ""
        if table == "protection_order":
            moved = (
                "ELSIF OLD.team_id IS DISTINCT FROM NEW.team_id THEN "
                f"{add('postgresql', [old, new, *_team_move('postgresql')])};"
            )
        found += [
            f"""CREATE FUNCTION daily_count_{table}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP = 'INSERT' THEN {add("postgresql", [new])};
                ELSIF TG_OP = 'DELETE' THEN {add("postgresql", [old])};
                {moved}
                ELSE {add("postgresql", [old, new])};
                END IF;
                RETURN NULL;
            END $$""",
            f"""CREATE TRIGGER daily_count_rows AFTER INSERT OR DELETE ON {table}
            FOR EACH ROW EXECUTE FUNCTION daily_count_{table}()""",
            f"""CREATE TRIGGER daily_count_moves AFTER UPDATE OF {", ".join(columns)} ON {table}
            FOR EACH ROW WHEN ({_changed(columns, "IS DISTINCT FROM")}) EXECUTE FUNCTION daily_count_{table}()""",
        ]
    return found


def sqlite_statements() -> list[str]:
    # SQLite has one writer at a time, so the order of the locks does not arise.
    found = []
    for table, columns in TABLES.items():
        old, new = (_rows("sqlite", table, "OLD"), -1), (_rows("sqlite", table, "NEW"), 1)
        found += [
            f"CREATE TRIGGER daily_count_{table}_insert AFTER INSERT ON {table} BEGIN {add('sqlite', [new])}; END",
            f"CREATE TRIGGER daily_count_{table}_delete AFTER DELETE ON {table} BEGIN {add('sqlite', [old])}; END",
            f"CREATE TRIGGER daily_count_{table}_moves AFTER UPDATE OF {', '.join(columns)} ON {table} "
            f"WHEN {_changed(columns, 'IS NOT')} BEGIN {add('sqlite', [old, new])}; END",
        ]
    found.append(
        "CREATE TRIGGER daily_count_protection_order_team AFTER UPDATE OF team_id ON protection_order "
        f"WHEN OLD.team_id IS NOT NEW.team_id BEGIN {add('sqlite', _team_move('sqlite'))}; END"
    )
    return found


def fill(dialect: str) -> list[str]:
    orders = contributions(dialect, ORDER_MEASURES, "r", "r.team_id", "FROM protection_order r WHERE 1 = 1")
    breaches = contributions(
        dialect,
        BREACH_MEASURES,
        "b",
        "o.team_id",
        "FROM breach b JOIN protection_order o ON o.id = b.order_id WHERE 1 = 1",
    )
    checks = contributions(
        dialect,
        CHECK_MEASURES,
        "k",
        "o.team_id",
        "FROM breach_check k JOIN protection_order o ON o.id = k.order_id WHERE 1 = 1",
    )
    return [add(dialect, [(rows, 1)]) for rows in (orders, breaches, checks)]


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.create_table(
        "daily_count",
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        *[sa.Column(measure, sa.Integer(), nullable=False) for measure in MEASURES],
        sa.PrimaryKeyConstraint("day", "team_id", name="pk_daily_count"),
    )
    for statement in fill(dialect):
        op.execute(statement)
    for statement in postgres_statements() if dialect == "postgresql" else sqlite_statements():
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in TABLES:
            op.execute(f"DROP TRIGGER daily_count_moves ON {table}")
            op.execute(f"DROP TRIGGER daily_count_rows ON {table}")
            op.execute(f"DROP FUNCTION daily_count_{table}()")
    else:
        for table in TABLES:
            for kind in ("insert", "delete", "moves"):
                op.execute(f"DROP TRIGGER daily_count_{table}_{kind}")
        op.execute("DROP TRIGGER daily_count_protection_order_team")
    op.drop_table("daily_count")
