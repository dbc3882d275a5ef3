"""Short replies: a change is confirmed in a line or two (what changed, what is next) with a Show
record button; the full card only on `show` or that button. Every such reply fits a phone screen
(tests/support/phone.py counts the lines)."""

from __future__ import annotations

from datetime import timedelta

from services.context import ServiceContext
from tests.support.database import audit_rows
from tests.support.force import Force
from tests.support.phone import phone_lines
from tests.support.records import DVPN_ANSWERS, PERPETRATOR
from tests.support.slack_driver import SlackDriver, action_ids, open_record_form, reply_text

PHONE = 12  # lines


def test_an_officers_whole_dvpn_to_dvpo_life_is_confirmed_in_short_replies(
    slack: SlackDriver, ctx: ServiceContext, force: Force
) -> None:
    form = open_record_form(slack, force.officer, "DVPN")
    slack.submit(force.officer, form, {"order_type": "DVPN", **DVPN_ANSWERS})
    [recorded] = slack.api.calls("chat.postEphemeral")
    commands = [
        "hearing 0001 today 20:30 at Birmingham Magistrates",
        "granted DVPN-2026-0001 28 days",
        "breach DVPO-2026-0001 today 21:40 arrested today 21:45",
        "crime dvpo-2026-1 43/1234/26",
        "check DVPO-2026-0001 due tomorrow 10:00",
        "check DVPO-2026-0001 done today 21:55 spoke to the victim",
        'edit DVPO-2026-0001 risk high reason "risk reassessed at the visit"',
        "hearing 0042 tomorrow 10:00",  # refusals are short too
        "breach DVPO-2026-0001",
        "close DVPO-2026-0001 discharged the court discharged the order",
    ]
    for command in commands:
        slack.command(force.officer, command)
        if command.startswith("granted"):
            ctx.clock.advance(timedelta(hours=1))  # 22:00: the DVPO in force for an hour
    replies = [recorded, *slack.replies()]
    assert len(replies) == 1 + len(commands)

    texts = [reply_text(r) for r in replies]
    for text, reply in zip(texts, replies, strict=True):
        assert phone_lines(reply.blocks) < PHONE, text
        assert PERPETRATOR not in text, text  # the card (with the names) is behind the button
    assert "WM-DVPN-2026-0001 recorded." in texts[0] and "Next: book the hearing." in texts[0]
    assert action_ids(recorded.blocks) == ["record_open", "record_book_hearing"]
    assert "Hearing booked for WM-DVPN-2026-0001" in texts[1] and "record the hearing's outcome" in texts[1]
    assert "WM-DVPO-2026-0001 recorded, following WM-DVPN-2026-0001" in texts[2]
    assert "No record you may read ends in '0042'" in texts[8]
    assert "Give when the breach happened" in texts[9]
    assert "WM-DVPO-2026-0001 is discharged" in texts[10]
    for reply in replies[:8] + replies[10:]:
        assert "record_open" in action_ids(reply.blocks)


def test_show_record_opens_the_card_ephemerally_audited_as_a_view(
    slack: SlackDriver, ctx: ServiceContext, force: Force
) -> None:
    form = open_record_form(slack, force.officer, "DVPN")
    slack.submit(force.officer, form, {"order_type": "DVPN", **DVPN_ANSWERS})
    views_before = len(audit_rows(ctx.engine, action="view"))

    slack.press(force.officer, "record_open", "WM-DVPN-2026-0001")

    card = slack.last_reply()
    assert card["response_type"] == "ephemeral"
    assert PERPETRATOR in reply_text(card)
    assert len(audit_rows(ctx.engine, action="view")) == views_before + 1


def test_both_references_of_a_dvpn_and_its_dvpo_find_the_pair(
    slack: SlackDriver, ctx: ServiceContext, force: Force
) -> None:
    form = open_record_form(slack, force.officer, "DVPN")
    slack.submit(force.officer, form, {"order_type": "DVPN", **DVPN_ANSWERS})
    slack.command(force.officer, "hearing 0001 today 20:30")
    slack.command(force.officer, "granted 0001 28 days")  # the DVPN's number: the only active 0001 then
    slack.command(force.officer, "show DVPN-2026-0001")
    slack.command(force.officer, "show DVPO-2026-0001")
    notice, order = (reply_text(r) for r in slack.replies()[-2:])
    assert "*Followed by*\nWM-DVPO-2026-0001" in notice
    assert "*Follows*\nWM-DVPN-2026-0001" in order
