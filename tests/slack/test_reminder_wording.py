"""Reminders and digests are facts until blocks/ says them. Each kind is rendered here from hand-built facts and
compared with the exact words the service used to write itself (so the move changed no message);
and the facts are checked to hold no words: their text fields are labels, references and the law's
citations, never a sentence or Slack markup."""

from __future__ import annotations

import dataclasses
import types
from datetime import UTC, datetime
from typing import Any, Union, get_args, get_origin, get_type_hints
from zoneinfo import ZoneInfo

import pytest

from blocks.digest import digest_blocks, digest_text, item_text
from blocks.reminder_wording import headline, late_note, reminder_text, settled_text, status_line
from blocks.reminders import reminder_blocks, reminder_settled_blocks
from blocks.wording import say
from rules.notification import CHANGES, Change
from rules.order_types import OrderType, rule_for
from services.reminders import results
from services.reminders.results import (
    AwaitingHearing,
    BreachCheckDue,
    BreachCourtDeadline,
    CaseworkClock,
    CaseworkDue,
    CheckAt,
    ClareTarget,
    CrimeReferenceMissing,
    DigestFact,
    DigestItem,
    DigestSection,
    EndsAt,
    Expiring,
    FollowUp,
    HearingAt,
    HearingCountdown,
    HearingDeadline,
    HearingSoon,
    IncidentClock,
    IncidentDue,
    IncidentLate,
    ItemAction,
    LapsedAt,
    Late,
    MonitoringEnding,
    NoCrimeReference,
    NoHearingBooked,
    NoticeLapsed,
    NotificationChangeDue,
    NotificationMissing,
    NudgeResult,
    OtherKind,
    OutcomeDue,
    OutcomeMissing,
    Person,
    PlanActionLate,
    RecentBreach,
    ReminderActionResult,
    ReminderFacts,
    SchoolUntold,
    SectionKind,
    Subject,
    TeamDigest,
    UnbookedToSupervisor,
    Undelivered,
)
from services.wording import Command

TZ = ZoneInfo("Europe/London")
REF = "WM-DVPN-2026-0042"
OFFICER, NOBODY = Person("UOFF"), Person(None)


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


SERVED, DEADLINE, BOOKED = utc("2026-04-02 19:00"), utc("2026-04-04 19:00"), utc("2026-04-03 09:30")
CHECK_DUE, NOTIFY_BY = utc("2026-04-03 08:00"), utc("2026-04-05 19:00")
DVPN, DVPO, DAPN = rule_for(OrderType.DVPN), rule_for(OrderType.DVPO), rule_for(OrderType.DAPN)
TO_DVPO = HearingDeadline("DVPO", DEADLINE, DVPN.hearing_clock)
NO_HEARING = NoHearingBooked("DVPN", SERVED, TO_DVPO)
CHECK_OVERDUE = BreachCheckDue(True, CHECK_DUE, OFFICER)

