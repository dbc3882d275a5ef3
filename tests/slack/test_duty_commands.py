"""changed, exempt, monitoring and the calculator's new clocks, through the real Bolt app: each
echoes how its times were read and shows the card; a refusal says what to type and writes nothing."""

from __future__ import annotations

import sqlalchemy as sa

from models import metadata
from rules.order_types import OrderType
from services.context import ServiceContext
from tests.support.database import row_counts
from tests.support.force import Force, london
from tests.support.records import dapo, record
from tests.support.slack_driver import SlackDriver, ack_body, open_record_form, reply_text


def one_reply(slack: SlackDriver) -> str:
    calls = slack.sent()
    assert [c.method for c in calls] == ["response_url"], [c.method for c in calls]
    return reply_text(calls[0])


def rows(ctx: ServiceContext, table: str) -> list[dict[str, object]]:
    with ctx.engine.connect() as connection:
        return [dict(r._mapping) for r in connection.execute(sa.select(metadata.tables[table]))]


def test_changed_starts_a_window_and_echoes_the_time(slack: SlackDriver, ctx: ServiceContext, force: Force) -> None:
    ref = record(ctx, force.officer, dapo()).reference
    slack.command(force.officer, f"changed {ref} address today 18:00")
    text = one_reply(slack)
    assert f"Change recorded on {ref}: a new 3-day window to notify." in text
    assert "Changed: Thu 02 Apr 2026 18:00 BST" in text
    # 2, 3 and 4 April (DAA 2021 s41(5)): the window ends Sun 05 Apr 00:00 BST.
    change = next(r for r in rows(ctx, "notification") if r["kind"] == "change")
    assert change["due_at"] == london("2026-04-05 00:00")


def test_changed_without_what_changed_says_what_to_type(slack: SlackDriver, ctx: ServiceContext, force: Force) -> None:
    ref = record(ctx, force.officer, dapo()).reference
    before = row_counts(ctx.engine)
    slack.command(force.officer, f"changed {ref} moved house")
    assert "Say what changed: `/dvpn changed REF name|address|no-address [WHEN]`." in one_reply(slack)
    assert row_counts(ctx.engine) == before


def test_exempt_records_the_basis_and_a_wrong_one_is_refused(
    slack: SlackDriver, ctx: ServiceContext, force: Force
) -> None:
    ref = record(ctx, force.officer, dapo()).reference
    before = row_counts(ctx.engine)
    slack.command(force.officer, f"exempt {ref} replaces-interim")
    assert "'replaces-interim' does not exempt a DAPO" in one_reply(slack)
    assert row_counts(ctx.engine) == before
    slack.command(force.officer, f"exempt {ref} another-dapo")
    assert "DAA 2021 s41(8)(a)" in reply_text(slack.last_reply())
    assert rows(ctx, "protection_order")[0]["notification_exempt"] == "another-dapo"


def test_monitoring_beyond_twelve_months_is_refused_with_the_latest_day(
    slack: SlackDriver, ctx: ServiceContext, force: Force
) -> None:
    # Made Thu 2 Apr 2026: 12 months beginning with that day end with Thu 1 Apr 2027.
    ref = record(ctx, force.officer, dapo()).reference
    before = row_counts(ctx.engine)
    slack.command(force.officer, f"monitoring {ref} until 2/4/2027")
    assert "its last day can be 01 Apr 2027 at the latest" in one_reply(slack)
    assert row_counts(ctx.engine) == before
    slack.command(force.officer, f"monitoring {ref} until 1/4/2027")
    assert f"Electronic monitoring recorded on {ref}." in reply_text(slack.last_reply())
    assert rows(ctx, "protection_order")[0]["monitoring_ends_at"] == london("2027-04-02 00:00")


def test_the_calculator_gives_the_change_window_and_the_longest_monitoring(slack: SlackDriver, force: Force) -> None:
    slack.command(force.officer, f"deadline {OrderType.SPO} 2/4/2026 09:00 changed")
    text = reply_text(slack.last_reply())
    assert "Changed: Thu 02 Apr 2026 09:00 BST" in text
    assert "Stalking Protection Act 2019 s9(3)" in text and "Sun 05 Apr 2026 00:00 BST" in text
    slack.command(force.officer, "deadline DAPO 2/4/2026 11:00 monitoring")
    text = reply_text(slack.last_reply())
    assert "Starts: Thu 02 Apr 2026 11:00 BST" in text and "Fri 02 Apr 2027 00:00 BST" in text


def test_the_record_form_offers_the_exemptions_a_type_has_and_records_one(
    slack: SlackDriver, ctx: ServiceContext, force: Force
) -> None:
    form = open_record_form(slack, force.officer, "SPO")
    exempt = next(b for b in form["blocks"] if b.get("block_id") == "notification_exempt")
    assert [o["value"] for o in exempt["element"]["options"]] == ["sex-offender", "replaces-interim"]
    answers = {
        "order_type": "SPO",
        "made_at": "2/4/2026 11:00",
        "duration": "until further order",
        "perpetrator_name": "Alex Example",
        "notification_exempt": "replaces-interim",
    }
    assert ack_body(slack.submit(force.officer, form, answers)) == {}
    # SPA 2019 s9(1)(a): the first notification is owed under the interim order, not this one.
    assert rows(ctx, "protection_order")[0]["notification_exempt"] == "replaces-interim"
    assert rows(ctx, "notification") == []


def test_the_record_form_of_a_type_with_no_exemption_has_no_such_field(slack: SlackDriver, force: Force) -> None:
    form = open_record_form(slack, force.officer, "DVPO")
    assert all(b.get("block_id") != "notification_exempt" for b in form["blocks"])
