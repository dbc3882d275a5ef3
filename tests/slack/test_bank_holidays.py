"""Admins add and remove bank holidays from Slack: audited, the running clocks that cross the day
recomputed at once, and a notice that lapsed only because the day was missing brought back, with a
DM to its officer."""

from __future__ import annotations

from services.clock import ManualClock
from services.context import ServiceContext
from services.records import lifecycle
from tests.support.database import audit_rows, row_counts
from tests.support.force import Force, london
from tests.support.records import record
from tests.support.slack_driver import SlackDriver, blocks_text
from tests.support.sweeps import rows


def _lapsed_notice(ctx: ServiceContext, force: Force, clock: ManualClock) -> str:
    """The DVPN served Thu 2 Apr 2026 20:00: due in court by Tue 7 Apr 20:00, lapsed by the rollover."""
    ref = record(ctx, force.officer).reference
    clock.set(london("2026-04-08 00:05"))
    assert lifecycle.apply_time(ctx).lapsed == (ref,)
    return ref


def test_an_added_bank_holiday_brings_back_the_notice_it_would_have_saved_and_tells_its_officer(
    slack: SlackDriver, ctx: ServiceContext, force: Force, clock: ManualClock
) -> None:
    ref = _lapsed_notice(ctx, force, clock)

    slack.command(force.admin, 'admin holiday add 7/4/2026 "Day of national mourning"')

    calls = slack.sent()
    assert [c.method for c in calls] == ["chat.postMessage", "response_url"], [c.method for c in calls]
    assert calls[0]["channel"] == force.officer
    assert calls[0]["text"] == (
        f"{ref} is active again: Tue 07 Apr 2026 was added as an excluded day, so its 48-hour hearing deadline had "
        f"not passed when it was marked lapsed. See it with `/dvpn show {ref}`."
    )
    assert blocks_text(calls[1].blocks) == (
        ":white_check_mark: Tue 07 Apr 2026 (Day of national mourning) added as an excluded day. Deadlines "
        f"recomputed: {ref}. Active again, their officers told: {ref}. Recorded in the audit trail."
    )
    [order] = rows(ctx, "protection_order", reference=ref)
    assert order["status"] == "active" and order["closed_at"] is None
    assert order["hearing_deadline_at"] == london("2026-04-08 20:00")
    pending = {(r["kind"], r["due_at"]) for r in rows(ctx, "reminder") if r["state"] == "pending"}
    assert ("hearing_deadline_in_2h", london("2026-04-08 18:00")) in pending
    [added] = audit_rows(ctx.engine, entity_type="extra_excluded_day")
    assert added["action"] == "create" and added["actor"] == f"slack:{force.admin}"
    reasons = [a["justification"] for a in audit_rows(ctx.engine, order_id=order["id"], action="update")]
    assert "deadline recomputed: an excluded day was added" in reasons
    assert "reinstated: with the excluded day the notice had not lapsed" in reasons

    # Taken away again: the deadline comes back to Tuesday, which has passed; the rollover lapses it.
    slack.command(force.admin, "admin holiday remove 2026-04-07")
    assert blocks_text(slack.last_reply().blocks) == (
        ":white_check_mark: Tue 07 Apr 2026 (Day of national mourning) is no longer an excluded day. Deadlines "
        f"recomputed: {ref}. Recorded in the audit trail."
    )
    [order] = rows(ctx, "protection_order", reference=ref)
    assert order["hearing_deadline_at"] == london("2026-04-07 20:00")
    assert lifecycle.apply_time(ctx).lapsed == (ref,)
    assert [a["action"] for a in audit_rows(ctx.engine, entity_type="extra_excluded_day")] == ["create", "delete"]


def test_the_list_and_the_refusals(slack: SlackDriver, ctx: ServiceContext, force: Force) -> None:
    slack.command(force.admin, "admin holiday list")
    assert blocks_text(slack.last_reply().blocks).startswith(
        "No bank holidays added: the calendar is the statutory one."
    )
    slack.command(force.admin, "admin holiday add 2026-12-29 Extra day")
    slack.command(force.officer, "admin holiday list")
    assert blocks_text(slack.last_reply().blocks).startswith(f"Tue 29 Dec 2026: Extra day (added by <@{force.admin}>)")

    before = row_counts(ctx.engine)
    for who, typed, said in [
        (
            force.officer,
            "admin holiday add 2026-12-30 Another",
            "Only admins can add a bank holiday. Your role is officer.",
        ),
        (
            force.admin,
            "admin holiday remove 2026-12-25",
            "Friday 25 December 2026 is excluded by law and cannot be removed.",
        ),
        (
            force.admin,
            "admin holiday remove 2026-12-30",
            "30 December 2026 is not an added bank holiday; nothing to remove.",
        ),
        (force.admin, "admin holiday add 2026-12-29 Again", "29 December 2026 is already an added bank holiday."),
        (force.admin, "admin holiday add 2026-12-31", "Give the bank holiday's name, as in the proclamation."),
        (force.admin, "admin holiday add 31/2/2026 Nonsense", "'31/2/2026' is not a date in the calendar"),
    ]:
        slack.command(who, typed)
        assert said in blocks_text(slack.last_reply().blocks), (typed, blocks_text(slack.last_reply().blocks))
    assert row_counts(ctx.engine) == before
