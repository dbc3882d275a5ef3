"""The export command: the records in a supervisor's or admin's scope as a CSV, a disclosure logged with
its justification (Data Protection Act 2018 s62(1)(d), s62(3)).

Which records: those of the teams in scope that were in force at any time in the period: begun
(served, or made if never served) before the period ends, and not ended (closed_at) before it
starts.

What it holds: references, types, statuses, dates, outcomes, counts, the officer's Slack id and the
perpetrator's initials. No names, dates of birth, addresses, PNC ids or free text (courts,
authorisers, conditions, breach details, check outcomes, close reasons), which may name people;
the crime reference only as the force's format allows (services.records.crime_references). A supervisor can already
open each record, and each opening is logged; a bulk file leaves the tracker's control, so it
carries only what caseload work needs (DPA 2018 s37: adequate, relevant and not excessive).

Incidents, Clare's Law requests and management plans are exported the same way, one kind to a file
(the first word typed after the export command; services.reporting.casework_export says which rows
and columns).

Audit: one row for the export (kind, scope, period, row count, columns, justification) and one row per
exported record (order, incident, request or plan) pointing at it, so a record's own history (the
audit command, and a subject access request) shows every disclosure of it, not only the ones someone
thinks to search for.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from config import Settings
from models import (
    AppUser,
    AuditEvent,
    Breach,
    BreachCheck,
    Hearing,
    OrderProtectedPerson,
    Perpetrator,
    ProtectionOrder,
    Team,
)
from models.db import answered_at_the_end, is_postgres
from models.types import column_length
from services.context import ServiceContext
from services.errors import DomainError
from services.governance.justification_terms import meaningless
from services.records.crime_references import shareable_crime_reference
from services.reporting.casework_export import casework_rows, columns_of
from services.reporting.csv_file import Row, to_csv
from services.reporting.id_arrays import among, each_id
from services.reporting.period import Period, checked_period
from services.reporting.report_results import Export, ExportKind, ReportScope
from services.reporting.scope import export_scope, orders_in
from services.reporting.sql_time import LocalTimes
from services.unit_of_work import reading
from services.views import initials

JUSTIFICATION_MIN = 10  # "ok" is not a reason a reviewer could check
JUSTIFICATION_MAX = column_length(AuditEvent, "justification")

COLUMNS = (
    "reference",
    "type",
    "status",
    "team",
    "officer_slack_id",
    "follows",
    "served",
    "made",
    "hearing_deadline",
    "first_hearing",
    "heard_within_48h",
    "last_hearing_outcome",
    "expires",
    "until_further_order",
    "ended",
    "risk_level",
    "children_present",
    "crime_reference",
    "breaches",
    "breaches_without_crime_reference",
    "checks_done",
    "checks_overdue",
    "perpetrator_initials",
    "protected_people",
)


def checked_justification(text: str | None) -> str:
    reason = " ".join((text or "").split())
    if len(reason) < JUSTIFICATION_MIN:
        raise DomainError(
            f"Say why you need this export in a few words (at least {JUSTIFICATION_MIN} characters), "
            "e.g. 'Monthly caseload review for the PPU North performance meeting'.",
            "justification",
        )
    if len(reason) > JUSTIFICATION_MAX:
        raise DomainError(f"Keep the justification under {JUSTIFICATION_MAX} characters.", "justification")
    if (nonsense := meaningless(reason)) is not None:
        raise DomainError(nonsense, "justification")
    return reason


def prepare(ctx: ServiceContext, actor_slack_id: str, team_name: str | None) -> ReportScope:
    """Refuse before the justification form opens rather than after it is filled in. Reads only."""
    with reading(ctx, actor_slack_id) as read:
        return export_scope(read.session, read.user, team_name)


def export_records(
    ctx: ServiceContext,
    actor_slack_id: str,
    period: Period,
    team_name: str | None,
    justification: str | None,
    kind: ExportKind = ExportKind.ORDERS,
) -> Export:
    reason = checked_justification(justification)
    tz = ctx.settings.timezone
    period = checked_period(period, ctx.clock.now().astimezone(tz).date())  # the form's metadata is the client's
    with reading(ctx, actor_slack_id) as read:
        session, user, now = read.session, read.user, read.now
        scope = export_scope(session, user, team_name)
        start, end = period.start_at(tz), period.end_at(tz)
        columns: Sequence[str]
        rows: Iterable[Row]
        if kind is ExportKind.ORDERS:
            times = LocalTimes(tz, postgres=is_postgres(session.get_bind().engine))
            orders = _orders(session, scope, start, end, times)
            rows, columns = _rows(session, orders, ctx.settings, now, times), COLUMNS
            entity_type, ids = "protection_order", [o.id for o in orders]
        else:
            found = casework_rows(session, kind, scope, (start, end), ctx.settings, now)
            rows, columns, entity_type, ids = found.rows, columns_of(kind), found.entity_type, found.entity_ids
        named = "" if kind is ExportKind.ORDERS else f"{kind.value}-"
        filename = f"dvpn-export-{named}{scope.slug}-{period.start.isoformat()}-to-{period.last_day.isoformat()}.csv"
        summary = read.audit(
            "export",
            "export",
            after={
                "kind": kind.value,
                "scope": scope.label,
                "team_ids": list(scope.team_ids) if scope.team_ids is not None else None,
                "period": {
                    "label": period.label,
                    "first_day": period.start.isoformat(),
                    "last_day": period.last_day.isoformat(),
                },
                "rows": len(ids),  # one line per record
                "columns": list(columns),
                "filename": filename,
                "delivered_to": "requester's direct message",
            },
            justification=reason,
        )
        session.flush()
        # Everything the file holds has been read; its lines are written (`rows` is lazy) while
        # the server writes the per-record audit rows, instead of one after the other: each costs
        # tens of microseconds a record (a team's month of orders: 19,000 records).
        with answered_at_the_end(session):
            _audit_each_record(session, ctx, user, entity_type, ids, summary, reason, now)
            content = to_csv(rows, columns)
        assert summary.id is not None
        return Export(filename, content, len(ids), scope, summary.id, kind)


def record_undelivered(ctx: ServiceContext, actor_slack_id: str, export: Export, error_id: str) -> None:
    """The file was prepared and logged but Slack did not take it: say so in the trail."""
    with reading(ctx, actor_slack_id) as read:
        after = {"export_event": export.audit_event_id, "error_id": error_id}
        read.audit("export_undelivered", "export", export.audit_event_id, after=after)


def _orders(session: Session, scope: ReportScope, start: datetime, end: datetime, times: LocalTimes) -> Sequence[Any]:
    """Plain rows named as the order's columns, not ORM objects (which would carry the free text
    and cost a Python object each), the times as the file writes them (`served`, `made`, ...)."""
    order = ProtectionOrder
    began = func.coalesce(col(order.served_at), col(order.made_at))
    in_force = sa.and_(began < end, sa.or_(col(order.closed_at).is_(None), col(order.closed_at) >= start))
    at = times.column
    query = sa.select(
        col(order.id),
        col(order.reference),
        # The values as stored, which are the enums' values the file writes: no enum made per cell.
        sa.type_coerce(col(order.order_type), sa.String).label("order_type"),
        sa.type_coerce(col(order.status), sa.String).label("status"),
        col(order.team_id),
        col(order.officer_id),
        col(order.parent_id),
        col(order.perpetrator_id),
        col(order.hearing_deadline_at),
        at(col(order.served_at)).label("served"),
        at(col(order.made_at)).label("made"),
        at(col(order.hearing_deadline_at)).label("hearing_deadline"),
        at(col(order.expires_at)).label("expires"),
        at(col(order.closed_at)).label("ended"),
        col(order.until_further_order),
        sa.type_coerce(col(order.risk_level), sa.String).label("risk_level"),
        col(order.children_present),
        col(order.crime_reference),
    ).where(in_force)
    if (team := orders_in(scope)) is not None:
        query = query.where(team)
    return session.execute(query.order_by(began, col(order.reference))).all()


def _rows(
    session: Session, orders: Sequence[Any], settings: Settings, now: datetime, times: LocalTimes
) -> Iterator[Row]:
    """The file's lines, made as they are written: every fact is read here, before the first."""
    facts = _Facts.load(session, orders, [o.id for o in orders], now, times)
    return _lines(orders, facts, settings, times.text)


