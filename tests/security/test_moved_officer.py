"""Attack: an officer moved to another team keeps working on the old team's records they were in
charge of. Access follows the teams they are in now (services.governance.access.can_write, the one
decision): every change is refused, saying to ask a supervisor of the record's team to reassign
it, with nothing else sent and no row changed, and a reminder sent to them about it cannot be
settled by them; opening the record asks for a reason first, as for any record beyond their team;
and the old team's supervisor still changes it."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from blocks import actions as ids
from models import AppUser, ProtectionOrder, Reminder
from services.context import ServiceContext
from services.errors import NotAllowed
from services.governance import staff
from services.reminders import actions as reminder_actions
from tests.support.database import row_counts
from tests.support.force import Force
from tests.support.records import PERSONAL, record
from tests.support.slack_app import ctx, slack, slack_api  # noqa: F401  (the real Bolt app and Slack stand-in)
from tests.support.slack_driver import SlackDriver, reply_text

CHANGES = [
    "hearing {ref} tomorrow 10:00",
    "breach {ref} today 20:30",
    "check {ref} done today 20:45",
    "close {ref} withdrawn no longer needed",
    "refused {ref}",
]


@pytest.fixture
def moved(ctx: ServiceContext, force: Force) -> str:  # noqa: F811
    """A Team A record the officer is in charge of; the officer is then moved to Team B."""
    reference = record(ctx, force.officer).reference
    staff.place_in_team(ctx, force.admin, force.officer, "Team B")
    return reference


@pytest.mark.parametrize("command", CHANGES)
def test_a_moved_officer_cannot_change_the_old_teams_record(
    slack: SlackDriver,  # noqa: F811
    ctx: ServiceContext,  # noqa: F811
    force: Force,
    moved: str,
    command: str,
) -> None:
    before = row_counts(ctx.engine)

    slack.command(force.officer, command.format(ref=moved))

    [reply] = slack.sent()
    said = reply_text(reply)
    assert reply.method == "response_url" and "Ask a supervisor of its team to reassign it" in said, said
    assert not [secret for secret in PERSONAL if secret in said]
    assert row_counts(ctx.engine) == before


@pytest.mark.parametrize("button", [ids.BOOK_HEARING, ids.RECORD_BREACH, ids.CHECK_DONE, ids.CLOSE_RECORD])
def test_a_moved_officer_cannot_open_a_change_form_with_a_forged_button(
    slack: SlackDriver,  # noqa: F811
    ctx: ServiceContext,  # noqa: F811
    force: Force,
    moved: str,
    button: str,
) -> None:
    before = row_counts(ctx.engine)

    slack.press(force.officer, button, moved)

    assert [c.method for c in slack.sent()] == ["response_url"]
    assert "reassign" in reply_text(slack.sent()[0])
    assert row_counts(ctx.engine) == before


def test_a_moved_officer_must_give_a_reason_to_read_the_old_teams_record(
    slack: SlackDriver,  # noqa: F811
    ctx: ServiceContext,  # noqa: F811
    force: Force,
    moved: str,
) -> None:
    before = row_counts(ctx.engine)
    slack.command(force.officer, f"show {moved}")

    [asked] = slack.sent()
    assert asked.method == "views.open" and asked.view["callback_id"] == ids.JUSTIFICATION_FORM
    assert row_counts(ctx.engine) == before


def test_the_old_teams_supervisor_still_changes_it(
    slack: SlackDriver,  # noqa: F811
    ctx: ServiceContext,  # noqa: F811
    force: Force,
    moved: str,
) -> None:
    slack.command(force.supervisor, f"hearing {moved} tomorrow 10:00")
    assert "Hearing booked" in reply_text(slack.last_reply())


def test_a_moved_officer_cannot_settle_a_reminder_about_the_old_teams_record(
    ctx: ServiceContext,  # noqa: F811
    force: Force,
    moved: str,
) -> None:
    with Session(ctx.engine) as session:
        order = session.exec(select(ProtectionOrder).where(ProtectionOrder.reference == moved)).one()
        officer = session.exec(select(AppUser).where(AppUser.slack_user_id == force.officer)).one()
        [reminder_id, *_] = session.exec(
            select(Reminder.id).where(Reminder.order_id == order.id, Reminder.recipient_id == officer.id)
        ).all()
    before = row_counts(ctx.engine)

    for settle in (reminder_actions.acknowledge, reminder_actions.dismiss):
        with pytest.raises(NotAllowed, match="reassign"):
            settle(ctx, force.officer, reminder_id or 0)

    assert row_counts(ctx.engine) == before
