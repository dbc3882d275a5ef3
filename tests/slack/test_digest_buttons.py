"""The digest's buttons, pressed through the real Bolt app: "Nudge officer" messages the officer in
charge once with the item and is audited (a second press, by anyone, says who already did and when);
"Record outcome" opens the outcome form; "Open" shows the card. Officers may not nudge."""

from __future__ import annotations

import json
from typing import Any

from blocks import actions as ids
from services.clock import ManualClock
from services.context import ServiceContext
from services.records import hearings
from tests.support.block_limits import check_recorded_call
from tests.support.database import audit_rows
from tests.support.force import Force, london
from tests.support.records import PERSONAL, record
from tests.support.slack_driver import SlackDriver, reply_text


def digest_buttons(slack: SlackDriver, user: str) -> dict[str, dict[str, Any]]:
    """The digest the user asks for, checked against Block Kit: each line's button by reference."""
    slack.command(user, "digest")
    reply = slack.last_reply()
    check_recorded_call(reply.method, reply.args)
    assert not [word for word in PERSONAL if word in json.dumps(reply.args)]
    found: dict[str, dict[str, Any]] = {}
    for block in reply.blocks:
        accessory = block.get("accessory", {})
        if accessory.get("type") == "button":
            reference = block["text"]["text"].split("*")[1]
            assert reference not in found, f"{reference} listed twice"
            found[reference] = accessory
    return found


def dms_to(slack: SlackDriver, user: str) -> list[str]:
    return [str(c["text"]) for c in slack.api.calls("chat.postMessage") if c["channel"] == user]


def test_a_nudge_messages_the_officer_once_and_is_audited(
    slack: SlackDriver, ctx: ServiceContext, force: Force
) -> None:
    ref = record(ctx, force.officer).reference  # served, no hearing booked: the officer must book it
    nudge = digest_buttons(slack, force.supervisor)[ref]
    assert (nudge["text"]["text"], nudge["action_id"]) == ("Nudge officer", ids.DIGEST_NUDGE)

    slack.press(force.supervisor, ids.DIGEST_NUDGE, nudge["value"])

    [dm] = dms_to(slack, force.officer)
    assert dm.startswith(f"<@{force.supervisor}> asks you to act on {ref} (APE) DVPN: no hearing booked; must be")
    assert reply_text(slack.last_reply()).startswith(f":white_check_mark: Nudged <@{force.officer}> about {ref}.")
    [audited] = audit_rows(ctx.engine, action="nudge")
    assert (audited["entity_type"], audited["actor"]) == ("protection_order", f"slack:{force.supervisor}")

    slack.press(force.admin, ids.DIGEST_NUDGE, nudge["value"])  # a second press, by someone else

    assert len(dms_to(slack, force.officer)) == 1  # not messaged again
    assert reply_text(slack.last_reply()).startswith(
        f"<@{force.officer}> was already nudged about {ref} by <@{force.supervisor}> at Thu 02 Apr 2026"
    )
    assert len(audit_rows(ctx.engine, action="nudge")) == 1


def test_an_officer_cannot_nudge_and_nothing_is_sent(slack: SlackDriver, ctx: ServiceContext, force: Force) -> None:
    ref = record(ctx, force.officer).reference
    value = json.dumps({"reference": ref})

    slack.press(force.colleague, ids.DIGEST_NUDGE, value)

    assert "Only supervisors or admins can nudge an officer" in reply_text(slack.last_reply())
    assert dms_to(slack, force.officer) == [] and audit_rows(ctx.engine, action="nudge") == []


def test_a_record_needing_nothing_has_nothing_to_nudge(slack: SlackDriver, ctx: ServiceContext, force: Force) -> None:
    ref = record(ctx, force.officer).reference
    hearings.book_hearing(ctx, force.officer, ref, london("2026-04-03 10:00"), "Birmingham Magistrates")

    slack.press(force.supervisor, ids.DIGEST_NUDGE, json.dumps({"reference": ref}))

    assert "needs no action now" in reply_text(slack.last_reply())
    assert dms_to(slack, force.officer) == []


def test_record_outcome_from_the_digest_opens_its_form(
    slack: SlackDriver, ctx: ServiceContext, force: Force, clock: ManualClock
) -> None:
    ref = record(ctx, force.officer).reference
    hearings.book_hearing(ctx, force.officer, ref, london("2026-04-02 22:00"), "Birmingham Magistrates")
    clock.set(london("2026-04-02 23:30"))  # the hearing has been held, with no outcome recorded
    outcome = digest_buttons(slack, force.supervisor)[ref]
    assert (outcome["text"]["text"], outcome["action_id"]) == ("Record outcome", ids.RECORD_OUTCOME)

    slack.press(force.officer, outcome["action_id"], outcome["value"])

    assert slack.opened_view()["callback_id"] == ids.OUTCOME_FORM
