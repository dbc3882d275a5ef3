"""Each role's real work on incidents, MARAC, Operation Encompass, Clare's Law and perpetrator
plans, walked through the real Bolt app (signed requests) against the local Slack stand-in. Every
answer is checked for what the user needs to read, and every test ends by checking that nothing
was posted to a channel and that no answer carried a name, a school or a typed reason."""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa

from blocks import actions as ids
from models import metadata
from services.context import ServiceContext
from tests.support.database import row_counts
from tests.support.force import Force, london
from tests.support.slack_driver import SlackDriver, ack_body, reply_text

INC = "WM-INC-2026-0001"
VICTIM, SUSPECT, CHILD, SCHOOL = "Sam Sample", "Alex Example", "Kit Sample", "Oak Primary"
PRIVATE = ("Sam", "Alex", "Kit", "Oak Primary", "Dana", "Gareth", "in custody", "previous violence")
TYPED_INCIDENT = (
    f'incident new victim "{VICTIM}" suspect "{SUSPECT}" at today 19:00 dash 16 '
    f'child "{CHILD}" school "{SCHOOL}" area cumbria'
)


def rows(ctx: ServiceContext, table: str) -> list[dict[str, Any]]:
    with ctx.engine.connect() as connection:
        return [dict(r._mapping) for r in connection.execute(sa.select(metadata.tables[table]))]


def say(slack: SlackDriver, user: str, text: str) -> str:
    slack.command(user, text)
    reply = slack.last_reply()
    assert reply.get("response_type") == "ephemeral", (text, reply.args)  # the user's alone
    return reply_text(reply)


def nothing_leaked(slack: SlackDriver) -> None:
    """No message in a channel; every answer the asker's alone; and no incident's answer holding a
    name, school or typed reason (a Clare's Law card shows its names to its own officer, by design)."""
    channel_posts = [c for c in slack.api.calls("chat.postMessage") if str(c.get("channel", "")).startswith("C")]
    assert channel_posts == []
    assert all(c.get("response_type") == "ephemeral" for c in slack.replies())
    answers = [c for c in slack.sent() if c.method in ("response_url", "chat.postEphemeral", "chat.postMessage")]
    for answer in answers:
        text = reply_text(answer)
        if "Incident WM-INC" in text or "MARAC" in text:
            assert not any(private in text for private in PRIVATE), text


def test_an_officer_records_an_incident_on_the_form_and_works_it_through(
    slack: SlackDriver, ctx: ServiceContext, force: Force
) -> None:
    slack.command(force.officer, "incident new")
    form = slack.opened_view()
    answers = {
        "reported_at": "today 19:00",
        "victim_name": VICTIM,
        "suspect_name": SUSPECT,
        "child_1_name": CHILD,
        "child_1_school": SCHOOL,
        "child_1_area": "cumbria",
        "dash_yes": "16",
        "crime_disclosed": True,
    }
    assert ack_body(slack.submit(force.officer, form, answers)) == {}
    [card] = slack.api.calls("chat.postEphemeral")
    text = reply_text(card)
    assert f"Incident {INC} recorded." in text and "MARAC referral due" in text
    assert "*Child 1* (KS, present): school *not told*, due Mon 13 Apr 2026 08:30 BST" in text  # Easter holidays

    assert "MARAC referral recorded" in say(slack, force.officer, f"marac {INC} referred")
    assert "MARAC meeting recorded" in say(slack, force.officer, f"marac {INC} meeting 9/4/2026 10:00")
    said = say(
        slack, force.officer, f'marac {INC} action "safety plan review" owner <@{force.colleague}> due 10/4/2026 12:00'
    )
    assert "MARAC action 1 recorded" in said and f"owner <@{force.colleague}>" in said
    assert "School of child 1 told" in say(slack, force.officer, f"encompass {INC} told 1")
    assert "crime reference added" in say(slack, force.officer, f"incident {INC} crime 22/123456/26").lower()

    slack.command(force.officer, "new DVPN from INC-2026-0001")
    notice_form = slack.opened_view()
    notice = {
        "order_type": "DVPN",
        "served_at": "today 20:30",
        "authoriser_name": "Supt Example",
        "authoriser_rank": "superintendent",
    }
    assert ack_body(slack.submit(force.officer, notice_form, notice)) == {}
    assert "WM-DVPN-2026-0001 recorded." in reply_text(slack.api.calls("chat.postEphemeral")[-1])
    card_text = say(slack, force.officer, f"show {INC}")
    assert "Notices and orders from it: WM-DVPN-2026-0001" in card_text and "DVPN/DAPN considered: yes" in card_text

    said = say(slack, force.officer, "perpetrator WM-DVPN-2026-0001 plan adopt")
    assert "plan" in said.lower()
    said = say(
        slack,
        force.officer,
        f'perpetrator WM-DVPN-2026-0001 plan action divert <@{force.officer}> 1/6/2026 "perpetrator programme"',
    )
    assert "divert" in said.lower()

    said = say(slack, force.officer, 'clare new ask "Dana Whitlock" "Gareth Pellow"')
    [request] = rows(ctx, "disclosure_request")
    ref = request["reference"]
    assert ref in said
    assert "checks recorded" in say(slack, force.officer, f"clare {ref} checks")
    say(slack, force.officer, f'clare {ref} decide disclose "previous violence to a partner"')
    say(slack, force.officer, f'clare {ref} disclosed to "the person at risk"')
    [request] = rows(ctx, "disclosure_request")
    assert request["disclosed_at"] is not None and request["decision"] == "disclose"

    [incident] = rows(ctx, "incident")
    [order] = rows(ctx, "protection_order")
    assert order["incident_id"] == incident["id"] and order["perpetrator_id"] == incident["suspect_id"]
    nothing_leaked(slack)


