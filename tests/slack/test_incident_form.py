"""The incident form and a notice recorded from an incident, through the real Bolt app: the form
opens from `/dvpn incident new`, saves through the service the typed command uses, answers bad
input inline on its field writing nothing; a notice from an incident takes the incident's people
(the same rows) and meets its "DVPN/DAPN considered" clock, and each card names the other."""

from __future__ import annotations

import json
from typing import Any

import pytest
import sqlalchemy as sa

from blocks import actions as ids
from models import metadata
from services.context import ServiceContext
from tests.support.database import row_counts
from tests.support.force import Force, london
from tests.support.slack_driver import CHANNEL, SlackDriver, ack_body, action_ids, reply_text

INCIDENT = "WM-INC-2026-0001"
ANSWERS: dict[str, Any] = {
    "reported_at": "today 19:30",
    "victim_name": "Sam Sample",
    "victim_dob": "1991-05-04",
    "suspect_name": "Alex Example",
    "suspect_pnc": "12/345678U",
    "child_1_name": "Kit Sample",
    "child_1_school": "Oak Primary",
    "child_1_area": "Cumbria",
    "child_2_name": "Lou Sample",
    "child_2_school": "Elm Academy",
    "child_2_area": "cumbria",
    "child_2_linked": True,
    "dash_yes": "15",
    "dash_at": "today 20:30",
    "crime_disclosed": True,
}
PRIVATE = ("Sam", "Alex", "Kit", "Lou", "Oak Primary", "Elm Academy", "12/345678U")


def rows(ctx: ServiceContext, table: str) -> list[dict[str, Any]]:
    with ctx.engine.connect() as connection:
        return [dict(r._mapping) for r in connection.execute(sa.select(metadata.tables[table]))]


def inputs(view: dict[str, Any]) -> list[str]:
    return [b["block_id"] for b in view["blocks"] if b["type"] == "input"]


def errors_of(response: Any) -> dict[str, str]:
    body = ack_body(response)
    assert body.get("response_action") == "errors", body
    return dict(body["errors"])


def open_incident_form(slack: SlackDriver, user: str) -> dict[str, Any]:
    slack.command(user, "incident new")
    return slack.opened_view()


def test_the_form_opens_with_the_fields_the_typed_command_takes(slack: SlackDriver, force: Force) -> None:
    form = open_incident_form(slack, force.officer)
    assert form["callback_id"] == ids.INCIDENT_FORM
    fields = inputs(form)
    assert fields[:4] == ["reported_at", "victim_name", "victim_dob", "victim_address"]
    assert {"suspect_name", "suspect_pnc", "child_1_name", "child_1_school", "child_1_area", "child_3_linked"} <= set(
        fields
    )
    assert {"dash_yes", "dash_judgement", "dash_at", "crime_disclosed", "crime_reference", "officer"} <= set(fields)
    assert json.loads(form["private_metadata"]) == {"channel": CHANNEL}
    assert slack.replies() == []  # the form is the answer: nothing posted


def test_the_new_incident_shortcut_opens_the_form_and_the_card_comes_by_dm(
    slack: SlackDriver, ctx: ServiceContext, force: Force
) -> None:
    slack.shortcut(force.officer, ids.NEW_INCIDENT_SHORTCUT)
    form = slack.opened_view()
    assert form["callback_id"] == ids.INCIDENT_FORM and json.loads(form["private_metadata"]) == {}
    assert ack_body(slack.submit(force.officer, form, ANSWERS)) == {}
    [dm] = slack.api.calls("chat.postMessage")
    assert dm["channel"] == force.officer and f"Incident {INCIDENT} recorded." in reply_text(dm)
    before = row_counts(ctx.engine)
    slack.shortcut(force.champion, ids.NEW_INCIDENT_SHORTCUT)  # refused before the form opens
    assert len(slack.api.calls("views.open")) == 1
    assert "record incidents" in reply_text(slack.api.calls("chat.postMessage")[-1])
    assert row_counts(ctx.engine) == before


