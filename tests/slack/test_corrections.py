"""Correcting a record through the real Bolt app: the mistyped service time that fired backdated
alerts, put right with a reason; the correction form opened filled in; the "did you mean …?" asked
of a service time more than 48 hours ago, at correction and at recording; who may correct; and a
corrected PNC id that another record holds, which fetches nothing of that person."""

from __future__ import annotations

from typing import Any

import pytest

from models import OrderStatus
from services.clock import ManualClock
from services.context import ServiceContext
from services.records import lifecycle
from tests.support.database import audit_rows, row_counts
from tests.support.force import Force, london
from tests.support.records import DVPN_ANSWERS, PERPETRATOR, PERPETRATOR_ADDRESS, PROTECTED, dvpn, record
from tests.support.slack_driver import SlackDriver, ack_body, blocks_text, open_record_form, reply_text
from tests.support.sweeps import make_notifier, rows, run_until

REASON = "typo: the date was read as February"
MISTYPED = "2026-02-01 23:15"  # '1/2 23:15' read as 1 February, on Thu 2 Apr 2026 at 21:00


def one_reply(slack: SlackDriver, since: int = 0) -> str:
    """The blocks' text of the one reply a command got (and nothing else was sent)."""
    calls = slack.sent()[since:]
    assert [c.method for c in calls] == ["response_url"], [c.method for c in calls]
    return blocks_text(calls[0].blocks)


def order_row(ctx: ServiceContext, reference: str) -> dict[str, Any]:
    [row] = rows(ctx, "protection_order", reference=reference)
    return row


def test_a_mistyped_service_time_is_corrected_and_the_backdated_alerts_withdrawn(
    slack: SlackDriver, ctx: ServiceContext, force: Force, clock: ManualClock
) -> None:
    ref = record(ctx, force.officer, dvpn(served=MISTYPED)).reference
    notifier = make_notifier(slack.api)
    backdated = run_until(ctx, clock, slack.api, notifier, clock.now())
    # Served "1 February" reads as a notice lapsed in law two months ago (rules/lifecycle.py), so
    # the wrong time sets off its lapse alerts at once, to the officer and the supervisor.
    assert [(seen.to, seen.kind.split(":")[0]) for seen in backdated] == [
        (force.officer, "notice_lapsed"),
        (force.supervisor, "notice_lapsed"),
    ], backdated
    fired = [r["id"] for r in rows(ctx, "reminder") if r["state"] == "sent"]

    sent_before = len(slack.sent())
    slack.command(force.officer, f'edit {ref} served 1/4/2026 23:15 reason "{REASON}"')

    text = one_reply(slack, sent_before)
    assert text.startswith(
        f":white_check_mark: {ref} corrected: service time. Deadlines and reminders are worked out again from it.\n"
    ), text
    assert ":clock3: Served: Wed 01 Apr 2026 23:15 BST" in text
    order = order_row(ctx, ref)
    assert order["served_at"] == london("2026-04-01 23:15")
    # 45 minutes of 1 April, all of Thursday 2, Good Friday skipped, then 23 h 15 min of Saturday:
    # the 48 hours end on Saturday 4 April at 23:15 (CSA 2010 s27(3)-(4)).
    assert order["hearing_deadline_at"] == london("2026-04-04 23:15")
    assert order["status"] == OrderStatus.ACTIVE.value
    # The first breach check (24 hours after service) moved with the service, and is now the next deadline.
    assert order["next_deadline_at"] == london("2026-04-02 23:15")
    assert [c["due_at"] for c in rows(ctx, "breach_check", order_id=order["id"])] == [london("2026-04-02 23:15")]
    reminders = rows(ctx, "reminder")
    for reminder in reminders:
        if reminder["id"] in fired:  # sent about the wrong deadline: no escalation follows
            assert reminder["escalate_at"] is None
        elif reminder["state"] == "pending":  # every alert still to come follows the right service time
            assert reminder["due_at"] > london("2026-04-01 23:15"), reminder
    pending = {r["kind"] for r in reminders if r["state"] == "pending"}
    assert {"hearing_deadline_in_24h", "hearing_deadline_in_8h", "hearing_deadline_in_2h"} <= pending
    [audit] = [a for a in audit_rows(ctx.engine, entity_type="protection_order") if a["justification"] == REASON]
    assert audit["action"] == "update"
    assert audit["actor"] == f"slack:{force.officer}"
    assert audit["before"]["served_at"] == london(MISTYPED).isoformat()
    assert audit["after"]["served_at"] == london("2026-04-01 23:15").isoformat()
    assert audit["before"]["hearing_deadline_at"] != audit["after"]["hearing_deadline_at"]

    # Until the corrected countdown starts (Fri 3 Apr 23:15, 24 hours before), what fires is about the
    # corrected facts: no hearing is booked yet (true), the first breach check; never the lapse again.
    after = [
        (s.at, s.to, s.kind.split(":")[0])
        for s in run_until(ctx, clock, slack.api, notifier, london("2026-04-03 23:00"))
    ]
    assert after[0] == ("Thu 02 21:00", force.officer, "no_hearing_booked"), after
    assert {kind for _, _, kind in after} <= {
        "no_hearing_booked",
        "renotify",
        "escalation",
        "breach_check_due",
        "breach_check_overdue",
    }, after