# Each case's facts, and the headline and detail (in Slack's dialect) the service itself used to write
# for a record in the same state, before the words moved to blocks/.
CASES: dict[str, tuple[Subject, str, str]] = {
    "a Clare's Law request near its target": (
        CaseworkDue(CaseworkClock.CLARE_TARGET, utc("2026-04-06 23:00"), False),
        "Clare's Law request near its completion target (Tue 07 Apr 2026 00:00 BST)",
        f"See where it stands: `/dvpn clare {REF}`; record the next step, e.g. "
        f'`/dvpn clare {REF} decide disclose "why"`.',
    ),
    "a Clare's Law request past its target, the supervisor's copy": (
        CaseworkDue(CaseworkClock.CLARE_TARGET, utc("2026-04-06 23:00"), True, None, Person("UOFF")),
        "Clare's Law request past its completion target",
        f"The target was Tue 07 Apr 2026 00:00 BST. Officer in charge: <@UOFF>. See where it stands: "
        f'`/dvpn clare {REF}`; record the next step, e.g. `/dvpn clare {REF} decide disclose "why"`.',
    ),
    "a plan action overdue": (
        CaseworkDue(CaseworkClock.PLAN_ACTION, utc("2026-04-10 16:00"), True, 2),
        "Overdue: management plan action 2",
        f"It fell due Fri 10 Apr 2026 17:00 BST. When it is done: `/dvpn perpetrator {REF} plan done 2`.",
    ),
    "a plan review": (
        CaseworkDue(CaseworkClock.PLAN_REVIEW, utc("2026-04-30 08:00"), False),
        "Management plan review Thu 30 Apr 2026 09:00 BST",
        f"See the plan: `/dvpn perpetrator {REF} plan`; set the next review: "
        f'`/dvpn perpetrator {REF} plan review DATE`, or close it: `/dvpn perpetrator {REF} plan close "why"`.',
    ),
    "an incident's school not told": (
        IncidentDue(IncidentClock.SCHOOL, utc("2026-04-07 07:30"), True, 1, None),
        "Overdue: School of child 1 to be told (Operation Encompass)",
        f"It fell due Tue 07 Apr 2026 08:30 BST. Record it: `/dvpn encompass {REF} told 1`.",
    ),
    "no hearing booked": (
        NO_HEARING,
        "No hearing booked",
        "DVPN served Thu 02 Apr 2026 20:00 BST and no hearing is booked. The DVPO application must be heard by "
        "Sat 04 Apr 2026 20:00 BST (CSA 2010 s27(3)-(4)). Book it: `/dvpn hearing WM-DVPN-2026-0042 <when>`.",
    ),
    "countdown, unbooked": (
        HearingCountdown(24, TO_DVPO, None),
        "Hearing deadline in 24 hours",
        "The DVPO application must be heard by Sat 04 Apr 2026 20:00 BST (CSA 2010 s27(3)-(4)). "
        "*No hearing is booked yet.*",
    ),
    "countdown, booked": (
        HearingCountdown(2, TO_DVPO, BOOKED),
        "Hearing deadline in 2 hours",
        "The DVPO application must be heard by Sat 04 Apr 2026 20:00 BST (CSA 2010 s27(3)-(4)). "
        "Hearing booked for Fri 03 Apr 2026 10:30 BST.",
    ),
    "unbooked, to a supervisor": (
        UnbookedToSupervisor(2, TO_DVPO, OFFICER),
        "No hearing booked, 2 hours to the deadline",
        "The DVPO application must be heard by Sat 04 Apr 2026 20:00 BST (CSA 2010 s27(3)-(4)). Officer in charge: "
        "<@UOFF>. Unless it is heard in time the notice lapses.",
    ),
    "unbooked, officer unknown": (
        UnbookedToSupervisor(2, TO_DVPO, NOBODY),
        "No hearing booked, 2 hours to the deadline",
        "The DVPO application must be heard by Sat 04 Apr 2026 20:00 BST (CSA 2010 s27(3)-(4)). Officer in charge: "
        "someone. Unless it is heard in time the notice lapses.",
    ),
    "listed in time, no outcome": (
        NoticeLapsed("DVPN", DEADLINE, DVPN.hearing_clock, OFFICER, listed_without_outcome=BOOKED),
        "Hearing deadline passed: record the outcome",
        "The hearing was listed for Fri 03 Apr 2026 10:30 BST but no outcome is recorded. Record it now: if the "
        "application was not heard by Sat 04 Apr 2026 20:00 BST, the notice has lapsed and must be removed from "
        "the PNC.",
    ),
    "lapsed": (
        NoticeLapsed("DVPN", DEADLINE, DVPN.hearing_clock, OFFICER),
        "Notice lapsed: remove it from the PNC",
        "No hearing by Sat 04 Apr 2026 20:00 BST (CSA 2010 s27(3)-(4)): the DVPN has lapsed. Remove it from the PNC "
        "and tell the people it protected. Officer in charge: <@UOFF>.",
    ),
    "lapsed at the literal time, after the countdowns' deadline": (
        # Countdowns: Tue 29 Dec 2026 10:00 (Saturday 26th counted); the law: Wed 30 Dec 10:00.
        NoticeLapsed(
            "DAPN", utc("2026-12-30 10:00"), DAPN.hearing_clock, OFFICER, countdown_deadline=utc("2026-12-29 10:00")
        ),
        "Notice lapsed: remove it from the PNC",
        "No hearing by Wed 30 Dec 2026 10:00 GMT (DAA 2021 s29(2)-(3)): the DAPN has lapsed. The countdowns used "
        "Tue 29 Dec 2026 10:00 GMT, counting Saturday 26 December by force policy; the notice lapses at the later "
        "time, reading that day as a bank holiday (BFDA 1971 Sch 1). Remove it from the PNC and tell the people it "
        "protected. Officer in charge: <@UOFF>.",
    ),
    "lapsed DAPN, officer unknown": (
        NoticeLapsed("DAPN", DEADLINE, DAPN.hearing_clock, NOBODY),
        "Notice lapsed: remove it from the PNC",
        "No hearing by Sat 04 Apr 2026 20:00 BST (DAA 2021 s29(2)-(3)): the DAPN has lapsed. Remove it from the PNC "
        "and tell the people it protected. Officer in charge: someone.",
    ),
    "hearing held, no outcome recorded": (
        OutcomeMissing("DVPN", BOOKED),
        "Hearing held: record the outcome",
        "The DVPN hearing listed for Fri 03 Apr 2026 10:30 BST has no outcome recorded. Record it: "
        "`/dvpn granted WM-DVPN-2026-0042 <days>`, `/dvpn refused WM-DVPN-2026-0042` or "
        "`/dvpn adjourned WM-DVPN-2026-0042 <when>`.",
    ),
    "hearing tomorrow, court as typed": (
        HearingSoon(None, "DVPN", BOOKED, "Leeds <Magistrates> & *Family*"),
        "Hearing tomorrow",
        "DVPN hearing Fri 03 Apr 2026 10:30 BST at Leeds &lt;Magistrates&gt; &amp; *Family*.",
    ),
    "hearing in 2 hours, none booked": (
        HearingSoon(2, "DVPN", None, None),
        "Hearing in 2 hours",
        "DVPN hearing the booked time.",
    ),
    "expires today": (
        Expiring(None, "DVPO", utc("2026-04-30 23:00"), DVPO.statute),
        "Expires today",
        "The DVPO ends at the end of Thu 30 Apr 2026 (Crime and Security Act 2010 ss27-29). "
        "Consider whether protection is still needed.",
    ),
    "expires in 7 days": (
        Expiring(7, "DVPO", utc("2026-05-07 23:00"), DVPO.statute),
        "Expires in 7 days",
        "The DVPO ends at the end of Thu 07 May 2026 (Crime and Security Act 2010 ss27-29). "
        "Consider whether protection is still needed.",
    ),
    "expiry not set": (
        Expiring(7, "DVPO", None, DVPO.statute),
        "Expires in 7 days",
        "The DVPO ends at the end of not set (Crime and Security Act 2010 ss27-29). "
        "Consider whether protection is still needed.",
    ),
    "check due": (
        BreachCheckDue(False, CHECK_DUE, None),
        "Breach check due",
        "A breach check was due Fri 03 Apr 2026 09:00 BST. Record it: `/dvpn check WM-DVPN-2026-0042 done <when>`.",
    ),
    "check overdue": (
        CHECK_OVERDUE,
        "Breach check overdue",
        "A breach check was due Fri 03 Apr 2026 09:00 BST and is not recorded as done. Assigned to <@UOFF>. "
        "Record it: `/dvpn check WM-DVPN-2026-0042 done <when>`.",
    ),
    "check overdue, unassigned": (
        BreachCheckDue(True, CHECK_DUE, NOBODY),
        "Breach check overdue",
        "A breach check was due Fri 03 Apr 2026 09:00 BST and is not recorded as done. Assigned to someone. "
        "Record it: `/dvpn check WM-DVPN-2026-0042 done <when>`.",
    ),
    "check gone": (
        BreachCheckDue(True, None, None),
        "Breach check overdue",
        "A breach check was due not set and is not recorded as done. "
        "Record it: `/dvpn check WM-DVPN-2026-0042 done <when>`.",
    ),
    "no notification, DAPO": (
        NotificationMissing(rule_for(OrderType.DAPO).notification, NOTIFY_BY),
        "No notification received",
        "The perpetrator's 3-day window to notify police of their names and home address ended Sun 05 Apr 2026 "
        "20:00 BST (DAA 2021 s41(2)) and none is recorded. Failing to notify may be an offence: consider action.",
    ),
    "no notification, SPO": (
        NotificationMissing(rule_for(OrderType.SPO).notification, NOTIFY_BY),
        "No notification received",
        "The perpetrator's 3-day window to notify police of their names and home address ended Sun 05 Apr 2026 "
        "20:00 BST (Stalking Protection Act 2019 s9(1)) and none is recorded. Failing to notify without reasonable "
        "excuse is an offence in its own right (Stalking Protection Act 2019 s11(1)(a)), not a breach of the order "
        "(s8): consider action.",
    ),
    "no notification window": (
        NotificationMissing(None, None),
        "No notification received",
        "The perpetrator's 3-day window to notify police of their names and home address ended not set (the order) "
        "and none is recorded. Failing to notify may be an offence: consider action.",
    ),
    "change due today, DAPO": (
        NotificationChangeDue(
            False, CHANGES[OrderType.DAPO][Change.ADDRESS], NOTIFY_BY, rule_for(OrderType.DAPO).notification
        ),
        "Notification of a change due today",
        "The perpetrator must notify police of the new home address by Sun 05 Apr 2026 20:00 BST (DAA 2021 s41(5)). "
        "When they do: `/dvpn notified WM-DVPN-2026-0042 <when>`.",
    ),
    "change missed, SPO": (
        NotificationChangeDue(
            True, CHANGES[OrderType.SPO][Change.NAME], NOTIFY_BY, rule_for(OrderType.SPO).notification
        ),
        "Change not notified",
        "The window to notify police of a name not yet notified ended Sun 05 Apr 2026 20:00 BST (Stalking Protection "
        "Act 2019 s9(3)) and no notification is recorded. Failing to notify without reasonable excuse is an offence "
        "in its own right (Stalking Protection Act 2019 s11(1)(a)), not a breach of the order (s8): consider action.",
    ),
    "change missed, facts gone": (
        NotificationChangeDue(True, None, None, None),
        "Change not notified",
        "The window to notify police of the change ended not set (the order) and no notification is recorded. "
        "Failing to notify may be an offence: consider action.",
    ),
    "monitoring ends in 7 days": (
        MonitoringEnding(7, utc("2026-05-07 23:00")),
        "Electronic monitoring ends in 7 days",
        "The electronic monitoring requirement ends at the end of Thu 07 May 2026 (DAA 2021 s38(5)-(6): at most 12 "
        "months unless the court varies the order). Consider whether to ask the court to vary it.",
    ),
    "monitoring ends today": (
        MonitoringEnding(None, utc("2026-05-07 23:00")),
        "Electronic monitoring ends today",
        "The electronic monitoring requirement ends at the end of Thu 07 May 2026 (DAA 2021 s38(5)-(6): at most 12 "
        "months unless the court varies the order). Consider whether to ask the court to vary it.",
    ),
    "court in 24 hours": (
        BreachCourtDeadline(6, utc("2026-04-05 19:00"), DVPN.breach_arrest_clock, False),
        "Breach arrest: court deadline in 6 hours",
        "The person arrested for the breach must be brought before the court by Sun 05 Apr 2026 20:00 BST "
        "(CSA 2010 s26).",
    ),
    "court at the earlier hearing": (
        BreachCourtDeadline(6, BOOKED, DVPN.breach_arrest_clock, True),
        "Breach arrest: court deadline in 6 hours",
        "The person arrested for the breach must be brought before the court by Fri 03 Apr 2026 10:30 BST: "
        "the hearing of the DVPO application (CSA 2010 s26), earlier than 24 hours from the arrest.",
    ),
    "court, an order has no earlier hearing": (
        BreachCourtDeadline(2, BOOKED, DVPO.breach_arrest_clock, True),
        "Breach arrest: court deadline in 2 hours",
        "The person arrested for the breach must be brought before the court by Fri 03 Apr 2026 10:30 BST "
        "(CSA 2010 s29).",
    ),
    "no crime reference": (
        CrimeReferenceMissing(utc("2026-04-02 21:15")),
        "Breach has no crime reference",
        "The breach recorded Thu 02 Apr 2026 22:15 BST still has no crime reference. Every breach should be "
        "crime-recorded: `/dvpn crime WM-DVPN-2026-0042 <crime reference>`.",
    ),
    "escalated, not acknowledged": (
        FollowUp(False, NO_HEARING, False, OFFICER),
        "Escalated: No hearing booked",
        "This reminder was not acknowledged by <@UOFF>. DVPN served Thu 02 Apr 2026 20:00 BST and no hearing is "
        "booked. The DVPO application must be heard by Sat 04 Apr 2026 20:00 BST (CSA 2010 s27(3)-(4)). Book it: "
        "`/dvpn hearing WM-DVPN-2026-0042 <when>`.",
    ),
    "escalated, undelivered": (
        FollowUp(False, CHECK_OVERDUE, True, NOBODY),
        "Escalated: Breach check overdue",
        "This reminder could not be delivered to someone. A breach check was due Fri 03 Apr 2026 09:00 BST and is "
        "not recorded as done. Assigned to <@UOFF>. Record it: `/dvpn check WM-DVPN-2026-0042 done <when>`.",
    ),
    "sent again": (
        FollowUp(True, HearingCountdown(24, TO_DVPO, None), False, OFFICER),
        "Still not acknowledged: Hearing deadline in 24 hours",
        "The DVPO application must be heard by Sat 04 Apr 2026 20:00 BST (CSA 2010 s27(3)-(4)). "
        "*No hearing is booked yet.*",
    ),
    "follow-up of a reminder gone": (FollowUp(True, None, False, NOBODY), "Reminder", ""),
    "a kind with no words": (OtherKind("something_new"), "Something new", ""),
}


