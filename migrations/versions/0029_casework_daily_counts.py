"""casework_daily_count and casework_spread: the stats' casework figures per Europe/London day and team, kept by triggers

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-03

/dvpn stats counted its casework figures (services.reporting.casework_stats) from the incident,
child, referral and Clare's Law rows at every question: 360 ms for four weeks and some 1.6 s for a
year at national scale (5.1 million incidents). As daily_count (migration 0025) does for the
records, these tables keep, per team and local day, how many rows each figure would count, so a
period of whole Europe/London days sums a few thousand kept rows (services.reporting.casework_counts
names the measures and reads them).

casework_daily_count: one row per day and team, a column per count. The incidents by risk level and
the high-risk ones with a DASH count by the incident's reported day; its children, and those whose
school was told by the due time, by the incident's day too (the figure's own definition); Clare's
Law requests by route by the received day; completed requests, disclosures and completions within
target by the completion day (disclosed_at, else closed_at).

casework_spread: two figures are not sums of days, so they are kept as a histogram per day, team and
whole number: `marac_hours`, each referred high-risk incident's hours from DASH to referral rounded
up (0 for a referral at or before the DASH), by the incident's day, since "referred within
DVPN_MARAC_REFERRAL_HOURS" is a setting a trigger cannot read: h hours or less is exactly "rounded
up, h or less" for a whole h; and `completion_days`, each completed request's days from receipt to
completion as rules.disclosure.days_taken counts them (local days, the day of receipt day 1), by
the completion day, from which the median days is taken exactly as statistics.median takes it.

Sibling tables rather than columns of daily_count: an incident's write and a record's write on the
same team's day would otherwise queue for one row, every daily_count trigger would have to name
columns it never moves, and the histogram needs a key daily_count does not have.

Kept by row triggers on incident, incident_child, marac_referral and disclosure_request in the same
transaction as every write, whichever statement makes it; a changed row takes its old contributions
away and adds its new ones in one key-ordered upsert per table (casework_daily_count, then
casework_spread, in every trigger), so two writes cannot take the same rows' locks the wrong way
round. A child and a referral count for their incident's team and day: an incident whose team,
reported time, risk level or DASH time changes moves its children's and referral's counts too. A
child's due_at moves when a school holiday is added or removed (services.incidents.school_terms
rewrites it): the child's trigger follows. Erasure deletes children and referrals before their
incident (foreign keys), so the incident is still there to be read. A count that falls to zero keeps
its row. No foreign keys: derived data. SQLite drops a table's triggers when batch mode rebuilds it:
a later migration that rebuilds any of these four tables there must create them again.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0029"
down_revision: str | None = "0028"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

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


def _referral_hours(dialect: str, dash: str, referred: str) -> str:
    """The hours from `dash` to `referred` rounded up, 0 at or before the DASH: the same seconds
    services.reporting.sql_time.hours_between compares (whole seconds on SQLite)."""
    if dialect == "postgresql":
        return f"GREATEST(0, CEIL(EXTRACT(EPOCH FROM ({referred} - {dash})) / 3600.0))::integer"
    hours = f"(ROUND((julianday({referred}) - julianday({dash})) * 86400.0) / 3600.0)"
    return f"(CASE WHEN {hours} <= 0 THEN 0 ELSE CAST({hours} AS INTEGER) + ({hours} > CAST({hours} AS INTEGER)) END)"


def _days_taken(dialect: str, received: str, completed: str) -> str:
    first, last = local_day(dialect, received), local_day(dialect, completed)
    if dialect == "postgresql":
        return f"({last} - {first} + 1)"
    return f"(CAST(julianday({last}) - julianday({first}) AS INTEGER) + 1)"


ENDED = "COALESCE({r}.disclosed_at, {r}.closed_at)"
HIGH = "{i}.risk_level = 'high' AND {i}.dash_at IS NOT NULL"

# (measure, when a row counts) per source; {i} is the incident, {c} the child, {r} the request.
INCIDENT_MEASURES = [
    ("incidents_high", "{i}.risk_level = 'high'"),
    ("incidents_medium", "{i}.risk_level = 'medium'"),
    ("incidents_standard", "{i}.risk_level = 'standard'"),
    ("incidents_unassessed", "{i}.risk_level IS NULL"),
    ("high_risk", HIGH),
]
CHILD_MEASURES = [
    ("children", "1 = 1"),
    ("schools_told_in_time", "{c}.told_at IS NOT NULL AND {c}.told_at <= {c}.due_at"),
]
RECEIVED_MEASURES = [
    ("requests_ask", "{r}.route = 'ask'"),
    ("requests_know", "{r}.route = 'know'"),
]
COMPLETED_MEASURES = [
    ("requests_completed", ENDED + " IS NOT NULL"),
    ("disclosures", "{r}.disclosed_at IS NOT NULL"),
    ("completed_within_target", ENDED + " <= {r}.target_at"),
]
MEASURES = [m for m, _ in INCIDENT_MEASURES + CHILD_MEASURES + RECEIVED_MEASURES + COMPLETED_MEASURES]
SPREADS = ("marac_hours", "completion_days")

# Each table's columns a figure reads: an update of another column leaves the counts alone.
INCIDENT_COLUMNS = ["team_id", "reported_at", "risk_level", "dash_at"]
CHILD_COLUMNS = ["incident_id", "due_at", "told_at"]
REFERRAL_COLUMNS = ["incident_id", "referred_at"]
REQUEST_COLUMNS = ["team_id", "route", "received_at", "target_at", "disclosed_at", "closed_at"]
TABLES = {
    "incident": INCIDENT_COLUMNS,
    "incident_child": CHILD_COLUMNS,
    "marac_referral": REFERRAL_COLUMNS,
    "disclosure_request": REQUEST_COLUMNS,
}


def _ones(measure: str) -> str:
    return ", ".join(f"{int(m == measure)} AS {m}" for m in MEASURES)


def _counts(measures: list[tuple[str, str]], day: str, team: str, source: str, **rows: str) -> list[str]:
    """One SELECT team_id, day, a 1 in the column of the measure (0 in the others) per measure,
    each over `source` (FROM and WHERE) where the measure's condition holds."""
    return [
        f"SELECT {team} AS team_id, {day} AS day, {_ones(measure)} {source} AND {condition.format(**rows)}"
        for measure, condition in measures
    ]


