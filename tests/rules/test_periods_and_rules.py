"""Calendar-day and month periods, validation, ranks and the order-type rule table."""

from __future__ import annotations

from dataclasses import fields, is_dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from rules.calendar import ExcludedDayCalendar
from rules.deadlines import breach_court_deadline, hearing_deadline, notification_deadline, order_expiry
from rules.order_types import RULES, OrderType, rule_for
from rules.periods import PeriodError, days_beginning_with, months_beginning_with, period_length_days
from rules.ranks import Rank
from rules.validation import (
    age_on,
    authoriser_rank,
    breach_within_order,
    minimum_age,
    not_before,
    not_in_future,
    order_length,
)

LONDON = ZoneInfo("Europe/London")
UTC = UTC


def L(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=LONDON)


def D(text: str) -> date:
    return date.fromisoformat(text)


# --- days_beginning_with ------------------------------------------------------------------------

DAY_PERIODS = [
    # id, event (local), days, last day, end instant (ISO with offset), hand arithmetic
    (
        "dvpo-28-days-from-1-apr",
        L("2026-04-01 15:00"),
        28,
        "2026-04-28",
        "2026-04-29T00:00:00+01:00",
        "1 Apr is day 1, 28 Apr is day 28; ends at the end of 28 Apr",
    ),
    (
        "dvpo-14-days-from-1-apr",
        L("2026-04-01 15:00"),
        14,
        "2026-04-14",
        "2026-04-15T00:00:00+01:00",
        "1 Apr + 13 days",
    ),
    ("notification-3-days", L("2026-03-10 09:00"), 3, "2026-03-12", "2026-03-13T00:00:00+00:00", "10, 11, 12 Mar"),
    (
        "notification-3-days-across-month-end",
        L("2026-01-30 23:59"),
        3,
        "2026-02-01",
        "2026-02-02T00:00:00+00:00",
        "30, 31 Jan, 1 Feb",
    ),
    (
        "notification-3-days-across-year-end",
        L("2026-12-30 10:00"),
        3,
        "2027-01-01",
        "2027-01-02T00:00:00+00:00",
        "30, 31 Dec, 1 Jan (holidays count for calendar-day periods)",
    ),
    (
        "3-days-across-29-feb-2028",
        L("2028-02-28 12:00"),
        3,
        "2028-03-01",
        "2028-03-02T00:00:00+00:00",
        "28 Feb, 29 Feb, 1 Mar",
    ),
    (
        "3-days-across-28-feb-2027",
        L("2027-02-28 12:00"),
        3,
        "2027-03-02",
        "2027-03-03T00:00:00+00:00",
        "28 Feb, 1 Mar, 2 Mar (no 29 Feb in 2027)",
    ),
    (
        "14-days-across-feb-2026",
        L("2026-02-20 12:00"),
        14,
        "2026-03-05",
        "2026-03-06T00:00:00+00:00",
        "20-28 Feb = 9 days, 1-5 Mar = 5 days",
    ),
    (
        "14-days-across-feb-2028-leap",
        L("2028-02-20 12:00"),
        14,
        "2028-03-04",
        "2028-03-05T00:00:00+00:00",
        "20-29 Feb = 10 days, 1-4 Mar = 4 days",
    ),
    (
        "28-days-from-29-feb-2028",
        L("2028-02-29 08:00"),
        28,
        "2028-03-27",
        "2028-03-28T00:00:00+01:00",
        "29 Feb is day 1, 1 Mar day 2, 27 Mar day 28; BST from Sun 26 Mar 2028",
    ),
    (
        "28-days-across-bst-start-2026",
        L("2026-03-15 12:00"),
        28,
        "2026-04-11",
        "2026-04-12T00:00:00+01:00",
        "15-31 Mar = 17 days, 1-11 Apr = 11 days; ends in BST",
    ),
    (
        "3-days-across-bst-end-2026",
        L("2026-10-24 22:00"),
        3,
        "2026-10-26",
        "2026-10-27T00:00:00+00:00",
        "24, 25, 26 Oct; ends in GMT",
    ),
    (
        "event-given-in-utc-late-evening",
        datetime(2026, 4, 1, 23, 30, tzinfo=UTC),
        3,
        "2026-04-04",
        "2026-04-05T00:00:00+01:00",
        "23:30Z on 1 Apr is 00:30 BST on 2 Apr: 2, 3, 4 Apr",
    ),
    ("one-day", L("2026-06-10 18:00"), 1, "2026-06-10", "2026-06-11T00:00:00+01:00", "the day itself"),
]


