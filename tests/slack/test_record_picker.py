"""The record picker: an external_select in the forms that need a record (a DVPO's DVPN), whose
options the app serves as the user types (Bolt's app.options), over the records they may read."""

from __future__ import annotations

from services.context import ServiceContext
from tests.support.database import row_counts
from tests.support.force import Force
from tests.support.records import PERPETRATOR, PROTECTED, dvpn, record
from tests.support.slack_driver import SlackDriver, open_record_form, reply_text

DVPO_ANSWERS = {
    "made_at": "2/4/2026 11:00",
    "served_at": "2/4/2026 15:00",
    "court": "Birmingham Magistrates",
    "duration": "28",  # a number field of days (blocks.forms.length_input)
    "perpetrator_name": PERPETRATOR,
    "protected_name": PROTECTED,
}


def test_a_dvpo_form_picks_its_dvpn_by_typing_its_number(slack: SlackDriver, ctx: ServiceContext, force: Force) -> None:
    notice = record(ctx, force.officer).reference
    form = open_record_form(slack, force.officer, "DVPO")
    [picker] = [b["element"] for b in form["blocks"] if b.get("block_id") == "parent_reference"]
    assert picker["type"] == "external_select" and picker["min_query_length"] == 1

    offered = slack.suggest(force.officer, form, "parent_reference", "1")
    assert [o["value"] for o in offered] == [notice]
    assert offered[0]["text"]["text"] == f"{notice} · DVPN · APE · active"  # initials, never a name
    assert slack.suggest(force.officer, form, "parent_reference", "") == []  # Slack asks nothing yet

    slack.submit(force.officer, form, {"order_type": "DVPO", **DVPO_ANSWERS, "parent_reference": offered[0]})
    confirmed = reply_text(slack.api.calls("chat.postEphemeral")[-1])
    assert "recorded" in confirmed
    slack.command(force.officer, f"show {notice}")
    assert "*Followed by*\nWM-DVPO-2026-0001" in reply_text(slack.last_reply())


def test_the_picker_offers_only_what_the_user_may_read_own_teams_first(
    slack: SlackDriver, ctx: ServiceContext, force: Force
) -> None:
    mine = record(ctx, force.officer).reference
    theirs = record(ctx, force.other_officer, dvpn("2025-12-30 20:00")).reference
    form = open_record_form(slack, force.officer, "DVPO")
    before = row_counts(ctx.engine)

    assert [o["value"] for o in slack.suggest(force.officer, form, "parent_reference", "0001")] == [mine]
    assert slack.suggest(force.officer, form, "parent_reference", "2025") == []  # team B's: not even a hint

    supervisor_form = open_record_form(slack, force.supervisor, "DVPO")
    body = slack.responses  # the groups as Slack gets them
    offered = slack.suggest(force.supervisor, supervisor_form, "parent_reference", "DVPN")
    assert [o["value"] for o in offered] == [mine, theirs]
    groups = body[-1]["option_groups"]
    assert [g["label"]["text"] for g in groups] == ["Your teams", "Other teams (a reason is asked)"]
    assert row_counts(ctx.engine) == before  # references and initials: no consultation to audit
