"""Attack: an id that named an erased row must never name a new one. On SQLite a plain INTEGER
PRIMARY KEY hands the highest erased id to the next row, so once retention erased the newest record,
incident, Clare's Law request or plan, the next one took its id: `/dvpn audit` of the new one showed
the erased one's trail (the audit trail keys its rows by entity and id), a new plan took the erased
plan's reference (WM-PLAN-0001 is plan 1), and a button left on the erased record's reminder message,
which carries the reminder's id, would act on the new record's reminder. Every table erasure deletes
from hands out ids that are never reused (migration 0032); PostgreSQL's sequences never were.

Each case erases through the real retention path, records a new one after, and reads the new one's
trail through the real Bolt app; the stale button is refused, nothing is sent to Slack, and no row
changes."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from blocks import actions as ids
from console.slack_api import SlackWebAPI
from models import HearingOutcome, metadata
from rules.disclosure import Route
from services.clock import ManualClock
from services.context import ServiceContext
from services.disclosures import requests as disclosures
from services.disclosures.requests import NewRequest
from services.errors import Conflict
from services.governance import retention
from services.governance.linked_casework import plan_reference
from services.incidents.recording import NewIncident, record_incident
from services.people import plans
from services.records import hearings
from services.records import recording as records
from services.records.order_writer import PersonInput
from tests.support.database import audit_rows, row_counts
from tests.support.force import Force, london
from tests.support.records import dvpn
from tests.support.slack_app import ctx, slack, slack_api  # noqa: F401  (the real Bolt app and Slack stand-in)
from tests.support.slack_driver import SlackDriver, reply_text
from tests.support.sweeps import make_notifier, rows, run_until

REASON = "MoPI review: no policing purpose remains"
ERASED_ON = "2032-05-01 09:00"  # six years after April 2026: every family made below is past retention


@dataclass(frozen=True)
class Made:
    reference: str
    table: str
    id: int


def _id(engine: Engine, table: str, reference: str) -> int:
    t = metadata.tables[table]
    with engine.connect() as connection:
        return int(connection.execute(sa.select(t.c.id).where(t.c.reference == reference)).scalar_one())


def closed_record(context: ServiceContext, clock: ManualClock, force: Force, served: str) -> Made:
    """A DVPN served at `served`, refused at its hearing two days on: it ended then."""
    clock.set(london(served) + timedelta(hours=1))
    ref = records.record(context, force.officer, dvpn(served)).reference
    heard = london(served) + timedelta(days=2)
    hearings.book_hearing(context, force.officer, ref, heard)
    clock.set(heard + timedelta(hours=2))
    hearings.record_outcome(context, force.officer, ref, HearingOutcome.REFUSED, heard + timedelta(hours=1))
    return Made(ref, "protection_order", _id(context.engine, "protection_order", ref))


def incident(context: ServiceContext, clock: ManualClock, force: Force, reported: str) -> Made:
    clock.set(london(reported).replace(hour=21))
    new = NewIncident(london(reported), PersonInput("Vic Reused"), PersonInput("Sus Reused"), (), 3)
    ref = record_incident(context, force.officer, new)
    return Made(ref, "incident", _id(context.engine, "incident", ref))


def closed_request(context: ServiceContext, clock: ManualClock, force: Force, received: str) -> Made:
    clock.set(london(received).replace(hour=21))
    new = NewRequest(Route.ASK, PersonInput("Ada Reused"), PersonInput("Sub Reused"), london(received), "App Reused")
    ref = disclosures.new_request(context, force.officer, new).reference
    disclosures.close(context, force.officer, ref, "withdrawn by the applicant")
    return Made(ref, "disclosure_request", _id(context.engine, "disclosure_request", ref))


MAKERS: dict[str, Callable[[ServiceContext, ManualClock, Force, str], Made]] = {
    "record": closed_record,
    "incident": incident,
    "Clare's Law request": closed_request,
}


@pytest.mark.parametrize("kind", MAKERS)
def test_the_audit_trail_of_a_new_one_never_shows_the_erased_ones(
    kind: str,
    ctx: ServiceContext,  # noqa: F811
    clock: ManualClock,
    force: Force,
    slack: SlackDriver,  # noqa: F811
) -> None:
    """The new one is made as the erased one was, and read once as it was: its trail is as long."""
    make = MAKERS[kind]
    erased = make(ctx, clock, force, "2026-04-02 20:00")
    slack.command(force.admin, f"audit {erased.reference}")
    [entries] = re.findall(r"\(1–(\d+) of \1\)", reply_text(slack.last_reply()))
    clock.set(london(ERASED_ON))
    retention.erase(ctx, force.admin, erased.reference, REASON)

    new = make(ctx, clock, force, "2032-05-02 20:00")
    slack.command(force.admin, f"audit {new.reference}")

    trail = reply_text(slack.last_reply())
    assert f"*Audit trail of {new.reference}* (1–{entries} of {entries})" in trail
    assert "2026" not in trail and "erased" not in trail
    assert new.id != erased.id


def test_a_new_plan_never_takes_the_erased_plans_reference(
    ctx: ServiceContext,  # noqa: F811
    clock: ManualClock,
    force: Force,
) -> None:
    """A plan's reference is its id: the erased plan's reference must still say it was erased, and
    the new plan's audit rows must be its own."""
    record = closed_record(ctx, clock, force, "2026-04-02 20:00")
    plans.adopt(ctx, force.officer, record.reference)
    plans.close_plan(ctx, force.officer, record.reference, "risk reduced")
    clock.set(london(ERASED_ON))
    [erased_plan] = [d.reference for d in retention.review(ctx, force.admin) if d.order_type == "PLAN"]
    retention.erase(ctx, force.admin, erased_plan, REASON)

    adopted_from = records.record(ctx, force.officer, dvpn("2032-05-01 08:00")).reference
    plans.adopt(ctx, force.officer, adopted_from)

    [new_plan] = rows(ctx, "management_plan")
    assert plan_reference(ctx.settings.force_code, int(new_plan["id"])) != erased_plan  # type: ignore[call-overload]
    with pytest.raises(Conflict, match=f"{erased_plan} was already erased"):
        retention.erase(ctx, force.admin, erased_plan, REASON)
    about_it = audit_rows(ctx.engine, entity_type="management_plan", entity_id=new_plan["id"])
    assert about_it and all(r["at"] >= london(ERASED_ON) for r in about_it)


