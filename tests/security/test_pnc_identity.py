"""Attack: officer B harvests the PNC id of officer A's perpetrator and records a "perpetrator"
with it under another name, date of birth and address, hoping the bot fetches A's person. It
must not: B's confirmation and later lookups show only what B typed, nothing of A's person;
what B typed is kept; the mismatch is recorded, audited, and listed for an admin (not for B, nor
for a supervisor answerable for only one of the teams), without names or the PNC id."""

from __future__ import annotations

import json
from datetime import date

import sqlalchemy as sa

from blocks import actions as ids
from models import IdentityMismatch, Perpetrator
from services.context import ServiceContext
from services.records.order_writer import PersonInput
from tests.slack.test_forms import open_record_form
from tests.support.database import audit_rows, row_counts
from tests.support.force import Force
from tests.support.records import DVPN_ANSWERS, PERPETRATOR, PERSONAL, dvpn, record
from tests.support.slack_app import ctx, slack, slack_api  # noqa: F401  (the real Bolt app and Slack stand-in)
from tests.support.slack_driver import SlackDriver, ack_body, reply_text

PNC = "12/345678U"
TYPED = {"name": "Brian Decoy-Baker", "dob": "1991-11-11", "address": "7 Elsewhere Road, Dudley DY1 1AA"}


def recorded_by_b(driver: SlackDriver, force: Force) -> str:
    form = open_record_form(driver, force.other_officer, "DVPN")
    answers = {
        **DVPN_ANSWERS,
        "order_type": "DVPN",
        "perpetrator_name": TYPED["name"],
        "perpetrator_dob": TYPED["dob"],
        "perpetrator_address": TYPED["address"],
        "perpetrator_pnc": PNC,
        "protected_name": "Dora Typed-By-B",
    }
    assert ack_body(driver.submit(force.other_officer, form, answers)) == {}
    [confirmation] = driver.api.calls("chat.postEphemeral")
    text = reply_text(confirmation)
    assert "already on record with a different name or date of birth" in text
    assert not [secret for secret in PERSONAL if secret in json.dumps(confirmation.args)]
    reference = text.split(" recorded.")[0].split()[-1]
    driver.press(force.other_officer, ids.OPEN_RECORD, reference)  # the confirmation's Show record: the card
    card = driver.last_reply()
    assert TYPED["name"] in reply_text(card) and "7 Elsewhere Road" in reply_text(card)  # what B typed
    assert not [secret for secret in PERSONAL if secret in json.dumps(card.blocks)]  # nothing of A's record
    return reference


def test_a_pnc_id_typed_with_other_details_fetches_nothing_of_the_person_holding_it(
    slack: SlackDriver,  # noqa: F811
    ctx: ServiceContext,  # noqa: F811
    force: Force,
) -> None:
    a_person = PersonInput(PERPETRATOR, date(1990, 1, 15), "14 Hollybush Lane", PNC)
    a_ref = record(ctx, force.officer, dvpn(perpetrator=a_person)).reference
    before = row_counts(ctx.engine)
    b_ref = recorded_by_b(slack, force)

    after = row_counts(ctx.engine)
    assert after["perpetrator"] == before["perpetrator"] + 1  # what B typed is kept, in its own row
    assert after["identity_mismatch"] == before["identity_mismatch"] + 1
    with ctx.engine.connect() as connection:
        a_person, b_person = connection.execute(sa.select(Perpetrator.__table__).order_by(sa.text("id"))).all()
        [mismatch] = connection.execute(sa.select(IdentityMismatch.__table__)).all()
    assert (a_person.full_name, str(a_person.date_of_birth)) == (PERPETRATOR, "1990-01-15")  # untouched
    assert (b_person.full_name, str(b_person.date_of_birth), b_person.pnc_id) == (TYPED["name"], TYPED["dob"], PNC)
    assert (mismatch.perpetrator_id, mismatch.resolved_at) == (b_person.id, None)
    [flagged] = audit_rows(ctx.engine, entity_type="identity_mismatch", action="create")
    assert flagged["actor"] == f"slack:{force.other_officer}" and flagged["order_id"] == mismatch.order_id

    seen_before = len(slack.sent())
    for typed in (f"show {b_ref}", f"perpetrator {b_ref}", f"perpetrator {PNC}", f"perpetrator {TYPED['name']}"):
        slack.command(force.other_officer, typed)
    later = json.dumps([c.args for c in slack.sent()[seen_before:]])
    assert TYPED["name"] in later
    assert [secret for secret in PERSONAL if secret in later] == []
    assert a_ref not in later  # A's record is not even listed in B's person's history


def test_the_mismatch_is_listed_for_an_admin_not_for_the_officer_nor_a_one_team_supervisor(
    slack: SlackDriver,  # noqa: F811
    ctx: ServiceContext,  # noqa: F811
    force: Force,
) -> None:
    a_ref = record(ctx, force.officer, dvpn(perpetrator=PersonInput(PERPETRATOR, None, None, PNC))).reference
    b_ref = recorded_by_b(slack, force)

    before = row_counts(ctx.engine)
    slack.command(force.other_officer, "identity")
    assert "Identity checks are settled by supervisors and admins" in reply_text(slack.last_reply())
    slack.command(force.supervisor, "identity")  # supervises Team A only; B's record is Team B's
    assert "No identity checks are open for your teams." in reply_text(slack.last_reply())
    slack.command(force.admin, "identity")
    listed = reply_text(slack.last_reply())
    assert f"*#1* · *{b_ref}* (Team B" in listed and f"PNC id already on {a_ref}" in listed
    assert PNC not in listed and TYPED["name"] not in listed and PERPETRATOR not in listed
    assert {k: v for k, v in row_counts(ctx.engine).items() if k != "audit_event"} == {
        k: v for k, v in before.items() if k != "audit_event"
    }

    slack.command(force.other_officer, "identity resolve 1 same")  # the officer cannot settle it
    assert "Identity checks are settled by supervisors and admins" in reply_text(slack.last_reply())
    slack.command(force.admin, "identity resolve 1 different")
    assert "Identity check #1 settled: kept apart" in reply_text(slack.last_reply())
    [settled] = audit_rows(ctx.engine, entity_type="identity_mismatch", action="update")
    assert settled["actor"] == f"slack:{force.admin}" and settled["after"]["same_person"] is False