@pytest.mark.parametrize(
    "event, days, last_day, end, comment", [c[1:] for c in DAY_PERIODS], ids=[c[0] for c in DAY_PERIODS]
)
def test_days_beginning_with(event: datetime, days: int, last_day: str, end: str, comment: str) -> None:
    period = days_beginning_with(event, days, label="Period", citation="CSA 2010 s28(10)")
    assert period.last_day == D(last_day), comment
    assert period.at.isoformat() == end, comment
    assert period.first_day == event.astimezone(LONDON).date()
    assert period_length_days(event, period.last_day) == days
    lines = period.explanation()
    assert f"{days} day" in lines[0] and "CSA 2010 s28(10)" in lines[0] and "every day counts" in lines[0]
    assert f"Last day: {period.last_day:%a %d %b %Y}" in lines[1]


@pytest.mark.parametrize("days", [0, -3])
def test_days_beginning_with_refuses_empty_periods(days: int) -> None:
    with pytest.raises(PeriodError):
        days_beginning_with(L("2026-04-01 12:00"), days, label="x", citation="y")


def test_periods_refuse_naive_times() -> None:
    with pytest.raises(PeriodError):
        days_beginning_with(datetime(2026, 4, 1, 12), 3, label="x", citation="y")
    with pytest.raises(PeriodError):
        months_beginning_with(datetime(2026, 4, 1, 12), 3, label="x", citation="y")


# --- months_beginning_with ----------------------------------------------------------------------

MONTH_PERIODS = [
    # id, event day, months, last day, hand reasoning
    ("bail-3-months-from-1-jan", "2026-01-01", 3, "2026-03-31", "day before 1 Apr"),
    ("bail-3-months-from-15-jan", "2026-01-15", 3, "2026-04-14", "day before 15 Apr"),
    ("bail-3-months-from-31-jan", "2026-01-31", 3, "2026-04-30", "no 31 Apr: last day of April"),
    ("bail-3-months-from-30-jan", "2026-01-30", 3, "2026-04-29", "day before 30 Apr"),
    ("bail-3-months-from-1-feb", "2026-02-01", 3, "2026-04-30", "day before 1 May"),
    ("3-months-from-30-nov-into-non-leap-feb", "2026-11-30", 3, "2027-02-28", "no 30 Feb 2027: 28 Feb"),
    ("3-months-from-30-nov-into-leap-feb", "2027-11-30", 3, "2028-02-29", "no 30 Feb 2028: 29 Feb"),
    ("3-months-from-29-nov-into-non-leap-feb", "2026-11-29", 3, "2027-02-28", "no 29 Feb 2027: 28 Feb"),
    ("3-months-from-29-nov-into-leap-feb", "2027-11-29", 3, "2028-02-28", "day before 29 Feb 2028"),
    ("3-months-from-28-nov-into-non-leap-feb", "2026-11-28", 3, "2027-02-27", "day before 28 Feb"),
    ("3-months-from-1-dec-across-year", "2026-12-01", 3, "2027-02-28", "day before 1 Mar 2027"),
    ("3-months-from-1-dec-leap", "2027-12-01", 3, "2028-02-29", "day before 1 Mar 2028"),
    ("6-months-from-31-aug", "2026-08-31", 6, "2027-02-28", "no 31 Feb: 28 Feb"),
    ("12-months-from-31-dec", "2026-12-31", 12, "2027-12-30", "day before 31 Dec 2027"),
    ("24-months-from-29-feb-2028", "2028-02-29", 24, "2030-02-28", "no 29 Feb 2030: 28 Feb"),
    ("24-months-from-1-mar-2026", "2026-03-01", 24, "2028-02-29", "day before 1 Mar 2028 (leap)"),
    ("1-month-from-31-jan-leap", "2028-01-31", 1, "2028-02-29", "no 31 Feb: last day of Feb"),
]