def _ids(ctx: ServiceContext, *slack_ids: str) -> list[int]:
    return [int(u["id"]) for u in rows(ctx, "app_user") if u["slack_user_id"] in slack_ids]


def test_a_service_time_over_48_hours_ago_asks_did_you_mean_and_the_suggestions_both_work(
    slack: SlackDriver, ctx: ServiceContext, force: Force
) -> None:
    ref = record(ctx, force.officer).reference
    before = row_counts(ctx.engine)

    slack.command(force.officer, f'edit {ref} served 1/2 23:15 reason "{REASON}"')

    assert one_reply(slack) == (
        ":warning: Read '1/2 23:15' as Sun 01 Feb 2026 23:15 GMT, 59 days ago: more than 48 hours before now. "
        "Did you mean 1/4/2026 23:15 (Wed 01 Apr 2026 23:15 BST)? Nothing was saved. Type: "
        f'`/dvpn edit {ref} served 1/4/2026 23:15 reason "{REASON}"` or, if it is right: '
        f'`/dvpn edit {ref} served 1/2/2026 23:15 confirmed reason "{REASON}"`'
    )
    assert row_counts(ctx.engine) == before

    slack.command(force.officer, f'edit {ref} served 1/2/2026 23:15 confirmed reason "{REASON}"')
    assert f"{ref} corrected: service time." in reply_text(slack.last_reply())
    assert order_row(ctx, ref)["served_at"] == london(MISTYPED)


def test_the_correction_form_opens_filled_in_and_saves_what_changed(
    slack: SlackDriver, ctx: ServiceContext, force: Force
) -> None:
    ref = record(ctx, force.officer).reference
    slack.command(force.officer, f"edit {ref}")
    form = slack.opened_view()
    initial = {
        b["block_id"]: b["element"].get("initial_value")
        or b["element"].get("initial_date")
        or b["element"].get("initial_user")
        or (b["element"].get("initial_option") or {}).get("value")
        for b in form["blocks"]
        if b.get("type") == "input"
    }
    assert initial["served_at"] == "2/4/2026 20:00"
    assert initial["perpetrator_name"] == PERPETRATOR
    assert initial["perpetrator_dob"] == "1990-01-15"
    assert initial["perpetrator_address"] == PERPETRATOR_ADDRESS
    assert initial["protected_name"] == PROTECTED
    assert initial["authoriser_rank"] == "superintendent"
    assert initial["officer"] == force.officer
    assert initial["order_type"] == "DVPN"
    assert initial["reason"] is None

    # No reason: asked on the field, nothing saved.
    before = row_counts(ctx.engine)
    refused = ack_body(slack.submit(force.officer, form, {**_kept(form), "conditions": "Not to enter the street"}))
    assert refused["response_action"] == "errors"
    assert refused["errors"] == {
        "reason": "Say why the record is corrected (at least 10 characters), e.g. 'typo in the date'."
    }
    assert row_counts(ctx.engine) == before

    answers = {**_kept(form), "conditions": "Not to enter the street", "reason": "conditions were left out"}
    assert ack_body(slack.submit(force.officer, form, answers)) == {}
    confirmation = reply_text(slack.api.calls("chat.postEphemeral")[-1])
    assert confirmation.startswith(
        f":white_check_mark: {ref} corrected: conditions. Deadlines and reminders are worked out again from it."
    )
    assert order_row(ctx, ref)["conditions"] == "Not to enter the street"
    [audit] = [a for a in audit_rows(ctx.engine, entity_type="protection_order") if a["justification"]]
    assert audit["before"]["conditions"] is None
    assert audit["after"]["conditions"] == "[free text]"  # what it says stays out of the trail


