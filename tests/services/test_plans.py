"""Perpetrator management plans through the services, on both databases: adopted, actions added with
owners and due dates and settled, a review date, closure with the reason; the plan's clocks; who may
change and see it; refusals that write nothing; typed text kept out of the audit trail."""

from __future__ import annotations

import json

import pytest

from rules.plans import ACTION_KIND, REVIEW_KIND, ActionKind
from services.clock import ManualClock
from services.context import ServiceContext
from services.errors import Conflict, NotAllowed, ValidationFailed
from services.people import plans
from services.records.order_writer import PersonInput
from tests.support.database import audit_rows, row_counts
from tests.support.force import Force, london
from tests.support.records import PERPETRATOR, PERPETRATOR_DOB, dvpn, record


def test_a_plan_from_adoption_to_closure(ctx: ServiceContext, force: Force, clock: ManualClock) -> None:
    ref = record(ctx, force.officer).reference
    adopted = plans.adopt(ctx, force.supervisor, ref, london("2026-05-01 09:00"))
    assert (adopted.adopted_at, adopted.review_at, adopted.closed_at, adopted.actions) == (
        london("2026-04-02 21:00"),
        london("2026-05-01 09:00"),
        None,
        (),
    )
    view = plans.add_action(
        ctx, force.officer, ref, ActionKind.SUPPORT, force.colleague, london("2026-04-20 17:00"), "programme referral"
    )
    view = plans.add_action(
        ctx, force.officer, ref, ActionKind.ENFORCE, force.officer, london("2026-04-10 17:00"), "check bail"
    )
    assert [(a.number, a.kind, a.what, a.owner_slack_id) for a in view.actions] == [
        (1, "support", "programme referral", force.colleague),
        (2, "enforce", "check bail", force.officer),
    ]
    assert [(c.kind, c.due_at) for c in view.clocks] == [
        (ACTION_KIND, london("2026-04-10 17:00")),
        (ACTION_KIND, london("2026-04-20 17:00")),
        (REVIEW_KIND, london("2026-05-01 09:00")),
    ]
    clock.set(london("2026-04-15 09:00"))
    seen = plans.plan_for(ctx, force.officer, ref)
    assert seen is not None and [a.overdue for a in seen.actions] == [False, True]
    done = plans.action_done(ctx, force.officer, ref, 2)
    assert done.actions[1].done_at == london("2026-04-15 09:00") and len(done.clocks) == 2
    assert plans.set_review(ctx, force.officer, ref, london("2026-06-01 09:00")).review_at == london("2026-06-01 09:00")
    closed = plans.close_plan(ctx, force.supervisor, ref, "risk reduced, programme completed")
    assert (closed.close_reason, closed.clocks, closed.writable) == ("risk reduced, programme completed", (), False)


def test_the_same_person_on_another_record_finds_the_plan(ctx: ServiceContext, force: Force) -> None:
    first = record(ctx, force.officer).reference
    second = record(
        ctx, force.officer, dvpn("2026-04-01 20:00", perpetrator=PersonInput(PERPETRATOR, PERPETRATOR_DOB))
    ).reference
    plans.adopt(ctx, force.officer, first)
    found = plans.plan_for(ctx, force.officer, second)
    assert found is not None and found.reference == second
    with pytest.raises(Conflict, match="already has an open plan"):
        plans.adopt(ctx, force.officer, second)


def test_refusals_write_nothing(ctx: ServiceContext, force: Force) -> None:
    ref = record(ctx, force.officer).reference
    before = row_counts(ctx.engine)
    with pytest.raises(Conflict, match="There is no open plan"):
        plans.action_done(ctx, force.officer, ref, 1)
    with pytest.raises(NotAllowed):
        plans.adopt(ctx, force.other_officer, ref)
    with pytest.raises(NotAllowed, match="Champions can read records but not change them"):
        plans.adopt(ctx, force.champion, ref)
    with pytest.raises(ValidationFailed, match="a date in the future"):
        plans.adopt(ctx, force.officer, ref, london("2026-04-01 09:00"))
    assert row_counts(ctx.engine) == before
    plans.adopt(ctx, force.officer, ref)
    before = row_counts(ctx.engine)
    with pytest.raises(ValidationFailed, match="Say what the action is"):
        plans.add_action(ctx, force.officer, ref, ActionKind.DISRUPT, force.officer, london("2026-04-20 09:00"), " ")
    with pytest.raises(ValidationFailed, match="Give the reason for closing the plan"):
        plans.close_plan(ctx, force.officer, ref, "")
    assert {k: v for k, v in row_counts(ctx.engine).items() if k != "audit_event"} == {
        k: v for k, v in before.items() if k != "audit_event"
    }


def test_who_sees_the_plan_and_what_the_trail_keeps(ctx: ServiceContext, force: Force) -> None:
    ref = record(ctx, force.officer).reference
    plans.adopt(ctx, force.officer, ref)
    plans.add_action(
        ctx,
        force.officer,
        ref,
        ActionKind.DIVERT,
        force.officer,
        london("2026-04-20 09:00"),
        "Alexander to attend course",
    )
    with pytest.raises(NotAllowed, match="belongs to another team"):
        plans.plan_for(ctx, force.other_officer, ref)
    seen = plans.plan_for(ctx, force.champion, ref)
    assert seen is not None and seen.actions[0].what is None and not seen.writable  # the typed text: its team only
    trail = json.dumps(audit_rows(ctx.engine), default=str)
    assert "attend course" not in trail and "Alexander" not in trail
    assert [r["entity_type"] for r in audit_rows(ctx.engine, action="view")] == ["management_plan"]


def test_the_same_review_date_again_is_refused_and_writes_nothing(ctx: ServiceContext, force: Force) -> None:
    ref = record(ctx, force.officer).reference
    plans.adopt(ctx, force.supervisor, ref, london("2026-05-01 09:00"))
    counts = row_counts(ctx.engine)
    with pytest.raises(Conflict, match="already set for that date"):
        plans.set_review(ctx, force.officer, ref, london("2026-05-01 09:00"))
    assert row_counts(ctx.engine) == counts
