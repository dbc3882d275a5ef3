"""An incident's posted reminders follow the casework as a record's do: once the officer records
what a reminder asked for, the next sweep rewrites its message saying who did it and when; once an
admin's school-holiday change moves the deadline, it says so, and never that the admin did the
casework. Through the real Bolt app and the local Slack stand-in.

(Before, an incident's replans named nobody: "Recorded — no action needed", whoever recorded it.)

An incident reported Friday 6 November 2026 22:15 with a child at a Cumbrian school: its Encompass
reminder is posted to the officer at 08:00 Saturday, ahead of Monday's 08:30 school-day start."""

from __future__ import annotations

import pytest

from console.slack_api import SlackWebAPI
from scheduler.notifier import SlackNotifier
from scheduler.sweep import sweep_once
from services.clock import ManualClock
from services.context import ServiceContext
from services.incidents.recording import ChildInput, NewIncident, record_incident
from services.records.order_writer import PersonInput
from tests.support.force import Force
from tests.support.slack_driver import SlackDriver, action_ids, blocks_text
from tests.support.sweeps import WORKER, at, make_notifier, rows, run_until


@pytest.fixture
def notifier(slack_api: SlackWebAPI) -> SlackNotifier:
    return make_notifier(slack_api)


def reminder_posted(  # type: ignore[no-untyped-def]
    ctx: ServiceContext,
    force: Force,
    clock: ManualClock,
    slack_api: SlackWebAPI,
    notifier,
    until: str = "2026-11-07 08:05",
) -> str:
    clock.set(at("2026-11-06 22:30"))
    child = (ChildInput("Kit Sample", "Oak Primary", "cumbria"),)
    new = NewIncident(at("2026-11-06 22:15"), PersonInput("Sam Sample"), PersonInput("Alex Example"), child)
    ref = record_incident(ctx, force.officer, new)
    run_until(ctx, clock, slack_api, notifier, at(until))
    assert all(ref in str(posted["text"]) for posted in slack_api.calls("chat.postMessage"))
    return ref


def only_update(slack_api: SlackWebAPI) -> tuple[str, str, list[str]]:
    [update] = slack_api.calls("chat.update")
    return str(update["text"]), blocks_text(update.blocks), action_ids(update.blocks)


def test_telling_the_school_rewrites_the_reminder_naming_the_officer_and_the_time(
    ctx: ServiceContext, force: Force, clock: ManualClock, slack: SlackDriver, slack_api: SlackWebAPI, notifier
) -> None:  # type: ignore[no-untyped-def]
    ref = reminder_posted(ctx, force, clock, slack_api, notifier)
    clock.set(at("2026-11-07 09:10"))
    slack.command(force.colleague, f"encompass {ref} told 1")
    assert rows(ctx, "incident_child")[0]["told_at"] is not None

    assert sweep_once(ctx, notifier, WORKER).updated == 1
    text, blocks, buttons = only_update(slack_api)
    said = "Recorded by <@UOFFA2> at Sat 07 Nov 2026 09:10 GMT ✓"
    assert text.endswith(f"({said})") and said in blocks
    assert "no action needed" not in text and buttons == []
    [row] = [r for r in rows(ctx, "reminder") if r["update_reason"] is not None]
    assert (row["update_reason"], row["moot_by_id"] is not None) == ("moot_done", True)


def test_an_admin_moving_the_school_days_withdraws_the_reminder_without_claiming_the_casework(
    ctx: ServiceContext, force: Force, clock: ManualClock, slack: SlackDriver, slack_api: SlackWebAPI, notifier
) -> None:  # type: ignore[no-untyped-def]
    ref = reminder_posted(ctx, force, clock, slack_api, notifier, until="2026-11-09 08:05")
    clock.set(at("2026-11-09 08:10"))
    slack.command(force.admin, 'admin school-holiday add cumbria 9/11/2026 13/11/2026 "Inset week"')
    assert rows(ctx, "incident_child")[0]["told_at"] is None  # nobody told the school

    assert sweep_once(ctx, notifier, WORKER).updated == 1
    text, blocks, buttons = only_update(slack_api)
    said = "Withdrawn: the deadline moved as school holidays were changed by <@UADMIN> at Mon 09 Nov 2026 08:10 GMT"
    assert text.endswith(f"({said})") and said in blocks
    assert "Recorded" not in text and "✓" not in text and buttons == []
    assert ref in text
