"""The reminder queue: claiming due reminders, recording what happened when they were posted,
and escalating critical ones nobody acknowledged.

Any number of bot processes may sweep one database (DESIGN.md, "How a reminder flows"). A claim
is a short transaction: on PostgreSQL `SELECT ... FOR UPDATE SKIP LOCKED` picks rows no other
sweeper is claiming, and the claim is a lease (claimed_by, claimed_until), so the rows of a process
that dies before posting come back once the lease runs out. SQLite has one writer at a time (the
engine opens every transaction with BEGIN IMMEDIATE), so the same statement is safe there too.
Posting happens outside any transaction; each result is recorded at once in its own.

A process can die after Slack accepted a post and before it recorded it. Every claim counts an
attempt, and a claim handed back unposted gives it back; so a reminder claimed with an earlier
attempt behind it (a dead sender's lease ran out, or a post failed in a way that may have landed)
is flagged in Claim.recheck, and the sweep asks Slack whether it is already there before posting.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from functools import lru_cache
from operator import attrgetter
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from config import ReminderPolicy
from models import AppUser, Reminder, ReminderState, metadata
from models.reminders import CLAIMABLE
from models.types import UTCDateTime
from services.context import ServiceContext
from services.records.planning import ESCALATION, RENOTIFY, after_quiet_hours, follow_up_source, is_statutory
from services.reminders import batch
from services.reminders.about import officer_of, record_of, same_record
from services.reminders.chain import ADMINS, active_admin_ids, next_step, step_users, team_supervisor_ids
from services.reminders.facts import facts_for
from services.reminders.results import ReminderFacts
from services.reminders.rows import COLUMNS, Claimed, ReminderRow
from services.unit_of_work import Work, system

log = logging.getLogger(__name__)

SCHEDULER = "scheduler"  # who the audit trail says acted
REMINDERS: sa.Table = metadata.tables["reminder"]
MAX_BACKOFF = timedelta(hours=1)
ERROR_LIMIT = 500  # reminder.last_error's length
OWNER_RECHECK = timedelta(minutes=1)  # a supervisor's copy held for its owner's reminder looks again this soon


def retry_at(policy: ReminderPolicy, attempts: int, now: datetime) -> datetime:
    """When a send or update that failed after `attempts` tries is tried again: the back-off
    doubles each time, up to MAX_BACKOFF (posts, message updates and thread posts alike)."""
    backoff: timedelta = timedelta(seconds=policy.retry_backoff_seconds) * 2 ** (attempts - 1)
    return now + min(backoff, MAX_BACKOFF)


@dataclass(frozen=True)
class Claim:
    worker_id: str
    lease_until: datetime
    messages: tuple[ReminderFacts, ...]  # in due order
    skipped: int = 0  # claimed but not to be posted: withdrawn follow-ups, missing recipients
    recheck: frozenset[int] = frozenset()  # an earlier attempt may have posted these: ask Slack first
    # Supervisors' copies whose owner's reminder is in this claim, given back to go once it is
    # recorded as sent: posts go to several recipients at once, so one batch cannot order them.
    held: int = 0


def claim_due(ctx: ServiceContext, worker_id: str, limit: int | None = None) -> Claim:
    """Claim up to `limit` due reminders (DVPN_SWEEP_BATCH_SIZE) for `worker_id`, oldest first.
    Due means pending and past its time (and past any retry wait or snooze), or claimed by a
    process whose lease has run out."""
    policy = ctx.settings.reminders
    now = ctx.clock.now()
    lease_until = now + timedelta(seconds=policy.claim_lease_seconds)
    with system(ctx, SCHEDULER) as work:
        session = work.session
        rows = _claim_rows(session, worker_id, now, lease_until, limit or policy.sweep_batch_size)
        if not rows:
            return Claim(worker_id, lease_until, ())
        attempts = {r.id: r.attempts for r in rows}
        with batch.loaded(session, rows, owner_kind):
            deliverable, skipped, held = _sort_out(session, ctx, rows, now)
            found = facts_for(session, deliverable, ctx.settings, now)
        messages = tuple(found[r.id] for r in deliverable)
        recheck = frozenset(m.reminder_id for m in messages if attempts[m.reminder_id] > 1)
        return Claim(worker_id, lease_until, messages, skipped, recheck, held)


def _claiming() -> sa.Update:
    """The claiming UPDATE, built once with its values bound at each claim: built anew, a statement
    this size costs more Python than PostgreSQL takes to run it (issue 19's claim under 10 ms)."""
    c = REMINDERS.c
    now = sa.bindparam("now", type_=UTCDateTime())
    due = (
        sa.select(c.id)
        .where(
            sa.text(CLAIMABLE),  # as written in ix_reminder_claimable, read in claim order up to the batch
            c.due_at <= now,
            sa.or_(
                sa.and_(
                    c.state == ReminderState.PENDING, sa.or_(c.next_attempt_at.is_(None), c.next_attempt_at <= now)
                ),
                sa.and_(c.state == ReminderState.CLAIMED, c.claimed_until <= now),
            ),
        )
        .order_by(c.due_at, c.id)
        .limit(sa.bindparam("limit", type_=sa.Integer()))
        .with_for_update(skip_locked=True)  # PostgreSQL; SQLite's compiler leaves it out
    )
    return (
        sa.update(REMINDERS)
        .where(c.id.in_(due.scalar_subquery()))
        .values(
            state=ReminderState.CLAIMED,
            claimed_by=sa.bindparam("worker", type_=sa.String()),
            claimed_until=sa.bindparam("lease_until", type_=UTCDateTime()),
            attempts=c.attempts + 1,
        )
        .returning(*COLUMNS)  # the rows themselves, as plain tuples: no second statement to read them
    )


CLAIMING = _claiming()


def _claim_rows(session: Session, worker_id: str, now: datetime, lease_until: datetime, limit: int) -> list[Claimed]:
    """Claim due rows, in due order, as they are now (this claim's attempt counted)."""
    values = {"now": now, "limit": limit, "worker": worker_id, "lease_until": lease_until}
    rows = list(map(Claimed._make, session.execute(CLAIMING, values).all()))  # one fetch, not one a row
    return sorted(rows, key=_DUE_ORDER)  # UTCDateTime hands every time back zoned: no _utc needed


_DUE_ORDER = attrgetter("due_at", "id")


def _writing_back() -> tuple[sa.Update, sa.Update]:
    """What sorting out a claim writes back, one statement each for all its rows (executemany),
    built once: a row given back unposted, and one settled without posting (cancelled or failed;
    an escalation or cancellation time left as it was where none is given)."""
    c = REMINDERS.c
    row = c.id == sa.bindparam("row_id", type_=sa.Integer())
    given_back = (
        sa.update(REMINDERS)
        .where(row)
        .values(
            state=ReminderState.PENDING,
            next_attempt_at=sa.bindparam("wait", type_=UTCDateTime()),
            attempts=sa.bindparam("attempts_left", type_=sa.Integer()),
            claimed_by=None,
            claimed_until=None,
        )
    )
    settled = (
        sa.update(REMINDERS)
        .where(row)
        .values(
            state=sa.bindparam("settled_as", type_=c.state.type),
            cancelled_at=sa.func.coalesce(sa.bindparam("cancelled", type_=UTCDateTime()), c.cancelled_at),
            last_error=sa.bindparam("reason", type_=sa.String()),
            escalate_at=sa.func.coalesce(sa.bindparam("escalate", type_=UTCDateTime()), c.escalate_at),
            claimed_by=None,
            claimed_until=None,
        )
    )
    return given_back, settled


GIVEN_BACK, SETTLED = _writing_back()


class Undeliverable(StrEnum):
    """Why a claimed reminder is not posted: kept in reminder.last_error and the log, for whoever
    looks into it."""

    SETTLED_FIRST = "its reminder was acknowledged or withdrawn first"
    NO_RECIPIENT = "no recipient"
    ACCESS_WITHDRAWN = "the recipient's dvpn-bot access was withdrawn"


# Failures nobody was told of: the reminder reached no one.
UNSEEN = frozenset({Undeliverable.NO_RECIPIENT, Undeliverable.ACCESS_WITHDRAWN})


def undeliverable(session: Session, reminder: ReminderRow, held: batch.Batch | None = None) -> Undeliverable | None:
    """Why a claimed reminder must not be posted (None: post it). `held`: the claimed batch, when the
    caller has it at hand (asked for once, not once a reminder)."""
    held = held or batch.current(session) or batch.Batch()  # a claimed batch holds the sources and recipients
    source_id = follow_up_source(reminder.kind)
    if source_id is not None:
        source = held.sources.get(int(source_id)) or session.get(Reminder, int(source_id))
        if source is None or source.acknowledged_at is not None or source.state is ReminderState.CANCELLED:
            return Undeliverable.SETTLED_FIRST
    if reminder.recipient_channel:
        return None
    recipient = reminder.recipient_id
    user = (held.users.get(recipient) or session.get(AppUser, recipient)) if recipient else None
    if user is None:
        return Undeliverable.NO_RECIPIENT
    if not user.active:
        return Undeliverable.ACCESS_WITHDRAWN
    return None


def _sort_out(
    session: Session, ctx: ServiceContext, rows: Sequence[Claimed], now: datetime
) -> tuple[list[Claimed], int, int]:
    """Rows to post, and how many were settled without posting: a follow-up whose reminder was
    acknowledged first is cancelled; one with nobody to send it to, or claimed too often without
    being sent (a process crashing on it), is failed so it shows in the supervisors' digest."""
    keep: list[Claimed] = []
    given_back: list[dict[str, Any]] = []
    settled: list[dict[str, Any]] = []
    claimed, held = {r.id for r in rows}, 0
    failed: set[int] = set()  # failed above in this batch: written back after the loop
    loaded = batch.current(session)
    officers = loaded.officers if loaded is not None else {}
    for row in rows:
        officer = officers.get(batch.subject_key(row))
        wait = _owner_not_told(session, ctx, row, now, claimed, failed, officer)
        held += wait == now
        if wait is not None:
            # Given back unposted, counting no attempt: its time comes once the owner was told.
            given_back.append({"row_id": row.id, "wait": wait, "attempts_left": max(row.attempts - 1, 0)})
            continue
        found = undeliverable(session, row, loaded)
        reason: str | None = found
        if found is None and row.attempts > ctx.settings.reminders.max_send_attempts:
            reason = f"claimed {row.attempts - 1} times without being sent"
        if reason is None:
            keep.append(row)
            continue
        cancel = found is Undeliverable.SETTLED_FIRST
        # Nobody will see a failed one: tell the supervisors at once. A reminder to someone who has
        # left is shown in no digest when it is about an incident, a request or a plan, so it is
        # escalated whether critical or not: no deadline is missed unseen.
        escalate = not cancel and (row.critical or found in UNSEEN)
        if not cancel:
            failed.add(row.id)
        settled.append(
            {
                "row_id": row.id,
                "settled_as": ReminderState.CANCELLED if cancel else ReminderState.FAILED,
                "cancelled": now if cancel else None,
                "reason": reason,
                "escalate": now if escalate else None,
            }
        )
        log.warning("reminder %s not posted: %s", row.id, reason)
    for statement, values in ((GIVEN_BACK, given_back), (SETTLED, settled)):
        if values:
            session.execute(statement, values)
    return keep, len(rows) - len(keep), held


@lru_cache(maxsize=4096)  # a batch repeats kinds and officers: worked out once each
def owner_kind(kind: str, officer_id: int) -> tuple[str, bool] | None:
    """For a planned alert to someone above the officer (a supervisor's copy), the kind of the
    owner's own reminder it escalates, and whether it is counted from when that was sent (the
    breach check's grace period). None for the owner's own reminders and for follow-ups."""
    head, _, rest = kind.partition(":")
    parts = rest.split(":") if rest else []
    if head == "breach_check_overdue" and len(parts) == 2:
        return f"breach_check_due:{parts[0]}", True
    if head == "hearing_unbooked_supervisor":
        return "no_hearing_booked", False
    if head in ("notice_lapsed", "notification_missing") and parts and parts[-1] != str(officer_id):
        return f"{head}:{officer_id}", False
    if head == "crime_reference_missing" and len(parts) == 2 and parts[1] != str(officer_id):
        return f"crime_reference_missing:{parts[0]}:{officer_id}", False
    # A Clare's Law request's (services/disclosures/planning.py): the supervisors' near-target copy
    # waits for the officer's warning, their past-target alert for the officer's.
    if head == "dvds_target_near" and parts:
        return "dvds_target_near", False
    if head == "dvds_target" and parts and parts[-1] != str(officer_id):
        return f"dvds_target:{officer_id}", False
    return None


def _owner_not_told(
    session: Session,
    ctx: ServiceContext,
    row: ReminderRow,
    now: datetime,
    claimed: set[int],
    failed: Collection[int],
    officer: int | None = None,
) -> datetime | None:
    """When a supervisor's copy may go, if not now: nobody is escalated about something its owner
    has not been told. It waits until the owner's reminder was sent (and, for a breach check, the
    grace period after that); an owner's reminder that could not be delivered holds nothing back.
    `officer`: the officer in charge of its record, when the caller's batch holds it."""
    found = owner_kind(row.kind, officer if officer is not None else officer_of(session, row))
    if found is None:
        return None
    kind, counted = found
    owner = _owner(session, row, kind)
    if owner is None or owner.state is ReminderState.FAILED or owner.id in failed:
        return None
    grace = timedelta(hours=ctx.settings.reminders.breach_check_grace_hours) if counted else timedelta(0)
    if owner.sent_at is not None:  # told (a snoozed one waits to be told again: it was told already)
        sent = _utc(owner.sent_at)
        return sent + grace if now < sent + grace else None
    if owner.state not in (ReminderState.PENDING, ReminderState.CLAIMED):
        return None  # settled without being posted: nothing to wait for
    if owner.id in claimed and not counted:
        return now  # claimed with it: due again as soon as this batch is posted
    ready = max(t for t in (owner.due_at, owner.next_attempt_at, now) if t is not None)
    return max(ready + grace, now + OWNER_RECHECK)


def _owner(session: Session, row: ReminderRow, kind: str) -> Reminder | None:
    """The latest reminder of `kind` about row's record due no later than it and not cancelled:
    from the batch's preloaded candidates when claimed in a batch."""
    loaded = batch.current(session)
    if loaded is None:
        return session.exec(
            select(Reminder)
            .where(
                same_record(row),
                Reminder.kind == kind,
                col(Reminder.due_at) <= row.due_at,
                Reminder.state != ReminderState.CANCELLED,
            )
            .order_by(col(Reminder.due_at).desc())
        ).first()
    key, due = batch.subject_key(row), _utc(row.due_at)
    found = [
        r
        for r in loaded.owners
        if r.kind == kind
        and batch.subject_key(r) == key
        and _utc(r.due_at) <= due
        and r.state is not ReminderState.CANCELLED
    ]
    return max(found, key=lambda r: _utc(r.due_at), default=None)


def _utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def mark_sent(ctx: ServiceContext, reminder_id: int, worker_id: str, channel: str, ts: str) -> bool:
    """Record a post. False if this worker no longer held the claim (its lease ran out and another
    process took the reminder over): the reminder may then have been posted twice, which is logged."""
    now = ctx.clock.now()
    escalate = timedelta(minutes=ctx.settings.reminders.escalate_after_minutes)
    c = REMINDERS.c
    with system(ctx, SCHEDULER) as work:
        session = work.session
        done = session.execute(
            sa.update(REMINDERS)
            .where(c.id == reminder_id, c.state == ReminderState.CLAIMED, c.claimed_by == worker_id)
            .values(
                state=ReminderState.SENT,
                sent_at=now,
                slack_channel=channel,
                slack_ts=ts,
                update_reason=None,  # a new message: nothing said on it yet
                update_due_at=None,
                claimed_by=None,
                claimed_until=None,
                next_attempt_at=None,
                last_error=None,
                escalate_at=sa.case((c.critical, now + escalate), else_=None),
            )
        )
    if _rowcount(done) != 1:
        log.error("reminder %s posted (ts %s) after %s lost its claim: may show twice", reminder_id, ts, worker_id)
        return False
    return True


def mark_not_sent(ctx: ServiceContext, reminder_id: int, worker_id: str, error: str, *, retryable: bool) -> str:
    """A post failed. Retryable and attempts left: pending again after a backoff that doubles per
    attempt; otherwise failed (shown in the digest; a critical one is escalated at once).
    Returns the reminder's new state."""
    now = ctx.clock.now()
    policy = ctx.settings.reminders
    with system(ctx, SCHEDULER) as work:
        session = work.session
        row = session.exec(
            select(Reminder).where(Reminder.id == reminder_id, Reminder.claimed_by == worker_id).with_for_update()
        ).first()
        if row is None or row.state is not ReminderState.CLAIMED:
            return "lost"
        row.claimed_by, row.claimed_until, row.last_error = None, None, error[:ERROR_LIMIT]
        if retryable and row.attempts < policy.max_send_attempts:
            row.state, row.next_attempt_at = ReminderState.PENDING, retry_at(policy, row.attempts, now)
        else:
            row.state = ReminderState.FAILED
            if row.critical:
                row.escalate_at = now
            log.error("reminder %s failed after %s attempts: %s", reminder_id, row.attempts, error[:200])
        return row.state.value


def release(ctx: ServiceContext, worker_id: str, ids: list[int] | None = None, *, keep: Collection[int] = ()) -> int:
    """Hand unposted claims back without counting an attempt: at shutdown, when a batch's lease ran
    out before its turn came, or when Slack refused our token. `keep`: reminders whose post is under
    way and may land; they stay claimed until their lease runs out, and whoever takes them over asks
    Slack first. Returns how many were released."""
    c = REMINDERS.c
    query = sa.update(REMINDERS).where(c.state == ReminderState.CLAIMED, c.claimed_by == worker_id)
    if ids is not None:
        if not ids:
            return 0
        query = query.where(c.id.in_(ids))
    if keep:
        query = query.where(c.id.not_in(list(keep)))
    with system(ctx, SCHEDULER) as work:
        session = work.session
        result = session.execute(
            query.values(
                state=ReminderState.PENDING,
                claimed_by=None,
                claimed_until=None,
                attempts=sa.case((c.attempts > 0, c.attempts - 1), else_=0),
            )
        )
        return _rowcount(result)


def escalate_due(ctx: ServiceContext, limit: int = 500) -> int:
    """Critical reminders not acknowledged within DVPN_ESCALATE_AFTER_MINUTES of being sent (or that
    could not be delivered): re-send to the recipient and alert each supervisor of the record's team.
    The follow-ups are reminder rows, so they are delivered with the same guarantees. Returns how
    many reminders were escalated."""
    now = ctx.clock.now()
    with system(ctx, SCHEDULER) as work:
        session = work.session
        rows = session.exec(
            select(Reminder)
            .where(col(Reminder.escalate_at) <= now)
            .order_by(col(Reminder.escalate_at), col(Reminder.id))  # ties in id order on every database
            .limit(limit)
            .with_for_update(skip_locked=True)
        ).all()
        for row in rows:
            _escalate(work, row)
        return len(rows)


def _escalate(work: Work, row: Reminder) -> None:
    """One level up the chain (services/reminders/chain.py), never back to the recipient. A
    statutory countdown's follow-ups go at once; any other's wait for the end of quiet hours."""
    session, now, settings = work.session, work.now, work.ctx.settings
    row.escalate_at = None
    if row.acknowledged_at is not None or row.state not in (ReminderState.SENT, ReminderState.FAILED):
        return
    order = record_of(session, row)
    assert row.id is not None
    recipient = session.get(AppUser, row.recipient_id) if row.recipient_id else None
    step = next_step(session, settings, order.team_id, recipient, team_supervisor_ids(session, order.team_id))
    planned: list[tuple[str, int]] = []
    if row.state is ReminderState.SENT and row.recipient_id is not None:
        planned.append((RENOTIFY.format(source=row.id), row.recipient_id))
    above = step_users(work, step) if step else []
    level = step.level.value if step else None
    if row.state is ReminderState.FAILED and not [u for u in above if u != row.recipient_id]:
        # Nobody saw it and the chain ends here (no supervisor, no next level): the admins are
        # told, so that someone passes it on.
        above, level = active_admin_ids(session), ADMINS
    planned += [(ESCALATION.format(source=row.id, user=u), u) for u in above if u != row.recipient_id]
    due = now if is_statutory(row.kind) else after_quiet_hours(now, settings.reminders, settings.timezone)
    for kind, user in planned:
        session.add(
            Reminder(
                order_id=row.order_id,
                incident_id=row.incident_id,
                disclosure_id=row.disclosure_id,
                plan_id=row.plan_id,
                kind=kind,
                due_at=due,
                recipient_id=user,
                critical=False,  # a follow-up does not escalate again
                state=ReminderState.PENDING,
                created_at=now,
            )
        )
    after = {"kind": row.kind, "state": row.state.value, "level": level, "follow_ups": [k for k, _ in planned]}
    work.audit("escalate", "reminder", row.id, order_id=row.order_id, after=after)


def _rowcount(result: sa.Result[Any]) -> int:
    """Rows an UPDATE matched (SQLAlchemy types execute()'s result generically)."""
    return int(getattr(result, "rowcount", 0))


def next_due_at(ctx: ServiceContext, now: datetime) -> datetime | None:
    """When the next pending reminder (or its retry), escalation, message update or record thread
    post falls due after `now`. Reads only: the console moves its clock from one such moment to the next."""
    c = metadata.tables["reminder"].c
    ready = sa.case((c.next_attempt_at > c.due_at, c.next_attempt_at), else_=c.due_at)
    pending = sa.select(sa.func.min(ready)).where(c.state == ReminderState.PENDING, ready > now)
    escalation = sa.select(sa.func.min(c.escalate_at)).where(c.escalate_at > now)
    update = sa.select(sa.func.min(c.update_due_at)).where(c.update_due_at > now)  # a message to rewrite
    t = metadata.tables["record_thread_post"].c  # a record thread's post retried, or its root rewritten
    thread_retry = sa.select(sa.func.min(t.next_attempt_at)).where(
        t.state == ReminderState.PENDING, t.next_attempt_at > now
    )
    thread_update = sa.select(sa.func.min(t.update_due_at)).where(t.update_due_at > now)
    queries = (pending, escalation, update, thread_retry, thread_update)
    with system(ctx, SCHEDULER) as work:
        found = [work.session.execute(query).scalar() for query in queries]
    times = [_aware(t) for t in found if t is not None]
    return min(times) if times else None


def _aware(value: Any) -> datetime:
    """An aggregate skips the column type, so SQLite hands back naive text; the stored value is UTC."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    assert isinstance(value, datetime)
    return value if value.tzinfo else value.replace(tzinfo=UTC)