@pytest.mark.parametrize(
    "first, months, last_day, comment", [c[1:] for c in MONTH_PERIODS], ids=[c[0] for c in MONTH_PERIODS]
)
def test_months_beginning_with(first: str, months: int, last_day: str, comment: str) -> None:
    period = months_beginning_with(L(f"{first} 10:00"), months, label="Bail", citation="PACE 1984 s47ZB")
    assert period.first_day == D(first)
    assert period.last_day == D(last_day), comment
    assert period.at == datetime.combine(D(last_day) + timedelta(days=1), datetime.min.time(), tzinfo=LONDON)
    assert f"{months} month" in period.explanation()[0]


def test_bail_end_is_midnight_local_in_bst() -> None:
    period = months_beginning_with(L("2026-01-01 10:00"), 3, label="Bail", citation="PACE 1984 s47ZB")
    # Ends at the end of Tue 31 Mar 2026: 1 Apr 00:00 BST (BST began Sun 29 Mar).
    assert period.at.isoformat() == "2026-04-01T00:00:00+01:00"


def test_months_beginning_with_refuses_zero_months() -> None:
    with pytest.raises(PeriodError):
        months_beginning_with(L("2026-01-01 10:00"), 0, label="x", citation="y")


# --- deadlines.py: the rule table wired to the clocks and periods -------------------------------


def test_hearing_and_breach_deadlines_use_the_rule_clocks() -> None:
    calendar = ExcludedDayCalendar()
    served = L("2026-04-02 20:00")
    hearing = hearing_deadline(rule_for(OrderType.DVPN), served, calendar)
    assert hearing is not None and hearing.at.isoformat() == "2026-04-07T20:00:00+01:00"
    assert hearing.citation == "CSA 2010 s27(3)-(4)"
    dapn = hearing_deadline(rule_for(OrderType.DAPN), served, calendar)
    assert dapn is not None and dapn.citation.startswith("DAA 2021 s29")
    # 24h from Thu 20:00: 4h Thu + [Good Fri] + 20h Sat
    breach = breach_court_deadline(rule_for(OrderType.DVPN), served, calendar)
    assert breach is not None and breach.at.isoformat() == "2026-04-04T20:00:00+01:00"
    assert hearing_deadline(rule_for(OrderType.DVPO), served, calendar) is None
    assert breach_court_deadline(rule_for(OrderType.NMO), served, calendar) is None


def test_notification_deadlines() -> None:
    made, served = L("2026-03-10 15:00"), L("2026-03-12 09:00")
    dapo = notification_deadline(rule_for(OrderType.DAPO), made, served)
    assert dapo is not None and dapo.last_day == D("2026-03-12")  # 10, 11, 12 Mar from the making
    spo = notification_deadline(rule_for(OrderType.SPO), made, served)
    assert spo is not None and spo.last_day == D("2026-03-14")  # 12, 13, 14 Mar from service
    spo_unserved = notification_deadline(rule_for(OrderType.SPO), made, None)
    assert spo_unserved is not None and spo_unserved.last_day == D("2026-03-12")
    assert notification_deadline(rule_for(OrderType.DVPO), made, served) is None


def test_order_expiry() -> None:
    bail = order_expiry(rule_for(OrderType.BAIL), L("2026-01-31 12:00"))
    assert bail is not None and bail.last_day == D("2026-04-30")  # statutory 3 months
    dvpo = order_expiry(rule_for(OrderType.DVPO), L("2026-04-01 12:00"), days=28)
    assert dvpo is not None and dvpo.last_day == D("2026-04-28")
    assert order_expiry(rule_for(OrderType.DAPO), L("2026-04-01 12:00")) is None
    fixed = order_expiry(rule_for(OrderType.NMO), L("2026-04-01 12:00"), last_day=D("2026-10-01"))
    assert fixed is not None and fixed.at.isoformat() == "2026-10-02T00:00:00+01:00"


