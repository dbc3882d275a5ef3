"""/dvpn help lists what the user's role can do, grouped, an example for each group; `/dvpn help
COMMAND` explains one. The router table generates both (handlers/command.py)."""

from __future__ import annotations

import re

from handlers.command import ROUTER
from services.context import ServiceContext
from tests.support.force import Force
from tests.support.phone import phone_lines
from tests.support.slack_driver import SlackDriver, reply_text


def commands_listed(text: str) -> set[str]:
    return {m for m in re.findall(r"`([a-z]+)`", text) if ROUTER.find(m) is not None}


def test_help_differs_by_role_and_lists_only_what_each_can_do(
    slack: SlackDriver, ctx: ServiceContext, force: Force
) -> None:
    users = {"officer": force.officer, "supervisor": force.supervisor, "champion": force.champion, "admin": force.admin}
    shown = {}
    for role, user in users.items():
        slack.command(user, "help")
        reply = slack.last_reply()
        shown[role] = commands_listed(reply_text(reply))
        print(f"help for the {role}: {phone_lines(reply.blocks)} phone lines, {len(shown[role])} commands")
    updates = {"hearing", "granted", "breach", "check", "close", "edit"}
    look_up = {"show", "list", "search", "perpetrator", "caseload", "deadline", "stats"}
    assert updates | look_up | {"new"} <= shown["officer"]
    assert not {"admin", "export", "audit", "digest", "identity"} & shown["officer"]
    assert {"digest", "audit", "export", "identity"} <= shown["supervisor"] and "admin" not in shown["supervisor"]
    assert shown["champion"] == look_up | {"clare", "marac"}  # champions read; they change no record
    assert "admin" in shown["admin"] and not updates & shown["admin"]
    assert len({frozenset(s) for s in shown.values()}) == 4
    slack.command(force.officer, "help")
    text = reply_text(slack.last_reply())
    for group in ("*Record:*", "*Update:*", "*Look up:*"):
        assert group in text
    assert "*Supervise:*" not in text and "*Admin:*" not in text
    assert "e.g. `/dvpn hearing 0042 tomorrow 10:00 at Birmingham Magistrates`" in text


def test_help_for_one_command_gives_its_usage_an_example_and_who_may_use_it(slack: SlackDriver, force: Force) -> None:
    slack.command(force.officer, "help hearing")
    text = reply_text(slack.last_reply())
    assert "`/dvpn hearing REF WHEN [at COURT]`" in text
    assert "e.g. `/dvpn hearing 0042 tomorrow 10:00" in text
    assert "For officers and supervisors." in text
    slack.command(force.officer, "help hearign")
    assert "Did you mean `/dvpn hearing`?" in reply_text(slack.last_reply())


def test_someone_not_met_yet_gets_an_officers_help_and_nothing_is_written(
    slack: SlackDriver, ctx: ServiceContext, force: Force
) -> None:
    from tests.support.database import row_counts

    before = row_counts(ctx.engine)
    slack.command("USTRANGER", "help")
    assert "`new`" in reply_text(slack.last_reply())
    assert row_counts(ctx.engine) == before
