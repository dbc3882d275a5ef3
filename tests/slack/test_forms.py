"""The forms: the record form whose fields follow the order type, and the hearing, outcome, breach,
check, notification and close forms opened from a record card. Valid answers close the modal and
confirm; invalid ones come back inline on their field, and nothing is written."""

from __future__ import annotations

import json
from typing import Any

import pytest

from services.context import ServiceContext
from services.records import hearings
from tests.support.database import row_counts
from tests.support.force import Force, london
from tests.support.records import DVPN_ANSWERS, PERPETRATOR, dapo, record
from tests.support.slack_driver import CHANNEL, SlackDriver, ack_body, open_record_form, reply_text


def inputs(view: dict[str, Any]) -> list[str]:
    return [b["block_id"] for b in view["blocks"] if b["type"] == "input"]


def errors_of(response: Any) -> dict[str, str]:
    body = ack_body(response)
    assert body.get("response_action") == "errors", body
    return dict(body["errors"])


# -- the record form ----------------------------------------------------------------------------------


def test_choosing_the_type_redraws_the_form_with_that_types_fields(slack: SlackDriver, force: Force) -> None:
    slack.command(force.officer, "new")
    picker = slack.opened_view()
    assert inputs(picker) == ["order_type"]

    slack.choose(force.officer, picker, "order_type", "record_form_order_type", "DVPN")
    [update] = slack.api.calls("views.update")
    assert update["view_id"] == picker["id"]
    assert update["hash"] == "h1"  # a stale form is not overwritten
    dvpn = slack.api.view(picker["id"])
    assert inputs(dvpn)[:4] == ["order_type", "served_at", "authoriser_name", "authoriser_rank"]
    assert json.loads(dvpn["private_metadata"]) == {"channel": CHANNEL}

    slack.choose(force.officer, dvpn, "order_type", "record_form_order_type", "NMO")
    nmo = slack.api.view(picker["id"])
    assert inputs(nmo)[:4] == ["order_type", "made_at", "served_at", "court"]
    assert "duration" in inputs(nmo) and "duration" not in inputs(dvpn)
    assert "authoriser_rank" not in inputs(nmo)
    assert nmo["blocks"][0]["element"]["initial_option"]["value"] == "NMO"


def test_switching_the_type_keeps_what_was_typed(slack: SlackDriver, force: Force) -> None:
    dvpn = open_record_form(slack, force.officer, "DVPN")
    typed = {"served_at": "today 20:00", "perpetrator_name": PERPETRATOR, "authoriser_name": "Supt Example"}
    slack.choose(force.officer, dvpn, "order_type", "record_form_order_type", "DAPN", typed)

    dapn = slack.api.view(dvpn["id"])
    initial = {b["block_id"]: b["element"].get("initial_value") for b in dapn["blocks"] if b["type"] == "input"}
    assert initial["served_at"] == "today 20:00"
    assert initial["perpetrator_name"] == PERPETRATOR
    assert initial["authoriser_name"] == "Supt Example"


def test_a_valid_dvpn_is_recorded_the_modal_closes_and_the_officer_is_told(
    slack: SlackDriver, ctx: ServiceContext, force: Force
) -> None:
    form = open_record_form(slack, force.officer, "DVPN")
    before = row_counts(ctx.engine)
    response = slack.submit(force.officer, form, {"order_type": "DVPN", **DVPN_ANSWERS})

    assert response.status == 200
    assert ack_body(response) == {}  # closes the modal
    [confirmation] = slack.api.calls("chat.postEphemeral")
    assert confirmation["channel"] == CHANNEL
    assert confirmation["user"] == force.officer
    text = reply_text(confirmation)
    assert "WM-DVPN-2026-0001 recorded." in text
    assert "Served: Thu 02 Apr 2026 20:00 BST" in text
    assert PERPETRATOR not in text  # a short confirmation: the card is behind Show record
    assert PERPETRATOR not in confirmation["text"]  # the notification text carries no names
    after = row_counts(ctx.engine)
    assert after["protection_order"] == before["protection_order"] + 1


def test_a_court_order_is_recorded_with_its_length(slack: SlackDriver, ctx: ServiceContext, force: Force) -> None:
    form = open_record_form(slack, force.officer, "DVPO")
    response = slack.submit(
        force.officer,
        form,
        {
            "order_type": "DVPO",
            "made_at": "2/4/2026 11:00",
            "court": "Birmingham Magistrates",
            "duration": "28",
            "perpetrator_name": PERPETRATOR,
            "risk_level": "high",
            "children_present": True,
        },
    )
    assert ack_body(response) == {}
    text = reply_text(slack.api.calls("chat.postEphemeral")[-1])
    assert "WM-DVPO-2026-0001 recorded." in text
    assert "Made: Thu 02 Apr 2026 11:00 BST" in text


