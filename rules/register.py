"""The legal register: every rule the code applies, the provision it rests on, the words relied on,
whether those words were read in the statute's text and where, the policy choices and their
settings, and the questions left for a force's legal adviser.

`rules/LEGAL.md` is generated from this table (`python -m rules.register > rules/LEGAL.md`);
tests/rules/test_legal_register.py fails when a rule in the rule tables has no entry here, when a
citation differs between a table and its entry, or when a citation anywhere in the code or the
README is not one the register knows.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from rules.calendar import disregarded_words
from rules.commencement import schemes
from rules.incidents import (
    ATTENDANCE,
    CLOCKS,
    CONSIDERED,
    CRIME_RECORDED,
    DASH_COMPLETED,
    DASH_HIGH_FROM,
    DASH_MEDIUM_FROM,
    DASH_QUESTIONS,
    DASH_SOURCE,
    ESCALATION_DEFAULT,
    ESCALATION_SETTING,
    MARAC_REFERRAL,
)
from rules.monitoring import MONITORED_TYPES, MONITORING_CITATION
from rules.notification import CHANGES, EXEMPTIONS
from rules.order_types import RULES, HourClock
from rules.school_days import DEFAULT_SCHOOL_START, ENCOMPASS_ID, ENCOMPASS_SOURCE, SCHOOL_START_SETTING

LEGISLATION = "https://www.legislation.gov.uk/ukpga"
NOT_IN_CORPUS = "not read: the stored copies hold only this section's metadata, not its text"


@dataclass(frozen=True)
class RegisterEntry:
    id: str  # stable: "<type>.<field>" for a rule-table field, "<area>.<rule>" otherwise
    computes: str
    citation: str  # exactly as the code cites it
    words: str  # the statute's words relied on, quoted briefly ("" where none was read)
    verified: bool  # the words were read in the statute's text
    source: str  # where they were read, or "not read: why"
    policy: str = ""  # a choice the law leaves open: the setting and its default
    excluded_days: str = ""  # for an hour clock: the days it disregards, in the code's words
    also_cites: tuple[str, ...] = ()  # finer references the code's messages use for the same rule


@dataclass(frozen=True)
class AppliedRule:
    """One rule a rule table applies: its register id and the citation the table gives it."""

    id: str
    citation: str
    text: str = ""  # where the citation sits inside a sentence (power of arrest, failure)
    clock: HourClock | None = None


def applied_rules() -> Iterator[AppliedRule]:
    """Every rule the order-type tables apply, with the id its register entry must carry."""
    for code, rule in RULES.items():
        if rule.min_rank is not None:
            yield AppliedRule(f"{code}.rank", rule.min_rank_citation)
        if rule.perpetrator_min_age is not None:
            yield AppliedRule(f"{code}.age.perpetrator", rule.perpetrator_age_citation)
        if rule.protected_min_age is not None:
            yield AppliedRule(f"{code}.age.protected", rule.protected_age_citation)
        if rule.hearing_clock is not None:
            yield AppliedRule(f"{code}.hearing", rule.hearing_clock.citation, clock=rule.hearing_clock)
        if rule.breach_arrest_clock is not None:
            clock = rule.breach_arrest_clock
            yield AppliedRule(f"{code}.breach_arrest", clock.citation, clock.or_if_earlier_the_hearing or "", clock)
        if rule.duration is not None:
            yield AppliedRule(f"{code}.duration", rule.duration.citation)
        for extension in rule.extensions:
            yield AppliedRule(f"{code}.extension.{extension.total_months}", extension.citation)
        if rule.notification is not None:
            yield AppliedRule(f"{code}.notification", rule.notification.citation)
            if rule.notification.failure:
                yield AppliedRule(f"{code}.notification.failure", "", rule.notification.failure)
        yield AppliedRule(f"{code}.breach", rule.breach.citation)
        yield AppliedRule(f"{code}.power_of_arrest", "", rule.breach.power_of_arrest)
        for change, change_rule in CHANGES.get(code, {}).items():
            yield AppliedRule(f"{code}.notification.change.{change}", change_rule.citation)
        for exemption, exemption_rule in EXEMPTIONS.get(code, {}).items():
            yield AppliedRule(f"{code}.notification.exempt.{exemption}", exemption_rule.citation)
        if code in MONITORED_TYPES:
            yield AppliedRule(f"{code}.monitoring", MONITORING_CITATION)
    for incident_clock in CLOCKS:  # the incident clocks: guidance and local protocol
        yield AppliedRule(incident_clock.register_id, incident_clock.citation)
    yield AppliedRule(ENCOMPASS_ID, ENCOMPASS_SOURCE)


def _url(year: int, chapter: int, section: str) -> str:
    return f"{LEGISLATION}/{year}/{chapter}/section/{section}"


CSA, DAA, FLA, PACE, SPA = (2010, 17), (2021, 17), (1996, 27), (1984, 60), (2019, 9)
# A copy of the Act's text: the legislation QA dataset of the i.AI unit, section 38 as on legislation.gov.uk.
I_DOT_AI = "https://huggingface.co/datasets/i-dot-ai/legislation_2021-2023_qa"
SPA_9 = "https://legislation.gov.uk/ukpga/2019/9/crossheading/notification-requirements"
DVDS_GUIDANCE_PAGE = (
    "https://www.gov.uk/government/publications/domestic-violence-disclosure-scheme-pilot-guidance/"
    "domestic-violence-disclosure-scheme-accessible"
)
DVDS_CONSULTATION_PAGE = "https://www.gov.uk/government/consultations/domestic-violence-disclosure-scheme-guidance"

ALL_DAYS = "Sundays, Christmas Day, Good Friday and bank holidays (BFDA 1971)"
OO_DAYS = "Sundays, Christmas Day and Good Friday"

REGISTER: tuple[RegisterEntry, ...] = (
    # --- DVPN (Crime and Security Act 2010) ---
    RegisterEntry(
        "DVPN.rank",
        "A DVPN is refused unless authorised by a superintendent or above.",
        "CSA 2010 s24(1)",
        '"A member of a police force not below the rank of superintendent (\u201cthe authorising officer\u201d) '
        'may issue a domestic violence protection notice"',
        True,
        _url(*CSA, "24"),
    ),
    RegisterEntry(
        "DVPN.age.perpetrator",
        "A DVPN is refused for a person under 18 on the day of service.",
        "CSA 2010 s24(2)",
        '"A DVPN may be issued to a person (\u201cP\u201d) aged 18 years or over"',
        True,
        _url(*CSA, "24"),
    ),
    RegisterEntry(
        "DVPN.hearing",
        "The DVPO application's hearing deadline: 48 hours from service, excluded days "
        "disregarded; a notice not heard by then lapses.",
        "CSA 2010 s27(3)-(4)",
        "",
        False,
        f"{NOT_IN_CORPUS} ({_url(*CSA, '27')}); the structure matches DAA 2021 s29(2)-(3), which was read",
        excluded_days=ALL_DAYS,
        also_cites=("CSA 2010 s27(3)",),
    ),
    RegisterEntry(
        "DVPN.adjournment",
        "A DVPN continues through an adjournment of the DVPO hearing.",
        "CSA 2010 s27",
        "",
        False,
        f"{NOT_IN_CORPUS} ({_url(*CSA, '27')})",
    ),
    RegisterEntry(
        "DVPN.breach_arrest",
        "After an arrest for breach: before the magistrates' court within 24 hours, "
        "excluded days disregarded, or at the DVPO hearing if that is earlier.",
        "CSA 2010 s26",
        "",
        False,
        f"{NOT_IN_CORPUS} ({_url(*CSA, '26')}); the subsection numbers are not cited until read",
        excluded_days=ALL_DAYS,
    ),
    RegisterEntry(
        "DVPN.breach",
        "Breach of a DVPN is not an offence: arrest and the court clock above.",
        "CSA 2010 s26",
        "",
        False,
        f"{NOT_IN_CORPUS} ({_url(*CSA, '26')})",
    ),
    RegisterEntry(
        "DVPN.power_of_arrest",
        "A constable may arrest without warrant for breach of a DVPN.",
        "CSA 2010 s26(1)",
        "",
        False,
        f"{NOT_IN_CORPUS} ({_url(*CSA, '26')}); s25 (the DVPN must state the power) not read either",
    ),
    # --- DVPO ---
    RegisterEntry(
        "DVPO.duration",
        "A DVPO lasts 14 to 28 days beginning with the day it is made; outside that is refused.",
        "CSA 2010 s28(10)",
        "",
        False,
        f"not read: the stored text of {_url(*CSA, '28')} stops at s28(9); explanatory note 79 says "
        '"between 14 and 28 days"',
    ),
    RegisterEntry(
        "DVPO.power_of_arrest",
        "A constable may arrest without warrant for breach of a DVPO.",
        "CSA 2010 s28(9)",
        '"A DVPO must state that a constable may arrest P without warrant"',
        True,
        _url(*CSA, "28"),
    ),
    RegisterEntry(
        "DVPO.breach_arrest",
        "After an arrest for breach of a DVPO: before the magistrates' court within 24 hours, "
        "excluded days disregarded.",
        "CSA 2010 s29",
        "",
        False,
        f"{NOT_IN_CORPUS} ({_url(*CSA, '29')})",
        excluded_days=ALL_DAYS,
    ),
    RegisterEntry(
        "DVPO.breach",
        "Breach of a DVPO is civil contempt: a fine up to \u00a35,000 or up to 2 months' committal.",
        "CSA 2010 s29; Magistrates' Courts Act 1980 s63(3)",
        "",
        False,
        f"{NOT_IN_CORPUS} ({_url(*CSA, '29')}); MCA 1980 s63(3) not read",
    ),
    # --- DAPN (Domestic Abuse Act 2021) ---
    RegisterEntry(
        "DAPN.rank",
        "A DAPN is refused unless authorised by an inspector or above.",
        "DAA 2021 s22(8)",
        '"\u201csenior police officer\u201d means a member of a relevant police force who is a constable of at least '
        'the rank of inspector"',
        True,
        _url(*DAA, "22"),
    ),
    RegisterEntry(
        "DAPN.age.perpetrator",
        "A DAPN is refused for a person under 18.",
        "DAA 2021 s22(6)",
        '"A domestic abuse protection notice may not be given to a person who is under the age of 18."',
        True,
        _url(*DAA, "22"),
    ),
    RegisterEntry(
        "DAPN.age.protected",
        "A DAPN protects a person aged 16 or over.",
        "DAA 2021 s22(2)-(3)",
        '"prohibiting P from being abusive towards a person aged 16 or over"',
        True,
        _url(*DAA, "22"),
    ),
    RegisterEntry(
        "DAPN.hearing",
        "The DAPO application's hearing deadline: 48 hours from the notice, excluded days disregarded.",
        "DAA 2021 s29(2)-(3)",
        "\"The application must be heard by the magistrates' court not later than 48 hours after the notice was "
        'given to P"; s29(3): "(a) any Sunday, (b) Christmas Day, (c) Good Friday, and (d) any day which is a bank '
        'holiday in England and Wales under the Banking and Financial Dealings Act 1971"',
        True,
        _url(*DAA, "29"),
        excluded_days=ALL_DAYS,
        also_cites=("DAA 2021 s29(2)", "DAA 2021 s29(3)"),
    ),
    RegisterEntry(
        "DAPN.adjournment",
        "A DAPN continues through an adjournment of the DAPO hearing.",
        "DAA 2021 s29(7)",
        '"If the court adjourns the hearing of the application, the domestic abuse protection notice continues in '
        'effect until the application has been determined or withdrawn."',
        True,
        _url(*DAA, "29"),
    ),
    RegisterEntry(
        "DAPN.breach_arrest",
        "After an arrest for breach: before the court within 24 hours, excluded days "
        "disregarded, or at the DAPO hearing if that is earlier (the earlier is shown, saying which applies).",
        "DAA 2021 s26(2)(a), (4)",
        '"(a) before the end of the period of 24 hours beginning with the time of the arrest, or (b) if earlier, at '
        'the hearing of the application for a domestic abuse protection order"',
        True,
        _url(*DAA, "26"),
        excluded_days=ALL_DAYS,
        also_cites=("DAA 2021 s26(2)(b)",),
    ),
    RegisterEntry(
        "DAPN.breach",
        "Breach of a DAPN is not an offence: arrest and the court clock above.",
        "DAA 2021 s26",
        '"the constable may arrest the person without warrant" (no offence is created)',
        True,
        _url(*DAA, "26"),
    ),
    RegisterEntry(
        "DAPN.power_of_arrest",
        "A constable may arrest without warrant for breach of a DAPN.",
        "DAA 2021 s26(1)",
        '"If a constable has reasonable grounds for believing that a person is in breach of a domestic abuse '
        'protection notice, the constable may arrest the person without warrant."',
        True,
        _url(*DAA, "26"),
    ),
    # --- DAPO ---
    RegisterEntry(
        "DAPO.duration",
        "A DAPO lasts a fixed period, until an event or until further order: no maximum.",
        "DAA 2021 s38(3)",
        '"A domestic abuse protection order has effect— (a) for a specified period, (b) until the occurrence of '
        'a specified event, or (c) until further order."',
        True,
        f"{I_DOT_AI} (a copy of {_url(*DAA, '38')}); s37 was read and is the electronic-monitoring conditions",
    ),
    RegisterEntry(
        "DAPO.monitoring",
        "An electronic monitoring requirement is recorded with its start and last day; more than 12 months from "
        "its start is refused, and the officer is reminded before it ends.",
        MONITORING_CITATION,
        's38(5): "But a domestic abuse protection order may not provide for an electronic monitoring requirement to '
        'have effect for more than 12 months." s38(6): "Subsection (5) is subject to any variation of the order under '
        'section 44."',
        True,
        f"{I_DOT_AI} (a copy of {_url(*DAA, '38')})",
        policy="Reading: the 12 months run from the day the requirement starts (s38(4) lets the order set periods for "
        "particular requirements), counted like other month periods (open question).",
        also_cites=("DAA 2021 s38(4)", "DAA 2021 s38(5)", "DAA 2021 s38(6)", "DAA 2021 s44"),
    ),
    RegisterEntry(
        "DAPO.notification",
        "The DAPO subject must notify name(s) and home address within 3 days beginning with the day the order is made.",
        "DAA 2021 s41(2)",
        '"within the period of three days beginning with the day on which the order is made, notify the police"',
        True,
        _url(*DAA, "41"),
    ),
    RegisterEntry(
        "DAPO.notification.change.name",
        "Using a name not yet notified starts a new 3-day window (its own reminders; missed, flagged).",
        "DAA 2021 s41(4)",
        '"If the person uses a name which has not been notified under this section, the person must, within the '
        "period of three days beginning with the day on which the person first uses that name, notify the police of "
        'that name."',
        True,
        _url(*DAA, "41") + "/enacted",
        also_cites=("DAA 2021 s41(4)-(6)",),
    ),
    RegisterEntry(
        "DAPO.notification.change.address",
        "A change of home address starts a new 3-day window.",
        "DAA 2021 s41(5)",
        '"If the person changes home address, the person must, before the end of the period of three days beginning '
        'with the day on which that happens, notify the police of the new home address."',
        True,
        _url(*DAA, "41") + "/enacted",
    ),
    RegisterEntry(
        "DAPO.notification.change.no-address",
        "Ceasing to have any home address starts a new 3-day window.",
        "DAA 2021 s41(6)",
        '"If the person ceases to have any home address, the person must, before the end of the period of three days '
        'beginning with the day on which that happens, notify the police of that fact."',
        True,
        _url(*DAA, "41") + "/enacted",
    ),
    RegisterEntry(
        "DAPO.notification.exempt.another-dapo",
        "No notification is owed (and none is chased) where the person is subject to another DAPO.",
        "DAA 2021 s41(8)(a)",
        '"The requirements imposed by subsections (2) to (6) do not apply where— (a) the person is subject to another '
        'domestic abuse protection order (and accordingly those requirements already apply)"',
        True,
        _url(*DAA, "41") + "/enacted",
        also_cites=("DAA 2021 s41(8)",),
    ),
    RegisterEntry(
        "DAPO.notification.exempt.sex-offender",
        "No notification is owed where the person is subject to the sex-offender notification requirements.",
        "DAA 2021 s41(8)(b)",
        '"(b) the person is subject to notification requirements under Part 2 of the Sexual Offences Act 2003 or '
        'section 9 of the Stalking Protection Act 2019"',
        True,
        _url(*DAA, "41") + "/enacted",
        also_cites=("SOA 2003 Part 2",),
    ),
    RegisterEntry(
        "DAPO.notification.exempt.spo-notification",
        "No notification is owed where the person is subject to the SPA 2019 s9 notification requirements.",
        "DAA 2021 s41(8)(b)",
        '"(b) ... or section 9 of the Stalking Protection Act 2019"',
        True,
        _url(*DAA, "41") + "/enacted",
    ),
    RegisterEntry(
        "DAPO.breach",
        "Breach of a DAPO is an offence: up to 5 years.",
        "DAA 2021 s39",
        '"A person who is subject to a domestic abuse protection order commits an offence if without reasonable '
        'excuse the person fails to comply with any requirement imposed by the order"; s39(5)(b): "on conviction on '
        'indictment, to imprisonment for a term not exceeding 5 years or to a fine, or both"',
        True,
        _url(*DAA, "39"),
    ),
    RegisterEntry(
        "DAPO.power_of_arrest",
        "Arrest for breach of a DAPO is under PACE s24 (it is an offence).",
        "DAA 2021 s40(9)",
        '"For the power of a constable to arrest P without warrant for breach of a domestic abuse protection order, '
        'see section 24 of the Police and Criminal Evidence Act 1984."',
        True,
        _url(*DAA, "40"),
        also_cites=("PACE 1984 s24",),
    ),
    # --- Non-molestation order ---
    RegisterEntry(
        "NMO.duration",
        "A non-molestation order lasts a specified period or until further order.",
        "FLA 1996 s42(7)",
        "",
        False,
        f"not read ({_url(*FLA, '42')})",
    ),
    RegisterEntry(
        "NMO.return_date",
        "A without-notice order carries a return date, tracked as a hearing.",
        "FLA 1996 s45",
        "",
        False,
        f"not read ({_url(*FLA, '45')})",
    ),
    RegisterEntry(
        "NMO.breach",
        "Breach of a non-molestation order is an offence: up to 5 years.",
        "FLA 1996 s42A",
        "",
        False,
        f"not read ({_url(*FLA, '42A')})",
    ),
    RegisterEntry(
        "NMO.power_of_arrest",
        "Arrest for breach is under PACE s24 (it is an offence).",
        "PACE 1984 s24",
        "",
        False,
        f"not read ({_url(*PACE, '24')})",
    ),
    # --- Occupation order ---
    RegisterEntry(
        "OO.duration",
        "Occupation order lengths: s33 open-ended; ss35, 37 up to 6 months renewable; ss36, 38 up to "
        "6 months renewable once.",
        "FLA 1996 ss33(10), 35(10), 36(10), 37(5), 38(6)",
        "",
        False,
        f"not read ({_url(*FLA, '33')} to section/38)",
    ),
    RegisterEntry(
        "OO.breach_arrest",
        "After an arrest under an attached power of arrest: before the court within 24 hours, "
        "disregarding only Christmas Day, Good Friday and Sundays (bank holidays count).",
        "FLA 1996 s47(6)-(7)",
        's47(7)(a): "he must be brought before the relevant judicial authority within the period of 24 hours '
        'beginning at the time of his arrest"',
        False,
        f"{_url(*FLA, '47')} (2007-07-01 text): s47(6) and s47(7)(a) read; the stored copy stops before the "
        "sentence disregarding Christmas Day, Good Friday and Sundays, so the excluded days are not verified",
        excluded_days=OO_DAYS,
        also_cites=("FLA 1996 s47(7)",),
    ),
    RegisterEntry(
        "OO.breach",
        "Breach of an occupation order is contempt of court.",
        "FLA 1996 s47",
        's47(6): "a constable may arrest without warrant a person whom he has reasonable cause for suspecting to be '
        'in breach of any such provision"',
        True,
        _url(*FLA, "47"),
    ),
    RegisterEntry(
        "OO.power_of_arrest",
        "Only where the court attached a power of arrest; then arrest without warrant.",
        "FLA 1996 s47(2)-(3)",
        's47(2): "it shall attach a power of arrest to one or more provisions of the order unless satisfied ..."',
        True,
        _url(*FLA, "47"),
        also_cites=("FLA 1996 s47(6)", "FLA 1996 s47(7)"),
    ),
    # --- Restraining order ---
    RegisterEntry(
        "RO.duration",
        "A restraining order lasts a specified period or until further order.",
        "Sentencing Act 2020 s359(2)",
        "",
        False,
        "not read (https://www.legislation.gov.uk/ukpga/2020/17/section/359)",
    ),
    RegisterEntry(
        "RO.breach",
        "Breach of a restraining order is an offence: up to 5 years.",
        "Sentencing Act 2020 s363",
        "",
        False,
        "not read (https://www.legislation.gov.uk/ukpga/2020/17/section/363)",
    ),
    RegisterEntry(
        "RO.power_of_arrest",
        "Arrest for breach is under PACE s24.",
        "PACE 1984 s24",
        "",
        False,
        f"not read ({_url(*PACE, '24')})",
    ),
    # --- Stalking protection orders ---
    RegisterEntry(
        "SPO.duration",
        "A full SPO is a fixed term of at least 2 years, or until further order.",
        "Stalking Protection Act 2019 s3",
        "",
        False,
        f"not read ({_url(*SPA, '3')})",
    ),
    RegisterEntry(
        "SPO.notification",
        "The SPO subject must notify name(s) and home address within 3 days beginning with the date of service.",
        "Stalking Protection Act 2019 s9(1)",
        '"must, within the period of 3 days beginning with the date of service of the order, notify to the police"',
        True,
        _url(*SPA, "9"),
        also_cites=("SPA 2019 s9(1)",),
    ),
    RegisterEntry(
        "SPO.notification.change.name",
        "Using a name not yet notified starts a new 3-day window.",
        "Stalking Protection Act 2019 s9(3)",
        '"uses a name which has not been notified under this section, must, before the end of the period of 3 days '
        'beginning with the date on which that happens, notify to the police that name"',
        True,
        SPA_9,
        also_cites=("Stalking Protection Act 2019 s9(3)-(4)", "SPA 2019 s9(3)", "SPA 2019 s9(4)"),
    ),
    RegisterEntry(
        "SPO.notification.change.address",
        "A change of home address starts a new 3-day window (SPA s9 has no duty on ceasing to have an address).",
        "Stalking Protection Act 2019 s9(4)",
        '"changes home address, must, before the end of the period of 3 days beginning with the date on which that '
        'happens, notify to the police the new home address"',
        True,
        SPA_9,
    ),
    RegisterEntry(
        "SPO.notification.exempt.sex-offender",
        "No notification is owed by a person on the sex-offender notification regime.",
        "Stalking Protection Act 2019 s9(5)",
        '"The requirements imposed by this section do not apply to a person who is subject to notification '
        'requirements under Part 2 of the Sexual Offences Act 2003."',
        True,
        SPA_9,
        also_cites=("Stalking Protection Act 2019 s9(1)(a), (5)",),
    ),
    RegisterEntry(
        "SPO.notification.exempt.replaces-interim",
        "An SPO replacing an interim SPO starts no new first notification; changes are still notified.",
        "Stalking Protection Act 2019 s9(1)(a)",
        's9(1)(a): "a stalking protection order (other than one which replaces an interim stalking protection '
        'order)"; s9(3)(a) and (4)(a): "is subject to a stalking protection order or an interim stalking protection '
        'order"',
        True,
        SPA_9,
    ),
    RegisterEntry(
        "SPO.notification.failure",
        "Failing to notify is its own offence, not a breach of the order.",
        "Stalking Protection Act 2019 s11(1)(a)",
        "",
        False,
        f"not read ({_url(*SPA, '11')}); PNLD's offence list (pnld.co.uk, offences H20165-H20167) gives "
        '"Sections 9(1), 11(1)(a) and (2)"',
        also_cites=("SPA 2019 s11(1)(a)",),
    ),
    RegisterEntry(
        "SPO.breach",
        "Breach of an SPO is an offence: up to 5 years.",
        "Stalking Protection Act 2019 s8",
        "",
        False,
        f'not read ({_url(*SPA, "8")}); PNLD gives "Section 8(1) and (2) - Breach"',
    ),
    RegisterEntry(
        "SPO.power_of_arrest",
        "Arrest for breach is under PACE s24.",
        "PACE 1984 s24",
        "",
        False,
        f"not read ({_url(*PACE, '24')})",
    ),
    RegisterEntry(
        "ISPO.duration",
        "An interim SPO lasts until the full application is decided, or as the court sets.",
        "Stalking Protection Act 2019 s5",
        "",
        False,
        f"not read ({_url(*SPA, '5')})",
    ),
    RegisterEntry(
        "ISPO.notification",
        "As SPO.notification, from the date of service of the interim order.",
        "Stalking Protection Act 2019 s9(1)",
        '"(b) an interim stalking protection order"',
        True,
        _url(*SPA, "9"),
    ),
    RegisterEntry(
        "ISPO.notification.failure",
        "As SPO.notification.failure.",
        "Stalking Protection Act 2019 s11(1)(a)",
        "",
        False,
        f"not read ({_url(*SPA, '11')}); PNLD offence list only",
    ),
    RegisterEntry(
        "ISPO.notification.change.name",
        "As SPO.notification.change.name, for an interim SPO.",
        "Stalking Protection Act 2019 s9(3)",
        '"(a) is subject to a stalking protection order or an interim stalking protection order, and (b) uses a name '
        'which has not been notified"',
        True,
        SPA_9,
    ),
    RegisterEntry(
        "ISPO.notification.change.address",
        "As SPO.notification.change.address, for an interim SPO.",
        "Stalking Protection Act 2019 s9(4)",
        '"(a) is subject to a stalking protection order or an interim stalking protection order, and (b) changes home '
        'address"',
        True,
        SPA_9,
    ),
    RegisterEntry(
        "ISPO.notification.exempt.sex-offender",
        "As SPO.notification.exempt.sex-offender, for an interim SPO.",
        "Stalking Protection Act 2019 s9(5)",
        '"do not apply to a person who is subject to notification requirements under Part 2 of the Sexual Offences Act '
        '2003"',
        True,
        SPA_9,
    ),
    RegisterEntry(
        "ISPO.breach",
        "Breach of an interim SPO is an offence: up to 5 years.",
        "Stalking Protection Act 2019 s8",
        "",
        False,
        f"not read ({_url(*SPA, '8')})",
    ),
    RegisterEntry(
        "ISPO.power_of_arrest",
        "Arrest for breach is under PACE s24.",
        "PACE 1984 s24",
        "",
        False,
        f"not read ({_url(*PACE, '24')})",
    ),
    # --- Forced marriage and FGM protection orders ---
    RegisterEntry(
        "FMPO.duration",
        "A specified period or until varied or discharged.",
        "FLA 1996 s63B(3)",
        "",
        False,
        f"not read ({_url(*FLA, '63B')})",
    ),
    RegisterEntry(
        "FMPO.breach",
        "Breach is an offence: up to 5 years.",
        "FLA 1996 s63CA",
        "",
        False,
        f"not read ({_url(*FLA, '63CA')})",
    ),
    RegisterEntry(
        "FMPO.power_of_arrest",
        "Arrest for breach is under PACE s24.",
        "PACE 1984 s24",
        "",
        False,
        f"not read ({_url(*PACE, '24')})",
    ),
    RegisterEntry(
        "FGMPO.duration",
        "A specified period or until varied or discharged.",
        "FGMA 2003 Sch 2 para 1(6)",
        "",
        False,
        "not read (https://www.legislation.gov.uk/ukpga/2003/31/schedule/2)",
    ),
    RegisterEntry(
        "FGMPO.breach",
        "Breach is an offence: up to 5 years.",
        "FGMA 2003 Sch 2 para 4",
        "",
        False,
        "not read (https://www.legislation.gov.uk/ukpga/2003/31/schedule/2)",
    ),
    RegisterEntry(
        "FGMPO.power_of_arrest",
        "Arrest for breach is under PACE s24.",
        "PACE 1984 s24",
        "",
        False,
        f"not read ({_url(*PACE, '24')})",
    ),
    # --- Pre-charge bail (PACE 1984) ---
    RegisterEntry(
        "BAIL.start",
        "The bail start date is the day after the day of arrest; every bail period runs from it.",
        "PACE 1984 s47ZB(4)(a)",
        "\"a person's bail start date is the day after the day on which the person was arrested for the relevant "
        'offence"',
        True,
        "https://www.lawglobalhub.com/section-47zb-police-and-criminal-evidence-act-1984-uk/ (a copy of "
        f"{_url(*PACE, '47ZB')})",
    ),
    RegisterEntry(
        "BAIL.duration",
        "Pre-charge bail ends at the end of 3 months beginning with the bail start date.",
        "PACE 1984 s47ZB(1)(b), (4)(a)",
        '"in any other case, the period of 3 months beginning with the person\'s bail start date"',
        True,
        "https://www.lawglobalhub.com/section-47zb-police-and-criminal-evidence-act-1984-uk/ (a copy of "
        f"{_url(*PACE, '47ZB')})",
        policy="Month arithmetic (a reading, no setting): a period of N months beginning with day D ends the day "
        "before the same date N months later; where that month has no such date, on its last day (open question 4).",
    ),
    RegisterEntry(
        "BAIL.extension.6",
        "An inspector or above may extend bail to 6 months from the bail start date.",
        "PACE 1984 s47ZD(2), (6)",
        "",
        False,
        f"not read in its current form ({_url(*PACE, '47ZD')}); only the 2017 text (3 months) was found",
    ),
    RegisterEntry(
        "BAIL.extension.9",
        "A superintendent or above may extend bail to 9 months from the bail start date.",
        "PACE 1984 s47ZDA(2), (6)",
        "",
        False,
        f"not read ({_url(*PACE, '47ZDA')})",
    ),
    RegisterEntry(
        "BAIL.extension.12",
        "A magistrates' court may extend bail to 12 months (18 in the s47ZF(6) cases).",
        "PACE 1984 s47ZF(4)(a)",
        '"(a) in a case falling within subsection (1)(b), at the end of the period of 12 months beginning with the '
        "person's bail start date\"",
        True,
        "https://www.lawglobalhub.com/section-47zf-police-and-criminal-evidence-act-1984-uk/ (a copy of "
        f"{_url(*PACE, '47ZF')})",
        also_cites=("PACE 1984 s47ZF(6)", "PACE 1984 s47ZF(7)", "PACE 1984 s47ZG"),
    ),
    RegisterEntry(
        "BAIL.breach",
        "Breach of bail conditions is not an offence; arrest without warrant.",
        "PACE 1984 s46A(1A)",
        "",
        False,
        f"not read ({_url(*PACE, '46A')})",
    ),
    RegisterEntry(
        "BAIL.power_of_arrest",
        "Arrest without warrant for breach of bail conditions.",
        "PACE 1984 s46A(1A)",
        "",
        False,
        f"not read ({_url(*PACE, '46A')})",
    ),
    # --- The calendar and the policy settings ---
    RegisterEntry(
        "calendar.bank_holidays",
        "England and Wales bank holidays, substitute days and one-off proclaimed days, from the `holidays` package.",
        "BFDA 1971 s1 and Sch 1",
        "",
        False,
        "not read (https://www.legislation.gov.uk/ukpga/1971/80/schedule/1)",
        also_cites=("BFDA 1971 Sch 1", "BFDA 1971 s1"),
    ),
    RegisterEntry(
        "calendar.extra_days",
        "An admin may add a day proclaimed after the release; it makes deadlines later, so "
        "it is admin-only and audited.",
        "BFDA 1971 s1(3)",
        "",
        False,
        "not read (https://www.legislation.gov.uk/ukpga/1971/80/section/1)",
        policy="Admin-added excluded days (`dvpn-bot` admin list, audited); none by default.",
    ),
    RegisterEntry(
        "calendar.saturday_boxing_day",
        "A Saturday 26 December is counted by the hour clocks' countdowns (the earlier, safer deadline), and the "
        "officer is told.",
        "BFDA 1971 Sch 1",
        "",
        False,
        "not read (https://www.legislation.gov.uk/ukpga/1971/80/schedule/1)",
        policy="DVPN_COUNT_SATURDAY_BOXING_DAY, default true (count the Saturday).",
    ),
    RegisterEntry(
        "lapse.literal",
        "An unheard notice lapses, and the officer is told to remove it from the PNC, at the 48 hours counted with a "
        "Saturday 26 December disregarded as a bank holiday (the literal reading), whatever the countdown policy: "
        "about a day after the safe deadline in such a year. The status change, its reason and the alert say so.",
        "DAA 2021 s29(2)-(3)",
        's29(3)(d): "any day which is a bank holiday in England and Wales under the Banking and Financial Dealings '
        'Act 1971"',
        True,
        _url(*DAA, "29"),
        policy="Not a setting: the lapse never follows the policy, so a notice is never treated as lapsed while the "
        "law may still have it in force. The Monday substitute is disregarded too (proclaimed, BFDA 1971 s1(3)).",
        also_cites=("CSA 2010 s27(3)-(4)", "BFDA 1971 Sch 1"),
    ),
    RegisterEntry(
        "commencement.part3",
        "A DAPN or DAPO is refused on a day (service for a notice, making for an order) no commencement scheme covers "
        "in the force's areas (DVPN_FORCE_AREAS), citing the instruments; with no areas set, it is recorded with a "
        "warning. Records made lawfully stay valid after a scheme ends: the check runs only when a record is made, "
        "and a DAPO granted on a DAPN's application is not checked (the instruments' savings).",
        "DAA 2021 s90(6)-(8)",
        'S.I. 2024/1191 reg 2: "Part 3 (powers for dealing with domestic abuse), except section 55 (repeal of '
        "provisions about domestic violence protection notices and orders), comes into force on 27 November 2024 for "
        'the specified period in relation to the areas specified in regulation 3."',
        False,
        "not read: s90 itself; the instruments were read at https://legislation.gov.uk/uksi/2024/1191/made, "
        "http://www.legislation.gov.uk/uksi/2025/261/made, https://zoomlaw.co.uk/2025-319-uksi.html (a copy of S.I. "
        "2025/319) and https://legislation.glitch.me/uksi/2025/515/regulation/1/made (a copy of S.I. 2025/515); "
        "S.I. 2025/1222 (the extension to 31 March 2026) only in a summary (policy-wire.co.uk)",
        policy="DVPN_FORCE_AREAS (empty by default); the schemes are data in rules/commencement.toml, listed below.",
        also_cites=("DAA 2021 Part 3",),
    ),
    RegisterEntry(
        "commencement.dvpn",
        "DVPNs and DVPOs stay available everywhere: their repeal is excepted from every commencement of Part 3.",
        "DAA 2021 s55",
        'S.I. 2024/1191 reg 2, S.I. 2025/261 reg 2, S.I. 2025/319 reg 2: "except section 55 (repeal of provisions '
        'about domestic violence protection notices and orders)"',
        True,
        "https://legislation.gov.uk/uksi/2024/1191/made",
        also_cites=("CSA 2010 ss24-33",),
    ),
    RegisterEntry(
        "calendar.saturday_new_year",
        "A Saturday 1 January is an ordinary day: the proclamation appoints the Monday.",
        "BFDA 1971 s1(3)",
        "",
        False,
        "not read (https://www.legislation.gov.uk/ukpga/1971/80/section/1)",
    ),
    RegisterEntry(
        "periods.beginning_with",
        'Calendar-day and month periods "beginning with" a day count that day as day 1 '
        "and end at the end of the last day, Europe/London (shown as the next day's 00:00).",
        "DAA 2021 s41(2)",
        '"within the period of three days beginning with the day on which the order is made"',
        True,
        _url(*DAA, "41"),
        policy="DVPN_TIMEZONE, default Europe/London: the statutory day is the local day.",
    ),
    RegisterEntry(
        "ranks.order",
        "Police ranks, lowest first, with the Metropolitan and City equivalents at one level; "
        "used for the authorising-rank checks.",
        "Police Act 1996 s13",
        "",
        False,
        "not read (https://www.legislation.gov.uk/ukpga/1996/16/section/13); the ranks are also set by the "
        "Police Regulations 2003",
    ),
    RegisterEntry(
        "lifecycle.lapse",
        "A notice with no hearing listed by its deadline has lapsed from the deadline: a hearing listed later "
        "cannot keep it alive, so booking, adjourning, deciding or closing it is refused, its lapse alerts stand "
        "and the scheduler marks it lapsed within a minute (rules/lifecycle.py).",
        "CSA 2010 s27(3); DAA 2021 s29(2)",
        "\"The application must be heard by the magistrates' court not later than 48 hours after the notice was "
        'given to P" (DAA 2021 s29(2))',
        False,
        f"not read for CSA 2010 s27(3) ({_url(*CSA, '27')}); DAA 2021 s29(2) read at {_url(*DAA, '29')}",
    ),
    RegisterEntry(
        "lifecycle.adjournment",
        "An adjournment or an outcome is recorded only for a hearing whose time has come; a notice continues "
        "through the adjournment of a hearing held by its deadline, so its countdown and lapse alerts end then.",
        "CSA 2010 s27; DAA 2021 s29(7)",
        '"If the court adjourns the hearing of the application, the domestic abuse protection notice continues in '
        'effect until the application has been determined or withdrawn." (DAA 2021 s29(7))',
        False,
        f"not read for CSA 2010 s27 ({_url(*CSA, '27')}); DAA 2021 s29(7) read at {_url(*DAA, '29')}",
    ),
    RegisterEntry(
        "policy.outcome_due",
        "A listed hearing whose time has passed with no outcome recorded is an open item: its officer is alerted "
        "(urgent, so it escalates), it stays in the digest and the due list until the outcome is recorded.",
        "",
        "",
        False,
        "not law: no provision applies",
        policy="DVPN_OUTCOME_GRACE_HOURS, default 2: the alert goes this long after the hearing's time.",
    ),
    RegisterEntry(
        "policy.repeat",
        "The repeat-perpetrator flag: force policy, not law.",
        "",
        "",
        False,
        "not law: no provision applies",
        policy="DVPN_REPEAT_ORDERS within DVPN_REPEAT_WINDOW_MONTHS, or any breach if DVPN_REPEAT_ON_BREACH.",
    ),
    # --- Domestic Violence Disclosure Scheme (Clare's Law): rules/disclosure.py ---
    RegisterEntry(
        "dvds.target",
        "A disclosure request (Right to Ask or Right to Know) is to be completed within a target of calendar "
        "days beginning with the day it was received, ending at the end of the last day, local time; "
        "weekends and bank holidays count.",
        "DAA 2021 s77",
        "",
        False,
        f"not read: s77 ({_url(*DAA, '77')}) puts the guidance on a statutory footing; the stored copies of "
        f"the guidance ({DVDS_GUIDANCE_PAGE}) were read only in excerpts that do not hold its timescales. Its "
        'heading confirms the version relied on ("Domestic Violence Disclosure Scheme (DVDS) Statutory Guidance, '
        'April 2023", accessible version updated 16 August 2023). The 28 days is confirmed only by the Home '
        f"Office's consultation page on the draft ({DVDS_CONSULTATION_PAGE}: under the new guidance the police "
        "will have 28 days to disclose), not by the issued text",
        policy="DVPN_DVDS_TARGET_DAYS, default 28 (the figure the issue and force returns use for the April 2023 "
        "guidance; the 2016 guidance gave 35). Calendar days, the day of receipt counting as day 1: the earlier "
        "of the two readings.",
    ),
    RegisterEntry(
        "dvds.stages",
        "A request passes through receipt, checks, the decision forum, a decision (disclose or not, with the "
        "reason) and then a disclosure (to whom, when) or closure; a decision needs the checks recorded, and a "
        "disclosure needs a decision to disclose (rules/disclosure.py).",
        "DAA 2021 s77",
        "",
        False,
        f"not read: the stages follow the guidance's published contents (initial contact, checks, risk assessment, "
        f"referral to the multi-agency forum, decision, disclosure) as summarised at {DVDS_GUIDANCE_PAGE}; "
        "its intermediate timescales were not read, so none is applied",
    ),
    RegisterEntry(
        "policy.dvds_near",
        "A request within this many days of its completion target is shown as near target (and warned of).",
        "",
        "",
        False,
        "not law: no provision applies",
        policy="DVPN_DVDS_NEAR_DAYS, default 7.",
    ),
    RegisterEntry(
        "policy.rfgv",
        "Perpetrator priority: an RFG(V) score (recency, frequency, gravity, victims) over a window from the "
        "force's own orders, notices, breaches and domestic-abuse incidents (an incident weighed by its DASH risk "
        "level; one a record was made from counts once, as that record) (rules/rfgv.py); a serial perpetrator has "
        "this many victims in the window. Force policy after the College of Policing's RFG guidance, not law.",
        "",
        "",
        False,
        "not law: no provision applies; the College of Policing's RFG guidance was not read here",
        policy="DVPN_RFGV_MATRIX_FILE (empty: rules/rfgv.toml, 12 months, bands documented there); "
        "DVPN_SERIAL_VICTIMS, default 2.",
    ),
    RegisterEntry(
        "policy.plans",
        "A perpetrator management plan: actions to disrupt, divert, enforce or support, each with an owner and a "
        "due date, a review date and closure with the reason (rules/plans.py). Force policy (MATAC-style tasking), "
        "not law.",
        "",
        "",
        False,
        "not law: no provision applies",
    ),
)

# The clocks around an incident: guidance and local protocol, not statute (rules/incidents.py,
# rules/school_days.py). Each entry's citation is the clock's source exactly as the code gives it.
_HOCR = "https://www.gov.uk/government/publications/counting-rules-for-recorded-crime"
INCIDENT_REGISTER: tuple[RegisterEntry, ...] = (
    RegisterEntry(
        "dash.level",
        f"The DASH risk level: {DASH_HIGH_FROM}+ of {DASH_QUESTIONS} yes answers high, "
        f"{DASH_MEDIUM_FROM}-{DASH_HIGH_FROM - 1} medium, else standard; professional judgement may raise "
        "the level, never lower it.",
        DASH_SOURCE,
        "",
        False,
        "not law: the SafeLives checklist and its guidance, not read here (DOMAIN.md states the thresholds)",
    ),
    *(
        RegisterEntry(
            clock.register_id,
            f"The {clock.label} clock: {clock.default_hours} hours from the report, every hour counted.",
            clock.citation,
            "",
            False,
            "not law: a local protocol the force sets",
            policy=f"{clock.setting}, default {clock.default_hours}.",
        )
        for clock in (*ATTENDANCE.values(), DASH_COMPLETED, CONSIDERED)
    ),
    RegisterEntry(
        CRIME_RECORDED.register_id,
        "A crime disclosed at an incident is to carry a crime reference within "
        f"{CRIME_RECORDED.default_hours} hours of the report; one still missing then is shown to supervisors.",
        CRIME_RECORDED.citation,
        "",
        False,
        f"not law: Home Office guidance under which forces supply crime statistics, not read here ({_HOCR}); "
        "DOMAIN.md states the 24 hours",
        policy=f"{CRIME_RECORDED.setting}, default {CRIME_RECORDED.default_hours}.",
    ),
    RegisterEntry(
        MARAC_REFERRAL.register_id,
        "A high-risk victim (by count, by judgement, or by escalation) is to be referred to a MARAC within "
        f"{MARAC_REFERRAL.default_hours} hours of the assessment that made the risk high.",
        MARAC_REFERRAL.citation,
        "",
        False,
        "not law: the SafeLives principles and the local MARAC protocol, not read here",
        policy=f"{MARAC_REFERRAL.setting}, default {MARAC_REFERRAL.default_hours}.",
    ),
    RegisterEntry(
        "marac.escalation",
        f"Escalation: the victim's {ESCALATION_DEFAULT}rd incident within 12 months makes a referral due "
        "whatever the DASH level.",
        DASH_SOURCE,
        "",
        False,
        "not law: SafeLives' potential-escalation criterion, not read here",
        policy=f"{ESCALATION_SETTING}, default {ESCALATION_DEFAULT}.",
    ),
    RegisterEntry(
        ENCOMPASS_ID,
        "A child present at or linked to an incident: the child's school is told before the start of the next "
        "school day (a weekday, not a bank holiday in England and Wales, not a configured school holiday of the "
        "school's local authority).",
        ENCOMPASS_SOURCE,
        "",
        False,
        "not law: Operation Encompass is a scheme agreed with schools, its documents not read here",
        policy=f"{SCHOOL_START_SETTING}, default {DEFAULT_SCHOOL_START:%H:%M}; school holidays per local authority "
        "in rules/school_holidays.toml.",
    ),
)
REGISTER = REGISTER + INCIDENT_REGISTER

OPEN_QUESTIONS: tuple[str, ...] = (
    "A first hearing listed after a notice's 48-hour deadline: the code treats the notice as lapsed from the "
    "deadline (CSA 2010 s27(3); DAA 2021 s29(2)) and refuses to record that hearing's adjournment or outcome; "
    "confirm whether a court may still determine the application once the 48 hours have passed.",
    "CSA 2010 s26, s27, s28(10) and s29: the subsections were not read (the stored copies hold only their "
    'metadata). Confirm the subsections for the DVPN and DVPO breach clocks (24 hours, excluded days, "or, if '
    'earlier, at the hearing" for a DVPN), the DVPO hearing clock (cited s27(3)-(4)), the DVPO length (cited '
    "s28(10)) and the DVPN power of arrest (cited s26(1)); the code cites the section alone where unsure.",
    "DAA 2021 s38(5): electronic monitoring is limited per requirement to 12 months; the code counts them from the "
    "day the requirement starts, as a month period (last day the day before the same date 12 months on). Confirm, "
    "and whether a variation under s44 restarts the count.",
    "A held-then-adjourned hearing: after an arrest for breach of a notice, does the adjourned hearing of the "
    'application count as "the hearing of the application" for the earlier limit (DAA 2021 s26(2)(b))? The code '
    "takes the application's next listed hearing at or after the arrest.",
    'Month-end bail arithmetic: a bail start date of 31 March gives "3 months beginning with" ending 30 June '
    "(the day before the corresponding date, or the month's last day where there is none). Confirm this reading.",
    "Existing bail records with no recorded arrest time: their end was computed from the day bail was given. Should "
    "they be recomputed from an arrest time to be entered, flagged for review, or left as recorded?",
    "Occupation orders: the 24-hour clock (FLA 1996 s47(7)) is applied only to an arrest under an attached power "
    "of arrest (s47(6)), not to an arrest on a warrant (s47(8)). Confirm.",
    "FLA 1996 s47(7): the words disregarding only Christmas Day, Good Friday and Sundays were not in the stored "
    "copy; confirm that bank holidays count on this clock.",
    "Stalking Protection Act 2019 s11(1)(a) and s8: cited from PNLD's offence list, not read in the Act.",
    "DAA 2021 s41: which provision makes a failure to notify an offence was not found. s39(1) covers failing to "
    'comply with "any requirement imposed by the order", while the s41 duties are imposed by the Act. The bot says '
    '"failing to notify may be an offence". Confirm the offence (if any) and its citation.',
    "Commencement: nothing in rules/commencement.toml runs past 31 March 2026 (S.I. 2025/1222, read only in a "
    "summary). Today DAPNs and DAPOs are refused on later dates where a force's areas are set. Has Part 3 been "
    "extended again or commenced further? The force updates the table (and regenerates this file) as instruments "
    "are made; which area names it uses is its own (DVPN_FORCE_AREAS).",
    "Commencement savings: a DAPO granted on the application that followed a DAPN given within a scheme is not "
    "checked against the scheme's dates (the instruments save applications made before the period ends). Confirm "
    "the savings cover an application heard after the end date, and a variation or discharge.",
    "Ending an exemption: when the other regime ends, the duties apply from that day (DAA 2021 s41(9); SPA 2019 "
    "s9(6)-(7), read but not applied). The bot records an exemption but cannot lift it, so the officer must track "
    "the day the other regime ends. Should lifting it be a command that starts a fresh 3-day window from that day?",
    "SPA 2019 s9(1)(a): an SPO replacing an interim SPO owes no first notification; changes are still owed under "
    "s9(3)-(4). Confirm the replacing SPO's changes run from the day of each change, not from its service.",
    "PACE 1984 s47ZD and s47ZDA: the current text (6 months by an inspector, 9 by a superintendent) was not read.",
    "Saturday Boxing Day: the countdowns count it (DVPN_COUNT_SATURDAY_BOXING_DAY, the earlier deadline) but the "
    "lapse, its status change and its PNC instruction follow the literal reading, which disregards it. Confirm the "
    "literal reading: is a Saturday 26 December a bank holiday under BFDA 1971 Sch 1 when a proclamation also names "
    "the Monday (the code disregards both)?",
    "Clare's Law: the completion target (28 days) and the stages are taken from the DVDS Statutory Guidance of "
    "April 2023 (issued under DAA 2021 s77; its GOV.UK heading confirms that version, updated 16 August 2023) as "
    "summarised, not from its text: the 28 days is confirmed only by the Home Office's description of the draft "
    "on the consultation page. Confirm the figure in the issued text, whether it runs from receipt or from the "
    "first contact, whether Right to Know has the same target, and any intermediate timescales (initial checks, "
    "face-to-face meeting, risk assessment, forum) the force must also track; and whether a later revision of the "
    "guidance changes them.",
)

ABBREVIATIONS: tuple[tuple[str, str], ...] = (
    ("CSA 2010", "Crime and Security Act 2010"),
    ("DAA 2021", "Domestic Abuse Act 2021"),
    ("FLA 1996", "Family Law Act 1996"),
    ("PACE 1984", "Police and Criminal Evidence Act 1984"),
    ("SPA 2019", "Stalking Protection Act 2019"),
    ("BFDA 1971", "Banking and Financial Dealings Act 1971"),
    ("FGMA 2003", "Female Genital Mutilation Act 2003"),
    ("MCA 1980", "Magistrates' Courts Act 1980"),
    ("SOA 2003", "Sexual Offences Act 2003"),
    ("PHA 1997", "Protection from Harassment Act 1997"),
)


def statutes() -> dict[str, str]:
    """Each type's statute as its table names it: the scheme, not a rule, listed so every Act and
    section range the code names is in the register."""
    return {str(code): rule.statute for code, rule in RULES.items()}


def entry(register_id: str) -> RegisterEntry:
    for candidate in REGISTER:
        if candidate.id == register_id:
            return candidate
    raise KeyError(register_id)


def clock_days(clock: HourClock) -> str:
    return disregarded_words(clock.disregards)


def render_markdown() -> str:
    """rules/LEGAL.md: one section per rule, for a legal adviser to sign off line by line."""
    verified = sum(1 for e in REGISTER if e.verified)
    lines = [
        "# Legal register",
        "",
        "Generated from `rules/register.py` (`python -m rules.register > rules/LEGAL.md`); "
        "`tests/rules/test_legal_register.py` fails if this file, the rule tables, the code's citations or the "
        'README\'s "The law in code" section disagree.',
        "",
        f"{len(REGISTER)} rules: {verified} verified against the statute's text, {len(REGISTER) - verified} not.",
        "A rule is *verified* only where the words quoted were read in the text at the place given.",
        "",
        "Abbreviations: " + "; ".join(f"{short}: {full}" for short, full in ABBREVIATIONS) + ".",
        "",
        "## Rules",
        "",
    ]
    for e in REGISTER:
        lines += [
            f"### `{e.id}`",
            "",
            f"- Computes: {e.computes}",
            f"- Cited as: {e.citation or '(no statute: policy)'}",
        ]
        if e.excluded_days:
            lines.append(f"- Disregards: {e.excluded_days}")
        if e.also_cites:
            lines.append(f"- Also cited in messages as: {', '.join(e.also_cites)}")
        lines += [
            f"- Words relied on: {e.words or '(none read)'}",
            f"- Verified against the text: {'yes' if e.verified else 'no'}, {e.source}",
        ]
        if e.policy:
            lines.append(f"- Policy: {e.policy}")
        lines += ["- Signed off: ____________________", ""]
    lines += ["## Where and when a type is law (rules/commencement.toml)", ""]
    lines += [
        f"- {', '.join(sorted(t.value for t in scheme.types))} in {', '.join(sorted(scheme.areas))}: "
        f"{scheme.dates()}, {scheme.basis}"
        for scheme in schemes()
    ]
    lines += ["- Every other type: everywhere, no dates (DVPN and DVPO: DAA 2021 s55 is not commenced).", ""]
    lines += ["## The statute of each type", ""]
    lines += [f"- {code}: {statute}" for code, statute in statutes().items()]
    lines += ["", "## Open questions for a legal adviser", ""]
    lines += [f"{number}. {question}" for number, question in enumerate(OPEN_QUESTIONS, 1)]
    lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    print(render_markdown(), end="")