# --- validation: ranks --------------------------------------------------------------------------

RANK_CHECKS = [
    # id, order type, rank, violation expected
    ("dvpn-superintendent-ok", OrderType.DVPN, Rank.SUPERINTENDENT, False),
    ("dvpn-chief-superintendent-ok", OrderType.DVPN, Rank.CHIEF_SUPERINTENDENT, False),
    ("dvpn-commander-ok", OrderType.DVPN, Rank.COMMANDER, False),
    ("dvpn-chief-inspector-too-junior", OrderType.DVPN, Rank.CHIEF_INSPECTOR, True),
    ("dvpn-inspector-too-junior", OrderType.DVPN, Rank.INSPECTOR, True),
    ("dvpn-no-rank", OrderType.DVPN, None, True),
    ("dapn-inspector-ok", OrderType.DAPN, Rank.INSPECTOR, False),
    ("dapn-superintendent-ok", OrderType.DAPN, Rank.SUPERINTENDENT, False),
    ("dapn-sergeant-too-junior", OrderType.DAPN, Rank.SERGEANT, True),
    ("dapn-constable-too-junior", OrderType.DAPN, Rank.CONSTABLE, True),
    ("dapn-no-rank", OrderType.DAPN, None, True),
    ("dvpo-court-order-no-rank-rule", OrderType.DVPO, None, False),
    ("bail-no-rank-rule", OrderType.BAIL, Rank.CONSTABLE, False),
]


@pytest.mark.parametrize("order_type, rank, rejected", [c[1:] for c in RANK_CHECKS], ids=[c[0] for c in RANK_CHECKS])
def test_authoriser_rank(order_type: OrderType, rank: Rank | None, rejected: bool) -> None:
    rule = rule_for(order_type)
    violation = authoriser_rank(rule, rank)
    if not rejected:
        assert violation is None
        return
    assert violation is not None and violation.field == "authoriser_rank"
    assert rule.min_rank_citation and rule.min_rank_citation in violation.message
    assert rule.min_rank is not None and rule.min_rank.label.lower() in violation.message


def test_rank_citations() -> None:
    assert authoriser_rank(rule_for(OrderType.DVPN), Rank.INSPECTOR).message.count("CSA 2010 s24(1)") == 1
    assert "DAA 2021 s22" in authoriser_rank(rule_for(OrderType.DAPN), Rank.SERGEANT).message


# --- validation: order length -------------------------------------------------------------------

ORDER_LENGTHS = [
    # id, order type, made (local), last day, violation field or None, message fragment
    ("dvpo-13-days", OrderType.DVPO, "2026-04-01 11:00", "2026-04-13", "duration", "this one would last 13"),
    ("dvpo-14-days", OrderType.DVPO, "2026-04-01 11:00", "2026-04-14", None, ""),
    ("dvpo-28-days", OrderType.DVPO, "2026-04-01 11:00", "2026-04-28", None, ""),
    ("dvpo-29-days", OrderType.DVPO, "2026-04-01 11:00", "2026-04-29", "duration", "this one would last 29"),
    ("dvpo-ends-before-made", OrderType.DVPO, "2026-04-01 11:00", "2026-03-31", "expires_on", "before the day"),
    ("dvpo-14-days-across-29-feb", OrderType.DVPO, "2028-02-20 11:00", "2028-03-04", None, ""),
    ("dvpo-15-days-across-29-feb", OrderType.DVPO, "2028-02-20 11:00", "2028-03-05", None, ""),
    ("dvpo-29-days-across-29-feb", OrderType.DVPO, "2028-02-20 11:00", "2028-03-19", "duration", "last 29"),
    ("spo-one-day-short-of-2-years", OrderType.SPO, "2026-03-01 11:00", "2028-02-28", "duration", "29 Feb 2028"),
    ("spo-exactly-2-years", OrderType.SPO, "2026-03-01 11:00", "2028-02-29", None, ""),
    ("spo-from-15-jun-short", OrderType.SPO, "2026-06-15 11:00", "2028-06-13", "duration", "14 Jun 2028"),
    ("spo-from-15-jun-ok", OrderType.SPO, "2026-06-15 11:00", "2028-06-14", None, ""),
    ("spo-from-29-feb-short", OrderType.SPO, "2028-02-29 11:00", "2030-02-27", "duration", "28 Feb 2030"),
    ("spo-from-29-feb-ok", OrderType.SPO, "2028-02-29 11:00", "2030-02-28", None, ""),
    ("spo-one-year", OrderType.SPO, "2026-06-15 11:00", "2027-06-14", "duration", "at least 2 years"),
    ("dapo-no-statutory-bounds", OrderType.DAPO, "2026-06-15 11:00", "2026-06-16", None, ""),
]


