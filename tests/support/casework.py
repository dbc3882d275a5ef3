"""A small force's records with known answers, made through the services as officers would make them.
The clock stands at Thu 02 Apr 2026 21:00 BST (tests/conftest.py).

| ref               | team | officer   | type | perpetrator (row)          | risk   | next deadline                    |
|-------------------|------|-----------|------|----------------------------|--------|----------------------------------|
| WM-DVPN-2026-0001 | A    | officer   | DVPN | John Smith, PNC (P1)       | high   | breach check Fri 03 Apr 20:00    |
| WM-DVPO-2026-0001 | A    | colleague | DVPO | "Jon Smith", same PNC (P1) | —      | breach check Sat 21 Mar 11:00 ⚠  |
| WM-DAPO-2026-0001 | B    | other     | DAPO | "Smith, John", same PNC (P1)| medium| notification Tue 13 Jan 00:00 ⚠  |
| WM-DVPN-2026-0002 | A    | officer   | DVPN | Stephen O'Brien 1990 (P2)  | medium | breach check Tue 31 Mar 10:00 ⚠  |
| WM-DVPO-2026-0002 | B    | other     | DVPO | Steve OBrien 1979 (P3)     | —      | breach check Thu 09 Apr 09:00    |
| WM-DVPN-2026-0003 | A    | colleague | DVPN | Muhammad Khan (P4)         | —      | none: withdrawn                  |

Each record has its own perpetrator row as typed; the three P1 rows are one person by their PNC id.
The DAPO has one breach (crime reference 43/2002/26) and its first check was done a day late; the
DVPO of P1 protects Mary Jones, as does the first DVPN (two protected-person rows of one name).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from models import RiskLevel
from rules.order_types import OrderType
from rules.ranks import Rank
from services.context import ServiceContext
from services.records import breaches, checks, lifecycle
from services.records import recording as records
from services.records.order_writer import PersonInput
from services.records.recording import NewRecord
from tests.support.force import Force, london

PNC = "12/345678U"


@dataclass(frozen=True)
class Seeded:
    smith_dvpn: str = "WM-DVPN-2026-0001"
    smith_dvpo: str = "WM-DVPO-2026-0001"
    smith_dapo: str = "WM-DAPO-2026-0001"
    obrien_dvpn: str = "WM-DVPN-2026-0002"
    obrien_dvpo: str = "WM-DVPO-2026-0002"
    khan_dvpn: str = "WM-DVPN-2026-0003"


def notice(served: str, perpetrator: PersonInput, protected: str, **terms: object) -> NewRecord:
    return NewRecord(
        order_type=OrderType.DVPN,
        served_at=london(served),
        authoriser_name="Supt Example",
        authoriser_rank=Rank.SUPERINTENDENT,
        perpetrator=perpetrator,
        protected=(PersonInput(protected),),
        **terms,  # type: ignore[arg-type]
    )


def seed(ctx: ServiceContext, force: Force) -> Seeded:
    john = PersonInput("John Smith", date(1985, 3, 1), "1 Example Road", PNC)
    made = Seeded()
    assert (
        records.record(
            ctx,
            force.officer,
            notice("2026-04-02 20:00", john, "Mary Jones", risk_level=RiskLevel.HIGH, crime_reference="43/1001/26"),
        ).reference
        == made.smith_dvpn
    )
    dvpo = NewRecord(
        order_type=OrderType.DVPO,
        made_at=london("2026-03-20 11:00"),
        duration_days=28,
        perpetrator=PersonInput("Jon Smith", None, None, "12/345678u"),
        protected=(PersonInput("Mary Jones"),),
    )
    assert records.record(ctx, force.colleague, dvpo).reference == made.smith_dvpo
    dapo = NewRecord(
        order_type=OrderType.DAPO,
        made_at=london("2026-01-10 10:00"),
        until_further_order=True,
        risk_level=RiskLevel.MEDIUM,
        perpetrator=PersonInput("Smith, John", None, None, PNC),
        protected=(PersonInput("Kate Brown"),),
    )
    assert records.record(ctx, force.other_officer, dapo).reference == made.smith_dapo
    checks.complete_check(ctx, force.other_officer, made.smith_dapo, london("2026-01-12 10:00"), "late visit")
    checks.complete_check(ctx, force.other_officer, made.smith_dapo, london("2026-01-19 09:00"), "on time")
    breaches.record_breach(
        ctx, force.other_officer, made.smith_dapo, london("2026-03-01 10:00"), crime_reference="43/2002/26"
    )
    obrien = PersonInput("Stephen O'Brien", date(1990, 7, 7))
    obrien_notice = notice("2026-03-30 10:00", obrien, "Sam Taylor", risk_level=RiskLevel.MEDIUM)
    assert records.record(ctx, force.officer, obrien_notice).reference == made.obrien_dvpn
    steve = NewRecord(
        order_type=OrderType.DVPO,
        made_at=london("2026-04-01 10:00"),
        duration_days=14,
        perpetrator=PersonInput("Steve OBrien", date(1979, 2, 2)),
        protected=(PersonInput("Ann Other"),),
    )
    assert records.record(ctx, force.other_officer, steve).reference == made.obrien_dvpo
    checks.complete_check(ctx, force.other_officer, made.obrien_dvpo, london("2026-04-02 09:00"))
    khan = notice("2026-04-01 09:00", PersonInput("Muhammad Khan"), "Zara Khan")
    assert records.record(ctx, force.colleague, khan).reference == made.khan_dvpn
    lifecycle.close(ctx, force.colleague, made.khan_dvpn, "application not pursued", status="withdrawn")
    return made
