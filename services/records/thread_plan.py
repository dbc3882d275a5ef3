"""A record's thread in its team's channel, planned from its facts like its reminders are: the root
post, then one reply for each channel-visible event (a hearing booked, an outcome, a breach, the
record ending: lapsed, expired, superseded, closed). Planned again after every change, a thread
gains only what is new (rows are unique on record and kind), and each new reply asks for the root
to be rewritten to the record's status. The sweep delivers them (services/reminders/threads.py).

DVPN_RECORD_THREADS turns it off; a team without a channel has no thread (DMs stay as they are)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlmodel import Session, insert, select

from config import ReminderPolicy
from models import OrderStatus, RecordThreadPost, ReminderState, Team
from models.threads import ROOT
from services.new_rows import Plain

if TYPE_CHECKING:
    from services.records.planning import OrderFacts

HEARING = "hearing:{id}"  # a hearing booked (an adjournment books another)
OUTCOME = "outcome:{id}"  # that hearing's outcome recorded
BREACH = "breach:{id}"
ENDED = "status:{status}"  # the record ended: lapsed, expired, superseded, refused, closed...


def thread_kinds(facts: OrderFacts) -> list[str]:
    """Every post the record's thread should hold, root first, then in the order things happened."""
    events: list[tuple[datetime, str]] = []
    for hearing in facts.hearings:
        events.append((hearing.created_at, HEARING.format(id=hearing.id)))
        if hearing.outcome is not None:
            events.append((hearing.outcome_recorded_at or hearing.created_at, OUTCOME.format(id=hearing.id)))
    events += [(breach.recorded_at, BREACH.format(id=breach.id)) for breach in facts.breaches]
    kinds = [ROOT] + [kind for _, kind in sorted(events, key=lambda e: (_utc(e[0]), e[1]))]
    if facts.order.status is not OrderStatus.ACTIVE:
        kinds.append(ENDED.format(status=facts.order.status.value))
    return kinds


def plan_thread(
    session: Session,
    facts: OrderFacts,
    policy: ReminderPolicy,
    now: datetime,
    *,
    new_record: bool = False,
    held: list[Plain] | None = None,
) -> int:
    """Add the thread posts the facts call for and not yet planned; ask for the root's rewrite when
    a reply is added to a thread whose root was planned before. Returns how many were added.
    `held`: the new rows go there, for the caller to insert with its own (a new record's)."""
    order = facts.order
    if not policy.record_threads:
        return 0
    if any(h.id is None for h in facts.hearings) or any(b.id is None for b in facts.breaches):
        session.flush()  # a reply is named by its event's id
    team = facts.team if facts.team is not None else session.get(Team, order.team_id)
    if team is None or not team.digest_channel:
        return 0
    stored: Sequence[RecordThreadPost] = (
        () if new_record else session.exec(select(RecordThreadPost).where(RecordThreadPost.order_id == order.id)).all()
    )
    known = {post.kind for post in stored}
    new = [kind for kind in thread_kinds(facts) if kind not in known]
    if not new:
        return 0
    # The channel a thread started in is its channel: replies follow their root even if the team's
    # channel changes meanwhile.
    root = next((post for post in stored if post.kind == ROOT), None)
    channel = root.channel if root is not None else team.digest_channel
    posts = [
        {
            "order_id": order.id,
            "kind": kind,
            "channel": channel,
            "state": ReminderState.PENDING,
            "attempts": 0,
            "update_attempts": 0,
            "created_at": now,
        }
        for kind in new
    ]
    if held is not None:
        held.append((RECORD_THREAD_POSTS, posts))
    else:
        session.execute(insert(RecordThreadPost), posts)
    if root is not None:
        root.update_due_at, root.update_attempts = now, 0  # the root says the record's status now
    return len(new)


RECORD_THREAD_POSTS: sa.Table = RecordThreadPost.__table__  # type: ignore[attr-defined]


def _utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)
