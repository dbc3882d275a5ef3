"""A form's warnings where Slack can draw them. The hearing form opened for a notice says its
statutory deadline in an alert block before a time is typed (Slack draws alert blocks in modals
only); a time after it is still saved and flagged on the confirmation. Through the real Bolt app."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from blocks import actions as ids
from blocks.forms import deadline_alert
from services.context import ServiceContext
from tests.support.block_limits import check_view
from tests.support.force import Force, london
from tests.support.records import record
from tests.support.slack_driver import SlackDriver, reply_text


def alerts(view: dict[str, Any]) -> list[dict[str, Any]]:
    return [b for b in view["blocks"] if b["type"] == "alert"]


def test_the_hearing_form_says_the_notices_deadline_before_a_time_is_typed(
    slack: SlackDriver, ctx: ServiceContext, force: Force
) -> None:
    ref = record(ctx, force.officer).reference  # served Thu 02 Apr 20:00
    slack.press(force.officer, ids.BOOK_HEARING, ref)
    form = slack.opened_view()
    check_view(form)  # valid Block Kit: an alert block in a modal
    [alert] = alerts(form)
    assert alert["level"] == "info"
    assert alert["text"]["text"].startswith("Must be heard by ")
    assert "(the statutory deadline). A later time is flagged." in alert["text"]["text"]

    slack.submit(force.officer, form, {"scheduled_at": "9/4/2026 10:00"})  # after the deadline
    [confirmed] = slack.api.calls("chat.postEphemeral")
    assert ":warning:" in reply_text(confirmed) and "after the statutory deadline" in reply_text(confirmed)


def test_a_deadline_passed_is_a_warning() -> None:
    alert = deadline_alert(london("2026-04-07 20:00"), london("2026-04-07 20:30"), ZoneInfo("Europe/London"))
    assert alert["level"] == "warning"
    assert alert["text"]["text"] == (
        "The statutory deadline passed Tue 07 Apr 2026 20:00 BST: any hearing booked now is after it."
    )
