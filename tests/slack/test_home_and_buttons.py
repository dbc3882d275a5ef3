"""The App Home, the record card's buttons, posting to a channel, and the global shortcut."""

from __future__ import annotations

import json
from typing import Any

import pytest
import sqlalchemy as sa

from blocks import actions as ids
from models import metadata
from services.context import ServiceContext
from services.records import checks
from tests.support.database import row_counts
from tests.support.force import Force, london
from tests.support.records import DVPN_ANSWERS, PERPETRATOR, PERSONAL, dvpn, record
from tests.support.slack_driver import SlackDriver, ack_body, action_ids, blocks_text, reply_text


def home_opened(slack: SlackDriver, user: str) -> dict[str, Any]:
    slack.event({"type": "app_home_opened", "user": user, "channel": "D0HOME", "tab": "home"})
    [published] = [c for c in slack.api.calls("views.publish") if c["user_id"] == user][-1:]
    return published.view


def texts(view: dict[str, Any]) -> str:
    return blocks_text(view["blocks"])


# -- App Home -----------------------------------------------------------------------------------------


def test_the_home_shows_an_officers_work_today_with_its_buttons(
    slack: SlackDriver, ctx: ServiceContext, force: Force
) -> None:
    mine = record(ctx, force.officer).reference
    theirs = record(ctx, force.colleague).reference
    checks.plan_check(ctx, force.officer, mine, london("2026-04-02 23:00"))
    home = home_opened(slack, force.officer)

    assert home["type"] == "home"
    text = texts(home)
    assert "*Mine today* (1)" in text
    assert f"*{mine}* (APE) DVPN: no hearing booked; must be heard by" in text and theirs not in text
    assert "; also breach check due Thu 02 Apr 2026 23:00 BST" in text  # the record once, its items together
    assert "Nothing waiting." in text
    assert "My team" not in text  # officers have no team section
    assert PERPETRATOR not in text
    assert action_ids(home["blocks"])[:2] == ["record_new", "record_book_hearing"]


def test_a_supervisor_sees_their_teams_open_work_with_a_nudge(
    slack: SlackDriver, ctx: ServiceContext, force: Force
) -> None:
    overdue = record(ctx, force.officer, dvpn(served_at=london("2026-03-31 10:00"))).reference
    fresh = record(ctx, force.colleague).reference
    other_team = record(ctx, force.other_officer, dvpn(served_at=london("2026-03-31 10:00"))).reference
    home = home_opened(slack, force.supervisor)

    text = texts(home)
    section = text.split("*My team* (2)")[1]
    assert section.index(overdue) < section.index(fresh)  # most urgent first
    assert f"*{overdue}* (APE) DVPN: lapsed Thu 02 Apr 2026 10:00 BST: remove it from the PNC" in section
    assert other_team not in text
    assert action_ids(home["blocks"]).count(ids.DIGEST_NUDGE) == 2


def test_a_newcomer_is_told_to_ask_an_admin_for_a_team(slack: SlackDriver, force: Force) -> None:
    text = texts(home_opened(slack, force.newcomer))
    assert "You are not in a team yet" in text and "`/dvpn admin team add TEAM @you`" in text
    assert "No open records." not in text and "New protection record" not in text


def test_the_messages_tab_publishes_nothing(slack: SlackDriver, force: Force) -> None:
    slack.event({"type": "app_home_opened", "user": force.officer, "channel": "D0HOME", "tab": "messages"})
    assert not slack.api.calls("views.publish")


def test_the_home_new_record_button_opens_the_record_form(slack: SlackDriver, force: Force) -> None:
    slack.press(force.officer, "record_new", "", where="home")
    [opened] = slack.api.calls("views.open")
    assert opened.view["callback_id"] == "record_form"
    assert opened.view["private_metadata"] == "{}"


def test_open_from_the_home_shows_the_card_as_a_modal(slack: SlackDriver, ctx: ServiceContext, force: Force) -> None:
    ref = record(ctx, force.officer).reference
    slack.press(force.officer, "record_open", ref, where="home")

    [opened] = slack.api.calls("views.open")
    view = opened.view
    assert view["type"] == "modal"
    assert view["title"]["text"] == ref
    assert PERPETRATOR in texts(view)
    assert "record_book_hearing" in action_ids(view["blocks"])
    assert "record_post_to_channel" not in action_ids(view["blocks"])  # there is no channel in a modal
    assert not slack.replies()


