"""The digest's four incident sections (schools not told, MARAC referrals due, not attended in time,
crime not recorded), drawn together. At national scale a team has thousands of incidents with a
referral or a crime record overdue, and the digest lists only the first few of today's work; so each
section first reads only what orders and counts its items from its partial index (the two long
ones, MARAC and crime recording, their incidents' ids alone, in the order the database sorts them;
the short ones what their clocks are computed from), and reads whole, with the suspect for initials,
only the incidents it lists.

A section drawn for the digest (TeamRows.listed) is already folded as build_sections folds: an
incident open in several of these sections is listed in the first, with its other facts on its line,
so the count of the rest is the count the digest would have shown. Their references are incidents'
alone, so no section outside this group folds into them. The App Home draws them the same way,
for one officer's incidents or everyone else's (TeamRows.owner). Drawn for a nudge or a test
(listed None), every section lists every item, unfolded, as each always did."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import col

from domain.enums import RiskLevel
from models import AppUser, Incident, IncidentChild, Perpetrator
from rules.incidents import CRIME_RECORDED, MARAC_REFERRAL, attendance_due, clock_due
from services.incidents.referrals_due import referral_clocks, referral_ids, referral_since
from services.reminders.digest_items import TeamRows
from services.reminders.results import (
    INCIDENT_TYPE,
    DigestFact,
    DigestItem,
    IncidentClock,
    IncidentLate,
    ItemAction,
    SchoolUntold,
)
from services.views import initials

# The group, in claim order (their places in SECTIONS).
ENCOMPASS, MARAC, ATTENDANCE, CRIME = "encompass", "marac", "attendance", "crime_unrecorded"
GROUP = (ENCOMPASS, MARAC, ATTENDANCE, CRIME)
CHUNK = 500  # incidents read whole per statement (SQLite's bound parameters)


@dataclass(frozen=True)
class Clock:
    """One item before it is a line: the incident, what is late and when it fell due."""

    incident_id: int
    reported_at: datetime
    fact: DigestFact
    due: datetime
    child: int = 0  # the child's number, for a school: the order of an incident's children


# An item, or (in the digest, for the long sections) only its incident's id, in its section's
# order: its clock is read only when it is listed or on a listed line.
Found = Clock | int


@dataclass
class Drawn:
    """A section of the group: the first of its items with their other items (by the section they
    are from), and the rest counted."""

    first: list[Found]
    also: dict[int, list[tuple[str, Found]]] = field(default_factory=dict)
    unlisted: int = 0


def incident_items(rows: TeamRows, key: str, now: datetime, midnight: datetime) -> tuple[tuple[DigestItem, ...], int]:
    """Section `key`'s items as the digest lists them, and how many more it counts."""
    if (GROUP, now) not in rows.drawn:
        rows.drawn[(GROUP, now)] = _draw(rows, now, midnight)
    items: dict[str, tuple[tuple[DigestItem, ...], int]] = rows.drawn[(GROUP, now)]
    return items[key]


