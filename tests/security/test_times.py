"""Attack: wrong times typed into commands and forms, hoping one is saved silently: a two-digit year
read as 2126, a date without a year pushed to next year, '=1+1' and '-1' read as times, an hour of 25
dropped, 31 February turned into "now" with the text saved as the check's outcome, a local time the
clocks skip or show twice, a service in 1900 and a date of birth in 1800. Each is refused or asked
about (services/when.py: every kind of time has a plausible window), the message says what to type
(a command that then works, or the form's field), nothing is sent but the reply, and no row changes.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from blocks import actions as ids
from services.clock import ManualClock
from services.context import ServiceContext
from services.errors import DomainError
from services.when import TimeQuestion, date_of_birth, parse_when, show, window
from tests.support.database import row_counts
from tests.support.force import Force, london
from tests.support.records import DVPN_ANSWERS, record
from tests.support.slack_app import ctx, slack, slack_api  # noqa: F401  (the real Bolt app and Slack stand-in)
from tests.support.slack_driver import SlackDriver, ack_body, open_record_form, reply_text

TZ = ZoneInfo("Europe/London")
NOW = london("2026-04-02 21:00")  # the test clock; the record is served at 20:00
TYPE_INSTEAD = re.compile(r"Type: `/dvpn ([^`]+)`")

# (what is typed after the reference, what the reply must say)
COMMAND_ATTACKS = [
    ("check {ref} due 1/2/26", "two-digit year"),
    ("check {ref} due 2/4", "has no time of day"),
    ("check {ref} due =1+1", "Could not read '=1+1'"),
    ("check {ref} due -1", "Could not read '-1'"),
    ("check {ref} due 1/2/2126 10:00", "not a plausible due time for a breach check"),
    ("breach {ref} yesterday 25:00", "'25:00' is not a time of day"),
    ("check {ref} done 31/2/2026 10:00 no contact made", "'31/2/2026' is not a date in the calendar"),
    ("breach {ref} 1/1/1900 10:00", "not a plausible breach time"),
    ("hearing {ref} 1/2/26 10:00 at Birmingham Magistrates", "two-digit year"),
    ("deadline DVPN 29/3/2026 01:30", "does not exist in UK time"),
    ("breach {ref} 3/4/2026 10:00", "is in the future"),
]


def _attack(driver: SlackDriver, context: ServiceContext, user: str, command: str, expected: str) -> str:
    """Runs the command; asserts the refusal, the one reply, and no row changed. The reply's text."""
    before = row_counts(context.engine)
    sent_before = len(driver.sent())
    driver.command(user, command)
    sent = driver.sent()[sent_before:]
    assert [call.method for call in sent] == ["response_url"], [call.method for call in sent]
    text = reply_text(sent[0])
    assert expected in text, text
    assert "recorded" not in text and "planned" not in text
    assert row_counts(context.engine) == before
    return text


@pytest.mark.parametrize("typed, expected", COMMAND_ATTACKS, ids=[a for a, _ in COMMAND_ATTACKS])
def test_a_wrong_time_in_a_command_is_refused_with_a_command_that_works(
    slack: SlackDriver,  # noqa: F811
    ctx: ServiceContext,  # noqa: F811
    force: Force,
    typed: str,
    expected: str,
) -> None:
    ref = record(ctx, force.officer).reference
    text = _attack(slack, ctx, force.officer, typed.format(ref=ref), expected)

    instead = TYPE_INSTEAD.findall(text)[0]  # the fix, typed as the message shows it
    slack.command(force.officer, instead)
    answer = reply_text(slack.last_reply())
    assert any(done in answer for done in ("recorded", "planned", "booked", "Hearing deadline", "deadline")), answer
    assert "Could not read" not in answer and "not a plausible" not in answer


def test_check_done_never_saves_an_impossible_date_as_the_outcome(
    slack: SlackDriver,  # noqa: F811
    ctx: ServiceContext,  # noqa: F811
    force: Force,
) -> None:
    ref = record(ctx, force.officer).reference
    _attack(slack, ctx, force.officer, f"check {ref} done 31/2/2026 10:00", "is not a date in the calendar")
    # Free text that does not start like a time is still the outcome, done now.
    slack.command(force.officer, f"check {ref} done spoke to the protected person")
    assert f"Breach check on {ref} recorded." in reply_text(slack.last_reply())


