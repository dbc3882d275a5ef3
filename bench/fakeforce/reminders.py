"""The reminders the bot would have planned for each generated record (the kinds and times of
services/records/planning.py under the default policy), in the state the sweep would have left them:
sent or acknowledged when due in the past, cancelled once obsolete, pending when still ahead.

The total is held to an exact target: each record is allowed its share, surplus cancelled rows are
dropped first, and a shortfall is made up with the re-sends that unacknowledged critical reminders
get (renotify:<id>, every 30 minutes)."""

from __future__ import annotations

import random
from dataclasses import dataclass

from bench.fakeforce.cases import Order
from bench.fakeforce.copyfiles import NULL, CopyFiles, nullable, ts
from bench.fakeforce.london import DAY, HOUR, at_local, local_day, quiet_hours_moved
from bench.fakeforce.staff import Staff

COUNTDOWN_HOURS = (24, 8, 2)  # ReminderPolicy.hearing_countdown_hours
ESCALATE_AFTER = 30 * 60  # ReminderPolicy.escalate_after_minutes


@dataclass(slots=True)
class Planned:
    kind: str
    due: int
    recipient: int
    critical: bool
    obsolete: int | None  # when the fact it reminds of was dealt with
    planned: int  # when it was planned: a non-urgent reminder already past by then was never made
    late_ok: bool = False


