"""The quick paths for people who type: hearing, granted, refused, adjourned, breach, check,
notified, close. Each echoes how its times were read and shows the card; a refusal writes nothing."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from models import metadata
from services.context import ServiceContext
from services.records import hearings
from tests.support.database import row_counts
from tests.support.force import Force, london
from tests.support.records import PERPETRATOR, dapo, record
from tests.support.slack_driver import SlackDriver, action_ids, reply_text


def one_reply(slack: SlackDriver) -> str:
    """The text of the one ephemeral reply a command got (and nothing else was sent)."""
    calls = slack.sent()
    assert [c.method for c in calls] == ["response_url"], [c.method for c in calls]
    assert calls[0]["response_type"] == "ephemeral"
    return reply_text(calls[0])


def rows(ctx: ServiceContext, table: str) -> list[dict[str, object]]:
    with ctx.engine.connect() as connection:
        return [dict(r._mapping) for r in connection.execute(sa.select(metadata.tables[table]))]


@pytest.fixture
def ref(ctx: ServiceContext, force: Force) -> str:
    """A DVPN served at 20:00 today (Thu 02 Apr 2026) by the officer in Team A."""
    return record(ctx, force.officer).reference


@pytest.fixture
def heard(ctx: ServiceContext, force: Force, ref: str) -> str:
    """The DVPN with its hearing listed at 20:30 today, so an outcome can be recorded now (21:00)."""
    hearings.book_hearing(ctx, force.officer, ref, london("2026-04-02 20:30"), "Birmingham Magistrates")
    return ref


def test_hearing_with_a_court_echoes_the_time_and_shows_the_card(
    slack: SlackDriver, ctx: ServiceContext, force: Force, ref: str
) -> None:
    slack.command(force.officer, f"hearing {ref} monday 10:00 at Birmingham Magistrates")

    text = one_reply(slack)
    assert f"Hearing booked for {ref}" in text
    assert "Hearing: Mon 06 Apr 2026 10:00 BST" in text
    assert f"Hearing booked for {ref} at Birmingham Magistrates" in text
    assert PERPETRATOR not in text  # a short reply: the card is behind Show record
    [hearing] = rows(ctx, "hearing")
    assert hearing["court"] == "Birmingham Magistrates"
    assert "record_outcome" in action_ids(slack.last_reply().blocks)


def test_hearing_without_a_court_and_with_at_before_the_clock_time(
    slack: SlackDriver, ctx: ServiceContext, force: Force, ref: str
) -> None:
    slack.command(force.officer, f"hearing {ref} 6/4/2026 at 14:00")

    text = one_reply(slack)
    assert "Hearing: Mon 06 Apr 2026 14:00 BST" in text
    [hearing] = rows(ctx, "hearing")
    assert hearing["court"] is None


@pytest.mark.parametrize(
    "args, message",
    [
        ("", "Give the record's reference: `/dvpn hearing REF WHEN [at COURT]`."),
        ("{ref}", "Give the hearing time: `/dvpn hearing REF tomorrow 10:00 at Birmingham Magistrates`."),
        ("{ref} blah", "Could not read 'blah' as a date and time."),
        ("{ref} 1/4/2026 10:00", "hearing"),
    ],
    ids=["no-reference", "no-time", "unreadable", "before-service"],
)
def test_a_bad_hearing_says_what_to_type_and_writes_nothing(
    slack: SlackDriver, ctx: ServiceContext, force: Force, ref: str, args: str, message: str
) -> None:
    before = row_counts(ctx.engine)
    slack.command(force.officer, f"hearing {args.format(ref=ref)}")
    text = one_reply(slack)
    assert ":warning:" in text
    assert message in text
    assert row_counts(ctx.engine) == before


def test_granted_creates_the_order_and_echoes_the_decision(
    slack: SlackDriver, ctx: ServiceContext, force: Force, heard: str
) -> None:
    slack.command(force.officer, f"granted {heard} 28 days")

    text = one_reply(slack)
    assert "Application granted: WM-DVPO-2026-0001 recorded, following" in text
    assert "Decided: Thu 02 Apr 2026 21:00 BST" in text
    assert f"following {heard}." in text
    orders = {o["reference"]: o["status"] for o in rows(ctx, "protection_order")}
    assert orders == {heard: "superseded", "WM-DVPO-2026-0001": "active"}


def test_granted_until_a_date_and_refusing_months(
    slack: SlackDriver, ctx: ServiceContext, force: Force, heard: str
) -> None:
    before = row_counts(ctx.engine)
    slack.command(force.officer, f"granted {heard} 6 months")
    assert "Give the order's length in days or as an end date" in reply_text(slack.last_reply())
    assert row_counts(ctx.engine) == before

    slack.command(force.officer, f"granted {heard} until 20/4/2026")
    assert "Application granted: WM-DVPO-2026-0001 recorded, following" in reply_text(slack.last_reply())


def test_granted_with_no_hearing_booked_is_refused(
    slack: SlackDriver, ctx: ServiceContext, force: Force, ref: str
) -> None:
    before = row_counts(ctx.engine)
    slack.command(force.officer, f"granted {ref} 28 days")
    assert (
        f"You cannot record the outcome of the hearing of {ref} (awaiting listing): it has no hearing listed. "
        "Book the hearing first, then record its outcome."
    ) in one_reply(slack)
    assert row_counts(ctx.engine) == before


def test_refused_ends_the_notice(slack: SlackDriver, ctx: ServiceContext, force: Force, heard: str) -> None:
    slack.command(force.officer, f"refused {heard}")

    text = one_reply(slack)
    assert f"Application refused: {heard} has ended." in text
    assert "Decided: Thu 02 Apr 2026 21:00 BST" in text
    assert [o["status"] for o in rows(ctx, "protection_order")] == ["refused"]
    assert action_ids(slack.last_reply().blocks) == ["record_open"]  # nothing left to do but look


def test_adjourned_moves_the_hearing(slack: SlackDriver, ctx: ServiceContext, force: Force, heard: str) -> None:
    slack.command(force.officer, f"adjourned {heard} monday 10:00")

    text = one_reply(slack)
    assert f"Hearing for {heard} adjourned." in text
    assert "New hearing: Mon 06 Apr 2026 10:00 BST" in text
    outcomes = sorted(str(h["outcome"]) for h in rows(ctx, "hearing"))
    assert outcomes == ["None", "adjourned"]


def test_adjourned_without_a_time_is_explained(
    slack: SlackDriver, ctx: ServiceContext, force: Force, heard: str
) -> None:
    before = row_counts(ctx.engine)
    slack.command(force.officer, f"adjourned {heard}")
    assert "Give the new hearing time: `/dvpn adjourned REF monday 10:00`." in one_reply(slack)
    assert row_counts(ctx.engine) == before


def test_breach_with_arrest_crime_and_details(slack: SlackDriver, ctx: ServiceContext, force: Force, ref: str) -> None:
    slack.command(force.officer, f"breach {ref} today 20:30 arrested today 20:45 crime 43/1234/26 details hit the door")

    text = one_reply(slack)
    assert f"Breach of {ref} recorded." in text
    assert "Breach: Thu 02 Apr 2026 20:30 BST · Arrested: Thu 02 Apr 2026 20:45 BST" in text
    assert "Breach: Thu 02 Apr 2026 20:30 BST · Arrested: Thu 02 Apr 2026 20:45 BST" in text
    [breach] = rows(ctx, "breach")
    assert breach["crime_reference"] == "43/1234/26"
    assert breach["details"] == "hit the door"
    assert breach["court_deadline_at"] is not None


def test_breach_with_only_a_time_warns_about_the_crime_reference(
    slack: SlackDriver, ctx: ServiceContext, force: Force, ref: str
) -> None:
    slack.command(force.officer, f"breach {ref} 20:40")

    text = one_reply(slack)
    assert "Breach: Thu 02 Apr 2026 20:40 BST" in text
    assert "Arrested" not in text.split("Breach: ")[1].split("\n")[0]
    # A DVPN breach is no offence of its own; what was done may be, and is crime-recorded as that.
    assert ":warning: A DVPN breach is not itself a criminal offence (CSA 2010 s26): Arrest without warrant" in text
    assert "should be recorded as a crime" not in text
    [breach] = rows(ctx, "breach")
    assert breach["arrested_at"] is None and breach["details"] is None


def test_a_breach_before_the_notice_was_served_is_refused(
    slack: SlackDriver, ctx: ServiceContext, force: Force, ref: str
) -> None:
    before = row_counts(ctx.engine)
    slack.command(force.officer, f"breach {ref} 1/4/2026 10:00")
    assert ":warning:" in one_reply(slack)
    slack.command(force.officer, f"breach {ref}")
    assert "Give when the breach happened" in reply_text(slack.last_reply())
    assert row_counts(ctx.engine) == before


def test_check_done_records_the_outcome(slack: SlackDriver, ctx: ServiceContext, force: Force, ref: str) -> None:
    slack.command(force.officer, f"check {ref} done today 20:45 no contact made")

    text = one_reply(slack)
    assert f"Breach check on {ref} recorded." in text
    assert "Done: Thu 02 Apr 2026 20:45 BST" in text
    assert "Done: Thu 02 Apr 2026 20:45 BST" in text
    done = [c for c in rows(ctx, "breach_check") if c["done_at"] is not None]
    assert [c["outcome"] for c in done] == ["no contact made"]


def test_check_due_plans_one(slack: SlackDriver, ctx: ServiceContext, force: Force, ref: str) -> None:
    before = len(rows(ctx, "breach_check"))
    slack.command(force.officer, f"check {ref} due 4/4/2026 10:00")

    text = one_reply(slack)
    assert f"Breach check on {ref} planned." in text
    assert "Due: Sat 04 Apr 2026 10:00 BST" in text
    assert len(rows(ctx, "breach_check")) == before + 1


def test_check_needs_done_or_due(slack: SlackDriver, ctx: ServiceContext, force: Force, ref: str) -> None:
    before = row_counts(ctx.engine)
    slack.command(force.officer, f"check {ref} maybe")
    assert "Say done or due: `/dvpn check REF done [WHEN] [outcome] | check REF due WHEN`." in one_reply(slack)
    assert row_counts(ctx.engine) == before


def test_notified_on_a_dapo(slack: SlackDriver, ctx: ServiceContext, force: Force) -> None:
    ref = record(ctx, force.officer, dapo()).reference
    slack.command(force.officer, f"notified {ref} today 16:00")

    text = one_reply(slack)
    assert f"Notification for {ref} recorded." in text
    assert "Notified: Thu 02 Apr 2026 16:00 BST" in text
    [notification] = rows(ctx, "notification")
    assert notification["received_at"] is not None


def test_notified_on_a_notice_is_refused(slack: SlackDriver, ctx: ServiceContext, force: Force, ref: str) -> None:
    before = row_counts(ctx.engine)
    slack.command(force.officer, f"notified {ref} today 20:30")
    assert "A DVPN carries no duty to notify." in one_reply(slack)
    assert row_counts(ctx.engine) == before


def test_close_with_a_status_and_reason(slack: SlackDriver, ctx: ServiceContext, force: Force, ref: str) -> None:
    slack.command(force.officer, f"close {ref} withdrawn victim withdrew support")

    text = one_reply(slack)
    assert f"{ref} is now withdrawn." in text
    assert [o["status"] for o in rows(ctx, "protection_order")] == ["withdrawn"]


def test_close_with_only_a_reason_closes(slack: SlackDriver, ctx: ServiceContext, force: Force, ref: str) -> None:
    slack.command(force.officer, f"close {ref} duplicate entry")
    assert f"{ref} is now closed." in one_reply(slack)
    assert [o["status"] for o in rows(ctx, "protection_order")] == ["closed"]


def test_close_without_a_reason_asks_for_one(slack: SlackDriver, ctx: ServiceContext, force: Force, ref: str) -> None:
    before = row_counts(ctx.engine)
    slack.command(force.officer, f"close {ref}")
    assert "Say why the record is being closed" in one_reply(slack)
    assert row_counts(ctx.engine) == before


@pytest.mark.parametrize(
    "command",
    [
        "hearing {ref} monday 10:00",
        "breach {ref} today 20:30",
        "check {ref} done today 20:45",
        "close {ref} duplicate",
    ],
)
def test_an_officer_of_another_team_is_refused_with_the_reason(
    slack: SlackDriver, ctx: ServiceContext, force: Force, ref: str, command: str
) -> None:
    before = row_counts(ctx.engine)
    slack.command(force.other_officer, command.format(ref=ref))
    text = one_reply(slack)
    assert f"{ref} belongs to another team. Only its officers and their supervisors can change it." in text
    assert PERPETRATOR not in text
    assert row_counts(ctx.engine) == before


def test_a_champion_reads_but_cannot_change(slack: SlackDriver, ctx: ServiceContext, force: Force, ref: str) -> None:
    before = row_counts(ctx.engine)
    slack.command(force.champion, f"hearing {ref} monday 10:00")
    text = one_reply(slack)
    assert f"Champions can read records but not change them. Ask the officer in charge of {ref}" in text
    assert row_counts(ctx.engine) == before


def test_a_colleague_and_the_supervisor_may_change_the_teams_record(
    slack: SlackDriver, ctx: ServiceContext, force: Force, ref: str
) -> None:
    slack.command(force.colleague, f"breach {ref} today 20:30")
    slack.command(force.supervisor, f"check {ref} done today 20:45")
    first, second = (reply_text(c) for c in slack.replies())
    assert f"Breach of {ref} recorded." in first
    assert f"Breach check on {ref} recorded." in second


@pytest.mark.parametrize(
    "command, message",
    [
        ("hearing {ref} monday 10:00 at " + "Court " * 50, "The court's name is too long"),
        ("breach {ref} today 20:30 crime " + "9" * 41, "The crime reference is too long"),
        ("check {ref} done today 20:45 " + "no contact " * 50, "The outcome is too long"),
        ("close {ref} " + "reason " * 80, "The reason is too long"),
        ("admin team create " + "Team " * 30, "The team name is too long"),
    ],
    ids=["court", "crime-reference", "check-outcome", "close-reason", "team-name"],
)
def test_text_longer_than_the_record_holds_is_refused_not_an_error(
    slack: SlackDriver, ctx: ServiceContext, force: Force, ref: str, command: str, message: str
) -> None:
    before = row_counts(ctx.engine)
    slack.command(force.admin if "admin" in command else force.officer, command.format(ref=ref))
    text = one_reply(slack)
    assert message in text
    assert "Something went wrong" not in text
    assert row_counts(ctx.engine) == before
