"""The digest reads whole only the items it lists (the first ACTION_LISTED of a section, due first)
and counts the rest: what a supervisor sees is what listing every item showed. A team with
incidents in several sections at once (a school untold, a MARAC referral due, not attended, crime
not recorded), two children of one incident, several suspects and officers, and Clare's Law requests
near or past their target; its digest is drawn listing 1 to 6 items a section and every item, and
the blocks and notification text compared with the lines shown cut to the same number, at several
moments; on both databases."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlmodel import Session, select

from blocks import digest as digest_blocks
from domain.enums import RiskLevel
from models import Team
from rules.disclosure import Route
from services.context import ServiceContext
from services.disclosures import requests
from services.disclosures.requests import NewRequest
from services.incidents import changes
from services.incidents.recording import ChildInput, NewIncident, record_incident
from services.records.order_writer import PersonInput
from services.reminders.digest import build_sections
from services.reminders.digest_items import TeamRows
from services.reminders.results import DigestItem, TeamDigest
from tests.support.force import Force, london

NOW = london("2026-04-02 21:00")  # the clock fixture's
SUSPECTS = ("Alex Example", "Bo Brown", "Cy Carter-Jones", "Di Dane")


def incident(ctx: ServiceContext, force: Force, n: int, days_ago: float, **kw: object) -> str:
    reported = NOW - timedelta(days=days_ago)
    dash = kw.pop("dash", None)
    return record_incident(
        ctx,
        force.officer if n % 3 else force.colleague,
        NewIncident(
            reported_at=reported,
            victim=PersonInput(f"Vic {'ABCDEFGHIJKLMNOP'[n]}tim"),
            suspect=PersonInput(SUSPECTS[n % len(SUSPECTS)]),
            dash_yes=dash,  # type: ignore[arg-type]
            dash_at=min(reported + timedelta(hours=2), NOW) if dash is not None else None,
            **kw,  # type: ignore[arg-type]
        ),
    )


@pytest.fixture
def casework(ctx: ServiceContext, force: Force) -> None:
    children = (ChildInput("Kid One", "Oak Primary", "cumbria"), ChildInput("Kid Two", "Elm Primary", "cumbria"))
    for n in range(14):
        told = children[: n % 3] if n < 6 else ()  # schools to tell, two of one incident
        days_ago = 0.2 + n * 0.4 + (15 if told else 0)  # some not yet late, most late; schools before Easter
        made = incident(
            ctx,
            force,
            n,
            days_ago,
            dash=(15, 11, None, 3)[n % 4],  # high: a MARAC referral due
            crime_disclosed=n % 2 == 0,
            children=told,
            judgement=RiskLevel.HIGH if n == 7 else None,
        )
        if n >= 8 and n % 4 != 0:  # attended: only its crime record (or nothing) late
            changes.record_attended(ctx, force.officer, made, NOW - timedelta(days=days_ago - 0.1))
    for n in range(7):
        received = NOW - timedelta(days=20 + n, hours=n)
        requests.new_request(
            ctx,
            force.officer,
            NewRequest(
                route=Route.ASK,
                person_at_risk=PersonInput(f"Person Atrisk{n}"),
                subject=PersonInput(SUSPECTS[n % len(SUSPECTS)]),
                received_at=received,
            ),
        )


def drawn(ctx: ServiceContext, now: datetime, listed: int | None) -> TeamDigest:
    with Session(ctx.engine) as session:
        team = session.exec(select(Team).where(Team.name == "Team A")).one()
        assert team.id is not None
        sections = build_sections(TeamRows(session, team.id, ctx.settings, listed=listed), now)
    tz = ctx.settings.timezone
    return TeamDigest(team.id, team.name, now.astimezone(tz).date(), now, sections, tz)


def shown(digest: TeamDigest) -> list[tuple[str, DigestItem]]:
    return [(section.key, item) for section, item in digest.today()]


@pytest.mark.parametrize("hours_later", [0, 26, 60])
@pytest.mark.usefixtures("casework")
def test_the_digest_shows_what_listing_every_item_showed(
    ctx: ServiceContext, monkeypatch: pytest.MonkeyPatch, hours_later: int
) -> None:
    now = NOW + timedelta(hours=hours_later)
    every = drawn(ctx, now, None)
    assert every.today_count() > 12  # enough to cut
    listing = {s.key: len(s.items) for s in every.sections if s.items}
    assert listing.keys() == {"encompass", "marac", "attendance", "crime_unrecorded", "clare"}
    assert any(i.also for _, i in every.today())  # an incident open in two sections, on one line
    for listed in range(1, 7):
        monkeypatch.setattr(digest_blocks, "ACTION_SHOWN", listed)
        cut = drawn(ctx, now, listed)
        assert all(len(s.items) <= listed for s in cut.sections if s.key != "plan_actions")
        assert shown(cut)[:listed] == shown(every)[:listed]
        assert (cut.today_count(), cut.total) == (every.today_count(), every.total)
        for in_channel in (False, True):
            blocks = digest_blocks.digest_blocks(cut, in_channel=in_channel)
            assert blocks == digest_blocks.digest_blocks(every, in_channel=in_channel)
        assert digest_blocks.digest_text(cut) == digest_blocks.digest_text(every)