def reminder(subject: Subject, late: Late | None = None) -> ReminderFacts:
    return ReminderFacts(
        reminder_id=99, kind="k", reference=REF, order_type="DVPN", initials="AP", subject=subject, critical=True,
        due_at=SERVED, officer_slack_id="UOFF", tz=TZ, recipient_slack_id="UOFF", late=late,
    )  # fmt: skip


@pytest.mark.parametrize(("subject", "title", "detail"), CASES.values(), ids=CASES.keys())
def test_each_kind_reads_as_the_service_used_to_write_it(subject: Subject, title: str, detail: str) -> None:
    facts = reminder(subject)
    assert headline(facts) == title
    [summary, _, _] = reminder_blocks(facts)
    assert summary["text"]["text"] == f":rotating_light: *{title}*\n*{REF}* · DVPN · AP\n{detail}"
    assert reminder_text(facts) == f"{REF} (AP): {title}"


def test_every_kind_of_subject_is_covered() -> None:
    assert {type(subject) for subject, _, _ in CASES.values()} == set(get_args(Subject))


def test_the_late_note_names_the_day_only_when_it_was_due_on_another() -> None:
    same_day = Late(utc("2026-04-02 02:00"), utc("2026-04-02 08:30"), TZ)
    other_day = Late(utc("2026-04-01 17:00"), utc("2026-04-02 08:30"), TZ)
    assert late_note(same_day) == "(late: due 03:00)"
    assert late_note(other_day) == "(late: due Wed 01 Apr 18:00)"
    assert late_note(None) is None
    facts = reminder(NO_HEARING, late=same_day)
    assert reminder_text(facts) == f"{REF} (AP): No hearing booked (late: due 03:00)"
    summary = reminder_blocks(facts)[0]["text"]["text"]
    assert summary.startswith(":rotating_light: *No hearing booked* _(late: due 03:00)_")


