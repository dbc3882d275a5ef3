"""One case at a time: the notice or order (and its follow-on), hearings, breaches, breach checks,
notifications and the audit rows, written as COPY lines. See bench/reporting_force.py."""

from __future__ import annotations

import json
import random
import time
from collections import defaultdict
from dataclasses import dataclass, field

from bench.fakeforce.copyfiles import NULL, CopyFiles, nullable, ts
from bench.fakeforce.london import DAY, HOUR, end_of_local_day, excluded_day_clock, local_day, local_seconds
from bench.fakeforce.people import People
from bench.fakeforce.staff import Staff
from bench.fakeforce.words import AREAS, FIRST, LAST

FORCE_CODE = "WM"

# Where a case starts, and how often (shares of cases).
FAMILIES = {
    "notice": 0.40,
    "NMO": 0.20,
    "BAIL": 0.18,
    "RO": 0.11,
    "OO": 0.04,
    "SPO": 0.02,
    "FMPO": 0.007,
    "FGMPO": 0.003,
}
# How a notice's application ends: granted ones (and adjourned-then-granted) lead to a second record.
NOTICE_OUTCOMES = {"granted": 0.82, "adjourned": 0.04, "refused": 0.07, "withdrawn": 0.04, "lapsed": 0.03}
TWO_RECORDS = {"granted", "adjourned", "spo_granted"}
PILOT_START = 1_732_665_600  # 27 November 2024: DAPN/DAPO pilots begin in a few areas
OFFENCES = {"DAPO", "NMO", "RO", "SPO", "ISPO", "FMPO", "FGMPO"}  # breach is a criminal offence
ARREST_CLOCK = {"DVPN", "DVPO", "DAPN"}  # breach arrests with a 24-hour court clock
CHECKED = {"DVPO", "DAPO", "NMO", "RO", "OO", "SPO", "ISPO", "FMPO", "FGMPO", "BAIL"}
NOTIFYING = {"DAPO", "SPO"}  # DAA 2021 s41; SPA 2019 s9
CHECKS_KEPT = 4  # the latest weekly checks of a long order, to keep the volume near 3 per order
CHECK_OUTCOMES = ("No contact; conditions kept", "Spoke to victim by phone; no concerns", "Visit: no answer, call back")
BREACH_DETAILS = ("Contact by phone contrary to condition 2", "Attended the address", "Messages sent via a third party")


@dataclass(slots=True)
class Order:
    """What the reminder writer needs to know about a generated record."""

    id: int
    type: str
    status: str
    team: int
    officer: int
    start: int
    ended: int | None  # when it stopped being in force, or was decided; None while in force
    deadline: int | None = None  # a notice's hearing deadline
    decided: int | None = None
    expires: int | None = None
    notification_due: int | None = None
    notification_received: int | None = None
    booked: int | None = None  # when a hearing was first booked
    hearings: list[tuple[int, int, int, int | None]] = field(default_factory=list)  # id, booked, at, decided
    checks: list[tuple[int, int, int, int | None]] = field(default_factory=list)  # id, planned, due, done
    breaches: list[tuple[int, int, int | None, int | None]] = field(default_factory=list)  # id, at, court, ref


class Audit:
    def __init__(self, files: CopyFiles, staff: Staff) -> None:
        self.files, self.staff, self.next_id = files, staff, 0

    def write(
        self,
        at: int,
        actor: int | None,
        action: str,
        entity: str,
        entity_id: int,
        order_id: int | None,
        after: dict[str, object] | None = None,
        justification: str | None = None,
    ) -> None:
        self.next_id += 1
        who = f"slack:{self.staff.slack_ids[actor]}" if actor else "system:rollover"
        after_text = json.dumps(after, separators=(",", ":")) if after else "\\N"
        source = "slack" if actor else "scheduler"
        self.files.write(
            "audit_event",
            f"{self.next_id}\t{ts(at)}\t{nullable(actor)}\t{who}\t{action}\t{entity}\t{entity_id}"
            f"\t{nullable(order_id)}\t\\N\t{after_text}\t{nullable(justification)}\t{source}",
        )


