"""Clare's Law requests and management plans reminded and escalated like every other deadline,
through the real sweep, the real Bolt app and the local Slack stand-in: the worked times (the
near-target warning and the past-target alert, across the change to summer time, the quiet hours
holding each to 08:00), references and initials only in the messages, the buttons that open the
request and acknowledge, and a posted reminder rewritten (who, when) once the work is done.

The force: DVPN_DVDS_TARGET_DAYS 28, DVPN_DVDS_NEAR_DAYS 7, quiet hours 22:00-08:00 (defaults)."""

from __future__ import annotations

import pytest

from blocks import actions as ids
from console.slack_api import SlackWebAPI
from rules.disclosure import Route
from rules.plans import ActionKind
from scheduler.notifier import SlackNotifier
from scheduler.sweep import sweep_once
from services.clock import ManualClock
from services.context import ServiceContext
from services.disclosures import requests
from services.disclosures.requests import NewRequest
from services.people import plans
from services.records.order_writer import PersonInput
from services.reminders.home import home_board
from tests.support.force import Force
from tests.support.records import record
from tests.support.slack_driver import SlackDriver, action_ids, blocks_text
from tests.support.sweeps import WORKER, Seen, at, make_notifier, reminder_id_of, rows, run_until


@pytest.fixture
def notifier(slack_api: SlackWebAPI) -> SlackNotifier:
    return make_notifier(slack_api)


def received(when: str) -> NewRequest:
    return NewRequest(Route.ASK, PersonInput("Dana Whitlock"), PersonInput("Gareth Pellow"), at(when))


def uid(ctx: ServiceContext, slack_id: str) -> int:
    [user] = rows(ctx, "app_user", slack_user_id=slack_id)
    return int(user["id"])  # type: ignore[call-overload]


def press(slack: SlackDriver, ctx: ServiceContext, user: str, action_id: str, kind: str, value: str = "") -> None:
    [row] = [r for r in rows(ctx, "reminder") if r["kind"] == kind and r["state"] != "cancelled"]
    slack.press_in_reminder(user, action_id, value or str(row["id"]), str(row["slack_channel"]), str(row["slack_ts"]))


def test_a_request_received_in_winter_is_warned_and_alerted_in_summer_time(
    ctx: ServiceContext, force: Force, clock: ManualClock, slack_api: SlackWebAPI, notifier: SlackNotifier
) -> None:
    # Received Thu 5 Mar (GMT): 28 days beginning with 5 Mar end at the end of Wed 1 Apr, midnight
    # BST (23:00 UTC on 1 Apr). Seven days before is 23:00 GMT on Wed 25 Mar, in the quiet hours:
    # the warning waits for 08:00 Thu 26 Mar (GMT). The target passes at midnight BST, also quiet:
    # the alert goes at 08:00 BST Thu 2 Apr (07:00 UTC), to the officer and the team's supervisor.
    clock.set(at("2026-03-05 10:30"))
    ref = requests.new_request(ctx, force.officer, received("2026-03-05 10:00")).reference
    seen = run_until(ctx, clock, slack_api, notifier, at("2026-04-02 09:00"))
    # The warning to the officer is critical: unacknowledged after 30 minutes, it is sent again and
    # goes up to the supervisor, as every critical reminder does.
    assert [(s.at, s.to, s.kind) for s in seen] == [
        ("Thu 26 08:00", force.officer, "dvds_target_near"),
        ("Thu 26 08:00", force.supervisor, f"dvds_target_near:{uid(ctx, force.supervisor)}"),
        ("Thu 26 08:30", force.officer, "renotify:1"),
        ("Thu 26 08:30", force.supervisor, f"escalation:1:{uid(ctx, force.supervisor)}"),
        ("Thu 02 08:00", force.officer, f"dvds_target:{uid(ctx, force.officer)}"),
        ("Thu 02 08:00", force.supervisor, f"dvds_target:{uid(ctx, force.supervisor)}"),
    ]
    pending = [r for r in rows(ctx, "reminder") if r["disclosure_id"] is not None]
    planned = {r["due_at"] for r in pending if str(r["kind"]).startswith("dvds_")}
    assert planned == {at("2026-03-26 08:00"), at("2026-04-02 08:00")}
    texts = " ".join(str(c["text"]) + blocks_text(c.blocks) for c in slack_api.calls("chat.postMessage"))
    assert ref in texts and "GP" in texts
    for private in ("Dana", "Whitlock", "Gareth", "Pellow"):
        assert private not in texts


def test_a_request_recorded_after_its_target_alerts_at_once_and_not_before(
    ctx: ServiceContext, force: Force, clock: ManualClock, slack_api: SlackWebAPI, notifier: SlackNotifier
) -> None:
    clock.set(at("2026-04-20 10:00"))  # recorded late: the target passed on 7 Apr
    requests.new_request(ctx, force.officer, received("2026-03-10 09:00"))
    seen = run_until(ctx, clock, slack_api, notifier, at("2026-04-20 10:01"))
    # No warning that would have gone weeks ago; the past-target alert, planned for 08:00 on 7 Apr,
    # goes at once because it is still true.
    assert sorted(s.kind.split(":")[0] for s in seen) == ["dvds_target", "dvds_target"]
    assert {s.to for s in seen} == {force.officer, force.supervisor}
    assert all(s.at == "Mon 20 10:00" for s in seen)


