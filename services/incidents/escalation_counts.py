"""The kept escalation count (incident.escalation_count): how many incidents against the
incident's victim were reported in the 12 months up to and including it, itself counted, as the
planner counts them (planning.victim_incidents: the same name key, dates of birth that agree;
rules.incidents.incidents_in_window). `marac due` and the digest's MARAC section read it instead of
matching every candidate's victim by name across every incident of the force
(services.incidents.referrals_due). It is a promise, checked after every step of the stateful
tests (tests/properties/invariants.py, the_escalation_counts_are_the_facts).

It is recounted in the writing transaction on every path that can change it:
- an incident recorded (services.incidents.recording.record_incident);
- a victim's name or date of birth corrected: the incident's victim row is the record's own protected
  person when a notice is recorded from the incident (services.records.corrections);
- an incident erased (services.governance.retention).
An incident's count takes in only the incidents of the 365 days before it, so a change to an
incident reported at `t` whose victim has name key `k` can change only the counts of the incidents
with name key `k` reported from `t` to 365 days after it: a change is marked by (k, t), before and
after it, and those incidents are counted again. Those whose escalation ruling turned are replanned
in the same transaction (the planner replans the incident changed, not the victim's others).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, select

from models import Incident, ProtectedPerson
from rules.incidents import ESCALATION_WINDOW_DAYS, incidents_in_window
from rules.names import births_agree
from services.incidents.planning import MOOT_ESCALATION, replan_incident
from services.unit_of_work import Work

WINDOW = timedelta(days=ESCALATION_WINDOW_DAYS)
KEY_LOCKS = 0xE5C  # the seed of the advisory lock ids of victims' name keys (pg_advisory_xact_lock)

# Where a change reaches: (the victim's name key, when the incident was reported).
Mark = tuple[str, datetime]


def marks_of(session: Session, where: sa.ColumnElement[bool]) -> list[Mark]:
    """The marks of the incidents matching `where` (on Incident or its victim), read as they stand:
    taken before a change and after it."""
    rows = session.execute(
        sa.select(col(ProtectedPerson.name_key), col(Incident.reported_at))
        .join(ProtectedPerson, col(ProtectedPerson.id) == col(Incident.victim_id))
        .where(where)
    ).all()
    return [(key, at) for key, at in rows]


def recount_and_replan(work: Work, marks: Iterable[Mark], *, replanned: Collection[int] = ()) -> None:
    """Count again what a change at `marks` reaches, and replan the incidents whose escalation ruling
    it turned (their count crossing DVPN_MARAC_ESCALATION_INCIDENTS either way), so a referral clock
    starts or stops with it: an incident reported before the victim's later ones escalates them.
    `replanned`: the incidents the caller replans itself."""
    threshold = work.ctx.settings.incidents.marac_escalation_incidents
    changed = recount(work.session, marks)
    turned = sorted(id_ for id_, (was, now) in changed.items() if (was >= threshold) != (now >= threshold))
    settings = work.ctx.settings
    by = work.actor.id if work.actor is not None else None
    for incident in work.session.exec(select(Incident).where(col(Incident.id).in_(turned))).all():
        if incident.id not in replanned:
            replan_incident(
                work.session,
                incident,
                settings.incidents,
                settings.reminders,
                settings.timezone,
                work.now,
                by=by,
                why=MOOT_ESCALATION,
            )


def recount(session: Session, marks: Iterable[Mark]) -> dict[int, tuple[int, int]]:
    """Count again every incident a change at `marks` can reach and store the counts that differ:
    {incident id: (count kept, count now)} of those. Reads only the incidents of the marks' name
    keys around their times."""
    by_key: dict[str, list[datetime]] = defaultdict(list)
    for key, at in marks:
        by_key[key].append(at)
    changed: dict[int, tuple[int, int]] = {}
    session.flush()
    _lock(session, by_key)
    for key, times in sorted(by_key.items()):
        changed |= _recount_key(session, key, min(times), max(times), times)
    if changed:
        session.execute(  # by primary key, one statement for them all
            sa.update(Incident), [{"id": id_, "escalation_count": now} for id_, (_, now) in sorted(changed.items())]
        )
        for row in list(session.identity_map.values()):
            if isinstance(row, Incident) and row.id in changed:
                session.expire(row, ["escalation_count"])
    return changed


def _lock(session: Session, keys: Collection[str]) -> None:
    """Two writes reaching one name key at once (two incidents against a victim recorded together)
    would each count without the other's incident and keep a count short of the facts. With a lock
    per name key until the commit, the second waits, then counts with the first's rows committed.
    In one order, so two writes locking some of the same keys cannot deadlock. SQLite has one
    writer at a time."""
    if not keys or session.get_bind().dialect.name != "postgresql":
        return
    for key in sorted(keys):
        session.execute(sa.select(sa.func.pg_advisory_xact_lock(sa.func.hashtextextended(key, KEY_LOCKS))))


def _recount_key(
    session: Session, key: str, first: datetime, last: datetime, times: list[datetime]
) -> dict[int, tuple[int, int]]:
    """{incident id: its count} for those of name key `key` within reach of `times` whose stored
    count differs from the facts."""
    rows = session.execute(
        sa.select(
            col(Incident.id),
            col(Incident.reported_at),
            col(Incident.escalation_count),
            col(ProtectedPerson.date_of_birth),
        )
        .join(ProtectedPerson, col(ProtectedPerson.id) == col(Incident.victim_id))
        .where(
            col(ProtectedPerson.name_key) == key,
            col(Incident.reported_at) > first - WINDOW,
            col(Incident.reported_at) < last + WINDOW,
        )
    ).all()
    reports: list[tuple[datetime, date | None]] = [(at, born) for _, at, _, born in rows]
    changed = {}
    for id_, at, kept, born in rows:
        if not any(t <= at < t + WINDOW for t in times):
            continue
        count = incidents_in_window((t for t, b in reports if births_agree(born, b)), at)
        if count != kept:
            changed[int(id_)] = (int(kept), count)
    return changed
