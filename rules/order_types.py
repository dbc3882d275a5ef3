"""One rule table per notice or order type: who may make it, its clocks, length, notification
window and what a breach means. Sources are cited per field so a legal adviser can review them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from rules.calendar import ALL_EXCLUDED_DAYS, SUNDAYS_CHRISTMAS_GOOD_FRIDAY, Disregarded
from rules.ranks import Rank


class OrderType(StrEnum):
    DVPN = "DVPN"
    DVPO = "DVPO"
    DAPN = "DAPN"
    DAPO = "DAPO"
    NMO = "NMO"
    OCCUPATION = "OO"
    RESTRAINING = "RO"
    SPO = "SPO"
    INTERIM_SPO = "ISPO"
    FMPO = "FMPO"
    FGMPO = "FGMPO"
    BAIL = "BAIL"

    @classmethod
    def parse(cls, text: str) -> OrderType | None:
        key = text.strip().upper().replace("-", "").replace(" ", "")
        return _TYPE_ALIASES.get(key)


class MadeBy(StrEnum):
    POLICE = "police"
    COURT = "court"


@dataclass(frozen=True)
class HourClock:
    """A period counted in hours that disregards excluded days (rules.clock). Which days it
    disregards is the statute's, per clock: `disregards`."""

    label: str
    hours: int
    citation: str
    disregards: frozenset[Disregarded] = ALL_EXCLUDED_DAYS
    # The earlier limit the statute sets beside the hours, if any, and its citation: a person
    # arrested for breaching a notice is brought to court within 24 hours "or, if earlier, at the
    # hearing of the application" (DAA 2021 s26(2)(b)).
    or_if_earlier_the_hearing: str | None = None
    # Starts only when the court attached a power of arrest to the order (FLA 1996 s47(6)).
    needs_power_of_arrest: bool = False

    @property
    def period(self) -> timedelta:
        return timedelta(hours=self.hours)


@dataclass(frozen=True)
class Duration:
    """How long the order lasts. Bounds are inclusive; None means no statutory bound."""

    citation: str
    min_days: int | None = None
    max_days: int | None = None
    min_months: int | None = None
    default_months: int | None = None  # the length set by statute when nobody chooses one
    until_further_order: bool = False
    note: str = ""


@dataclass(frozen=True)
class Extension:
    """A longer limit and the rank (or court) that may authorise it."""

    total_months: int
    authorised_by: str
    min_rank: Rank | None
    citation: str


@dataclass(frozen=True)
class NotificationWindow:
    """The perpetrator must tell the police their details within `days` of `counted_from`."""

    days: int
    counted_from: str  # "made" or "served"
    citation: str
    # What failing to notify is in law, in words for the officer (empty: not stated).
    failure: str = ""


@dataclass(frozen=True)
class BreachRule:
    consequence: str
    is_offence: bool
    max_penalty: str
    power_of_arrest: str
    citation: str


@dataclass(frozen=True)
class OrderTypeRule:
    code: OrderType
    name: str
    statute: str
    made_by: MadeBy
    is_notice: bool
    breach: BreachRule
    min_rank: Rank | None = None
    min_rank_citation: str = ""
    perpetrator_min_age: int | None = None
    protected_min_age: int | None = None
    perpetrator_age_citation: str = ""
    protected_age_citation: str = ""
    hearing_clock: HourClock | None = None
    breach_arrest_clock: HourClock | None = None
    duration: Duration | None = None
    extensions: tuple[Extension, ...] = ()
    notification: NotificationWindow | None = None
    follow_on: OrderType | None = None  # the order a notice leads to (DVPN -> DVPO)
    has_return_date: bool = False