@pytest.mark.parametrize(
    "order_type, made, last_day, field, fragment",
    [c[1:] for c in ORDER_LENGTHS],
    ids=[c[0] for c in ORDER_LENGTHS],
)
def test_order_length(order_type: OrderType, made: str, last_day: str, field: str | None, fragment: str) -> None:
    rule = rule_for(order_type)
    violation = order_length(rule, L(made), D(last_day))
    if field is None:
        assert violation is None
        return
    assert violation is not None and violation.field == field
    assert fragment in violation.message
    if field == "duration":
        assert rule.duration is not None and rule.duration.citation in violation.message


def test_dvpo_length_is_counted_from_the_local_day() -> None:
    # 23:30Z on 1 Apr is 00:30 BST on 2 Apr: 2-15 Apr is 14 days, 2-14 Apr is 13.
    made = datetime(2026, 4, 1, 23, 30, tzinfo=UTC)
    assert order_length(rule_for(OrderType.DVPO), made, D("2026-04-15")) is None
    assert order_length(rule_for(OrderType.DVPO), made, D("2026-04-14")) is not None


# --- validation: breach within the order, future times, ordering --------------------------------

SERVED = L("2026-04-02 20:00")
ENDS = L("2026-04-30 00:00")  # end of 29 Apr


@pytest.mark.parametrize(
    "breach_at, from_, until, fragment",
    [
        (L("2026-04-02 19:59"), SERVED, ENDS, "before the DVPO was served"),
        (L("2026-04-30 00:00"), SERVED, ENDS, "after the DVPO ended"),
        (L("2026-05-03 12:00"), SERVED, ENDS, "no longer in force"),
        (L("2026-04-10 12:00"), None, ENDS, "no service time recorded"),
        (L("2026-04-02 20:00"), SERVED, ENDS, None),
        (L("2026-04-29 23:59"), SERVED, ENDS, None),
        (L("2027-01-01 00:00"), SERVED, None, None),
    ],
    ids=[
        "before-service",
        "at-the-end-instant",
        "after-the-end",
        "never-served",
        "at-service",
        "last-minute",
        "until-further-order",
    ],
)
def test_breach_within_order(breach_at, from_, until, fragment) -> None:
    violation = breach_within_order("DVPO", breach_at, from_, until)
    if fragment is None:
        assert violation is None
    else:
        assert violation is not None and violation.field == "occurred_at"
        assert fragment in violation.message


def test_breach_message_shows_local_times() -> None:
    violation = breach_within_order("DVPO", L("2026-04-02 19:00"), SERVED, ENDS)
    assert "Thu 02 Apr 2026 19:00 BST" in violation.message
    assert "Thu 02 Apr 2026 20:00 BST" in violation.message


