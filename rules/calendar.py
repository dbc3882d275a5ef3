"""The England and Wales calendar of days that statutory hour-clocks disregard.

Crime and Security Act 2010 s26(3) and s27(4), and Domestic Abuse Act 2021 s26(4) and s29(3),
disregard the same days when counting their 24- and 48-hour periods: any Sunday, Christmas Day,
Good Friday, and any day which is a bank holiday in England and Wales under the Banking and
Financial Dealings Act 1971 (BFDA 1971 s1 and Schedule 1, plus days appointed by proclamation).

The `holidays` package supplies the bank holidays, substitute days and one-off royal days. Admins
may add a day proclaimed after this release; such days arrive here as plain data (`extra_days`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import holidays

SUNDAY = 6
SATURDAY = 5

CHRISTMAS_DAY_REASON = "Christmas Day"
GOOD_FRIDAY_REASON = "Good Friday"
SUNDAY_REASON = "Sunday"


@dataclass(frozen=True)
class DayRuling:
    """Whether one calendar day counts towards an hour-clock, and why."""

    day: date
    excluded: bool
    reasons: tuple[str, ...] = ()
    # A policy choice the officer must be shown (e.g. a Saturday Boxing Day that we count).
    note: str | None = None

    @property
    def reason(self) -> str:
        return " and ".join(self.reasons)


@lru_cache(maxsize=256)
def _package_holidays(year: int) -> Mapping[date, str]:
    # England and Wales share one list of bank holidays; the package files it under "ENG".
    return dict(holidays.country_holidays("GB", subdiv="ENG", years=year).items())


@dataclass(frozen=True)
class ExcludedDayCalendar:
    """Decides, day by day, what the statutory hour-clocks skip.

    `extra_days` maps admin-added one-off bank holidays to their names.
    `count_saturday_boxing_day` is the policy in DOMAIN.md: BFDA 1971 Sch 1 makes a Saturday
    26 December a bank holiday, but the proclaimed list only shows the Monday substitute. Counting
    the Saturday gives the earlier, safer deadline, so True is the default.
    """

    extra_days: Mapping[date, str] | None = None
    count_saturday_boxing_day: bool = True

    def ruling(self, day: date) -> DayRuling:
        reasons: list[str] = []
        note: str | None = None
        if day.weekday() == SUNDAY:
            reasons.append(SUNDAY_REASON)  # CSA 2010 s27(4); DAA 2021 s29(3): "any Sunday"
        if day.month == 12 and day.day == 25:
            reasons.append(CHRISTMAS_DAY_REASON)  # CSA 2010 s27(4): "Christmas Day"
        package_name = _package_holidays(day.year).get(day)
        if package_name == GOOD_FRIDAY_REASON:
            reasons.append(GOOD_FRIDAY_REASON)  # CSA 2010 s27(4): "Good Friday"
        elif package_name and package_name != CHRISTMAS_DAY_REASON and day.weekday() != SUNDAY:
            # A bank holiday never falls on a Sunday (BFDA 1971 Sch 1: "if it be not a Sunday"; the
            # proclamation moves New Year's Day): the package's Sunday entries are named dates only.
            if day.weekday() == SATURDAY:
                note = self._saturday_note(day, package_name)
                if note is None:
                    reasons.append(f"bank holiday ({package_name}), BFDA 1971 Sch 1")
            else:
                reasons.append(f"bank holiday ({package_name}), BFDA 1971")
        extra_name = (self.extra_days or {}).get(day)
        if extra_name:
            reasons.append(f"bank holiday added by an admin ({extra_name}), BFDA 1971 s1(3)")
        return DayRuling(day=day, excluded=bool(reasons), reasons=tuple(reasons), note=note)

    def _saturday_note(self, day: date, name: str) -> str | None:
        """Why a Saturday the package lists is still counted, or None to exclude it."""
        if name == "Boxing Day":
            if not self.count_saturday_boxing_day:
                return None
            return (
                f"Saturday {day:%d %B %Y} is Boxing Day. BFDA 1971 Sch 1 makes it a bank holiday "
                "but the proclaimed list shows only the Monday substitute; by force policy it is "
                "counted, which gives the earlier deadline."
            )
        # New Year's Day is appointed by proclamation (BFDA 1971 s1(3)); when 1 January is a
        # Saturday the proclamation appoints the Monday, so the Saturday is an ordinary day.
        return (
            f"Saturday {day:%d %B %Y} ({name}) is not itself a bank holiday: the proclamation "
            "appoints the following Monday instead, so the Saturday is counted."
        )

    def is_excluded(self, day: date) -> bool:
        return self.ruling(day).excluded


def calendar_with(extra_days: Iterable[tuple[date, str]] = (), **policy: bool) -> ExcludedDayCalendar:
    """Build a calendar from (day, name) pairs, as stored by the admin's extra-day list."""
    return ExcludedDayCalendar(extra_days=dict(extra_days), **policy)