FORTY_EIGHT_HOURS_DVPN = HourClock("DVPO application hearing deadline", 48, "CSA 2010 s27(3)-(4)")
FORTY_EIGHT_HOURS_DAPN = HourClock("DAPO application hearing deadline", 48, "DAA 2021 s29(2)-(3)")
# CSA 2010 s26 (breach of a DVPN) has the structure of DAA 2021 s26(2): 24 hours from arrest,
# excluded days disregarded, "or, if earlier, at the hearing" of the DVPO application. The CSA text
# could not be retrieved to confirm its subsection numbers, so the section alone is cited (open
# questions: confirm s26's subsections and s29's before citing them).
BREACH_ARREST_DVPN = HourClock(
    "Court appearance after arrest for breach",
    24,
    "CSA 2010 s26",
    or_if_earlier_the_hearing="the hearing of the DVPO application (CSA 2010 s26)",
)
# CSA 2010 s29: a person arrested for breaching a DVPO is brought before the court within 24 hours,
# excluded days disregarded; there is no application hearing to be earlier.
BREACH_ARREST_DVPO = HourClock("Court appearance after arrest for breach", 24, "CSA 2010 s29")
# DAA 2021 s26(2): "(a) before the end of the period of 24 hours beginning with the time of the
# arrest, or (b) if earlier, at the hearing of the application for a domestic abuse protection order
# against the person"; s26(4): Sundays, Christmas Day, Good Friday and bank holidays disregarded.
BREACH_ARREST_DAPN = HourClock(
    "Court appearance after arrest for breach",
    24,
    "DAA 2021 s26(2)(a), (4)",
    or_if_earlier_the_hearing="the hearing of the DAPO application (DAA 2021 s26(2)(b))",
)
# FLA 1996 s47(7)(a): "he must be brought before the relevant judicial authority within the period
# of 24 hours beginning at the time of his arrest"; s47(7): "In reckoning for the purposes of this
# subsection any period of 24 hours, no account is to be taken of Christmas Day, Good Friday or any
# Sunday" -- bank holidays count. Only an arrest under an attached power of arrest (s47(6)).
BREACH_ARREST_OO = HourClock(
    "Before the court after arrest under the power of arrest",
    24,
    "FLA 1996 s47(6)-(7)",
    disregards=SUNDAYS_CHRISTMAS_GOOD_FRIDAY,
    needs_power_of_arrest=True,
)

FIVE_YEARS = "5 years' imprisonment, a fine, or both"

