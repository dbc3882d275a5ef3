"""Fault-test fixtures: real `dvpn-bot` processes against one PostgreSQL database, the local Slack
Web API stand-in, and a drill clock (DVPN_DRILL_CLOCK_FILE) that every process reads, so a test
moves time for all of them at once.

These tests need PostgreSQL (several processes share one database): without
DVPN_TEST_POSTGRES_URL they skip, and under CI=true they fail instead (tests/conftest.py)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from console.slack_api import SlackWebAPI
from models import metadata
from services.clock import DrillClock
from tests.conftest import london

ROOT = Path(__file__).resolve().parent.parent.parent
BOT = ROOT / "bot.py"
START = london("2026-04-02 06:58")  # a Thursday, just before the 07:00 digests


@pytest.fixture
def pg_engine(postgres_engine: Engine) -> Engine:
    """The PostgreSQL test database, emptied: fault tests run on PostgreSQL only."""
    tables = ", ".join(t.name for t in metadata.sorted_tables)
    with postgres_engine.begin() as connection:
        connection.exec_driver_sql(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
    return postgres_engine


@pytest.fixture
def pg_url(pg_engine: Engine) -> str:
    """The database URL as a bot process reads it from DATABASE_URL."""
    return pg_engine.url.render_as_string(hide_password=False)


@pytest.fixture
def slack_api() -> Iterator[SlackWebAPI]:
    with SlackWebAPI() as api:
        yield api


@pytest.fixture
def drill_clock(tmp_path: Path) -> DrillClock:
    clock = DrillClock(tmp_path / "drill-clock")
    clock.set(START)
    return clock


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def bot_environment(pg_url: str, slack_api: SlackWebAPI, clock: DrillClock, **settings: str) -> dict[str, str]:
    """The environment of a bot process: this machine's, without any dvpn-bot or Slack setting the
    developer may have exported, plus the test's database, stand-in, drill clock and `settings`."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DVPN_", "SLACK_", "DATABASE_URL"))}
    return {
        **clean,
        "DATABASE_URL": pg_url,
        "SLACK_BOT_TOKEN": "xoxb-fault-test",
        "SLACK_SIGNING_SECRET": "fault-test-signing-secret",
        "SLACK_API_URL": slack_api.api_url,
        "DVPN_DRILL_CLOCK_FILE": str(clock.path),
        "DVPN_HTTP_HOST": "127.0.0.1",
        "DVPN_LOG_LEVEL": "INFO",
        **settings,
    }


class BotProcess:
    """One `dvpn-bot <command>` process, its output in a file (a pipe nobody reads would fill up
    and stall it). start() may be called again after the process ended, as a restart."""

    def __init__(self, name: str, command: list[str], env: dict[str, str], workdir: Path) -> None:
        self.name = name
        self.command = command
        self.env = env
        self.workdir = workdir
        self.log = workdir / f"{name}.log"
        self.process: subprocess.Popen[bytes] | None = None
        self.starts = 0

    def start(self) -> BotProcess:
        with self.log.open("ab") as output:
            self.process = subprocess.Popen(
                [sys.executable, str(BOT), *self.command],
                cwd=self.workdir,  # no .env of the developer's is read
                env=self.env,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        self.starts += 1
        return self

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def signal(self, signum: int) -> None:
        assert self.process is not None
        self.process.send_signal(signum)

    def kill(self) -> None:
        """SIGKILL: no handler runs, nothing is released; then reap it."""
        if self.running:
            self.signal(signal.SIGKILL)
        self.wait(10)

    def wait(self, timeout: float) -> int:
        assert self.process is not None
        return self.process.wait(timeout=timeout)

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def wait_for_output(self, text: str, timeout: float = 30.0, count: int = 1) -> None:
        """Until `text` appears `count` times in the log; fails with the log if the process ends first."""
        deadline = time.monotonic() + timeout
        while self.output().count(text) < count:
            if not self.running:
                raise AssertionError(
                    f"{self.name} exited ({self.process and self.process.returncode}):\n{self.output()}"
                )
            if time.monotonic() > deadline:
                raise AssertionError(f"{self.name}: {text!r} not seen within {timeout}s:\n{self.output()[-4000:]}")
            time.sleep(0.05)


@pytest.fixture
def bots(tmp_path: Path) -> Iterator[Callable[..., BotProcess]]:
    """A factory of bot processes; every one still running at the end is killed."""
    made: list[BotProcess] = []

    def make(name: str, command: list[str], env: dict[str, str]) -> BotProcess:
        bot = BotProcess(name, command, env, tmp_path)
        made.append(bot)
        return bot

    yield make
    for bot in made:
        if bot.running:
            bot.kill()


def wait_until(condition: Callable[[], bool], timeout: float, what: str, poll: float = 0.05) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(poll)