def test_a_button_in_the_card_modal_pushes_its_form_and_confirms_by_dm(
    slack: SlackDriver, ctx: ServiceContext, force: Force
) -> None:
    ref = record(ctx, force.officer).reference
    slack.press(force.officer, "record_open", ref, where="home")
    card = slack.opened_view()
    slack.press(force.officer, "record_breach", ref, where="modal", view={**card, "type": "modal"})
    [pushed] = slack.api.calls("views.push")
    assert pushed.view["callback_id"] == "breach_form"
    form = slack.opened_view()
    slack.submit(force.officer, form, {"occurred_at": "today 20:30"})
    [dm] = slack.api.calls("chat.postMessage")
    assert dm["channel"] == force.officer
    assert f"Breach of {ref} recorded." in reply_text(dm)


def test_the_home_done_button_opens_the_check_form(slack: SlackDriver, ctx: ServiceContext, force: Force) -> None:
    ref = record(ctx, force.officer).reference
    slack.press(force.officer, "record_check_done", ref, where="home")
    [opened] = slack.api.calls("views.open")
    assert opened.view["callback_id"] == "check_form"
    assert json.loads(opened.view["private_metadata"]) == {"ref": ref, "home": True}


# -- card buttons -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "action_id, callback_id, title",
    [
        ("record_book_hearing", "hearing_form", "Book hearing"),
        ("record_outcome", "outcome_form", "Hearing outcome"),
        ("record_breach", "breach_form", "Record breach"),
        ("record_check_done", "check_form", "Breach check done"),
        ("record_close", "close_form", "Close record"),
    ],
)
def test_each_card_button_opens_its_form(
    slack: SlackDriver, ctx: ServiceContext, force: Force, action_id: str, callback_id: str, title: str
) -> None:
    ref = record(ctx, force.officer).reference
    before = row_counts(ctx.engine)
    slack.press(force.officer, action_id, ref)

    [opened] = slack.sent()
    assert opened.method == "views.open"
    assert opened.view["callback_id"] == callback_id
    assert opened.view["title"]["text"] == title
    assert f"*{ref}*" in texts(opened.view)
    assert row_counts(ctx.engine) == before


@pytest.mark.parametrize("who", ["other_officer", "champion"])
def test_a_user_who_may_not_change_the_record_is_refused_before_the_form_opens(
    slack: SlackDriver, ctx: ServiceContext, force: Force, who: str
) -> None:
    ref = record(ctx, force.officer).reference
    before = row_counts(ctx.engine)
    slack.press(getattr(force, who), "record_book_hearing", ref)

    assert not slack.api.calls("views.open")
    [reply] = slack.sent()
    assert reply.method == "response_url"
    assert reply["response_type"] == "ephemeral"
    assert reply["replace_original"] is False
    text = reply_text(reply)
    expected = (
        f"{ref} belongs to another team. Only its officers and their supervisors can change it."
        if who == "other_officer"
        else "Champions can read records but not change them."
    )
    assert expected in text
    assert row_counts(ctx.engine) == before


def test_open_in_a_message_replies_with_the_card(slack: SlackDriver, ctx: ServiceContext, force: Force) -> None:
    ref = record(ctx, force.officer).reference
    slack.press(force.colleague, "record_open", ref)
    reply = slack.last_reply()
    assert reply["response_type"] == "ephemeral"
    assert PERPETRATOR in reply_text(reply)


def test_open_by_someone_who_may_not_read_is_refused(slack: SlackDriver, ctx: ServiceContext, force: Force) -> None:
    ref = record(ctx, force.officer).reference
    slack.press(force.other_officer, "record_open", ref)
    text = reply_text(slack.last_reply())
    assert "belongs to another team, so you cannot see its details" in text
    assert PERPETRATOR not in text


# -- posting to a channel -----------------------------------------------------------------------------


def test_post_to_channel_shows_reference_and_initials_only(
    slack: SlackDriver, ctx: ServiceContext, force: Force
) -> None:
    ref = record(ctx, force.officer).reference
    checks.complete_check(ctx, force.officer, ref, london("2026-04-02 20:40"), "Spoke to Samantha at 2 Safe Close")
    slack.command(
        force.officer, f"breach {ref} today 20:50 arrested today 20:55 crime 43/1/26 details Alexander shouted"
    )
    slack.press(force.officer, "record_post_to_channel", ref)

    posted = slack.last_reply()
    assert posted["response_type"] == "in_channel"
    assert posted["replace_original"] is False
    text = reply_text(posted)
    assert ref in text and "APE" in text
    for personal in PERSONAL:
        assert personal not in text, personal
    assert "Born" not in text
    assert "Skipped" not in text  # no explanations in a channel either: short and safe
    assert action_ids(posted.blocks) == ["record_open"]