class ReminderWriter:
    def __init__(
        self, rng: random.Random, files: CopyFiles, staff: Staff, now: int, *, target: int, orders: int
    ) -> None:
        self.rng, self.files, self.staff, self.now = rng, files, staff, now
        self.target, self.orders = target, orders
        self.seen = 0  # records handled
        self.written = 0
        self.next_id = 0
        # The latest record with a critical reminder left unanswered, and its latest re-send.
        self.last_unanswered: tuple[Order, list[tuple[int, Planned, int]], int] | None = None

    def write_for(self, order: Order) -> None:
        self.seen += 1
        allowed = round(self.target * min(self.seen, self.orders) / self.orders) - self.written
        rows = [self._state(p, order) for p in self._plan(order) if p.late_ok or p.due >= p.planned]
        if len(rows) > allowed:
            rows.sort(key=lambda row: row[1] != "cancelled")  # drop cancelled ones first
            rows = rows[len(rows) - max(allowed, 0) :]
            rows.sort(key=lambda row: row[0].due)
        unanswered = []
        for planned, state, at in rows:
            reminder = self._write(order, planned, state, at)
            if planned.critical and state == "sent" and at is not None:
                unanswered.append((reminder, planned, at))
        latest = self._top_up(order, unanswered, allowed - len(rows))
        if unanswered:
            self.last_unanswered = (order, unanswered, max(latest, *(at for _, _, at in unanswered)))

    def finish(self) -> None:
        """The last records may have had nothing to re-send: the latest record that had makes up the rest."""
        if self.last_unanswered is not None and self.written < self.target:
            order, unanswered, latest = self.last_unanswered
            # After every re-send already made for it, so no (order, kind, due) is repeated.
            self._top_up(order, [(s, p, latest) for s, p, _ in unanswered], self.target - self.written)
        if self.written != self.target:
            print(f"  reminders: {self.written:,} written, {self.target:,} wanted")

    # Planning, as services/records/planning.py does it

    def _plan(self, order: Order) -> list[Planned]:
        plan: list[Planned] = []
        supervisors = self.staff.supervisors[order.team]
        everyone = (order.officer, *supervisors)
        end = order.ended
        if order.deadline is not None:
            plan += self._notice_clock(order, supervisors, everyone)
        for _hearing, booked, at, decided in order.hearings:
            day_before = at_local(local_day(at) - 1, 16)
            for kind, due in (("hearing_tomorrow", day_before), ("hearing_in_2h", at - 2 * HOUR)):
                plan.append(Planned(kind, quiet_hours_moved(due), order.officer, False, _first(decided, end), booked))
        if order.expires is not None:
            last_day = local_day(order.expires - 1)
            for kind, days in (("expires_in_7d", 7), ("expires_in_2d", 2), ("expires_today", 0)):
                plan.append(Planned(kind, at_local(last_day - days, 8), order.officer, False, end, order.start))
        for check, planned_at, due, done in order.checks:
            plan.append(Planned(f"breach_check_due:{check}", due, order.officer, False, _first(done, end), planned_at))
            plan += [
                Planned(f"breach_check_overdue:{check}:{s}", due + 4 * HOUR, s, True, _first(done, end), planned_at)
                for s in supervisors
            ]
        if order.notification_due is not None:
            gone = _first(order.notification_received, end)
            plan += [
                Planned(f"notification_missing:{u}", order.notification_due, u, False, gone, order.start, True)
                for u in everyone
            ]
        for breach, recorded, court, reference_added in order.breaches:
            if court is not None:
                plan += [
                    Planned(f"breach_court_in_{h}h:{breach}", court - h * HOUR, order.officer, True, end, recorded)
                    for h in COUNTDOWN_HOURS
                    if h < 24
                ]
            gone = _first(reference_added, end)
            plan += [
                Planned(f"crime_reference_missing:{breach}:{u}", recorded + DAY, u, False, gone, recorded, True)
                for u in everyone
            ]
        return plan

    def _notice_clock(self, order: Order, supervisors: list[int], everyone: tuple[int, ...]) -> list[Planned]:
        """CSA 2010 s27(3); DAA 2021 s29(2): the 48-hour hearing clock and its lapse alerts."""
        assert order.deadline is not None
        deadline, start, booked, decided = order.deadline, order.start, order.booked, order.decided
        lapsed = order.status == "lapsed"
        plan = [Planned("no_hearing_booked", start + 2 * HOUR, order.officer, True, booked, start, True)]
        plan += [
            Planned(f"hearing_unbooked_supervisor:{s}", deadline - 2 * HOUR, s, True, booked, start, True)
            for s in supervisors
        ]
        plan += [
            Planned(f"hearing_deadline_in_{h}h", deadline - h * HOUR, order.officer, True, decided, start)
            for h in COUNTDOWN_HOURS
        ]
        plan += [
            Planned(f"notice_lapsed:{u}", deadline, u, True, None if lapsed else decided, start, True) for u in everyone
        ]
        return plan

    # States, as the sweep and the buttons leave them

    def _state(self, planned: Planned, order: Order) -> tuple[Planned, str, int | None]:
        """(planned, state, the instant that state was reached)."""
        rng, now = self.rng, self.now
        gone = planned.obsolete
        if gone is not None and gone <= min(planned.due, now):
            return planned, "cancelled", max(gone, planned.planned)
        if planned.due > now:
            return planned, "pending", None
        sent = planned.due + rng.randrange(1, 20)
        roll = rng.random()
        if roll < 0.003:
            return planned, "failed", sent
        if roll < (0.7 if planned.critical else 0.25):
            return planned, "acknowledged", sent
        return planned, "sent", sent

    def _write(self, order: Order, planned: Planned, state: str, at: int | None) -> int:
        self.next_id += 1
        self.written += 1
        reminder = self.next_id
        sent = at if state in ("sent", "acknowledged", "failed") else None
        acknowledged = sent + self.rng.randrange(60, 25 * 60) if state == "acknowledged" and sent else None
        escalate = (
            sent + ESCALATE_AFTER if planned.critical and state == "sent" and sent and sent > self.now - DAY else None
        )
        channel = f"D{planned.recipient:08d}" if sent and state != "failed" else NULL
        slack_ts = f"{sent}.{reminder % 1_000_000:06d}" if sent and state != "failed" else NULL
        self.files.write(
            "reminder",
            f"{reminder}\t{order.id}\t{planned.kind}\t{ts(planned.due)}\t{planned.recipient}"
            f"\t{'t' if planned.critical else 'f'}\t{state}\t{5 if state == 'failed' else 1 if sent else 0}"
            f"\t{ts(sent)}\t{channel}\t{slack_ts}\t{ts(acknowledged)}"
            f"\t{nullable(planned.recipient if acknowledged else None)}\t{ts(at if state == 'cancelled' else None)}"
            f"\t{'channel_not_found' if state == 'failed' else NULL}\t{ts(escalate)}\t{ts(planned.planned)}",
        )
        return reminder

    def _top_up(self, order: Order, unanswered: list[tuple[int, Planned, int]], missing: int) -> int:
        """Re-sends of unacknowledged critical reminders, to make up this record's share; returns
        the latest re-send's due time (0 if none)."""
        latest = 0
        if not unanswered or missing <= 0:
            return latest
        for n in range(missing):
            source, planned, sent = unanswered[n % len(unanswered)]
            due = sent + ESCALATE_AFTER * (1 + n // len(unanswered))
            follow_up = Planned(f"renotify:{source}", due, planned.recipient, True, None, sent)
            state, at = ("sent", due + 2) if due <= self.now else ("pending", None)
            self._write(order, follow_up, state, at)
            latest = max(latest, due)
        return latest


def _first(*instants: int | None) -> int | None:
    known = [at for at in instants if at is not None]
    return min(known) if known else None
