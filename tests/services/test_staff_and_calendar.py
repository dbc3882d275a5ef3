"""Users, roles and teams (admins only), and the admin's extra excluded days."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date

import pytest
import sqlalchemy as sa

from config import Settings
from models import Role, metadata
from rules.order_types import OrderType
from rules.ranks import Rank
from services.context import ServiceContext
from services.errors import Conflict, DomainError, NotAllowed, NotFound
from services.governance import staff
from services.records import calendar
from services.records import recording as records
from services.records.order_writer import PersonInput
from services.records.recording import NewRecord
from tests.support.database import audit_rows, row_counts
from tests.support.force import Force, london


def dvpn(served: str) -> NewRecord:
    return NewRecord(
        order_type=OrderType.DVPN,
        served_at=london(served),
        authoriser_name="Supt Example",
        authoriser_rank=Rank.SUPERINTENDENT,
        perpetrator=PersonInput("Alex Example", date(1990, 1, 1)),
    )


def order_row(ctx: ServiceContext, reference: str) -> dict[str, object]:
    table = metadata.tables["protection_order"]
    with ctx.engine.connect() as connection:
        return dict(connection.execute(sa.select(table).where(table.c.reference == reference)).one()._mapping)


ADMIN_ACTIONS: dict[str, Callable[[ServiceContext, str], object]] = {
    "create-team": lambda ctx, who: staff.create_team(ctx, who, "Team C"),
    "place-in-team": lambda ctx, who: staff.place_in_team(ctx, who, "UOFFA2", "Team B"),
    "set-role": lambda ctx, who: staff.set_role(ctx, who, "UOFFA2", Role.SUPERVISOR),
    "add-supervisor": lambda ctx, who: staff.add_supervisor(ctx, who, "USUPA", "Team B"),
    "set-rank": lambda ctx, who: staff.set_rank(ctx, who, "UOFFA2", Rank.SERGEANT),
}


@pytest.mark.parametrize("who", ["officer", "supervisor", "champion"])
@pytest.mark.parametrize("action", list(ADMIN_ACTIONS))
def test_only_admins_manage_teams_and_roles(ctx: ServiceContext, force: Force, who: str, action: str) -> None:
    before = row_counts(ctx.engine)
    with pytest.raises(NotAllowed, match="Only admins can") as refused:
        ADMIN_ACTIONS[action](ctx, getattr(force, who))
    assert f"Your role is {Role[who.upper()].value}" in refused.value.message
    assert row_counts(ctx.engine) == before


def test_admin_changes_are_audited(ctx: ServiceContext, force: Force) -> None:
    team = staff.create_team(ctx, force.admin, "  PPU   North ")
    assert team.name == "PPU North"
    view = staff.place_in_team(ctx, force.admin, force.colleague, "ppu north")
    assert view == staff.UserView(force.colleague, "officer", "PPU North", None)
    [created] = audit_rows(ctx.engine, entity_type="team", action="create", entity_id=team.id)
    assert created["actor"] == f"slack:{force.admin}" and created["after"]["name"] == "PPU North"
    moved = audit_rows(ctx.engine, entity_type="app_user", action="update")[-1]
    assert moved["after"] == {"team_id": team.id}
    assert moved["actor"] == f"slack:{force.admin}"


@pytest.mark.parametrize("name", ["team a", "TEAM A", "  Team   A "])
def test_a_duplicate_team_name_is_a_conflict(ctx: ServiceContext, force: Force, name: str) -> None:
    before = row_counts(ctx.engine)
    with pytest.raises(Conflict, match=r"already a team called Team A\.") as refused:
        staff.create_team(ctx, force.admin, name)
    assert refused.value.field == "name"
    assert row_counts(ctx.engine) == before


def test_a_team_needs_a_name(ctx: ServiceContext, force: Force) -> None:
    with pytest.raises(DomainError, match="Give the team a name"):
        staff.create_team(ctx, force.admin, "   ")


def test_an_unknown_team_is_not_found_and_the_teams_are_listed(ctx: ServiceContext, force: Force) -> None:
    before = row_counts(ctx.engine)
    with pytest.raises(NotFound) as refused:
        staff.place_in_team(ctx, force.admin, force.officer, "Team Z")
    assert "No team is called 'Team Z'" in refused.value.message
    assert "Teams: Team A, Team B." in refused.value.message
    assert row_counts(ctx.engine) == before


def test_a_supervisor_must_have_the_supervisor_role_first(ctx: ServiceContext, force: Force) -> None:
    with pytest.raises(Conflict, match="Make them a supervisor first"):
        staff.add_supervisor(ctx, force.admin, force.officer, "Team A")


def test_first_contact_users_become_officers_and_listed_ids_admins(ctx: ServiceContext, force: Force) -> None:
    fresh = staff.place_in_team(ctx, force.admin, "UFRESH", "Team A")
    assert (fresh.role, fresh.team) == ("officer", "Team A")
    first_contact = audit_rows(ctx.engine, actor="system:first-contact")
    assert first_contact[-1]["after"]["slack_user_id"] == "UFRESH"
    assert first_contact[-1]["after"]["role"] == "officer"

    with_boss = replace(ctx, settings=Settings(admins=("UADMIN", "UBOSS")))
    team = staff.create_team(with_boss, "UBOSS", "Team Boss")  # allowed only because UBOSS is now an admin
    assert team.name == "Team Boss"
    boss = staff.set_rank(with_boss, "UBOSS", "UBOSS", Rank.SUPERINTENDENT)
    assert boss.role == "admin"


# --- extra excluded days --------------------------------------------------------------------------


def test_only_admins_add_excluded_days(ctx: ServiceContext, force: Force) -> None:
    for who in (force.officer, force.supervisor, force.champion):
        with pytest.raises(NotAllowed, match="Only admins can add a bank holiday"):
            calendar.add_excluded_day(ctx, who, date(2026, 4, 8), "Royal occasion")
    assert row_counts(ctx.engine)["extra_excluded_day"] == 0


@pytest.mark.parametrize(
    "day", [date(2026, 4, 12), date(2026, 4, 3), date(2026, 12, 25)], ids=["sunday", "good-friday", "christmas"]
)
def test_a_day_already_excluded_cannot_be_added(ctx: ServiceContext, force: Force, day: date) -> None:
    before = row_counts(ctx.engine)
    with pytest.raises(Conflict, match="already excluded") as refused:
        calendar.add_excluded_day(ctx, force.admin, day, "Something")
    assert refused.value.field == "day"
    assert row_counts(ctx.engine) == before


def test_an_added_day_is_audited_and_cannot_be_added_twice(ctx: ServiceContext, force: Force) -> None:
    calendar.add_excluded_day(ctx, force.admin, date(2026, 4, 8), " Royal occasion ", "SI 2026/1")
    [audit] = audit_rows(ctx.engine, entity_type="extra_excluded_day")
    assert audit["actor"] == f"slack:{force.admin}"
    assert audit["after"]["day"] == "2026-04-08" and audit["after"]["name"] == "Royal occasion"
    with pytest.raises(Conflict, match="already an added bank holiday"):
        calendar.add_excluded_day(ctx, force.admin, date(2026, 4, 8), "Again")
    with pytest.raises(DomainError, match="Give the bank holiday's name"):
        calendar.add_excluded_day(ctx, force.admin, date(2026, 4, 9), "  ")


def test_an_added_day_makes_a_later_deadline_and_is_explained(ctx: ServiceContext, force: Force, clock) -> None:  # type: ignore[no-untyped-def]
    clock.set(london("2026-04-07 11:00"))
    without = records.record(ctx, force.officer, dvpn("2026-04-07 10:00"))
    assert without.deadlines[0].at.isoformat() == "2026-04-09T10:00:00+01:00"  # Thu 9 Apr

    calendar.add_excluded_day(ctx, force.admin, date(2026, 4, 8), "Royal occasion")
    with_day = records.record(ctx, force.officer, dvpn("2026-04-07 10:00"))

    hearing = with_day.deadlines[0]
    assert hearing.at.isoformat() == "2026-04-10T10:00:00+01:00"  # Fri 10 Apr: 24 h later
    assert order_row(ctx, with_day.reference)["hearing_deadline_at"] == london("2026-04-10 10:00")
    skipped = [line for line in hearing.explanation if line.startswith("Skipped Wed 08 Apr 2026")]
    assert len(skipped) == 1
    assert "added by an admin" in skipped[0] and "Royal occasion" in skipped[0]


def test_a_record_made_before_a_day_was_added_shows_the_deadline_it_is_held_to(
    ctx: ServiceContext, force: Force, clock
) -> None:  # type: ignore[no-untyped-def]
    clock.set(london("2026-04-07 11:00"))
    notice = records.record(ctx, force.officer, dvpn("2026-04-07 10:00"))
    calendar.add_excluded_day(ctx, force.admin, date(2026, 4, 8), "Royal occasion")

    shown = records.view(ctx, force.officer, notice.reference).deadlines[0].at
    stored = order_row(ctx, notice.reference)["hearing_deadline_at"]
    assert shown == stored == london("2026-04-10 10:00")
    recomputed = [r for r in audit_rows(ctx.engine, action="update") if r["entity_type"] == "protection_order"]
    assert recomputed[-1]["justification"] == "deadline recomputed: an excluded day was added"