def _lines(orders: Sequence[Any], facts: _Facts, settings: Settings, text: Callable[[Any], str]) -> Iterator[Row]:
    """One tuple a record: the facts are kept as the cells they become, so a line is lookups."""
    teams, officers, references, names = facts.teams, facts.officers, facts.references, facts.perpetrators
    no_hearing, none = ("", "", ""), ("0", "0")
    # Initials made here, while the audit rows are written, once a perpetrator.
    suspects: dict[int, str] = {}
    for (
        order_id,
        reference,
        order_type,
        status,
        team_id,
        officer_id,
        parent_id,
        perpetrator_id,
        _deadline_instant,
        served,
        made,
        deadline,
        expires,
        ended,
        until_further_order,
        risk_level,
        children_present,
        crime_reference,
    ) in orders:
        if (suspect := suspects.get(perpetrator_id)) is None:
            suspect = suspects[perpetrator_id] = initials(names.get(perpetrator_id, ""))
        yield (
            reference,
            order_type,
            status,
            teams.get(team_id, ""),
            officers.get(officer_id, ""),
            references.get(parent_id, "") if parent_id else "",
            text(served),
            text(made),
            text(deadline),
            *facts.hearings.get(order_id, no_hearing),
            text(expires),
            "yes" if until_further_order else "no",
            text(ended),
            risk_level or "",
            "yes" if children_present else "no",
            # The one typed value exported, and only in the force's format; courts, authorisers
            # and every other typed field stay in the tracker.
            shareable_crime_reference(settings, crime_reference) or "",
            *facts.breaches.get(order_id, none),
            *facts.checks.get(order_id, none),
            suspect,
            facts.protected.get(order_id, "0"),
        )


