"""A team's daily digest as plain data: what its supervisors must know this morning, each item a
record's reference and initials (never names, dates of birth or addresses:
the digest may be posted in a channel). Also the on-demand digest behind the digest command.
The sections themselves are built in services/reminders/digest_sections.py."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace
from datetime import datetime

from sqlmodel import Session, col, func, select

from models import AppUser, Role, Team, TeamSupervisor
from models.db import serial_custom_plans
from services.context import ServiceContext
from services.errors import NotAllowed, NotFound
from services.reminders.digest_items import TeamRows
from services.reminders.digest_sections import COUNT_ONLY, SECTIONS, When, kind_of
from services.reminders.results import ACTION_LISTED, DigestItem, DigestSection, Late, SectionKind, TeamDigest
from services.unit_of_work import reading
from services.wording import Command


def collect(session: Session, ctx: ServiceContext, team: Team, now: datetime, late: Late | None = None) -> TeamDigest:
    assert team.id is not None
    # The digest lists no more than ACTION_LISTED of today's work: its sections count the rest.
    sections = build_sections(TeamRows(session, team.id, ctx.settings, listed=ACTION_LISTED), now)
    tz = ctx.settings.timezone
    return TeamDigest(team.id, team.name, now.astimezone(tz).date(), now, sections, tz, late)


def build_sections(
    rows: TeamRows,
    now: datetime,
    *,
    per_owner: bool = False,
    counts: bool = True,
    kinds: Collection[SectionKind] | None = None,
) -> tuple[DigestSection, ...]:
    """Every section of SECTIONS, each record listed once: in the first section that has it, with
    what later sections say of it added to that line. `per_owner` (the App Home): once for each
    person who owns items on it, so a plan action owned by someone other than the record's officer
    is on its owner's Home. `counts`: with the count-only sections (the App Home shows none).
    `kinds`: only the sections of these kinds (the App Home's parts); a later section of another
    kind is drawn only for the records already listed, for what it adds to their lines, so a
    supervisor's Home does not read the hearings, expiries and breaches of a team's every record
    to show a few of them beside the work."""
    serial_custom_plans(rows.session)  # a team's sections: teams and officers differ too much for one plan
    at = When.at(now, rows)
    first: dict[tuple[str, str], tuple[int, int]] = {}  # (reference, owner) -> (section, item) it is listed in
    built: list[DigestSection] = []
    kept: list[list[DigestItem]] = []
    beside: TeamRows | None = None  # the rows of the records listed, once a section not shown is reached
    for build in SECTIONS:
        if not counts and build in COUNT_ONLY:
            continue
        shown = kinds is None or kind_of(build) in kinds
        if not shown and beside is None:
            beside = rows.of_records(reference for reference, _ in first)
        elif shown and beside is not None:
            raise ValueError(f"{build.__name__} is shown but comes after a section that is not (SECTIONS' order)")
        section = build(rows if beside is None else beside, at)
        number = len(built)
        built.append(section)
        kept.append([])
        for item in section.items:
            key = (item.reference, item.officer_slack_id if per_owner else "")
            if key not in first:
                if shown:
                    first[key] = (number, len(kept[number]))
                    kept[number].append(item)
                continue
            where, position = first[key]
            earlier = kept[where][position]
            kept[where][position] = replace(earlier, also=(*earlier.also, item.about))
    return tuple(
        replace(section, items=tuple(items))
        for section, items in zip(built, kept, strict=True)
        if kinds is None or section.kind in kinds
    )


def digest_for(ctx: ServiceContext, actor_slack_id: str, team_name: str | None = None) -> list[TeamDigest]:
    """The digest on demand (the digest command (`digest [team]`)): a supervisor's teams, or one of them;
    admins and champions any team, or all; an officer their own team. Each team's digest viewed is audited."""
    with reading(ctx, actor_slack_id) as read:
        digests = []
        for team in _teams_for(read.session, read.user, team_name):
            digests.append(collect(read.session, ctx, team, read.now))
            read.audit("view", "digest", team.id)
        return digests


def _teams_for(session: Session, user: AppUser, team_name: str | None) -> list[Team]:
    if user.role in (Role.ADMIN, Role.CHAMPION):
        allowed = list(session.exec(select(Team).order_by(col(Team.name))).all())
    elif user.role is Role.SUPERVISOR:
        allowed = list(
            session.exec(
                select(Team)
                .join(TeamSupervisor, col(TeamSupervisor.team_id) == col(Team.id))
                .where(TeamSupervisor.user_id == user.id)
                .order_by(col(Team.name))
            ).all()
        )
    else:
        # An officer reads every record of their own team already; its digest shows them no more.
        allowed = [team] if user.team_id is not None and (team := session.get(Team, user.team_id)) else []
    if team_name is None:
        if not allowed and user.role is Role.OFFICER:
            raise NotAllowed("You are not in a team yet, so there is no digest for you. Ask an admin to place you.")
        if not allowed:
            raise NotAllowed(
                (
                    "You do not supervise a team yet. Ask an admin: ",
                    Command("admin team supervisor", "TEAM @you", set_apart=False),
                    ".",
                )
            )
        return allowed
    wanted = " ".join(team_name.split()).lower()
    if session.exec(select(func.count()).select_from(Team).where(func.lower(Team.name) == wanted)).one() == 0:
        raise NotFound(f"No team is called '{team_name.strip()}'.", "team")
    chosen = [t for t in allowed if t.name.lower() == wanted]
    if not chosen:
        doing = "are not in" if user.role is Role.OFFICER else "do not supervise"
        raise NotAllowed(f"You {doing} {team_name.strip()}, so you cannot see its digest.")
    return chosen
