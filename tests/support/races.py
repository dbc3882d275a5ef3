"""Two writes interleaved on PostgreSQL, to show that the second waits for the first's lock.

Read committed: a write cannot see another's uncommitted rows, so a kept figure or index stays
right under concurrency only if the second write waits (on an advisory lock) until the first has
committed. `second_waits` makes exactly that interleaving: the first write is done and held open,
the second runs in a thread, and the first commits once the second is seen waiting."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from sqlalchemy.engine import Engine
from sqlmodel import Session

LOOKS = 200  # at 50 ms each: ten seconds for the second write to reach the lock
PAUSE = 0.05


def second_waits(engine: Engine, first: Session, second: Callable[[Session], None]) -> bool:
    """Run `second` in a session of its own on a thread, and commit it, while `first` (written, not
    committed) stays open; then commit `first`. Whether the second write came to wait on an
    advisory lock before the first committed. The second write's error, if any, is raised here."""
    errors: list[BaseException] = []
    with Session(engine) as session:

        def write() -> None:
            try:
                second(session)
                session.commit()
            except BaseException as error:  # raised in the test's thread below
                errors.append(error)

        pid = session.connection().exec_driver_sql("SELECT pg_backend_pid()").scalar()
        thread = threading.Thread(target=write)
        thread.start()
        waited = _waits_on_an_advisory_lock(engine, pid, thread)
        first.commit()
        thread.join(LOOKS * PAUSE)
    if errors:
        raise errors[0]
    assert not thread.is_alive(), "the second write did not finish after the first committed"
    return waited


def _waits_on_an_advisory_lock(engine: Engine, pid: object, thread: threading.Thread) -> bool:
    with engine.connect() as watcher:
        for _ in range(LOOKS):
            if not thread.is_alive():
                return False
            waiting = watcher.exec_driver_sql(
                "SELECT count(*) FROM pg_locks WHERE pid = %(pid)s AND locktype = 'advisory' AND NOT granted",
                {"pid": pid},
            ).scalar()
            if waiting:
                return True
            time.sleep(PAUSE)
    return False
