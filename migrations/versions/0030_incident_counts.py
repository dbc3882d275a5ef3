"""incident_count: the incidents per team, officer and risk level, and those unreferred, kept by triggers

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-03

`caseload incidents` shows twenty incidents and the total of its scope. The page is a fraction of a
millisecond; the total counted every incident of the scope through an index: 116 ms for the whole
force at national scale (5.1 million incidents), 107 ms for the high-risk ones with no MARAC
referral, which are matched against the referrals one by one. incident_count keeps, per team,
officer and risk level (UNASSESSED for an incident with no DASH yet, since a key cannot be NULL),
how many incidents there are and how many of them have no MARAC referral: a total is then a sum of
a few thousand kept rows (services.reporting.incident_counts).

Kept by row triggers on incident (a row made, erased, or moved to another team, officer or risk
level) and on marac_referral (a referral recorded or erased moves its incident out of or into the
unreferred), in the same transaction as the write, whichever statement makes it (as caseload_count,
migration 0018). On PostgreSQL the referral's trigger locks its incident before reading its key
(as every change to an incident locks it first, services.incidents.scope), so a referral and a
risk change made at once count under the key the incident ends with. On PostgreSQL a move touches its two counts in key order, so
two incidents moving opposite ways at once cannot deadlock on them. Retention erases an incident's
referral before the incident, so the referral's trigger still finds its incident. A count that falls
to zero keeps its row. No foreign keys: derived data. SQLite drops a table's triggers when batch
mode rebuilds it: a later migration that rebuilds incident or marac_referral there must create
these triggers again (sqlite_statements below).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0030"
down_revision: str | None = "0029"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UNASSESSED = "none"  # models.incidents.UNASSESSED
KEY = "(team_id, officer_id, risk)"
CHANGED = "OLD.team_id {d} NEW.team_id OR OLD.officer_id {d} NEW.officer_id OR OLD.risk_level {d} NEW.risk_level"


def _risk(row: str) -> str:
    return f"COALESCE({row}.risk_level, '{UNASSESSED}')"


def _unreferred(row: str) -> str:
    """1 if incident `row` has no MARAC referral, else 0 (an integer on both databases)."""
    return f"CASE WHEN EXISTS (SELECT 1 FROM marac_referral m WHERE m.incident_id = {row}.id) THEN 0 ELSE 1 END"


def _upsert(table: str) -> str:
    return (
        f"ON CONFLICT {KEY} DO UPDATE SET incidents = {table}incidents + excluded.incidents, "
        f"unreferred = {table}unreferred + excluded.unreferred"
    )


POSTGRES = [
    f"""CREATE FUNCTION incident_count_add(t integer, o integer, r varchar, n integer, u integer) RETURNS void
    LANGUAGE sql AS $$
        INSERT INTO incident_count (team_id, officer_id, risk, incidents, unreferred) VALUES (t, o, r, n, u)
        {_upsert("incident_count.")}
    $$""",
    f"""CREATE FUNCTION incident_count_change() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        u integer;
    BEGIN
        IF TG_OP = 'INSERT' THEN
            SELECT {_unreferred("NEW")} INTO u;
            PERFORM incident_count_add(NEW.team_id, NEW.officer_id, {_risk("NEW")}, 1, u);
        ELSIF TG_OP = 'DELETE' THEN
            SELECT {_unreferred("OLD")} INTO u;
            PERFORM incident_count_add(OLD.team_id, OLD.officer_id, {_risk("OLD")}, -1, -u);
        ELSE
            SELECT {_unreferred("NEW")} INTO u;
            IF ROW(OLD.team_id, OLD.officer_id, {_risk("OLD")}) < ROW(NEW.team_id, NEW.officer_id, {_risk("NEW")}) THEN
                PERFORM incident_count_add(OLD.team_id, OLD.officer_id, {_risk("OLD")}, -1, -u);
                PERFORM incident_count_add(NEW.team_id, NEW.officer_id, {_risk("NEW")}, 1, u);
            ELSE
                PERFORM incident_count_add(NEW.team_id, NEW.officer_id, {_risk("NEW")}, 1, u);
                PERFORM incident_count_add(OLD.team_id, OLD.officer_id, {_risk("OLD")}, -1, -u);
            END IF;
        END IF;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER incident_count_rows AFTER INSERT OR DELETE ON incident
    FOR EACH ROW EXECUTE FUNCTION incident_count_change()""",
    f"""CREATE TRIGGER incident_count_moves AFTER UPDATE OF team_id, officer_id, risk_level ON incident
    FOR EACH ROW WHEN ({CHANGED.format(d="IS DISTINCT FROM")}) EXECUTE FUNCTION incident_count_change()""",
    # The incident is locked before its key is read (FOR NO KEY UPDATE, as an UPDATE of it takes):
    # a risk change made at the same time is then either seen here or sees this referral.
    f"""CREATE FUNCTION incident_count_referral() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        i record;
    BEGIN
        IF TG_OP IN ('DELETE', 'UPDATE') THEN
            SELECT team_id, officer_id, {_risk("incident")} AS risk INTO i
                FROM incident WHERE id = OLD.incident_id FOR NO KEY UPDATE;
            IF FOUND THEN
                PERFORM incident_count_add(i.team_id, i.officer_id, i.risk, 0, 1);
            END IF;
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
            SELECT team_id, officer_id, {_risk("incident")} AS risk INTO i
                FROM incident WHERE id = NEW.incident_id FOR NO KEY UPDATE;
            IF FOUND THEN
                PERFORM incident_count_add(i.team_id, i.officer_id, i.risk, 0, -1);
            END IF;
        END IF;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER incident_count_referrals AFTER INSERT OR DELETE ON marac_referral
    FOR EACH ROW EXECUTE FUNCTION incident_count_referral()""",
    """CREATE TRIGGER incident_count_referral_moves AFTER UPDATE OF incident_id ON marac_referral
    FOR EACH ROW WHEN (OLD.incident_id IS DISTINCT FROM NEW.incident_id) EXECUTE FUNCTION incident_count_referral()""",
]


def _sqlite_row(row: str, n: int) -> str:
    """Add `n` incidents (and as many unreferred, if it has no referral) under incident `row`'s key."""
    unreferred = f"{n} * {_unreferred(row)}"
    return (
        "INSERT INTO incident_count (team_id, officer_id, risk, incidents, unreferred) "
        f"VALUES ({row}.team_id, {row}.officer_id, {_risk(row)}, {n}, {unreferred}) {_upsert('')};"
    )


