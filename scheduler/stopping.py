"""What a process's jobs and its graceful shutdown share: whether a stop was asked for (SIGTERM),
how many jobs are still running, and which reminders are being posted this moment.

The jobs look at `stopping` between posts: once it is set they claim nothing more and hand back
what they have not begun. The shutdown waits for the running jobs up to the grace, then releases
every claim left except the posts under way: one of those may already be in Slack, so it stays
claimed until its lease runs out and the next claimer asks Slack whether it landed."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager


class StopSignal:
    def __init__(self) -> None:
        self._stop = threading.Event()
        self._changed = threading.Condition()
        self._jobs = 0
        self._posting: set[int] = set()
        self._set_at: float | None = None

    def set(self) -> None:
        """Ask the jobs to stop; the shutdown grace counts from the first call (the signal)."""
        with self._changed:
            if self._set_at is None:
                self._set_at = time.monotonic()
        self._stop.set()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    @contextmanager
    def job(self) -> Iterator[None]:
        with self._changed:
            self._jobs += 1
        try:
            yield
        finally:
            with self._changed:
                self._jobs -= 1
                self._changed.notify_all()

    @contextmanager
    def posting(self, reminder_id: int) -> Iterator[None]:
        """Around a post and the recording of its result."""
        with self._changed:
            self._posting.add(reminder_id)
        try:
            yield
        finally:
            with self._changed:
                self._posting.discard(reminder_id)

    def posting_now(self) -> frozenset[int]:
        with self._changed:
            return frozenset(self._posting)

    def wait_for_jobs(self, grace: float) -> bool:
        """True once no job is running; False if some still are `grace` seconds after the stop was
        asked for (or from now, if it was not)."""
        with self._changed:
            deadline = (self._set_at or time.monotonic()) + grace
            while self._jobs:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._changed.wait(left)
            return True
