"""Attack: values the database cannot hold. A deadline in the year 9999, statistics for the month
0000-01, form fields longer than their PostgreSQL column (a name of 201 characters, a crime
reference of 41, a PNC id of 33) or holding a NUL byte (SQLite stores one, PostgreSQL raises) are
refused by the services with a message saying what to change, the same on both databases; nothing
else is sent and no row changes."""

from __future__ import annotations

import json

import pytest

from services.context import ServiceContext
from tests.support.casework import Seeded
from tests.support.database import row_counts
from tests.support.force import Force
from tests.support.records import DVPN_ANSWERS
from tests.support.slack_app import ctx, slack, slack_api  # noqa: F401  (the real Bolt app and Slack stand-in)
from tests.support.slack_driver import SlackDriver, ack_body, open_record_form, reply_text

GENERIC = "Something went wrong"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("deadline DVPN 9999-12-31 23:59", "not a plausible start time"),
        ("stats 0000-01", "outside the years the bot can report on"),
        ("stats 9999-12", "outside the years the bot can report on"),
        ("hearing WM-DVPN-2026-0001 tomorrow 10:00 at Court\x00Room", "cannot be stored"),
        ("close WM-DVPN-2026-0001 withdrawn no\x00longer needed", "cannot be stored"),
    ],
)
def test_commands_with_values_out_of_range_are_refused_with_what_to_change(
    slack: SlackDriver,  # noqa: F811
    ctx: ServiceContext,  # noqa: F811
    force: Force,
    casework: Seeded,
    text: str,
    expected: str,
) -> None:
    before = row_counts(ctx.engine)
    slack.command(force.officer if not text.startswith("stats") else force.supervisor, text)

    [reply] = slack.sent()
    assert reply.method == "response_url"
    said = reply_text(reply)
    assert expected in said and GENERIC not in said, said
    assert row_counts(ctx.engine) == before


RECORD_FIELDS = [
    ("perpetrator_name", "P" * 201, "too long: 201 characters, at most 200"),
    ("protected_name", "Q" * 201, "too long: 201 characters, at most 200"),
    ("crime_reference", "4" * 41, "too long: 41 characters, at most 40"),
    ("perpetrator_pnc", "1" * 33, "too long: 33 characters, at most 32"),
    ("authoriser_name", "A" * 121, "too long: 121 characters, at most 120"),
    ("perpetrator_name", "Alex\x00Example", "cannot be stored"),
    ("perpetrator_address", "1 High\x00Street", "cannot be stored"),
    ("protected_address", "2 Low\x00Road", "cannot be stored"),
    ("authoriser_name", "Supt\x00Example", "cannot be stored"),
    ("conditions", "Not to\x00contact", "cannot be stored"),
]


@pytest.mark.parametrize(("field", "value", "expected"), RECORD_FIELDS)
def test_a_forged_record_form_with_a_field_the_column_cannot_hold_is_refused_on_that_field(
    slack: SlackDriver,  # noqa: F811
    ctx: ServiceContext,  # noqa: F811
    force: Force,
    field: str,
    value: str,
    expected: str,
) -> None:
    form = open_record_form(slack, force.officer, "DVPN")
    before = row_counts(ctx.engine)
    slack.api.clear()

    answered = slack.submit(force.officer, form, DVPN_ANSWERS | {"order_type": "DVPN", field: value})

    errors = ack_body(answered).get("errors", {})
    assert expected in errors.get(field, ""), (field, errors, answered.body)
    assert GENERIC not in json.dumps(errors)
    assert slack.sent() == []
    assert row_counts(ctx.engine) == before


@pytest.mark.parametrize(
    ("button", "answers", "field", "expected"),
    [
        ("record_book_hearing", {"scheduled_at": "tomorrow 10:00", "court": "C" * 201}, "court", "too long"),
        ("record_book_hearing", {"scheduled_at": "tomorrow 10:00", "court": "Court\x00"}, "court", "cannot be stored"),
        ("record_breach", {"occurred_at": "today 20:30", "crime_reference": "4" * 41}, "crime_reference", "too long"),
        ("record_breach", {"occurred_at": "today 20:30", "details": "Seen\x00there"}, "details", "cannot be stored"),
        ("record_check_done", {"done_at": "now", "outcome": "x\x00"}, "outcome", "cannot be stored"),
    ],
)
def test_a_forged_follow_up_form_the_columns_cannot_hold_is_refused_on_that_field(
    slack: SlackDriver,  # noqa: F811
    ctx: ServiceContext,  # noqa: F811
    force: Force,
    casework: Seeded,
    button: str,
    answers: dict[str, str],
    field: str,
    expected: str,
) -> None:
    slack.press(force.officer, button, casework.smith_dvpn)
    form = slack.opened_view()
    before = row_counts(ctx.engine)
    slack.api.clear()

    answered = slack.submit(force.officer, form, answers)

    errors = ack_body(answered).get("errors", {})
    assert expected in errors.get(field, ""), (field, errors, answered.body)
    assert slack.sent() == []
    assert row_counts(ctx.engine) == before
