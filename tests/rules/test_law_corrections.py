"""Worked cases, derived by hand from the statute text, for pre-charge bail from the arrest, the
breach-arrest court deadline at the application hearing if earlier, the occupation order clock,
and the citations a legal adviser signs off."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from rules.calendar import ExcludedDayCalendar
from rules.deadlines import BailExtension, ClockEvent, bail_end, bail_start, breach_court_deadline
from rules.order_types import OrderType, rule_for
from services.errors import DomainError
from services.records.calculator import calculate
from tests.support.force import london

CALENDAR = ExcludedDayCalendar()
LONDON = ZoneInfo("Europe/London")
BAIL = rule_for(OrderType.BAIL)


# -- 1. Pre-charge bail: PACE 1984 s47ZB ------------------------------------------------------------
# s47ZB(4)(a): "a person's bail start date is the day after the day on which the person was arrested
# for the relevant offence"; s47ZB(1)(b): "the period of 3 months beginning with the person's bail
# start date". A period "beginning with" a day counts that day as day 1, so it ends with the day
# before the corresponding date 3 months on; the tracker shows the end of that last day as the next
# day's 00:00, Europe/London (the instant at which the period has ended).


def test_arrested_and_bailed_on_1_january_bail_ends_with_1_april() -> None:
    # Arrested Thu 1 Jan 2026 10:00 -> bail start date Fri 2 Jan (the day after).
    # 3 months beginning with 2 Jan: 2 Jan .. 1 Apr (the corresponding date, 2 Apr, is outside).
    # The old count from the day bail was given gave 31 Mar: a day early.
    end = bail_end(BAIL, london("2026-01-01 10:00"))
    assert bail_start(london("2026-01-01 10:00")) == london("2026-01-02 00:00")
    assert (end.first_day, end.last_day) == (date(2026, 1, 2), date(2026, 4, 1))
    assert end.at.isoformat() == "2026-04-02T00:00:00+01:00"  # end of Wed 1 Apr (BST from 29 Mar)


def test_arrested_on_1_january_and_bailed_on_3_january_still_ends_with_1_april() -> None:
    # The bail day does not move the period: counting from 3 Jan gave 2 Apr, a day late.
    end = bail_end(BAIL, london("2026-01-01 23:50"))
    assert end.last_day == date(2026, 4, 1)


@pytest.mark.parametrize(
    ("extended_by", "months", "last_day", "citation"),
    [
        # s47ZD(2): "ends at the end of the period of 6 months beginning with the person's bail start
        # date" (an inspector, s47ZD(6)): 2 Jan .. 1 Jul.
        (BailExtension.INSPECTOR, 6, date(2026, 7, 1), "s47ZD(2), (6)"),
        # s47ZDA(2): 9 months (a superintendent, s47ZDA(6)): 2 Jan .. 1 Oct.
        (BailExtension.SUPERINTENDENT, 9, date(2026, 10, 1), "s47ZDA(2), (6)"),
        # s47ZF(4)(a): 12 months (a magistrates' court): 2 Jan 2026 .. 1 Jan 2027.
        (BailExtension.COURT, 12, date(2027, 1, 1), "s47ZF(4)(a)"),
    ],
)
def test_extensions_run_from_the_same_bail_start_date(
    extended_by: BailExtension, months: int, last_day: date, citation: str
) -> None:
    end = bail_end(BAIL, london("2026-01-01 10:00"), months)
    assert end.last_day == last_day and citation in end.citation
    view = calculate(
        OrderType.BAIL, ClockEvent.SERVED, london("2026-01-01 10:00"), CALENDAR, LONDON, extended_by=extended_by
    )
    assert view.at == end.at


def test_a_late_evening_arrest_on_the_last_day_of_a_month() -> None:
    # Arrested Sat 31 Jan 2026 23:30 -> bail start date Sun 1 Feb -> 3 months: 1 Feb .. 30 Apr.
    end = bail_end(BAIL, london("2026-01-31 23:30"))
    assert (end.first_day, end.last_day) == (date(2026, 2, 1), date(2026, 4, 30))
    # An arrest just after midnight UTC but still 31 Jan... in winter London is UTC: same day.
    assert bail_end(BAIL, datetime.fromisoformat("2026-01-31T23:59:00+00:00")).last_day == date(2026, 4, 30)


def test_the_calculator_takes_the_arrest_for_bail_and_prints_the_end_of_the_last_day() -> None:
    view = calculate(OrderType.BAIL, ClockEvent.SERVED, london("2026-01-01 10:00"), CALENDAR, LONDON)
    assert view.at.isoformat() == "2026-04-02T00:00:00+01:00"
    text = " ".join(view.explanation)
    assert "beginning with Fri 02 Jan 2026" in text and "Last day: Wed 01 Apr 2026" in text
    assert "s47ZB(4)(a)" in text


def test_only_bail_takes_an_extension() -> None:
    with pytest.raises(DomainError, match="Only pre-charge bail"):
        calculate(
            OrderType.DVPN,
            ClockEvent.SERVED,
            london("2026-01-01 10:00"),
            CALENDAR,
            LONDON,
            extended_by=BailExtension.INSPECTOR,
        )


# -- 2. The breach-arrest court deadline: DAA 2021 s26(2) ------------------------------------------
# s26(2): "(a) before the end of the period of 24 hours beginning with the time of the arrest, or
# (b) if earlier, at the hearing of the application for a domestic abuse protection order".


def test_a_hearing_earlier_than_the_24_hours_is_the_deadline() -> None:
    # Arrested Thu 2 Apr 2026 20:00. 24 hours: 4 h Thu, Good Fri 3 Apr skipped (s26(4)(c)), 20 h on
    # Sat 4 Apr -> Sat 4 Apr 20:00. The DAPO hearing is listed Fri 3 Apr 10:00: earlier, so it applies.
    deadline = breach_court_deadline(
        rule_for(OrderType.DAPN), london("2026-04-02 20:00"), CALENDAR, hearing_at=london("2026-04-03 10:00")
    )
    assert deadline is not None and deadline.at == london("2026-04-03 10:00")
    assert deadline.earlier_limit is not None and "s26(2)(b)" in deadline.earlier_limit
    assert any("Counted 20 hours on Sat 04 Apr 2026" in line for line in deadline.explanation())


def test_a_hearing_later_than_the_24_hours_leaves_the_24_hours() -> None:
    # Same arrest; hearing Tue 7 Apr 10:00 is after Sat 4 Apr 20:00, so (a) applies.
    deadline = breach_court_deadline(
        rule_for(OrderType.DAPN), london("2026-04-02 20:00"), CALENDAR, hearing_at=london("2026-04-07 10:00")
    )
    assert deadline is not None and deadline.at == london("2026-04-04 20:00") and deadline.earlier_limit is None
    assert any("is later: the 24 hours apply" in line for line in deadline.explanation())


def test_a_dvpn_arrest_has_the_same_structure_and_a_dvpo_arrest_has_no_hearing_limit() -> None:
    # CSA 2010 s26 (DVPN) mirrors DAA s26(2); a DVPO breach (CSA s29) has no application pending.
    dvpn = breach_court_deadline(
        rule_for(OrderType.DVPN), london("2026-04-02 20:00"), CALENDAR, hearing_at=london("2026-04-03 10:00")
    )
    dvpo = breach_court_deadline(
        rule_for(OrderType.DVPO), london("2026-04-02 20:00"), CALENDAR, hearing_at=london("2026-04-03 10:00")
    )
    assert dvpn is not None and dvpn.at == london("2026-04-03 10:00")
    assert dvpo is not None and dvpo.at == london("2026-04-04 20:00")


# -- 4. Occupation orders with a power of arrest: FLA 1996 s47(6)-(7) -------------------------------
# s47(7)(a): "within the period of 24 hours beginning at the time of his arrest"; s47(7): "no account
# is to be taken of Christmas Day, Good Friday or any Sunday". Bank holidays count.

OO = rule_for(OrderType.OCCUPATION)


@pytest.mark.parametrize(
    ("arrest", "oo_deadline", "general_deadline"),
    [
        # Sat 23 May 2026 15:00: 9 h Sat; Sun 24 skipped; Mon 25 May (spring bank holiday) counts for
        # the OO: 15 h -> Mon 25 May 15:00. The DAPN clock also skips the Monday -> Tue 26 May 15:00.
        ("2026-05-23 15:00", "2026-05-25 15:00", "2026-05-26 15:00"),
        # Sat 4 Apr 2026 10:00: 14 h Sat; Sun 5 skipped; Easter Monday counts: 10 h -> Mon 6 Apr 10:00.
        ("2026-04-04 10:00", "2026-04-06 10:00", "2026-04-07 10:00"),
        # Thu 24 Dec 2026 10:00: 14 h Thu; Christmas Day skipped; Sat 26 Dec (Boxing Day, a bank
        # holiday) counts: 10 h -> Sat 26 Dec 10:00. The DAPN clock counts that Saturday too (force
        # policy) but skips Mon 28 (substitute day) only after it, so it also ends Sat 26 Dec 10:00.
        ("2026-12-24 10:00", "2026-12-26 10:00", "2026-12-26 10:00"),
        # Thu 2 Apr 2026 20:00: 4 h Thu; Good Friday skipped; 20 h Sat -> Sat 4 Apr 20:00 (both).
        ("2026-04-02 20:00", "2026-04-04 20:00", "2026-04-04 20:00"),
    ],
)
def test_the_occupation_order_clock_counts_bank_holidays(arrest: str, oo_deadline: str, general_deadline: str) -> None:
    oo = breach_court_deadline(OO, london(arrest), CALENDAR, power_of_arrest=True)
    general = breach_court_deadline(rule_for(OrderType.DAPN), london(arrest), CALENDAR)
    assert oo is not None and oo.at == london(oo_deadline)
    assert general is not None and general.at == london(general_deadline)
    assert "not counting Sundays, Christmas Day and Good Friday." in oo.explanation()[0]


def test_no_power_of_arrest_no_oo_clock() -> None:
    assert breach_court_deadline(OO, london("2026-05-23 15:00"), CALENDAR, power_of_arrest=False) is None


def test_the_calculator_accepts_an_occupation_order_arrest() -> None:
    view = calculate(OrderType.OCCUPATION, ClockEvent.ARRESTED, london("2026-05-23 15:00"), CALENDAR, LONDON)
    assert view.at.isoformat() == "2026-05-25T15:00:00+01:00"
    assert "FLA 1996 s47(6)-(7)" in view.citation
    assert any("power of arrest the court attached" in line for line in view.explanation)


# -- 3. Citations -----------------------------------------------------------------------------------


def test_citations_point_at_the_right_provisions() -> None:
    # DAA 2021 s37 is the conditions for an electronic monitoring requirement, not duration.
    dapo = rule_for(OrderType.DAPO)
    assert dapo.duration is not None and dapo.duration.citation.startswith("DAA 2021 s38")
    # The DVPO's power of arrest is stated by the order (s28), not in s29 (which is the clock).
    assert "s29(1)" not in rule_for(OrderType.DVPO).breach.power_of_arrest
    clocks = {t: rule_for(t).breach_arrest_clock for t in OrderType}
    assert clocks[OrderType.DVPN] is not None and clocks[OrderType.DVPN].citation == "CSA 2010 s26"
    assert clocks[OrderType.DVPO] is not None and clocks[OrderType.DVPO].citation == "CSA 2010 s29"
    assert clocks[OrderType.DAPN] is not None and clocks[OrderType.DAPN].citation == "DAA 2021 s26(2)(a), (4)"
    # SPA 2019 s11(1)(a): failing to notify is its own offence, not a breach of the order.
    for kind in (OrderType.SPO, OrderType.INTERIM_SPO):
        window = rule_for(kind).notification
        assert window is not None and "s11(1)(a)" in window.failure and "not a breach of the order" in window.failure