def test_the_repeated_hour_is_asked_about_and_bst_or_gmt_settles_it(
    slack: SlackDriver,  # noqa: F811
    ctx: ServiceContext,  # noqa: F811
    force: Force,
    clock: ManualClock,
) -> None:
    clock.set(london("2026-10-26 10:00"))
    text = _attack(slack, ctx, force.officer, "deadline DVPN 25/10/2026 01:30", "happened twice in UK time")
    assert "25/10/2026 01:30 BST" in text and "25/10/2026 01:30 GMT" in text
    for zone in ("BST", "GMT"):
        slack.command(force.officer, f"deadline DVPN 25/10/2026 01:30 {zone}")
        assert f"Served: Sun 25 Oct 2026 01:30 {zone}" in reply_text(slack.last_reply())


# -- the forms: the same attacks, answered inline on the field --------------------------------------------


def _form_attack(
    driver: SlackDriver, context: ServiceContext, user: str, form: dict[str, Any], answers: dict[str, Any]
) -> dict[str, str]:
    before = row_counts(context.engine)
    sent_before = len(driver.sent())
    body = ack_body(driver.submit(user, form, answers))
    assert body.get("response_action") == "errors", body
    assert driver.sent()[sent_before:] == []  # the inline errors are the whole answer
    assert row_counts(context.engine) == before
    return dict(body["errors"])


@pytest.mark.parametrize(
    "field, typed, expected",
    [
        ("served_at", "1/1/1900 10:00", "not a plausible service time"),
        ("served_at", "29/3/2026 01:30", "29/3/2026 00:59 GMT and 29/3/2026 02:00 BST"),
        ("served_at", "=1+1", "Could not read '=1+1'"),
        ("served_at", "2/4/26 20:00", "write the year in full, e.g. 2/4/2026"),
        ("perpetrator_dob", "1800-01-01", "A date of birth of 01 Jan 1800 is not plausible"),
        ("protected_dob", "2027-01-01", "is not plausible"),
    ],
)
def test_the_record_form_refuses_wrong_times_inline(
    slack: SlackDriver,  # noqa: F811
    ctx: ServiceContext,  # noqa: F811
    force: Force,
    field: str,
    typed: str,
    expected: str,
) -> None:
    form = open_record_form(slack, force.officer, "DVPN")
    errors = _form_attack(slack, ctx, force.officer, form, {"order_type": "DVPN", **DVPN_ANSWERS, field: typed})
    assert list(errors) == [field]
    assert expected in errors[field]


@pytest.mark.parametrize(
    "action, field, typed, expected",
    [
        (ids.CHECK_DONE, "done_at", "31/2/2026 10:00", "'31/2/2026' is not a date in the calendar"),
        (ids.CHECK_DONE, "done_at", "-1", "Could not read '-1'"),
        (ids.RECORD_BREACH, "occurred_at", "yesterday 25:00", "'25:00' is not a time of day"),
        (ids.BOOK_HEARING, "scheduled_at", "1/2/2126 10:00", "not a plausible hearing time"),
        (ids.RECORD_NOTIFICATION, "received_at", "2/4", "has no time of day"),
    ],
)
def test_the_follow_up_forms_refuse_wrong_times_inline(
    slack: SlackDriver,  # noqa: F811
    ctx: ServiceContext,  # noqa: F811
    force: Force,
    action: str,
    field: str,
    typed: str,
    expected: str,
) -> None:
    ref = record(ctx, force.officer).reference
    slack.press(force.officer, action, ref)
    form = slack.opened_view()
    errors = _form_attack(slack, ctx, force.officer, form, {field: typed})
    assert expected in errors[field], errors


def test_the_repeated_hour_in_the_record_form_is_asked_then_settled_by_gmt(
    slack: SlackDriver,  # noqa: F811
    ctx: ServiceContext,  # noqa: F811
    force: Force,
    clock: ManualClock,
) -> None:
    clock.set(london("2026-10-25 09:00"))
    form = open_record_form(slack, force.officer, "DVPN")
    answers = {"order_type": "DVPN", **DVPN_ANSWERS}
    errors = _form_attack(slack, ctx, force.officer, form, {**answers, "served_at": "25/10/2026 01:30"})
    assert "Add BST for the first (25/10/2026 01:30 BST) or GMT for the second" in errors["served_at"]
    assert ack_body(slack.submit(force.officer, form, {**answers, "served_at": "25/10/2026 01:30 GMT"})) == {}
    assert "Served: Sun 25 Oct 2026 01:30 GMT" in reply_text(slack.api.calls("chat.postEphemeral")[-1])


# -- the windows and the suffixes, as units --------------------------------------------------------------


