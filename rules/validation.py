"""Checks the law gives us. Each returns a Violation (field, message citing the section) or None."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from rules.clock import LONDON
from rules.order_types import OrderTypeRule
from rules.periods import months_beginning_with, period_length_days
from rules.ranks import Rank


@dataclass(frozen=True)
class Violation:
    field: str
    message: str


def _show(instant: datetime, tz: ZoneInfo = LONDON) -> str:
    local = instant.astimezone(tz)
    return f"{local:%a %d %b %Y %H:%M} {local.tzname()}"


def authoriser_rank(rule: OrderTypeRule, rank: Rank | None) -> Violation | None:
    if rule.min_rank is None:
        return None
    if rank is None:
        return Violation(
            "authoriser_rank",
            f"A {rule.code} must be authorised by an officer of at least the rank of "
            f"{rule.min_rank.label.lower()} ({rule.min_rank_citation}): give the authoriser's rank.",
        )
    if not rank.at_least(rule.min_rank):
        return Violation(
            "authoriser_rank",
            f"A {rule.code} must be authorised by an officer not below the rank of "
            f"{rule.min_rank.label.lower()} ({rule.min_rank_citation}); {rank.label.lower()} is "
            "too junior. Ask a duty officer of that rank to authorise it.",
        )
    return None


def age_on(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def minimum_age(
    rule: OrderTypeRule, who: str, born: date | None, at: datetime, tz: ZoneInfo = LONDON
) -> Violation | None:
    if who == "perpetrator":
        minimum, citation = rule.perpetrator_min_age, rule.perpetrator_age_citation
    else:
        minimum, citation = rule.protected_min_age, rule.protected_age_citation
    if born is None:
        return None
    if born > at.astimezone(tz).date():
        return Violation(f"{who}_dob", "The date of birth is after the event: check the date (day first).")
    if minimum is None:
        return None
    age = age_on(born, at.astimezone(tz).date())
    if age < minimum:
        person = "the person it is given to" if who == "perpetrator" else "the person protected"
        return Violation(
            f"{who}_dob",
            f"A {rule.code} can only be given where {person} is aged {minimum} or over "
            f"({citation}); by that date of birth they were {age}.",
        )
    return None


def not_in_future(field: str, what: str, at: datetime, now: datetime) -> Violation | None:
    if at > now:
        return Violation(
            field,
            f"The {what} time ({_show(at)}) is in the future. Record it once it has happened, "
            "or check the date (dates are read day first: 2/4 is 2 April).",
        )
    return None


def not_before(field: str, what: str, at: datetime, earlier_what: str, earlier: datetime) -> Violation | None:
    if at < earlier:
        return Violation(
            field,
            f"The {what} time ({_show(at)}) is before the {earlier_what} ({_show(earlier)}): check the date.",
        )
    return None


def order_length(rule: OrderTypeRule, made_at: datetime, last_day: date) -> Violation | None:
    """Bounds on how long a court order may last, counted in days beginning with the day made."""
    duration = rule.duration
    days = period_length_days(made_at, last_day)
    if days < 1:
        return Violation("expires_on", "The order cannot end before the day it was made: check the date.")
    if duration is None:
        return None
    if (duration.min_days is not None and days < duration.min_days) or (
        duration.max_days is not None and days > duration.max_days
    ):
        return Violation(
            "duration",
            f"A {rule.code} lasts no fewer than {duration.min_days} and no more than "
            f"{duration.max_days} days beginning with the day it is made ({duration.citation}); "
            f"this one would last {days}.",
        )
    if duration.min_months is not None:
        shortest = months_beginning_with(made_at, duration.min_months, label="minimum", citation=duration.citation)
        if last_day < shortest.last_day:
            return Violation(
                "duration",
                f"A fixed-term {rule.code} must last at least {duration.min_months // 12} years "
                f"({duration.citation}): to {shortest.last_day:%d %b %Y} or later, or until "
                "further order.",
            )
    return None


def breach_within_order(
    code: str, breach_at: datetime, in_force_from: datetime | None, in_force_until: datetime | None
) -> Violation | None:
    """A breach can only be of an order that was served and had not ended at the time."""
    if in_force_from is None:
        return Violation(
            "occurred_at",
            f"This {code} has no service time recorded, so it cannot have been breached: record "
            "when it was served first.",
        )
    if breach_at < in_force_from:
        return Violation(
            "occurred_at",
            f"The breach time ({_show(breach_at)}) is before the {code} was served "
            f"({_show(in_force_from)}): a breach can only happen while it is in force.",
        )
    if in_force_until is not None and breach_at >= in_force_until:
        return Violation(
            "occurred_at",
            f"The breach time ({_show(breach_at)}) is after the {code} ended "
            f"({_show(in_force_until)}): it was no longer in force. If it was extended, record that first.",
        )
    return None


def bail_period(rule: OrderTypeRule, start: datetime, last_day: date, rank: Rank | None) -> Violation | None:
    """Pre-charge bail: 3 months (PACE 1984 s47ZB(1)(b)); to 6 months by an inspector (s47ZD);
    to 9 months by a superintendent (s47ZDA); longer only by a magistrates' court (s47ZF)."""
    if rule.duration is None or rule.duration.default_months is None:
        return None
    standard = months_beginning_with(start, rule.duration.default_months, label="bail", citation="")
    if last_day <= standard.last_day:
        return None
    for extension in rule.extensions:
        limit = months_beginning_with(start, extension.total_months, label="bail", citation="")
        if extension.min_rank is None:
            return None  # a court's extension: recorded as the fact it is
        if last_day <= limit.last_day:
            if rank is not None and rank.at_least(extension.min_rank):
                return None
            return Violation(
                "authoriser_rank",
                f"Bail of up to {extension.total_months} months must be authorised by "
                f"{extension.authorised_by} ({extension.citation}): give the authorising officer's rank.",
            )
    return None
