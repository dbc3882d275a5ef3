"""/dvpn admin for teams: list them and their members, set a team's digest time and channel, and
deactivate a leaver, handing their open records, checks and reminders to a successor. Admins only;
every change audited. Through the real Bolt app."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from models import metadata
from rules.disclosure import Route
from rules.plans import ActionKind
from services.context import ServiceContext
from services.disclosures import requests
from services.disclosures.requests import NewRequest
from services.incidents import changes
from services.incidents.recording import NewIncident, record_incident
from services.people import plans
from services.records import recording as records
from services.records.order_writer import PersonInput
from tests.slack.test_admin import answer, user_row
from tests.support.database import audit_rows
from tests.support.force import Force, london
from tests.support.records import dvpn
from tests.support.slack_driver import SlackDriver


def rows(ctx: ServiceContext, table_name: str) -> list[dict[str, object]]:
    table = metadata.tables[table_name]
    with ctx.engine.connect() as connection:
        return [dict(r._mapping) for r in connection.execute(sa.select(table).order_by(table.c.id))]


def test_an_admin_lists_the_teams_and_a_teams_members(slack: SlackDriver, ctx: ServiceContext, force: Force) -> None:
    records.record(ctx, force.officer, dvpn())
    slack.command(force.admin, "admin teams")
    listed = answer(slack)
    assert "*Team A*: 3 members, supervised by <@USUPA>; digest at 07:00 to supervisors' DMs" in listed
    assert "*Team B*: 1 members, supervised by no supervisor" in listed

    slack.command(force.admin, "admin team members team a")
    members = answer(slack)
    assert "<@UOFFA1> · officer · 1 open records" in members
    assert "<@USUPA> · supervisor · 0 open records" in members
    assert "UOFFB1" not in members
    views = [r for r in audit_rows(ctx.engine) if r["action"] == "view" and r["entity_type"] == "team"]
    assert len(views) == 2  # both lists audited as views


def test_an_admin_sets_a_teams_digest_time_and_channel(slack: SlackDriver, ctx: ServiceContext, force: Force) -> None:
    slack.command(force.admin, "admin team digest Team A 07:45")
    assert "Team A's digest now goes out at 07:45." in answer(slack)
    slack.command(force.admin, "admin team channel Team A <#C0PPUA|ppu-a>")
    said = answer(slack)
    assert "Team A's digest now goes to <#C0PPUA>." in said
    assert "type `/invite @dvpn-bot` in that channel" in said
    [team] = [t for t in rows(ctx, "team") if t["name"] == "Team A"]
    assert (str(team["digest_time"])[:5], team["digest_channel"]) == ("07:45", "C0PPUA")

    slack.command(force.admin, "admin team channel Team A dm")
    assert "Team A's digest now goes to its supervisors by DM." in answer(slack)
    [team] = [t for t in rows(ctx, "team") if t["name"] == "Team A"]
    assert team["digest_channel"] is None
    changes = [r for r in audit_rows(ctx.engine) if r["entity_type"] == "team" and r["action"] == "update"]
    assert len(changes) == 3


def test_a_bad_time_or_a_non_admin_changes_nothing(slack: SlackDriver, ctx: ServiceContext, force: Force) -> None:
    before = rows(ctx, "team")
    slack.command(force.admin, "admin team digest Team A 25:00")
    assert "Give the time as HH:MM (UK time)" in answer(slack)
    slack.command(force.supervisor, "admin team digest Team A 06:00")
    assert "Only admins can set a team's digest." in answer(slack)
    slack.command(force.supervisor, "admin teams")
    assert "Only admins can list teams." in answer(slack)
    assert rows(ctx, "team") == before


def test_deactivating_a_leaver_hands_their_records_to_a_successor(
    slack: SlackDriver, ctx: ServiceContext, force: Force
) -> None:
    ref = records.record(ctx, force.officer, dvpn()).reference
    mine = [r for r in rows(ctx, "reminder") if r["state"] == "pending"]
    leaver_id = user_row(ctx, force.officer)["id"]
    assert any(r["recipient_id"] == leaver_id for r in mine)

    slack.command(force.admin, f"admin deactivate <@{force.officer}> <@{force.colleague}>")

    said = answer(slack)
    assert f"<@UOFFA1> is deactivated. To <@UOFFA2>: {ref};" in said
    assert user_row(ctx, force.officer)["active"] is False
    colleague_id = user_row(ctx, force.colleague)["id"]
    [order] = rows(ctx, "protection_order")
    assert order["officer_id"] == colleague_id
    waiting = [r for r in rows(ctx, "reminder") if r["state"] == "pending"]
    assert waiting and not any(r["recipient_id"] == leaver_id for r in waiting)
    assert all(c["assigned_to_id"] == colleague_id for c in rows(ctx, "breach_check") if c["done_at"] is None)
    audited = {(r["entity_type"], r["action"]) for r in audit_rows(ctx.engine)}
    assert {("protection_order", "update"), ("app_user", "update")} <= audited

    slack.command(force.officer, f"show {ref}")  # the leaver can no longer use the bot
    assert "Your dvpn-bot access has been withdrawn." in answer(slack)


def test_deactivating_a_leaver_hands_on_their_casework_and_says_how_much(
    slack: SlackDriver, ctx: ServiceContext, force: Force
) -> None:
    ref = records.record(ctx, force.officer, dvpn()).reference
    reported = london("2026-04-02 20:00")
    victim, suspect = PersonInput("Sam Sample"), PersonInput("Alex Example")
    record_incident(ctx, force.officer, NewIncident(reported, victim, suspect))
    theirs = record_incident(ctx, force.colleague, NewIncident(reported, victim, suspect, dash_yes=14))
    changes.record_referral(ctx, force.colleague, theirs)
    changes.add_action(ctx, force.colleague, theirs, "safety plan visit", force.officer, reported + timedelta(days=5))
    asked = NewRequest(Route.ASK, PersonInput("Dana Whitlock"), PersonInput("Gareth Pellow"), reported)
    requests.new_request(ctx, force.officer, asked)
    plans.adopt(ctx, force.supervisor, ref)
    plans.add_action(ctx, force.officer, ref, ActionKind.DISRUPT, force.officer, reported + timedelta(days=9), "bail")

    slack.command(force.admin, f"admin deactivate <@{force.officer}> <@{force.colleague}>")

    assert (
        f"<@UOFFA1> is deactivated. To <@UOFFA2>: {ref}; 1 open incident, 1 Clare's Law request, "
        "1 MARAC action, 1 plan action and 0 plan reviews; 1 breach check and 18 reminders still to go out."
    ) in answer(slack)
    leaver = user_row(ctx, force.officer)["id"]
    assert [i["officer_id"] for i in rows(ctx, "incident")] == [user_row(ctx, force.colleague)["id"]] * 2
    live = [r for r in rows(ctx, "reminder") if r["state"] in ("pending", "claimed")]
    assert live and not any(r["recipient_id"] == leaver for r in live)


def test_a_leaving_supervisor_s_team_is_named_with_the_command_that_gives_it_one(
    slack: SlackDriver, ctx: ServiceContext, force: Force
) -> None:
    slack.command(force.admin, f"admin deactivate <@{force.supervisor}> <@{force.colleague}>")
    said = answer(slack)
    assert "Team A has no supervisor now: name one with `/dvpn admin team supervisor Team A @user`." in said

    slack.command(force.admin, f"admin role <@{force.colleague}> supervisor")
    slack.command(force.admin, f"admin team supervisor Team A <@{force.colleague}>")  # the command it named
    assert "<@UOFFA2> now supervises Team A." in answer(slack)


def test_only_an_admin_deactivates_and_a_refusal_sends_nothing_and_changes_nothing(
    slack: SlackDriver, ctx: ServiceContext, force: Force
) -> None:
    record_incident(ctx, force.officer, NewIncident(london("2026-04-02 20:00"), PersonInput("S"), PersonInput("A")))
    tables = ("app_user", "incident", "reminder", "team_supervisor", "audit_event")
    before = {t: rows(ctx, t) if t != "team_supervisor" else _supervisors(ctx) for t in tables}
    sent = len(slack.sent())

    slack.command(force.supervisor, f"admin deactivate <@{force.officer}> <@{force.supervisor}>")

    assert "Only admins can deactivate users." in answer(slack)
    assert [c.method for c in slack.sent()[sent:]] == ["response_url"]  # the refusal, to them alone
    assert {t: rows(ctx, t) if t != "team_supervisor" else _supervisors(ctx) for t in tables} == before


def _supervisors(ctx: ServiceContext) -> list[tuple[object, ...]]:
    table = metadata.tables["team_supervisor"]
    with ctx.engine.connect() as connection:
        return [tuple(r) for r in connection.execute(sa.select(table).order_by(table.c.team_id, table.c.user_id))]


def test_a_leaver_cannot_hand_on_to_someone_unplaced_and_nothing_changes(
    slack: SlackDriver, ctx: ServiceContext, force: Force
) -> None:
    records.record(ctx, force.officer, dvpn())
    before = rows(ctx, "protection_order")
    slack.command(force.admin, f"admin deactivate <@{force.officer}> <@{force.newcomer}>")
    assert "The successor must be an active dvpn-bot user placed in a team." in answer(slack)
    assert rows(ctx, "protection_order") == before and user_row(ctx, force.officer)["active"] is True