def test_the_status_line_says_who_pressed_what_and_when() -> None:
    at = utc("2026-04-02 21:05")

    def result(action: str, by: Person, when: datetime | None) -> ReminderActionResult:
        return ReminderActionResult(reminder(NO_HEARING), action, by, when, "D1", "1.1")

    def line(action: str, by: Person, when: datetime | None) -> str:
        return say(status_line(result(action, by, when)))

    assert line("acknowledged", OFFICER, at) == "Acknowledged by <@UOFF> at Thu 02 Apr 2026 22:05 BST"
    assert line("dismissed", OFFICER, at) == "Dismissed by <@UOFF> at Thu 02 Apr 2026 22:05 BST"
    assert line("check_recorded", OFFICER, at) == "Check recorded by <@UOFF> at Thu 02 Apr 2026 22:05 BST"
    assert line("crime_reference_added", OFFICER, at) == "Crime reference added by <@UOFF> at Thu 02 Apr 2026 22:05 BST"
    assert line("hearing_booked", OFFICER, at) == "Hearing booked by <@UOFF> at Thu 02 Apr 2026 22:05 BST"
    assert line("outcome_recorded", OFFICER, at) == "Outcome recorded by <@UOFF> at Thu 02 Apr 2026 22:05 BST"
    assert line("snoozed", OFFICER, at) == "Snoozed by <@UOFF> until Thu 02 Apr 2026 22:05 BST"
    assert line("already", OFFICER, at) == "Already acknowledged by <@UOFF> Thu 02 Apr 2026 22:05 BST"
    assert line("already", NOBODY, None) == "Already acknowledged by someone "
    settled, status = result("dismissed", OFFICER, at), "Dismissed by <@UOFF> at Thu 02 Apr 2026 22:05 BST"
    assert settled_text(settled) == f"{REF} (AP): No hearing booked ({status})"
    assert reminder_settled_blocks(settled)[1]["elements"][0]["text"] == status