RULES: dict[OrderType, OrderTypeRule] = {
    OrderType.DVPN: OrderTypeRule(
        code=OrderType.DVPN,
        name="Domestic Violence Protection Notice",
        statute="Crime and Security Act 2010 ss24-26",
        made_by=MadeBy.POLICE,
        is_notice=True,
        min_rank=Rank.SUPERINTENDENT,
        min_rank_citation="CSA 2010 s24(1)",
        perpetrator_min_age=18,
        perpetrator_age_citation="CSA 2010 s24(2)",
        hearing_clock=FORTY_EIGHT_HOURS_DVPN,
        breach_arrest_clock=BREACH_ARREST_DVPN,
        follow_on=OrderType.DVPO,
        breach=BreachRule(
            consequence="Arrest without warrant; held and brought before the magistrates' court "
            "within 24 hours (excluded days disregarded), or at the DVPO hearing if sooner",
            is_offence=False,
            max_penalty="not an offence",
            power_of_arrest="arrest without warrant (CSA 2010 s26(1))",
            citation="CSA 2010 s26",
        ),
    ),
    OrderType.DVPO: OrderTypeRule(
        code=OrderType.DVPO,
        name="Domestic Violence Protection Order",
        statute="Crime and Security Act 2010 ss27-29",
        made_by=MadeBy.COURT,
        is_notice=False,
        duration=Duration(citation="CSA 2010 s28(10)", min_days=14, max_days=28),
        breach_arrest_clock=BREACH_ARREST_DVPO,
        breach=BreachRule(
            consequence="Civil contempt: arrest without warrant, then the magistrates' court "
            "within 24 hours (excluded days disregarded)",
            is_offence=False,
            max_penalty="a fine up to £5,000 or up to 2 months' committal (MCA 1980 s63(3))",
            power_of_arrest="arrest without warrant (CSA 2010 s28(9): the DVPO states the power)",
            citation="CSA 2010 s29; Magistrates' Courts Act 1980 s63(3)",
        ),
    ),
    OrderType.DAPN: OrderTypeRule(
        code=OrderType.DAPN,
        name="Domestic Abuse Protection Notice",
        statute="Domestic Abuse Act 2021 ss22-26",
        made_by=MadeBy.POLICE,
        is_notice=True,
        min_rank=Rank.INSPECTOR,
        min_rank_citation="DAA 2021 s22(8)",
        perpetrator_min_age=18,
        protected_min_age=16,
        perpetrator_age_citation="DAA 2021 s22(6)",
        protected_age_citation="DAA 2021 s22(2)-(3)",
        hearing_clock=FORTY_EIGHT_HOURS_DAPN,
        breach_arrest_clock=BREACH_ARREST_DAPN,
        follow_on=OrderType.DAPO,
        breach=BreachRule(
            consequence="Arrest without warrant; held and brought before the magistrates' court "
            "within 24 hours (excluded days disregarded), or at the DAPO hearing if sooner",
            is_offence=False,
            max_penalty="not an offence",
            power_of_arrest="arrest without warrant (DAA 2021 s26(1))",
            citation="DAA 2021 s26",
        ),
    ),
    OrderType.DAPO: OrderTypeRule(
        code=OrderType.DAPO,
        name="Domestic Abuse Protection Order",
        statute="Domestic Abuse Act 2021 ss27-49",
        made_by=MadeBy.COURT,
        is_notice=False,
        duration=Duration(
            # Not s37 (the conditions for an electronic monitoring requirement). s38(3): "A domestic
            # abuse protection order has effect (a) for a specified period, (b) until the occurrence
            # of a specified event, or (c) until further order." Monitoring: rules.monitoring (s38(5)).
            citation="DAA 2021 s38(3)",
            until_further_order=True,
            note="A fixed period, until an event, or until further order; no statutory maximum.",
        ),
        notification=NotificationWindow(3, "made", "DAA 2021 s41(2)"),
        breach=BreachRule(
            consequence="Criminal offence",
            is_offence=True,
            max_penalty=FIVE_YEARS,
            power_of_arrest="arrest under PACE 1984 s24 (an offence; DAA 2021 s40(9))",
            citation="DAA 2021 s39",
        ),
    ),
    OrderType.NMO: OrderTypeRule(
        code=OrderType.NMO,
        name="Non-molestation order",
        statute="Family Law Act 1996 s42",
        made_by=MadeBy.COURT,
        is_notice=False,
        has_return_date=True,
        duration=Duration(
            citation="FLA 1996 s42(7)",
            until_further_order=True,
            note="A specified period or until further order; often 6 to 12 months. Without-notice "
            "orders carry a return date (FLA 1996 s45).",
        ),
        breach=BreachRule(
            consequence="Criminal offence",
            is_offence=True,
            max_penalty=FIVE_YEARS,
            power_of_arrest="arrest under PACE 1984 s24 (an offence)",
            citation="FLA 1996 s42A",
        ),
    ),
    OrderType.OCCUPATION: OrderTypeRule(
        code=OrderType.OCCUPATION,
        name="Occupation order",
        statute="Family Law Act 1996 ss33-38",
        made_by=MadeBy.COURT,
        is_notice=False,
        has_return_date=True,
        breach_arrest_clock=BREACH_ARREST_OO,
        duration=Duration(
            citation="FLA 1996 ss33(10), 35(10), 36(10), 37(5), 38(6)",
            until_further_order=True,
            note="s33: a specified period, until an event or until further order; ss35 and 37: up "
            "to 6 months, renewable; ss36 and 38: up to 6 months, renewable once.",
        ),
        breach=BreachRule(
            consequence="Contempt of court",
            is_offence=False,
            max_penalty="committal for contempt (up to 2 years)",
            power_of_arrest="only if attached by the court (FLA 1996 s47(2)-(3)); then arrest without "
            "warrant (s47(6)) and before the court within 24 hours, not counting Christmas Day, Good Friday "
            "or Sundays (s47(7))",
            citation="FLA 1996 s47",
        ),
    ),
    OrderType.RESTRAINING: OrderTypeRule(
        code=OrderType.RESTRAINING,
        name="Restraining order",
        statute="Sentencing Act 2020 s360; Protection from Harassment Act 1997 s5A",
        made_by=MadeBy.COURT,
        is_notice=False,
        duration=Duration(
            citation="Sentencing Act 2020 s359(2)",
            until_further_order=True,
            note="A specified period or until further order.",
        ),
        breach=BreachRule(
            consequence="Criminal offence",
            is_offence=True,
            max_penalty=FIVE_YEARS,
            power_of_arrest="arrest under PACE 1984 s24 (an offence)",
            citation="Sentencing Act 2020 s363",
        ),
    ),
    OrderType.SPO: OrderTypeRule(
        code=OrderType.SPO,
        name="Stalking Protection Order",
        statute="Stalking Protection Act 2019",
        made_by=MadeBy.COURT,
        is_notice=False,
        duration=Duration(
            citation="Stalking Protection Act 2019 s3",
            min_months=24,
            until_further_order=True,
            note="A fixed period of at least 2 years, or until further order.",
        ),
        notification=NotificationWindow(
            3,
            "served",
            "Stalking Protection Act 2019 s9(1)",
            # SPA 2019 s11(1)(a): failing "without reasonable excuse, to comply with section 9(1), (3)
            # or (4)" is an offence of its own (PNLD offence codes H20165-H20167 list it under
            # s11(1)(a) and (2)), not a breach of the order under s8.
            failure="Failing to notify without reasonable excuse is an offence in its own right "
            "(Stalking Protection Act 2019 s11(1)(a)), not a breach of the order (s8)",
        ),
        breach=BreachRule(
            consequence="Criminal offence",
            is_offence=True,
            max_penalty=FIVE_YEARS,
            power_of_arrest="arrest under PACE 1984 s24 (an offence)",
            citation="Stalking Protection Act 2019 s8",
        ),
    ),
    OrderType.INTERIM_SPO: OrderTypeRule(
        code=OrderType.INTERIM_SPO,
        name="Interim Stalking Protection Order",
        statute="Stalking Protection Act 2019 s5",
        made_by=MadeBy.COURT,
        is_notice=False,
        duration=Duration(
            citation="Stalking Protection Act 2019 s5",
            until_further_order=True,
            note="Until the application for the full order is decided, or as the court sets.",
        ),
        notification=NotificationWindow(
            3,
            "served",
            "Stalking Protection Act 2019 s9(1)",
            # SPA 2019 s11(1)(a): failing "without reasonable excuse, to comply with section 9(1), (3)
            # or (4)" is an offence of its own (PNLD offence codes H20165-H20167 list it under
            # s11(1)(a) and (2)), not a breach of the order under s8.
            failure="Failing to notify without reasonable excuse is an offence in its own right "
            "(Stalking Protection Act 2019 s11(1)(a)), not a breach of the order (s8)",
        ),
        breach=BreachRule(
            consequence="Criminal offence",
            is_offence=True,
            max_penalty=FIVE_YEARS,
            power_of_arrest="arrest under PACE 1984 s24 (an offence)",
            citation="Stalking Protection Act 2019 s8",
        ),
    ),
    OrderType.FMPO: OrderTypeRule(
        code=OrderType.FMPO,
        name="Forced Marriage Protection Order",
        statute="Family Law Act 1996 Part 4A (s63A)",
        made_by=MadeBy.COURT,
        is_notice=False,
        duration=Duration(
            citation="FLA 1996 s63B(3)",
            until_further_order=True,
            note="A specified period or until varied or discharged.",
        ),
        breach=BreachRule(
            consequence="Criminal offence",
            is_offence=True,
            max_penalty=FIVE_YEARS,
            power_of_arrest="arrest under PACE 1984 s24 (an offence)",
            citation="FLA 1996 s63CA",
        ),
    ),
    OrderType.FGMPO: OrderTypeRule(
        code=OrderType.FGMPO,
        name="Female Genital Mutilation Protection Order",
        statute="Female Genital Mutilation Act 2003 s5A and Sch 2",
        made_by=MadeBy.COURT,
        is_notice=False,
        duration=Duration(
            citation="FGMA 2003 Sch 2 para 1(6)",
            until_further_order=True,
            note="A specified period or until varied or discharged.",
        ),
        breach=BreachRule(
            consequence="Criminal offence",
            is_offence=True,
            max_penalty=FIVE_YEARS,
            power_of_arrest="arrest under PACE 1984 s24 (an offence)",
            citation="FGMA 2003 Sch 2 para 4",
        ),
    ),
    OrderType.BAIL: OrderTypeRule(
        code=OrderType.BAIL,
        name="Pre-charge bail with conditions",
        statute="Police and Criminal Evidence Act 1984 ss47ZA-47ZM",
        made_by=MadeBy.POLICE,
        is_notice=False,
        # s47ZB(1)(b): "the period of 3 months beginning with the person's bail start date";
        # s47ZB(4)(a): "a person's bail start date is the day after the day on which the person was
        # arrested for the relevant offence" (rules.deadlines.bail_end).
        duration=Duration(citation="PACE 1984 s47ZB(1)(b), (4)(a)", default_months=3),
        extensions=(
            # s47ZD(2): "ends at the end of the period of 6 months beginning with the person's bail
            # start date"; s47ZD(6): "a police officer of the rank of inspector or above".
            Extension(6, "an inspector or above", Rank.INSPECTOR, "PACE 1984 s47ZD(2), (6)"),
            # s47ZDA(2): 9 months beginning with the bail start date; s47ZDA(6): superintendent.
            Extension(9, "a superintendent or above", Rank.SUPERINTENDENT, "PACE 1984 s47ZDA(2), (6)"),
            # s47ZF(4)(a): after a s47ZDA extension, "at the end of the period of 12 months beginning
            # with the person's bail start date" (18 months where s47ZF(7) applies; further, s47ZG).
            Extension(12, "a magistrates' court", None, "PACE 1984 s47ZF(4)(a)"),
        ),
        breach=BreachRule(
            consequence="Not an offence; arrest for breach of bail conditions",
            is_offence=False,
            max_penalty="not an offence",
            power_of_arrest="arrest without warrant (PACE 1984 s46A(1A))",
            citation="PACE 1984 s46A(1A)",
        ),
    ),
}

_TYPE_ALIASES: dict[str, OrderType] = {t.value: t for t in OrderType}
_TYPE_ALIASES.update(
    {
        "NONMOLESTATION": OrderType.NMO,
        "NONMOL": OrderType.NMO,
        "OCCUPATION": OrderType.OCCUPATION,
        "RESTRAINING": OrderType.RESTRAINING,
        "INTERIMSPO": OrderType.INTERIM_SPO,
        "PRECHARGEBAIL": OrderType.BAIL,
        "FGM": OrderType.FGMPO,
        "FM": OrderType.FMPO,
    }
)


def rule_for(order_type: OrderType) -> OrderTypeRule:
    return RULES[order_type]
