"""/dvpn export's CSV against the seeded April (tests/support/april.py), its audit rows,
CSV injection, and the refusals."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from models import ProtectionOrder, Team
from models.db import session_scope
from services.clock import ManualClock
from services.context import ServiceContext
from services.errors import DomainError, NotAllowed, ValidationFailed
from services.records import recording as records
from services.reporting import export
from services.reporting.csv_file import neutralised
from services.reporting.period import parse_period
from tests.support.database import audit_rows, row_counts
from tests.support.force import Force, london
from tests.support.records import dvpn

APRIL = parse_period("2026-04", date(2026, 4, 30))
REASON = "Monthly caseload review for the PPU performance meeting"

HEADER = (
    "reference,type,status,team,officer_slack_id,follows,served,made,hearing_deadline,first_hearing,"
    "heard_within_48h,last_hearing_outcome,expires,until_further_order,ended,risk_level,children_present,"
    "crime_reference,breaches,breaches_without_crime_reference,checks_done,checks_overdue,perpetrator_initials,"
    "protected_people"
)
# Team A's records in force at some time in April, in the order they began (see report_seed.py).
TEAM_A_ROWS = [
    "WM-DVPN-2026-0001,DVPN,lapsed,Team A,UOFFA1,,2026-03-31 23:30,,2026-04-02 23:30,,,,,no,2026-04-02 23:30,"
    ",no,,0,0,0,1,APE,1",
    "WM-DVPN-2026-0002,DVPN,lapsed,Team A,UOFFA1,,2026-04-01 00:30,,2026-04-04 00:30,,,,,no,2026-04-04 00:30,"
    ",no,,0,0,0,1,APE,1",
    "WM-DVPN-2026-0003,DVPN,superseded,Team A,UOFFA1,,2026-04-02 20:00,,2026-04-07 20:00,2026-04-07 10:00,yes,"
    "granted,,no,"
    "2026-04-07 11:00,,no,,0,0,1,0,APE,1",
    "WM-DVPO-2026-0001,DVPO,active,Team A,UOFFA1,WM-DVPN-2026-0003,2026-04-07 11:00,2026-04-07 11:00,,,,,"
    "2026-05-05 00:00,no,,,no,,2,0,2,1,APE,1",
    "WM-DVPN-2026-0004,DVPN,refused,Team A,UOFFA1,,2026-04-08 09:00,,2026-04-10 09:00,2026-04-10 08:45,yes,refused,,no,"
    "2026-04-10 15:00,,no,,0,0,0,1,APE,1",
    "WM-DVPN-2026-0006,DVPN,lapsed,Team A,UOFFA1,,2026-04-13 10:00,,2026-04-15 10:00,,,,,no,2026-04-15 10:00,"
    ",no,,0,0,0,1,APE,1",
    "WM-DVPN-2026-0007,DVPN,active,Team A,UOFFA1,,2026-04-20 12:00,,2026-04-22 12:00,2026-04-21 10:00,yes,"
    "adjourned,,no,,,no,,1,1,1,1,APE,1",
]
TEAM_B_ROWS = [
    "WM-DVPN-2026-0005,DVPN,superseded,Team B,UOFFB1,,2026-04-09 10:00,,2026-04-11 10:00,2026-04-10 10:00,yes,"
    "granted,,no,2026-04-10 10:30,,no,,0,0,0,1,APE,1",
    "WM-DVPO-2026-0002,DVPO,expired,Team B,UOFFB1,WM-DVPN-2026-0005,2026-04-10 10:30,2026-04-10 10:30,,,,,"
    "2026-04-24 00:00,no,2026-04-24 00:00,,no,,1,0,1,1,APE,1",
]


def lines(content: bytes) -> list[str]:
    text = content.decode("utf-8")
    assert text.endswith("\r\n")
    return text.removesuffix("\r\n").split("\r\n")


def test_a_supervisor_exports_their_teams_records_in_force_in_the_period(ctx: ServiceContext, april: Force) -> None:
    made = export.export_records(ctx, april.supervisor, APRIL, None, REASON)

    assert made.filename == "dvpn-export-team-a-2026-04-01-to-2026-04-30.csv"
    assert lines(made.content) == [HEADER, *TEAM_A_ROWS]
    assert made.rows == 7


def test_an_admin_exports_the_force(ctx: ServiceContext, april: Force) -> None:
    made = export.export_records(ctx, april.admin, APRIL, None, REASON)
    rows = lines(made.content)[1:]
    assert sorted(rows) == sorted(TEAM_A_ROWS + TEAM_B_ROWS)
    assert made.filename == "dvpn-export-force-2026-04-01-to-2026-04-30.csv"


def test_the_export_holds_no_names_dates_of_birth_or_addresses(ctx: ServiceContext, april: Force) -> None:
    from tests.support.records import PERSONAL

    content = export.export_records(ctx, april.admin, APRIL, None, REASON).content.decode()
    assert [fragment for fragment in PERSONAL if fragment in content] == []


def test_one_audit_row_for_the_export_and_one_per_record(ctx: ServiceContext, april: Force) -> None:
    made = export.export_records(ctx, april.supervisor, APRIL, "Team A", REASON)

    [summary] = audit_rows(ctx.engine, action="export", entity_type="export")
    assert summary["id"] == made.audit_event_id
    assert summary["actor"] == f"slack:{april.supervisor}"
    assert summary["justification"] == REASON
    assert summary["after"]["scope"] == "Team A"
    assert summary["after"]["rows"] == 7
    assert summary["after"]["period"] == {"label": "2026-04", "first_day": "2026-04-01", "last_day": "2026-04-30"}
    per_record = audit_rows(ctx.engine, action="export", entity_type="protection_order")
    assert len(per_record) == 7
    assert {row["after"]["export_event"] for row in per_record} == {made.audit_event_id}  # type: ignore[index]
    assert {row["justification"] for row in per_record} == {REASON}
    assert len({row["order_id"] for row in per_record}) == 7


def test_each_exported_record_has_the_same_audit_row_but_for_itself_in_the_files_order(
    ctx: ServiceContext, april: Force
) -> None:
    """The per-record rows are written in one statement: each must still be the whole row the
    summary's actor, time and reason make, pointing at its record, one per line of the file."""
    made = export.export_records(ctx, april.admin, APRIL, None, REASON)
    [summary] = audit_rows(ctx.engine, action="export", entity_type="export")
    per_record = audit_rows(ctx.engine, action="export", entity_type="protection_order")
    with session_scope(ctx.engine) as session:
        references = dict(session.exec(select(ProtectionOrder.id, ProtectionOrder.reference)).all())
    assert [references[row["order_id"]] for row in per_record] == [
        line.split(",")[0] for line in lines(made.content)[1:]
    ]
    same = ("at", "actor_user_id", "actor", "action", "justification", "source")
    for row in per_record:
        assert {key: row[key] for key in same} == {key: summary[key] for key in same}
        assert (row["entity_id"], row["before"], row["after"]) == (
            row["order_id"],
            None,
            {"export_event": summary["id"]},
        )


