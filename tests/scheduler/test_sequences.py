"""The injected clock moves time and the sweep runs at every moment something falls due: the exact
messages a DVPN produces, when it is heard in time and when it lapses, and after a long downtime."""

from __future__ import annotations

from models import HearingOutcome
from scheduler.rollover import rollover
from scheduler.sweep import sweep_once
from services.clock import ManualClock
from services.context import ServiceContext
from services.records import checks, hearings
from services.records import recording as records
from services.records.hearings import GrantTerms
from tests.support.force import Force
from tests.support.records import dvpn
from tests.support.sweeps import WORKER, Seen, at, reminder_id_of, rows, run_until, user_ids


def texts(slack) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(c["text"]) for c in slack.calls("chat.postMessage")]


def test_a_dvpn_heard_in_time(ctx: ServiceContext, force: Force, clock: ManualClock, slack, notifier) -> None:  # type: ignore[no-untyped-def]
    notice = records.record(ctx, force.officer, dvpn())  # served Thu 2 Apr 20:00; deadline Tue 7 Apr 20:00
    clock.set(at("2026-04-02 21:30"))
    hearings.book_hearing(ctx, force.officer, notice.reference, at("2026-04-07 10:00"))
    seen = run_until(ctx, clock, slack, notifier, at("2026-04-03 19:00"))
    checks.complete_check(ctx, force.officer, notice.reference, at("2026-04-03 18:30"))
    seen += run_until(ctx, clock, slack, notifier, at("2026-04-07 10:30"))
    granted, decided = GrantTerms(duration_days=14), at("2026-04-07 10:20")
    hearings.record_outcome(ctx, force.officer, notice.reference, HearingOutcome.GRANTED, decided, granted)
    seen += run_until(ctx, clock, slack, notifier, at("2026-04-08 09:00"))

    # Booked in time: no "no hearing booked" alert, no lapse, and no deadline countdowns (the hearing
    # listed before the deadline answers them); the lapse alarm was withdrawn once the DVPO was granted.
    assert seen == [
        Seen("Mon 06 16:00", force.officer, "hearing_tomorrow"),
        Seen("Tue 07 08:00", force.officer, "hearing_in_2h"),
    ]
    assert all(t.startswith(f"{notice.reference} (APE): ") for t in texts(slack))
    assert texts(slack) == [
        f"{notice.reference} (APE): Hearing tomorrow",
        f"{notice.reference} (APE): Hearing in 2 hours",
    ]
    notice_rows = [r for r in rows(ctx, "reminder") if r["order_id"] == 1]
    assert {r["state"] for r in notice_rows} == {"sent", "cancelled"}


