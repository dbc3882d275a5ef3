"""A claimed batch is worded from plain rows read set by set (services/reminders/batch.py and
batch_rows.py); a reminder shown again after a button was pressed is worded from its own records,
read one by one (facts_for outside a batch). Both must say the same of every reminder, whatever
it is about: notices and orders (with and without a hearing booked), incidents, Clare's Law
requests and management plans. Checked on both databases."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session

from models import Reminder
from services.clock import ManualClock
from services.context import ServiceContext
from services.records import hearings
from services.reminders import queue
from services.reminders.facts import facts_for
from services.reminders.results import CLARE_TYPE, INCIDENT_TYPE, PLAN_TYPE
from tests.scheduler.test_claim_statements import casework
from tests.support.force import Force
from tests.support.records import dvpn, record
from tests.support.sweeps import at

WORKER = "wording"


def test_a_claimed_batch_says_of_each_reminder_what_it_says_alone(
    ctx: ServiceContext, force: Force, clock: ManualClock
) -> None:
    casework(ctx, force, clock, 1)
    casework(ctx, force, clock, 2)
    heard = record(ctx, force.officer, dvpn()).reference
    hearings.book_hearing(ctx, force.officer, heard, at("2026-04-03 10:00"))
    clock.advance(timedelta(days=40))  # every reminder planned is due, the hearing past
    claim = queue.claim_due(ctx, WORKER, limit=10_000)
    try:
        assert len(claim.messages) > 10
        about = {m.order_type for m in claim.messages}
        assert {"DVPN", INCIDENT_TYPE, CLARE_TYPE, PLAN_TYPE} <= about, about
        alone = {}
        with Session(ctx.engine) as session:
            for message in claim.messages:
                reminder = session.get(Reminder, message.reminder_id)
                assert reminder is not None
                alone |= facts_for(session, [reminder], ctx.settings, clock.now())
        assert [alone[m.reminder_id] for m in claim.messages] == list(claim.messages)
        assert any(m.offer is not None for m in claim.messages)  # the hearing's outcome, a hearing to book
    finally:
        queue.release(ctx, WORKER)