# The only text a reminder's facts may hold: identifiers, labels and what was typed. Anything else is
# an instant, a number, a flag, a person, or the law's own data (rules/).
TEXT_FIELDS = {
    "ReminderFacts": {
        "kind",
        "reference",
        "order_type",
        "initials",
        "officer_slack_id",
        "recipient_slack_id",
        "channel",
        "snoozes",  # the snooze choices' ids
    },
    "ReminderActionResult": {"action", "channel", "ts"},
    "Person": {"slack_id"},
    "HearingDeadline": {"application"},
    "NoHearingBooked": {"order_type"},
    "NoticeLapsed": {"order_type"},
    "OutcomeMissing": {"order_type"},
    "HearingSoon": {"order_type", "court"},
    "Expiring": {"order_type", "statute"},
    "OtherKind": {"name"},
    "DigestItem": {"reference", "initials", "order_type", "officer_slack_id"},
    "DigestSection": {"key"},
    "TeamDigest": {"team_name"},
    "HearingAt": {"court"},
    "RecentBreach": {"crime_reference"},
    "NudgeResult": {"reference", "initials", "order_type"},
}


def _holds_text(annotation: Any) -> bool:
    if annotation is str:
        return True
    if get_origin(annotation) in (Union, types.UnionType, tuple):
        return any(_holds_text(arg) for arg in get_args(annotation))
    return False


