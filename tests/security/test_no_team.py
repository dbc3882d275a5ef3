"""Attack: a Slack user never placed in a team (first contact makes them an officer with no team)
runs every /dvpn subcommand, presses a record's buttons and opens the App Home, to learn PNC ids,
birth years and references across the force. Each is refused with how to get placed, by one gate
(services.governance.access.acting_user and the dispatcher's require_placed_user); nothing is sent but that
reply, and no row changes. `/dvpn help` still answers."""

from __future__ import annotations

import pytest

from blocks import actions as ids
from blocks.wording import say
from handlers.command import build_router
from services.context import ServiceContext
from services.governance.access import PLACEMENT
from tests.support.casework import PNC, Seeded
from tests.support.database import row_counts
from tests.support.force import Force
from tests.support.slack_app import ctx, slack, slack_api  # noqa: F401  (the real Bolt app and Slack stand-in)
from tests.support.slack_driver import SlackDriver, blocks_text, reply_text

# Arguments an attacker would try with each subcommand; every subcommand in the table is here.
ATTEMPTS = {
    "new": "DVPN",
    "show": "WM-DVPN-2026-0001",
    "list": "team",
    "caseload": "all",
    "perpetrator": PNC,
    "search": "Smith",
    "audit": "WM-DVPN-2026-0001",
    "identity": "",
    "hearing": "WM-DVPN-2026-0001 tomorrow 10:00",
    "granted": "WM-DVPN-2026-0001 28 days",
    "refused": "WM-DVPN-2026-0001",
    "adjourned": "WM-DVPN-2026-0001 monday 10:00",
    "breach": "WM-DVPN-2026-0001 yesterday 10:00",
    "crime": "WM-DVPN-2026-0001 22/123456/26",
    "check": "WM-DVPN-2026-0001 done",
    "court": "WM-DVPN-2026-0001 now",
    "notified": "WM-DVPN-2026-0001 now",
    "changed": "WM-DAPO-2026-0001 address now",
    "exempt": "WM-DAPO-2026-0001 another-dapo",
    "monitoring": "WM-DAPO-2026-0001 until 1/3/2027",
    "close": "WM-DVPN-2026-0001 withdrawn no longer needed",
    "edit": 'WM-DVPN-2026-0001 risk high reason "assessment redone"',
    "varied": "WM-DVPO-2026-0001 until 1/10/2026",
    "deadline": "DVPN now",
    "stats": "last 4 weeks",
    "export": "last 4 weeks",
    "digest": "",
    "admin": "team add Team A <@UNEW>",
    "incident": 'new victim "Sam Sample" suspect "Alex Example"',
    "marac": "due",
    "encompass": "WM-INC-2026-0001 told 1",
    "clare": 'new ask "Dana Whitlock" "Gareth Pellow"',
    "school-holiday": 'add cumbria 28/12/2026 31/12/2026 "Extra days"',
}
SEEDED_SECRETS = ("Smith", "John", "1985", PNC, "Mary", "Jones", "Team A", "Team B", "WM-DVPO", "WM-DAPO")


def test_every_subcommand_but_help_is_in_the_attempts() -> None:
    names = {sub.name for sub in build_router().subcommands}
    assert names - {"help"} == set(ATTEMPTS)


@pytest.mark.parametrize("name", sorted(ATTEMPTS))
def test_a_user_in_no_team_is_refused_every_subcommand_with_how_to_get_placed(
    slack: SlackDriver,  # noqa: F811
    ctx: ServiceContext,  # noqa: F811
    force: Force,
    casework: Seeded,
    name: str,
) -> None:
    before = row_counts(ctx.engine)
    slack.command(force.newcomer, f"{name} {ATTEMPTS[name]}".strip())

    [reply] = slack.sent()  # the one reply, and nothing else: no modal, no file, no DM
    assert reply.method == "response_url"
    text = reply_text(reply)
    assert say(PLACEMENT) in text and "/dvpn admin team add TEAM @you" in text
    assert not any(secret in text for secret in SEEDED_SECRETS)
    assert row_counts(ctx.engine) == before  # not even the first-contact row is kept


def test_help_still_answers_a_user_in_no_team(
    slack: SlackDriver,  # noqa: F811
    ctx: ServiceContext,  # noqa: F811
    force: Force,
    casework: Seeded,
) -> None:
    before = row_counts(ctx.engine)
    slack.command(force.newcomer, "help")
    [reply] = slack.sent()
    assert "/dvpn admin team add TEAM @you" in reply_text(reply)
    assert row_counts(ctx.engine) == before


@pytest.mark.parametrize(
    "action_id, value",
    [
        (ids.OPEN_RECORD, "WM-DVPN-2026-0001"),
        (ids.PERPETRATOR_PICK, PNC),
        (ids.POST_TO_CHANNEL, "WM-DVPN-2026-0001"),
        (ids.MORE_CASELOAD, '{"q": "{\\"everyone\\":true}", "offset": 0}'),
        (ids.MORE_RECORDS, '{"scope": "team", "offset": 0}'),
        (ids.BOOK_HEARING, "WM-DVPN-2026-0001"),
        (ids.NOTICE_FROM_INCIDENT, "WM-INC-2026-0001"),
    ],
)
def test_forged_buttons_from_a_user_in_no_team_are_refused(
    slack: SlackDriver,  # noqa: F811
    ctx: ServiceContext,  # noqa: F811
    force: Force,
    casework: Seeded,
    action_id: str,
    value: str,
) -> None:
    before = row_counts(ctx.engine)
    slack.press(force.newcomer, action_id, value)
    [reply] = slack.sent()
    assert reply.method == "response_url"
    text = reply_text(reply)
    assert say(PLACEMENT) in text
    assert not any(secret in text for secret in SEEDED_SECRETS)
    assert row_counts(ctx.engine) == before


def test_the_app_home_of_a_user_in_no_team_says_only_how_to_get_placed(
    slack: SlackDriver,  # noqa: F811
    ctx: ServiceContext,  # noqa: F811
    force: Force,
    casework: Seeded,
) -> None:
    before = row_counts(ctx.engine)
    slack.event({"type": "app_home_opened", "user": force.newcomer, "tab": "home"})
    [published] = slack.sent()
    assert published.method == "views.publish"
    text = blocks_text(published.view["blocks"])
    assert say(PLACEMENT) in text
    assert not any(secret in text for secret in SEEDED_SECRETS)
    assert row_counts(ctx.engine) == before
