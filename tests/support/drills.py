"""Fault-test fixtures: real `dvpn-bot` processes against one PostgreSQL database, the local Slack
Web API stand-in, and a drill clock (DVPN_DRILL_CLOCK_FILE) that every process reads, so a test
moves time for all of them at once.

These tests need PostgreSQL (several processes share one database): without
DVPN_TEST_POSTGRES_URL they skip, and under CI=true they fail instead (tests/conftest.py)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from config import Settings
from console.requests import signed_headers
from console.slack_api import TEAM_ID, SlackWebAPI
from models import metadata
from services.clock import DrillClock, ManualClock
from services.context import ServiceContext
from services.governance import staff
from services.records import recording as records
from tests.support.force import london
from tests.support.records import dvpn

ROOT = Path(__file__).resolve().parents[2]


BOT = ROOT / "bot.py"


FORM = "application/x-www-form-urlencoded"


CHANNEL = "C0PPUNORTH"


START = london("2026-04-03 06:58")  # just before the 07:00 digests; the seeded DVPN was served the evening before


ADMIN = "UADMIN"

# A process that has decided to exit still joins its threads and tears its interpreter down, and a
# loaded 2-core machine can take seconds over that. A drill allows this much beyond the configured
# shutdown grace and proves the behaviour from what happened (the post finished, the rest released,
# exit 0, nothing lost or doubled), not from a tight wall-clock limit.
EXIT_ALLOWANCE_SECONDS = 10.0


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
        self.log_position = 0  # where the output of the latest start begins in the log

    def start(self) -> BotProcess:
        self.log_position = len(self.output())
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
        """Until `text` appears `count` times in the output of the latest start; fails with the log if
        the process ends first."""
        deadline = time.monotonic() + timeout
        while self.output()[self.log_position :].count(text) < count:
            if not self.running:
                raise AssertionError(
                    f"{self.name} exited ({self.process and self.process.returncode}):\n{self.output()}"
                )
            if time.monotonic() > deadline:
                raise AssertionError(f"{self.name}: {text!r} not seen within {timeout}s:\n{self.output()[-4000:]}")
            time.sleep(0.05)


class Served:
    """A running `dvpn-bot serve`, and requests to it signed as Slack signs them."""

    def __init__(self, bot: BotProcess, port: int, slack_api: SlackWebAPI, secret: str) -> None:
        self.bot = bot
        self.secret = secret
        self.base = f"http://127.0.0.1:{port}"
        self.slack_api = slack_api
        self._triggers = 0

    def health(self) -> int:
        try:
            with urllib.request.urlopen(f"{self.base}/healthz", timeout=10) as answer:
                return int(answer.status)
        except urllib.error.HTTPError as error:
            return int(error.code)
        except OSError:
            return 0

    def post(self, body: str, **extra_headers: str) -> tuple[int, dict[str, Any], float]:
        """Status, JSON body and seconds to the acknowledgement."""
        headers = {k: str(v) for k, v in signed_headers(body, FORM, self.secret).items()} | extra_headers
        request = urllib.request.Request(f"{self.base}/slack/events", body.encode(), headers, method="POST")
        started = time.monotonic()
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                status, data = int(answer.status), answer.read()
        except urllib.error.HTTPError as error:
            status, data = int(error.code), error.read()
        return status, json.loads(data) if data.startswith(b"{") else {}, time.monotonic() - started

    def trigger(self) -> str:
        self._triggers += 1
        return f"{self._triggers}.{time.monotonic_ns()}.restart"

    def command_body(self, user: str, text: str) -> tuple[str, str]:
        """A slash command's form body, and the key of its response URL."""
        trigger = self.trigger()
        key = f"cmd{self._triggers}"
        fields = {
            "team_id": TEAM_ID,
            "channel_id": CHANNEL,
            "user_id": user,
            "command": "/dvpn",
            "text": text,
            "response_url": self.slack_api.response_url(key),
            "trigger_id": trigger,
        }
        return urlencode(fields), key

    def command(self, user: str, text: str, *, replied: bool = True) -> tuple[str, float]:
        """A slash command; the reply it gets through its response URL, and the ack's seconds."""
        body, key = self.command_body(user, text)
        status, _, seconds = self.post(body)
        assert status == 200, f"/dvpn {text.split()[0]} answered {status}"
        return (reply_to(self.slack_api, key) if replied else ""), seconds

    def interact(self, payload: dict[str, Any]) -> tuple[int, dict[str, Any], float]:
        return self.post(urlencode({"payload": json.dumps(payload)}))


