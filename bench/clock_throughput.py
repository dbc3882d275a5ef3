"""How fast the statutory clocks are, in one run, so changes can be compared by ratio.

Prints deadlines per second for the 48-hour clock (cold and warm calendar cache), the 24-hour
clock, and calendar-day periods. Sizing: a national
deployment records ~100,000 orders a year (DOMAIN.md); replanning all of them should take seconds.
"""

from __future__ import annotations

import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rules.calendar import ExcludedDayCalendar, _package_holidays
from rules.clock import excluded_day_deadline
from rules.periods import days_beginning_with

N = 20_000


def instants(count: int) -> list[datetime]:
    rng = random.Random(20260402)
    start = datetime(2000, 1, 1, tzinfo=UTC)
    span = int(timedelta(days=365 * 35).total_seconds())
    return [start + timedelta(seconds=rng.randrange(span)) for _ in range(count)]


def rate(label: str, work, items: list[datetime]) -> float:  # type: ignore[no-untyped-def]
    began = time.perf_counter()
    for item in items:
        work(item)
    elapsed = time.perf_counter() - began
    per_second = len(items) / elapsed
    print(f"{label:<44} {per_second:>10,.0f}/s  ({elapsed * 1e6 / len(items):6.1f} us each)")
    return per_second


def main() -> None:
    calendar = ExcludedDayCalendar()
    items = instants(N)
    hours_48, hours_24 = timedelta(hours=48), timedelta(hours=24)
    _package_holidays.cache_clear()
    cold = rate(
        "48-hour clock, cold holiday cache",
        lambda at: excluded_day_deadline(at, hours_48, calendar, label="", citation=""),
        items,
    )
    warm = rate(
        "48-hour clock, warm cache",
        lambda at: excluded_day_deadline(at, hours_48, calendar, label="", citation=""),
        items,
    )
    rate(
        "24-hour clock, warm cache",
        lambda at: excluded_day_deadline(at, hours_24, calendar, label="", citation=""),
        items,
    )
    rate(
        "48-hour clock with explanation text",
        lambda at: excluded_day_deadline(at, hours_48, calendar, label="", citation="").explanation(),
        items,
    )
    rate("28-day period", lambda at: days_beginning_with(at, 28, label="", citation=""), items)
    print(f"warm / cold ratio: {warm / cold:.2f}")
    print(f"time to recompute 100,000 hearing deadlines: {100_000 / warm:.2f} s")


if __name__ == "__main__":
    main()
