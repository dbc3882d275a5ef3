"""/dvpn caseload incidents through the real Bolt app on the casework of tests/services/test_casework_export.py:
the filters, each role's scope, refusals that say whom to ask, and no name, child or school shown."""

from __future__ import annotations

import json

import pytest

from tests.services.test_casework_export import TYPED, Casework, work  # noqa: F401
from tests.support.force import Force
from tests.support.slack_driver import SlackDriver, reply_text


def listed(slack: SlackDriver, user: str, text: str) -> str:
    slack.command(user, text)
    reply = slack.last_reply()
    assert [t for t in TYPED if t in json.dumps(reply.blocks)] == []
    return reply_text(reply)


def test_a_champion_lists_the_forces_incidents_by_filter(slack: SlackDriver, work: Casework) -> None:  # noqa: F811
    champion = Force().champion
    every = listed(slack, champion, "caseload incidents")
    assert "Incidents: the force" in every and "3 of 3" in every
    assert every.index("WM-INC-2026-0002") < every.index("WM-INC-2026-0003") < every.index("WM-INC-2026-0001")
    high = listed(slack, champion, "caseload incidents risk high")
    assert "1 of 1" in high and "WM-INC-2026-0002" in high and "victim SS" in high and "MARAC referred" in high
    assert "1 school untold" in high
    untold = listed(slack, champion, "caseload incidents encompass untold")
    assert "1 of 1" in untold and "WM-INC-2026-0002" in untold
    no_marac = listed(slack, champion, "caseload incidents no-marac team Team B")
    assert "Incidents: Team B" in no_marac and "1 of 1" in no_marac and "WM-INC-2026-0003" in no_marac
    assert "No incident of the force matches" in listed(slack, champion, "caseload incidents risk medium no-marac")


@pytest.mark.parametrize(
    "who, text, fragment",
    [
        ("supervisor", "caseload incidents team Team B", "Team B is not a team you work in or supervise"),
        ("officer", "caseload incidents risk severe", "Risk is high, medium, standard or none"),
        ("champion", "caseload incidents soon", "Could not read 'soon'"),
    ],
)
def test_outside_ones_teams_or_unreadable_is_refused(
    slack: SlackDriver,
    work: Casework,  # noqa: F811
    who: str,
    text: str,
    fragment: str,
) -> None:
    assert fragment in listed(slack, getattr(Force(), who), text)


def test_an_officer_and_a_supervisor_see_their_team(slack: SlackDriver, work: Casework) -> None:  # noqa: F811
    mine = listed(slack, Force().officer, "caseload incidents")
    assert "Incidents: your team" in mine and "2 of 2" in mine and "WM-INC-2026-0003" not in mine
    theirs = listed(slack, Force().supervisor, "caseload incidents risk none")
    assert "Incidents: your teams" in theirs and "WM-INC-2026-0001" in theirs and "0002" not in theirs