def _where(source: str) -> str:
    return source if source else "WHERE 1 = 1"


def incident_counts(dialect: str, i: str, source: str = "") -> list[str]:
    """The counts of incident `i` itself and of its children (read through its id)."""
    day = local_day(dialect, f"{i}.reported_at")
    own = _counts(INCIDENT_MEASURES, day, f"{i}.team_id", _where(source), i=i)
    children_source = f"FROM incident_child c WHERE c.incident_id = {i}.id"
    if source:  # a set of incidents: their children joined to them
        children_source = f"FROM incident_child c JOIN incident {i} ON {i}.id = c.incident_id WHERE 1 = 1"
    return own + _counts(CHILD_MEASURES, day, f"{i}.team_id", children_source, c="c")


def child_counts(dialect: str, c: str) -> list[str]:
    day = local_day(dialect, "i.reported_at")
    return _counts(CHILD_MEASURES, day, "i.team_id", f"FROM incident i WHERE i.id = {c}.incident_id", c=c)


def request_counts(dialect: str, r: str, source: str = "") -> list[str]:
    received = _counts(RECEIVED_MEASURES, local_day(dialect, f"{r}.received_at"), f"{r}.team_id", _where(source), r=r)
    ended = ENDED.format(r=r)
    completed = _counts(
        COMPLETED_MEASURES, local_day(dialect, ended), f"{r}.team_id", f"{_where(source)} AND {ended} IS NOT NULL", r=r
    )
    return received + completed


