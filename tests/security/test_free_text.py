"""Attack: a victim's name and address typed into every free-text field of a record (the
authorising officer, conditions, a crime reference, a court, breach details, a check's outcome, a
close reason, a reason for opening it), through the real forms and commands.

Then the record is posted to a channel, its team's digest is posted to the team channel, and it is
exported: no channel message and no CSV holds any of it (channels and exports carry only what the
bot controls or has checked: references, types, statuses, dates, initials, crime references in the
force's format). A crime reference not in that format is refused with a clear message and nothing
is saved. And once the record's family is erased, no column of any table holds any of it: the
audit trail recorded that those fields were given, never what they said."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from config import SettingsError, settings_from
from console.slack_api import Call, SlackWebAPI
from models import metadata
from scheduler.digests import send_due_digests
from scheduler.notifier import SlackNotifier
from services.clock import ManualClock
from services.context import ServiceContext
from services.errors import ValidationFailed
from services.governance import retention, staff
from services.records import breaches, checks, hearings, lifecycle
from services.records import recording as records
from services.records.crime_references import is_crime_reference, shareable_crime_reference
from services.records.order_writer import PersonInput
from tests.support.database import row_counts
from tests.support.force import Force, london
from tests.support.records import DVPN_ANSWERS, dvpn
from tests.support.slack_app import ctx, slack
from tests.support.slack_driver import SlackDriver, ack_body, open_record_form, reply_text

__all__ = ["ctx", "slack"]  # the real app on the stand-in, as tests/slack drives it

NAME, ADDRESS = "Zelda Quarrington", "14 Wrenfield Gardens"
SECRETS = ("Quarrington", "Wrenfield")  # either half of what was typed is a leak
CRIME_REFERENCE, BREACH_CRIME_REFERENCE = "44/777123/26", "44/777124/26"
TRACES = (*SECRETS, "Zelda", CRIME_REFERENCE, BREACH_CRIME_REFERENCE)  # what erasure must take with it


def channel_visible(api: SlackWebAPI) -> list[Call]:
    """Every message anyone in a channel can read: replies posted in the channel, and messages
    posted to a channel (C...), not to a user's DM."""
    return [
        call
        for call in api.calls()
        if (call.method == "response_url" and call.get("response_type") == "in_channel")
        or (call.method == "chat.postMessage" and str(call.get("channel", "")).startswith("C"))
    ]


def test_free_text_never_reaches_a_channel_or_an_export(
    slack: SlackDriver, ctx: ServiceContext, engine: Engine, force: Force, slack_api: SlackWebAPI, clock: ManualClock
) -> None:
    staff.create_team(ctx, force.admin, "Team C", digest_channel="C0TEAMC")
    staff.place_in_team(ctx, force.admin, force.officer, "Team C")
    officer = force.officer
    form = open_record_form(slack, officer, "DVPN")
    answers = DVPN_ANSWERS | {
        "order_type": "DVPN",
        "authoriser_name": f"{NAME} at {ADDRESS}",
        "conditions": f"Not to contact {NAME} at {ADDRESS}",
    }
    # A name, an address or a formula where a crime reference goes: refused, nothing saved.
    for typed in (NAME, ADDRESS, "Quarrington/14", "=1+1"):
        before = row_counts(engine)
        refused = slack.submit(officer, form, answers | {"crime_reference": typed})
        assert "not a crime reference in this force's format" in ack_body(refused)["errors"]["crime_reference"]
        assert row_counts(engine) == before
    assert slack.submit(officer, form, answers | {"crime_reference": CRIME_REFERENCE}).status == 200
    found = re.search(r"[A-Z]{2,4}-DVPN-\d{4}-\d{4}", json.dumps([c.args for c in slack_api.calls()]))
    assert found, "the record was not confirmed"
    reference = found.group()

    slack.press(officer, "record_book_hearing", reference)
    booked = slack.submit(officer, slack.opened_view(), {"scheduled_at": "tomorrow 10:00", "court": ADDRESS})
    assert booked.status == 200 and ack_body(booked) == {}
    slack.press(officer, "record_breach", reference)
    breach_form = slack.opened_view()
    breach = {"occurred_at": "today 20:30", "details": f"{NAME} says he came to {ADDRESS}"}
    before = row_counts(engine)
    refused = slack.submit(officer, breach_form, breach | {"crime_reference": f"{NAME} 14"})
    assert "not a crime reference" in ack_body(refused)["errors"]["crime_reference"]
    assert row_counts(engine) == before
    assert ack_body(slack.submit(officer, breach_form, breach | {"crime_reference": BREACH_CRIME_REFERENCE})) == {}
    before = row_counts(engine)
    slack.command(officer, f"breach {reference} today 20:40 crime Quarrington details at {ADDRESS}")  # the quick path
    assert "not a crime reference" in reply_text(slack.last_reply())
    assert row_counts(engine) == before

    slack.press(officer, "record_post_to_channel", reference)
    clock.set(london("2026-04-03 07:30"))  # Team C's digest time (07:00) has passed
    notifier = SlackNotifier(slack.app.client.__class__(base_url=slack_api.api_url, token="xoxb-test"))
    assert "Team C" in send_due_digests(ctx, notifier, "free-text-test").sent
    slack.command(force.admin, "export 2026-04 Team C")
    exported = slack.submit(force.admin, slack.opened_view(), {"justification": "Quarterly caseload review for PPU"})
    assert ack_body(exported) == {}

    posted = channel_visible(slack_api)
    [card] = [c for c in posted if c.method == "response_url"]
    [digest] = [c for c in posted if c.get("channel") == "C0TEAMC"]
    [csv_file] = slack_api.shared_files()
    shown = json.dumps(card.args) + json.dumps(digest.args)
    content = csv_file["content"].decode()
    assert reference in json.dumps(card.args) and reference in json.dumps(digest.args) and reference in content
    assert "Hearings" in json.dumps(card.args) and "hearing" in json.dumps(digest.args)  # shown, without the court
    assert BREACH_CRIME_REFERENCE in json.dumps(digest.args) and CRIME_REFERENCE in content  # checked, so shown
    leaks = [(c.method, s) for c in posted for s in SECRETS if s in json.dumps(c.args)]
    leaks += [("csv", s) for s in SECRETS if s in content]
    assert leaks == [] and not any(s in shown for s in SECRETS)