def test_a_dvpn_that_lapses(ctx: ServiceContext, force: Force, clock: ManualClock, slack, notifier) -> None:  # type: ignore[no-untyped-def]
    notice = records.record(ctx, force.officer, dvpn())
    officer, supervisor = force.officer, force.supervisor
    sup = user_ids(ctx)[supervisor]

    seen = run_until(ctx, clock, slack, notifier, at("2026-04-08 09:00"))
    rollover(ctx)
    seen += run_until(ctx, clock, slack, notifier, at("2026-04-12 09:00"))

    ids = {str(r["kind"]): r["id"] for r in rows(ctx, "reminder")}
    assert seen == [
        Seen("Thu 02 22:00", officer, "no_hearing_booked"),
        # Not acknowledged within 30 minutes: sent again, and escalated to the supervisor.
        Seen("Thu 02 22:30", officer, f"renotify:{ids['no_hearing_booked']}"),
        Seen("Thu 02 22:30", supervisor, f"escalation:{ids['no_hearing_booked']}:{sup}"),
        Seen("Fri 03 20:00", officer, "breach_check_due:1"),
        # 4 h after the officer was told falls in quiet hours: a breach check is no statutory countdown.
        Seen("Sat 04 08:00", supervisor, f"breach_check_overdue:1:{sup}"),
        Seen("Sat 04 08:30", supervisor, f"renotify:{ids[f'breach_check_overdue:1:{sup}']}"),
        Seen("Mon 06 20:00", officer, "hearing_deadline_in_24h"),
        Seen("Mon 06 20:30", officer, f"renotify:{ids['hearing_deadline_in_24h']}"),
        Seen("Mon 06 20:30", supervisor, f"escalation:{ids['hearing_deadline_in_24h']}:{sup}"),
        Seen("Tue 07 12:00", officer, "hearing_deadline_in_8h"),
        Seen("Tue 07 12:30", officer, f"renotify:{ids['hearing_deadline_in_8h']}"),
        Seen("Tue 07 12:30", supervisor, f"escalation:{ids['hearing_deadline_in_8h']}:{sup}"),
        Seen("Tue 07 18:00", supervisor, f"hearing_unbooked_supervisor:{sup}"),
        Seen("Tue 07 18:00", officer, "hearing_deadline_in_2h"),
        Seen("Tue 07 18:30", supervisor, f"renotify:{ids[f'hearing_unbooked_supervisor:{sup}']}"),
        Seen("Tue 07 18:30", officer, f"renotify:{ids['hearing_deadline_in_2h']}"),
        Seen("Tue 07 18:30", supervisor, f"escalation:{ids['hearing_deadline_in_2h']}:{sup}"),
        Seen("Tue 07 20:00", officer, f"notice_lapsed:{user_ids(ctx)[officer]}"),
        Seen("Tue 07 20:00", supervisor, f"notice_lapsed:{sup}"),
        Seen("Tue 07 20:30", officer, f"renotify:{ids[f'notice_lapsed:{user_ids(ctx)[officer]}']}"),
        Seen("Tue 07 20:30", supervisor, f"escalation:{ids[f'notice_lapsed:{user_ids(ctx)[officer]}']}:{sup}"),
        Seen("Tue 07 20:30", supervisor, f"renotify:{ids[f'notice_lapsed:{sup}']}"),
    ]  # and after the lapse, nothing more: no checks or countdowns for a notice that has ended
    assert all(t.startswith(f"{notice.reference} (APE): ") for t in texts(slack))
    assert texts(slack).count(f"{notice.reference} (APE): Notice lapsed: remove it from the PNC") == 2
    assert rows(ctx, "protection_order")[0]["status"] == "lapsed"


def test_six_hours_down_sends_every_missed_reminder_at_once_late_in_due_order_and_once(
    ctx: ServiceContext,
    force: Force,
    clock: ManualClock,
    slack,
    notifier,  # type: ignore[no-untyped-def]
) -> None:
    notice = records.record(ctx, force.officer, dvpn())
    run_until(ctx, clock, slack, notifier, at("2026-04-07 14:30"))
    before = len(slack.calls("chat.postMessage"))

    clock.set(at("2026-04-07 20:30"))  # the bot was stopped from 14:30 until now
    result = sweep_once(ctx, notifier, WORKER)
    again = sweep_once(ctx, notifier, WORKER)

    missed = slack.calls("chat.postMessage")[before:]
    ref = notice.reference
    # Posted to the officer and the supervisor at once: each one's in due order.
    to = {dm: [str(c["text"]) for c in missed if c["channel"] == dm] for dm in ("DOFFA1", "DSUPA")}
    assert len(missed) == 4
    assert to["DSUPA"] == [
        f"{ref} (APE): No hearing booked, 2 hours to the deadline (late: due 18:00)",
        f"{ref} (APE): Notice lapsed: remove it from the PNC (late: due 20:00)",
    ]
    assert to["DOFFA1"] == [
        f"{ref} (APE): Hearing deadline in 2 hours (late: due 18:00)",
        f"{ref} (APE): Notice lapsed: remove it from the PNC (late: due 20:00)",
    ]
    assert (result.sent, again.claimed) == (4, 0)
    sent = [r for r in rows(ctx, "reminder") if r["sent_at"] == clock.now()]
    assert len(sent) == 4  # all at once, on restart
    ids = [reminder_id_of(c) for c in slack.calls("chat.postMessage")]
    assert len(ids) == len(set(ids))  # nothing was posted twice, before or after the downtime
