"""Promises of the reminder plan for the notification duties, over any mix of notifications, any
exemption and any change: the plan never chases a notification the subject does not owe (DAA 2021
s41(8); SPA 2019 s9(1)(a), (5)), and every owed change has its day-of and missed alerts at the end
of its own 3-day window (DAA 2021 s41(4)-(6); SPA 2019 s9(3)-(4))."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from config import ReminderPolicy
from models import Notification, NotificationKind, OrderStatus, ProtectionOrder
from rules.notification import CHANGES, EXEMPTIONS, Change, Exemption, change_deadline, owed
from rules.order_types import OrderType
from services.records.planning import OrderFacts, plan_reminders, still_relevant
from tests.support.force import london

POLICY = ReminderPolicy()
TZ = london("2026-01-01 00:00").tzinfo
MADE = london("2026-04-01 11:00")


@st.composite
def facts(draw: st.DrawFn) -> OrderFacts:
    order_type = draw(st.sampled_from([OrderType.DAPO, OrderType.SPO, OrderType.INTERIM_SPO]))
    exemption = draw(st.one_of(st.none(), st.sampled_from(sorted(EXEMPTIONS[order_type]))))
    order = ProtectionOrder(
        id=1,
        reference=f"WM-{order_type}-2026-0001",
        order_type=order_type,
        status=OrderStatus.ACTIVE,
        perpetrator_id=1,
        officer_id=10,
        team_id=1,
        made_at=MADE,
        notification_due_at=london("2026-04-04 00:00") if owed(order_type, exemption, False) else None,
        notification_exempt=exemption,
        created_by_id=10,
        created_at=MADE,
        updated_at=MADE,
    )
    notifications = []
    for index, change in enumerate(draw(st.lists(st.sampled_from(sorted(CHANGES[order_type])), max_size=4)), 2):
        happened = MADE + timedelta(minutes=draw(st.integers(min_value=0, max_value=60 * 24 * 90)))
        received = draw(st.booleans())
        notifications.append(
            Notification(
                id=index,
                order_id=1,
                kind=NotificationKind.CHANGE,
                change=change,
                happened_at=happened,
                due_at=change_deadline(order_type, change, happened, TZ).at,  # type: ignore[arg-type]
                received_at=happened if received else None,
                created_at=happened,
            )
        )
    return OrderFacts(
        order=order, hearings=[], breaches=[], checks=[], notifications=notifications, supervisor_ids=[20]
    )


@settings(max_examples=200, deadline=None)
@given(facts=facts())
def test_the_plan_chases_exactly_the_owed_changes_not_yet_notified(facts: OrderFacts) -> None:
    order = facts.order
    planned = {kind for kind, _ in still_relevant(facts, POLICY, TZ, order.made_at)}  # type: ignore[arg-type]
    for n in facts.notifications:
        chased = f"notification_change_missing:{n.id}:10" in planned
        assert chased == (n.received_at is None and owed(order.order_type, order.notification_exempt, True))
    first_chased = any(k.startswith("notification_missing:") for k in planned)
    assert first_chased == owed(order.order_type, order.notification_exempt, False)


@settings(max_examples=200, deadline=None)
@given(facts=facts())
def test_a_missed_change_alert_is_never_before_its_window_ends(facts: OrderFacts) -> None:
    now = datetime(2026, 4, 1, tzinfo=UTC)
    ends = {n.id: n.due_at for n in facts.notifications}
    for reminder in plan_reminders(facts, POLICY, TZ, now):  # type: ignore[arg-type]
        if reminder.kind.startswith("notification_change_missing:"):
            assert reminder.due_at >= ends[int(reminder.kind.split(":")[1])]
        if reminder.kind.startswith("notification_change_due:"):
            assert reminder.due_at < ends[int(reminder.kind.split(":")[1])]


def test_the_exemptions_named_in_the_strategy_are_the_tables() -> None:
    assert {e for rules in EXEMPTIONS.values() for e in rules} == set(Exemption)
    assert {c for rules in CHANGES.values() for c in rules} == set(Change)
