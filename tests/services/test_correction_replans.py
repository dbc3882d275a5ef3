"""A correction puts the record where it would be had it been typed right: for any wrong service
time and any right one, correcting gives the same deadlines, stored next deadline and live
reminders as recording the right one in the first place (the promise the README makes), on
SQLite and PostgreSQL."""

from __future__ import annotations

import re
from datetime import timedelta

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from services.clock import ManualClock
from services.context import ServiceContext
from services.records import corrections
from tests.support.force import Force, london
from tests.support.records import dvpn, record
from tests.support.sweeps import rows

NOW = london("2026-04-02 21:00")


def _state(ctx: ServiceContext, reference: str) -> tuple[object, ...]:
    [order] = rows(ctx, "protection_order", reference=reference)
    live = sorted(
        # A check's id is part of its reminders' kinds; the same check has another id on each record.
        (re.sub(r"breach_check_(due|overdue):\d+", r"breach_check_\1", str(r["kind"])), r["due_at"])
        for r in rows(ctx, "reminder", order_id=order["id"])
        if r["state"] == "pending"
    )
    checks = sorted(c["due_at"] for c in rows(ctx, "breach_check", order_id=order["id"]))
    return order["served_at"], order["hearing_deadline_at"], order["next_deadline_at"], order["status"], live, checks


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    wrong=st.integers(min_value=0, max_value=24 * 90).map(lambda h: NOW - timedelta(hours=h)),
    right=st.integers(min_value=0, max_value=47 * 4).map(lambda q: NOW - timedelta(minutes=15 * q)),
)
def test_a_corrected_service_time_plans_as_if_typed_right(
    ctx: ServiceContext, force: Force, clock: ManualClock, wrong: object, right: object
) -> None:
    assume(wrong != right)
    clock.set(NOW)
    typed_wrong = record(ctx, force.officer, dvpn(served_at=wrong)).reference
    typed_right = record(ctx, force.officer, dvpn(served_at=right)).reference

    done = corrections.correct(ctx, force.officer, typed_wrong, {"served_at": right}, "typo in the service time")

    assert done.changed == ("service time",)
    corrected, direct = _state(ctx, typed_wrong), _state(ctx, typed_right)
    assert corrected == direct, "\n".join(f"{a!r}\n{b!r}\n" for a, b in zip(corrected, direct, strict=True) if a != b)


def test_nothing_to_correct_writes_nothing(ctx: ServiceContext, force: Force) -> None:
    from services.errors import DomainError
    from tests.support.database import row_counts

    ref = record(ctx, force.officer).reference
    before = row_counts(ctx.engine)
    try:
        corrections.correct(ctx, force.officer, ref, {"served_at": london("2026-04-02 20:00")}, "typo in the time")
    except DomainError as error:
        assert error.message == "Nothing to correct: the values given are the ones on the record."
    else:
        raise AssertionError("an unchanged value was accepted as a correction")
    assert row_counts(ctx.engine) == before