class CaseMaker:
    def __init__(self, rng: random.Random, files: CopyFiles, staff: Staff, people: People, now: int) -> None:
        self.rng, self.files, self.staff, self.people, self.now = rng, files, staff, people, now
        self.audit = Audit(files, staff)
        self.counters: dict[tuple[str, int], int] = defaultdict(int)
        self.ids = {"order": 0, "hearing": 0, "breach": 0, "check": 0, "notification": 0}
        self.short = 0  # planned records not made because the case is still open (a notice awaiting its hearing)

    @staticmethod
    def plan_cases(rng: random.Random, orders: int) -> list[str]:
        """Case kinds whose records add up to exactly `orders`."""
        families, weights = list(FAMILIES), list(FAMILIES.values())
        outcomes, outcome_weights = list(NOTICE_OUTCOMES), list(NOTICE_OUTCOMES.values())
        plans: list[str] = []
        made = 0
        while made < orders:
            family = rng.choices(families, weights)[0]
            if family == "notice":
                family = rng.choices(outcomes, outcome_weights)[0]
            elif family == "SPO":
                family = "spo_granted" if rng.random() < 0.8 else "spo_refused"
            size = 2 if family in TWO_RECORDS else 1
            if made + size > orders:
                family, size = "BAIL", 1
            plans.append(family)
            made += size
        return plans

    def make_case(self, plan: str, at: int) -> list[Order]:
        rng, staff = self.rng, self.staff
        team = rng.choices(staff.team_ids, staff.team_weights)[0]
        officer = rng.choice(staff.officers[team])
        perpetrator, new = self.people.perpetrator_for_case(at)
        if new:
            self.audit.write(
                at + 300, officer, "create", "perpetrator", perpetrator, None, {"full_name": "[personal data]"}
            )
        protected, created = self.people.protected_for_case(perpetrator, not new, at)
        for person in created:
            self.audit.write(at + 300, officer, "create", "protected_person", person, None)
        risk = rng.choices(("high", "medium", "standard"), (20, 35, 45))[0]
        case = _Case(team, officer, perpetrator, protected, risk, rng.random() < 0.3)
        if plan in NOTICE_OUTCOMES:
            made = self._notice_case(case, plan, at)
        elif plan.startswith("spo"):
            made = self._spo_case(case, plan == "spo_granted", at)
        else:
            made = [self._court_or_bail(case, plan, at, parent=None)]
        self.short += (2 if plan in TWO_RECORDS else 1) - len(made)
        return made

    # Cases

    def _notice_case(self, case: _Case, outcome: str, served: int) -> list[Order]:
        rng = self.rng
        pilot = case.team in self.staff.pilot_teams and served >= PILOT_START
        kind, follow_on = ("DAPN", "DAPO") if pilot else ("DVPN", "DVPO")
        deadline = excluded_day_clock(served, 48)  # CSA 2010 s27(3); DAA 2021 s29(2)
        notice = self._new_order(kind, case, served)
        notice.deadline = deadline
        booked = served + rng.randrange(HOUR // 2, 6 * HOUR)
        if deadline > self.now:  # awaiting its hearing
            if booked <= self.now and rng.random() < 0.7:
                self._hearing(notice, booked, min(deadline - HOUR, booked + rng.randrange(4 * HOUR, 30 * HOUR)), None)
            self._write_order(notice, case, served, parent=None, made=None)
            return [notice]
        if outcome == "lapsed":
            notice.status, notice.ended, notice.decided = "lapsed", deadline, deadline
            if rng.random() < 0.3:
                self._hearing(notice, booked, deadline + rng.randrange(HOUR, 20 * HOUR), None, late=True)
            self._write_order(notice, case, served, parent=None, made=None)
            return [notice]
        heard = min(deadline - HOUR, served + rng.randrange(16 * HOUR, 46 * HOUR))
        late = rng.random() < 0.04
        if late:
            heard = deadline + rng.randrange(HOUR, 20 * HOUR)
        if outcome == "adjourned":
            decided_first = heard + 2 * HOUR
            self._hearing(notice, booked, heard, decided_first, late=late, outcome="adjourned")
            heard = decided_first + rng.randrange(DAY, 7 * DAY)
            booked = decided_first
        decided = heard + rng.randrange(HOUR, 4 * HOUR)
        result = {"granted": "granted", "adjourned": "granted"}.get(outcome, outcome)
        self._hearing(notice, booked, heard, decided, late=late, outcome=result)
        notice.status = {"granted": "superseded", "refused": "refused", "withdrawn": "withdrawn"}[result]
        notice.ended = notice.decided = decided
        self._write_order(notice, case, served, parent=None, made=None)
        if result != "granted" or decided > self.now:
            return [notice]
        return [notice, self._court_or_bail(case, follow_on, decided, parent=notice.id)]

    def _spo_case(self, case: _Case, granted: bool, made: int) -> list[Order]:
        interim = self._court_or_bail(case, "ISPO", made, parent=None, interim_days=self.rng.randrange(20, 45))
        if not granted or interim.ended is None or interim.ended > self.now:
            return [interim]
        return [interim, self._court_or_bail(case, "SPO", interim.ended, parent=interim.id)]

    def _court_or_bail(self, case: _Case, kind: str, made: int, parent: int | None, interim_days: int = 0) -> Order:
        rng = self.rng
        served: int | None = made if kind in ("DVPO", "BAIL", "DAPO") else made + rng.randrange(HOUR, 3 * DAY)
        if served is not None and served > self.now:
            served = None  # made without notice and not served yet
        order = self._new_order(kind, case, made)
        expires = self._expiry(kind, made, interim_days)
        order.expires = expires
        ended = expires if expires is not None and expires <= self.now else None
        if kind == "ISPO":
            order.status = "superseded" if ended else "active"
        elif ended is not None:
            order.status = "expired"
        early = {"BAIL": 0.5, "DVPO": 0.02}.get(kind, 0.06 if expires else 0.0)
        open_ended = expires is None and (self.now - made) / (365 * DAY) * 0.25 > rng.random()
        if (ended is None or kind == "BAIL") and (rng.random() < early or open_ended):
            stop = made + rng.randrange(2 * DAY, max(3 * DAY, min(expires or self.now, self.now) - made))
            if stop <= self.now and (ended is None or stop < ended):
                ended, order.status = stop, "closed" if kind == "BAIL" else "discharged"
        order.ended = ended
        if kind in NOTIFYING:
            order.notification_due = end_of_local_day(local_day(made) + 2)  # DAA 2021 s41(2): 3 days
        if kind == "NMO" and rng.random() < 0.6:  # FLA 1996 s45(3): a without-notice order's return date
            back = made + rng.randrange(7 * DAY, 21 * DAY)
            self._hearing(
                order, made, back, back + 2 * HOUR if back + 2 * HOUR <= self.now else None, outcome="granted"
            )
        self._write_order(order, case, served, parent=parent, made=made)
        self._checks(order)
        self._notifications(order)
        self._breaches(order)
        return order

    def _expiry(self, kind: str, made: int, interim_days: int) -> int | None:
        rng = self.rng
        if kind == "ISPO":
            days = interim_days
        elif kind == "DVPO":
            days = 28 if rng.random() < 0.7 else rng.randrange(14, 28)  # CSA 2010 s28(10)
        elif kind == "BAIL":
            days = 91 if rng.random() < 0.85 else 182  # PACE 1984 s47ZB, s47ZD
        elif kind == "OO":
            days = 183
        else:
            open_share = {"DAPO": 0.3, "RO": 0.3, "SPO": 0.2, "NMO": 0.1, "FMPO": 0.5, "FGMPO": 0.5}[kind]
            if rng.random() < open_share:
                return None  # until further order
            days = {"NMO": rng.choice((183, 365)), "SPO": 730}.get(kind, rng.randrange(180, 1_800))
        return end_of_local_day(local_day(made) + days - 1)  # periods begin with the day made

    # What hangs from a record

    def _new_order(self, kind: str, case: _Case, start: int) -> Order:
        self.ids["order"] += 1
        return Order(self.ids["order"], kind, "active", case.team, case.officer, start, None)

    def _hearing(
        self, order: Order, booked: int, at: int, decided: int | None, *, late: bool = False, outcome: str = ""
    ) -> None:
        self.ids["hearing"] += 1
        hearing = self.ids["hearing"]
        order.booked = order.booked or booked
        decided = decided if decided is not None and decided <= self.now else None
        order.hearings.append((hearing, booked, at, decided))
        court = f"{self.rng.choice(AREAS)} Magistrates' Court"
        self.files.write(
            "hearing",
            f"{hearing}\t{order.id}\t{ts(at)}\t{court}\t{'t' if late else 'f'}\t{outcome if decided else NULL}"
            f"\t{ts(decided)}\t\\N\t{order.officer}\t{ts(booked)}",
        )
        self.audit.write(booked, order.officer, "create", "hearing", hearing, order.id, {"court": court})

    def _checks(self, order: Order) -> None:
        """Weekly visits or calls while the order is in force; the latest few of a long order."""
        rng = self.rng
        end = order.ended or self.now
        dues = []
        due = order.start + DAY  # the first check a day after the order (DVPN_FIRST_BREACH_CHECK_HOURS)
        while due < end:
            dues.append(due)
            due += 7 * DAY
        if order.ended is None:
            dues.append(due)  # the open check of an order in force
        for due in dues[-CHECKS_KEPT:]:
            self.ids["check"] += 1
            check = self.ids["check"]
            planned = max(order.start, due - 7 * DAY)
            roll = rng.random()
            done: int | None = None
            if roll < 0.87:
                done = due + rng.randrange(-3 * HOUR, 3 * HOUR)
            elif roll < 0.95:
                done = due + rng.randrange(5 * HOUR, 72 * HOUR)
            if done is not None and done > self.now:
                done = None
            order.checks.append((check, planned, due, done))
            outcome = rng.choice(CHECK_OUTCOMES) if done else NULL
            self.files.write(
                "breach_check",
                f"{check}\t{order.id}\t{ts(due)}\t{order.officer}\t{ts(done)}\t{order.officer if done else NULL}"
                f"\t{outcome}\t{ts(planned)}",
            )
            if done:
                self.audit.write(done, order.officer, "update", "breach_check", check, order.id, {"done_at": ts(done)})

    def _notifications(self, order: Order) -> None:
        """DAA 2021 s41(2); SPA 2019 s9(1): names and home address within 3 days; s41(4) changes."""
        if order.notification_due is None:
            return
        rng = self.rng
        received = order.start + rng.randrange(2 * HOUR, 60 * HOUR) if rng.random() < 0.9 else None
        received = received if received is not None and received <= self.now else None
        order.notification_received = received
        self._notification(order, "initial", order.notification_due, received)
        if rng.random() < 0.1 and order.notification_due + 30 * DAY < self.now:
            changed = order.notification_due + rng.randrange(DAY, 30 * DAY)
            back = changed + rng.randrange(HOUR, 48 * HOUR) if rng.random() < 0.8 else None
            self._notification(order, "change", end_of_local_day(local_day(changed) + 2), back)

    def _notification(self, order: Order, kind: str, due: int, received: int | None) -> None:
        self.ids["notification"] += 1
        self.files.write(
            "notification",
            f"{self.ids['notification']}\t{order.id}\t{kind}\t{ts(due)}\t{ts(received)}"
            f"\t{order.officer if received else NULL}\t{ts(due - 3 * DAY)}",
        )

    def _breaches(self, order: Order) -> None:
        rng = self.rng
        chance = 0.03 if order.type in ("DVPN", "DAPN") else 0.13
        if rng.random() >= chance:
            return
        end = min(order.ended or self.now, self.now)
        if end - order.start < 2 * HOUR:
            return
        count = 1
        while rng.random() < 0.35:
            count += 1
        for occurred in sorted(rng.randrange(order.start + HOUR, end) for _ in range(count)):
            self.ids["breach"] += 1
            breach = self.ids["breach"]
            recorded = min(self.now, occurred + rng.randrange(HOUR, 12 * HOUR))
            arrested = occurred + rng.randrange(0, 10 * HOUR) if rng.random() < 0.85 else None
            court = None
            if arrested is not None and order.type in ARREST_CLOCK:
                court = excluded_day_clock(arrested, 24)  # CSA 2010 s26(2), s29(2); DAA 2021 s26(2)
            reference, added = None, None
            if rng.random() < (0.92 if order.type in OFFENCES else 0.4):
                added = recorded if rng.random() < 0.5 else recorded + rng.randrange(HOUR // 2, 20 * HOUR)
                if rng.random() < 0.2:
                    added = recorded + rng.randrange(24 * HOUR, 96 * HOUR)
                if added <= self.now:
                    reference = f"{order.team:02d}/{rng.randrange(10**6):06d}/{_year(occurred) % 100:02d}"
                else:
                    added = None
            order.breaches.append((breach, recorded, court, added))
            self.files.write(
                "breach",
                f"{breach}\t{order.id}\t{ts(occurred)}\t{ts(arrested)}\t{ts(court)}\t{reference or NULL}"
                f"\t{ts(added)}\t{rng.choice(BREACH_DETAILS)}\t{order.officer}\t{ts(recorded)}",
            )
            self.audit.write(recorded, order.officer, "create", "breach", breach, order.id)

    def _write_order(
        self, order: Order, case: _Case, served: int | None, *, parent: int | None, made: int | None
    ) -> None:
        rng = self.rng
        year = _year(order.start)
        self.counters[(order.type, year)] += 1
        reference = f"{FORCE_CODE}-{order.type}-{year}-{self.counters[(order.type, year)]:04d}"
        notice = order.type in ("DVPN", "DAPN")
        rank = {"DVPN": "superintendent", "DAPN": "inspector", "BAIL": "sergeant"}.get(order.type)
        authoriser = f"{rng.choice(FIRST)[0]}. {rng.choice(LAST)}" if rank else NULL
        court = NULL if rank else f"{rng.choice(AREAS)} {'Crown' if order.type == 'RO' else 'Family'} Court"
        created = order.start + rng.randrange(5 * 60, 3 * HOUR)
        closed = order.ended if order.status not in ("active", "expired") else None
        updated = max(created, order.ended or created)
        crime = f"{order.team:02d}/{rng.randrange(10**6):06d}/{year % 100:02d}" if rng.random() < 0.7 else NULL
        reason = NULL
        if order.status == "closed":
            reason = rng.choice(("Charged", "No further action"))
        elif order.status == "discharged":
            reason = "Discharged by the court"
        self.files.write(
            "protection_order",
            f"{order.id}\t{reference}\t{order.type}\t{order.status}\t{case.perpetrator}\t{nullable(parent)}"
            f"\t{order.officer}\t{order.team}\t{ts(served)}\t{ts(made)}\t{authoriser}\t{rank or NULL}\t{court}"
            f"\t{NULL if notice else 'No contact with the protected person'}\t{ts(order.deadline)}"
            f"\t{ts(order.expires)}\t{'t' if order.expires is None and not notice and order.type != 'ISPO' else 'f'}"
            f"\t{ts(order.notification_due)}\t{case.risk}\t{ts(order.start - rng.randrange(HOUR, DAY))}"
            f"\t{'t' if case.children else 'f'}\t{crime}\t{ts(closed)}\t{reason}\t{order.officer}"
            f"\t{ts(created)}\t{ts(updated)}",
        )
        for person in case.protected:
            self.files.write("order_protected_person", f"{order.id}\t{person}")
        self.audit.write(
            created, order.officer, "create", "protection_order", order.id, order.id, {"reference": reference}
        )
        if order.status != "active" and order.ended is not None:
            actor = None if order.status in ("expired", "lapsed") else order.officer
            self.audit.write(
                order.ended, actor, "update", "protection_order", order.id, order.id, {"status": order.status}
            )
        self._views(order, updated)

    def _views(self, order: Order, last: int) -> None:
        """Officers, supervisors and champions open records; a champion states why (DPA 2018 s62)."""
        rng = self.rng
        views = rng.choices((0, 1, 2, 3), (45, 35, 12, 8))[0]
        for _ in range(views):
            at = rng.randrange(order.start, max(order.start + 1, min(self.now, last + 30 * DAY)))
            roll = rng.random()
            if roll < 0.1:
                viewer, why = rng.choice(self.staff.champions), "Quality review of the force's response"
            elif roll < 0.35:
                viewer, why = rng.choice(self.staff.supervisors[order.team]), None
            else:
                viewer, why = order.officer, None
            self.audit.write(at, viewer, "view", "protection_order", order.id, order.id, None, why)

    def write_reference_counters(self) -> None:
        """The last number handed out per type and year, so a record made later gets the next one."""
        for (kind, year), number in sorted(self.counters.items()):
            self.files.write("reference_counter", f"{FORCE_CODE}\t{kind}\t{year}\t{number}")


@dataclass(frozen=True, slots=True)
class _Case:
    team: int
    officer: int
    perpetrator: int
    protected: list[int]
    risk: str
    children: bool


def _year(at: int) -> int:
    """The Europe/London year of an instant: references are numbered per year of the event."""
    return time.gmtime(local_seconds(at)).tm_year