def test_a_valid_form_records_the_incident_with_its_clocks(
    slack: SlackDriver, ctx: ServiceContext, force: Force
) -> None:
    form = open_incident_form(slack, force.officer)
    response = slack.submit(force.officer, form, {**ANSWERS, "officer": force.colleague})

    assert ack_body(response) == {}  # closes the modal
    [confirmation] = slack.api.calls("chat.postEphemeral")
    assert confirmation["channel"] == CHANNEL and confirmation["user"] == force.officer
    text = reply_text(confirmation)
    assert f"Incident {INCIDENT} recorded." in text
    assert "victim SS" in text and "suspect AE" in text and "risk: high" in text
    assert "*Child 1* (KS, present)" in text and "*Child 2* (LS, linked)" in text
    assert not any(private in text for private in PRIVATE)
    [incident] = rows(ctx, "incident")
    assert incident["reported_at"] == london("2026-04-02 19:30")
    assert incident["dash_yes"] == 15 and incident["dash_at"] == london("2026-04-02 20:30")
    assert incident["crime_disclosed"] is True and incident["crime_reference"] is None
    [colleague] = [u for u in rows(ctx, "app_user") if u["slack_user_id"] == force.colleague]
    assert incident["officer_id"] == colleague["id"]  # the officer in charge chosen on the form
    children = sorted(rows(ctx, "incident_child"), key=lambda c: c["number"])
    assert [(c["school_area"], c["present"]) for c in children] == [("cumbria", True), ("cumbria", False)]
    [victim] = rows(ctx, "protected_person")
    assert victim["full_name"] == "Sam Sample" and str(victim["date_of_birth"]) == "1991-05-04"
    assert slack.api.calls("chat.postMessage") == []  # nothing posted to a channel


@pytest.mark.parametrize(
    "changes, block, message",
    [
        ({"reported_at": "tomorrow 10:00"}, "reported_at", "future"),
        ({"reported_at": "blah"}, "reported_at", "Could not read 'blah'"),
        ({"reported_at": "29/3/2026 01:30"}, "reported_at", "does not exist in UK time"),
        ({"reported_at": "25/3/2026 19:30"}, "reported_at", "more than 48 hours before now"),
        ({"child_1_school": None}, "child_1_school", "Child 1: give the school."),
        ({"child_2_area": None}, "child_2_area", "Child 2: give the school's local authority."),
        ({"dash_at": "today 18:00"}, "dash_at", "between the report and now"),
        ({"dash_yes": None}, "dash_yes", "number of yes answers"),
        ({"suspect_pnc": "not a pnc"}, "suspect_pnc", "PNC"),
        ({"crime_reference": "x" * 30}, "crime_reference", "crime reference"),
    ],
    ids=[
        "future",
        "unreadable",
        "clocks-forward",
        "long-ago",
        "no-school",
        "no-area",
        "dash-early",
        "dash-no-count",
        "bad-pnc",
        "bad-crime",
    ],
)
def test_bad_answers_come_back_on_their_field_and_nothing_is_written(
    slack: SlackDriver, ctx: ServiceContext, force: Force, changes: dict[str, Any], block: str, message: str
) -> None:
    form = open_incident_form(slack, force.officer)
    before = row_counts(ctx.engine)
    errors = errors_of(slack.submit(force.officer, form, {**ANSWERS, **changes}))
    assert block in errors, errors
    assert message.lower() in errors[block].lower(), errors[block]
    assert row_counts(ctx.engine) == before
    assert slack.api.calls("chat.postEphemeral") == []


def test_a_report_long_ago_is_saved_once_confirmed(slack: SlackDriver, ctx: ServiceContext, force: Force) -> None:
    form = open_incident_form(slack, force.officer)
    answers = {**ANSWERS, "reported_at": "25/3/2026 19:30 confirmed", "dash_at": None, "dash_yes": None}
    assert ack_body(slack.submit(force.officer, form, answers)) == {}
    [incident] = rows(ctx, "incident")
    assert incident["reported_at"] == london("2026-03-25 19:30")


def test_an_officer_of_another_team_cannot_be_made_officer_in_charge(
    slack: SlackDriver, ctx: ServiceContext, force: Force
) -> None:
    form = open_incident_form(slack, force.officer)
    before = row_counts(ctx.engine)
    errors = errors_of(slack.submit(force.officer, form, {**ANSWERS, "officer": force.other_officer}))
    assert "your own team" in " ".join(errors.values())
    assert row_counts(ctx.engine) == before