def test_cells_a_spreadsheet_would_run_are_neutralised(ctx: ServiceContext, clock: ManualClock, force: Force) -> None:
    clock.set(london("2026-04-03 09:00"))
    # A formula never reaches the file as a crime reference: it is not one, so it is refused at entry.
    before = row_counts(ctx.engine)
    for formula in ('=HYPERLINK("http://x","y")', "@SUM(A1)", "-1+2"):
        with pytest.raises(ValidationFailed):
            records.record(ctx, force.officer, dvpn(crime_reference=formula))
    assert row_counts(ctx.engine) == before
    # Every other cell (team names, typed by admins) is neutralised on the way out.
    assert [neutralised(v) for v in ("+1", "-1", "\tx", "\rx", "ok", "")] == [
        "'+1",
        "'-1",
        "'\tx",
        "'\rx",
        "ok",
        "",
    ]


def test_a_team_named_as_a_formula_reaches_the_file_neutralised(ctx: ServiceContext, april: Force) -> None:
    """Team names are typed by admins; each distinct cell is checked once, and every row of the
    team must still carry the neutralised name."""
    with session_scope(ctx.engine) as session:
        team = session.exec(select(Team).where(Team.name == "Team A")).one()
        team.name = "=HYPERLINK(1)"
    made = export.export_records(ctx, april.admin, APRIL, None, REASON)

    teams = [line.split(",")[3] for line in lines(made.content)[1:]]
    assert sorted(teams) == sorted(["'=HYPERLINK(1)"] * len(TEAM_A_ROWS) + ["Team B"] * len(TEAM_B_ROWS))


@pytest.mark.parametrize(
    "who, team, error, fragment",
    [
        ("officer", None, NotAllowed, "Only supervisors (for their teams) and admins can export"),
        ("champion", None, NotAllowed, "Your role is champion"),
        ("supervisor", "Team B", NotAllowed, "You do not supervise Team B"),
    ],
)
def test_refusals_export_and_log_nothing(
    ctx: ServiceContext, april: Force, who: str, team: str | None, error: type[Exception], fragment: str
) -> None:
    before = row_counts(ctx.engine)
    with pytest.raises(error) as refused:
        export.export_records(ctx, getattr(april, who), APRIL, team, REASON)
    assert fragment in str(refused.value)
    with pytest.raises(error):
        export.prepare(ctx, getattr(april, who), team)
    assert row_counts(ctx.engine) == before


@pytest.mark.parametrize("reason", [None, "", "   ", "because", "x" * 1001])
def test_a_missing_or_useless_justification_is_refused(ctx: ServiceContext, april: Force, reason: str | None) -> None:
    before = row_counts(ctx.engine)
    with pytest.raises(DomainError) as refused:
        export.export_records(ctx, april.supervisor, APRIL, None, reason)
    assert refused.value.field == "justification"
    assert row_counts(ctx.engine) == before
