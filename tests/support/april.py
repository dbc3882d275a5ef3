"""April 2026 in a small force, made through the services in time order, so every figure the
reports show has a known answer worked out by hand below.

Team A (officer UOFFA1), all DVPNs unless said:
  M0  served Tue 31 Mar 23:30 (before April, local time); no hearing; lapsed Thu 2 Apr 23:30.
  N0  served Wed 1 Apr 00:30 (still 31 March in UTC); no hearing; lapsed Sat 4 Apr 00:30
      (Good Friday skipped).
  N1  served Thu 2 Apr 20:00; heard Tue 7 Apr 10:00 (deadline 20:00), granted 11:00 for 28 days:
      the DVPO O1. 110 hours from service to hearing.
  N2  served Wed 8 Apr 09:00; hearing Fri 10 Apr 08:45, just before its 09:00 deadline;
      refused 15:00. 47.75 hours.
  N3  served Mon 13 Apr 10:00; no hearing; lapsed Wed 15 Apr 10:00.
  N4  served Mon 20 Apr 12:00; heard Tue 21 Apr 10:00 and adjourned to Thu 23 Apr. 22 hours.
  Breaches: B1 on O1 Fri 10 Apr 22:00, crime reference at once; B2 on O1 Wed 15 Apr 01:00, crime
  reference 25 hours after recording; B3 on N4 Wed 22 Apr 08:00, none.
Team B (officer UOFFB1):
  N5  served Thu 9 Apr 10:00; heard Fri 10 Apr 10:00, granted 10:30 for 14 days: the DVPO O5,
      which expired at the end of Thu 23 Apr. 24 hours.
  B4 on O5 Sun 12 Apr 09:00, crime reference at once.
Breach checks (each record's first is due 24 hours after service; the next 7 days after one is done):
  on time: N1 (3 Apr), O1 (15 Apr), N4 (21 Apr), O5 (11 Apr); late: O1 (8 Apr);
  never done while the record was in force: M0, N0, N2, N3, N5, O1 (22 Apr), N4 (28 Apr), O5 (18 Apr).
  N1's second check (10 Apr) fell due after the notice was superseded, so it is not counted.
The clock ends at Thu 30 Apr 2026 12:00.
"""

from __future__ import annotations

from dataclasses import dataclass

from models import HearingOutcome
from services.clock import ManualClock
from services.context import ServiceContext
from services.records import breaches, checks, hearings, lifecycle
from services.records import recording as records
from services.records.hearings import GrantTerms
from tests.support.force import Force, london
from tests.support.records import dvpn

END_OF_APRIL = "2026-04-30 12:00"


@dataclass(frozen=True)
class April:
    references: dict[str, str]  # M0, N0..N5, O1, O5 -> reference


def seed_april(ctx: ServiceContext, clock: ManualClock, force: Force) -> April:
    refs: dict[str, str] = {}

    def at(text: str) -> None:
        clock.set(london(text))

    def notice(name: str, officer: str, served: str) -> None:
        at(served)
        refs[name] = records.record(ctx, officer, dvpn(served_at=london(served))).reference

    a, b = force.officer, force.other_officer
    notice("M0", a, "2026-03-31 23:30")
    notice("N0", a, "2026-04-01 00:30")
    notice("N1", a, "2026-04-02 20:00")
    at("2026-04-04 09:00")
    lifecycle.apply_time(ctx)  # M0 and N0 lapse
    checks.complete_check(ctx, a, refs["N1"], london("2026-04-03 19:00"))
    hearings.book_hearing(ctx, a, refs["N1"], london("2026-04-07 10:00"), "Birmingham Magistrates")
    at("2026-04-07 11:30")
    o1 = hearings.record_outcome(
        ctx, a, refs["N1"], HearingOutcome.GRANTED, london("2026-04-07 11:00"), GrantTerms(duration_days=28)
    )
    refs["O1"] = o1.reference
    notice("N2", a, "2026-04-08 09:00")
    at("2026-04-08 10:00")
    hearings.book_hearing(ctx, a, refs["N2"], london("2026-04-10 08:45"))
    at("2026-04-08 12:00")
    checks.complete_check(ctx, a, refs["O1"], london("2026-04-08 12:00"))  # due 11:00: late
    notice("N5", b, "2026-04-09 10:00")
    at("2026-04-09 10:45")
    hearings.book_hearing(ctx, b, refs["N5"], london("2026-04-10 10:00"))
    at("2026-04-10 10:45")
    o5 = hearings.record_outcome(
        ctx, b, refs["N5"], HearingOutcome.GRANTED, london("2026-04-10 10:30"), GrantTerms(duration_days=14)
    )
    refs["O5"] = o5.reference
    at("2026-04-10 15:30")
    hearings.record_outcome(ctx, a, refs["N2"], HearingOutcome.REFUSED, london("2026-04-10 15:00"))
    at("2026-04-10 23:00")
    breaches.record_breach(ctx, a, refs["O1"], london("2026-04-10 22:00"), crime_reference="22/1/26")
    at("2026-04-11 11:00")
    checks.complete_check(ctx, b, refs["O5"], london("2026-04-11 10:00"))
    at("2026-04-12 10:00")
    breaches.record_breach(ctx, b, refs["O5"], london("2026-04-12 09:00"), crime_reference="22/4/26")
    notice("N3", a, "2026-04-13 10:00")
    at("2026-04-15 02:00")
    breaches.record_breach(ctx, a, refs["O1"], london("2026-04-15 01:00"))
    at("2026-04-15 12:30")
    checks.complete_check(ctx, a, refs["O1"], london("2026-04-15 11:00"))
    at("2026-04-16 03:00")
    breaches.add_crime_reference(ctx, a, refs["O1"], "22/2/26")  # 25 hours after recording
    lifecycle.apply_time(ctx)  # N3 lapses
    notice("N4", a, "2026-04-20 12:00")
    at("2026-04-20 13:00")
    hearings.book_hearing(ctx, a, refs["N4"], london("2026-04-21 10:00"))
    at("2026-04-21 10:30")
    hearings.adjourn_hearing(ctx, a, refs["N4"], london("2026-04-23 10:00"))
    at("2026-04-21 13:00")
    checks.complete_check(ctx, a, refs["N4"], london("2026-04-21 11:00"))
    at("2026-04-22 08:30")
    breaches.record_breach(ctx, a, refs["N4"], london("2026-04-22 08:00"))
    at(END_OF_APRIL)
    lifecycle.apply_time(ctx)  # O5 expires
    return April(refs)