def test_a_supervisor_finds_what_is_due_and_acts_for_the_team(
    slack: SlackDriver, ctx: ServiceContext, force: Force
) -> None:
    slack.command(force.officer, TYPED_INCIDENT)
    due = say(slack, force.supervisor, "marac due")
    assert INC in due and "victim SS" in due and "high risk (DASH)" in due
    card = say(slack, force.supervisor, f"show {INC}")
    assert "Clocks running" in card and ids.NOTICE_FROM_INCIDENT in json.dumps(slack.last_reply().blocks)
    said = say(slack, force.supervisor, f'incident {INC} considered no "suspect in custody"')
    assert "DVPN/DAPN decision recorded" in said and "no (reason on record)" in said
    assert "Attendance recorded" in say(slack, force.supervisor, f"incident {INC} attended")
    assert "MARAC referral recorded" in say(slack, force.supervisor, f"marac {INC} referred")
    assert INC not in say(slack, force.supervisor, "marac due")  # referred: no longer due

    slack.command(force.supervisor, "new DVPN from INC-2026-0001")
    assert slack.opened_view()["callback_id"] == "record_form"  # a supervisor may record from it too
    assert "Requests" in say(slack, force.supervisor, "clare stats") or "request" in slack.last_reply().text.lower()
    nothing_leaked(slack)


def test_a_champion_reads_across_the_force_and_changes_nothing(
    slack: SlackDriver, ctx: ServiceContext, force: Force
) -> None:
    slack.command(force.officer, TYPED_INCIDENT)
    slack.command(force.other_officer, 'clare new know "Dana Whitlock" "Gareth Pellow" received 10/3/2026 14:00')
    before = row_counts(ctx.engine)

    due = say(slack, force.champion, "marac due")
    assert INC in due and "victim SS" in due  # the force's list, initials only
    card = say(slack, force.champion, f"show {INC}")
    assert f"Incident {INC}" in card and ids.NOTICE_FROM_INCIDENT not in json.dumps(slack.last_reply().blocks)
    for typed in (f"incident {INC} attended", f"marac {INC} referred", f"encompass {INC} told 1"):
        refused = say(slack, force.champion, typed)
        assert refused.lstrip().startswith(":warning:") or "cannot" in refused, (typed, refused)
    opened_before = len(slack.api.calls("views.open"))
    refused = say(slack, force.champion, "incident new")
    assert "record incidents" in refused and len(slack.api.calls("views.open")) == opened_before
    assert "not change them" in say(slack, force.champion, f"new DVPN from {INC}")
    stats = say(slack, force.champion, "clare stats")
    assert "1" in stats
    say(slack, force.champion, "perpetrator top")
    assert row_counts(ctx.engine)["incident"] == before["incident"]
    # Reading is audited; nothing else is written but the priority list's tallies, which the list makes
    # current from the records before it is read (services.people.priority_tallies).
    derived = {"audit_event", *(t for t in before if t.startswith("priority_"))}
    assert {k: v for k, v in row_counts(ctx.engine).items() if k not in derived} == {
        k: v for k, v in before.items() if k not in derived
    }
    nothing_leaked(slack)


def test_an_admin_keeps_the_school_calendar_and_the_deadlines_follow(
    slack: SlackDriver, ctx: ServiceContext, force: Force
) -> None:
    slack.command(force.officer, TYPED_INCIDENT.replace("area cumbria", "area westshire"))
    [child] = rows(ctx, "incident_child")
    assert child["due_at"] == london("2026-04-07 08:30")  # Good Friday and Easter Monday are bank holidays

    worked = say(slack, force.admin, "deadline encompass 2/4/2026 19:00 in westshire")
    assert "Tue 07 Apr 2026 08:30 BST" in worked
    said = say(slack, force.admin, 'admin school-holiday add westshire 7/4/2026 17/4/2026 "Easter holidays"')
    assert "Easter holidays (westshire, Tue 07 Apr 2026 to Fri 17 Apr 2026) added." in said and INC in said
    assert "Mon 20 Apr 2026 08:30 BST" in say(slack, force.admin, "deadline encompass 2/4/2026 19:00 in westshire")
    [child] = rows(ctx, "incident_child")
    assert child["due_at"] == london("2026-04-20 08:30")
    assert "Easter holidays (added by <@UADMIN>)" in say(slack, force.admin, "school-holiday list westshire")

    before = row_counts(ctx.engine)
    refused = say(slack, force.admin, TYPED_INCIDENT)
    assert "record incidents" in refused
    assert "add a school holiday" in say(
        slack, force.officer, 'admin school-holiday add westshire 1/6/2026 5/6/2026 "Half term"'
    )
    assert row_counts(ctx.engine) == before
    nothing_leaked(slack)