def form_answers(served: datetime) -> dict[str, str]:
    """The record form filled in correctly, so only the database can refuse it."""
    return {
        "order_type": "DVPN",
        "served_at": f"{served:%d/%m/%Y %H:%M}",
        "authoriser_name": "Supt Example",
        "authoriser_rank": "superintendent",
        "perpetrator_name": "Alex Example",
        "perpetrator_dob": "1990-01-15",
        "protected_name": "Sam Sample",
    }


def reply_to(slack_api: SlackWebAPI, key: str, timeout: float = 15.0) -> str:
    """The text of the reply sent to one response URL, as the user reads it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for call in slack_api.calls("response_url"):
            if call.get("url_key") == key:
                return " ".join([str(call.get("text", "")), json.dumps(call.blocks)])
        time.sleep(0.05)
    raise AssertionError(f"no reply on response URL {key}")


def wait_until(condition: Callable[[], bool], timeout: float, what: str, poll: float = 0.05) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(poll)


@dataclass(frozen=True)
class Seeded:
    order_id: int
    recipients: tuple[int, ...]  # app_user ids of the officers reminders go to
    digest_channels: tuple[str, ...]  # one per team, in team order


def seed_force(engine: Engine, *, officers: int, digests_at: tuple[clock_time, ...] = ()) -> Seeded:
    """A team of `officers` with one recorded DVPN (its planned reminders set aside, so a test sees only
    the reminders it adds), and one team per time in `digests_at` with a digest channel."""
    ctx = ServiceContext(engine=engine, settings=Settings(admins=(ADMIN,)), clock=ManualClock(START), source="test")
    staff.create_team(ctx, ADMIN, "Response")
    slack_ids = [f"UOFF{n:03d}" for n in range(1, officers + 1)]
    for slack_id in slack_ids:
        staff.place_in_team(ctx, ADMIN, slack_id, "Response")
    channels = tuple(f"CDIGEST{n:02d}" for n in range(1, len(digests_at) + 1))
    for n, (at, channel) in enumerate(zip(digests_at, channels, strict=True), start=1):
        staff.create_team(ctx, ADMIN, f"Digest team {n}", digest_channel=channel, digest_time=at)
    records.record(ctx, slack_ids[0], dvpn())
    users, orders, reminders = (metadata.tables[t] for t in ("app_user", "protection_order", "reminder"))
    with engine.begin() as connection:
        connection.execute(sa.update(reminders).values(state="cancelled"))
        order_id = connection.execute(sa.select(orders.c.id)).scalar_one()
        ids = connection.execute(sa.select(users.c.id).where(users.c.slack_user_id.in_(slack_ids))).scalars()
        return Seeded(int(order_id), tuple(sorted(int(i) for i in ids)), channels)


def add_reminders(engine: Engine, seeded: Seeded, count: int, first_due: datetime, spacing: timedelta) -> None:
    """`count` pending reminders, `spacing` apart, to the officers in turn (as a planner leaves them)."""
    values = [
        {
            "order_id": seeded.order_id,
            "kind": "hearing_deadline_in_24h",
            "due_at": first_due + spacing * n,
            "recipient_id": seeded.recipients[n % len(seeded.recipients)],
            "critical": False,
            "state": "pending",
            "attempts": 0,
            "created_at": START,
        }
        for n in range(count)
    ]
    with engine.begin() as connection:
        connection.execute(sa.insert(metadata.tables["reminder"]), values)


def reminder_rows(engine: Engine) -> list[dict[str, object]]:
    table = metadata.tables["reminder"]
    with engine.connect() as connection:
        query = sa.select(table).where(table.c.state != "cancelled").order_by(table.c.due_at, table.c.id)
        return [dict(row._mapping) for row in connection.execute(query)]


def digest_runs(engine: Engine) -> dict[int, dict[str, object]]:
    """Today's digest run of each team, by team id."""
    runs = metadata.tables["digest_run"]
    with engine.connect() as connection:
        return {int(r.team_id): dict(r._mapping) for r in connection.execute(sa.select(runs))}


def marked(message: dict[str, object], event_type: str) -> int | None:
    """The id a message's metadata names, if it is of `event_type` (dvpn_reminder, dvpn_digest)."""
    meta = message.get("metadata")
    if not isinstance(meta, dict) or meta.get("event_type") != event_type:
        return None
    return int(next(iter(meta["event_payload"].values())))


def in_slack(slack_api: SlackWebAPI, event_type: str) -> Counter[int]:
    """How many times each reminder (or digest run) appears in Slack's conversations."""
    with slack_api._lock:
        messages = slack_api.messages()
    return Counter(i for m in messages if (i := marked(m, event_type)) is not None)


def posted(slack_api: SlackWebAPI, event_type: str) -> list[int]:
    """Ids of the chat.postMessage calls Slack took, in the order it took them."""
    calls = slack_api.calls("chat.postMessage")
    return [i for c in calls if (i := marked(c.args, event_type)) is not None]


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
