"""notification changes and exemptions, electronic monitoring, the literal lapse time

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02

- protection_order.lapses_at: when an unheard notice lapses by the literal statutory reading (a
  Saturday 26 December disregarded, BFDA 1971 Sch 1), which the status change and the PNC instruction
  follow; the countdowns keep hearing_deadline_at.
- protection_order.notification_exempt: why the notification duties do not apply (DAA 2021 s41(8);
  SPA 2019 s9(1)(a), (5)).
- protection_order.monitoring_starts_at / monitoring_ends_at: a DAPO's electronic monitoring
  requirement, at most 12 months (DAA 2021 s38(5)).
- notification.change / happened_at: what changed (name, address, no address) and when, which starts
  a new 3-day window (DAA 2021 s41(4)-(6); SPA 2019 s9(3)-(4)).

Backfill: none. lapses_at NULL means the lapse is at hearing_deadline_at, which is right for every
notice whose 48 hours do not cross a Saturday 26 December; the next change to such a record stores it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, length=32, create_constraint=False)


def upgrade() -> None:
    with op.batch_alter_table("protection_order") as batch:
        batch.add_column(sa.Column("lapses_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(
            sa.Column(
                "notification_exempt",
                _enum("exemption", "another-dapo", "sex-offender", "spo-notification", "replaces-interim"),
                nullable=True,
            )
        )
        batch.add_column(sa.Column("monitoring_starts_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("monitoring_ends_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("notification") as batch:
        batch.add_column(sa.Column("change", _enum("change", "name", "address", "no-address"), nullable=True))
        batch.add_column(sa.Column("happened_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("notification") as batch:
        batch.drop_column("happened_at")
        batch.drop_column("change")
    with op.batch_alter_table("protection_order") as batch:
        batch.drop_column("monitoring_ends_at")
        batch.drop_column("monitoring_starts_at")
        batch.drop_column("notification_exempt")
        batch.drop_column("lapses_at")
