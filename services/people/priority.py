"""Perpetrator priority for the monthly tasking meeting: an RFG(V) score for every perpetrator from
the force's own records (rules.rfgv), the serial perpetrator flag, and the top of the list.

The list is ranked from the kept tallies (services.people.priority_tallies, made current first), and
only its top have their events gathered (services.people.offending) and scored with the working shown.
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from models import Incident, Perpetrator, ProtectionOrder, Role
from rules.rfgv import score
from services.context import ServiceContext
from services.errors import DomainError
from services.governance.access import require_role, supervised_team_ids
from services.people import priority_tallies
from services.people.offending import offending_events, people_keys, rows_of
from services.people.results import PriorityEntry, PriorityList
from services.unit_of_work import reading
from services.views import initials

MAX_TOP = 50


def top(ctx: ServiceContext, actor_slack_id: str, count: int = 10) -> PriorityList:
    """The highest-scoring perpetrators, for champions and admins force-wide, for supervisors those
    with a record in the teams they supervise. Initials and references only; audited as a report.

    Everyone is ranked from their kept tally (services.people.priority_tallies, made current first);
    only the top, with anyone tied with its last, have their events loaded, to be scored with the
    working shown and ordered by the reference of their latest."""
    if not 1 <= count <= MAX_TOP:
        raise DomainError(f"Ask for between 1 and {MAX_TOP}: e.g. `perpetrator top 10`.", "count")
    scoring = priority_tallies.scoring_of(ctx)
    with reading(ctx, actor_slack_id) as read:
        require_role(read.user, Role.CHAMPION, Role.SUPERVISOR, Role.ADMIN, doing="see the perpetrator priority list")
    priority_tallies.keep_current(ctx)
    with reading(ctx, actor_slack_id) as read:
        session, user, now = read.session, read.user, read.now
        teams = supervised_team_ids(session, user) if user.role is Role.SUPERVISOR else None
        head, ranked, serial = priority_tallies.ranked(session, count, teams)
        since = scoring.since(now)
        rows = rows_of(session, [person for *_, person in head])
        events = offending_events(session, since, {i for ids in rows.values() for i in ids})
        people = people_keys(session, sorted({i for ids in rows.values() for i in ids}))
        scored = []
        for *_, person in head:
            (key,) = {people[i] for i in rows[person]}  # the database and `people_keys` join rows alike
            offending = events[key]
            result = score(offending, now, scoring.matrix, serial_victims=scoring.serial_victims, tz=scoring.tz)
            assert result is not None, "a tallied person has an event in the window"
            latest = max(offending, key=lambda e: e.at)
            scored.append((result, latest))
        scored.sort(key=lambda s: (-s[0].total, -s[0].victim_count, -s[1].at.timestamp(), s[1].reference))
        names = _initials(session, [s[1].reference for s in scored[:count]])
        entries = tuple(
            PriorityEntry(rank, names.get(latest.reference, ""), latest.reference, result)
            for rank, (result, latest) in enumerate(scored[:count], 1)
        )
        read.audit(
            "report", "perpetrator", None, after={"priority_top": count, "shown": [e.reference for e in entries]}
        )
        return PriorityList(entries, ranked, scoring.matrix.window_months, serial)


def _initials(session: Session, references: list[str]) -> dict[str, str]:
    """The initials of the person on each record, or of the suspect of each incident."""
    rows = session.exec(
        select(ProtectionOrder.reference, Perpetrator.full_name)
        .join(Perpetrator, col(Perpetrator.id) == ProtectionOrder.perpetrator_id)
        .where(col(ProtectionOrder.reference).in_(references))
    ).all()
    suspects = session.exec(
        select(Incident.reference, Perpetrator.full_name)
        .join(Perpetrator, col(Perpetrator.id) == Incident.suspect_id)
        .where(col(Incident.reference).in_(references))
    ).all()
    return {reference: initials(name) for reference, name in (*rows, *suspects)}
