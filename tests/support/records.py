"""Records as an officer would enter them, with people whose details must never leak."""

from __future__ import annotations

from datetime import date

from rules.order_types import OrderType
from rules.ranks import Rank
from services.context import ServiceContext
from services.records import recording as records
from services.records.order_writer import PersonInput
from services.records.recording import NewRecord
from services.views import RecordView
from tests.support.force import london

PERPETRATOR = "Alexander Perpetrator-Example"
PERPETRATOR_DOB = date(1990, 1, 15)
PERPETRATOR_ADDRESS = "14 Hollybush Lane, Northfield, Birmingham B31 2AA"
PROTECTED = "Samantha Protected"
PROTECTED_DOB = date(1992, 6, 30)
PROTECTED_ADDRESS = "2 Safe Close, Selly Oak, Birmingham B29 1ZZ"

# Every way the people's details could leak into a channel.
PERSONAL = (
    PERPETRATOR,
    "Perpetrator-Example",
    "Alexander",
    PROTECTED,
    "Samantha",
    "15 Jan 1990",
    "1990-01-15",
    "30 Jun 1992",
    "1992-06-30",
    "Hollybush",
    "Safe Close",
    "B31 2AA",
    "B29 1ZZ",
)


# The record form, filled in for a DVPN (block id -> answer).
DVPN_ANSWERS = {
    "served_at": "2/4/2026 20:00",
    "authoriser_name": "Supt Example",
    "authoriser_rank": "superintendent",
    "perpetrator_name": PERPETRATOR,
    "perpetrator_dob": "1990-01-15",
    "protected_name": PROTECTED,
}


def dvpn(served: str = "2026-04-02 20:00", **changes: object) -> NewRecord:
    """A DVPN served at `served` (UK time), authorised by a superintendent."""
    values: dict[str, object] = dict(
        order_type=OrderType.DVPN,
        served_at=london(served),
        authoriser_name="Supt Example",
        authoriser_rank=Rank.SUPERINTENDENT,
        perpetrator=PersonInput(PERPETRATOR, PERPETRATOR_DOB, PERPETRATOR_ADDRESS),
        protected=(PersonInput(PROTECTED, PROTECTED_DOB, PROTECTED_ADDRESS),),
    )
    values.update(changes)
    return NewRecord(**values)  # type: ignore[arg-type]


def dapo(**changes: object) -> NewRecord:
    values: dict[str, object] = dict(
        order_type=OrderType.DAPO,
        made_at=london("2026-04-02 11:00"),
        served_at=london("2026-04-02 15:00"),
        court="Birmingham Magistrates",
        until_further_order=True,
        perpetrator=PersonInput(PERPETRATOR, PERPETRATOR_DOB, PERPETRATOR_ADDRESS),
        protected=(PersonInput(PROTECTED, PROTECTED_DOB, PROTECTED_ADDRESS),),
    )
    values.update(changes)
    return NewRecord(**values)  # type: ignore[arg-type]


def record(ctx: ServiceContext, officer: str, new: NewRecord | None = None) -> RecordView:
    return records.record(ctx, officer, new or dvpn())
