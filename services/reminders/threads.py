"""The record threads' queue: claiming the thread posts due, recording how each went, and the
roots' rewrites to their record's status. The same rules as the reminders' (queue.py, updates.py):
a claim is a lease in a short transaction (FOR UPDATE SKIP LOCKED on PostgreSQL), posting happens
outside any transaction and each result is recorded at once, a claim after an earlier attempt is
flagged so the sweep asks Slack first, failures are retried with a doubling backoff up to
DVPN_MAX_SEND_ATTEMPTS.

Two rules of their own keep a thread in order across processes: a reply is claimable only once its
root is recorded as sent (its ts is the thread to reply in), and only when nothing planned before
it in the same thread is still waiting, so replies reach the thread in the order they were
planned, one at a time per record."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from models import Breach, Hearing, Perpetrator, ProtectionOrder, RecordThreadPost, ReminderState, metadata
from models.threads import ROOT
from services.context import ServiceContext
from services.records.planning import load_facts, next_deadline, state
from services.reminders.queue import ERROR_LIMIT, SCHEDULER, retry_at
from services.reminders.thread_results import ThreadEvent, ThreadPostFacts, ThreadRecord
from services.unit_of_work import system
from services.views import initials

log = logging.getLogger(__name__)

POSTS: sa.Table = metadata.tables["record_thread_post"]
GONE = ("message_not_found", "channel_not_found", "cant_update_message", "is_archived", "thread_not_found")


@dataclass(frozen=True)
class ThreadClaim:
    worker_id: str
    lease_until: datetime
    posts: tuple[ThreadPostFacts, ...]  # in the order they are to be posted
    recheck: frozenset[int] = frozenset()  # an earlier attempt may have posted these: ask Slack first


def claim_thread_posts(ctx: ServiceContext, worker_id: str, limit: int | None = None) -> ThreadClaim:
    """Claim up to `limit` due thread posts, at most one per record: each record's next post."""
    policy = ctx.settings.reminders
    now = ctx.clock.now()
    lease_until = now + timedelta(seconds=policy.claim_lease_seconds)
    c = POSTS.c
    root, earlier = POSTS.alias("root"), POSTS.alias("earlier")
    due = (
        sa.select(c.id)
        .where(
            sa.or_(
                sa.and_(
                    c.state == ReminderState.PENDING, sa.or_(c.next_attempt_at.is_(None), c.next_attempt_at <= now)
                ),
                sa.and_(c.state == ReminderState.CLAIMED, c.claimed_until <= now),
            ),
            sa.or_(
                c.kind == ROOT,
                sa.exists().where(
                    root.c.order_id == c.order_id, root.c.kind == ROOT, root.c.state == ReminderState.SENT
                ),
            ),
            ~sa.exists().where(
                earlier.c.order_id == c.order_id,
                earlier.c.id < c.id,
                earlier.c.state.in_([ReminderState.PENDING, ReminderState.CLAIMED]),
            ),
        )
        .order_by(c.id)
        .limit(limit or policy.sweep_batch_size)
        .with_for_update(skip_locked=True)
    )
    with system(ctx, SCHEDULER) as work:
        session = work.session
        rows = list(
            session.scalars(
                sa.update(RecordThreadPost)
                .where(RecordThreadPost.id.in_(due.scalar_subquery()))  # type: ignore[union-attr]
                .values(
                    state=ReminderState.CLAIMED,
                    claimed_by=worker_id,
                    claimed_until=lease_until,
                    attempts=RecordThreadPost.attempts + 1,
                )
                .returning(RecordThreadPost)
                .execution_options(synchronize_session=False)
            ).all()
        )
        rows.sort(key=lambda r: r.id or 0)
        posts = tuple(_facts(session, row, ctx, now) for row in rows)
        return ThreadClaim(worker_id, lease_until, posts, frozenset(r.id for r in rows if r.id and r.attempts > 1))


def _facts(session: Session, row: RecordThreadPost, ctx: ServiceContext, now: datetime) -> ThreadPostFacts:
    """A post's facts, read as the record is now: a root says its current status."""
    assert row.id is not None
    order = session.get(ProtectionOrder, row.order_id)
    assert order is not None
    facts = load_facts(session, order)
    perpetrator = session.get(Perpetrator, order.perpetrator_id)
    record = ThreadRecord(
        reference=order.reference,
        order_type=order.order_type.value,
        initials=initials(perpetrator.full_name) if perpetrator else "?",
        status=order.status.value,
        state=state(facts, now).value,
        next_deadline=next_deadline(facts, now),
        tz=ctx.settings.timezone,
    )
    thread_ts = None
    if row.kind != ROOT:
        thread_ts = session.exec(
            select(RecordThreadPost.slack_ts).where(
                RecordThreadPost.order_id == row.order_id, RecordThreadPost.kind == ROOT
            )
        ).first()
    return ThreadPostFacts(
        row.id, row.kind, row.channel, thread_ts, row.slack_ts, row.created_at, record, _event(session, row.kind)
    )


def _event(session: Session, kind: str) -> ThreadEvent:
    head, _, arg = kind.partition(":")
    if head == "hearing" and (hearing := session.get(Hearing, int(arg))) is not None:
        return ThreadEvent(hearing_at=hearing.scheduled_at)
    if head == "outcome" and (hearing := session.get(Hearing, int(arg))) is not None:
        return ThreadEvent(outcome=hearing.outcome.value if hearing.outcome else None)
    if head == "breach" and (breach := session.get(Breach, int(arg))) is not None:
        return ThreadEvent(breach_at=breach.occurred_at)
    if head == "status":
        return ThreadEvent(ended=arg)
    return ThreadEvent()