def test_post_to_channel_from_a_modal_is_explained(slack: SlackDriver, ctx: ServiceContext, force: Force) -> None:
    ref = record(ctx, force.officer).reference
    slack.press(force.officer, "record_post_to_channel", ref, where="home")
    [dm] = slack.sent()
    assert dm.method == "chat.postMessage"
    assert dm["channel"] == force.officer
    assert "Post a record from a channel" in reply_text(dm)


def test_post_to_channel_is_refused_to_someone_who_may_not_read(
    slack: SlackDriver, ctx: ServiceContext, force: Force
) -> None:
    ref = record(ctx, force.officer).reference
    slack.press(force.other_officer, "record_post_to_channel", ref)
    [reply] = slack.sent()
    assert reply["response_type"] == "ephemeral"
    assert "belongs to another team" in reply_text(reply)


def test_the_channel_card_open_button_checks_the_presser(slack: SlackDriver, ctx: ServiceContext, force: Force) -> None:
    ref = record(ctx, force.officer).reference
    slack.press(force.champion, "record_open", ref)  # beyond the champion's own team: asked why first
    assert slack.opened_view()["callback_id"] == "justification_form"
    slack.press(force.other_officer, "record_open", ref)
    assert PERPETRATOR not in reply_text(slack.last_reply())


# -- the global shortcut ------------------------------------------------------------------------------


def test_the_global_shortcut_opens_the_record_form(slack: SlackDriver, ctx: ServiceContext, force: Force) -> None:
    before = row_counts(ctx.engine)
    slack.shortcut(force.officer, "new_protection_record")
    [opened] = slack.sent()
    assert opened.method == "views.open"
    assert opened.view["callback_id"] == "record_form"
    assert [b["block_id"] for b in opened.view["blocks"] if "block_id" in b] == ["order_type"]
    assert row_counts(ctx.engine) == before


def test_a_record_made_from_the_shortcut_is_confirmed_by_dm(
    slack: SlackDriver, ctx: ServiceContext, force: Force
) -> None:
    slack.shortcut(force.officer, "new_protection_record")
    picker = slack.opened_view()
    slack.choose(force.officer, picker, "order_type", "record_form_order_type", "DVPN")
    form = slack.api.view(picker["id"])
    slack.submit(force.officer, form, {"order_type": "DVPN", **DVPN_ANSWERS})
    [dm] = slack.api.calls("chat.postMessage")
    assert dm["channel"] == force.officer
    assert "WM-DVPN-2026-0001 recorded." in reply_text(dm)


# -- first contact and admins -----------------------------------------------------------------------------


def user_row(ctx: ServiceContext, slack_id: str) -> dict[str, Any] | None:
    table = metadata.tables["app_user"]
    with ctx.engine.connect() as connection:
        row = connection.execute(sa.select(table).where(table.c.slack_user_id == slack_id)).first()
    return dict(row._mapping) if row else None


def test_settings_admins_are_admins_from_their_first_request(slack: SlackDriver, ctx: ServiceContext) -> None:
    assert user_row(ctx, "UADMIN") is None  # no force fixture: nobody has used the app yet
    slack.command("UADMIN", "admin team create Fresh")
    assert "Team Fresh created." in reply_text(slack.last_reply())
    assert user_row(ctx, "UADMIN")["role"] == "admin"  # type: ignore[index]


def test_a_first_contact_user_is_an_officer_with_no_team_and_told_to_ask_an_admin(
    slack: SlackDriver, ctx: ServiceContext, force: Force
) -> None:
    before = row_counts(ctx.engine)
    for typed in ("list", "admin team create Mine", "new DVPN"):
        slack.command("UFIRST", typed)
        assert "Ask an admin to place you" in reply_text(slack.last_reply())
    assert not slack.api.calls("views.open")
    assert row_counts(ctx.engine) == before and user_row(ctx, "UFIRST") is None

    slack.command(force.admin, "admin team add Team A <@UFIRST>")  # the command the refusal names
    first = user_row(ctx, "UFIRST")
    assert first is not None and first["role"] == "officer" and first["team_id"] is not None
    slack.command("UFIRST", "new DVPN")
    response = slack.submit("UFIRST", slack.opened_view(), {"order_type": "DVPN", **DVPN_ANSWERS})
    assert ack_body(response) == {}
