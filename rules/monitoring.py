"""Electronic monitoring in a DAPO: at most 12 months (DAA 2021 s38(5)-(6)).

s38(4): "A domestic abuse protection order may also specify periods for which particular requirements
imposed by the order have effect." s38(5): "But a domestic abuse protection order may not provide for
an electronic monitoring requirement to have effect for more than 12 months." s38(6): "Subsection (5)
is subject to any variation of the order under section 44." So 12 months is the limit of each period
the order (or a variation) sets, counted here from the day the requirement starts.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from rules.clock import LONDON
from rules.order_types import OrderType
from rules.periods import PeriodEnd, end_of_day, local_day, months_beginning_with

MONITORING_MAX_MONTHS = 12
MONITORING_CITATION = "DAA 2021 s38(5)-(6)"
MONITORED_TYPES = frozenset({OrderType.DAPO})


class MonitoringError(ValueError):
    """The requirement cannot be recorded as given."""


def longest_monitoring(starts_at: datetime, tz: ZoneInfo = LONDON) -> PeriodEnd:
    """The latest a requirement starting on `starts_at`'s day may end: 12 months beginning with that day."""
    return months_beginning_with(
        starts_at,
        MONITORING_MAX_MONTHS,
        label="Longest electronic monitoring requirement",
        citation=MONITORING_CITATION,
        tz=tz,
    )


def require_monitored(order_type: OrderType) -> None:
    """MonitoringError unless the type can carry an electronic monitoring requirement."""
    if order_type not in MONITORED_TYPES:
        raise MonitoringError(
            f"A {order_type} carries no electronic monitoring requirement; only a DAPO does ({MONITORING_CITATION})."
        )


def monitoring_end(order_type: OrderType, starts_at: datetime, last_day: date, tz: ZoneInfo = LONDON) -> PeriodEnd:
    """The end of a requirement running from `starts_at`'s day to `last_day` inclusive, or
    MonitoringError when the type has none or it would run more than 12 months."""
    require_monitored(order_type)
    first = local_day(starts_at, tz)
    if last_day < first:
        raise MonitoringError("The monitoring cannot end before it starts: give its last day on or after its start.")
    longest = longest_monitoring(starts_at, tz)
    if last_day > longest.last_day:
        raise MonitoringError(
            f"Electronic monitoring may not run more than 12 months ({MONITORING_CITATION}): from "
            f"{first:%d %b %Y} its last day can be {longest.last_day:%d %b %Y} at the latest. A longer "
            "period needs the court to vary the order (DAA 2021 s44); record the period the order sets."
        )
    return PeriodEnd("Electronic monitoring ends", MONITORING_CITATION, first, last_day, end_of_day(last_day, tz))