@dataclass
class _Facts:
    """What each row needs beyond its order, a handful of grouped queries for the whole export, each
    fact kept as the cells it fills."""

    teams: dict[int, str]
    officers: dict[int, str]
    references: dict[int | None, str]
    perpetrators: dict[int, str]  # full names, made initials as the lines are written
    protected: dict[int, str]
    breaches: dict[int, tuple[str, str]]  # breaches, breaches without a crime reference
    checks: dict[int, tuple[str, str]]  # checks done, checks overdue
    hearings: dict[int, tuple[str, str, str]]  # first hearing, heard within 48 hours, last outcome

    @classmethod
    def load(cls, session: Session, orders: Sequence[Any], ids: list[int], now: datetime, times: LocalTimes) -> _Facts:
        parents = sorted({o.parent_id for o in orders if o.parent_id is not None})
        postgres = is_postgres(session.get_bind().engine)

        def of(column: Any, wanted: Sequence[int]) -> Any:
            return among(column, wanted, postgres=postgres)

        return cls(
            teams=dict(session.exec(select(Team.id, Team.name)).all()),  # type: ignore[arg-type]
            officers=dict(
                session.exec(
                    select(AppUser.id, AppUser.slack_user_id).where(
                        of(AppUser.id, sorted({o.officer_id for o in orders}))
                    )
                ).all()  # type: ignore[arg-type]
            ),
            references=dict(
                session.exec(
                    select(ProtectionOrder.id, ProtectionOrder.reference).where(of(ProtectionOrder.id, parents))
                ).all()
            ),
            perpetrators=dict(
                session.exec(
                    select(Perpetrator.id, Perpetrator.full_name).where(
                        of(Perpetrator.id, sorted({o.perpetrator_id for o in orders}))
                    )
                ).all()  # type: ignore[arg-type]
            ),
            protected=_grouped_count(
                session, col(OrderProtectedPerson.order_id), of(OrderProtectedPerson.order_id, ids)
            ),
            breaches=_breach_counts(session, of(Breach.order_id, ids)),
            checks=_check_counts(session, of(BreachCheck.order_id, ids), now),
            hearings=_hearing_facts(session, orders, of(Hearing.order_id, ids), times),
        )


def _grouped_count(session: Session, order_column: Any, exported: Any) -> dict[int, str]:
    rows = session.exec(select(order_column, func.count()).where(exported).group_by(order_column)).all()
    return {int(order_id): str(count) for order_id, count in rows}


def _breach_counts(session: Session, exported: Any) -> dict[int, tuple[str, str]]:
    rows = session.exec(
        select(Breach.order_id, func.count(), func.count().filter(col(Breach.crime_reference).is_(None)))
        .where(exported)
        .group_by(col(Breach.order_id))
    ).all()
    return {order_id: (str(total), str(missing)) for order_id, total, missing in rows}


