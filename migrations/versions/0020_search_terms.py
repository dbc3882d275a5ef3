"""search_term, search_term_key: the words people are found by

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-02

/dvpn search finds a person by surname alone, first name alone, a spelling within one edit, or an
address or postcode. Each word of each person's name and address is a row of search_term
(rules.search_terms), and each distinct name word's one-edit keys are rows of search_term_key, so
every such search is an index lookup. The rows for people already on record are made here, with the
same functions the services use when a person is written (rules/ is pure and stable: the words of
a name are what rules.search_terms says they are, before and after this migration).
"""

from collections.abc import Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from rules.search_terms import TERM_MAX, address_terms, name_terms, one_edit_keys

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 20_000


def upgrade() -> None:
    op.create_table(
        "search_term",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("term", sa.String(length=TERM_MAX), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "search_term_key",
        sa.Column("key", sa.String(length=TERM_MAX), nullable=False),
        sa.Column("term", sa.String(length=TERM_MAX), nullable=False),
        sa.PrimaryKeyConstraint("key", "term"),
    )
    _fill(op.get_bind())
    op.create_index("ix_search_term_lookup", "search_term", ["kind", "term", "subject_id"], unique=False)
    op.create_index("ix_search_term_subject", "search_term", ["subject_id", "kind"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_search_term_subject", table_name="search_term")
    op.drop_index("ix_search_term_lookup", table_name="search_term")
    op.drop_table("search_term_key")
    op.drop_table("search_term")


def _fill(bind: sa.Connection) -> None:
    names: set[str] = set()
    for table, who in (("perpetrator", "perpetrator"), ("protected_person", "protected")):
        for rows in _batches(bind, table):
            terms: list[tuple[str, int, str]] = []
            for subject_id, full_name, address in rows:
                words = name_terms(full_name)
                names.update(words)
                terms += [(f"{who}_name", subject_id, word) for word in sorted(words)]
                terms += [(f"{who}_address", subject_id, word) for word in sorted(address_terms(address or ""))]
            _insert(bind, "search_term", ("kind", "subject_id", "term"), terms)
    keys = [(key, term) for term in sorted(names) for key in sorted(one_edit_keys(term))]
    for start in range(0, len(keys), BATCH):
        _insert(bind, "search_term_key", ("key", "term"), keys[start : start + BATCH])


def _batches(bind: sa.Connection, table: str) -> Iterator[list[Any]]:
    last = 0
    while True:
        rows = bind.execute(
            sa.text(f"SELECT id, full_name, address FROM {table} WHERE id > :last ORDER BY id LIMIT {BATCH}"),
            {"last": last},
        ).all()
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