@pytest.mark.parametrize(
    "changes, block, message",
    [
        ({"served_at": "tomorrow 10:00"}, "served_at", "in the future"),
        ({"served_at": "blah"}, "served_at", "Could not read 'blah' as a date and time."),
        ({"served_at": None}, "served_at", "Give when the DVPN was served (or given)."),
        ({"authoriser_rank": None}, "authoriser_rank", "give the authoriser's rank"),
        ({"authoriser_rank": "inspector"}, "authoriser_rank", "CSA 2010 s24(1)"),
        ({"perpetrator_name": None}, "perpetrator_name", "Give the name of the person the order is against."),
        ({"perpetrator_dob": "2012-01-01"}, "perpetrator_dob", "aged 18"),
    ],
    ids=["future", "unreadable", "missing-time", "no-rank", "junior-rank", "no-name", "under-age"],
)
def test_invalid_answers_come_back_inline_on_their_field_and_nothing_is_written(
    slack: SlackDriver, ctx: ServiceContext, force: Force, changes: dict[str, Any], block: str, message: str
) -> None:
    form = open_record_form(slack, force.officer, "DVPN")
    answers = {"order_type": "DVPN", **DVPN_ANSWERS}
    for key, value in changes.items():
        if value is None:
            answers.pop(key)
        else:
            answers[key] = value
    before = row_counts(ctx.engine)
    response = slack.submit(force.officer, form, answers)

    errors = errors_of(response)
    assert block in errors, errors
    assert message in errors[block]
    assert set(errors) <= set(inputs(form))
    assert row_counts(ctx.engine) == before
    assert not slack.api.calls("chat.postEphemeral")


def test_every_problem_in_a_form_is_reported_at_once(slack: SlackDriver, ctx: ServiceContext, force: Force) -> None:
    form = open_record_form(slack, force.officer, "DVPN")
    answers = {**DVPN_ANSWERS, "order_type": "DVPN", "served_at": "blah", "authoriser_rank": "sergeant"}
    answers.pop("perpetrator_name")
    before = row_counts(ctx.engine)
    errors = errors_of(slack.submit(force.officer, form, answers))
    assert "served_at" in errors
    assert row_counts(ctx.engine) == before


def test_a_court_order_with_an_unreadable_length_is_refused_inline(
    slack: SlackDriver, ctx: ServiceContext, force: Force
) -> None:
    form = open_record_form(slack, force.officer, "DAPO")
    before = row_counts(ctx.engine)
    answers = {"order_type": "DAPO", "made_at": "2/4/2026 11:00", "duration": "forever-ish"}
    errors = errors_of(slack.submit(force.officer, form, {**answers, "perpetrator_name": PERPETRATOR}))
    assert "Could not read 'forever-ish' as a length." in errors["duration"]
    assert row_counts(ctx.engine) == before


def test_a_dvpo_length_is_a_number_of_days_within_the_statutory_bounds(
    slack: SlackDriver, ctx: ServiceContext, force: Force
) -> None:
    form = open_record_form(slack, force.officer, "DVPO")
    [length] = [b for b in form["blocks"] if b.get("block_id") == "duration"]
    assert length["element"] == {
        "type": "number_input",
        "action_id": "value",
        "is_decimal_allowed": False,
        "min_value": "14",
        "max_value": "28",
    }
    assert length["label"]["text"] == "How many days it lasts (14 to 28)"
    answers = {"order_type": "DVPO", "made_at": "2/4/2026 11:00", "perpetrator_name": PERPETRATOR}
    with pytest.raises(AssertionError, match="Slack would not submit '40'"):
        slack.submit(force.officer, form, {**answers, "duration": "40"})
    # A client that let 40 through (an old one, or a forged request) is refused by the service.
    before = row_counts(ctx.engine)
    unbounded = json.loads(json.dumps(form))
    [field] = [b for b in unbounded["blocks"] if b.get("block_id") == "duration"]
    field["element"]["max_value"] = "99"
    errors = errors_of(slack.submit(force.officer, unbounded, {**answers, "duration": "40"}))
    assert "28 days" in errors["duration"]
    assert row_counts(ctx.engine) == before


def test_submitting_the_type_picker_alone_shows_that_types_fields(slack: SlackDriver, force: Force) -> None:
    slack.command(force.officer, "new")
    picker = slack.opened_view()
    response = slack.submit(force.officer, picker, {"order_type": "DAPN"})

    body = ack_body(response)
    assert body["response_action"] == "update"
    assert "authoriser_rank" in inputs(body["view"])
    assert body["view"]["blocks"][0]["element"]["initial_option"]["value"] == "DAPN"


