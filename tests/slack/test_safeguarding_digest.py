"""The safeguarding clocks in the supervisors' digest and the App Home, through the services and the
real Bolt app: one section each (Operation Encompass untold, MARAC referrals due, attendance
overdue, crimes not recorded at 24 hours, Clare's Law requests near or past target, plan actions
overdue), each record once with its other items on its line, its button opening what it names,
references and initials only, and a supervisor's digest holding their own teams' items alone.

Mon 9 Nov 2026, 10:00 GMT, a school day in Cumbria."""

from __future__ import annotations

from blocks import actions as ids
from blocks.digest import digest_blocks
from console.slack_api import SlackWebAPI
from rules.disclosure import Route
from rules.plans import ActionKind
from services.clock import ManualClock
from services.context import ServiceContext
from services.disclosures import requests
from services.disclosures.requests import NewRequest
from services.incidents.recording import ChildInput, NewIncident, record_incident
from services.people import plans
from services.records.order_writer import PersonInput
from services.reminders.digest import digest_for
from services.reminders.home import home_board
from services.reminders.results import DigestSection, SectionKind
from tests.support.force import Force
from tests.support.records import dvpn, record
from tests.support.slack_driver import SlackDriver, blocks_text
from tests.support.sweeps import at

PRIVATE = (
    "Sam",
    "Sample",
    "Kit",
    "Oak Primary",
    "cumbria",
    "Alex",
    "Dana",
    "Whitlock",
    "Gareth",
    "Pellow",
    "programme",
)


def clare(ctx: ServiceContext, officer: str, received: str) -> str:
    new = NewRequest(Route.KNOW, PersonInput("Dana Whitlock"), PersonInput("Gareth Pellow"), at(received))
    return requests.new_request(ctx, officer, new).reference


def caseload(ctx: ServiceContext, force: Force, clock: ManualClock) -> dict[str, str]:
    clock.set(at("2026-11-08 21:00"))
    order = record(ctx, force.officer, dvpn("2026-11-08 20:00")).reference
    plans.adopt(ctx, force.supervisor, order)
    plans.add_action(
        ctx, force.officer, order, ActionKind.ENFORCE, force.colleague, at("2026-11-09 09:00"), "programme"
    )
    clock.set(at("2026-11-09 10:00"))
    incident = record_incident(
        ctx,
        force.officer,
        NewIncident(
            reported_at=at("2026-11-06 20:00"),  # Friday night: the school is to be told by Mon 08:30
            victim=PersonInput("Sam Sample"),
            suspect=PersonInput("Alex Example"),
            children=(ChildInput("Kit Sample", "Oak Primary", "cumbria"),),
            dash_yes=15,  # high risk: a MARAC referral is due, and attendance is overdue
            crime_disclosed=True,  # with no crime recorded 24 hours after the report
        ),
    )
    return {
        "order": order,
        "incident": incident,
        "near": clare(ctx, force.officer, "2026-10-15 12:00"),  # target: end of Wed 11 Nov
        "past": clare(ctx, force.colleague, "2026-10-01 12:00"),  # target: end of Wed 28 Oct
        "team b": clare(ctx, force.other_officer, "2026-10-01 12:00"),
    }


def section(sections: tuple[DigestSection, ...], key: str) -> DigestSection:
    return next(s for s in sections if s.key == key)


