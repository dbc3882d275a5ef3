"""The statutory deadlines of one notice or order, from its rule table and its facts."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from rules.calendar import ExcludedDayCalendar
from rules.clock import LONDON, Deadline, excluded_day_deadline
from rules.order_types import OrderTypeRule
from rules.periods import PeriodEnd, days_beginning_with, end_of_day, local_day, months_beginning_with


class ClockEvent(StrEnum):
    SERVED = "served"
    ARRESTED = "arrested"
    # A change the subject of a DAPO or SPO must notify: the repeat window (rules.notification).
    CHANGED = "changed"
    # A DAPO's electronic monitoring starting: the latest it may end (rules.monitoring).
    MONITORING = "monitoring"


class BailExtension(StrEnum):
    """Who extended pre-charge bail, and so how long it runs from the bail start date."""

    INSPECTOR = "inspector"  # 6 months, PACE 1984 s47ZD(2), (6)
    SUPERINTENDENT = "superintendent"  # 9 months, s47ZDA(2), (6)
    COURT = "court"  # 12 months, s47ZF(4)(a)


BAIL_MONTHS = {BailExtension.INSPECTOR: 6, BailExtension.SUPERINTENDENT: 9, BailExtension.COURT: 12}


def hearing_deadline(
    rule: OrderTypeRule, served_at: datetime, calendar: ExcludedDayCalendar, tz: ZoneInfo = LONDON
) -> Deadline | None:
    """When the application that follows a notice must be heard (CSA 2010 s27(3); DAA 2021 s29(2))."""
    clock = rule.hearing_clock
    if clock is None:
        return None
    return excluded_day_deadline(served_at, clock.period, calendar, label=clock.label, citation=clock.citation, tz=tz)


def lapse_deadline(
    rule: OrderTypeRule, served_at: datetime, calendar: ExcludedDayCalendar, tz: ZoneInfo = LONDON
) -> Deadline | None:
    """When a notice not heard in time lapses, by the literal reading of the statute: a Saturday
    26 December is a bank holiday (BFDA 1971 Sch 1: "26th December, if it be not a Sunday") and so is
    disregarded, whatever the force's policy for the countdowns (DVPN_COUNT_SATURDAY_BOXING_DAY counts
    it, which makes the hearing deadline earlier). The status change and the instruction to remove the
    notice from the PNC follow this time, so they are never early."""
    clock = rule.hearing_clock
    if clock is None:
        return None
    literal = replace(calendar, count_saturday_boxing_day=False)
    return excluded_day_deadline(
        served_at, clock.period, literal, label="The notice lapses", citation=clock.citation, tz=tz
    )


def with_lapse(deadline: Deadline, lapse: Deadline | None) -> Deadline:
    """The hearing deadline, saying when the notice lapses where that is later (a Saturday Boxing Day
    the force counts): the countdowns keep the earlier time, the lapse and its PNC instruction the law's."""
    if lapse is None or lapse.at == deadline.at:
        return deadline
    at = lapse.at
    note = (
        f"The notice lapses at {at:%a %d %b %Y %H:%M} {at.tzname()}, not at the deadline above: the deadline counts "
        "a Saturday 26 December by force policy (DVPN_COUNT_SATURDAY_BOXING_DAY), but read literally that day is a "
        "bank holiday (BFDA 1971 Sch 1) and is disregarded."
    )
    return replace(deadline, notes=(*deadline.notes, note))


def breach_court_deadline(
    rule: OrderTypeRule,
    arrested_at: datetime,
    calendar: ExcludedDayCalendar,
    tz: ZoneInfo = LONDON,
    *,
    hearing_at: datetime | None = None,
    power_of_arrest: bool = True,
) -> Deadline | None:
    """When a person arrested for breach must be before the court: 24 hours on the clock's own
    excluded days (CSA 2010 s26, s29; DAA 2021 s26(2)(a), (4); FLA 1996 s47(7)), or, for a notice,
    at the hearing of the application if that is earlier (DAA 2021 s26(2)(b); CSA 2010 s26).

    `hearing_at` is the application's next hearing at or after the arrest, if one is listed.
    `power_of_arrest` says whether the court attached one, for a clock that needs it (FLA 1996 s47(6))."""
    clock = rule.breach_arrest_clock
    if clock is None or (clock.needs_power_of_arrest and not power_of_arrest):
        return None
    counted = excluded_day_deadline(
        arrested_at,
        clock.period,
        calendar,
        label=clock.label,
        citation=clock.citation,
        tz=tz,
        disregards=clock.disregards,
    )
    hearing_rule = clock.or_if_earlier_the_hearing
    if hearing_rule is None or hearing_at is None or hearing_at < arrested_at:
        return counted
    hearing_local = hearing_at.astimezone(tz)
    words = f"{hearing_local:%a %d %b %Y %H:%M} {hearing_local.tzname()}"
    if hearing_at < counted.at:
        return replace(
            counted,
            at=hearing_local,
            earlier_limit=f"The hearing is earlier: {hearing_rule}, listed for {words}. "
            "The person must be brought before the court at that hearing.",
        )
    return replace(
        counted,
        notes=(*counted.notes, f"The hearing ({hearing_rule}), listed for {words}, is later: the 24 hours apply."),
    )