def test_a_button_left_on_an_erased_records_reminder_acts_on_nothing(
    ctx: ServiceContext,  # noqa: F811
    clock: ManualClock,
    force: Force,
    slack: SlackDriver,  # noqa: F811
    slack_api: SlackWebAPI,  # noqa: F811
) -> None:
    """The erased record's breach-check reminder was posted with its id in its buttons; the new
    record's own check reminder is posted before the old button is pressed."""
    notifier = make_notifier(slack_api)
    ref = records.record(ctx, force.officer, dvpn()).reference
    hearings.book_hearing(ctx, force.officer, ref, london("2026-04-07 10:00"))
    run_until(ctx, clock, slack_api, notifier, london("2026-04-03 20:05"))
    [old] = [r for r in rows(ctx, "reminder") if r["kind"] == "breach_check_due:1"]
    assert old["slack_ts"]
    clock.set(london("2026-04-07 12:00"))
    hearings.record_outcome(ctx, force.officer, ref, HearingOutcome.REFUSED, london("2026-04-07 11:00"))
    clock.set(london(ERASED_ON))
    retention.erase(ctx, force.admin, ref, REASON)

    new = records.record(ctx, force.officer, dvpn("2032-05-01 08:00")).reference
    hearings.book_hearing(ctx, force.officer, new, london("2032-05-05 10:00"))
    run_until(ctx, clock, slack_api, notifier, london("2032-05-02 08:05"))
    assert [r["state"] for r in rows(ctx, "reminder") if str(r["kind"]).startswith("breach_check_due:")] == ["sent"]
    before = (row_counts(ctx.engine), rows(ctx, "reminder"), rows(ctx, "breach_check"))
    sent_before = len(slack_api.calls())

    for press in (ids.REMINDER_CHECK_DONE, ids.REMINDER_ACKNOWLEDGE, ids.REMINDER_DISMISS):
        slack.press_in_reminder(force.officer, press, str(old["id"]), str(old["slack_channel"]), str(old["slack_ts"]))
        assert "That reminder no longer exists." in reply_text(slack.last_reply())

    assert old["id"] not in {r["id"] for r in rows(ctx, "reminder")}
    assert [c.method for c in slack_api.calls()[sent_before:] if c.method.startswith("chat.")] == []
    assert (row_counts(ctx.engine), rows(ctx, "reminder"), rows(ctx, "breach_check")) == before