def test_the_warning_opens_the_request_is_acknowledged_and_is_rewritten_once_disclosed(
    ctx: ServiceContext,
    force: Force,
    clock: ManualClock,
    slack: SlackDriver,
    slack_api: SlackWebAPI,
    notifier: SlackNotifier,
) -> None:
    clock.set(at("2026-03-10 10:30"))
    ref = requests.new_request(ctx, force.officer, received("2026-03-10 10:00")).reference
    run_until(ctx, clock, slack_api, notifier, at("2026-03-31 08:05"))
    [near_row] = rows(ctx, "reminder", kind="dvds_target_near")
    warning = next(c for c in slack_api.calls("chat.postMessage") if reminder_id_of(c) == near_row["id"])
    assert action_ids(warning.blocks)[:1] == [ids.REMINDER_ACKNOWLEDGE]
    assert ids.OPEN_CLARE in action_ids(warning.blocks)
    said = blocks_text(warning.blocks)
    assert f"/dvpn clare {ref}" in said  # every command named is one that works
    press(slack, ctx, force.officer, ids.OPEN_CLARE, "dvds_target_near", value=ref)
    shown = slack_api.calls("response_url")[-1]
    assert f"Clare's Law {ref}" in blocks_text(shown.blocks)
    press(slack, ctx, force.officer, ids.REMINDER_ACKNOWLEDGE, "dvds_target_near")
    [near] = [r for r in rows(ctx, "reminder") if r["kind"] == "dvds_target_near"]
    assert near["acknowledged_at"] == at("2026-03-31 08:05") and near["escalate_at"] is None
    assert [w.kind for w in home_board(ctx, force.officer).waiting] == []  # acknowledged: nothing waits

    requests.record_checks(ctx, force.officer, ref)
    requests.decide(ctx, force.supervisor, ref, requests.Decision.DISCLOSE, "history of violence")
    requests.record_disclosure(ctx, force.officer, ref, "the person at risk")
    disclosure = [r for r in rows(ctx, "reminder") if r["disclosure_id"] is not None]
    assert all(r["state"] != "pending" for r in disclosure)  # the target alerts are withdrawn
    # Each posted one still asking for something (not the acknowledged warning) is to be rewritten.
    unsettled = [r for r in disclosure if r["slack_ts"] and r["acknowledged_at"] is None]
    assert unsettled and {r["update_reason"] for r in unsettled} == {"moot_dvds_completed"}
    sweep_once(ctx, notifier, WORKER)
    rewritten = [str(c["text"]) for c in slack_api.calls("chat.update")]
    assert rewritten[0].endswith(f"(Acknowledged by <@{force.officer}> at Tue 31 Mar 2026 08:05 BST)")
    assert rewritten[1:] and all(
        t.endswith(f"(Disclosure made by <@{force.officer}> at Tue 31 Mar 2026 08:05 BST ✓)") for t in rewritten[1:]
    )


def test_a_plan_action_reminds_its_owner_then_alerts_the_supervisor_and_done_rewrites_both(
    ctx: ServiceContext, force: Force, clock: ManualClock, slack_api: SlackWebAPI, notifier: SlackNotifier
) -> None:
    ref = record(ctx, force.officer).reference  # the clock reads Thu 2 Apr 21:00
    plans.adopt(ctx, force.supervisor, ref, at("2026-04-30 12:00"))
    plans.add_action(ctx, force.officer, ref, ActionKind.SUPPORT, force.colleague, at("2026-04-10 17:00"), "refer")
    seen = run_until(ctx, clock, slack_api, notifier, at("2026-04-10 17:05"))
    plan_seen = [s for s in seen if s.kind.startswith("plan_")]
    assert plan_seen == [
        Seen("Thu 09 17:00", force.colleague, "plan_action_due:1"),
        Seen("Fri 10 17:00", force.colleague, f"plan_action_overdue:1:{uid(ctx, force.colleague)}"),
        Seen("Fri 10 17:00", force.supervisor, f"plan_action_overdue:1:{uid(ctx, force.supervisor)}"),
    ]
    texts = [str(c["text"]) + blocks_text(c.blocks) for c in slack_api.calls("chat.postMessage")]
    overdue = [t for t in texts if "Overdue: management plan action 1" in t]
    assert len(overdue) == 2 and all(f"/dvpn perpetrator {ref} plan done 1" in t for t in overdue)
    assert all("refer" not in t for t in overdue)  # the action's words stay off Slack
    waiting = [w.kind for w in home_board(ctx, force.colleague).waiting]
    assert f"plan_action_overdue:1:{uid(ctx, force.colleague)}" in waiting

    plans.action_done(ctx, force.colleague, ref, 1)
    sweep_once(ctx, notifier, WORKER)
    rewritten = [str(c["text"]) for c in slack_api.calls("chat.update")]
    assert len(rewritten) == 3 and all("Plan action done by" in t for t in rewritten)
    assert home_board(ctx, force.colleague).waiting == ()