def _kept(form: dict[str, Any]) -> dict[str, Any]:
    """The form's answers as it was opened (a user who changes nothing else)."""
    kept: dict[str, Any] = {}
    for block in form["blocks"]:
        element = block.get("element", {})
        if block.get("type") != "input":
            continue
        for key in ("initial_value", "initial_date", "initial_user"):
            if key in element:
                kept[block["block_id"]] = element[key]
        if "initial_option" in element:
            kept[block["block_id"]] = element["initial_option"]["value"]
    return kept


def test_the_forms_ask_about_a_service_time_over_48_hours_ago_until_it_is_confirmed(
    slack: SlackDriver, ctx: ServiceContext, force: Force
) -> None:
    form = open_record_form(slack, force.officer, "DVPN")
    answers = {"order_type": "DVPN", **DVPN_ANSWERS, "served_at": "30/3/2026 20:00"}
    before = row_counts(ctx.engine)
    asked = ack_body(slack.submit(force.officer, form, answers))
    assert asked["response_action"] == "errors"
    assert asked["errors"] == {
        "served_at": "Read '30/3/2026 20:00' as Mon 30 Mar 2026 20:00 BST, 3 days ago: more than 48 hours before "
        "now. Did you mean 2/4/2026 20:00 (Thu 02 Apr 2026 20:00 BST)? Nothing was saved. If it is right, type "
        "30/3/2026 20:00 confirmed and save again."
    }
    assert row_counts(ctx.engine) == before

    assert ack_body(slack.submit(force.officer, form, {**answers, "served_at": "30/3/2026 20:00 confirmed"})) == {}
    confirmation = reply_text(slack.api.calls("chat.postEphemeral")[-1])
    assert "recorded." in confirmation and "Served: Mon 30 Mar 2026 20:00 BST" in confirmation


@pytest.mark.parametrize(
    "who, allowed",
    [("officer", True), ("colleague", True), ("supervisor", True), ("other_officer", False), ("champion", False)],
)
def test_officers_of_the_team_and_their_supervisors_may_correct_no_one_else(
    slack: SlackDriver, ctx: ServiceContext, force: Force, who: str, allowed: bool
) -> None:
    ref = record(ctx, force.officer).reference
    before = row_counts(ctx.engine)
    slack.command(getattr(force, who), f'edit {ref} risk high reason "DASH assessment redone"')
    text = one_reply(slack)
    if allowed:
        assert text.startswith(f":white_check_mark: {ref} corrected: risk level."), text
        assert order_row(ctx, ref)["risk_level"] == "high"
    else:
        assert "corrected" not in text and (
            "belongs to another team" in text or "can read records but not change them" in text
        ), text
        assert row_counts(ctx.engine) == before


