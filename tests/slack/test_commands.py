"""/dvpn new, show, list, deadline, help: signed requests into the real Bolt app, replies read from
the Slack stand-in."""

from __future__ import annotations

import json

from rules.order_types import OrderType
from services.context import ServiceContext
from services.records import checks, lifecycle
from services.records.order_writer import PersonInput
from tests.support.database import audit_rows, row_counts
from tests.support.force import Force, london
from tests.support.records import (
    PERPETRATOR,
    PERPETRATOR_ADDRESS,
    PROTECTED,
    PROTECTED_ADDRESS,
    dapo,
    dvpn,
    record,
)
from tests.support.slack_driver import CHANNEL, SlackDriver, reply_text


def only_reply(slack: SlackDriver) -> dict[str, object]:
    """The one reply a command got, through its response URL, and nothing else sent."""
    calls = slack.sent()
    assert [c.method for c in calls] == ["response_url"], [c.method for c in calls]
    return calls[0].args


def block_ids(view: dict[str, object]) -> list[str]:
    return [b["block_id"] for b in view["blocks"] if "block_id" in b]  # type: ignore[attr-defined]


# -- help ---------------------------------------------------------------------------------------------


def test_help_lists_every_officers_subcommand_ephemerally(slack: SlackDriver, force: Force) -> None:
    response = slack.command(force.officer, "help")

    assert response.status == 200
    reply = only_reply(slack)
    assert reply["response_type"] == "ephemeral"
    text = reply_text(slack.last_reply())
    for name in ("new", "show", "list", "hearing", "granted", "refused", "adjourned", "breach", "check"):
        assert f"`{name}`" in text
    for name in ("notified", "close", "deadline", "edit", "search"):
        assert f"`{name}`" in text
    assert "`admin`" not in text  # tests/slack/test_help.py: each role's help
    assert "`/dvpn help hearing` explains one command" in text


def test_an_empty_command_gets_the_help(slack: SlackDriver, force: Force) -> None:
    slack.command(force.officer, "   ")
    text = reply_text(slack.last_reply())
    assert "What would you like to do?" in text
    assert "`show`" in text


def test_an_unknown_subcommand_gets_help_with_a_suggestion(
    slack: SlackDriver, ctx: ServiceContext, force: Force
) -> None:
    before = row_counts(ctx.engine)
    slack.command(force.officer, "shwo WM-DVPN-2026-0001")

    reply = only_reply(slack)
    assert reply["response_type"] == "ephemeral"
    text = reply_text(slack.last_reply())
    assert "There is no /dvpn shwo. Did you mean `/dvpn show`?" in text
    assert row_counts(ctx.engine) == before


def test_an_unknown_word_with_nothing_close_gets_help_without_a_guess(slack: SlackDriver, force: Force) -> None:
    slack.command(force.officer, "xylophone")
    text = reply_text(slack.last_reply())
    assert "There is no /dvpn xylophone." in text
    assert "Did you mean" not in text


def test_subcommand_words_are_case_insensitive_and_aliases_work(slack: SlackDriver, force: Force) -> None:
    slack.command(force.officer, "HELP")
    slack.command(force.officer, "?")
    slack.command(force.officer, "ls")
    first, second, third = (reply_text(c) for c in slack.replies())
    assert "`show`" in first and "`show`" in second
    assert "Your records" in third


# -- new ----------------------------------------------------------------------------------------------


def test_new_opens_the_record_form_with_only_the_type_picker(
    slack: SlackDriver, ctx: ServiceContext, force: Force
) -> None:
    before = row_counts(ctx.engine)
    slack.command(force.officer, "new")

    [opened] = slack.sent()
    assert opened.method == "views.open"
    assert opened["trigger_id"].endswith(".trigger")
    view = opened.view
    assert view["callback_id"] == "record_form"
    assert view["title"]["text"] == "New protection record"
    assert view["submit"]["text"] == "Next"
    assert block_ids(view) == ["order_type"]
    assert json.loads(view["private_metadata"]) == {"channel": CHANNEL}
    assert not slack.replies()
    assert row_counts(ctx.engine) == before