def _draw(rows: TeamRows, now: datetime, midnight: datetime) -> dict[str, tuple[tuple[DigestItem, ...], int]]:
    digest = rows.listed is not None
    found: dict[str, list[Found]] = {
        ENCOMPASS: _by_order(_untold(rows, midnight)),
        # Thousands a team at national scale: the digest reads their ids only, in the same order.
        MARAC: _referral_ids(rows) if digest else _by_order(_referrals(rows)),
        ATTENDANCE: _by_order(_unattended(rows, now)),
        CRIME: _unrecorded_ids(rows, now) if digest else _by_order(_unrecorded(rows, now)),
    }
    drawn = _folded(found, rows.listed) if rows.listed is not None else {k: Drawn(v) for k, v in found.items()}
    # Every item on a listed line is of that line's incident: one read of the listed ones does.
    lines = _lines(rows, [f if isinstance(f, int) else f.incident_id for d in drawn.values() for f in d.first])
    hours = rows.settings.incidents.hours()

    def clock(key: str, found: Found) -> Clock:
        if isinstance(found, Clock):
            return found
        line = lines[found]
        if key == MARAC:
            assert line.since is not None  # only incidents with a referral due are MARAC's
            due, what = clock_due(MARAC_REFERRAL, line.since, hours).at, IncidentClock.MARAC_REFERRAL
        else:
            due, what = clock_due(CRIME_RECORDED, line.reported_at, hours).at, IncidentClock.CRIME
        return Clock(found, line.reported_at, IncidentLate(what, due), due)

    items = {}
    for key, section in drawn.items():
        listed = []
        for first in section.first:
            item = clock(key, first)
            line = lines[item.incident_id]
            also = tuple(clock(k, f).fact for k, f in section.also.get(item.incident_id, ()))
            listed.append(
                DigestItem(
                    line.reference,
                    initials(line.suspect),
                    INCIDENT_TYPE,
                    item.fact,
                    line.officer,
                    item.due,
                    item.due,
                    ItemAction.OPEN_INCIDENT,
                    also,
                )
            )
        items[key] = (tuple(listed), section.unlisted)
    return items


def _by_order(clocks: list[Clock]) -> list[Found]:
    """Due first; then as reported (the order each section was read in), then by child."""
    ordered = sorted(clocks, key=lambda c: (c.due, c.reported_at, c.incident_id, c.child))
    found: list[Found] = list(ordered)
    return found


def _folded(found: dict[str, list[Found]], listed: int) -> dict[str, Drawn]:
    """Each incident once, in the first section that has it (then by its first item), its other
    items on its line in the order build_sections adds them; then each section's first `listed`,
    the rest counted."""
    drawn = {key: Drawn([]) for key in found}
    claimed: dict[int, str] = {}  # incident -> the section it is listed in
    for key, items in found.items():
        for item in items:
            incident_id = item.incident_id if isinstance(item, Clock) else item
            where = claimed.setdefault(incident_id, key)
            if where == key and incident_id not in drawn[key].also:
                drawn[key].also[incident_id] = []
                drawn[key].first.append(item)
            else:
                drawn[where].also[incident_id].append((key, item))
    for section in drawn.values():
        section.unlisted = max(0, len(section.first) - listed)
        del section.first[listed:]
    return drawn


@dataclass(frozen=True)
class Line:
    """A listed incident: its reference, suspect's name (for initials only), officer's chat id, and
    when its clocks known by id only started."""

    reference: str
    suspect: str
    officer: str
    reported_at: datetime
    since: datetime | None  # the MARAC referral clock's start; None when no referral is due


def _lines(rows: TeamRows, incident_ids: Iterable[int]) -> dict[int, Line]:
    wanted = sorted(set(incident_ids))
    since = referral_since(rows.settings.incidents)
    found: dict[int, Line] = {}
    for start in range(0, len(wanted), CHUNK):
        query = (
            sa.select(
                col(Incident.id),
                col(Incident.reference),
                col(Perpetrator.full_name),
                col(AppUser.slack_user_id),
                col(Incident.reported_at),
                since,
            )
            .join(Perpetrator, col(Perpetrator.id) == col(Incident.suspect_id))
            .join(AppUser, col(AppUser.id) == col(Incident.officer_id))
            .where(col(Incident.id).in_(wanted[start : start + CHUNK]))
        )
        found.update({id_: Line(*line) for id_, *line in rows.session.execute(query)})
    return found


def _scope(rows: TeamRows) -> list[Any]:
    """The team's incidents; on the App Home, only those of the officer (or everyone else's)."""
    return [col(Incident.team_id) == rows.team_id, *rows.owned(Incident.officer_id)]


