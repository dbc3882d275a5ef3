"""search_term: one row per word per record, with the record's team and reference

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-03

A name search is scoped to the searcher's teams (and the records they gave a reason for). With one
row per person (0020) a common surname matched thousands of people force-wide before that scope
was applied. Now each word of each person on each record is a row carrying the record's team and
reference, indexed (kind, term, team_id, reference, ...), so the scope and the order of the results
are part of the index lookup. The table is rebuilt and refilled from the records on file, with the
functions the services use (rules.search_terms); the one-edit keys are rebuilt to be exactly those
of the name words some record's person has. No triggers are on these tables.
"""

from collections.abc import Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from rules.search_terms import TERM_MAX, address_terms, name_terms, one_edit_keys

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 20_000
NEW_COLUMNS = ("kind", "term", "team_id", "reference", "order_id", "subject_id")
OLD_COLUMNS = ("kind", "subject_id", "term")

# Each person on each record in a window of record ids: the perpetrator, then every protected person.
PEOPLE_ON_RECORDS = {
    "perpetrator": (
        "SELECT o.id, o.team_id, o.reference, p.id, p.full_name, p.address FROM protection_order o "
        "JOIN perpetrator p ON p.id = o.perpetrator_id WHERE o.id > :last AND o.id <= :upto"
    ),
    "protected": (
        "SELECT o.id, o.team_id, o.reference, p.id, p.full_name, p.address FROM protection_order o "
        "JOIN order_protected_person op ON op.order_id = o.id JOIN protected_person p ON p.id = op.person_id "
        "WHERE o.id > :last AND o.id <= :upto"
    ),
}


def upgrade() -> None:
    op.drop_index("ix_search_term_subject", table_name="search_term")
    op.drop_index("ix_search_term_lookup", table_name="search_term")
    op.drop_table("search_term")
    op.create_table(
        "search_term",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("term", sa.String(length=TERM_MAX), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=32), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    bind = op.get_bind()
    names: set[str] = set()
    for window in _windows(bind):
        for who, query in PEOPLE_ON_RECORDS.items():
            rows = bind.execute(sa.text(query), window).all()
            terms: list[tuple[Any, ...]] = []
            for order_id, team_id, reference, subject_id, full_name, address in rows:
                words = name_terms(full_name)
                names.update(words)
                record = (team_id, reference, order_id, subject_id)
                terms += [(f"{who}_name", word, *record) for word in sorted(words)]
                terms += [(f"{who}_address", word, *record) for word in sorted(address_terms(address or ""))]
            _insert(bind, "search_term", NEW_COLUMNS, terms)
    _refill_keys(bind, names)
    op.create_index(
        "ix_search_term_lookup",
        "search_term",
        ["kind", "term", "team_id", "reference", "order_id", "subject_id"],
        unique=False,
    )
    op.create_index("ix_search_term_order", "search_term", ["order_id", "kind", "subject_id", "term"], unique=False)


def downgrade() -> None:
    """Back to one row per person's word (0020), refilled from every person on file."""
    op.drop_index("ix_search_term_order", table_name="search_term")
    op.drop_index("ix_search_term_lookup", table_name="search_term")
    op.drop_table("search_term")
    op.create_table(
        "search_term",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("term", sa.String(length=TERM_MAX), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    bind = op.get_bind()
    names: set[str] = set()
    for table, who in (("perpetrator", "perpetrator"), ("protected_person", "protected")):
        query = f"SELECT id, full_name, address FROM {table} WHERE id > :last ORDER BY id LIMIT {BATCH}"
        for rows in _batches(bind, query):
            terms: list[tuple[Any, ...]] = []
            for subject_id, full_name, address in rows:
                words = name_terms(full_name)
                names.update(words)
                terms += [(f"{who}_name", subject_id, word) for word in sorted(words)]
                terms += [(f"{who}_address", subject_id, word) for word in sorted(address_terms(address or ""))]
            _insert(bind, "search_term", OLD_COLUMNS, terms)
    _refill_keys(bind, names)
    op.create_index("ix_search_term_lookup", "search_term", ["kind", "term", "subject_id"], unique=False)
    op.create_index("ix_search_term_subject", "search_term", ["subject_id", "kind"], unique=False)


def _refill_keys(bind: sa.Connection, names: set[str]) -> None:
    bind.execute(sa.text("DELETE FROM search_term_key"))
    keys = [(key, term) for term in sorted(names) for key in sorted(one_edit_keys(term))]
    for start in range(0, len(keys), BATCH):
        _insert(bind, "search_term_key", ("key", "term"), keys[start : start + BATCH])


def _windows(bind: sa.Connection) -> Iterator[dict[str, int]]:
    """Record ids in windows of BATCH records (a window may hold records with no protected person)."""
    last = 0
    while True:
        upto = bind.execute(
            sa.text(f"SELECT max(id) FROM (SELECT id FROM protection_order WHERE id > :last ORDER BY id LIMIT {BATCH}) b"),
            {"last": last},
        ).scalar()
        if upto is None:
            return
        yield {"last": last, "upto": upto}
        last = upto


def _batches(bind: sa.Connection, query: str) -> Iterator[list[Any]]:
    """People in batches: the first column is the id the batches step by."""
    last = 0
    while True:
        rows = bind.execute(sa.text(query), {"last": last}).all()
        if not rows:
            return
        yield [tuple(row) for row in rows]
        last = rows[-1][0]


def _insert(bind: sa.Connection, table: str, columns: tuple[str, ...], rows: Sequence[tuple[Any, ...]]) -> None:
    """COPY on PostgreSQL (a national force has tens of millions of words), executemany elsewhere."""
    if not rows:
        return
    if bind.dialect.name == "postgresql":
        raw: Any = bind.connection.driver_connection
        with raw.cursor().copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    statement = sa.text(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(':' + c for c in columns)})")
    bind.execute(statement, [dict(zip(columns, row, strict=True)) for row in rows])