def test_new_with_a_type_preselects_it_and_shows_its_fields(slack: SlackDriver, force: Force) -> None:
    slack.command(force.officer, "new dvpn")

    view = slack.opened_view()
    picker = view["blocks"][0]["element"]
    assert picker["initial_option"]["value"] == "DVPN"
    ids = block_ids(view)
    assert ids[:4] == ["order_type", "served_at", "authoriser_name", "authoriser_rank"]
    assert "perpetrator_name" in ids and "protected_name" in ids
    assert "duration" not in ids  # a notice has no length
    assert view["submit"]["text"] == "Record"


def test_new_with_an_unknown_type_says_which_types_there_are(
    slack: SlackDriver, ctx: ServiceContext, force: Force
) -> None:
    before = row_counts(ctx.engine)
    slack.command(force.officer, "new XYZ")

    reply = only_reply(slack)
    assert reply["response_type"] == "ephemeral"
    text = reply_text(slack.last_reply())
    assert "'XYZ' is not an order type this force records. Use one of: DVPN, DVPO" in text
    assert row_counts(ctx.engine) == before


# -- show ---------------------------------------------------------------------------------------------


def test_show_gives_the_officer_the_full_card_and_audits_the_view(
    slack: SlackDriver, ctx: ServiceContext, force: Force
) -> None:
    ref = record(ctx, force.officer).reference
    slack.command(force.officer, f"show {ref.lower()}")

    reply = only_reply(slack)
    assert reply["response_type"] == "ephemeral"
    call = slack.last_reply()
    text = reply_text(call)
    assert call.blocks[0] == {
        "type": "header",
        "text": {"type": "plain_text", "text": f"{ref} · DVPN", "emoji": True},
    }
    for shown in (PERPETRATOR, PROTECTED, "Born 15 Jan 1990", PERPETRATOR_ADDRESS, PROTECTED_ADDRESS):
        assert shown in text
    assert "Tue 07 Apr 2026 20:00 BST" in text
    assert "Good Friday" in text  # every deadline explained
    assert "Served*\nThu 02 Apr 2026 20:00 BST" in text
    buttons = [e["action_id"] for b in call.blocks if b["type"] == "actions" for e in b["elements"]]
    assert buttons == [
        "record_book_hearing",
        "record_breach",
        "record_check_done",
        "record_close",
        "record_post_to_channel",
    ]
    views = audit_rows(ctx.engine, action="view")
    assert len(views) == 1
    assert views[0]["entity_type"] == "protection_order"


def test_show_refuses_an_officer_of_another_team_with_the_reason(
    slack: SlackDriver, ctx: ServiceContext, force: Force
) -> None:
    ref = record(ctx, force.officer).reference
    before = row_counts(ctx.engine)
    slack.command(force.other_officer, f"show {ref}")

    reply = only_reply(slack)
    assert reply["response_type"] == "ephemeral"
    text = reply_text(slack.last_reply())
    assert f"{ref} belongs to another team, so you cannot see its details" in text
    assert PERPETRATOR not in text and PROTECTED not in text
    assert row_counts(ctx.engine) == before


def test_a_champion_reads_the_card_with_no_buttons_to_change_it(
    slack: SlackDriver, ctx: ServiceContext, force: Force
) -> None:
    ref = record(ctx, force.officer).reference
    slack.command(force.admin, f"admin team add Team A <@{force.champion}>")  # their own team: no reason asked
    slack.command(force.champion, f"show {ref}")

    call = slack.last_reply()
    text = reply_text(call)
    assert PERPETRATOR in text and PROTECTED in text
    buttons = [e["action_id"] for b in call.blocks if b["type"] == "actions" for e in b["elements"]]
    assert buttons == ["record_post_to_channel"]
    assert len(audit_rows(ctx.engine, action="view")) == 1