def _check_counts(session: Session, exported: Any, now: datetime) -> dict[int, tuple[str, str]]:
    """Checks done, and checks still open that fell due before now while the record was in force
    (one falling due after a notice was superseded was no longer needed)."""
    done = col(BreachCheck.done_at).is_not(None)
    # The record's end is looked up only for a check still open past its time (a key lookup each):
    # joined for every check, the export's month read the whole of protection_order.
    closed_at = (
        sa.select(col(ProtectionOrder.closed_at))
        .where(col(ProtectionOrder.id) == col(BreachCheck.order_id))
        .scalar_subquery()
    )
    late = sa.and_(
        col(BreachCheck.done_at).is_(None),
        col(BreachCheck.due_at) < now,
        sa.or_(closed_at.is_(None), col(BreachCheck.due_at) <= closed_at),
    )
    rows = session.exec(
        select(BreachCheck.order_id, func.count().filter(done), func.count().filter(late))
        .where(exported)
        .group_by(col(BreachCheck.order_id))
    ).all()
    return {order_id: (str(done), str(overdue)) for order_id, done, overdue in rows}


def _hearing_facts(
    session: Session, orders: Sequence[Any], exported: Any, times: LocalTimes
) -> dict[int, tuple[str, str, str]]:
    """First hearing (as the file writes it), for notices whether a hearing with an outcome was
    listed by the 48-hour deadline (CSA 2010 s27(3); DAA 2021 s29(3)), and the latest recorded outcome."""
    deadlines = {o.id: o.hearing_deadline_at for o in orders}
    found: dict[int, list[Any]] = defaultdict(list)
    for hearing in session.execute(
        sa.select(
            col(Hearing.order_id),
            col(Hearing.scheduled_at),
            times.column(col(Hearing.scheduled_at)).label("shown"),
            sa.type_coerce(col(Hearing.outcome), sa.String).label("outcome"),
        )
        .where(exported)
        .order_by(col(Hearing.scheduled_at))
    ).all():
        found[hearing.order_id].append(hearing)
    facts: dict[int, tuple[str, str, str]] = {}
    for order_id, hearings in found.items():
        decided = [h for h in hearings if h.outcome is not None]
        deadline = deadlines.get(order_id)
        in_time = ""  # not a notice, or not heard (yet)
        if deadline is not None and decided:
            in_time = "yes" if any(h.scheduled_at <= deadline for h in decided) else "no"
        facts[order_id] = (times.text(hearings[0].shown), in_time, decided[-1].outcome if decided else "")
    return facts


def _audit_each_record(
    session: Session,
    ctx: ServiceContext,
    user: AppUser,
    entity_type: str,
    ids: Sequence[int],
    summary: AuditEvent,
    reason: str,
    now: datetime,
) -> None:
    """One audit row per exported record, all in one INSERT ... SELECT over the ids sent as one value
    (an array, or a JSON list on SQLite): the rows differ only in the record they point at, and a
    row-by-row insert of a team's month (2,744 incidents) cost one statement per row."""
    if not ids:
        return
    audit = AuditEvent.__table__.c  # type: ignore[attr-defined]
    postgres = is_postgres(session.get_bind().engine)
    exported = each_id(ids, postgres=postgres, name="exported_ids")
    same = {
        "at": now,
        "actor_user_id": user.id,
        "actor": f"slack:{user.slack_user_id}",
        "action": "export",
        "entity_type": entity_type,
        "after": {"export_event": summary.id},
        "justification": reason,
        "source": ctx.source,
    }
    values: list[Any] = [sa.bindparam(f"audit_{name}", value, type_=audit[name].type) for name, value in same.items()]
    if postgres:  # a parameter in a SELECT list has no type of its own there (unbounded text: no cut)
        values = [sa.cast(v, sa.String() if isinstance(v.type, sa.String) else v.type) for v in values]
    order_id = exported.c.value if entity_type == "protection_order" else sa.cast(sa.null(), sa.Integer)
    rows = sa.select(*values, exported.c.value, order_id).select_from(exported).order_by(exported.c.position)
    session.execute(sa.insert(AuditEvent).from_select([*same, "entity_id", "order_id"], rows))
