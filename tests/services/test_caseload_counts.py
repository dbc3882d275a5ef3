"""The kept caseload counts (caseload_count, maintained by triggers on protection_order) equal a
count of the records after every kind of write: recording, a correction moving a record to another
officer, closing, a bulk UPDATE (as the rollover's) moving records to another team, a DELETE (as
retention's erasure makes), and the whole force's caseload read from them says what counting the
records says. The stateful lifecycle test checks the same invariant after every random step
(tests/properties/invariants.py)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import col, select

from models import AppUser, CaseloadCount, OrderStatus, ProtectionOrder, metadata
from models.db import session_scope
from services.context import ServiceContext
from services.records import corrections, lifecycle
from services.reporting.caseload import caseload
from services.reporting.list_results import CaseloadQuery
from tests.properties.invariants import the_caseload_counts_are_the_records
from tests.support.force import Force
from tests.support.records import dvpn, record


def wrong(ctx: ServiceContext) -> list[str]:
    with session_scope(ctx.engine) as session:
        return the_caseload_counts_are_the_records(session)


def kept(ctx: ServiceContext) -> dict[tuple[int, int, OrderStatus], int]:
    with session_scope(ctx.engine) as session:
        rows = session.exec(select(CaseloadCount).where(col(CaseloadCount.records) != 0)).all()
        return {(r.team_id, r.officer_id, r.status): r.records for r in rows}


def test_the_kept_counts_follow_every_write(ctx: ServiceContext, force: Force) -> None:
    first = record(ctx, force.officer, dvpn()).reference
    second = record(ctx, force.colleague, dvpn(served="2026-04-02 19:00")).reference
    assert wrong(ctx) == [] and sum(kept(ctx).values()) == 2

    corrections.correct(ctx, force.supervisor, first, {"officer_slack_id": force.colleague}, "wrong officer")
    assert wrong(ctx) == []
    lifecycle.close(ctx, force.colleague, second, "no longer needed")
    assert wrong(ctx) == []
    assert OrderStatus.CLOSED in {status for _, _, status in kept(ctx)}

    with ctx.engine.begin() as connection:  # a bulk UPDATE, as the rollover's, to team B's officer
        other, team = connection.execute(
            sa.select(AppUser.id, AppUser.team_id).where(AppUser.slack_user_id == force.other_officer)
        ).one()
        connection.execute(sa.update(ProtectionOrder).values(status=OrderStatus.LAPSED, officer_id=other, team_id=team))
    assert wrong(ctx) == [] and set(kept(ctx)) == {(team, other, OrderStatus.LAPSED)}
    with ctx.engine.begin() as connection:  # a DELETE, as retention's erasure (what refers to it first)
        gone = connection.execute(sa.select(ProtectionOrder.id).where(ProtectionOrder.reference == first)).scalar()
        for table in reversed(metadata.sorted_tables):
            if "order_id" in table.c and table.name != "audit_event":
                connection.execute(sa.delete(table).where(table.c.order_id == gone))
        connection.execute(sa.delete(ProtectionOrder).where(col(ProtectionOrder.id) == gone))
    assert wrong(ctx) == [] and sum(kept(ctx).values()) == 1


def test_the_force_caseload_from_the_kept_counts_is_the_counted_one(ctx: ServiceContext, force: Force) -> None:
    for officer in (force.officer, force.officer, force.colleague, force.other_officer):
        record(ctx, officer, dvpn())
    before = caseload(ctx, force.champion, CaseloadQuery(everyone=True, status=None))
    with ctx.engine.begin() as connection:  # throw the kept counts off: the answer must show it
        connection.execute(sa.update(CaseloadCount).values(records=CaseloadCount.records + 1))
    after = caseload(ctx, force.champion, CaseloadQuery(everyone=True, status=None))
    assert dict(before.by_status) == {"active": 4}
    assert (before.by_officer[0].slack_user_id, before.by_officer[0].records) == (force.officer, 2)
    assert dict(after.by_status) != dict(before.by_status)  # read from the kept counts, not counted again
