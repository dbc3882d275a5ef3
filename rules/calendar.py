"""The England and Wales calendar of days that statutory hour-clocks disregard.

Which days a clock disregards is data on the clock (rules.order_types.HourClock.disregards), because
the statutes differ:
- DAA 2021 s26(4) and s29(3) (and the CSA 2010 notice clocks in ss26-27) disregard "(a) any Sunday,
  (b) Christmas Day, (c) Good Friday, and (d) any day which is a bank holiday in England and Wales
  under the Banking and Financial Dealings Act 1971" (BFDA 1971 s1 and Schedule 1, plus days
  appointed by proclamation): `ALL_EXCLUDED_DAYS`.
- FLA 1996 s47(7) (occupation order power of arrest) takes no account of "Christmas Day, Good Friday
  or any Sunday" only: bank holidays count (`SUNDAYS_CHRISTMAS_GOOD_FRIDAY`).

The `holidays` package supplies the bank holidays, substitute days and one-off royal days. Admins
may add a day proclaimed after this release; such days arrive here as plain data (`extra_days`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import lru_cache

import holidays

SUNDAY = 6
SATURDAY = 5

CHRISTMAS_DAY_REASON = "Christmas Day"
GOOD_FRIDAY_REASON = "Good Friday"
SUNDAY_REASON = "Sunday"


class Disregarded(StrEnum):
    """A kind of day an hour-clock may disregard."""

    SUNDAY = "Sundays"
    CHRISTMAS_DAY = "Christmas Day"
    GOOD_FRIDAY = "Good Friday"
    BANK_HOLIDAY = "bank holidays (BFDA 1971)"


# DAA 2021 s26(4), s29(3): "(a) any Sunday, (b) Christmas Day, (c) Good Friday, and (d) any day which
# is a bank holiday in England and Wales under the Banking and Financial Dealings Act 1971".
ALL_EXCLUDED_DAYS = frozenset(Disregarded)
# FLA 1996 s47(7): "no account is to be taken of Christmas Day, Good Friday or any Sunday".
SUNDAYS_CHRISTMAS_GOOD_FRIDAY = frozenset({Disregarded.SUNDAY, Disregarded.CHRISTMAS_DAY, Disregarded.GOOD_FRIDAY})


def disregarded_words(kinds: frozenset[Disregarded]) -> str:
    """'Sundays, Christmas Day, Good Friday and bank holidays (BFDA 1971)', in the statute's order."""
    names = [k.value for k in Disregarded if k in kinds]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


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

    def ruling(self, day: date, disregards: frozenset[Disregarded] = ALL_EXCLUDED_DAYS) -> DayRuling:
        """Whether `day` counts for a clock that disregards `disregards` (all four kinds by default)."""
        reasons: list[str] = []
        note: str | None = None
        if day.weekday() == SUNDAY and Disregarded.SUNDAY in disregards:
            reasons.append(SUNDAY_REASON)  # DAA 2021 s29(3)(a); FLA 1996 s47(7): "any Sunday"
        if day.month == 12 and day.day == 25 and Disregarded.CHRISTMAS_DAY in disregards:
            reasons.append(CHRISTMAS_DAY_REASON)  # DAA 2021 s29(3)(b); FLA 1996 s47(7): "Christmas Day"
        package_name = _package_holidays(day.year).get(day)
        if package_name == GOOD_FRIDAY_REASON:
            if Disregarded.GOOD_FRIDAY in disregards:
                reasons.append(GOOD_FRIDAY_REASON)  # DAA 2021 s29(3)(c); FLA 1996 s47(7): "Good Friday"
        elif Disregarded.BANK_HOLIDAY not in disregards:
            pass  # FLA 1996 s47(7): bank holidays are not disregarded, so they count
        elif package_name and package_name != CHRISTMAS_DAY_REASON and day.weekday() != SUNDAY:
            # A bank holiday never falls on a Sunday (BFDA 1971 Sch 1: "if it be not a Sunday"; the
            # proclamation moves New Year's Day): the package's Sunday entries are named dates only.
            if day.weekday() == SATURDAY:
                note = self._saturday_note(day, package_name)
                if note is None:
                    reasons.append(f"bank holiday ({package_name}), BFDA 1971 Sch 1")
            else:
                reasons.append(f"bank holiday ({package_name}), BFDA 1971")
        extra_name = (self.extra_days or {}).get(day) if Disregarded.BANK_HOLIDAY in disregards else None
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

    def is_excluded(self, day: date, disregards: frozenset[Disregarded] = ALL_EXCLUDED_DAYS) -> bool:
        return self.ruling(day, disregards).excluded


def calendar_with(extra_days: Iterable[tuple[date, str]] = (), **policy: bool) -> ExcludedDayCalendar:
    """Build a calendar from (day, name) pairs, as stored by the admin's extra-day list."""
    return ExcludedDayCalendar(extra_days=dict(extra_days), **policy)
