"""How many messages an officer and their sergeant receive over a typical DVPN -> DVPO life with one
breach: every post the sweep makes to the local Slack stand-in, counted per person and by kind;
every message it rewrites in place (chat.update) once moot or settled; and, at the end, how many
messages still standing in Slack show buttons although their reminder asks for nothing any more
(stale buttons: its state moved on, or the record no longer calls for it).

The life: a DVPN served Thu 2 Apr 2026 20:00 and recorded at 20:30; nobody answers the night's
"no hearing booked" alert; the officer books the hearing at 09:00 next morning for Tue 7 Apr 13:30
(before the 48-hour deadline); every breach check is recorded 30 minutes after its reminder; the
court grants a 28-day DVPO at 14:00, recorded at 14:15; a breach on Sat 11 Apr 15:00 is recorded at
16:00 without a crime reference, which is added an hour after its reminder. The scheduler sweeps at
every moment something falls due and runs the rollover at 00:05 each night, until the DVPO ends.

    python -m bench.reminder_messages            # prints the counts, then every post in order
"""

from __future__ import annotations

import sys
import tempfile
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session

from blocks import actions as ids
from config import Settings
from console.slack_api import SlackWebAPI
from handlers.web_client import web_client
from models import HearingOutcome, ProtectionOrder, Role, metadata
from models.db import make_engine
from models.schema import upgrade
from rules.order_types import OrderType
from rules.ranks import Rank
from scheduler.notifier import SlackNotifier
from scheduler.rollover import rollover
from scheduler.sweep import sweep_once
from services.clock import ManualClock
from services.context import ServiceContext
from services.governance import staff
from services.records import breaches, checks, hearings
from services.records import recording as records
from services.records.hearings import GrantTerms
from services.records.order_writer import PersonInput
from services.records.planning import follow_up_source, load_facts, still_relevant
from services.records.recording import NewRecord

LONDON = ZoneInfo("Europe/London")
OFFICER, SERGEANT = "UOFFICER", "USERGEANT"
WORKER = "bench"


def london(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=LONDON)


Action = tuple[datetime, str, Callable[[], object]]


