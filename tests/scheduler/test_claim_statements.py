"""A claim's statements do not grow with its batch: every kind of row a batch's messages need (the
records of every subject kind: notices and orders, incidents, Clare's Law requests, management
plans; their recipients, supervisors, owners' reminders, children, actions) is loaded set by set
(services/reminders/batch.py), not reminder by reminder. Counted on both databases."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from rules.disclosure import Route
from rules.plans import ActionKind
from services.clock import ManualClock
from services.context import ServiceContext
from services.disclosures import requests
from services.disclosures.requests import NewRequest
from services.incidents.recording import ChildInput, NewIncident, record_incident
from services.people import plans
from services.records.order_writer import PersonInput
from services.reminders import queue
from tests.support.force import Force
from tests.support.records import dvpn, record

WORKER = "statements"


@contextmanager
def counted(ctx: ServiceContext) -> Iterator[list[str]]:
    sent: list[str] = []

    def count(_c: Any, _cursor: Any, statement: str, _parameters: Any, _context: Any, _many: bool) -> None:
        sent.append(statement)

    sa.event.listen(ctx.engine, "before_cursor_execute", count)
    try:
        yield sent
    finally:
        sa.event.remove(ctx.engine, "before_cursor_execute", count)


def casework(ctx: ServiceContext, force: Force, clock: ManualClock, number: int) -> None:
    """One of each subject kind, each with its own people."""
    now = clock.now()
    perpetrator = PersonInput(f"Gareth Pellow{'x' * number}", None, None)
    ref = record(ctx, force.officer, dvpn(perpetrator=perpetrator)).reference
    plans.adopt(ctx, force.supervisor, ref, now + timedelta(days=3))
    plans.add_action(ctx, force.officer, ref, ActionKind.DIVERT, force.colleague, now + timedelta(days=2), "x")
    record(ctx, force.other_officer, dvpn(perpetrator=PersonInput(f"Owen Marsh{'y' * number}", None, None)))
    record_incident(
        ctx,
        force.officer,
        NewIncident(
            reported_at=now - timedelta(hours=1),
            victim=PersonInput(f"Sam Sample{'z' * number}"),
            suspect=PersonInput(f"Alex Example{'w' * number}"),
            children=(ChildInput(f"Kit Sample{'v' * number}", "Oak Primary", "cumbria"),),
            dash_yes=15,
        ),
    )
    requests.new_request(
        ctx,
        force.officer,
        NewRequest(
            Route.ASK, PersonInput(f"Dana Whitlock{'u' * number}"), PersonInput(f"Gary Pell{'t' * number}"), now
        ),
    )


def claim_everything(ctx: ServiceContext) -> tuple[list[str], set[str], int]:
    """Claim every due reminder in one batch: the statements sent, which subject kinds, how many."""
    with counted(ctx) as sent:
        claim = queue.claim_due(ctx, WORKER, limit=10_000)
    with ctx.engine.connect() as connection:
        claimed = connection.execute(
            sa.text("SELECT order_id, incident_id, disclosure_id, plan_id FROM reminder WHERE claimed_by = :worker"),
            {"worker": WORKER},
        ).all()
    kinds = {
        name
        for row in claimed
        for name, value in zip(("order", "incident", "disclosure", "plan"), row, strict=True)
        if value
    }
    queue.release(ctx, WORKER)
    return sent, kinds, len(claim.messages) + claim.skipped + claim.held


def test_a_claim_s_statements_do_not_grow_with_its_batch(ctx: ServiceContext, force: Force, clock: ManualClock) -> None:
    casework(ctx, force, clock, 1)
    clock.advance(timedelta(days=40))  # every reminder planned is due
    small, small_kinds, small_batch = claim_everything(ctx)
    clock.advance(timedelta(days=-40))
    for number in range(2, 6):
        casework(ctx, force, clock, number)
    clock.advance(timedelta(days=40))
    large, large_kinds, large_batch = claim_everything(ctx)
    assert small_kinds == large_kinds == {"order", "incident", "disclosure", "plan"}
    assert large_batch >= 3 * small_batch > 0
    # Reads: the same statements, however many reminders. Writes: the claim, then one executemany
    # for the rows given back and one for those settled unposted, never one per row.
    reads = [[s for s in sent if s.startswith("SELECT")] for sent in (small, large)]
    assert len(reads[1]) == len(reads[0]), reads
    for sent in (small, large):
        assert len([s for s in sent if s.startswith("UPDATE")]) <= 3, sent
        assert len(sent) <= 30, sent