def test_an_officer_with_no_team_is_told_to_ask_an_admin_on_the_form(
    slack: SlackDriver, ctx: ServiceContext, force: Force
) -> None:
    form = open_record_form(slack, force.officer, "DVPN")  # /dvpn new itself refuses them: a forged submission
    before = row_counts(ctx.engine)
    errors = errors_of(slack.submit(force.newcomer, form, {"order_type": "DVPN", **DVPN_ANSWERS}))
    assert "You are not in a team yet" in " ".join(errors.values())
    assert "Ask an admin" in " ".join(errors.values())
    assert row_counts(ctx.engine) == before


def test_a_champion_cannot_record_and_is_told_why(slack: SlackDriver, ctx: ServiceContext, force: Force) -> None:
    form = open_record_form(slack, force.champion, "DVPN")
    before = row_counts(ctx.engine)
    errors = errors_of(slack.submit(force.champion, form, {"order_type": "DVPN", **DVPN_ANSWERS}))
    assert "Only officers or supervisors can record notices and orders. Your role is champion." in errors["order_type"]
    assert row_counts(ctx.engine) == before


# -- the follow-up forms, opened from a card --------------------------------------------------------------


@pytest.fixture
def ref(ctx: ServiceContext, force: Force) -> str:
    return record(ctx, force.officer).reference


@pytest.fixture
def heard(ctx: ServiceContext, force: Force, ref: str) -> str:
    hearings.book_hearing(ctx, force.officer, ref, london("2026-04-02 20:30"), "Birmingham Magistrates")
    return ref


def open_form(slack: SlackDriver, user: str, action_id: str, ref: str) -> dict[str, Any]:
    slack.press(user, action_id, ref)
    [opened] = slack.api.calls("views.open")
    view = slack.opened_view()
    assert json.loads(view["private_metadata"]) == {"ref": ref, "channel": CHANNEL}
    assert opened.view["callback_id"] == view["callback_id"]
    return view


def confirmed(slack: SlackDriver) -> str:
    [confirmation] = slack.api.calls("chat.postEphemeral")
    assert confirmation["channel"] == CHANNEL
    return reply_text(confirmation)


def test_the_hearing_form_books_a_hearing(slack: SlackDriver, ctx: ServiceContext, force: Force, ref: str) -> None:
    form = open_form(slack, force.officer, "record_book_hearing", ref)
    assert form["callback_id"] == "hearing_form"
    assert inputs(form) == ["scheduled_at", "court"]

    response = slack.submit(force.officer, form, {"scheduled_at": "monday 10:00", "court": "Coventry Magistrates"})
    assert ack_body(response) == {}
    text = confirmed(slack)
    assert f"Hearing booked for {ref}" in text
    assert "Hearing: Mon 06 Apr 2026 10:00 BST" in text
    assert "at Coventry Magistrates" in text


def test_the_hearing_form_refuses_an_unreadable_time_inline(
    slack: SlackDriver, ctx: ServiceContext, force: Force, ref: str
) -> None:
    form = open_form(slack, force.officer, "record_book_hearing", ref)
    before = row_counts(ctx.engine)
    errors = errors_of(slack.submit(force.officer, form, {"scheduled_at": "blah"}))
    assert errors == {"scheduled_at": errors["scheduled_at"]}
    assert "Could not read 'blah'" in errors["scheduled_at"]
    errors = errors_of(slack.submit(force.officer, form, {"scheduled_at": "1/4/2026 10:00"}))
    assert "scheduled_at" in errors
    assert row_counts(ctx.engine) == before


def test_the_outcome_form_grants_the_order(slack: SlackDriver, ctx: ServiceContext, force: Force, heard: str) -> None:
    form = open_form(slack, force.officer, "record_outcome", heard)
    assert inputs(form) == ["outcome", "decided_at", "duration", "conditions", "adjourned_to"]

    response = slack.submit(
        force.officer,
        form,
        {"outcome": "granted", "decided_at": "now", "duration": "28 days", "conditions": "No contact"},
    )
    assert ack_body(response) == {}
    text = confirmed(slack)
    assert f"Outcome recorded for {heard}: granted: WM-DVPO-2026-0001 recorded, following {heard}." in text
    assert "WM-DVPO-2026-0001" in text


def test_the_outcome_form_needs_a_length_to_grant(
    slack: SlackDriver, ctx: ServiceContext, force: Force, heard: str
) -> None:
    form = open_form(slack, force.officer, "record_outcome", heard)
    before = row_counts(ctx.engine)
    errors = errors_of(slack.submit(force.officer, form, {"outcome": "granted", "decided_at": "now"}))
    assert errors == {"duration": "Give how long the order lasts: 28 days, or until 1/5/2026."}
    errors = errors_of(
        slack.submit(force.officer, form, {"outcome": "granted", "decided_at": "now", "duration": "2 months"})
    )
    assert errors == {"duration": "Give the length in days or as an end date."}
    assert row_counts(ctx.engine) == before


