"""bail arrest time, occupation order power of arrest, breach court deadline at the hearing

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02

- protection_order.arrested_at: when the person on pre-charge bail was arrested. The bail periods
  run from the bail start date, "the day after the day on which the person was arrested" (PACE 1984
  s47ZB(4)(a)), not from the day bail was given.
- protection_order.power_of_arrest: whether the court attached a power of arrest to an occupation
  order (FLA 1996 s47(2)-(3)); an arrest under it starts the 24-hour clock of s47(7).
- breach.court_deadline_at_hearing: the stored court deadline is the hearing of the application,
  earlier than the 24 hours (DAA 2021 s26(2)(b); CSA 2010 s26).

Backfill: none is invented. Existing bail rows keep arrested_at NULL and their stored end, which
was counted from the day bail was given as day 1: the statute's end when the arrest was the day
before bail, one day earlier (safe) when arrested and bailed the same day. The card asks for the
arrest time on such rows, and recording it recomputes the end. Existing occupation orders have no
power of arrest recorded (false) until an officer records one. Existing breach deadlines stay the
24-hour ones (false); the next hearing booked or moved on their record recomputes them.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("protection_order", sa.Column("arrested_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column(
        "protection_order",
        sa.Column("power_of_arrest", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column(
        "breach",
        sa.Column("court_deadline_at_hearing", sa.Boolean(), nullable=False, server_default=sa.false()),
    )


def downgrade() -> None:
    op.drop_column("breach", "court_deadline_at_hearing")
    op.drop_column("protection_order", "power_of_arrest")
    op.drop_column("protection_order", "arrested_at")