@pytest.mark.parametrize(
    "facts_type",
    [
        ReminderFacts, ReminderActionResult, Person, Late, *get_args(Subject),
        TeamDigest, DigestSection, DigestItem, NudgeResult, *get_args(DigestFact),
    ],
    ids=lambda t: t.__name__,
)  # fmt: skip
def test_reminder_facts_hold_no_sentences(facts_type: type) -> None:
    hints = get_type_hints(facts_type, vars(results))
    textual = {f.name for f in dataclasses.fields(facts_type) if _holds_text(hints[f.name])}
    assert textual == TEXT_FIELDS.get(facts_type.__name__, set())


BREACH_AT = utc("2026-04-02 21:15")
# Each digest item's facts, and the words the service itself used to write for it.
DIGEST_ITEMS: dict[str, tuple[DigestFact, str]] = {
    "awaiting a hearing": (
        AwaitingHearing(SERVED, DEADLINE),
        "no hearing booked; must be heard by Sat 04 Apr 2026 20:00 BST",
    ),
    "deadline not set": (AwaitingHearing(SERVED, None), "no hearing booked; must be heard by not set"),
    "lapsed": (LapsedAt(DEADLINE), "lapsed Sat 04 Apr 2026 20:00 BST: remove it from the PNC"),
    "outcome due": (OutcomeDue(BOOKED), "hearing Fri 03 Apr 2026 10:30 BST: record its outcome"),
    "expiring": (EndsAt(utc("2026-04-30 23:00")), "ends at the end of Thu 30 Apr 2026"),
    "hearing at a court": (HearingAt(BOOKED, "Leeds"), "hearing Fri 03 Apr 2026 10:30 BST at Leeds"),
    "hearing, no court": (HearingAt(BOOKED, None), "hearing Fri 03 Apr 2026 10:30 BST"),
    "check overdue": (CheckAt(CHECK_DUE, True), "breach check OVERDUE since Fri 03 Apr 2026 09:00 BST"),
    "check due": (CheckAt(CHECK_DUE, False), "breach check due Fri 03 Apr 2026 09:00 BST"),
    "breach, court at the hearing": (
        RecentBreach(BREACH_AT, None, BOOKED, True),
        "breach Thu 02 Apr 2026 22:15 BST, crime reference MISSING, before the court by Fri 03 Apr 2026 10:30 BST "
        "(at the application hearing, earlier than 24 hours)",
    ),
    "breach, court in 24 hours": (
        RecentBreach(BREACH_AT, "43/1/26", utc("2026-04-03 21:15"), False),
        "breach Thu 02 Apr 2026 22:15 BST, crime reference 43/1/26, before the court by Fri 03 Apr 2026 22:15 BST "
        "(24 hours)",
    ),
    "breach, no arrest": (
        RecentBreach(BREACH_AT, "43/1/26", None, False),
        "breach Thu 02 Apr 2026 22:15 BST, crime reference 43/1/26",
    ),
    "no crime reference": (
        NoCrimeReference(BREACH_AT),
        "breach recorded Thu 02 Apr 2026 22:15 BST has no crime reference",
    ),
    "attendance overdue": (
        IncidentLate(IncidentClock.ATTENDANCE, CHECK_DUE),
        "not attended in time, due Fri 03 Apr 2026 09:00 BST",
    ),
    "crime not recorded": (
        IncidentLate(IncidentClock.CRIME, CHECK_DUE),
        "crime not recorded at 24 hours, due Fri 03 Apr 2026 09:00 BST",
    ),
    "MARAC referral due": (
        IncidentLate(IncidentClock.MARAC_REFERRAL, CHECK_DUE),
        "MARAC referral due Fri 03 Apr 2026 09:00 BST",
    ),
    "school untold": (
        SchoolUntold(2, CHECK_DUE),
        "school of child 2 not told (Operation Encompass), due Fri 03 Apr 2026 09:00 BST",
    ),
    "Clare's Law past target": (
        ClareTarget(DEADLINE, True),
        "Clare's Law request PAST its completion target, Sat 04 Apr 2026 20:00 BST",
    ),
    "plan action overdue": (
        PlanActionLate(1, CHECK_DUE),
        "management plan action 1 OVERDUE since Fri 03 Apr 2026 09:00 BST",
    ),
    "undelivered": (
        Undelivered(BreachCheckDue(True, CHECK_DUE, None), CHECK_DUE),
        "reminder not delivered: “Breach check overdue” (due Fri 03 Apr 2026 09:00 BST)",
    ),
}


