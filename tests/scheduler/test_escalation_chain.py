"""The escalation chain and quiet hours, over the sweep and the local Slack stand-in: an alert goes
one level up (officer -> team supervisors -> DVPN_ESCALATION_NEXT_LEVEL), never back to its own
recipient; nobody hears of something before its owner was told; quiet hours hold a reminder and its
escalations alike, except statutory countdowns. Each test asserts the exact posts, in order."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy.engine import Engine

from console.slack_api import SlackWebAPI
from runtime.parts import service_context
from services.clock import ManualClock
from services.context import ServiceContext
from services.records import checks, hearings
from services.records import recording as records
from tests.support.force import Force
from tests.support.records import dvpn
from tests.support.slack_driver import blocks_text
from tests.support.sweeps import Seen, at, rows, run_until, user_ids

INSPECTOR = "UINSP1"


@pytest.fixture
def chained(engine: Engine, clock: ManualClock, ctx: ServiceContext, force: Force) -> ServiceContext:
    """The same force, with a next level above the team supervisors."""
    settings = replace(ctx.settings, escalation_next_level=(INSPECTOR,))
    return service_context(settings, source="test", engine=engine, clock=clock)


def kind_id(ctx: ServiceContext, kind: str) -> int:
    return next(int(r["id"]) for r in rows(ctx, "reminder") if r["kind"] == kind)  # type: ignore[call-overload]


def test_an_officers_alert_goes_to_the_team_supervisors_and_no_further(
    chained: ServiceContext, force: Force, clock: ManualClock, slack: SlackWebAPI, notifier
) -> None:  # type: ignore[no-untyped-def]
    ctx = chained
    records.record(ctx, force.officer, dvpn())
    clock.set(at("2026-04-07 17:59"))
    hearings.book_hearing(ctx, force.officer, "WM-DVPN-2026-0001", at("2026-04-08 10:00"))  # after the deadline
    seen = run_until(ctx, clock, slack, notifier, at("2026-04-07 18:40"))
    ids = user_ids(ctx)
    sup, countdown = ids[force.supervisor], kind_id(ctx, "hearing_deadline_in_2h")
    about = {"hearing_deadline_in_2h", f"renotify:{countdown}", f"escalation:{countdown}:{sup}"}
    # Listed after the deadline: the countdown stands (it is not answered by that hearing).
    assert [s for s in seen if s.kind in about] == [
        Seen("Tue 07 18:00", force.officer, "hearing_deadline_in_2h"),
        Seen("Tue 07 18:30", force.officer, f"renotify:{kind_id(ctx, 'hearing_deadline_in_2h')}"),
        Seen("Tue 07 18:30", force.supervisor, f"escalation:{kind_id(ctx, 'hearing_deadline_in_2h')}:{sup}"),
    ]
    post = next(c for c in slack.calls("chat.postMessage") if "Hearing deadline in 2 hours" in str(c["text"]))
    assert blocks_text(post.blocks[-1:]) == "Not acknowledged, this goes to your supervisor."
    assert INSPECTOR not in ids  # the next level was never involved: the team's supervisor is above the officer


def test_the_sole_supervisors_alert_escalates_to_the_next_level(
    chained: ServiceContext, force: Force, clock: ManualClock, slack: SlackWebAPI, notifier
) -> None:  # type: ignore[no-untyped-def]
    ctx = chained
    records.record(ctx, force.officer, dvpn())
    clock.set(at("2026-04-07 17:59"))
    seen = run_until(ctx, clock, slack, notifier, at("2026-04-07 18:40"))
    sup, inspector = user_ids(ctx)[force.supervisor], user_ids(ctx)[INSPECTOR]
    unbooked = kind_id(ctx, f"hearing_unbooked_supervisor:{sup}")
    about = {f"hearing_unbooked_supervisor:{sup}", f"renotify:{unbooked}", f"escalation:{unbooked}:{inspector}"}
    assert [s for s in seen if s.kind in about] == [
        Seen("Tue 07 18:00", force.supervisor, f"hearing_unbooked_supervisor:{sup}"),
        Seen("Tue 07 18:30", force.supervisor, f"renotify:{unbooked}"),
        Seen("Tue 07 18:30", INSPECTOR, f"escalation:{unbooked}:{inspector}"),
    ]
    unbooked_post = next(c for c in slack.calls("chat.postMessage") if "hours to the deadline" in str(c["text"]))
    assert blocks_text(unbooked_post.blocks[-1:]) == (
        "Not acknowledged, this goes to the next level of the escalation chain."
    )
    # Never back to the supervisor as an escalation of their own alert.
    assert f"escalation:{unbooked}:{sup}" not in {r["kind"] for r in rows(ctx, "reminder")}


def test_where_the_chain_ends_nobody_is_promised_and_nobody_is_looped_in(
    ctx: ServiceContext, force: Force, clock: ManualClock, slack: SlackWebAPI, notifier
) -> None:  # type: ignore[no-untyped-def]
    records.record(ctx, force.officer, dvpn())
    clock.set(at("2026-04-07 17:59"))
    run_until(ctx, clock, slack, notifier, at("2026-04-07 18:40"))
    sup = user_ids(ctx)[force.supervisor]
    unbooked = kind_id(ctx, f"hearing_unbooked_supervisor:{sup}")
    post = next(c for c in slack.calls("chat.postMessage") if "hours to the deadline" in str(c["text"]))
    assert blocks_text(post.blocks[-1:]) == "Acknowledge it to stop it being sent again."
    follow_ups = sorted(
        str(r["kind"])
        for r in rows(ctx, "reminder")
        if str(r["kind"]).startswith((f"renotify:{unbooked}", f"escalation:{unbooked}:"))
    )
    assert follow_ups == [f"renotify:{unbooked}"]  # sent again to them; escalated to nobody


def test_an_officer_is_told_of_a_night_check_before_the_supervisor_hears_it_is_overdue(
    ctx: ServiceContext, force: Force, clock: ManualClock, slack: SlackWebAPI, notifier
) -> None:  # type: ignore[no-untyped-def]
    notice = records.record(ctx, force.officer, dvpn())
    hearings.book_hearing(ctx, force.officer, notice.reference, at("2026-04-07 13:30"))
    checks.complete_check(ctx, force.officer, notice.reference, at("2026-04-02 21:00"))  # the next is due Thu 9th
    checks.plan_check(ctx, force.officer, notice.reference, at("2026-04-04 03:00"))
    check = rows(ctx, "breach_check")[-1]["id"]
    sup = user_ids(ctx)[force.supervisor]

    seen = run_until(ctx, clock, slack, notifier, at("2026-04-04 13:00"))

    # Due at 03:00: the officer hears at 08:00 (quiet hours); the supervisors 4 h after that, not at 07:00.
    assert seen == [
        Seen("Sat 04 08:00", force.officer, f"breach_check_due:{check}"),
        Seen("Sat 04 12:00", force.supervisor, f"breach_check_overdue:{check}:{sup}"),
        Seen("Sat 04 12:30", force.supervisor, f"renotify:{kind_id(ctx, f'breach_check_overdue:{check}:{sup}')}"),
    ]


def test_an_escalation_falling_in_quiet_hours_waits_unless_it_is_a_statutory_countdown(
    ctx: ServiceContext, force: Force, clock: ManualClock, slack: SlackWebAPI, notifier
) -> None:  # type: ignore[no-untyped-def]
    notice = records.record(ctx, force.officer, dvpn())
    hearings.book_hearing(ctx, force.officer, notice.reference, at("2026-04-07 13:30"))
    checks.complete_check(ctx, force.officer, notice.reference, at("2026-04-02 21:00"))
    checks.plan_check(ctx, force.officer, notice.reference, at("2026-04-03 17:50"))
    check = rows(ctx, "breach_check")[-1]["id"]
    sup = user_ids(ctx)[force.supervisor]

    seen = run_until(ctx, clock, slack, notifier, at("2026-04-04 09:00"))

    overdue = kind_id(ctx, f"breach_check_overdue:{check}:{sup}")
    assert seen == [
        Seen("Fri 03 17:50", force.officer, f"breach_check_due:{check}"),
        Seen("Fri 03 21:50", force.supervisor, f"breach_check_overdue:{check}:{sup}"),
        Seen("Sat 04 08:00", force.supervisor, f"renotify:{overdue}"),  # 22:20 is a quiet hour
    ]
