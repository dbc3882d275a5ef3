"""The perpetrator priority list through the services, on both databases: scores worked by hand
from orders, notices and breaches recorded through the use cases, people joined as perpetrator
history joins them, the serial flag, who may see the list, and the audit of it."""

from __future__ import annotations

from datetime import date

import pytest

from services.context import ServiceContext
from services.errors import NotAllowed
from services.people import priority
from services.records.breaches import record_breach
from services.records.order_writer import PersonInput
from tests.support.database import audit_rows
from tests.support.force import Force, london
from tests.support.records import PERPETRATOR, PERPETRATOR_DOB, dapo, dvpn, record


def seed(ctx: ServiceContext, force: Force) -> tuple[str, str]:
    """AP-E: a DVPN (2) for one victim on 1 Mar, a DAPO (3) for another on 2 Apr and its breach (4) the
    same evening. QO (Team B): a DVPN (2) on 1 Apr."""
    record(ctx, force.officer, dvpn("2026-03-01 20:00"))
    second = PersonInput("Olivia Another", date(1995, 1, 1))
    order = record(ctx, force.officer, dapo(protected=(second,))).reference
    record_breach(ctx, force.officer, order, london("2026-04-02 18:00"))
    other = record(
        ctx, force.other_officer, dvpn("2026-04-01 20:00", perpetrator=PersonInput("Quentin Other"))
    ).reference
    return order, other


def test_the_list_worked_by_hand(ctx: ServiceContext, force: Force) -> None:
    order, other = seed(ctx, force)
    ranked = priority.top(ctx, force.champion, 10)
    assert (ranked.scored, ranked.serial, ranked.window_months) == (2, 1, 12)
    first, second = ranked.entries
    # AP-E: R 0 days -> 5; F 3 events -> 3; G 2 + 3 + 4 = 9 -> 3; V 2 -> 3. Total 14, serial.
    assert (first.initials, first.reference) == ("APE", order)
    s = first.score
    assert (s.recency, s.frequency, s.gravity, s.victims, s.total, s.serial) == (5, 3, 3, 3, 14, True)
    # QO: R 1 day -> 5; F 1 -> 1; G 2 -> 1; V 1 -> 1. Total 8.
    assert (second.initials, second.reference, second.score.total, second.score.serial) == ("QO", other, 8, False)
    assert PERPETRATOR not in repr(ranked) and "Olivia" not in repr(ranked)


def test_rows_of_one_person_are_joined_by_name_and_date_of_birth(ctx: ServiceContext, force: Force) -> None:
    seed(ctx, force)
    record(ctx, force.other_officer, dvpn("2026-04-02 10:00", perpetrator=PersonInput(PERPETRATOR, PERPETRATOR_DOB)))
    first = priority.top(ctx, force.champion, 1).entries[0]
    assert first.initials == "APE" and first.score.events == 4  # the Team B notice joins the same person


def test_who_may_see_the_list(ctx: ServiceContext, force: Force) -> None:
    order, _ = seed(ctx, force)
    supervised = priority.top(ctx, force.supervisor, 10)
    assert [e.reference for e in supervised.entries] == [order]  # Team A's people only
    with pytest.raises(NotAllowed, match="Only champions or supervisors or admins"):
        priority.top(ctx, force.officer)
    assert priority.top(ctx, force.admin, 1).scored == 2
    reports = [r for r in audit_rows(ctx.engine, action="report") if r["entity_type"] == "perpetrator"]
    assert len(reports) == 2 and reports[0]["after"]["shown"] == [order]