def test_each_clock_has_its_section_each_record_once_and_only_the_supervisor_s_teams(
    ctx: ServiceContext, force: Force, clock: ManualClock
) -> None:
    refs = caseload(ctx, force, clock)
    [digest] = digest_for(ctx, force.supervisor, None)
    sections = digest.sections
    # The incident is open in four sections; it is listed once, in the first (Encompass), and the
    # others are added to its line.
    [school] = section(sections, "encompass").items
    assert (school.reference, school.initials, school.order_type) == (refs["incident"], "AE", "incident")
    assert [type(a).__name__ for a in (school.about, *school.also)] == [
        "SchoolUntold",
        "IncidentLate",
        "IncidentLate",
        "IncidentLate",
    ]
    assert [s.key for s in sections if s.items and s.kind is SectionKind.ACTION] == [
        "unbooked",  # the record the plan was adopted from: its overdue plan action is on its line
        "encompass",
        "clare",
    ]
    assert [(i.reference, i.about.past) for i in section(sections, "clare").items] == [  # type: ignore[union-attr]
        (refs["past"], True),
        (refs["near"], False),
    ]
    [notice] = section(sections, "unbooked").items
    assert notice.reference == refs["order"]
    assert [type(a).__name__ for a in notice.also] == ["CheckAt", "PlanActionLate"]
    everything = [i.reference for s in sections for i in s.items]
    assert refs["team b"] not in everything  # another team's request is not this supervisor's
    [team_b] = digest_for(ctx, force.admin, "Team B")
    assert [i.reference for i in section(team_b.sections, "clare").items] == [refs["team b"]]

    blocks = digest_blocks(digest, in_channel=False)
    text = blocks_text(blocks)
    assert not [word for word in PRIVATE if word in text]
    lines = {b["text"]["text"].split("*")[1]: b for b in blocks if b.get("accessory")}
    incident_line = lines[refs["incident"]]["text"]["text"]
    for said in (
        "school of child 1 not told (Operation Encompass), due Mon 09 Nov 2026 08:30",
        "MARAC referral due",
        "not attended in time",
        "crime not recorded at 24 hours, due Sat 07 Nov 2026 20:00",
    ):
        assert said in incident_line
    assert "PAST its completion target" in lines[refs["past"]]["text"]["text"]
    assert "management plan action 1 OVERDUE since Mon 09 Nov 2026 09:00" in lines[refs["order"]]["text"]["text"]
    assert {ref: b["accessory"]["action_id"] for ref, b in lines.items()} == {
        refs["incident"]: ids.OPEN_INCIDENT,
        refs["past"]: ids.OPEN_CLARE,
        refs["near"]: ids.OPEN_CLARE,
        refs["order"]: ids.DIGEST_NUDGE,
    }


def test_the_digest_buttons_open_what_they_name(
    ctx: ServiceContext, force: Force, clock: ManualClock, slack: SlackDriver, slack_api: SlackWebAPI
) -> None:
    refs = caseload(ctx, force, clock)
    slack.press(force.supervisor, ids.OPEN_INCIDENT, refs["incident"])
    slack.press(force.supervisor, ids.OPEN_CLARE, refs["past"])
    slack.press(force.supervisor, ids.OPEN_CLARE, refs["team b"], where="home")
    replies = slack_api.calls("response_url")
    assert refs["incident"] in blocks_text(replies[0].blocks)
    assert f"Clare's Law {refs['past']}" in blocks_text(replies[1].blocks)
    [modal] = slack_api.calls("views.open")
    # Another team's request: seen (a supervisor may), its names withheld.
    assert f"Clare's Law {refs['team b']}" in blocks_text(modal["view"]["blocks"])
    assert "Dana" not in blocks_text(modal["view"]["blocks"])


def test_the_app_home_lists_the_officer_s_own_clocks_and_the_supervisor_s_team_s(
    ctx: ServiceContext, force: Force, clock: ManualClock
) -> None:
    refs = caseload(ctx, force, clock)
    officer = home_board(ctx, force.officer)
    assert {i.reference for i in officer.mine} >= {refs["incident"], refs["near"]}
    assert refs["past"] not in {i.reference for i in officer.mine}  # the colleague's
    colleague = home_board(ctx, force.colleague)
    assert {i.reference for i in colleague.mine} >= {refs["past"], refs["order"]}  # the plan action is theirs
    supervisor = home_board(ctx, force.supervisor)
    team = {i.reference for i in supervisor.team}
    assert {refs["incident"], refs["near"], refs["past"], refs["order"]} <= team
    assert refs["team b"] not in team