def test_the_outcome_form_adjourns_and_refuses(
    slack: SlackDriver, ctx: ServiceContext, force: Force, heard: str
) -> None:
    form = open_form(slack, force.officer, "record_outcome", heard)
    errors = errors_of(slack.submit(force.officer, form, {"outcome": "adjourned", "decided_at": "now"}))
    assert "adjourned_to" in errors
    response = slack.submit(
        force.officer, form, {"outcome": "adjourned", "decided_at": "now", "adjourned_to": "monday 10:00"}
    )
    assert ack_body(response) == {}
    assert "New hearing: Mon 06 Apr 2026 10:00 BST" in confirmed(slack)


def test_the_breach_form_records_a_breach_and_refuses_a_future_one(
    slack: SlackDriver, ctx: ServiceContext, force: Force, ref: str
) -> None:
    form = open_form(slack, force.officer, "record_breach", ref)
    assert inputs(form) == ["occurred_at", "arrested_at", "crime_reference", "details"]
    before = row_counts(ctx.engine)
    errors = errors_of(slack.submit(force.officer, form, {"occurred_at": "tomorrow 10:00"}))
    assert "in the future" in errors["occurred_at"]
    errors = errors_of(slack.submit(force.officer, form, {"occurred_at": "today 20:30", "arrested_at": "today 20:10"}))
    assert "arrested_at" in errors
    assert row_counts(ctx.engine) == before

    response = slack.submit(
        force.officer,
        form,
        {"occurred_at": "today 20:30", "arrested_at": "today 20:45", "crime_reference": "43/1/26", "details": "x"},
    )
    assert ack_body(response) == {}
    text = confirmed(slack)
    assert f"Breach of {ref} recorded." in text
    assert "Breach: Thu 02 Apr 2026 20:30 BST · Arrested: Thu 02 Apr 2026 20:45 BST" in text


def test_the_check_form_records_a_check(slack: SlackDriver, ctx: ServiceContext, force: Force, ref: str) -> None:
    form = open_form(slack, force.officer, "record_check_done", ref)
    assert form["callback_id"] == "check_form"
    before = row_counts(ctx.engine)
    errors = errors_of(slack.submit(force.officer, form, {"done_at": "1/4/2026 10:00"}))
    assert "done_at" in errors
    assert row_counts(ctx.engine) == before

    assert ack_body(slack.submit(force.officer, form, {"done_at": "now", "outcome": "All well"})) == {}
    assert "Done: Thu 02 Apr 2026 21:00 BST" in confirmed(slack)


def test_the_notification_form_on_a_dapo(slack: SlackDriver, ctx: ServiceContext, force: Force) -> None:
    ref = record(ctx, force.officer, dapo()).reference
    slack.command(force.officer, f"show {ref}")
    assert "record_notification" in json.dumps(slack.last_reply().blocks)
    form = open_form(slack, force.officer, "record_notification", ref)
    assert ack_body(slack.submit(force.officer, form, {"received_at": "today 16:00"})) == {}
    assert "Notified: Thu 02 Apr 2026 16:00 BST" in confirmed(slack)


def test_the_close_form_closes_and_needs_a_reason(
    slack: SlackDriver, ctx: ServiceContext, force: Force, ref: str
) -> None:
    form = open_form(slack, force.officer, "record_close", ref)
    assert form["submit"]["text"] == "Close record"
    before = row_counts(ctx.engine)
    errors = errors_of(slack.submit(force.officer, form, {"status": "withdrawn", "at": "now"}))
    assert errors == {"reason": "Say why the record is being closed (it goes in the audit trail)."}
    errors = errors_of(slack.submit(force.officer, form, {"status": "withdrawn", "reason": "x", "at": "tomorrow 9:00"}))
    assert "at" in errors
    assert row_counts(ctx.engine) == before

    response = slack.submit(force.officer, form, {"status": "withdrawn", "reason": "Victim withdrew", "at": "now"})
    assert ack_body(response) == {}
    assert f"{ref} is now withdrawn." in confirmed(slack)


def test_a_form_submitted_after_the_record_changed_hands_is_refused_inline(
    slack: SlackDriver, ctx: ServiceContext, force: Force, ref: str
) -> None:
    form = open_form(slack, force.officer, "record_breach", ref)
    before = row_counts(ctx.engine)
    errors = errors_of(slack.submit(force.other_officer, form, {"occurred_at": "today 20:30"}))
    assert f"{ref} belongs to another team." in errors["occurred_at"]
    assert row_counts(ctx.engine) == before