def test_not_in_future() -> None:
    now = L("2026-04-02 20:00")
    assert not_in_future("served_at", "service", now, now) is None
    assert not_in_future("served_at", "service", now - timedelta(minutes=1), now) is None
    violation = not_in_future("served_at", "service", now + timedelta(minutes=1), now)
    assert violation is not None and violation.field == "served_at"
    assert "in the future" in violation.message and "Thu 02 Apr 2026 20:01 BST" in violation.message
    # An instant in UTC is compared as an instant: 19:30Z is 20:30 BST, after 20:00 BST.
    assert not_in_future("served_at", "service", datetime(2026, 4, 2, 19, 30, tzinfo=UTC), now) is not None
    assert not_in_future("served_at", "service", datetime(2026, 4, 2, 18, 30, tzinfo=UTC), now) is None


def test_not_before() -> None:
    assert not_before("served_at", "service", SERVED, "authorisation", SERVED) is None
    violation = not_before("served_at", "service", SERVED, "authorisation", SERVED + timedelta(hours=1))
    assert violation is not None and "before the authorisation" in violation.message


# --- validation: ages ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "born, on, age",
    [
        ("2008-04-02", "2026-04-02", 18),
        ("2008-04-03", "2026-04-02", 17),
        ("2008-02-29", "2026-02-28", 17),
        ("2008-02-29", "2026-03-01", 18),
        ("2008-02-29", "2028-02-29", 20),
        ("2008-12-31", "2026-01-01", 17),
    ],
)
def test_age_on(born: str, on: str, age: int) -> None:
    assert age_on(D(born), D(on)) == age


AGE_CHECKS = [
    # id, order type, who, born, event, violation field or None, fragment
    ("dvpn-perpetrator-18-today", OrderType.DVPN, "perpetrator", "2008-04-02", L("2026-04-02 20:00"), None, ""),
    (
        "dvpn-perpetrator-17",
        OrderType.DVPN,
        "perpetrator",
        "2008-04-03",
        L("2026-04-02 20:00"),
        "perpetrator_dob",
        "CSA 2010 s24(2)",
    ),
    (
        "dvpn-age-on-local-day",
        OrderType.DVPN,
        "perpetrator",
        "2008-04-02",
        datetime(2026, 4, 1, 23, 30, tzinfo=UTC),
        None,
        "",
    ),  # 00:30 BST on 2 Apr: 18 that day
    ("dvpn-protected-no-minimum", OrderType.DVPN, "protected", "2020-01-01", L("2026-04-02 20:00"), None, ""),
    ("dapn-protected-16", OrderType.DAPN, "protected", "2010-04-02", L("2026-04-02 20:00"), None, ""),
    (
        "dapn-protected-15",
        OrderType.DAPN,
        "protected",
        "2010-04-03",
        L("2026-04-02 20:00"),
        "protected_dob",
        "aged 16 or over",
    ),
    (
        "dapn-perpetrator-17",
        OrderType.DAPN,
        "perpetrator",
        "2009-01-01",
        L("2026-04-02 20:00"),
        "perpetrator_dob",
        "DAA 2021 s22",
    ),
    ("dapn-no-dob", OrderType.DAPN, "perpetrator", None, L("2026-04-02 20:00"), None, ""),
]


@pytest.mark.parametrize(
    "order_type, who, born, at, field, fragment", [c[1:] for c in AGE_CHECKS], ids=[c[0] for c in AGE_CHECKS]
)
def test_minimum_age(order_type, who, born, at, field, fragment) -> None:
    violation = minimum_age(rule_for(order_type), who, D(born) if born else None, at)
    if field is None:
        assert violation is None
    else:
        assert violation is not None and violation.field == field
        assert fragment in violation.message


def test_date_of_birth_after_the_event_is_reported_as_such() -> None:
    violation = minimum_age(rule_for(OrderType.DVPN), "perpetrator", D("2030-01-01"), L("2026-04-02 20:00"))
    assert violation is not None
    assert "after the event" in violation.message


# --- ranks --------------------------------------------------------------------------------------

