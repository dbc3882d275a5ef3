"""Worked cases, derived by hand from the statute, for the repeat notification windows (DAA 2021
s41(4)-(6); SPA 2019 s9(3)-(4)), the exemptions (DAA 2021 s41(8); SPA 2019 s9(1)(a), (5)), the
12-month limit on electronic monitoring (DAA 2021 s38(5)), the literal lapse time (DAA 2021 s29(3)(d)
with BFDA 1971 Sch 1) and the commencement table (S.I. 2024/1191 and after)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from rules.calendar import ExcludedDayCalendar
from rules.commencement import CommencementTableError, availability, parse, schemes
from rules.deadlines import hearing_deadline, lapse_deadline
from rules.monitoring import MonitoringError, longest_monitoring, monitoring_end
from rules.notification import (
    Change,
    Exemption,
    NotificationRuleError,
    change_deadline,
    exemption_rule,
    owed,
)
from rules.order_types import OrderType, rule_for

LONDON = ZoneInfo("Europe/London")


def london(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=LONDON)


# --- repeat notification windows -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("order_type", "change", "happened", "ends", "citation"),
    [
        # DAA s41(5): "before the end of the period of three days beginning with the day on which that
        # happens". Moved Mon 30 Nov 2026 10:00: days 30 Nov, 1 Dec, 2 Dec; ends at the end of 2 Dec.
        (OrderType.DAPO, Change.ADDRESS, "2026-11-30 10:00", "2026-12-03 00:00", "DAA 2021 s41(5)"),
        # DAA s41(4): a new name first used Thu 31 Dec 2026 23:59: 31 Dec, 1 Jan, 2 Jan; ends 3 Jan 00:00.
        (OrderType.DAPO, Change.NAME, "2026-12-31 23:59", "2027-01-03 00:00", "DAA 2021 s41(4)"),
        # DAA s41(6): no home address from Sat 28 Feb 2028: 28 Feb, 29 Feb (leap day), 1 Mar; ends 2 Mar.
        (OrderType.DAPO, Change.NO_ADDRESS, "2028-02-28 09:00", "2028-03-02 00:00", "DAA 2021 s41(6)"),
        # SPA s9(4): moved Sat 28 Mar 2026 22:00 GMT, clocks go forward Sun 29 Mar: 28, 29, 30 Mar; ends
        # 31 Mar 00:00 BST (30 Mar 23:00 UTC), not 24 x 3 hours after the move.
        (OrderType.SPO, Change.ADDRESS, "2026-03-28 22:00", "2026-03-31 00:00", "Stalking Protection Act 2019 s9(4)"),
        # SPA s9(3) on an interim SPO: a name used Sun 25 Oct 2026 (clocks go back): 25, 26, 27; ends 28 Oct.
        (
            OrderType.INTERIM_SPO,
            Change.NAME,
            "2026-10-25 01:30",
            "2026-10-28 00:00",
            "Stalking Protection Act 2019 s9(3)",
        ),
    ],
)
def test_a_change_starts_three_days_beginning_with_its_day(
    order_type: OrderType, change: Change, happened: str, ends: str, citation: str
) -> None:
    window = change_deadline(order_type, change, london(happened))
    assert window.at == london(ends)
    assert window.citation == citation


def test_the_day_of_a_change_is_the_local_day_not_the_utc_day() -> None:
    # 23:30 UTC on 1 Jul 2026 is 00:30 BST on 2 Jul: day 1 is 2 Jul, so the window ends 5 Jul 00:00 BST.
    happened = datetime(2026, 7, 1, 23, 30, tzinfo=ZoneInfo("UTC"))
    assert change_deadline(OrderType.DAPO, Change.ADDRESS, happened).at == london("2026-07-05 00:00")


def test_a_change_the_statute_does_not_name_is_refused() -> None:
    # SPA 2019 s9 has no duty on ceasing to have a home address (DAA 2021 s41(6) has).
    with pytest.raises(NotificationRuleError, match="no-address"):
        change_deadline(OrderType.SPO, Change.NO_ADDRESS, london("2026-04-01 10:00"))
    with pytest.raises(NotificationRuleError, match="A NMO carries no duty"):
        change_deadline(OrderType.NMO, Change.ADDRESS, london("2026-04-01 10:00"))


# --- exemptions -----------------------------------------------------------------------------------


def test_an_exemption_under_daa_s41_8_disapplies_every_duty() -> None:
    # s41(8): "The requirements imposed by subsections (2) to (6) do not apply where (a) ... another DAPO".
    for exemption in (Exemption.ANOTHER_DAPO, Exemption.SEX_OFFENDER, Exemption.SPO_NOTIFICATION):
        assert not owed(OrderType.DAPO, exemption, is_change=False)
        assert not owed(OrderType.DAPO, exemption, is_change=True)
    assert owed(OrderType.DAPO, None, is_change=False)


def test_an_spo_replacing_an_interim_spo_owes_no_first_notification_but_owes_changes() -> None:
    # SPA s9(1)(a): "(other than one which replaces an interim stalking protection order)"; s9(3)-(4)
    # apply to anyone "subject to a stalking protection order".
    assert not owed(OrderType.SPO, Exemption.REPLACES_INTERIM, is_change=False)
    assert owed(OrderType.SPO, Exemption.REPLACES_INTERIM, is_change=True)
    # SPA s9(5): a sex offender owes neither.
    assert not owed(OrderType.SPO, Exemption.SEX_OFFENDER, is_change=True)


def test_an_exemption_the_type_does_not_have_is_refused() -> None:
    with pytest.raises(NotificationRuleError, match="does not exempt a DAPO"):
        exemption_rule(OrderType.DAPO, Exemption.REPLACES_INTERIM)
    with pytest.raises(NotificationRuleError, match="its exemptions: none"):
        exemption_rule(OrderType.DVPO, Exemption.SEX_OFFENDER)


# --- electronic monitoring ------------------------------------------------------------------------


def test_monitoring_may_run_twelve_months_beginning_with_its_first_day() -> None:
    # s38(5): not "more than 12 months". From Sat 31 Jan 2026, 12 months beginning with that day end
    # the day before 31 Jan 2027: the last day is Sat 30 Jan 2027, ending 31 Jan 2027 00:00 GMT.
    start = london("2026-01-31 14:00")
    assert longest_monitoring(start).last_day == date(2027, 1, 30)
    end = monitoring_end(OrderType.DAPO, start, date(2027, 1, 30))
    assert end.at == london("2027-01-31 00:00")
    with pytest.raises(MonitoringError, match="30 Jan 2027 at the latest"):
        monitoring_end(OrderType.DAPO, start, date(2027, 1, 31))


def test_monitoring_from_a_leap_day_ends_with_the_last_day_of_february() -> None:
    # From 29 Feb 2028: 29 Feb 2029 does not exist, so the period ends with 28 Feb 2029 (rules.periods).
    assert longest_monitoring(london("2028-02-29 10:00")).last_day == date(2029, 2, 28)


def test_monitoring_is_refused_on_another_type_and_before_it_starts() -> None:
    with pytest.raises(MonitoringError, match="only a DAPO"):
        monitoring_end(OrderType.DVPO, london("2026-04-01 10:00"), date(2026, 4, 20))
    with pytest.raises(MonitoringError, match="cannot end before it starts"):
        monitoring_end(OrderType.DAPO, london("2026-04-01 10:00"), date(2026, 3, 31))


# --- the literal lapse ----------------------------------------------------------------------------


def test_a_saturday_boxing_day_makes_the_lapse_a_day_after_the_safe_deadline() -> None:
    # DAPN given Thu 24 Dec 2026 10:00. Countdowns (Saturday 26th counted by policy): 14 h Thu, skip Fri
    # 25 (Christmas Day), 24 h Sat 26, skip Sun 27, skip Mon 28 (the substitute bank holiday), 10 h Tue
    # 29: Tue 29 Dec 10:00. Literal (s29(3)(d): Sat 26 Dec is a bank holiday, BFDA 1971 Sch 1): 14 h Thu,
    # skip 25-28, 24 h Tue 29, 10 h Wed 30: Wed 30 Dec 10:00.
    rule, served, calendar = rule_for(OrderType.DAPN), london("2026-12-24 10:00"), ExcludedDayCalendar()
    safe = hearing_deadline(rule, served, calendar)
    lapse = lapse_deadline(rule, served, calendar)
    assert safe is not None and lapse is not None
    assert safe.at == london("2026-12-29 10:00")
    assert lapse.at == london("2026-12-30 10:00")


def test_in_other_years_the_lapse_is_the_deadline() -> None:
    # 2025: 26 Dec is a Friday, a bank holiday either way. Served Wed 24 Dec 10:00: 14 h Wed, skip Thu
    # 25, Fri 26, Sun 28; 24 h Sat 27, 10 h Mon 29: Mon 29 Dec 10:00 on both readings.
    rule, served, calendar = rule_for(OrderType.DVPN), london("2025-12-24 10:00"), ExcludedDayCalendar()
    safe, lapse = hearing_deadline(rule, served, calendar), lapse_deadline(rule, served, calendar)
    assert safe is not None and lapse is not None
    assert safe.at == lapse.at == london("2025-12-29 10:00")


# --- where and when a type is law -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("order_type", "areas", "day", "allowed", "basis"),
    [
        # S.I. 2024/1191 reg 1(2)(g): "the period beginning with 27 November 2024"; extended to 31 Mar 2026.
        (OrderType.DAPN, ["greater-manchester"], date(2024, 11, 27), True, "S.I. 2024/1191"),
        (OrderType.DAPN, ["greater-manchester"], date(2024, 11, 26), False, None),
        (OrderType.DAPO, ["Sutton"], date(2026, 3, 31), True, "S.I. 2024/1191"),
        (OrderType.DAPO, ["sutton"], date(2026, 4, 1), False, None),
        # S.I. 2025/261 reg 1(2)(f): "beginning with 5th March 2025"; S.I. 2025/319 from 11 March 2025.
        (OrderType.DAPN, ["cleveland"], date(2025, 3, 5), True, "S.I. 2025/261"),
        (OrderType.DAPN, ["cleveland"], date(2025, 3, 11), True, "S.I. 2025/319"),
        # S.I. 2025/515 reg 1(3)(f): "beginning with 28th April 2025".
        (OrderType.DAPN, ["north-wales"], date(2025, 4, 27), False, None),
        (OrderType.DAPN, ["north-wales"], date(2025, 4, 28), True, "S.I. 2025/515"),
        (OrderType.DAPN, ["west-midlands"], date(2025, 6, 1), False, None),
        # DAA 2021 s55 (the repeal of the DVPN provisions) is excepted from every instrument.
        (OrderType.DVPN, ["greater-manchester"], date(2026, 12, 2), True, None),
        (OrderType.DVPO, [], date(2030, 1, 1), True, None),
    ],
)
def test_a_type_is_law_only_where_and_when_a_scheme_says(
    order_type: OrderType, areas: list[str], day: date, allowed: bool, basis: str | None
) -> None:
    found = availability(order_type, areas, day)
    assert found.allowed is allowed
    if basis is not None:
        assert found.scheme is not None and found.scheme.basis.startswith(basis)
    if not allowed:
        assert "S.I. 2024/1191" in found.reason(order_type, day)


def test_every_scheme_in_the_table_restricts_only_dapns_and_dapos() -> None:
    assert {t for s in schemes() for t in s.types} == {OrderType.DAPN, OrderType.DAPO}


@pytest.mark.parametrize(
    "table",
    [
        '[[scheme]]\ntypes = ["DAPX"]\nareas = ["a"]\nfrom = 2025-01-01\nbasis = "x"\n',
        '[[scheme]]\ntypes = ["DAPN"]\nareas = ["a"]\nfrom = "soon"\nbasis = "x"\n',
        '[[scheme]]\ntypes = ["DAPN"]\nareas = ["a"]\nfrom = 2025-01-02\nuntil = 2025-01-01\nbasis = "x"\n',
        '[[scheme]]\ntypes = ["DAPN"]\nareas = []\nfrom = 2025-01-01\nbasis = "x"\n',
    ],
)
def test_a_malformed_table_is_refused_with_its_scheme_number(table: str) -> None:
    with pytest.raises(CommencementTableError, match="scheme 1"):
        parse(table)