class Life:
    def __init__(self, ctx: ServiceContext, clock: ManualClock, slack: SlackWebAPI) -> None:
        self.ctx, self.clock, self.slack = ctx, clock, slack
        self.notifier = SlackNotifier(web_client(Settings(slack_api_url=slack.api_url), token="xoxb-bench", retries=0))
        self.actions: list[Action] = []
        self.posts: list[tuple[datetime, str, str]] = []  # (when, to, kind)
        self.updates: list[tuple[datetime, str, str]] = []  # (when, to, kind) of each message rewritten
        self.answered: set[int] = set()  # reminders the officer acted on
        self.reference = ""

    def reminders(self) -> list[dict[str, object]]:
        table = metadata.tables["reminder"]
        with self.ctx.engine.connect() as connection:
            return [dict(r._mapping) for r in connection.execute(sa.select(table).order_by(table.c.id))]

    def next_event(self) -> datetime | None:
        times = [self.actions[0][0]] if self.actions else []
        for r in self.reminders():
            if r["state"] == "pending":
                times.append(max(t for t in (r["due_at"], r["next_attempt_at"]) if isinstance(t, datetime)))
            if isinstance(r["escalate_at"], datetime):
                times.append(r["escalate_at"])
            if isinstance(r.get("update_due_at"), datetime):
                times.append(r["update_due_at"])  # type: ignore[arg-type]
        local = self.clock.now().astimezone(LONDON)
        rollover_at = datetime.combine(local.date(), datetime.min.time().replace(hour=0, minute=5), tzinfo=LONDON)
        if rollover_at <= self.clock.now():
            rollover_at += timedelta(days=1)
        times.append(rollover_at)
        return min(times)

    def run_until(self, to: datetime) -> None:
        while (moment := self.next_event()) is not None and moment <= to:
            self.clock.set(max(moment, self.clock.now()))
            if self.clock.now().astimezone(LONDON).strftime("%H:%M") == "00:05":
                rollover(self.ctx)
            while self.actions and self.actions[0][0] <= self.clock.now():
                _, _, act = self.actions.pop(0)
                act()
            before = len(self.slack.calls("chat.postMessage"))
            updated = len(self.slack.calls("chat.update"))
            sweep_once(self.ctx, self.notifier, WORKER)
            self.note_posts(before)
            self.note_updates(updated)
        self.clock.set(max(to, self.clock.now()))

    def note_posts(self, before: int) -> None:
        kinds = {int(r["id"]): (str(r["kind"]), r) for r in self.reminders()}  # type: ignore[call-overload]
        # A sweep posts to several people at once: listed in due order, as they were claimed.
        arrived = sorted(
            ((reminder_of(call.blocks), call) for call in self.slack.calls("chat.postMessage")[before:]),
            key=lambda found: (str(kinds[found[0]][1]["due_at"]), found[0]),
        )
        for reminder, call in arrived:
            kind, _ = kinds[reminder]
            to = "U" + str(call["channel"]).removeprefix("D")
            self.posts.append((self.clock.now(), to, kind))
            self.respond(reminder, kind, to)

    def note_updates(self, before: int) -> None:
        kinds = {int(r["id"]): str(r["kind"]) for r in self.reminders()}  # type: ignore[call-overload]
        for call in self.slack.calls("chat.update")[before:]:
            to = "U" + str(call["channel"]).removeprefix("D")
            self.updates.append((self.clock.now(), to, kinds[reminder_of(call.blocks)]))

    def stale_buttons(self) -> list[str]:
        """Kinds of the messages standing in Slack with buttons besides 'Open record' whose reminder
        asks for nothing any more: settled, or no longer called for by the record's facts (or, for
        a re-send or escalation, its reminder's)."""
        rows = {int(r["id"]): r for r in self.reminders()}  # type: ignore[call-overload]
        stale = []
        with Session(self.ctx.engine) as session:
            for message in self.slack.messages():
                pressable = [
                    e["action_id"]
                    for b in message.get("blocks") or []
                    if b["type"] == "actions"
                    for e in b["elements"]
                    if e["action_id"] != ids.OPEN_RECORD
                ]
                reminder = rows[reminder_of(message["blocks"])] if pressable else None
                if reminder is not None and not self.awaiting(session, rows, reminder):
                    stale.append(str(reminder["kind"]))
        return stale

    def awaiting(self, session: Session, rows: dict[int, dict[str, object]], reminder: dict[str, object]) -> bool:
        if reminder["state"] != "sent":
            return False
        source = follow_up_source(str(reminder["kind"]))
        if source is not None:
            return self.awaiting(session, rows, rows[int(source)])
        order = session.get(ProtectionOrder, reminder["order_id"])
        assert order is not None
        settings, now = self.ctx.settings, self.clock.now()
        relevant = still_relevant(load_facts(session, order), settings.reminders, settings.timezone, now)
        due = reminder["due_at"]
        assert isinstance(due, datetime)
        return (str(reminder["kind"]), due if due.tzinfo else due.replace(tzinfo=ZoneInfo("UTC"))) in relevant

    def respond(self, reminder: int, kind: str, to: str) -> None:
        """The officer's habits: a check is recorded 30 minutes after its reminder, a missing crime
        reference added an hour after."""
        if to != OFFICER or reminder in self.answered:
            return
        self.answered.add(reminder)
        now = self.clock.now()
        if kind.startswith("breach_check_due:"):
            done = now + timedelta(minutes=30)
            self.plan(done, "check", lambda: checks.complete_check(self.ctx, OFFICER, self.current(), done))
        elif kind.startswith("crime_reference_missing:"):
            self.plan(
                now + timedelta(hours=1),
                "crime",
                lambda: breaches.add_crime_reference(self.ctx, OFFICER, self.current(), "22/123456/26"),
            )

    def current(self) -> str:
        """The record in force: the DVPO once granted, else the notice."""
        table = metadata.tables["protection_order"]
        with self.ctx.engine.connect() as connection:
            found = connection.execute(
                sa.select(table.c.reference).where(table.c.status == "active").order_by(table.c.id.desc())
            ).first()
        return str(found[0]) if found else self.reference

    def plan(self, at: datetime, name: str, act: Callable[[], object]) -> None:
        self.actions.append((at, name, act))
        self.actions.sort(key=lambda a: a[0])