def thread_post_sent(ctx: ServiceContext, post_id: int, worker_id: str, ts: str) -> bool:
    """Record a post. False if this worker no longer held the claim (logged: it may show twice)."""
    c = POSTS.c
    with system(ctx, SCHEDULER) as work:
        done = work.session.execute(
            sa.update(POSTS)
            .where(c.id == post_id, c.state == ReminderState.CLAIMED, c.claimed_by == worker_id)
            .values(
                state=ReminderState.SENT,
                sent_at=work.now,
                slack_ts=ts,
                claimed_by=None,
                claimed_until=None,
                next_attempt_at=None,
                last_error=None,
            )
        )
    if int(getattr(done, "rowcount", 0)) != 1:
        log.error("thread post %s posted (ts %s) after %s lost its claim: may show twice", post_id, ts, worker_id)
        return False
    return True


def thread_post_not_sent(ctx: ServiceContext, post_id: int, worker_id: str, error: str, *, retryable: bool) -> str:
    """A post failed: pending again after a backoff while attempts are left, else failed. A root
    that failed for good fails its replies with it (there is no thread to reply in). Returns the
    post's new state."""
    policy = ctx.settings.reminders
    with system(ctx, SCHEDULER) as work:
        session, now = work.session, work.now
        row = session.exec(
            select(RecordThreadPost)
            .where(RecordThreadPost.id == post_id, RecordThreadPost.claimed_by == worker_id)
            .with_for_update()
        ).first()
        if row is None or row.state is not ReminderState.CLAIMED:
            return "lost"
        row.claimed_by, row.claimed_until, row.last_error = None, None, error[:ERROR_LIMIT]
        if retryable and row.attempts < policy.max_send_attempts:
            row.state, row.next_attempt_at = ReminderState.PENDING, retry_at(policy, row.attempts, now)
            return row.state.value
        row.state = ReminderState.FAILED
        log.error("thread post %s failed after %s attempts: %s", post_id, row.attempts, error[:200])
        if row.kind == ROOT:
            session.execute(
                sa.update(POSTS)
                .where(POSTS.c.order_id == row.order_id, POSTS.c.state == ReminderState.PENDING)
                .values(state=ReminderState.FAILED, last_error="its thread's root could not be posted")
            )
        return row.state.value


def release_thread_posts(ctx: ServiceContext, worker_id: str, ids: list[int]) -> int:
    """Hand unposted claims back without counting an attempt."""
    if not ids:
        return 0
    c = POSTS.c
    with system(ctx, SCHEDULER) as work:
        result = work.session.execute(
            sa.update(POSTS)
            .where(c.state == ReminderState.CLAIMED, c.claimed_by == worker_id, c.id.in_(ids))
            .values(
                state=ReminderState.PENDING,
                claimed_by=None,
                claimed_until=None,
                attempts=sa.case((c.attempts > 0, c.attempts - 1), else_=0),
            )
        )
        return int(getattr(result, "rowcount", 0))


@dataclass(frozen=True)
class RootUpdate:
    post: ThreadPostFacts
    claimed_until: datetime  # the claim's mark: a newer rewrite asked meanwhile stays due


def claim_root_updates(ctx: ServiceContext, limit: int = 100) -> list[RootUpdate]:
    """Roots posted whose text is to follow their record's status, each claimed for one lease.
    chat.update sets the whole message, so applying one twice shows the same thing."""
    now = ctx.clock.now()
    until = now + timedelta(seconds=ctx.settings.reminders.claim_lease_seconds)
    with system(ctx, SCHEDULER) as work:
        session = work.session
        rows = session.exec(
            select(RecordThreadPost)
            .where(
                RecordThreadPost.kind == ROOT,
                RecordThreadPost.state == ReminderState.SENT,
                RecordThreadPost.update_due_at <= now,  # type: ignore[operator]
            )
            .order_by(RecordThreadPost.update_due_at, RecordThreadPost.id)  # type: ignore[arg-type]
            .limit(limit)
            .with_for_update(skip_locked=True)
        ).all()
        claimed = []
        for row in rows:
            row.update_due_at, row.update_attempts = until, row.update_attempts + 1
            claimed.append(RootUpdate(_facts(session, row, ctx, now), until))
        return claimed


def root_updated(ctx: ServiceContext, update: RootUpdate) -> None:
    """The root says the status now; a rewrite asked while this one was under way stays due."""
    with system(ctx, SCHEDULER) as work:
        row = work.session.get(RecordThreadPost, update.post.post_id, with_for_update=True)
        if row is not None and row.update_due_at is not None and _utc(row.update_due_at) == update.claimed_until:
            row.update_due_at = None


def root_not_updated(ctx: ServiceContext, update: RootUpdate, error: str, *, retryable: bool) -> str:
    """chat.update failed: again after a backoff while attempts are left, else given up; a root
    gone from Slack needs no rewrite. Returns 'retrying', 'gone' or 'given up'."""
    policy = ctx.settings.reminders
    with system(ctx, SCHEDULER) as work:
        row = work.session.get(RecordThreadPost, update.post.post_id, with_for_update=True)
        if row is None or row.update_due_at is None:
            return "given up"
        if error.startswith(GONE):
            row.update_due_at = None
            return "gone"
        if retryable and row.update_attempts < policy.max_send_attempts:
            row.update_due_at = retry_at(policy, row.update_attempts, work.now)
            return "retrying"
        row.update_due_at = None
        log.error("thread root %s not updated after %s attempts: %s", row.id, row.update_attempts, error[:200])
        return "given up"


def _utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)
