"""The demo force's safeguarding casework beside its orders: incidents (one with children whose
schools are told through Operation Encompass, one high-risk victim referred to a MARAC with its
meeting and actions, and the DVPN recorded from it), Clare's Law requests (Right to Ask, Right to
Know, one near its target) and two perpetrators under management plans. All through the services
an officer's commands call, so each is audited and reminded like real casework."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING

from console.demo_people import TEAMS
from domain.enums import RiskLevel
from rules.disclosure import Decision, Route
from rules.order_types import OrderType
from rules.plans import ActionKind
from rules.ranks import Rank
from services.disclosures import requests as disclosures
from services.disclosures.requests import NewRequest
from services.incidents import changes
from services.incidents.recording import ChildInput, NewIncident, record_incident
from services.people import plans
from services.records import hearings
from services.records import recording as records
from services.records.recording import NewRecord

if TYPE_CHECKING:
    from console.demo_records import RecordBuilder

# The school's local authority: one whose school holidays ship with dvpn-bot (rules/school_holidays.toml).
AREA = "cumbria"
SCHOOLS = ("Example Primary School", "Sample Street Academy")


@dataclass
class SafeguardingFacts:
    """References of the safeguarding casework the demo is built to show."""

    encompass: str = ""  # an incident with two children: one school told, one still to tell
    marac: str = ""  # high risk (DASH), referred, meeting set, actions agreed
    marac_due: str = ""  # high risk (DASH) with no referral yet: on the champions' `marac due`
    from_incident: str = ""  # the DVPN recorded from the MARAC incident: its people are the incident's
    requests: list[str] = field(default_factory=list)  # Clare's Law: asked, known (disclosed), near target
    near_target: str = ""
    plans: list[str] = field(default_factory=list)  # records whose perpetrators are under a plan


def build_safeguarding(b: RecordBuilder) -> SafeguardingFacts:
    facts = SafeguardingFacts()
    _incidents(b, facts)
    _clare(b, facts)
    _plans(b, facts)
    return facts


def _incidents(b: RecordBuilder, facts: SafeguardingFacts) -> None:
    north, south, _ = TEAMS
    officer = b.officer(north).slack_id
    children = tuple(
        ChildInput(b.person(0).full_name, school, AREA, present=number == 0) for number, school in enumerate(SCHOOLS)
    )
    new = NewIncident(
        reported_at=b.ago(hours=14),
        victim=b.person(18),
        suspect=b.person(18),
        children=children,
        dash_yes=6,
        crime_disclosed=True,
        crime_reference="CR/DEMO/0101",
        dash_at=b.ago(hours=13),
    )
    facts.encompass = record_incident(b.ctx, officer, new)
    changes.record_attended(b.ctx, officer, facts.encompass, b.ago(hours=13) - timedelta(minutes=30))
    changes.record_school_told(b.ctx, officer, facts.encompass, 1)  # the second school is still to be told

    officer = b.officer(south).slack_id
    supervisor = next(p for p in b.directory.of_role("supervisor") if p.team == south).slack_id
    new = NewIncident(
        reported_at=b.ago(hours=30),
        victim=b.person(18),
        suspect=b.person(18),
        dash_yes=17,
        judgement=RiskLevel.HIGH,
        crime_disclosed=True,
        crime_reference="CR/DEMO/0102",
        dash_at=b.ago(hours=28),
    )
    facts.marac = ref = record_incident(b.ctx, officer, new)
    changes.record_attended(b.ctx, officer, ref, b.ago(hours=29))
    changes.record_referral(b.ctx, officer, ref)
    changes.record_meeting(b.ctx, officer, ref, b.ago(days=-6, hours=-1))
    changes.add_action(b.ctx, officer, ref, "Safety plan reviewed with the victim", officer, b.ago(days=-2))
    changes.add_action(b.ctx, officer, ref, "Target-hardening at the address", supervisor, b.ago(days=-8))
    notice = NewRecord(
        order_type=OrderType.DVPN,
        served_at=b.ago(hours=20),
        authoriser_name="Supt Demo Example",
        authoriser_rank=Rank.SUPERINTENDENT,
        conditions="Not to enter the address or come within 100 metres of it.",
        incident_reference=ref,
    )
    view = records.record(b.ctx, officer, notice)
    hearings.book_hearing(b.ctx, officer, view.reference, b.ago(hours=-26), "Demoton Magistrates' Court")
    facts.from_incident = b.keep(view).reference

    officer = b.officer(TEAMS[2]).slack_id
    waiting = NewIncident(reported_at=b.ago(hours=5), victim=b.person(18), suspect=b.person(18), dash_yes=14)
    facts.marac_due = record_incident(b.ctx, officer, waiting)


def _clare(b: RecordBuilder, facts: SafeguardingFacts) -> None:
    north, south, central = TEAMS
    asked = NewRequest(Route.ASK, b.person(18), b.person(18), b.ago(days=3))
    facts.requests.append(disclosures.new_request(b.ctx, b.officer(north).slack_id, asked).reference)

    officer = b.officer(central).slack_id
    known = NewRequest(Route.KNOW, b.person(18), b.person(18), b.ago(days=12))
    ref = disclosures.new_request(b.ctx, officer, known).reference
    disclosures.record_checks(b.ctx, officer, ref, b.ago(days=10))
    disclosures.record_forum(b.ctx, officer, ref, b.ago(days=6))
    disclosures.decide(b.ctx, officer, ref, Decision.DISCLOSE, "Previous violence to two partners.", b.ago(days=6))
    disclosures.record_disclosure(b.ctx, officer, ref, "The person at risk, in person", b.ago(days=4))
    facts.requests.append(ref)

    officer = b.officer(south).slack_id
    near = NewRequest(Route.ASK, b.person(18), b.person(18), b.ago(days=25), applicant_name="A Concerned Friend")
    facts.near_target = disclosures.new_request(b.ctx, officer, near).reference
    disclosures.record_checks(b.ctx, officer, facts.near_target, b.ago(days=20))
    facts.requests.append(facts.near_target)


def _plans(b: RecordBuilder, facts: SafeguardingFacts) -> None:
    """The MARAC incident's suspect (through the DVPN recorded from it), and the suspect of an
    order expiring this week: each under a plan with actions of the four kinds."""
    for reference, actions in (
        (
            facts.from_incident,
            (
                (ActionKind.DIVERT, "Referral to a perpetrator programme", 5),
                (ActionKind.ENFORCE, "Check the notice's conditions at the address", 1),
            ),
        ),
        (
            b.facts.expiring[0],
            (
                (ActionKind.DISRUPT, "Warning letter about contact through friends", 3),
                (ActionKind.SUPPORT, "Referral to drug and alcohol services", 10),
            ),
        ),
    ):
        officer = b.views[reference].officer_slack_id
        plans.adopt(b.ctx, officer, reference, review_at=b.ago(days=-28))
        for kind, what, days in actions:
            plans.add_action(b.ctx, officer, reference, kind, officer, b.ago(days=-days), what)
        facts.plans.append(reference)
