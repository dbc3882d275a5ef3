"""The App Home over a DVPN's whole life, through the real Bolt app with the sweep sending every
reminder as it falls due: a record made, its hearing booked, a second record withdrawn, the hearing's
time passed with no outcome. The Home then shows only what is still live (the outcome to record, as
a button), nothing of the withdrawn record, no "no hearing booked" for a booked hearing, no "hearing
tomorrow" for a hearing that has been, and every label in words, never a reminder's internal name."""

from __future__ import annotations

import re
from typing import Any

import pytest

from blocks import actions as ids
from console.slack_api import SlackWebAPI
from scheduler.notifier import SlackNotifier
from services.clock import ManualClock
from services.context import ServiceContext
from services.records import hearings, lifecycle
from tests.support.block_limits import check_view
from tests.support.force import Force, london
from tests.support.records import PERSONAL, dvpn, record
from tests.support.slack_driver import SlackDriver, action_ids, blocks_text
from tests.support.sweeps import make_notifier, rows, run_until

# A reminder kind's internal name shown as it is, or with its underscores turned to spaces.
INTERNAL = re.compile(r"\b[a-z]+_[a-z_]+\b|renotify|escalation:|unbooked supervisor|hearing deadline in \d+h")


@pytest.fixture
def notifier(slack_api: SlackWebAPI) -> SlackNotifier:
    return make_notifier(slack_api)


def home_of(slack: SlackDriver, user: str) -> dict[str, Any]:
    slack.event({"type": "app_home_opened", "user": user, "channel": "D0HOME", "tab": "home"})
    view = [c for c in slack.api.calls("views.publish") if c["user_id"] == user][-1].view
    check_view(view)  # valid Block Kit within Slack's limits
    return view


def test_after_a_dvpns_life_the_home_shows_only_live_items_in_words(
    slack: SlackDriver,
    slack_api: SlackWebAPI,
    ctx: ServiceContext,
    force: Force,
    clock: ManualClock,
    notifier: SlackNotifier,
) -> None:
    ref = record(ctx, force.officer).reference  # served Thu 02 Apr 20:00
    withdrawn = record(ctx, force.officer, dvpn(served="2026-04-02 19:00")).reference
    run_until(ctx, clock, slack_api, notifier, london("2026-04-03 08:00"))  # the night's alerts go out
    hearings.book_hearing(ctx, force.officer, ref, london("2026-04-07 10:00"), "Birmingham Magistrates")
    lifecycle.close(ctx, force.officer, withdrawn, "withdrawn by the authorising officer", status="withdrawn")
    run_until(ctx, clock, slack_api, notifier, london("2026-04-07 12:30"))  # the hearing has been, no outcome
    sent = {str(r["kind"]).split(":")[0] for r in rows(ctx, "reminder") if r["state"] in ("sent", "acknowledged")}
    assert {"no_hearing_booked", "hearing_tomorrow", "hearing_outcome_missing"} <= sent  # the life happened

    for user in (force.officer, force.supervisor):
        home = home_of(slack, user)
        text = blocks_text(home["blocks"])
        assert withdrawn not in text, "a withdrawn record on the Home"
        assert "No hearing booked" not in text and "no hearing booked" not in text  # it was booked
        assert "Hearing tomorrow" not in text and "Hearing in " not in text  # the hearing has been
        assert not INTERNAL.findall(text), f"internal labels on the Home: {INTERNAL.findall(text)}"
        assert not [word for word in PERSONAL if word in text]

    officer = blocks_text(home_of(slack, force.officer)["blocks"])
    assert f"*{ref}* (APE) DVPN: hearing Tue 07 Apr 2026 10:00 BST: record its outcome" in officer
    assert "*Hearing held: record the outcome*" in officer  # the reminder waiting, by its headline
    buttons = action_ids(home_of(slack, force.officer)["blocks"])
    assert ids.RECORD_OUTCOME in buttons and ids.REMINDER_RECORD_OUTCOME in buttons
