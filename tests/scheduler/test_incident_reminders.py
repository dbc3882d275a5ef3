"""An incident's reminders through the real sweep and the Slack stand-in: the school's Encompass
reminders overnight and the alert when the school day starts untold, escalation of the unacknowledged
one, references and initials only, and a posted reminder rewritten once the school is told."""

from __future__ import annotations

from scheduler.sweep import sweep_once
from services.clock import ManualClock
from services.context import ServiceContext
from services.incidents import changes
from services.incidents.recording import ChildInput, NewIncident, record_incident
from services.records.order_writer import PersonInput
from tests.support.force import Force
from tests.support.sweeps import WORKER, at, rows, run_until


def test_a_friday_night_incident_reminds_before_monday_s_school_day(
    ctx: ServiceContext,
    force: Force,
    clock: ManualClock,
    slack,
    notifier,  # type: ignore[no-untyped-def]
) -> None:
    clock.set(at("2026-11-06 22:30"))  # Friday night in term (Cumbria)
    ref = record_incident(
        ctx,
        force.officer,
        NewIncident(
            reported_at=at("2026-11-06 22:15"),
            victim=PersonInput("Sam Sample"),
            suspect=PersonInput("Alex Example"),
            children=(ChildInput("Kit Sample", "Oak Primary", "cumbria"),),
        ),
    )
    seen = [s for s in run_until(ctx, clock, slack, notifier, at("2026-11-09 08:31")) if s.kind.startswith("encompass")]
    # Recorded in quiet hours: the first reminder waits for 08:00 Saturday; then 07:30 Monday, held to
    # 08:00 by quiet hours, still before the 08:30 start; at 08:30 untold, officer and supervisor alerted.
    assert [(s.at, s.to, s.kind.split(":")[0]) for s in seen] == [
        ("Sat 07 08:00", force.officer, "encompass_due"),
        ("Mon 09 08:00", force.officer, "encompass_soon"),
        ("Mon 09 08:30", force.officer, "encompass_untold"),
        ("Mon 09 08:30", force.supervisor, "encompass_untold"),
    ]
    posted = slack.calls("chat.postMessage")
    texts = " ".join(str(c["text"]) + str(c.blocks) for c in posted)
    assert ref in texts and "AE" in texts
    for private in ("Sam", "Kit", "Oak Primary", "cumbria", "Alex"):
        assert private not in texts
    assert "/dvpn encompass " + ref + " told 1" in texts
    changes.record_school_told(ctx, force.officer, ref, 1)
    updated = [r for r in rows(ctx, "reminder") if r["update_reason"] == "moot_done"]
    assert updated, "posted Encompass reminders are to be rewritten once the school is told"
    sweep_once(ctx, notifier, WORKER)
    assert any("Recorded" in str(c["text"]) for c in slack.calls("chat.update"))


def test_a_sent_incident_reminder_waits_on_the_app_home_and_is_acknowledged_there(
    ctx: ServiceContext,
    force: Force,
    clock: ManualClock,
    slack,
    notifier,  # type: ignore[no-untyped-def]
) -> None:
    from services.reminders import actions
    from services.reminders.home import home_board

    clock.set(at("2026-11-10 09:00"))
    ref = record_incident(
        ctx,
        force.officer,
        NewIncident(at("2026-11-10 08:50"), PersonInput("Sam Sample"), PersonInput("Alex Example"), dash_yes=15),
    )
    # Referral due Wed 09:00 (24 hours from the DASH); its reminder, 6 hours ahead, waits for 08:00.
    run_until(ctx, clock, slack, notifier, at("2026-11-11 08:30"))
    waiting = home_board(ctx, force.officer).waiting
    marac = next(w for w in waiting if w.kind == "inc_due:marac")
    assert marac.reference == ref
    result = actions.acknowledge(ctx, force.officer, marac.reminder_id)
    assert result.reminder.reference == ref and result.action == "acknowledged"
    assert all(w.kind != "inc_due:marac" for w in home_board(ctx, force.officer).waiting)
