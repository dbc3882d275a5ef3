"""/dvpn admin: roles, ranks and teams, for admins only; every change audited."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from models import metadata
from services.context import ServiceContext
from tests.support.database import audit_rows, row_counts
from tests.support.force import Force
from tests.support.slack_driver import SlackDriver, reply_text


def user_row(ctx: ServiceContext, slack_id: str) -> dict[str, object]:
    table = metadata.tables["app_user"]
    with ctx.engine.connect() as connection:
        return dict(connection.execute(sa.select(table).where(table.c.slack_user_id == slack_id)).one()._mapping)


def answer(slack: SlackDriver) -> str:
    calls = slack.sent()
    assert [c.method for c in calls][-1] == "response_url"
    assert calls[-1]["response_type"] == "ephemeral"
    return reply_text(calls[-1])


def test_an_admin_sets_a_role_by_mention(slack: SlackDriver, ctx: ServiceContext, force: Force) -> None:
    changes = len(audit_rows(ctx.engine))
    slack.command(force.admin, "admin role <@UNEW|new.person> supervisor")

    assert "<@UNEW> is now supervisor." in answer(slack)
    assert "Recorded in the audit trail." in answer(slack)
    assert user_row(ctx, "UNEW")["role"] == "supervisor"
    assert len(audit_rows(ctx.engine)) > changes


def test_an_admin_sets_a_rank(slack: SlackDriver, ctx: ServiceContext, force: Force) -> None:
    slack.command(force.admin, "admin rank <@UOFFA1> detective sergeant")
    assert "<@UOFFA1> is now recorded as" in answer(slack)
    assert user_row(ctx, "UOFFA1")["rank"] == "sergeant"


def test_an_admin_creates_a_team_with_a_digest_channel(slack: SlackDriver, ctx: ServiceContext, force: Force) -> None:
    slack.command(force.admin, "admin team create PPU North <#C0PPUNORTH|ppu-north>")
    assert "Team PPU North created. Its digest goes to <#C0PPUNORTH>." in answer(slack)
    slack.command(force.admin, "admin team create Night Shift")
    assert "Team Night Shift created. Its digest goes to its supervisors by DM." in answer(slack)
    teams = metadata.tables["team"]
    with ctx.engine.connect() as connection:
        found = dict(connection.execute(sa.select(teams.c.name, teams.c.digest_channel)).all())
    assert found["PPU North"] == "C0PPUNORTH"
    assert found["Night Shift"] is None


def test_an_admin_places_people_and_supervisors(slack: SlackDriver, ctx: ServiceContext, force: Force) -> None:
    slack.command(force.admin, "admin team add Team B <@UNEW>")
    assert "<@UNEW> is now in Team B." in answer(slack)
    slack.command(force.admin, "admin role <@UOFFA2> supervisor")
    slack.command(force.admin, "admin team supervisor Team B <@UOFFA2>")
    assert "<@UOFFA2> now supervises Team B." in answer(slack)


def test_supervising_needs_the_supervisor_role_first(slack: SlackDriver, ctx: ServiceContext, force: Force) -> None:
    before = row_counts(ctx.engine)
    slack.command(force.admin, "admin team supervisor Team B <@UOFFA1>")
    assert "Make them a supervisor first: /dvpn admin role @user supervisor." in answer(slack)
    assert row_counts(ctx.engine) == before


@pytest.mark.parametrize(
    "text, message",
    [
        ("admin role <@UNEW> supervisor", "Only admins can change roles. Your role is officer."),
        ("admin rank <@UNEW> sergeant", "Only admins can set ranks. Your role is officer."),
        ("admin team create Rogue", "Only admins can create teams. Your role is officer."),
        ("admin team add Team A <@UNEW>", "Only admins can place people in teams. Your role is officer."),
    ],
)
def test_an_officer_is_refused_admin_with_the_reason(
    slack: SlackDriver, ctx: ServiceContext, force: Force, text: str, message: str
) -> None:
    before = row_counts(ctx.engine)
    slack.command(force.officer, text)
    assert message in answer(slack)
    assert row_counts(ctx.engine) == before


@pytest.mark.parametrize(
    "text, message",
    [
        ("admin", "Usage: `/dvpn admin role @user"),
        ("admin role <@UNEW> emperor", "Roles are: officer, supervisor, champion, admin."),
        ("admin rank <@UNEW> wizard", "'wizard' is not a police rank"),
        ("admin role nobody supervisor", "'nobody' is not a Slack user: mention them"),
        ("admin team add Team Z <@UNEW>", "No team is called 'Team Z'. Teams: Team A, Team B."),
        ("admin team create Team A", "There is already a team called Team A."),
        ("admin team create Late <#bad>", "is not a channel"),
        ("admin frobnicate", "Usage: `/dvpn admin role @user"),
        ("admin role <@UADMIN> officer", "That would leave no admin."),
    ],
)
def test_bad_admin_commands_say_what_to_type(
    slack: SlackDriver, ctx: ServiceContext, force: Force, text: str, message: str
) -> None:
    before = row_counts(ctx.engine)
    slack.command(force.admin, text)
    assert message in answer(slack)
    assert row_counts(ctx.engine) == before