def test_a_supervisor_reads_and_may_change_their_teams_record(
    slack: SlackDriver, ctx: ServiceContext, force: Force
) -> None:
    ref = record(ctx, force.officer).reference
    slack.command(force.supervisor, f"show {ref}")
    call = slack.last_reply()
    buttons = [e["action_id"] for b in call.blocks if b["type"] == "actions" for e in b["elements"]]
    assert "record_book_hearing" in buttons


def test_show_without_or_with_a_bad_reference_says_what_to_type(
    slack: SlackDriver, ctx: ServiceContext, force: Force
) -> None:
    before = row_counts(ctx.engine)
    slack.command(force.officer, "show")
    slack.command(force.officer, "show banana")
    slack.command(force.officer, "show WM-DVPN-2026-9999")

    missing, bad, unknown = (reply_text(c) for c in slack.replies())
    assert "Give the record's reference: `/dvpn show REF`." in missing
    assert "'banana' is not a record reference (they look like WM-DVPN-2026-0042, or just 0042)" in bad
    assert "WM-DVPN-2026-9999" in unknown
    assert row_counts(ctx.engine) == before


# -- list ---------------------------------------------------------------------------------------------


def test_list_mine_shows_references_initials_and_next_deadlines(
    slack: SlackDriver, ctx: ServiceContext, force: Force
) -> None:
    first = record(ctx, force.officer).reference
    second = record(ctx, force.officer).reference
    record(ctx, force.colleague)
    before = row_counts(ctx.engine)
    slack.command(force.officer, "list")

    reply = only_reply(slack)
    assert reply["response_type"] == "ephemeral"
    text = reply_text(slack.last_reply())
    assert "*Your records* (1–2 of 2)" in text
    assert f"*{first}* · APE · <@{force.officer}>" in text
    assert second in text
    assert "Breach check: Fri 03 Apr 2026 20:00 BST" in text
    assert PERPETRATOR not in text
    assert row_counts(ctx.engine) == before  # lists are not consultations


def test_list_team_shows_colleagues_records_and_not_other_teams(
    slack: SlackDriver, ctx: ServiceContext, force: Force
) -> None:
    mine = record(ctx, force.officer).reference
    theirs = record(ctx, force.colleague).reference
    other = record(ctx, force.other_officer).reference
    slack.command(force.officer, "list team")

    text = reply_text(slack.last_reply())
    assert "*Your team's records* (1–2 of 2)" in text
    assert mine in text and theirs in text
    assert other not in text


def test_list_due_shows_deadlines_in_the_next_day(slack: SlackDriver, ctx: ServiceContext, force: Force) -> None:
    due = record(ctx, force.officer).reference  # first breach check Fri 03 Apr 20:00: within 24 hours
    later = record(ctx, force.officer).reference
    checks.complete_check(ctx, force.officer, later, london("2026-04-02 20:30"))  # next one in a week
    slack.command(force.officer, "list due")

    text = reply_text(slack.last_reply())
    assert "*Deadlines in the next 24 hours or passed* (1–1 of 1)" in text
    assert due in text and later not in text


def test_list_expiring_shows_orders_ending_within_a_week(slack: SlackDriver, ctx: ServiceContext, force: Force) -> None:
    ending = record(
        ctx,
        force.officer,
        dvpn(
            order_type=OrderType.DVPO,
            served_at=None,
            made_at=london("2026-03-25 10:00"),
            authoriser_name=None,
            authoriser_rank=None,
            duration_days=14,
        ),
    ).reference
    lasting = record(ctx, force.officer, dapo()).reference
    slack.command(force.officer, "list expiring")

    text = reply_text(slack.last_reply())
    assert "*Orders ending in the next 7 days* (1–1 of 1)" in text
    assert ending in text and lasting not in text


def test_list_lapsed_shows_notices_whose_hearing_deadline_passed(
    slack: SlackDriver, ctx: ServiceContext, force: Force
) -> None:
    old = record(ctx, force.officer, dvpn(served_at=london("2026-03-20 10:00"))).reference
    current = record(ctx, force.officer).reference
    lifecycle.apply_time(ctx)
    slack.command(force.officer, "list lapsed")

    text = reply_text(slack.last_reply())
    assert "*Lapsed notices* (1–1 of 1)" in text
    assert old in text and current not in text