@pytest.mark.parametrize(("about", "words"), DIGEST_ITEMS.values(), ids=DIGEST_ITEMS.keys())
def test_each_digest_item_reads_as_the_service_used_to_write_it(about: DigestFact, words: str) -> None:
    assert item_text(about, TZ) == words


def test_every_kind_of_digest_item_is_covered() -> None:
    assert {type(about) for about, _ in DIGEST_ITEMS.values()} == set(get_args(DigestFact))


def test_a_digest_leaves_out_zero_counts_and_escapes_what_was_typed() -> None:
    typed = DigestItem(REF, "AP", "DVPN", HearingAt(BOOKED, "Leeds <!channel> & co"), "UOFF")
    sections = (
        DigestSection("failed", (), Command("list", "team")),
        DigestSection("hearings", (typed,), Command("list"), kind=SectionKind.COMING),
        DigestSection("new", (), Command("list", "team"), kind=SectionKind.COUNT, count=0),
    )
    late = Late(utc("2026-04-02 06:00"), utc("2026-04-02 09:00"), TZ)
    digest = TeamDigest(1, "Team <B>", SERVED.date(), SERVED, sections, TZ, late)

    blocks = digest_blocks(digest, in_channel=False)

    assert digest_text(digest) == (
        "Daily digest for Team &lt;B&gt;, Thu 02 Apr: 1 hearings today or tomorrow (late: due 07:00)"
    )
    assert blocks[1]["elements"][0]["text"] == ":hourglass: Sent late (late: due 07:00): the bot was not running then."
    assert blocks[2]["text"]["text"] == ":white_check_mark: Nothing needs action today."
    assert blocks[3]["text"]["text"] == "*Coming up* (1)"
    assert blocks[4]["text"]["text"] == (
        f"*{REF}* (AP) DVPN: hearing Fri 03 Apr 2026 10:30 BST at Leeds &lt;!channel&gt; &amp; co · <@UOFF>"
    )
    assert blocks[4]["accessory"]["action_id"] == "record_open"
    assert len(blocks) == 6  # the footer; no count of nothing: no "0 new records", no "0 not delivered"
    assert "*0*" not in str(blocks)