def _sqlite_referral(row: str, n: int) -> str:
    """Add `n` unreferred under the key of referral `row`'s incident."""
    return (
        "INSERT INTO incident_count (team_id, officer_id, risk, incidents, unreferred) "
        f"SELECT i.team_id, i.officer_id, {_risk('i')}, 0, {n} FROM incident i WHERE i.id = {row}.incident_id "
        f"{_upsert('')};"
    )


# SQLite has one writer at a time, so neither the order of the locks nor a concurrent risk change arises.
SQLITE = [
    f"CREATE TRIGGER incident_count_insert AFTER INSERT ON incident BEGIN {_sqlite_row('NEW', 1)} END",
    f"CREATE TRIGGER incident_count_delete AFTER DELETE ON incident BEGIN {_sqlite_row('OLD', -1)} END",
    "CREATE TRIGGER incident_count_moves AFTER UPDATE OF team_id, officer_id, risk_level ON incident "
    f"WHEN {CHANGED.format(d='IS NOT')} BEGIN {_sqlite_row('OLD', -1)} {_sqlite_row('NEW', 1)} END",
    "CREATE TRIGGER incident_count_referral_insert AFTER INSERT ON marac_referral "
    f"BEGIN {_sqlite_referral('NEW', -1)} END",
    "CREATE TRIGGER incident_count_referral_delete AFTER DELETE ON marac_referral "
    f"BEGIN {_sqlite_referral('OLD', 1)} END",
    "CREATE TRIGGER incident_count_referral_moves AFTER UPDATE OF incident_id ON marac_referral "
    "WHEN OLD.incident_id IS NOT NEW.incident_id "
    f"BEGIN {_sqlite_referral('OLD', 1)} {_sqlite_referral('NEW', -1)} END",
]

FILL = (
    "INSERT INTO incident_count (team_id, officer_id, risk, incidents, unreferred) "
    f"SELECT team_id, officer_id, {_risk('incident')}, count(*), sum({_unreferred('incident')}) "
    f"FROM incident GROUP BY team_id, officer_id, {_risk('incident')}"
)


def upgrade() -> None:
    op.create_table(
        "incident_count",
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("officer_id", sa.Integer(), nullable=False),
        sa.Column("risk", sa.String(length=16), nullable=False),
        sa.Column("incidents", sa.Integer(), nullable=False),
        sa.Column("unreferred", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("team_id", "officer_id", "risk", name="pk_incident_count"),
    )
    op.execute(FILL)
    for statement in POSTGRES if op.get_bind().dialect.name == "postgresql" else SQLITE:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER incident_count_referral_moves ON marac_referral")
        op.execute("DROP TRIGGER incident_count_referrals ON marac_referral")
        op.execute("DROP FUNCTION incident_count_referral()")
        op.execute("DROP TRIGGER incident_count_moves ON incident")
        op.execute("DROP TRIGGER incident_count_rows ON incident")
        op.execute("DROP FUNCTION incident_count_change()")
        op.execute("DROP FUNCTION incident_count_add(integer, integer, varchar, integer, integer)")
    else:
        for name in ("insert", "delete", "moves", "referral_insert", "referral_delete", "referral_moves"):
            op.execute(f"DROP TRIGGER incident_count_{name}")
    op.drop_table("incident_count")