RANK_ALIASES = [
    ("Supt", Rank.SUPERINTENDENT),
    ("supt.", Rank.SUPERINTENDENT),
    ("Det Supt", Rank.SUPERINTENDENT),
    ("Det. Supt", Rank.SUPERINTENDENT),
    ("DSupt", Rank.SUPERINTENDENT),
    ("Detective Superintendent", Rank.SUPERINTENDENT),
    ("superintendent", Rank.SUPERINTENDENT),
    ("DCI", Rank.CHIEF_INSPECTOR),
    ("CI", Rank.CHIEF_INSPECTOR),
    ("Ch Insp", Rank.CHIEF_INSPECTOR),
    ("chief inspector", Rank.CHIEF_INSPECTOR),
    ("Chief-Inspector", Rank.CHIEF_INSPECTOR),
    ("chief_inspector", Rank.CHIEF_INSPECTOR),
    ("Detective Chief Inspector", Rank.CHIEF_INSPECTOR),
    ("Insp.", Rank.INSPECTOR),
    ("INSP", Rank.INSPECTOR),
    ("DI", Rank.INSPECTOR),
    ("Acting Inspector", Rank.INSPECTOR),
    ("Temporary Superintendent", Rank.SUPERINTENDENT),
    ("Ch. Supt", Rank.CHIEF_SUPERINTENDENT),
    ("Chief Supt", Rank.CHIEF_SUPERINTENDENT),
    ("DCS", Rank.CHIEF_SUPERINTENDENT),
    ("Sgt", Rank.SERGEANT),
    ("PS", Rank.SERGEANT),
    ("DS", Rank.SERGEANT),
    ("PC", Rank.CONSTABLE),
    ("DC", Rank.CONSTABLE),
    ("  constable  ", Rank.CONSTABLE),
    ("ACC", Rank.ASSISTANT_CHIEF_CONSTABLE),
    ("Commander", Rank.COMMANDER),
    ("DCC", Rank.DEPUTY_CHIEF_CONSTABLE),
    ("CC", Rank.CHIEF_CONSTABLE),
    ("Commissioner", Rank.COMMISSIONER),
    ("", None),
    ("general", None),
    ("inspecter", None),
]


@pytest.mark.parametrize("text, rank", RANK_ALIASES, ids=[repr(t) for t, _ in RANK_ALIASES])
def test_rank_parse(text: str, rank: Rank | None) -> None:
    assert Rank.parse(text) is rank


@pytest.mark.parametrize(
    "text, rank",
    [
        ("Acting Detective Inspector", Rank.INSPECTOR),
        ("Temporary Detective Superintendent", Rank.SUPERINTENDENT),
    ],
)
def test_rank_parse_with_two_prefixes(text: str, rank: Rank) -> None:
    assert Rank.parse(text) is rank


def test_every_rank_parses_from_its_value_and_title() -> None:
    for rank in Rank:
        assert Rank.parse(rank.value) is rank
        assert Rank.parse(rank.label) is rank


def test_rank_order() -> None:
    assert Rank.SUPERINTENDENT.at_least(Rank.INSPECTOR)
    assert not Rank.CHIEF_INSPECTOR.at_least(Rank.SUPERINTENDENT)
    assert Rank.COMMANDER.at_least(Rank.ASSISTANT_CHIEF_CONSTABLE)
    assert Rank.ASSISTANT_CHIEF_CONSTABLE.at_least(Rank.COMMANDER)
    levels = [rank.level for rank in Rank]
    assert levels == sorted(levels)


# --- order types and the rule table -------------------------------------------------------------