def test_the_work_for_today_leads_most_urgent_first_each_with_its_button() -> None:
    check = DigestItem("REF-C", "AB", "NMO", CheckAt(CHECK_DUE, True), "UOFF", CHECK_DUE, CHECK_DUE, ItemAction.NUDGE)
    outcome = DigestItem("REF-O", "CD", "DVPN", OutcomeDue(BOOKED), "UOFF", BOOKED, BOOKED, ItemAction.OUTCOME)
    unbooked = DigestItem(
        "REF-U", "EF", "DVPN", AwaitingHearing(SERVED, DEADLINE), "UOFF", DEADLINE, SERVED, ItemAction.NUDGE
    )
    sections = (
        DigestSection("unbooked", (unbooked,), Command("list", "due"), urgency=0),
        DigestSection("outcomes", (outcome,), Command("list", "due"), urgency=1),
        DigestSection("checks", (check,), Command("list", "due"), urgency=1),
    )
    now = utc("2026-04-04 07:00")  # Saturday: the check and the hearing are open since Friday
    digest = TeamDigest(1, "Team A", now.date(), now, sections, TZ)

    dm, channel = digest_blocks(digest, in_channel=False), digest_blocks(digest, in_channel=True)

    assert dm[1]["text"]["text"] == "*Needs action today* (3)"
    lines = [b["text"]["text"] for b in dm[2:5]]
    assert [line.split("*")[1] for line in lines] == ["REF-U", "REF-C", "REF-O"]  # statutory clock first
    assert lines[1].endswith(" · <@UOFF> · _still open since Fri_")
    assert "still open" in lines[0]  # served on Thursday
    assert [b["accessory"]["text"]["text"] for b in dm[2:5]] == ["Nudge officer", "Nudge officer", "Record outcome"]
    assert [b["accessory"]["text"]["text"] for b in channel[2:5]] == ["Open", "Open", "Record outcome"]
    assert "<@UOFF>" not in str(channel)
