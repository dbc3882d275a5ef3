"""The promises the lifecycle makes, stated once and checked after every step of the stateful
tests (tests/properties/test_lifecycle_machine.py). Each invariant reads the records a run made
and returns what it found wrong; add one by appending a function to INVARIANTS."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from blocks import actions as ids
from models import (
    BREACH_TEAM,
    CHECK_ACTIVE_TEAM,
    HEARING_ACTIVE_TEAM,
    AuditEvent,
    Breach,
    BreachCheck,
    CaseloadCount,
    CaseworkDailyCount,
    CaseworkSpread,
    DailyCount,
    Hearing,
    Incident,
    IncidentCount,
    MaracReferral,
    Notification,
    OrderStatus,
    PriorityAhead,
    PriorityMember,
    PriorityState,
    PriorityTally,
    PriorityTeam,
    ProtectionOrder,
    ReferenceCounter,
    Reminder,
    ReminderState,
    RiskLevel,
    TeamSupervisor,
)
from models.incidents import UNASSESSED
from models.orders import FIRST_HEARD_AT, HOURS_TO_HEARING
from models.types import pk
from rules.lifecycle import State
from rules.order_types import OrderType
from services.context import ServiceContext
from services.people import offending, priority_tallies
from services.records.planning import (
    NOTICE_LAPSED,
    OrderFacts,
    at_or_none,
    follow_up_source,
    is_follow_up,
    load_facts,
    next_deadline,
    state,
    still_relevant,
)
from services.reporting.casework_counts import MEASURES as CASEWORK_MEASURES
from services.reporting.daily_counts import MEASURES

LIVE = (ReminderState.PENDING, ReminderState.CLAIMED)  # still to go out
TOLD = (ReminderState.PENDING, ReminderState.CLAIMED, ReminderState.SENT, ReminderState.ACKNOWLEDGED)
ENDED = {
    OrderStatus.SUPERSEDED,
    OrderStatus.REFUSED,
    OrderStatus.WITHDRAWN,
    OrderStatus.EXPIRED,
    OrderStatus.DISCHARGED,
    OrderStatus.CLOSED,
}


@dataclass(frozen=True)
class Seen:
    """One record as the invariants read it."""

    facts: OrderFacts
    reminders: Sequence[Reminder]


Invariant = Callable[[Seen, ServiceContext, datetime], list[str]]


def _heard_in_time(facts: OrderFacts) -> bool:
    deadline = facts.order.hearing_deadline_at
    return deadline is not None and any(h.outcome is not None and h.scheduled_at <= deadline for h in facts.hearings)


def _listed_by_deadline(facts: OrderFacts) -> bool:
    deadline = facts.order.hearing_deadline_at
    return deadline is not None and any(h.scheduled_at <= deadline for h in facts.hearings)


def _lapse_alerts(seen: Seen, states: tuple[ReminderState, ...]) -> set[int]:
    """Who has a lapse alert at the deadline in one of `states`."""
    deadline = seen.facts.order.hearing_deadline_at
    return {
        r.recipient_id
        for r in seen.reminders
        if r.kind.startswith(NOTICE_LAPSED.split("{")[0]) and r.due_at == deadline and r.state in states
    }


def active_notice_has_a_lapse_alarm(seen: Seen, ctx: ServiceContext, now: datetime) -> list[str]:
    """Every active notice whose deadline has not passed has a live lapse alarm for its officer
    until a hearing held in time has an outcome."""
    order = seen.facts.order
    if order.status is not OrderStatus.ACTIVE or order.hearing_deadline_at is None:
        return []
    if order.hearing_deadline_at <= now or _heard_in_time(seen.facts):
        return []
    if order.officer_id not in _lapse_alerts(seen, LIVE):
        return [f"{order.reference}: active, deadline ahead, no outcome, but no live lapse alarm"]
    return []


def a_notice_past_its_deadline_unheard_is_lapsed_and_its_people_told(
    seen: Seen, ctx: ServiceContext, now: datetime
) -> list[str]:
    """A notice past its deadline with no hearing listed by it is lapsed (marked, or read as lapsed
    until the scheduler marks it), and its officer and supervisors were told (an alert sent or
    due to go)."""
    facts, order = seen.facts, seen.facts.order
    if order.hearing_deadline_at is None or order.hearing_deadline_at > now or _listed_by_deadline(facts):
        return []
    if order.status in ENDED and order.closed_at is not None and order.closed_at < order.hearing_deadline_at:
        return []  # ended before its deadline: nothing to lapse
    problems = []
    if state(facts, now) is not State.LAPSED:
        problems.append(f"{order.reference}: past its deadline unheard but {state(facts, now)}")
    missing = {order.officer_id, *facts.supervisor_ids} - _lapse_alerts(seen, TOLD)
    if missing:
        problems.append(f"{order.reference}: lapsed but users {sorted(missing)} were not told")
    return problems


def no_live_reminder_for_an_ended_record(seen: Seen, ctx: ServiceContext, now: datetime) -> list[str]:
    order = seen.facts.order
    live = [r.kind for r in seen.reminders if r.state in LIVE]
    if order.status in ENDED and live:
        return [f"{order.reference}: {order.status} but reminders still to go: {live}"]
    if order.status is OrderStatus.LAPSED:
        other = [k for k in live if not k.startswith(NOTICE_LAPSED.split("{")[0])]
        return [f"{order.reference}: lapsed but other reminders still to go: {other}"] if other else []
    return []


def no_live_reminder_about_a_deadline_that_no_longer_applies(
    seen: Seen, ctx: ServiceContext, now: datetime
) -> list[str]:
    """Every reminder still to go is one the record's state and facts call for now; a follow-up
    only while its source still stands."""
    policy, tz = ctx.settings.reminders, ctx.settings.timezone
    wanted = still_relevant(seen.facts, policy, tz, now)
    by_id = {r.id: r for r in seen.reminders}
    problems = []
    for r in seen.reminders:
        if r.state not in LIVE:
            continue
        if is_follow_up(r.kind):
            source = by_id.get(int(r.kind.split(":")[1]))
            if source is None or source.state is ReminderState.CANCELLED or (source.kind, source.due_at) not in wanted:
                problems.append(f"{seen.facts.order.reference}: follow-up {r.kind} of a withdrawn reminder")
        elif (r.kind, r.due_at) not in wanted:
            problems.append(f"{seen.facts.order.reference}: {r.kind} at {r.due_at} is no longer called for")
    return problems


def the_stored_next_deadline_is_the_recomputed_one(seen: Seen, ctx: ServiceContext, now: datetime) -> list[str]:
    order = seen.facts.order
    recomputed = at_or_none(next_deadline(seen.facts, now))
    if order.next_deadline_at != recomputed:
        return [f"{order.reference}: next deadline stored {order.next_deadline_at}, recomputed {recomputed}"]
    return []


INVARIANTS: list[Invariant] = [
    active_notice_has_a_lapse_alarm,
    a_notice_past_its_deadline_unheard_is_lapsed_and_its_people_told,
    no_live_reminder_for_an_ended_record,
    no_live_reminder_about_a_deadline_that_no_longer_applies,
    the_stored_next_deadline_is_the_recomputed_one,
]

AUDITED = (ProtectionOrder, Hearing, Breach, BreachCheck, Notification)


def every_row_has_its_audit_row(session: Session, order_ids: Sequence[int]) -> list[str]:
    """Every record, hearing, breach, check and notification the run made has an audit row (one
    query for all five tables)."""
    unaudited = []
    for table in AUDITED:
        row_id = col(table.id)  # type: ignore[attr-defined]
        of_order = row_id if table is ProtectionOrder else col(table.order_id)  # type: ignore[attr-defined]
        audited = (
            select(AuditEvent.id)
            .where(AuditEvent.entity_type == table.__tablename__, col(AuditEvent.entity_id) == row_id)  # type: ignore[attr-defined]
            .exists()
        )
        unaudited.append(
            select(sa.literal(table.__tablename__).label("name"), row_id.label("id")).where(  # type: ignore[attr-defined]
                of_order.in_(order_ids), ~audited
            )
        )
    return [f"{name} {row_id} has no audit row" for name, row_id in session.execute(sa.union_all(*unaudited))]


def _facts(session: Session, order_ids: Sequence[int]) -> list[OrderFacts]:
    """The facts of every record, one query per table (services.records.planning.load_facts reads
    one record's)."""

    def by_order(table: type[Any]) -> dict[int, list[Any]]:
        found: dict[int, list[Any]] = defaultdict(list)
        for row in session.exec(select(table).where(col(table.order_id).in_(order_ids))).all():
            found[row.order_id].append(row)
        return found

    orders = session.exec(select(ProtectionOrder).where(col(ProtectionOrder.id).in_(order_ids))).all()
    hearings, breaches, checks, notifications = (by_order(t) for t in (Hearing, Breach, BreachCheck, Notification))
    supervisors: dict[int, list[int]] = defaultdict(list)
    for team_id, user_id in session.exec(select(TeamSupervisor.team_id, TeamSupervisor.user_id)).all():
        supervisors[team_id].append(user_id)
    return [
        OrderFacts(
            order=o,
            hearings=hearings[pk(o)],
            breaches=breaches[pk(o)],
            checks=checks[pk(o)],
            notifications=notifications[pk(o)],
            supervisor_ids=sorted(supervisors[o.team_id]),
        )
        for o in orders
    ]


def violations(session: Session, ctx: ServiceContext, now: datetime, order_ids: Sequence[int]) -> list[str]:
    """Everything wrong with the records `order_ids`, by every invariant."""
    found: list[str] = []
    reminders: dict[int, list[Reminder]] = defaultdict(list)
    for r in session.exec(select(Reminder).where(col(Reminder.order_id).in_(order_ids))).all():
        reminders[r.order_id].append(r)
    for facts in _facts(session, order_ids):
        seen = Seen(facts, reminders[pk(facts.order)])
        for invariant in INVARIANTS:
            found += invariant(seen, ctx, now)
    found += every_row_has_its_audit_row(session, order_ids)
    found += the_caseload_counts_are_the_records(session)
    found += the_references_are_counted_without_gaps(session)
    found += the_first_hearings_are_the_hearings(session, order_ids)
    found += the_hours_to_hearing_are_the_records(session, order_ids)
    found += the_daily_counts_are_the_rows(session)
    found += the_kept_teams_are_the_records(session, order_ids)
    return found


def the_kept_teams_are_the_records(session: Session, order_ids: Sequence[int]) -> list[str]:
    """Each breach's kept team (migration 0039) is its record's, and each check's and hearing's kept
    active team (0041, 0043) its record's while the record is active and none after: the digest and
    the App Home find a team's breaches, checks and hearings by them."""
    active_team = sa.case((col(ProtectionOrder.status) == OrderStatus.ACTIVE, col(ProtectionOrder.team_id)))
    found = [
        f"breach {breach_id} of record {order_id}: kept team {kept}, record's team {team}"
        for breach_id, order_id, kept, team in session.execute(
            sa.select(col(Breach.id), col(Breach.order_id), BREACH_TEAM, col(ProtectionOrder.team_id))
            .join(ProtectionOrder, col(ProtectionOrder.id) == col(Breach.order_id))
            .where(col(Breach.order_id).in_(order_ids), BREACH_TEAM.is_distinct_from(col(ProtectionOrder.team_id)))
        )
    ]
    for name, table, kept_team in (
        ("check", BreachCheck, CHECK_ACTIVE_TEAM),
        ("hearing", Hearing, HEARING_ACTIVE_TEAM),
    ):
        found += [
            f"{name} {row_id} of record {order_id}: kept active team {kept}, record's {team} ({status})"
            for row_id, order_id, kept, team, status in session.execute(
                sa.select(
                    col(table.id),
                    col(table.order_id),
                    kept_team,
                    col(ProtectionOrder.team_id),
                    col(ProtectionOrder.status),
                )
                .join(ProtectionOrder, col(ProtectionOrder.id) == col(table.order_id))
                .where(col(table.order_id).in_(order_ids), kept_team.is_distinct_from(active_team))
            )
        ]
    return found


def the_first_hearings_are_the_hearings(session: Session, order_ids: Sequence[int]) -> list[str]:
    """Each record's stored first_heard_at (kept by triggers on hearing, read by stats) is what the
    direct query says: the earliest scheduled time of its hearings with an outcome, or none."""
    direct = dict(
        session.exec(
            select(Hearing.order_id, func.min(Hearing.scheduled_at))
            .where(col(Hearing.order_id).in_(order_ids), col(Hearing.outcome).is_not(None))
            .group_by(col(Hearing.order_id))
        ).all()
    )
    stored = session.execute(
        sa.select(col(ProtectionOrder.id), FIRST_HEARD_AT).where(col(ProtectionOrder.id).in_(order_ids))
    ).all()
    return [
        f"record {order_id}: first_heard_at {kept}, earliest decided hearing {direct.get(order_id)}"
        for order_id, kept in stored
        if kept != direct.get(order_id)
    ]


def the_hours_to_hearing_are_the_records(session: Session, order_ids: Sequence[int]) -> list[str]:
    """Each record's hours_to_hearing (a generated column, migration 0036, whose median stats takes)
    is the hours from its service to its stored first hearing, or none without both."""
    found = []
    for order_id, served, first, hours in session.execute(
        sa.select(col(ProtectionOrder.id), col(ProtectionOrder.served_at), FIRST_HEARD_AT, HOURS_TO_HEARING).where(
            col(ProtectionOrder.id).in_(order_ids)
        )
    ).all():
        expected = None if served is None or first is None else (first - served).total_seconds() / 3600
        if (hours is None) != (expected is None) or (
            hours is not None and expected is not None and not math.isclose(hours, expected, rel_tol=1e-12)
        ):
            found.append(f"record {order_id}: hours_to_hearing {hours}, served to first heard {expected}")
    return found


def the_references_are_counted_without_gaps(session: Session) -> list[str]:
    """Each force's records of a type and year are numbered 1, 2, 3 ... up to its counter, each
    number once: a save that failed took no number, and saves at once took different ones.
    Across the whole database, as the counter is."""
    numbers: dict[tuple[str, str, int], list[int]] = defaultdict(list)
    for reference in session.exec(select(ProtectionOrder.reference)):
        force, kind, year, number = reference.rsplit("-", 3)  # a force code is letters only
        numbers[force, kind, int(year)].append(int(number))
    kinds = {kind.value for kind in OrderType}  # the counter also numbers incidents and disclosures
    counted = {
        (row.force_code, row.order_type, row.year): row.last_number
        for row in session.exec(select(ReferenceCounter))
        if row.order_type in kinds
    }
    return [
        f"references {key}: numbers {sorted(numbers.get(key, []))[:5]}..., counter at {counted.get(key, 0)}"
        for key in sorted(numbers.keys() | counted.keys())
        if sorted(numbers.get(key, [])) != list(range(1, counted.get(key, 0) + 1))
    ]


def the_caseload_counts_are_the_records(session: Session) -> list[str]:
    """The kept caseload counts (caseload_count, maintained by triggers) equal a count of the
    records themselves, for every team, officer and status: across the whole database, since a
    write to one record moves counts another run's records share."""
    key = (col(ProtectionOrder.team_id), col(ProtectionOrder.officer_id), col(ProtectionOrder.status))
    counted = {(t, o, OrderStatus(s)): n for t, o, s, n in session.exec(select(*key, func.count()).group_by(*key))}
    kept = {
        (row.team_id, row.officer_id, row.status): row.records
        for row in session.exec(select(CaseloadCount).where(col(CaseloadCount.records) != 0))
    }
    return [
        f"caseload_count of team {k[0]}, officer {k[1]}, {k[2].value}: {kept.get(k, 0)}, records {counted.get(k, 0)}"
        for k in sorted(counted.keys() | kept.keys())
        if kept.get(k, 0) != counted.get(k, 0)
    ]


LONDON = ZoneInfo("Europe/London")
NOTICES = {"DVPN", "DAPN"}


def _london_day(at: datetime) -> date:
    return at.astimezone(LONDON).date()


def counted_days(session: Session) -> dict[tuple[int, date, str], int]:
    """Each stats measure per team and Europe/London day, counted from the rows in Python (zoneinfo's
    clock changes, stats' definitions in services.reporting.stats), independently of the SQL that
    keeps daily_count."""
    found: dict[tuple[int, date, str], int] = defaultdict(int)
    orders = session.execute(
        sa.select(
            col(ProtectionOrder.id),
            col(ProtectionOrder.team_id),
            col(ProtectionOrder.order_type),
            col(ProtectionOrder.served_at),
            col(ProtectionOrder.closed_at),
            col(ProtectionOrder.status),
            col(ProtectionOrder.hearing_deadline_at),
            FIRST_HEARD_AT,
        )
    ).all()
    teams = {}
    for order_id, team, kind, served, closed, status, deadline, first_heard in orders:
        teams[order_id] = team
        if kind not in NOTICES:
            continue
        if served is not None:
            day = _london_day(served)
            found[team, day, "notices_issued"] += 1
            found[team, day, "applications_heard"] += first_heard is not None
            found[team, day, "heard_in_time"] += (
                first_heard is not None and deadline is not None and first_heard <= deadline
            )
            found[team, day, "notices_converted"] += status == OrderStatus.SUPERSEDED
        decided = {"superseded": "orders_granted", "refused": "orders_refused", "lapsed": "notices_lapsed"}
        if closed is not None and status in decided:
            found[team, _london_day(closed), decided[status]] += 1
    for breach in session.exec(select(Breach)).all():
        day, team = _london_day(breach.occurred_at), teams[breach.order_id]
        found[team, day, "breaches"] += 1
        added = breach.crime_reference_added_at
        in_time = added is not None and round((added - breach.recorded_at).total_seconds()) <= 24 * 3600
        found[team, day, "breaches_crime_reference_24h"] += in_time
    for check in session.exec(select(BreachCheck).where(col(BreachCheck.cancelled_at).is_(None))).all():
        day, team = _london_day(check.due_at), teams[check.order_id]
        found[team, day, "checks_due"] += 1
        found[team, day, "checks_on_time"] += check.done_at is not None and check.done_at <= check.due_at
    return {key: n for key, n in found.items() if n}


def the_daily_counts_are_the_rows(session: Session) -> list[str]:
    """The kept daily counts (daily_count, maintained by triggers, summed by /dvpn stats) equal the
    measures counted from the rows, for every team, Europe/London day and measure: across the whole
    database, as the caseload counts."""
    counted = counted_days(session)
    kept = {
        (row.team_id, row.day, measure): getattr(row, measure)
        for row in session.exec(select(DailyCount)).all()
        for measure in MEASURES
        if getattr(row, measure)
    }
    return [
        f"daily_count of team {k[0]}, {k[1]}, {k[2]}: {kept.get(k, 0)}, rows {counted.get(k, 0)}"
        for k in sorted(counted.keys() | kept.keys())
        if kept.get(k, 0) != counted.get(k, 0)
    ]


def casework_counted_days(
    session: Session,
) -> tuple[dict[tuple[int, date, str], int], dict[tuple[str, date, int, int], int]]:
    """Each casework measure per team and Europe/London day, and each spread's histogram per day,
    team and whole value, counted from the rows in Python (zoneinfo's clock changes, the figures'
    definitions in services.reporting.casework_stats and services.disclosures.figures),
    independently of the SQL that keeps casework_daily_count and casework_spread."""
    from models import DisclosureRequest, Incident, IncidentChild, MaracReferral
    from rules.disclosure import days_taken

    whole_seconds = session.get_bind().dialect.name == "sqlite"  # as sql_time.seconds_between rounds
    counts: dict[tuple[int, date, str], int] = defaultdict(int)
    spread: dict[tuple[str, date, int, int], int] = defaultdict(int)
    incidents = {i.id: i for i in session.exec(select(Incident)).all()}
    for incident in incidents.values():
        team, day, level = incident.team_id, _london_day(incident.reported_at), incident.risk_level
        counts[team, day, f"incidents_{level.value}" if level is not None else "incidents_unassessed"] += 1
        counts[team, day, "high_risk"] += level == RiskLevel.HIGH and incident.dash_at is not None
    for child in session.exec(select(IncidentChild)).all():
        incident = incidents[child.incident_id]
        key = (incident.team_id, _london_day(incident.reported_at))
        counts[(*key, "children")] += 1
        counts[(*key, "schools_told_in_time")] += child.told_at is not None and child.told_at <= child.due_at
    for referral in session.exec(select(MaracReferral)).all():
        incident = incidents[referral.incident_id]
        if incident.risk_level != RiskLevel.HIGH or incident.dash_at is None:
            continue
        seconds = (referral.referred_at - incident.dash_at).total_seconds()
        hours = (round(seconds) if whole_seconds else seconds) / 3600
        value = 0 if hours <= 0 else math.ceil(hours)
        spread["marac_hours", _london_day(incident.reported_at), incident.team_id, value] += 1
    for request in session.exec(select(DisclosureRequest)).all():
        team = request.team_id
        counts[team, _london_day(request.received_at), f"requests_{request.route.value}"] += 1
        ended = request.disclosed_at or request.closed_at
        if ended is None:
            continue
        day = _london_day(ended)
        counts[team, day, "requests_completed"] += 1
        counts[team, day, "disclosures"] += request.disclosed_at is not None
        counts[team, day, "completed_within_target"] += ended <= request.target_at
        spread["completion_days", day, team, days_taken(request.received_at, ended, LONDON)] += 1
    return {k: n for k, n in counts.items() if n}, {k: n for k, n in spread.items() if n}


def the_casework_counts_are_the_rows(session: Session) -> list[str]:
    """The kept casework daily counts and spreads (casework_daily_count, casework_spread, kept by
    triggers, summed by /dvpn stats and /dvpn clare stats) equal the measures counted from the rows,
    for every team, Europe/London day, measure and value: across the whole database."""
    counted, counted_spread = casework_counted_days(session)
    kept = {
        (row.team_id, row.day, measure): getattr(row, measure)
        for row in session.exec(select(CaseworkDailyCount)).all()
        for measure in CASEWORK_MEASURES
        if getattr(row, measure)
    }
    kept_spread = {
        (row.measure, row.day, row.team_id, row.value): row.n
        for row in session.exec(select(CaseworkSpread)).all()
        if row.n
    }
    return [
        f"casework_daily_count of team {k[0]}, {k[1]}, {k[2]}: {kept.get(k, 0)}, rows {counted.get(k, 0)}"
        for k in sorted(counted.keys() | kept.keys())
        if kept.get(k, 0) != counted.get(k, 0)
    ] + [
        f"casework_spread {k[0]}, team {k[2]}, {k[1]}, {k[3]}: {kept_spread.get(k, 0)}, rows {counted_spread.get(k, 0)}"
        for k in sorted(counted_spread.keys() | kept_spread.keys())
        if kept_spread.get(k, 0) != counted_spread.get(k, 0)
    ]


# -- incidents (tests/properties/test_incident_machine.py) ------------------------------------------


def counted_incidents(session: Session) -> dict[tuple[int, int, str, str], int]:
    """The incidents per team, officer, risk level (UNASSESSED for none yet) and "incidents" or
    "unreferred" (no MARAC referral), counted from the rows in Python."""
    referred = set(session.exec(select(MaracReferral.incident_id)).all())
    found: dict[tuple[int, int, str, str], int] = defaultdict(int)
    for incident_id, team, officer, risk in session.execute(
        sa.select(col(Incident.id), col(Incident.team_id), col(Incident.officer_id), col(Incident.risk_level))
    ).all():
        key = (team, officer, risk.value if risk is not None else UNASSESSED)
        found[(*key, "incidents")] += 1
        found[(*key, "unreferred")] += incident_id not in referred
    return {key: n for key, n in found.items() if n}


def the_incident_counts_are_the_incidents(session: Session) -> list[str]:
    """The kept incident counts (incident_count, maintained by triggers on incident and
    marac_referral, summed by `caseload incidents`) equal the incidents counted from the rows, for
    every team, officer and risk level, in all and with no MARAC referral: across the whole
    database, as the caseload counts."""
    kept = {
        (row.team_id, row.officer_id, row.risk, measure): getattr(row, measure)
        for row in session.exec(select(IncidentCount)).all()
        for measure in ("incidents", "unreferred")
        if getattr(row, measure)
    }
    counted = counted_incidents(session)
    return [
        f"incident_count of team {k[0]}, officer {k[1]}, {k[2]}, {k[3]}: {kept.get(k, 0)}, rows {counted.get(k, 0)}"
        for k in sorted(counted.keys() | kept.keys())
        if kept.get(k, 0) != counted.get(k, 0)
    ]


def incident_violations(session: Session, ctx: ServiceContext, incident_ids: Sequence[int]) -> list[str]:
    """What is wrong with the incidents a run made: a high-risk (or escalated) victim with no
    referral clock until referred, a child whose school has no Encompass clock until told, a clock
    met that still reminds, a stored next deadline that is not the earliest one ahead, or kept
    incident counts that are not the incidents."""
    from models import Incident, ProtectionOrder
    from rules.school_days import encompass_deadline
    from services.incidents.calendar import school_calendar_now
    from services.incidents.planning import deadlines_ahead, load_facts, marac_due

    found: list[str] = []
    calendar = school_calendar_now(session, ctx.settings)
    school_start, tz = ctx.settings.incidents.school_day_start, ctx.settings.timezone
    for incident in session.exec(select(Incident).where(col(Incident.id).in_(incident_ids))).all():
        facts = load_facts(session, incident)
        rows = session.exec(select(Reminder).where(Reminder.incident_id == incident.id)).all()
        told = {r.kind for r in rows if r.state in TOLD}
        live = {r.kind for r in rows if r.state in LIVE}
        ref, officer = incident.reference, incident.officer_id
        due = marac_due(facts, ctx.settings.incidents)
        if due is not None and facts.referral is None and f"inc_overdue:marac:{officer}" not in told:
            found.append(f"{ref}: {due[0].reason} and not referred, but no referral clock")
        if facts.referral is not None and any(k.startswith(("inc_due:marac", "inc_overdue:marac")) for k in live):
            found.append(f"{ref}: referred, but the referral clock still reminds")
        if incident.marac_open != (due is not None and facts.referral is None):
            found.append(f"{ref}: marked marac_open={incident.marac_open}, but a referral is due: {due is not None}")
        for child in facts.children:
            mine = {k for k in live if k.split(":")[1:2] == [str(child.number)] and k.startswith("encompass_")}
            if child.told_at is None and f"encompass_untold:{child.number}:{officer}" not in told:
                found.append(f"{ref}: child {child.number}'s school not told, but no Encompass clock")
            if child.told_at is not None and mine:
                found.append(f"{ref}: child {child.number}'s school told, but still reminded: {sorted(mine)}")
            expected = encompass_deadline(incident.reported_at, child.school_area, calendar, school_start, tz).at
            if child.told_at is None and child.due_at != expected:
                found.append(f"{ref}: child {child.number}'s school due {child.due_at}, the calendar says {expected}")
        from_it = session.exec(select(ProtectionOrder.id).where(ProtectionOrder.incident_id == incident.id)).first()
        considered = {k for k in live if k.startswith(("inc_due:considered", "inc_overdue:considered"))}
        if from_it is not None and (incident.notice_considered is not True or considered):
            found.append(f"{ref}: a notice was recorded from it, but its DVPN/DAPN-considered clock runs on")
        ahead = min((d.at for d in deadlines_ahead(facts, ctx.settings.incidents)), default=None)
        if incident.next_deadline_at != ahead:
            found.append(f"{ref}: next deadline stored {incident.next_deadline_at}, the earliest is {ahead}")
        _ = pk(incident)
    return (
        found
        + the_incident_counts_are_the_incidents(session)
        + the_escalation_counts_are_the_facts(session, incident_ids)
    )


def the_escalation_counts_are_the_facts(session: Session, incident_ids: Sequence[int]) -> list[str]:
    """The kept escalation counts (incident.escalation_count, read by `marac due` and the digest)
    equal the victim's incidents in the 12 months up to and including each incident, found as the
    planner finds them: for every incident whose victim is named like one of `incident_ids`' (the
    ones a run's writes can reach)."""
    from models import Incident, ProtectedPerson
    from rules.incidents import incidents_in_window
    from services.incidents.planning import victim_incidents

    keys = session.exec(
        select(ProtectedPerson.name_key)
        .join(Incident, col(Incident.victim_id) == col(ProtectedPerson.id))
        .where(col(Incident.id).in_(incident_ids))
    ).all()
    reached = (
        select(Incident)
        .join(ProtectedPerson, col(ProtectedPerson.id) == col(Incident.victim_id))
        .where(col(ProtectedPerson.name_key).in_(sorted(set(keys))))
        .order_by(col(Incident.id))
    )
    return [
        f"{incident.reference}: escalation count kept {incident.escalation_count}, the facts {counted}"
        for incident in session.exec(reached).all()
        if incident.escalation_count
        != (counted := incidents_in_window(victim_incidents(session, incident), incident.reported_at))
    ]


# -- the messages standing in Slack (tests/properties/test_message_machine.py) ------------------------


def stale_buttons(
    session: Session, ctx: ServiceContext, now: datetime, messages: Sequence[dict[str, Any]]
) -> list[str]:
    """Every posted reminder message still showing a button (other than 'Open record') that no
    longer applies: its reminder settled (acknowledged, dismissed, cancelled), or no longer called
    for by its record's facts now (a re-send or an escalation: its source's)."""
    stale = []
    for message in messages:
        blocks = message.get("blocks") or []
        pressable = [
            e["action_id"]
            for b in blocks
            if b.get("type") == "actions"
            for e in b.get("elements", [])
            if e.get("action_id") != ids.OPEN_RECORD  # opening the record always applies
        ]
        reminder_id = next(
            (int(b["block_id"][9:]) for b in blocks if str(b.get("block_id", "")).startswith("reminder_")), None
        )
        if not pressable or reminder_id is None:
            continue
        reminder = session.get(Reminder, reminder_id)
        if reminder is None or not _awaiting(session, ctx, now, reminder):
            state = reminder.state.value if reminder else "gone"
            kind = reminder.kind if reminder else "?"
            stale.append(f"message {message['ts']} of reminder {reminder_id} ({kind}, {state}) still shows {pressable}")
    return stale


def _awaiting(session: Session, ctx: ServiceContext, now: datetime, reminder: Reminder) -> bool:
    """Whether a posted reminder still asks for something: sent, unsettled, and called for now."""
    if reminder.state is not ReminderState.SENT:
        return False
    source_id = follow_up_source(reminder.kind)
    if source_id is not None:
        source = session.get(Reminder, int(source_id))
        return source is not None and _awaiting(session, ctx, now, source)
    order = session.get(ProtectionOrder, reminder.order_id)
    assert order is not None
    policy, tz = ctx.settings.reminders, ctx.settings.timezone
    due = reminder.due_at if reminder.due_at.tzinfo else reminder.due_at.replace(tzinfo=UTC)
    return (reminder.kind, due) in still_relevant(load_facts(session, order), policy, tz, now)


# -- leavers (services/governance/handover.py) --------------------------------------------------------


def open_work_of_those_who_left(session: Session, ctx: ServiceContext) -> list[str]:
    """No open work is owned by a user whose access was withdrawn, so no clock reminds someone who
    can no longer act: no open record (or lapsed notice) they are the officer of, no undone breach
    check, no incident with a clock still unmet (as the planner finds it, not the stored next
    deadline), no Clare's Law request neither disclosed nor closed, no undone MARAC action, no
    undone action or review of an open plan, and no reminder still to go out to them."""
    from models import AppUser, DisclosureRequest, ManagementPlan, MaracAction, PlanAction
    from services.governance.teams import HANDED_ON
    from services.incidents.planning import deadlines_ahead
    from services.incidents.planning import load_facts as incident_facts

    left = set(session.exec(select(AppUser.id).where(col(AppUser.active).is_(False))).all())
    if not left:
        return []
    found = [
        f"{o.reference} is open and its officer has left"
        for o in session.exec(select(ProtectionOrder).where(col(ProtectionOrder.status).in_(HANDED_ON))).all()
        if o.officer_id in left
    ]
    found += [
        f"breach check {c.id} is undone and assigned to someone who has left"
        for c in session.exec(select(BreachCheck).where(col(BreachCheck.done_at).is_(None))).all()
        if c.assigned_to_id in left
    ]
    policy = ctx.settings.incidents
    found += [
        f"{i.reference} has clocks running and its officer has left"
        for i in session.exec(select(Incident).where(col(Incident.officer_id).in_(left))).all()
        if deadlines_ahead(incident_facts(session, i), policy)
    ]
    found += [
        f"{r.reference} is not completed and its officer has left"
        for r in session.exec(select(DisclosureRequest).where(col(DisclosureRequest.officer_id).in_(left))).all()
        if r.disclosed_at is None and r.closed_at is None
    ]
    found += [
        f"MARAC action {a.id} is undone and its owner has left"
        for a in session.exec(select(MaracAction).where(col(MaracAction.owner_id).in_(left))).all()
        if a.done_at is None
    ]
    plans = {p.id: p for p in session.exec(select(ManagementPlan)).all()}
    found += [
        f"plan {p.id} is open and whoever adopted it, reminded of its review, has left"
        for p in plans.values()
        if p.closed_at is None and p.created_by_id in left
    ]
    found += [
        f"plan {a.plan_id} action {a.number} is undone and its owner has left"
        for a in session.exec(select(PlanAction).where(col(PlanAction.owner_id).in_(left))).all()
        if a.done_at is None and plans[a.plan_id].closed_at is None
    ]
    found += [
        f"reminder {r.id} ({r.kind}) is still to go out to someone who has left"
        for r in session.exec(select(Reminder).where(col(Reminder.state).in_(LIVE))).all()
        if r.recipient_id in left
    ]
    return found


def the_priority_tallies_are_the_events(ctx: ServiceContext) -> list[str]:
    """Once kept, as before every read of the list: the kept tallies, team rows and member rows are
    exactly those summed from the events now (services.people.priority_tallies), so the list read
    from them is the list summed afresh."""
    priority_tallies.keep_current(ctx)
    scoring, now = priority_tallies.scoring_of(ctx), ctx.clock.now()
    with Session(ctx.engine) as session:
        expected = priority_tallies.kept_rows(
            offending.tallies(session, scoring.since(now), now, scoring.matrix), now, scoring
        )
        found: list[str] = []
        for model, rows in zip((PriorityTally, PriorityAhead, PriorityTeam, PriorityMember), expected, strict=True):
            table = model.__table__  # type: ignore[attr-defined]
            names = [c.name for c in table.columns]
            kept = {
                tuple(_comparable(row[n]) for n in names)
                for row in session.connection().execute(sa.select(table)).mappings()
            }
            summed = {tuple(_comparable(row[n]) for n in names) for row in rows}
            found += [f"{table.name} keeps {row}, the events do not" for row in sorted(kept - summed, key=str)]
            found += [f"{table.name} lacks {row} of the events" for row in sorted(summed - kept, key=str)]
        state = session.get(PriorityState, priority_tallies.STATE)
        counted = (len(expected[0]), sum(1 for row in expected[0] if row["serial"]))
        if state is None or (state.people, state.serial) != counted:
            found.append(f"priority_state counts {state and (state.people, state.serial)}, the tallies {counted}")
        return found


def _comparable(value: object) -> object:
    return value.astimezone(UTC) if isinstance(value, datetime) else value