@pytest.mark.parametrize(
    "kind, inside, outside",
    [
        ("service", "2/4/2025 22:00", "2/4/2025 20:00"),  # 365 days back, not a minute more
        ("breach", "now", "2/4/2026 21:01"),  # never in the future
        ("hearing", "26/3/2026 21:00", "26/3/2026 20:59"),  # a week back ...
        ("hearing", "1/10/2026 21:00", "1/10/2026 21:01"),  # ... to 26 weeks ahead
        ("check_due", "1/4/2026 21:00", "1/4/2026 20:59"),  # a day back, 26 weeks ahead
        ("order_end", "1/4/2036", "3/4/2036"),  # ten years ahead
        ("calculator", "3/5/2026 21:00", "3/5/2026 21:01"),  # a month ahead, ten years back
        ("calculator", "1/4/2016 21:00", "1/4/2016 20:59"),  # 3653 days
    ],
)
def test_each_kind_of_time_has_its_window(kind: Any, inside: str, outside: str) -> None:
    span = window(kind)
    assert span.holds(parse_when(inside, now=NOW, tz=TZ, kind=kind), NOW)
    with pytest.raises(TimeQuestion):
        parse_when(outside, now=NOW, tz=TZ, kind=kind)


def test_the_past_window_is_the_forces_setting() -> None:
    with pytest.raises(TimeQuestion):
        parse_when("1/3/2026 10:00", now=NOW, tz=TZ, kind="breach", past_event_days=30)
    assert parse_when("1/3/2026 10:00", now=NOW, tz=TZ, kind="breach", past_event_days=40) == london("2026-03-01 10:00")


@pytest.mark.parametrize(
    "typed, shown",
    [
        ("25/10/2026 01:30 BST", "Sun 25 Oct 2026 01:30 BST"),
        ("25/10/2026 01:30 GMT", "Sun 25 Oct 2026 01:30 GMT"),
        ("25/10/2026 01:30 gmt", "Sun 25 Oct 2026 01:30 GMT"),
        ("1/7/2026 10:00 GMT", "Wed 01 Jul 2026 11:00 BST"),  # an explicit offset is an instant
        ("20/10/2026 10:00 BST", "Tue 20 Oct 2026 10:00 BST"),
    ],
)
def test_bst_and_gmt_suffixes_name_the_instant(typed: str, shown: str) -> None:
    now = london("2026-11-01 12:00")
    assert show(parse_when(typed, now=now, tz=TZ, kind="breach"), TZ) == shown


def test_the_clock_change_gap_names_the_nearest_times() -> None:
    with pytest.raises(TimeQuestion) as asked:
        parse_when("29/3/2026 01:30", now=NOW, tz=TZ, kind="breach")
    assert "29/3/2026 00:59 GMT and 29/3/2026 02:00 BST" in asked.value.message
    assert asked.value.instead == "29/3/2026 02:00"


@pytest.mark.parametrize(
    "typed, kind, reading",
    [
        ("2/4 15:00", "check_due", "2026-04-02 15:00"),  # 2027 is too far ahead
        ("1/1 10:00", "hearing", None),  # neither January is in the coming weeks: asked
        ("2/4", "order_end", None),  # an order's last day: this year or next? asked
        ("1/4 10:00", "breach", "2026-04-01 10:00"),
        ("today 9.30pm", "hearing", "2026-04-02 21:30"),
        ("yesterday 9pm", "breach", "2026-04-01 21:00"),
    ],
)
def test_dates_without_a_year_take_the_one_year_in_the_window(typed: str, kind: Any, reading: str | None) -> None:
    if reading is None:
        with pytest.raises(TimeQuestion):
            parse_when(typed, now=NOW, tz=TZ, kind=kind)
        return
    assert parse_when(typed, now=NOW, tz=TZ, kind=kind) == london(reading)


@pytest.mark.parametrize(
    "typed", ["=1+1", "-1", "1+1", "5", "31/2/2026 10:00", "yesterday 24:00", "1/2/26 10:00", "1/2/226 10:00"]
)
def test_text_that_is_not_a_time_is_refused(typed: str) -> None:
    with pytest.raises(DomainError):
        parse_when(typed, now=NOW, tz=TZ, kind="breach")


def test_a_date_of_birth_is_between_110_years_ago_and_today() -> None:
    today = date(2026, 4, 2)
    assert date_of_birth(date(1916, 4, 2), today=today, field="dob") == date(1916, 4, 2)
    assert date_of_birth(today, today=today, field="dob") == today
    for implausible in (date(1800, 1, 1), date(1916, 4, 1), date(2026, 4, 3)):
        with pytest.raises(TimeQuestion):
            date_of_birth(implausible, today=today, field="dob")
