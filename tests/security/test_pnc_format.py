"""Attack: a PNC id that is not one. PNC ids join a perpetrator's records across teams, so a made-up
or mistyped one ("ABC", a wrong check letter, a missing slash) would join the wrong people or none.
The record form refuses each on the PNC field with the format to type, nothing is sent, no row
changes; a well-formed one is stored as the PNC shows it, so one id matches however it was typed."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import Session, select

from models import Perpetrator
from rules.names import PNC_CHECK_LETTERS, pnc_check_letter, pnc_id_problem
from services.context import ServiceContext
from tests.support.database import row_counts
from tests.support.force import Force
from tests.support.records import DVPN_ANSWERS
from tests.support.slack_app import ctx, slack, slack_api  # noqa: F401  (the real Bolt app and Slack stand-in)
from tests.support.slack_driver import SlackDriver, ack_body, open_record_form


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("ABC", "That is not a PNC id"),
        ("12345678U", "That is not a PNC id"),
        ("12/345678", "That is not a PNC id"),
        ("1/345678U", "That is not a PNC id"),
        ("12/12345678U", "That is not a PNC id"),
        ("12/345678A", "check letter does not match"),
        ("12/345679U", "check letter does not match"),
    ],
)
def test_a_malformed_pnc_id_is_refused_on_its_field(
    slack: SlackDriver,  # noqa: F811
    ctx: ServiceContext,  # noqa: F811
    force: Force,
    typed: str,
    expected: str,
) -> None:
    form = open_record_form(slack, force.officer, "DVPN")
    before = row_counts(ctx.engine)
    slack.api.clear()

    answered = slack.submit(force.officer, form, DVPN_ANSWERS | {"order_type": "DVPN", "perpetrator_pnc": typed})

    said = ack_body(answered)["errors"]["perpetrator_pnc"]
    assert expected in said and ("12/345678U" in said or "PNC" in said), said
    assert slack.sent() == []
    assert row_counts(ctx.engine) == before


def test_a_pnc_id_is_stored_as_the_pnc_shows_it(
    slack: SlackDriver,  # noqa: F811
    ctx: ServiceContext,  # noqa: F811
    force: Force,
) -> None:
    form = open_record_form(slack, force.officer, "DVPN")
    answered = slack.submit(
        force.officer, form, DVPN_ANSWERS | {"order_type": "DVPN", "perpetrator_pnc": "2012/0345678u"}
    )
    assert ack_body(answered) == {}
    with Session(ctx.engine) as session:
        assert session.exec(select(Perpetrator.pnc_id)).all() == ["12/345678U"]


@given(st.integers(min_value=0, max_value=99), st.integers(min_value=0, max_value=9_999_999), st.data())
def test_only_the_check_letter_of_the_number_is_accepted(year: int, serial: int, data: st.DataObject) -> None:
    right = pnc_check_letter(f"{year:02d}", str(serial))
    assert pnc_id_problem(f"{year:02d}/{serial}{right}") is None
    assert pnc_id_problem(f"20{year:02d}/{serial:07d}{right.lower()}") is None
    wrong = data.draw(st.sampled_from([c for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ" if c != right]))
    assert pnc_id_problem(f"{year:02d}/{serial}{wrong}") is not None


def test_the_check_letters_leave_out_i_o_and_s() -> None:
    assert len(PNC_CHECK_LETTERS) == 23 and not set("IOS") & set(PNC_CHECK_LETTERS)
    assert pnc_check_letter("12", "345678") == "U"  # 120345678 = 23 * 5232420 + 18, and letter 18 is U
