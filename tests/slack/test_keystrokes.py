"""The core officer task, recording a DVPN and booking its hearing, done through the real app, and
its keystrokes counted (tests/support/keystrokes.py): typed with the whole reference as before, and
with a reference's end as now. The figures print with `pytest -s`."""

from __future__ import annotations

from services.context import ServiceContext
from tests.support.force import Force
from tests.support.keystrokes import Step, command, field, keystrokes, press
from tests.support.records import DVPN_ANSWERS
from tests.support.slack_driver import SlackDriver, open_record_form, reply_text

HEARING = "tomorrow 10:00 at Birmingham Magistrates"


def record_form_steps() -> list[Step]:
    """/dvpn new DVPN, then the form: each field typed or chosen, Tab between, Enter to save."""
    typed = [DVPN_ANSWERS[k] for k in ("served_at", "authoriser_name", "perpetrator_name", "perpetrator_dob")]
    return [
        command("new DVPN"),
        *[field(text) for text in typed],
        press(2),  # the rank: open the select, choose superintendent
        field(DVPN_ANSWERS["protected_name"]),
        press(),  # Save
    ]


def by_command(reference: str) -> list[Step]:
    return [*record_form_steps(), command(f"hearing {reference} {HEARING}")]


def by_button() -> list[Step]:
    """The confirmation's Book hearing button: no reference typed at all."""
    return [*record_form_steps(), press(), field("tomorrow 10:00"), field("Birmingham Magistrates"), press()]


def test_the_core_task_by_command_with_a_short_reference_and_by_button(
    slack: SlackDriver, ctx: ServiceContext, force: Force
) -> None:
    form = open_record_form(slack, force.officer, "DVPN")
    slack.submit(force.officer, form, {"order_type": "DVPN", **DVPN_ANSWERS})
    slack.command(force.officer, f"hearing 1 {HEARING}")
    assert "Hearing booked for WM-DVPN-2026-0001" in reply_text(slack.last_reply())
    form = open_record_form(slack, force.officer, "DVPN")
    slack.submit(force.officer, form, {"order_type": "DVPN", **DVPN_ANSWERS})
    slack.press(force.officer, "record_book_hearing", "WM-DVPN-2026-0002")  # on the confirmation
    slack.submit(force.officer, slack.opened_view(), {"scheduled_at": "tomorrow 10:00", "court": "Birmingham MC"})
    assert "Hearing booked for WM-DVPN-2026-0002" in reply_text(slack.api.calls("chat.postEphemeral")[-1])

    whole, short = "DEMO-DVPN-2026-0001", "1"  # the demo force's references are 19 characters
    before, after, button = keystrokes(by_command(whole)), keystrokes(by_command(short)), keystrokes(by_button())
    print(f"record a DVPN and book its hearing: {before} keystrokes with the whole reference, {after} with its end,")
    print(f"{button} by the confirmation's Book hearing button; the form alone is {keystrokes(record_form_steps())}")
    assert before - after == len(whole) - len(short)
    assert button < after < before