ORDER_ALIASES = [
    ("dvpn", OrderType.DVPN),
    (" DVPO ", OrderType.DVPO),
    ("D-A-P-N", OrderType.DAPN),
    ("dapo", OrderType.DAPO),
    ("NMO", OrderType.NMO),
    ("non-molestation", OrderType.NMO),
    ("Non Mol", OrderType.NMO),
    ("occupation", OrderType.OCCUPATION),
    ("OO", OrderType.OCCUPATION),
    ("restraining", OrderType.RESTRAINING),
    ("RO", OrderType.RESTRAINING),
    ("SPO", OrderType.SPO),
    ("interim SPO", OrderType.INTERIM_SPO),
    ("ISPO", OrderType.INTERIM_SPO),
    ("FMPO", OrderType.FMPO),
    ("FM", OrderType.FMPO),
    ("FGM", OrderType.FGMPO),
    ("fgmpo", OrderType.FGMPO),
    ("pre-charge bail", OrderType.BAIL),
    ("Bail", OrderType.BAIL),
    ("", None),
    ("ASBO", None),
]


@pytest.mark.parametrize("text, order_type", ORDER_ALIASES, ids=[repr(t) for t, _ in ORDER_ALIASES])
def test_order_type_parse(text: str, order_type: OrderType | None) -> None:
    assert OrderType.parse(text) is order_type


def test_every_order_type_parses_from_its_value() -> None:
    for order_type in OrderType:
        assert OrderType.parse(order_type.value) is order_type
        assert OrderType.parse(order_type.value.lower()) is order_type


def _citations(obj, where: str = "") -> list[tuple[str, object]]:
    """Every citation-like field (statute, *citation) in a rule, walking nested dataclasses."""
    found: list[tuple[str, object]] = []
    for f in fields(obj):
        value = getattr(obj, f.name)
        path = f"{where}{f.name}"
        if f.name == "statute" or f.name.endswith("citation"):
            found.append((path, value))
        elif is_dataclass(value):
            found += _citations(value, f"{path}.")
        elif isinstance(value, tuple):
            for i, item in enumerate(value):
                if is_dataclass(item):
                    found += _citations(item, f"{path}[{i}].")
    return found


def _required_citations(rule) -> list[tuple[str, object]]:
    """Citations that must be filled in: a blank one is only allowed where its subject is absent."""
    required = []
    for where, citation in _citations(rule):
        if where == "min_rank_citation" and rule.min_rank is None:
            continue
        if where.endswith("age_citation"):
            who = where.split("_", 1)[0]  # perpetrator_age_citation / protected_age_citation
            minimum = getattr(rule, f"{who}_min_age", None)
            if where == "age_citation":
                minimum = rule.perpetrator_min_age or rule.protected_min_age
            if minimum is None:
                continue
        required.append((where, citation))
    return required


@pytest.mark.parametrize("order_type", list(OrderType), ids=[t.value for t in OrderType])
def test_every_order_type_has_a_rule_with_citations(order_type: OrderType) -> None:
    assert order_type in RULES
    rule = RULES[order_type]
    assert rule.code is order_type
    assert rule_for(order_type) is rule
    assert rule.name.strip()
    citations = _required_citations(rule)
    assert any(where == "breach.citation" for where, _ in citations)
    for where, citation in citations:
        assert isinstance(citation, str) and citation.strip(), f"{order_type}: {where} is empty"
    for clock in (rule.hearing_clock, rule.breach_arrest_clock):
        if clock is not None:
            assert clock.hours in (24, 48)
            assert clock.period == timedelta(hours=clock.hours)
    if rule.follow_on is not None:
        assert rule.follow_on in RULES


def test_rule_table_has_no_extra_entries() -> None:
    assert set(RULES) == set(OrderType)


def test_notices_and_their_clocks() -> None:
    for code in (OrderType.DVPN, OrderType.DAPN):
        rule = RULES[code]
        assert rule.is_notice and rule.hearing_clock is not None and rule.hearing_clock.hours == 48
        assert rule.breach_arrest_clock is not None and rule.breach_arrest_clock.hours == 24
    assert RULES[OrderType.DVPN].min_rank is Rank.SUPERINTENDENT
    assert RULES[OrderType.DAPN].min_rank is Rank.INSPECTOR
    dvpo = RULES[OrderType.DVPO].duration
    assert dvpo is not None and (dvpo.min_days, dvpo.max_days) == (14, 28)
    spo = RULES[OrderType.SPO].duration
    assert spo is not None and spo.min_months == 24