def test_a_reason_naming_the_people_is_refused(slack: SlackDriver, ctx: ServiceContext, force: Force) -> None:
    ref = record(ctx, force.officer).reference
    before = row_counts(ctx.engine)
    slack.command(force.officer, f'edit {ref} risk high reason "Samantha asked for it"')
    assert one_reply(slack) == (
        ":warning: Say why without naming anyone: the reason stays in the audit trail, e.g. 'typo in the date'."
    )
    assert row_counts(ctx.engine) == before


def test_correcting_a_wrongly_lapsed_notice_brings_it_back(
    slack: SlackDriver, ctx: ServiceContext, force: Force, clock: ManualClock
) -> None:
    ref = record(ctx, force.officer, dvpn(served=MISTYPED)).reference
    clock.set(london("2026-04-03 00:05"))
    assert ref in lifecycle.apply_time(ctx).lapsed
    slack.command(force.officer, f'edit {ref} served 1/4/2026 23:15 reason "{REASON}"')
    text = one_reply(slack)
    assert f"{ref} is active again: the corrected details do not end it." in text, text
    assert order_row(ctx, ref)["status"] == OrderStatus.ACTIVE.value
    assert order_row(ctx, ref)["closed_at"] is None


def test_a_corrected_pnc_id_held_by_another_person_follows_the_identity_path(
    slack: SlackDriver, ctx: ServiceContext, force: Force
) -> None:
    from services.records.order_writer import PersonInput

    other = record(
        ctx,
        force.other_officer,
        dvpn(perpetrator=PersonInput("Someone Else Entirely", None, "1 Far Road", "12/345678U")),
    )
    ref = record(ctx, force.officer).reference
    slack.command(force.officer, f"edit {ref}")
    form = slack.opened_view()
    answers = {**_kept(form), "perpetrator_pnc": "12/345678U", "reason": "PNC id added after the check"}
    assert ack_body(slack.submit(force.officer, form, answers)) == {}
    text = reply_text(slack.api.calls("chat.postEphemeral")[-1])
    assert f"{ref} corrected: the person it is against." in text
    assert "The PNC id given is already on record with a different name or date of birth." in text
    assert "Someone Else Entirely" not in text and "1 Far Road" not in text and other.reference not in text
    [mismatch] = rows(ctx, "identity_mismatch")
    assert mismatch["order_id"] == order_row(ctx, ref)["id"]
    # One person row per record still: nothing was merged or split.
    assert len(rows(ctx, "perpetrator")) == 2


def test_the_type_cannot_be_corrected_and_says_what_to_do(
    slack: SlackDriver, ctx: ServiceContext, force: Force
) -> None:
    ref = record(ctx, force.officer).reference
    slack.command(force.officer, f'edit {ref} type DAPN reason "{REASON}"')
    text = one_reply(slack)
    assert text == (
        ":warning: 'type' is not a field a one-line correction can change. Fields: served, made, arrested, "
        "authoriser, rank, court, conditions, length, risk, children, crime, officer; for the people, open the "
        f"form: `/dvpn edit {ref}`."
    )


def test_a_court_variation_is_recorded_with_varied_and_a_notice_cannot_be_varied(
    slack: SlackDriver, ctx: ServiceContext, force: Force
) -> None:
    from tests.support.records import dapo

    order = record(ctx, force.officer, dapo()).reference
    slack.command(force.officer, f"varied {order} until 1/10/2026 conditions Not to enter Selly Oak")
    text = one_reply(slack)
    assert text.startswith(f":white_check_mark: Variation of {order} recorded."), text
    row = order_row(ctx, order)
    assert row["expires_at"] == london("2026-10-02 00:00") and row["until_further_order"] is False
    assert row["conditions"] == "Not to enter Selly Oak"

    notice = record(ctx, force.officer).reference
    slack.command(force.officer, f"varied {notice} until 1/10/2026")
    assert one_reply(slack, len(slack.sent()) - 1) == (
        f":warning: You cannot vary {notice} (awaiting listing): only an order a court made can be varied, "
        "not a notice. Record the hearing's outcome; the order it makes can be varied."
    )
