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


def counted(
    ctx: ServiceContext, status: OrderStatus | None, *where: sa.ColumnElement[bool]
) -> tuple[dict[str, int], list[tuple[str, int]], int]:
    """A caseload's counts taken from the records themselves: by status, and of `status` (None: any)
    by officer (most first) and how many officers."""
    with session_scope(ctx.engine) as session:
        statuses = session.exec(
            select(ProtectionOrder.status, sa.func.count()).where(*where).group_by(col(ProtectionOrder.status))
        ).all()
        active = [*where, *([col(ProtectionOrder.status) == status] if status else [])]
        officers = session.exec(
            select(AppUser.slack_user_id, sa.func.count())
            .select_from(ProtectionOrder)
            .join(AppUser, col(AppUser.id) == ProtectionOrder.officer_id)
            .where(*active)
            .group_by(col(AppUser.slack_user_id))
        ).all()
    ranked = sorted(((s, int(n)) for s, n in officers), key=lambda pair: (-pair[1], pair[0]))
    return {OrderStatus(s).value: int(n) for s, n in statuses}, ranked, len(ranked)


def test_team_and_officer_caseloads_from_the_kept_counts_are_the_counted_ones(
    ctx: ServiceContext, force: Force
) -> None:
    """Every scope that is only teams and officers is read from the kept counts; each must say what
    counting the records says, including a record held by a team A officer in team B."""
    for officer in (force.officer, force.officer, force.officer, force.colleague, force.other_officer):
        record(ctx, officer, dvpn())
    closed = record(ctx, force.colleague, dvpn()).reference
    lifecycle.close(ctx, force.colleague, closed, "no longer needed")
    with ctx.engine.begin() as connection:  # one of the officer's records moved to team B, officer kept
        team_b = connection.execute(sa.select(AppUser.team_id).where(AppUser.slack_user_id == force.other_officer))
        mine = connection.execute(
            sa.select(ProtectionOrder.id)
            .select_from(ProtectionOrder)
            .join(AppUser, col(AppUser.id) == ProtectionOrder.officer_id)
            .where(AppUser.slack_user_id == force.officer)
            .limit(1)
        ).scalar_one()
        connection.execute(
            sa.update(ProtectionOrder).where(col(ProtectionOrder.id) == mine).values(team_id=team_b.scalar_one())
        )
    with session_scope(ctx.engine) as session:
        ids = dict(session.exec(select(AppUser.slack_user_id, AppUser.team_id)).all())
        officer_id = session.exec(select(AppUser.id).where(AppUser.slack_user_id == force.officer)).one()
        colleague_id = session.exec(select(AppUser.id).where(AppUser.slack_user_id == force.colleague)).one()
    team_a, team_b = ids[force.officer], ids[force.other_officer]
    in_team = col(ProtectionOrder.team_id).in_
    is_officer = col(ProtectionOrder.officer_id) == officer_id
    is_officer_2 = col(ProtectionOrder.officer_id) == colleague_id  # holds an active and a closed record
    asked = [
        (force.supervisor, CaseloadQuery(), [in_team([team_a])]),
        (force.supervisor, CaseloadQuery(officer=force.officer), [in_team([team_a]), is_officer]),
        (force.champion, CaseloadQuery(officer=force.officer), [is_officer]),
        (force.champion, CaseloadQuery(team="team b"), [in_team([team_b])]),
        (force.officer, CaseloadQuery(), [in_team([team_a])]),
        (force.colleague, CaseloadQuery(officer=force.colleague, status=None), [in_team([team_a]), is_officer_2]),
        (force.champion, CaseloadQuery(), []),
    ]
    for asker, query, where in asked:
        answer = caseload(ctx, asker, query)
        statuses, officers, total = counted(ctx, query.status, *where)
        shown = (dict(answer.by_status), [(o.slack_user_id, o.records) for o in answer.by_officer])
        assert shown == (statuses, officers) and answer.officers_total == total, (asker, query)
    with ctx.engine.begin() as connection:  # throw the kept counts off: a team's answer must show it
        connection.execute(sa.update(CaseloadCount).values(records=CaseloadCount.records + 1))
    assert dict(caseload(ctx, force.supervisor, CaseloadQuery()).by_status) != counted(ctx, None, in_team([team_a]))[0]
