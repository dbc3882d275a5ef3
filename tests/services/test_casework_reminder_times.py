"""When a Clare's Law request's and a management plan's reminders are planned, worked by hand on
both databases: the near-target warning and the past-target alert either side of the autumn clock
change, a near period of 0 days (no warning), and a plan's action and review times held out of the
quiet hours (22:00-08:00)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from rules.disclosure import Route
from rules.plans import ActionKind
from services.clock import ManualClock
from services.context import ServiceContext
from services.disclosures import requests
from services.disclosures.requests import NewRequest
from services.people import plans
from services.records.order_writer import PersonInput
from tests.support.force import Force, london
from tests.support.records import dvpn, record
from tests.support.sweeps import rows


def planned(ctx: ServiceContext, column: str) -> list[tuple[str, datetime]]:
    found = [r for r in rows(ctx, "reminder") if r[column] is not None and r["state"] == "pending"]
    return sorted((str(r["kind"]).split(":")[0], r["due_at"]) for r in found)  # type: ignore[misc]


def new(received: str) -> NewRequest:
    return NewRequest(Route.ASK, PersonInput("Dana Whitlock"), PersonInput("Gareth Pellow"), london(received))


@pytest.mark.parametrize(
    "received, near, target",
    [
        # 28 days beginning with Thu 1 Oct end at the end of Wed 28 Oct: midnight GMT, the clocks
        # having gone back on 25 Oct. Seven days before is 00:00 UTC on 22 Oct, 01:00 BST: quiet,
        # so 08:00 BST (07:00 UTC). The alert: 08:00 GMT on Thu 29 Oct (08:00 UTC).
        ("2026-10-01 12:00", datetime(2026, 10, 22, 7, tzinfo=UTC), datetime(2026, 10, 29, 8, tzinfo=UTC)),
        # Received Sat 10 Oct (BST): the target is the end of Fri 6 Nov, all in GMT after.
        ("2026-10-10 12:00", datetime(2026, 10, 31, 8, tzinfo=UTC), datetime(2026, 11, 7, 8, tzinfo=UTC)),
    ],
)
def test_a_request_s_warning_and_alert_across_the_autumn_clock_change(
    ctx: ServiceContext, force: Force, clock: ManualClock, received: str, near: datetime, target: datetime
) -> None:
    clock.set(london(received))
    requests.new_request(ctx, force.officer, new(received))
    # The officer's warning, the supervisor's copy, and the alert to each of them.
    assert planned(ctx, "disclosure_id") == [
        ("dvds_target", target),
        ("dvds_target", target),
        ("dvds_target_near", near),
        ("dvds_target_near", near),
    ]


def test_a_near_period_of_none_plans_the_alert_alone(ctx: ServiceContext, force: Force, clock: ManualClock) -> None:
    settled = replace(ctx, settings=replace(ctx.settings, dvds_near_days=0))
    clock.set(london("2026-10-01 12:00"))
    requests.new_request(settled, force.officer, new("2026-10-01 12:00"))
    assert [kind for kind, _ in planned(ctx, "disclosure_id")] == ["dvds_target", "dvds_target"]


def test_a_plan_s_action_and_review_are_reminded_outside_the_quiet_hours(
    ctx: ServiceContext, force: Force, clock: ManualClock
) -> None:
    ref = record(ctx, force.officer, dvpn()).reference  # the clock reads Thu 2 Apr 2026 21:00 BST
    plans.adopt(ctx, force.supervisor, ref, london("2026-04-20 23:30"))
    plans.add_action(ctx, force.officer, ref, ActionKind.DIVERT, force.colleague, london("2026-04-10 17:00"), "x")
    assert planned(ctx, "plan_id") == [
        ("plan_action_due", london("2026-04-09 17:00")),  # a day before, to the owner
        ("plan_action_overdue", london("2026-04-10 17:00")),  # the owner
        ("plan_action_overdue", london("2026-04-10 17:00")),  # and the supervisor
        # To the supervisor who adopted it (once, being also the team's supervisor); 23:30 is
        # quiet, so the next morning.
        ("plan_review_due", london("2026-04-21 08:00")),
        ("plan_review_soon", london("2026-04-20 08:00")),  # a day before 23:30 is quiet too
    ]
    plans.action_done(ctx, force.colleague, ref, 1)
    plans.close_plan(ctx, force.supervisor, ref, "risk reduced")
    assert planned(ctx, "plan_id") == []