def _untold(rows: TeamRows, midnight: datetime) -> list[Clock]:
    """Children's schools not yet told whose deadline (the start of the school day) is today or past."""
    query = (
        sa.select(
            col(IncidentChild.incident_id),
            col(Incident.reported_at),
            col(IncidentChild.number),
            col(IncidentChild.due_at),
        )
        .join(Incident, col(Incident.id) == col(IncidentChild.incident_id))
        .where(
            *_scope(rows),
            col(IncidentChild.told_at).is_(None),
            col(IncidentChild.due_at) < midnight,
        )
    )
    return [
        Clock(id_, reported_at, SchoolUntold(number, due_at), due_at, number)
        for id_, reported_at, number, due_at in rows.session.execute(query)
    ]


def _referrals(rows: TeamRows) -> list[Clock]:
    """High-risk incidents with no referral recorded: the ones the planner is reminding about (the
    marac_open mark), each checked against the facts (services/incidents/referrals_due.py)."""
    found = referral_clocks(rows.session, rows.settings.incidents, _scope(rows))
    return [
        Clock(c.incident_id, c.reported_at, IncidentLate(IncidentClock.MARAC_REFERRAL, c.due.at), c.due.at)
        for c in found
    ]


def _unattended(rows: TeamRows, now: datetime) -> list[Clock]:
    """Incidents not attended within the time their risk level allows (a local protocol: 48 hours
    for standard risk by default, DVPN_ATTEND_*_HOURS)."""
    hours = rows.settings.incidents.hours()
    # Only those already late are read: reported at least their level's hours ago.
    late = sa.or_(
        *(
            sa.and_(
                col(Incident.risk_level).is_(None) if level is None else col(Incident.risk_level) == level,
                col(Incident.reported_at) <= now - (attendance_due(now, level, hours).at - now),
            )
            for level in (None, *RiskLevel)
        )
    )
    query = sa.select(col(Incident.id), col(Incident.reported_at), col(Incident.risk_level)).where(
        *_scope(rows), col(Incident.attended_at).is_(None), late
    )
    found = []
    for id_, reported_at, level in rows.session.execute(query):
        due = attendance_due(reported_at, level, hours).at
        if due <= now:
            found.append(Clock(id_, reported_at, IncidentLate(IncidentClock.ATTENDANCE, due), due))
    return found


def _unrecorded(rows: TeamRows, now: datetime) -> list[Clock]:
    """Incidents where a crime was disclosed and no crime is recorded 24 hours after the report
    (National Crime Recording Standard)."""
    hours = rows.settings.incidents.hours()
    query = sa.select(col(Incident.id), col(Incident.reported_at)).where(*_unrecorded_late(rows, now))
    found = []
    for id_, reported_at in rows.session.execute(query):
        due = clock_due(CRIME_RECORDED, reported_at, hours).at
        if due <= now:
            found.append(Clock(id_, reported_at, IncidentLate(IncidentClock.CRIME, due), due))
    return found


def _unrecorded_late(rows: TeamRows, now: datetime) -> list[Any]:
    late = col(Incident.reported_at) <= now - (clock_due(CRIME_RECORDED, now, rows.settings.incidents.hours()).at - now)
    return [
        *_scope(rows),
        # `crime_disclosed` (NOT NULL) as itself, not IS TRUE: the predicate of ix_incident_crime_unrecorded.
        col(Incident.crime_disclosed),
        col(Incident.crime_reference).is_(None),
        late,  # a fixed number of hours after the report: due <= now
    ]


def _unrecorded_ids(rows: TeamRows, now: datetime) -> list[Found]:
    """_unrecorded's incidents by id, in its order (due is the report time plus fixed hours)."""
    query = (
        sa.select(col(Incident.id))
        .where(*_unrecorded_late(rows, now))
        .order_by(col(Incident.reported_at), col(Incident.id))
    )
    return list(rows.session.execute(query).scalars())


def _referral_ids(rows: TeamRows) -> list[Found]:
    """_referrals' incidents by id, in its order."""
    return list(referral_ids(rows.session, rows.settings.incidents, _scope(rows)))