def reminder_of(blocks: list[dict[str, object]]) -> int:
    """The reminder a message is about: its blocks carry its id (reminder_<id>)."""
    for block in blocks:
        block_id = str(block.get("block_id") or "")
        if block_id.startswith("reminder_"):
            return int(block_id.removeprefix("reminder_"))
    raise ValueError("not a reminder's message")


def live(workdir: str, slack: SlackWebAPI) -> Life:
    engine = make_engine(f"sqlite:///{workdir}/life.db")
    upgrade(engine)
    clock = ManualClock(london("2026-04-02 20:30"))
    ctx = ServiceContext(engine, Settings(admins=("UADMIN",)), clock, "bench")
    staff.create_team(ctx, "UADMIN", "PPU North")
    staff.place_in_team(ctx, "UADMIN", OFFICER, "PPU North")
    staff.set_role(ctx, "UADMIN", SERGEANT, Role.SUPERVISOR)
    staff.place_in_team(ctx, "UADMIN", SERGEANT, "PPU North")
    staff.add_supervisor(ctx, "UADMIN", SERGEANT, "PPU North")

    life = Life(ctx, clock, slack)
    notice = records.record(
        ctx,
        OFFICER,
        NewRecord(
            order_type=OrderType.DVPN,
            served_at=london("2026-04-02 20:00"),
            authoriser_name="Supt Example",
            authoriser_rank=Rank.SUPERINTENDENT,
            perpetrator=PersonInput("Alex Example", None),
            protected=(PersonInput("Sam Sample"),),
        ),
    )
    life.reference = notice.reference
    life.plan(
        london("2026-04-03 09:00"),
        "book",
        lambda: hearings.book_hearing(ctx, OFFICER, notice.reference, london("2026-04-07 13:30")),
    )
    life.plan(
        london("2026-04-07 14:15"),
        "granted",
        lambda: hearings.record_outcome(
            ctx, OFFICER, notice.reference, HearingOutcome.GRANTED, london("2026-04-07 14:00"), GrantTerms(28)
        ),
    )
    life.plan(
        london("2026-04-11 16:00"),
        "breach",
        lambda: breaches.record_breach(ctx, OFFICER, life.current(), london("2026-04-11 15:00")),
    )
    life.run_until(london("2026-05-07 09:00"))
    return life


def main() -> int:
    with tempfile.TemporaryDirectory() as workdir, SlackWebAPI() as slack:
        life = live(workdir, slack)
        stale = life.stale_buttons()
    counts = Counter(to for _, to, _ in life.posts)
    print(f"posted: officer {counts[OFFICER]}  sergeant {counts[SERGEANT]}  total {len(life.posts)}")
    print(f"updated in place: {len(life.updates)}")
    print(f"stale buttons left standing: {len(stale)} {sorted(k.split(':')[0] for k in stale)}")
    for when, to, kind in life.posts:
        who = "officer " if to == OFFICER else "sergeant"
        print(f"  {when.astimezone(LONDON):%a %d %b %H:%M}  {who}  {kind.split(':')[0]}")
    for when, to, kind in life.updates:
        who = "officer " if to == OFFICER else "sergeant"
        print(f"  updated {when.astimezone(LONDON):%a %d %b %H:%M}  {who}  {kind.split(':')[0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