def test_a_champion_is_refused_the_form_writing_nothing(slack: SlackDriver, ctx: ServiceContext, force: Force) -> None:
    form = open_incident_form(slack, force.officer)  # a form a champion could not open, forged
    before = row_counts(ctx.engine)
    errors = errors_of(slack.submit(force.champion, form, ANSWERS))
    assert "record incidents" in " ".join(errors.values())
    assert row_counts(ctx.engine) == before


# -- a notice from an incident -------------------------------------------------------------------------


NOTICE = {
    "order_type": "DVPN",
    "served_at": "2/4/2026 20:45",
    "authoriser_name": "Supt Example",
    "authoriser_rank": "superintendent",
}


def _recorded_incident(slack: SlackDriver, force: Force) -> None:
    slack.command(force.officer, 'incident new victim "Sam Sample" suspect "Alex Example" at today 19:30')
    assert f"Incident {INCIDENT} recorded." in reply_text(slack.last_reply())


def test_a_notice_typed_from_an_incident_takes_its_people_and_meets_its_clock(
    slack: SlackDriver, ctx: ServiceContext, force: Force
) -> None:
    _recorded_incident(slack, force)
    considered = [r for r in rows(ctx, "reminder") if "considered" in r["kind"] and r["cancelled_at"] is None]
    assert considered, "the DVPN/DAPN-considered clock is reminded"

    slack.command(force.officer, "new DVPN from INC-2026-0001")  # without the force's prefix
    form = slack.opened_view()
    assert json.loads(form["private_metadata"]) == {"channel": CHANNEL, "inc": INCIDENT}
    assert "perpetrator_name" not in inputs(form) and "protected_name" not in inputs(form)
    assert f"From incident *{INCIDENT}*" in json.dumps(form["blocks"])
    assert ack_body(slack.submit(force.officer, form, NOTICE)) == {}

    [order] = rows(ctx, "protection_order")
    [incident] = rows(ctx, "incident")
    assert order["incident_id"] == incident["id"]
    assert order["perpetrator_id"] == incident["suspect_id"]  # the same row, not a copy
    assert [p["person_id"] for p in rows(ctx, "order_protected_person")] == [incident["victim_id"]]
    assert len(rows(ctx, "perpetrator")) == 1 and len(rows(ctx, "protected_person")) == 1
    assert incident["notice_considered"] is True
    assert all(r["cancelled_at"] is not None for r in rows(ctx, "reminder") if "considered" in r["kind"])

    slack.command(force.officer, "show 0001")  # the notice, by its short reference
    assert f"*From incident*\n{INCIDENT}" in reply_text(slack.last_reply())
    slack.command(force.officer, f"show {INCIDENT}")
    card = reply_text(slack.last_reply())
    assert "Notices and orders from it: WM-DVPN-2026-0001" in card
    assert "DVPN/DAPN considered: yes" in card
    assert slack.api.calls("chat.postMessage") == []


def test_the_incident_cards_button_opens_the_record_form_for_that_incident(
    slack: SlackDriver, ctx: ServiceContext, force: Force
) -> None:
    _recorded_incident(slack, force)
    assert ids.NOTICE_FROM_INCIDENT in action_ids(slack.last_reply().blocks)
    slack.press(force.officer, ids.NOTICE_FROM_INCIDENT, INCIDENT)
    picker = slack.opened_view()
    assert json.loads(picker["private_metadata"])["inc"] == INCIDENT
    slack.choose(force.officer, picker, "order_type", "record_form_order_type", "DVPN")
    form = slack.api.view(picker["id"])
    assert json.loads(form["private_metadata"])["inc"] == INCIDENT  # kept when the type redraws the form
    assert ack_body(slack.submit(force.officer, form, NOTICE)) == {}
    [order] = rows(ctx, "protection_order")
    assert order["incident_id"] is not None


def test_another_teams_officer_cannot_record_from_the_incident(
    slack: SlackDriver, ctx: ServiceContext, force: Force
) -> None:
    _recorded_incident(slack, force)
    before = row_counts(ctx.engine)
    slack.command(force.other_officer, f"new DVPN from {INCIDENT}")
    assert "belongs to another team" in reply_text(slack.last_reply())
    slack.press(force.other_officer, ids.NOTICE_FROM_INCIDENT, INCIDENT)
    assert [c for c in slack.api.calls() if c.method == "views.open"] == []
    assert row_counts(ctx.engine) == before
    slack.command(force.officer, "new DVPN from INC-2026-0099")
    assert "No incident has the reference" in reply_text(slack.last_reply())
