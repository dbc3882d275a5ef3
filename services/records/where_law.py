"""Whether a type is law where the force operates on the day a record starts (rules.commencement):
DAA 2021 Part 3 (DAPNs, DAPOs) is in force only in the areas and periods commencement regulations
set. Checked when a record is made, never after: a record made lawfully stays valid when its scheme
ends (the instruments' saving provisions)."""

from __future__ import annotations

from datetime import datetime

from config import Settings
from rules.commencement import availability
from rules.order_types import OrderType
from rules.validation import Violation


def commencement_violation(settings: Settings, order_type: OrderType, event: datetime) -> Violation | None:
    """A refusal, citing the instruments, when the force's areas are set and none is covered on the day."""
    day = event.astimezone(settings.timezone).date()
    found = availability(order_type, settings.force_areas, day)
    if found.allowed or not settings.force_areas:
        return None
    return Violation(
        "order_type",
        f"{found.reason(order_type, day)} Check the date, or record the notice or order this area uses "
        "(a DVPN or DVPO under CSA 2010 ss24-33).",
    )


def commencement_warning(settings: Settings, order_type: OrderType, event: datetime) -> str | None:
    """A warning when the type is restricted and the force has not said where it operates."""
    day = event.astimezone(settings.timezone).date()
    found = availability(order_type, settings.force_areas, day)
    if settings.force_areas or not found.restricted:
        return None
    return (
        f"Check that a {order_type} was law here on {day:%d %b %Y}: this force's areas are not set "
        f"(DVPN_FORCE_AREAS), so it cannot be checked. {found.reason(order_type, day)}"
        if not found.allowed
        else f"This force's areas are not set (DVPN_FORCE_AREAS): a {order_type} is law only in some areas "
        f"({found.reason(order_type, day)}). Check it applies where it was given."
    )
