"""The demo force's records: about sixty notices and orders of every type, recorded, heard,
granted, breached and checked through the same services an officer's commands call, so each is
audited and has its reminders planned like a real record. Names, dates of birth and addresses
are invented from a fixed seed; the places are made up."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from console.demo_people import TEAMS
from console.demo_safeguarding import SafeguardingFacts, build_safeguarding
from console.people import Directory, Person
from domain.enums import HearingOutcome
from rules.calendar import calendar_with
from rules.deadlines import hearing_deadline
from rules.order_types import OrderType, rule_for
from rules.ranks import Rank
from services.context import ServiceContext
from services.records import breaches, checks, hearings
from services.records import recording as records
from services.records.hearings import GrantTerms
from services.records.order_writer import PersonInput
from services.records.recording import NewRecord
from services.views import RecordView

SEED = 20260402
PEOPLE_FIRST = (
    "Avery", "Blake", "Corin", "Darcy", "Emery", "Fenn", "Glen", "Hollis", "Ira", "Jody", "Kerry", "Lane",
    "Merritt", "Nell", "Orin", "Perry", "Rory", "Sidney", "Terry", "Vivian",
)  # fmt: skip
PEOPLE_SURNAMES = (
    "Imaginary", "Invented", "Nonesuch", "Hypothetical", "Fabricated", "Makebelieve", "Fictitious", "Unreal",
)  # fmt: skip
STREETS = ("Example Road", "Sample Street", "Placeholder Lane", "Specimen Close", "Mockup Avenue")
TOWN = "Demoton"  # no such town
COURTS = ("Demoton Magistrates' Court", "Northfield-upon-Example Family Court", "Sampleford Magistrates' Court")


@dataclass
class DemoFacts:
    """References of the records the demo is built to show, by what they show."""

    countdown: str = ""  # the DVPN served 46 (counted) hours ago with no hearing booked
    lapsed: list[str] = field(default_factory=list)
    expiring: list[str] = field(default_factory=list)  # orders ending in the coming week
    overdue_checks: list[str] = field(default_factory=list)
    no_crime_reference: str = ""  # the breach recorded without its crime reference
    arrested: str = ""  # a breach arrest with its 24-hour court clock running
    records: list[str] = field(default_factory=list)
    safeguarding: SafeguardingFacts = field(default_factory=SafeguardingFacts)


class RecordBuilder:
    def __init__(self, ctx: ServiceContext, directory: Directory, start: datetime) -> None:
        self.ctx = ctx
        self.directory = directory
        self.start = start
        self.rng = random.Random(SEED)
        self.facts = DemoFacts()
        self.views: dict[str, RecordView] = {}  # as each record was when made: the setup's own notes
        self.ended: set[str] = set()  # made already past their end: the rollover will expire them
        self._people = 0

    # -- invented people -------------------------------------------------------------------------------

    def person(self, age_at_least: int = 18) -> PersonInput:
        self._people += 1
        first = PEOPLE_FIRST[self._people % len(PEOPLE_FIRST)]
        surname = PEOPLE_SURNAMES[(self._people * 3) % len(PEOPLE_SURNAMES)]
        born = date(self.start.year - self.rng.randint(age_at_least + 1, 60), self.rng.randint(1, 12), 15)
        address = f"{self.rng.randint(1, 99)} {self.rng.choice(STREETS)}, {TOWN}"
        return PersonInput(full_name=f"{first} {surname}", date_of_birth=born, address=address)

    def officer(self, team: str) -> Person:
        return self.rng.choice([p for p in self.directory.of_role("officer") if p.team == team])

    def ago(self, days: float = 0, hours: float = 0) -> datetime:
        return self.start - timedelta(days=days, hours=hours)

    def keep(self, view: RecordView) -> RecordView:
        self.facts.records.append(view.reference)
        self.views[view.reference] = view
        return view

    # -- records ----------------------------------------------------------------------------------------

    def notice(self, kind: OrderType, team: str, served: datetime, officer: Person | None = None) -> RecordView:
        who = officer or self.officer(team)
        rank = Rank.SUPERINTENDENT if kind is OrderType.DVPN else Rank.INSPECTOR
        new = NewRecord(
            order_type=kind,
            served_at=served,
            authoriser_name=f"Supt {self.rng.choice(PEOPLE_FIRST)} Example",
            authoriser_rank=rank,
            conditions="Not to enter the address or come within 100 metres of it.",
            perpetrator=self.person(18),
            protected=(self.person(16),),
            risk_level=None,
        )
        return self.keep(records.record(self.ctx, who.slack_id, new))

    def court_order(self, kind: OrderType, team: str, made: datetime, **length: object) -> RecordView:
        who = self.officer(team)
        new = NewRecord(
            order_type=kind,
            made_at=made,
            served_at=made + timedelta(hours=3),
            court=self.rng.choice(COURTS),
            conditions="Not to contact the protected person directly or indirectly.",
            perpetrator=self.person(18),
            protected=(self.person(18),),
            **length,  # type: ignore[arg-type]
        )
        return self.keep(records.record(self.ctx, who.slack_id, new))

    def bail(self, team: str, served: datetime) -> RecordView:
        who = self.officer(team)
        new = NewRecord(
            order_type=OrderType.BAIL,
            served_at=served,
            conditions="Not to contact the complainant; to live and sleep at a named address.",
            perpetrator=self.person(18),
            protected=(self.person(18),),
        )
        return self.keep(records.record(self.ctx, who.slack_id, new))

    def heard(self, view: RecordView, at: datetime, outcome: HearingOutcome, terms: GrantTerms | None) -> RecordView:
        officer = view.officer_slack_id
        hearings.book_hearing(self.ctx, officer, view.reference, at, self.rng.choice(COURTS))
        decided = hearings.record_outcome(self.ctx, officer, view.reference, outcome, at + timedelta(hours=1), terms)
        if decided.reference != view.reference:
            self.keep(decided)
        return decided

    def check_done(self, view: RecordView, done: datetime) -> None:
        checks.complete_check(self.ctx, view.officer_slack_id, view.reference, done, "Visited: order being kept.")

    def served_hours_before_deadline(self, left: timedelta) -> datetime:
        """The service time whose hearing deadline is `left` after the start (excluded days counted
        as the statute counts them), found by bisection: the deadline only grows with service time."""
        rule, calendar = rule_for(OrderType.DVPN), calendar_with()
        target = self.start + left
        low, high = self.start - timedelta(days=10), self.start
        for _ in range(40):
            middle = low + (high - low) / 2
            found = hearing_deadline(rule, middle, calendar, self.ctx.settings.timezone)
            assert found is not None
            low, high = (middle, high) if found.at <= target else (low, middle)
        return low.replace(microsecond=0)


Step = Callable[[RecordBuilder], None]


def build_records(ctx: ServiceContext, directory: Directory, start: datetime) -> DemoFacts:
    builder = RecordBuilder(ctx, directory, start)
    for step in (_notices, _granted, _court_orders, _breaches_and_checks):
        step(builder)
    builder.facts.safeguarding = build_safeguarding(builder)
    return builder.facts


def _notices(b: RecordBuilder) -> None:
    north, south, central = TEAMS
    jordan = b.directory.find("jordan")
    served = b.served_hours_before_deadline(timedelta(hours=2))
    b.facts.countdown = b.notice(OrderType.DVPN, north, served, officer=jordan).reference
    booked = b.notice(OrderType.DVPN, south, b.ago(hours=20))
    hearings.book_hearing(b.ctx, booked.officer_slack_id, booked.reference, b.ago(hours=-20), COURTS[0])
    b.notice(OrderType.DAPN, central, b.ago(hours=10))
    soon = b.notice(OrderType.DAPN, north, b.ago(hours=36))
    hearings.book_hearing(b.ctx, soon.officer_slack_id, soon.reference, b.ago(hours=-4), COURTS[2])
    for days, team in ((6, south), (9, central)):  # no hearing in time: the rollover marks them lapsed
        b.facts.lapsed.append(b.notice(OrderType.DVPN, team, b.ago(days=days, hours=3)).reference)
    refused = b.notice(OrderType.DVPN, central, b.ago(days=4))
    b.heard(refused, b.ago(days=4, hours=-22), HearingOutcome.REFUSED, None)


def _granted(b: RecordBuilder) -> None:
    """Notices granted in court: each becomes an order (DVPN -> DVPO, DAPN -> DAPO)."""
    for ends_in, team in zip((1, 2, 4, 5), TEAMS * 2, strict=False):
        made = b.ago(days=27 - ends_in, hours=2)  # 28 days beginning with the day it was made
        notice = b.notice(OrderType.DVPN, team, made - timedelta(hours=21))
        order = b.heard(notice, made - timedelta(hours=1), HearingOutcome.GRANTED, GrantTerms(duration_days=28))
        b.facts.expiring.append(order.reference)
    old = b.notice(OrderType.DVPN, TEAMS[1], b.ago(days=41))  # granted long ago: it has expired
    expired = b.heard(old, b.ago(days=40, hours=4), HearingOutcome.GRANTED, GrantTerms(duration_days=28))
    b.ended.add(expired.reference)
    for days, team in ((30, TEAMS[0]), (75, TEAMS[2])):
        notice = b.notice(OrderType.DAPN, team, b.ago(days=days))
        terms = GrantTerms(until_further_order=True)
        order = b.heard(notice, b.ago(days=days - 1, hours=-2), HearingOutcome.GRANTED, terms)
        checks.record_notification(b.ctx, order.officer_slack_id, order.reference, b.ago(days=days - 2))


# (type, how many, the length the court set)
COURT_ORDERS: tuple[tuple[OrderType, int, dict[str, object]], ...] = (
    (OrderType.DVPO, 3, {"duration_days": 28}),
    (OrderType.DAPO, 2, {"until_further_order": True}),
    (OrderType.NMO, 8, {"duration_months": 12}),
    (OrderType.OCCUPATION, 4, {"duration_months": 6}),
    (OrderType.RESTRAINING, 5, {"until_further_order": True}),
    (OrderType.SPO, 4, {"duration_months": 24}),
    (OrderType.INTERIM_SPO, 3, {"until_further_order": True}),
    (OrderType.FMPO, 2, {"duration_months": 12}),
    (OrderType.FGMPO, 2, {"duration_months": 12}),
)


def _court_orders(b: RecordBuilder) -> None:
    number = 0
    for kind, count, length in COURT_ORDERS:
        for _ in range(count):
            number += 1
            oldest = 12 if kind is OrderType.DVPO else 150
            made = b.ago(days=b.rng.randint(2, oldest), hours=b.rng.randint(1, 8))
            view = b.court_order(kind, TEAMS[number % 3], made, **length)
            if rule_for(kind).notification is not None:
                checks.record_notification(b.ctx, view.officer_slack_id, view.reference, made + timedelta(days=1))
    for number in range(6):
        b.bail(TEAMS[number % 3], b.ago(days=b.rng.randint(2, 80), hours=b.rng.randint(1, 8)))


def _breaches_and_checks(b: RecordBuilder) -> None:
    """Checks done on time for most orders, three left overdue; breaches, one without its crime
    reference and one whose arrest started the 24-hour court clock."""
    views = [v for v in b.views.values() if v.reference not in b.ended]
    in_force = [v for v in views if v.is_active and v.check_open and not v.is_notice]
    old = [v for v in in_force if (v.served_at or v.made_at or b.start) < b.ago(days=13)]
    overdue = b.rng.sample(old, 3)
    for view in in_force:
        started = view.served_at or view.made_at or b.start
        if view in overdue:
            b.check_done(view, b.ago(days=9 + len(b.facts.overdue_checks)))
            b.facts.overdue_checks.append(view.reference)
        elif started < b.ago(days=2):
            b.check_done(view, max(started + timedelta(hours=26), b.ago(days=b.rng.randint(1, 6))))
    targets = [v for v in in_force if v not in overdue and v.order_type in ("NMO", "RO", "SPO", "DAPO")]
    for number, view in enumerate(targets[:3], 1):
        when = max(view.served_at or b.start, b.ago(days=3)) + timedelta(hours=5)
        crime = f"CR/DEMO/{number:04d}"
        breaches.record_breach(b.ctx, view.officer_slack_id, view.reference, when, crime_reference=crime)
    missing = targets[3]
    breaches.record_breach(b.ctx, missing.officer_slack_id, missing.reference, b.ago(hours=5), details="Sent texts.")
    b.facts.no_crime_reference = missing.reference
    dvpo = next(v for v in in_force if v.order_type == "DVPO" and v.reference not in b.facts.expiring)
    breaches.record_breach(
        b.ctx,
        dvpo.officer_slack_id,
        dvpo.reference,
        b.ago(hours=4),
        arrested_at=b.ago(hours=3),
        crime_reference="CR/DEMO/0009",
    )
    b.facts.arrested = dvpo.reference