def applies_words(deadline: Deadline) -> str:
    """Which limit a breach court deadline is: the counted hours, or the earlier hearing."""
    return "at the hearing of the application (earlier)" if deadline.earlier_limit else f"{deadline.period_words()}"


def bail_start(arrested_at: datetime, tz: ZoneInfo = LONDON) -> datetime:
    """PACE 1984 s47ZB(4)(a): "a person's bail start date is the day after the day on which the person
    was arrested for the relevant offence". The instant that day begins, local time."""
    return datetime.combine(local_day(arrested_at, tz) + timedelta(days=1), time(0), tzinfo=tz)


def bail_end(
    rule: OrderTypeRule,
    arrested_at: datetime,
    months: int | None = None,
    *,
    authorised_by: str | None = None,
    tz: ZoneInfo = LONDON,
) -> PeriodEnd:
    """The end of the applicable bail period: "the period of 3 months beginning with the person's bail
    start date" (PACE 1984 s47ZB(1)(b)); extended to end "at the end of the period of 6 months
    beginning with the person's bail start date" by an inspector (s47ZD(2), (6)), 9 months by a
    superintendent (s47ZDA(2), (6)), 12 (or 18) months by a magistrates' court (s47ZF(4), (6))."""
    duration = rule.duration
    assert duration is not None and duration.default_months is not None
    months = months or duration.default_months
    citation = "PACE 1984 s47ZB(1)(b), (4)(a)"
    for extension in rule.extensions:
        if extension.total_months == months:
            citation += f"; extended by {extension.authorised_by} ({extension.citation})"
    if authorised_by:
        citation += f"; {authorised_by}"
    end = months_beginning_with(
        bail_start(arrested_at, tz), months, label="Pre-charge bail ends", citation=citation, tz=tz
    )
    arrest_local = arrested_at.astimezone(tz)
    return replace(
        end,
        label=f"Pre-charge bail ends (arrested {arrest_local:%a %d %b %Y %H:%M}; bail start date the day after)",
    )


def notification_deadline(
    rule: OrderTypeRule, made_at: datetime | None, served_at: datetime | None, tz: ZoneInfo = LONDON
) -> PeriodEnd | None:
    """The end of the window in which the perpetrator must notify their details (DAA 2021 s41)."""
    window = rule.notification
    if window is None:
        return None
    start = made_at if window.counted_from == "made" else (served_at or made_at)
    if start is None:
        return None
    return days_beginning_with(
        start,
        window.days,
        label=f"Notification of name and address ({window.days} days beginning with the day "
        f"the order was {window.counted_from})",
        citation=window.citation,
        tz=tz,
    )


def order_expiry(
    rule: OrderTypeRule,
    made_at: datetime,
    *,
    days: int | None = None,
    last_day: date | None = None,
    months: int | None = None,
    tz: ZoneInfo = LONDON,
) -> PeriodEnd | None:
    """The end of an order that runs for a set period beginning with the day it was made.

    Give one of `days`, `last_day` or `months`; with none, the statutory default length applies
    (pre-charge bail: 3 months, PACE 1984 s47ZB), or None for an order until further order.
    """
    duration = rule.duration
    citation = duration.citation if duration else rule.statute
    label = f"{rule.code} expiry"
    if days is not None:
        return days_beginning_with(made_at, days, label=label, citation=citation, tz=tz)
    if last_day is not None:
        first = made_at.astimezone(tz).date()
        return PeriodEnd(label, citation, first, last_day, end_of_day(last_day, tz))
    if months is None and duration is not None:
        months = duration.default_months
    if months is not None:
        return months_beginning_with(made_at, months, label=label, citation=citation, tz=tz)
    return None