def referral_spread(dialect: str, i: str, m: str, source: str) -> list[str]:
    """The whole hours from incident `i`'s DASH to its referral `m`, when it is high risk."""
    value = _referral_hours(dialect, f"{i}.dash_at", f"{m}.referred_at")
    day = local_day(dialect, f"{i}.reported_at")
    return [
        f"SELECT 'marac_hours' AS measure, {day} AS day, {i}.team_id AS team_id, {value} AS value "
        f"{source} AND {HIGH.format(i=i)}"
    ]


def request_spread(dialect: str, r: str, source: str = "") -> list[str]:
    ended = ENDED.format(r=r)
    value = _days_taken(dialect, f"{r}.received_at", ended)
    return [
        f"SELECT 'completion_days' AS measure, {local_day(dialect, ended)} AS day, {r}.team_id AS team_id, "
        f"{value} AS value {_where(source)} AND {ended} IS NOT NULL"
    ]


def add_counts(dialect: str, parts: Sequence[tuple[list[str], int]]) -> str:
    """Add each part's rows times its sign (1 or -1), summed per day and team, in one statement
    taking its rows' locks in key order (no two writes wait for each other the wrong way round)."""
    table = "casework_daily_count." if dialect == "postgresql" else ""
    signed = " UNION ALL ".join(
        f"SELECT team_id, day, {', '.join(f'{sign} * {m} AS {m}' for m in MEASURES)} FROM ({select}) AS p{n}_{k}"
        for n, (selects, sign) in enumerate(parts)
        for k, select in enumerate(selects)
    )
    sums = ", ".join(f"sum({m})" for m in MEASURES)
    summed = ", ".join(f"{m} = {table}{m} + excluded.{m}" for m in MEASURES)
    return (
        f"INSERT INTO casework_daily_count (day, team_id, {', '.join(MEASURES)}) SELECT day, team_id, {sums} "
        f"FROM ({signed}) AS c WHERE team_id IS NOT NULL GROUP BY day, team_id ORDER BY day, team_id "
        f"ON CONFLICT (day, team_id) DO UPDATE SET {summed}"
    )


def add_spread(dialect: str, parts: Sequence[tuple[list[str], int]]) -> str:
    table = "casework_spread." if dialect == "postgresql" else ""
    signed = " UNION ALL ".join(
        f"SELECT measure, day, team_id, value, {sign} AS n FROM ({select}) AS p{n}_{k}"
        for n, (selects, sign) in enumerate(parts)
        for k, select in enumerate(selects)
    )
    key = "measure, day, team_id, value"
    return (
        f"INSERT INTO casework_spread ({key}, n) SELECT {key}, sum(n) FROM ({signed}) AS s "
        f"WHERE team_id IS NOT NULL GROUP BY {key} ORDER BY {key} "
        f"ON CONFLICT ({key}) DO UPDATE SET n = {table}n + excluded.n"
    )


def _writes(dialect: str, table: str, row: str) -> tuple[list[str], list[str]]:
    """What row `row` (OLD or NEW) of `table` counts, as (counts, spread) selects."""
    if table == "incident":
        referral = f"FROM marac_referral m WHERE m.incident_id = {row}.id"
        return incident_counts(dialect, row), referral_spread(dialect, row, "m", referral)
    if table == "incident_child":
        return child_counts(dialect, row), []
    if table == "marac_referral":
        return [], referral_spread(dialect, "i", row, f"FROM incident i WHERE i.id = {row}.incident_id")
    return request_counts(dialect, row), request_spread(dialect, row)


def statements_for(dialect: str, table: str, signs: Sequence[tuple[str, int]]) -> list[str]:
    """The upserts moving `table`'s rows' counts: each (OLD or NEW, sign); counts first, then spread."""
    found = [_writes(dialect, table, row) for row, _ in signs]
    counts = [(c, sign) for (c, _), (_, sign) in zip(found, signs, strict=True) if c]
    spread = [(s, sign) for (_, s), (_, sign) in zip(found, signs, strict=True) if s]
    return ([add_counts(dialect, counts)] if counts else []) + ([add_spread(dialect, spread)] if spread else [])


def _changed(columns: list[str], distinct: str) -> str:
    return " OR ".join(f"OLD.{c} {distinct} NEW.{c}" for c in columns)