def test_a_crime_reference_is_held_to_the_configured_format() -> None:
    settings = settings_from({"DVPN_CRIME_REFERENCE_PATTERN": r"[0-9]{2}/[0-9]{6}/[0-9]{2}"})
    assert is_crime_reference(settings, "22/123456/26")
    assert not is_crime_reference(settings, "CRI/12345/26")  # fine by default, not this force's format
    # Whatever the pattern says, only letters, digits, / and -: a loose one cannot let text through.
    loose = settings_from({"DVPN_CRIME_REFERENCE_PATTERN": ".*", "DVPN_CRIME_REFERENCE_EXAMPLE": "x"})
    assert not is_crime_reference(loose, f"{NAME} 14")
    assert shareable_crime_reference(settings, "Quarrington 14") == "(withheld: not in the crime reference format)"
    for bad in ({"DVPN_CRIME_REFERENCE_PATTERN": "(unclosed"}, {"DVPN_CRIME_REFERENCE_EXAMPLE": "Zelda"}):
        with pytest.raises(SettingsError, match="DVPN_CRIME_REFERENCE"):
            settings_from(bad)


def every_text(engine: Engine) -> str:
    """Every text value (JSON included) in every column of every table, as the database holds it."""
    with engine.connect() as connection:
        return "\n".join(
            json.dumps(value) if isinstance(value, dict | list) else str(value)
            for table in metadata.sorted_tables
            for row in connection.execute(sa.select(table))
            for value in row
            if isinstance(value, str | dict | list)
        )


def test_erasure_leaves_no_free_text_in_any_table(ctx: ServiceContext, clock: ManualClock, force: Force) -> None:
    a = force.officer
    clock.set(london("2026-04-02 21:00"))
    victim = PersonInput(NAME, date(1991, 5, 5), ADDRESS)
    record = dvpn(
        authoriser_name=f"Supt {NAME}",
        conditions=f"Not to go to {ADDRESS}",
        court=f"{NAME}'s court",
        crime_reference=CRIME_REFERENCE,
        protected=(victim,),
    )
    reference = records.record(ctx, a, record).reference
    clock.set(london("2026-04-03 21:00"))
    checks.complete_check(ctx, a, reference, london("2026-04-03 20:30"), f"Spoke to {NAME} at {ADDRESS}")
    breaches.record_breach(
        ctx, a, reference, london("2026-04-03 20:45"), crime_reference=BREACH_CRIME_REFERENCE, details=ADDRESS
    )
    hearings.book_hearing(ctx, a, reference, london("2026-04-04 10:00"), f"{ADDRESS} (home of {NAME})")
    # A reason for opening it beyond one's team stays in the trail: one naming the people is refused.
    before = row_counts(ctx.engine)
    with pytest.raises(ValidationFailed, match="without naming anyone"):
        records.view(ctx, force.champion, reference, f"Checking on Zelda for the MARAC, {NAME}")
    assert row_counts(ctx.engine) == before
    records.view(ctx, force.champion, reference, "MARAC review of a repeat victim")
    lifecycle.close(ctx, a, reference, f"{NAME} moved away from {ADDRESS}")
    assert all(s in every_text(ctx.engine) for s in TRACES)
    trail = every_text_of(ctx.engine, "audit_event")
    assert [s for s in TRACES if s in trail] == []

    clock.set(london("2033-01-01 09:00"))
    retention.erase(ctx, force.admin, reference, "MoPI review: no policing purpose remains")

    left = every_text(ctx.engine)
    assert [s for s in TRACES if s in left] == []
    assert reference in left  # the trail of the erasure is still there


def every_text_of(engine: Engine, table: str) -> str:
    with engine.connect() as connection:
        rows = connection.execute(sa.select(metadata.tables[table]))
        return "\n".join(json.dumps(dict(row._mapping), default=str) for row in rows)