def test_an_empty_list_says_so_and_names_the_others(slack: SlackDriver, force: Force) -> None:
    slack.command(force.officer, "list expiring")
    text = reply_text(slack.last_reply())
    assert "(none)" in text
    assert "Nothing here." in text


def test_list_of_an_unknown_scope_says_which_there_are(slack: SlackDriver, ctx: ServiceContext, force: Force) -> None:
    before = row_counts(ctx.engine)
    slack.command(force.officer, "list everything")
    text = reply_text(slack.last_reply())
    assert "List one of: mine, team, due, expiring, lapsed." in text
    assert row_counts(ctx.engine) == before


def test_a_long_list_pages_with_a_more_button(slack: SlackDriver, ctx: ServiceContext, force: Force) -> None:
    made = {record(ctx, force.officer).reference for _ in range(23)}
    slack.command(force.officer, "list mine")

    first = slack.last_reply()
    assert "*Your records* (1–20 of 23)" in reply_text(first)
    more = [e for b in first.blocks if b["type"] == "actions" for e in b["elements"]]
    assert [m["text"]["text"] for m in more] == ["More (3)"]
    assert json.loads(more[0]["value"]) == {"scope": "mine", "offset": 20}

    slack.press(force.officer, more[0]["action_id"], more[0]["value"])
    second = slack.last_reply()
    assert second["response_type"] == "ephemeral"
    assert "*Your records* (21–23 of 23)" in reply_text(second)
    assert not [b for b in second.blocks if b["type"] == "actions"]
    shown = {b["accessory"]["value"] for call in (first, second) for b in call.blocks if "accessory" in b}
    assert shown == made


# -- deadline -----------------------------------------------------------------------------------------


def test_deadline_calculator_echoes_how_the_time_was_read(slack: SlackDriver, force: Force) -> None:
    slack.command(force.officer, "deadline DVPN 2/4/2026 20:00")

    reply = only_reply(slack)
    assert reply["response_type"] == "ephemeral"
    text = reply_text(slack.last_reply())
    assert "Served: Thu 02 Apr 2026 20:00 BST" in text
    assert "Tue 07 Apr 2026 20:00 BST" in text
    assert "Good Friday" in text


def test_deadline_from_an_arrest_uses_the_breach_clock(slack: SlackDriver, force: Force) -> None:
    slack.command(force.officer, "deadline DVPO 2/4/2026 20:00 arrested")
    text = reply_text(slack.last_reply())
    assert "Arrested: Thu 02 Apr 2026 20:00 BST" in text


def test_deadline_without_a_type_or_with_an_unreadable_time_explains(
    slack: SlackDriver, ctx: ServiceContext, force: Force
) -> None:
    before = row_counts(ctx.engine)
    slack.command(force.officer, "deadline")
    slack.command(force.officer, "deadline DVPN blah")
    no_type, bad_time = (reply_text(c) for c in slack.replies())
    assert "Give the type first, one of DVPN, DVPO" in no_type
    assert "Could not read 'blah' as a date and time." in bad_time
    assert row_counts(ctx.engine) == before


def test_commands_reply_in_a_direct_message_too(slack: SlackDriver, force: Force) -> None:
    slack.command(force.officer, "help", channel="D0DIRECT1")
    assert slack.last_reply()["response_type"] == "ephemeral"


def test_names_typed_by_users_are_escaped_not_turned_into_mentions(
    slack: SlackDriver, ctx: ServiceContext, force: Force
) -> None:
    ref = record(ctx, force.officer, dvpn(perpetrator=PersonInput("<!channel> Evil & Co"))).reference
    slack.command(force.officer, f"show {ref}")
    text = reply_text(slack.last_reply())
    assert "&lt;!channel&gt; Evil &amp; Co" in text
    assert "<!channel>" not in text