def _body(statements: list[str]) -> str:
    return " ".join(f"{s};" for s in statements)


def postgres_statements() -> list[str]:
    found = []
    for table, columns in TABLES.items():
        insert = _body(statements_for("postgresql", table, [("NEW", 1)]))
        delete = _body(statements_for("postgresql", table, [("OLD", -1)]))
        update = _body(statements_for("postgresql", table, [("OLD", -1), ("NEW", 1)]))
        found += [
            f"""CREATE FUNCTION casework_count_{table}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP = 'INSERT' THEN {insert}
                ELSIF TG_OP = 'DELETE' THEN {delete}
                ELSE {update}
                END IF;
                RETURN NULL;
            END $$""",
            f"""CREATE TRIGGER casework_count_rows AFTER INSERT OR DELETE ON {table}
            FOR EACH ROW EXECUTE FUNCTION casework_count_{table}()""",
            f"""CREATE TRIGGER casework_count_moves AFTER UPDATE OF {", ".join(columns)} ON {table}
            FOR EACH ROW WHEN ({_changed(columns, "IS DISTINCT FROM")}) EXECUTE FUNCTION casework_count_{table}()""",
        ]
    return found


def sqlite_statements() -> list[str]:
    # SQLite has one writer at a time, so the order of the locks does not arise.
    found = []
    for table, columns in TABLES.items():
        insert = _body(statements_for("sqlite", table, [("NEW", 1)]))
        delete = _body(statements_for("sqlite", table, [("OLD", -1)]))
        update = _body(statements_for("sqlite", table, [("OLD", -1), ("NEW", 1)]))
        found += [
            f"CREATE TRIGGER casework_count_{table}_insert AFTER INSERT ON {table} BEGIN {insert} END",
            f"CREATE TRIGGER casework_count_{table}_delete AFTER DELETE ON {table} BEGIN {delete} END",
            f"CREATE TRIGGER casework_count_{table}_moves AFTER UPDATE OF {', '.join(columns)} ON {table} "
            f"WHEN {_changed(columns, 'IS NOT')} BEGIN {update} END",
        ]
    return found


def fill(dialect: str) -> list[str]:
    """Set-based: every existing row's counts, one statement per source."""
    incidents = incident_counts(dialect, "i", "FROM incident i WHERE 1 = 1")
    requests = request_counts(dialect, "r", "FROM disclosure_request r WHERE 1 = 1")
    referrals = referral_spread(
        dialect, "i", "m", "FROM marac_referral m JOIN incident i ON i.id = m.incident_id WHERE 1 = 1"
    )
    spread = request_spread(dialect, "r", "FROM disclosure_request r WHERE 1 = 1")
    return [
        add_counts(dialect, [(incidents, 1)]),
        add_counts(dialect, [(requests, 1)]),
        add_spread(dialect, [(referrals, 1)]),
        add_spread(dialect, [(spread, 1)]),
    ]


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.create_table(
        "casework_daily_count",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        *[sa.Column(measure, sa.Integer(), nullable=False) for measure in MEASURES],
        sa.PrimaryKeyConstraint("day", "team_id", name="pk_casework_daily_count"),
    )
    op.create_table(
        "casework_spread",
        sa.Column("measure", sa.String(length=32), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("measure", "day", "team_id", "value", name="pk_casework_spread"),
    )
    for statement in fill(dialect):
        op.execute(statement)
    for statement in postgres_statements() if dialect == "postgresql" else sqlite_statements():
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in TABLES:
            op.execute(f"DROP TRIGGER casework_count_moves ON {table}")
            op.execute(f"DROP TRIGGER casework_count_rows ON {table}")
            op.execute(f"DROP FUNCTION casework_count_{table}()")
    else:
        for table in TABLES:
            for kind in ("insert", "delete", "moves"):
                op.execute(f"DROP TRIGGER casework_count_{table}_{kind}")
    op.drop_table("casework_spread")
    op.drop_table("casework_daily_count")
