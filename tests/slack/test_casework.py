"""Through the real Bolt app: the justification asked before a record beyond one's team is opened
(command -> modal -> submit -> card, and its audit row), /dvpn caseload, perpetrator, search and
audit with their buttons, and their refusals."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from services.clock import ManualClock
from services.context import ServiceContext
from services.records import recording as records
from tests.support.casework import Seeded
from tests.support.database import audit_rows, row_counts
from tests.support.force import Force, london
from tests.support.records import PERPETRATOR, PROTECTED, dvpn, record
from tests.support.slack_driver import SlackDriver, ack_body, action_ids, blocks_text, reply_text

REASON = "MARAC review of repeat victim"


def justification_form(slack: SlackDriver) -> dict[str, Any]:
    view = slack.opened_view()
    assert view["callback_id"] == "justification_form"
    return view


def view_rows(ctx: ServiceContext) -> list[dict[str, object]]:
    return audit_rows(ctx.engine, action="view")


def button_values(blocks: list[dict[str, Any]], action_id: str) -> list[str]:
    found = [e for b in blocks if b.get("type") == "actions" for e in b["elements"]]
    found += [b["accessory"] for b in blocks if "accessory" in b]
    return [e["value"] for e in found if e.get("action_id") == action_id]


# -- the justification -------------------------------------------------------------------------------


def test_a_champion_gives_a_reason_then_sees_the_card_and_the_reason_is_logged(
    slack: SlackDriver, ctx: ServiceContext, force: Force, clock: ManualClock
) -> None:
    ref = record(ctx, force.officer).reference
    before = row_counts(ctx.engine)
    slack.command(force.champion, f"show {ref}")

    form = justification_form(slack)
    assert json.loads(form["private_metadata"]) == {"ref": ref, "channel": "C0PPUNORTH"}
    assert f"*{ref}* belongs to a team outside yours" in blocks_text(form["blocks"])
    assert PERPETRATOR not in json.dumps([c.args for c in slack.api.calls()])  # nothing shown yet
    assert row_counts(ctx.engine) == before

    clock.advance(timedelta(minutes=5))
    answer = ack_body(slack.submit(force.champion, form, {"justification": f"  {REASON} "}))

    assert answer["response_action"] == "update"
    card = answer["view"]
    assert card["title"]["text"] == ref[:24]
    assert PERPETRATOR in blocks_text(card["blocks"]) and PROTECTED in blocks_text(card["blocks"])
    assert action_ids(card["blocks"]) == []  # read-only, and no posting from a modal
    [row] = view_rows(ctx)
    assert (row["actor"], row["justification"], row["at"], row["source"]) == (
        f"slack:{force.champion}",
        REASON,
        london("2026-04-02 21:05"),
        "slack",
    )


@pytest.mark.parametrize(
    "typed, message",
    [
        (None, "Give a short reason for opening this record"),
        ("ok", "Say why in a few more words (at least 10 characters)."),
    ],
)
def test_an_empty_or_token_reason_is_refused_inline_and_nothing_is_written(
    slack: SlackDriver, ctx: ServiceContext, force: Force, typed: str | None, message: str
) -> None:
    ref = record(ctx, force.officer).reference
    slack.command(force.champion, f"show {ref}")
    form = justification_form(slack)
    before = row_counts(ctx.engine)

    answer = ack_body(slack.submit(force.champion, form, {"justification": typed}))

    assert answer["response_action"] == "errors"
    assert message in answer["errors"]["justification"]
    assert row_counts(ctx.engine) == before
    assert view_rows(ctx) == []


@pytest.mark.parametrize("who", ["officer", "colleague", "supervisor"])
def test_the_team_and_its_supervisor_are_not_asked(
    slack: SlackDriver, ctx: ServiceContext, force: Force, who: str
) -> None:
    ref = record(ctx, force.officer).reference
    slack.command(getattr(force, who), f"show {ref}")

    assert not slack.api.calls("views.open")
    assert PERPETRATOR in reply_text(slack.last_reply())
    [row] = view_rows(ctx)
    assert row["justification"] is None


def test_a_supervisor_is_asked_for_another_teams_record(slack: SlackDriver, ctx: ServiceContext, force: Force) -> None:
    ref = record(ctx, force.other_officer).reference
    slack.command(force.supervisor, f"show {ref}")
    form = justification_form(slack)
    card = ack_body(slack.submit(force.supervisor, form, {"justification": REASON}))["view"]
    assert PERPETRATOR in blocks_text(card["blocks"])
    assert "record_book_hearing" not in action_ids(card["blocks"])  # another team's: read only
    assert view_rows(ctx)[0]["justification"] == REASON


def test_open_from_the_app_home_and_from_a_modal_asks_first(
    slack: SlackDriver, ctx: ServiceContext, force: Force
) -> None:
    ref = record(ctx, force.other_officer).reference
    slack.press(force.admin, "record_open", ref, where="home")
    [opened] = slack.api.calls("views.open")
    assert opened.view["callback_id"] == "justification_form"

    slack.press(force.admin, "record_open", ref, where="modal")
    [pushed] = slack.api.calls("views.push")
    assert pushed.view["callback_id"] == "justification_form"
    assert view_rows(ctx) == []

    card = ack_body(slack.submit(force.admin, justification_form(slack), {"justification": REASON}))["view"]
    assert PERPETRATOR in blocks_text(card["blocks"])


def test_after_a_reason_the_cards_buttons_work_without_asking_again(
    slack: SlackDriver, ctx: ServiceContext, force: Force
) -> None:
    ref = record(ctx, force.officer).reference
    slack.press(force.champion, "record_open", ref)  # from a channel card
    form = justification_form(slack)
    slack.submit(force.champion, form, {"justification": REASON})
    slack.press(force.champion, "record_post_to_channel", ref)

    posted = slack.last_reply()
    assert posted["response_type"] == "in_channel"
    assert PERPETRATOR not in reply_text(posted)
    assert [r["justification"] for r in view_rows(ctx)] == [REASON, REASON]


# -- /dvpn caseload ----------------------------------------------------------------------------------


def test_caseload_shows_counts_then_records_by_urgency(
    slack: SlackDriver, ctx: ServiceContext, force: Force, casework: Seeded
) -> None:
    slack.command(force.supervisor, "caseload")

    call = slack.last_reply()
    text = reply_text(call)
    assert "*Caseload: your teams* · active (1–3 of 3)" in text
    assert "*By status:* active 3 · withdrawn 1" in text
    [table] = [b for b in call.blocks if b["type"] == "table"]
    officer = {"type": "user", "user_id": force.officer}
    assert table["rows"][0] == [{"type": "raw_text", "text": t} for t in ("Officer", "Records", "Overdue")]
    first = table["rows"][1]
    assert first[0]["elements"][0]["elements"][0] == officer
    assert [c["text"] for c in first[1:]] == ["2", "1"]
    assert f"<@{force.officer}> · 2 · 1" in call["text"]  # the table in plain lines, for clients without it
    assert button_values(call.blocks, "record_open") == [casework.smith_dvpo, casework.obrien_dvpn, casework.smith_dvpn]
    assert "Breach check: Sat 21 Mar 2026 11:00 GMT" in text
    assert "John" not in text and "Smith" not in text
    assert call["response_type"] == "ephemeral"


def test_caseload_filters_and_their_mistakes(
    slack: SlackDriver, ctx: ServiceContext, force: Force, casework: Seeded
) -> None:
    slack.command(force.champion, "caseload all type:dvpo due:7d")
    call = slack.last_reply()
    assert "*Caseload: the force* · DVPO · active · a deadline within 7 days (1–2 of 2)" in reply_text(call)
    assert button_values(call.blocks, "record_open") == [casework.smith_dvpo, casework.obrien_dvpo]

    slack.command(force.officer, "caseload @UOFFA2 status:all")
    assert button_values(slack.last_reply().blocks, "record_open") == [casework.smith_dvpo, casework.khan_dvpn]

    before = row_counts(ctx.engine)
    slack.command(force.officer, "caseload colour:red")
    text = reply_text(slack.last_reply())
    assert "'colour:red' is not a caseload filter. Filters: `type:` DVPN|" in text
    assert "`risk:` standard|medium|high|none" in text and "`due:` 24h|7d|2w|overdue" in text
    slack.command(force.officer, "caseload all")
    assert "Only champions and admins can see the whole force's caseload." in reply_text(slack.last_reply())
    slack.command(force.officer, "caseload Team B")
    assert "Team B is not a team you work in or supervise. You can ask for your own records, Team A" in reply_text(
        slack.last_reply()
    )
    slack.command(force.officer, "caseload all @UOFFA2")
    assert "Ask for one of: an @officer, a team, or `all`." in reply_text(slack.last_reply())
    assert row_counts(ctx.engine) == before


def test_caseload_pages_with_a_more_button(slack: SlackDriver, ctx: ServiceContext, force: Force) -> None:
    made = [record(ctx, force.officer, dvpn(served_at=london("2026-04-02 20:00"))).reference for _ in range(23)]
    slack.command(force.officer, "caseload me")
    first = slack.last_reply()
    assert "(1–20 of 23)" in reply_text(first)
    [more] = button_values(first.blocks, "caseload_more")
    assert json.loads(more) == {"q": json.dumps({"officer": force.officer}, separators=(",", ":")), "offset": 20}

    slack.press(force.officer, "caseload_more", more)
    second = slack.last_reply()
    assert "(21–23 of 23)" in reply_text(second)
    assert "By status" not in reply_text(second)
    shown = button_values(first.blocks, "record_open") + button_values(second.blocks, "record_open")
    assert sorted(shown) == sorted(made)
    assert button_values(second.blocks, "caseload_more") == []


# -- /dvpn perpetrator and /dvpn search --------------------------------------------------------------


def test_perpetrator_history_in_slack(slack: SlackDriver, ctx: ServiceContext, force: Force, casework: Seeded) -> None:
    slack.command(force.officer, "perpetrator Smith, Jon")
    call = slack.last_reply()
    text = reply_text(call)
    assert "Perpetrator history: John Smith" in text
    assert "3 records · born 1985 · PNC 12/345678U" in text
    assert "*Repeat perpetrator:* 3 notices/orders in the last 12 months; 1 breach recorded" in text
    assert "Mary Jones" in text and "KB _(initials: not a record you can read)_" in text
    assert "Kate" not in text
    assert button_values(call.blocks, "record_open") == [casework.smith_dvpn, casework.smith_dvpo, casework.smith_dapo]
    assert call["text"] == "Perpetrator history: 3 records (repeat)"  # no name in the notification


def test_several_matches_are_listed_to_pick_from(
    slack: SlackDriver, ctx: ServiceContext, force: Force, casework: Seeded
) -> None:
    slack.command(force.champion, "perpetrator steve o'brien")
    call = slack.last_reply()
    text = reply_text(call)
    assert "*2 people match that name.*" in text
    assert f"*SO* · born 1979 · no PNC id · 1 record (latest {casework.obrien_dvpo})" in text
    assert "Stephen" not in text and "Steve" not in text.replace("steve o'brien", "")
    picks = button_values(call.blocks, "perpetrator_pick")
    assert picks == [casework.obrien_dvpo, casework.obrien_dvpn]

    slack.press(force.champion, "perpetrator_pick", picks[1])
    picked = reply_text(slack.last_reply())  # beyond the champion's teams: initials until a reason is given
    assert "Perpetrator history: SO" in picked and f"Names on {casework.obrien_dvpn} are withheld" in picked
    slack.press(force.supervisor, "perpetrator_pick", picks[1])  # Team A's record, to Team A's supervisor
    assert "Perpetrator history: Stephen O'Brien" in reply_text(slack.last_reply())


def test_search_lists_records_with_open_buttons(
    slack: SlackDriver, ctx: ServiceContext, force: Force, casework: Seeded
) -> None:
    slack.command(force.officer, "search mary jones")
    call = slack.last_reply()
    assert "*Search:* mary jones · 2 records" in reply_text(call)
    assert "_matched its protected person's name_" in reply_text(call)
    assert button_values(call.blocks, "record_open") == [casework.smith_dvpn, casework.smith_dvpo]

    before = row_counts(ctx.engine)
    slack.command(force.officer, "search x")
    assert "Give at least 3 characters" in reply_text(slack.last_reply())
    assert row_counts(ctx.engine) == before


# -- /dvpn audit ---------------------------------------------------------------------------------------


def test_audit_trail_for_a_supervisor_in_london_time(
    slack: SlackDriver, ctx: ServiceContext, force: Force, clock: ManualClock
) -> None:
    ref = record(ctx, force.officer).reference
    clock.advance(timedelta(minutes=30))
    records.view(ctx, force.champion, ref, justification=REASON)
    slack.command(force.supervisor, f"audit {ref}")

    text = reply_text(slack.last_reply())
    assert f"*Audit trail of {ref}* (1–4 of 4)" in text  # created, its first check, viewed, this reading
    assert f"*Thu 02 Apr 2026 21:00 BST* · <@{force.officer}> created the record _(via slack)_" in text
    assert f"*Thu 02 Apr 2026 21:30 BST* · <@{force.champion}> viewed the details of the record" in text
    assert f"> Reason: {REASON}" in text
    assert f"<@{force.supervisor}> read the audit trail of the record" in text


def test_audit_trail_is_refused_to_officers_and_champions(
    slack: SlackDriver, ctx: ServiceContext, force: Force
) -> None:
    ref = record(ctx, force.officer).reference
    before = row_counts(ctx.engine)
    slack.command(force.officer, f"audit {ref}")
    assert "Only supervisors or admins can see a record's audit trail. Your role is officer." in reply_text(
        slack.last_reply()
    )
    slack.command(force.champion, f"audit {ref}")
    assert "Your role is champion." in reply_text(slack.last_reply())
    slack.command(force.supervisor, "audit")
    assert "Give the record's reference: `/dvpn audit REF`." in reply_text(slack.last_reply())
    assert row_counts(ctx.engine) == before


def test_audit_trail_pages_with_a_more_button(
    slack: SlackDriver, ctx: ServiceContext, force: Force, clock: ManualClock
) -> None:
    ref = record(ctx, force.officer).reference
    for _ in range(24):
        clock.advance(timedelta(minutes=1))
        records.view(ctx, force.colleague, ref)
    slack.command(force.admin, f"audit {ref}")
    first = slack.last_reply()
    assert "(1–20 of 27)" in reply_text(first)  # created, its first check, 24 views, this reading
    [more] = button_values(first.blocks, "audit_more")
    slack.press(force.admin, "audit_more", more)
    second = slack.last_reply()
    assert "(21–28 of 28)" in reply_text(second)  # the first reading joined the trail
    assert button_values(second.blocks, "audit_more") == []
