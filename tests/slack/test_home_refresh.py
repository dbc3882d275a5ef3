"""The App Home is published again when something started on it is done: a form opened from it
saved, a reminder settled from it, an officer nudged from it. The item acted on leaves the Home
without the user reopening the tab. Through the real Bolt app and the local Slack stand-in."""

from __future__ import annotations

import json
from typing import Any

import pytest

from blocks import actions as ids
from console.slack_api import SlackWebAPI
from scheduler.notifier import SlackNotifier
from services.clock import ManualClock
from services.context import ServiceContext
from tests.support.block_limits import check_view
from tests.support.force import Force, london
from tests.support.records import dvpn, record
from tests.support.slack_driver import SlackDriver, action_ids, blocks_text
from tests.support.sweeps import make_notifier, run_until


@pytest.fixture
def notifier(slack_api: SlackWebAPI) -> SlackNotifier:
    return make_notifier(slack_api)


def published(slack: SlackDriver, user: str) -> list[dict[str, Any]]:
    """The Home views published for `user`, oldest first, each checked as valid Block Kit."""
    views = [c.view for c in slack.api.calls("views.publish") if c["user_id"] == user]
    for view in views:
        check_view(view)
    return views


def home_of(slack: SlackDriver, user: str) -> dict[str, Any]:
    slack.event({"type": "app_home_opened", "user": user, "channel": "D0HOME", "tab": "home"})
    return published(slack, user)[-1]


def button_value(view: dict[str, Any], action_id: str) -> str:
    for block in view["blocks"]:
        for element in [block.get("accessory") or {}, *block.get("elements", [])]:
            if element.get("action_id") == action_id:
                return str(element.get("value") or "")
    raise AssertionError(f"no {action_id} button on the Home")


def test_a_hearing_booked_from_the_home_leaves_the_home_at_once(
    slack: SlackDriver, ctx: ServiceContext, force: Force
) -> None:
    ref = record(ctx, force.officer).reference
    home = home_of(slack, force.officer)
    assert f"*{ref}*" in blocks_text(home["blocks"]) and ids.BOOK_HEARING in action_ids(home["blocks"])

    slack.press(force.officer, ids.BOOK_HEARING, button_value(home, ids.BOOK_HEARING), where="home")
    form = slack.opened_view()
    assert json.loads(form["private_metadata"]) == {"ref": ref, "home": True}
    before = len(published(slack, force.officer))
    slack.submit(force.officer, form, {"scheduled_at": "monday 10:00", "court": "Coventry Magistrates"})

    views = published(slack, force.officer)
    assert len(views) == before + 1  # published again, without the tab being reopened
    after = blocks_text(views[-1]["blocks"])
    assert "no hearing booked" not in after
    assert ids.BOOK_HEARING not in action_ids(views[-1]["blocks"])


def test_a_form_opened_in_a_conversation_does_not_publish_the_home(
    slack: SlackDriver, ctx: ServiceContext, force: Force
) -> None:
    ref = record(ctx, force.officer).reference
    slack.press(force.officer, ids.BOOK_HEARING, ref)
    form = slack.opened_view()
    assert "home" not in json.loads(form["private_metadata"])
    slack.submit(force.officer, form, {"scheduled_at": "monday 10:00", "court": "Coventry Magistrates"})
    assert not published(slack, force.officer)


def test_a_reminder_done_from_the_home_leaves_it(
    slack: SlackDriver,
    slack_api: SlackWebAPI,
    ctx: ServiceContext,
    force: Force,
    clock: ManualClock,
    notifier: SlackNotifier,
) -> None:
    record(ctx, force.officer)  # served Thu 02 Apr 20:00: "no hearing booked" goes out in the night
    run_until(ctx, clock, slack_api, notifier, london("2026-04-03 08:00"))
    home = home_of(slack, force.officer)
    reminder = button_value(home, ids.REMINDER_BOOK_HEARING)  # waiting for me, its work on the button

    slack.press(force.officer, ids.REMINDER_BOOK_HEARING, reminder, where="home")
    form = slack.opened_view()
    assert json.loads(form["private_metadata"])["home"] is True
    before = len(published(slack, force.officer))
    slack.submit(force.officer, form, {"scheduled_at": "monday 10:00", "court": "Coventry Magistrates"})

    views = published(slack, force.officer)
    assert len(views) == before + 1
    assert ids.REMINDER_BOOK_HEARING not in action_ids(views[-1]["blocks"])  # settled: no longer waiting


def test_a_nudge_from_the_home_publishes_it_again_saying_so(
    slack: SlackDriver, ctx: ServiceContext, force: Force
) -> None:
    record(ctx, force.officer, dvpn(served_at=london("2026-03-31 10:00")))
    home = home_of(slack, force.supervisor)
    before = len(published(slack, force.supervisor))

    slack.press(force.supervisor, ids.DIGEST_NUDGE, button_value(home, ids.DIGEST_NUDGE), where="home")

    assert [c for c in slack.api.calls("chat.postMessage") if c["channel"] == force.officer]  # the officer nudged
    assert len(published(slack, force.supervisor)) == before + 1
