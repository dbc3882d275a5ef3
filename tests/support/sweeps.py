"""Sweeping by hand: the injected clock moved from one due reminder to the next, a sweep at each,
and what reached the local Slack stand-in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from config import Settings
from console.slack_api import Call, SlackWebAPI
from handlers.web_client import web_client
from models import metadata
from scheduler.notifier import SlackNotifier
from scheduler.sweep import sweep_once
from services.clock import ManualClock
from services.context import ServiceContext
from tests.support.force import LONDON, london

WORKER = "test-worker"


def make_notifier(slack: SlackWebAPI, retries: int = 2) -> SlackNotifier:
    return SlackNotifier(web_client(Settings(slack_api_url=slack.api_url), token="xoxb-test", retries=retries))


def rows(ctx: ServiceContext, table_name: str, **where: object) -> list[dict[str, object]]:
    table = metadata.tables[table_name]
    query = sa.select(table).order_by(table.c.id)
    for key, value in where.items():
        query = query.where(table.c[key] == value)
    with ctx.engine.connect() as connection:
        return [dict(r._mapping) for r in connection.execute(query)]


def reminder_id_of(call: Call) -> int:
    """The reminder a posted message is about: its buttons' block id is reminder_<id>."""
    return next(int(b["block_id"].removeprefix("reminder_")) for b in call.blocks if b.get("type") == "actions")


def dm_user(channel: str) -> str:
    """The stand-in opens DM channel D<rest of the user id> for user U<rest>."""
    return "U" + channel.removeprefix("D")


@dataclass(frozen=True)
class Seen:
    at: str  # local time the message was posted, "Thu 02 22:00"
    to: str  # Slack user id
    kind: str


def next_event(ctx: ServiceContext) -> datetime | None:
    """The earliest moment the sweep has something to do: a reminder due, an escalation or an update."""
    times: list[datetime] = []
    for r in rows(ctx, "reminder"):
        if r["state"] == "pending":
            times.append(max(t for t in (r["due_at"], r["next_attempt_at"]) if isinstance(t, datetime)))
        if isinstance(r["escalate_at"], datetime):
            times.append(r["escalate_at"])
        if isinstance(r["update_due_at"], datetime):  # a posted message to rewrite
            times.append(r["update_due_at"])
    return min(times, default=None)


def _due_order(reminder: dict[str, object]) -> tuple[str, int]:
    """The order a sweep claims reminders in: due time, then id."""
    return (str(reminder["due_at"]), int(reminder["id"]))  # type: ignore[call-overload]


def run_until(
    ctx: ServiceContext, clock: ManualClock, slack: SlackWebAPI, notifier: SlackNotifier, to: datetime
) -> list[Seen]:
    """Sweep at every moment something falls due up to `to`, as a scheduler sweeping continuously
    would; then leave the clock at `to`. Returns what was posted, in order."""
    seen: list[Seen] = []
    while (moment := next_event(ctx)) is not None and moment <= to:
        clock.set(max(moment, clock.now()))
        before = len(slack.calls("chat.postMessage"))
        sweep_once(ctx, notifier, WORKER)
        reminders = {r["id"]: r for r in rows(ctx, "reminder")}
        arrived = slack.calls("chat.postMessage")[before:]
        # A sweep posts to several recipients at once, so posts to different recipients may arrive
        # in any order; each recipient's must arrive in due order. Listed in due order.
        in_due_order = sorted(arrived, key=lambda c: _due_order(reminders[reminder_id_of(c)]))
        for channel in {c["channel"] for c in arrived}:
            assert [c for c in arrived if c["channel"] == channel] == [
                c for c in in_due_order if c["channel"] == channel
            ], f"posts to {channel} out of due order"
        for call in in_due_order:
            local = clock.now().astimezone(LONDON)
            kind = str(reminders[reminder_id_of(call)]["kind"])
            seen.append(Seen(f"{local:%a %d %H:%M}", dm_user(call["channel"]), kind))
    clock.set(max(to, clock.now()))
    return seen


def at(text: str) -> datetime:
    return london(text)


def user_ids(ctx: ServiceContext) -> dict[str, int]:
    return {str(u["slack_user_id"]): int(u["id"]) for u in rows(ctx, "app_user")}  # type: ignore[call-overload]


def add_reminders(
    ctx: ServiceContext, order_id: int, recipient_id: int, count: int, first_due: datetime, *, critical: bool = False
) -> None:
    """`count` pending reminders a second apart, inserted in one statement (as a planner would
    have left them): a batch large enough to race over."""
    table = metadata.tables["reminder"]
    values = [
        {
            "order_id": order_id,
            "kind": "hearing_deadline_in_24h",
            "due_at": first_due + timedelta(seconds=i),
            "recipient_id": recipient_id,
            "critical": critical,
            "state": "pending",
            "attempts": 0,
            "created_at": first_due,
        }
        for i in range(count)
    ]
    with ctx.engine.begin() as connection:
        connection.execute(sa.insert(table), values)
