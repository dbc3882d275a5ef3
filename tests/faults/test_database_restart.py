"""PostgreSQL restarted under a running bot. Commands that arrive while it is down are told "the
database is not answering, try again in a minute" (not a traceback, not a bare error id, not
silence) and change nothing; /healthz says 503; once the server is back the bot reconnects by
itself, connections it held when the server went away included, and the reminder sweep sends what
fell due during the outage, each reminder once.

The machine's shared PostgreSQL is never touched: each test starts a private cluster (initdb and
pg_ctl, as the `postgres` user when run as root) on a free port, and stops and starts that.

The command half drives a real `dvpn-bot serve` process over HTTP with signed requests: the outage
must be survived by the production server, its pool, its scheduler thread and its error handling
together, and only a separate process shows that nothing was kept alive by the test. It uses the
system clock, so the reminders it checks are planned to fall due seconds after the server stops.
The connection half runs in-process, where the connections held across the restart can be seen.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

from console.slack_api import TEAM_ID, SlackWebAPI
from handlers.errors import DATABASE_AWAY, DATABASE_AWAY_IN_FORM
from models import metadata
from models.db import database_unavailable, make_engine, session_scope
from models.schema import upgrade
from rules.order_types import OrderType
from rules.ranks import Rank
from services.clock import ManualClock, SystemClock
from services.context import ServiceContext
from services.governance import staff
from services.people import priority_tallies
from services.records import recording as records
from services.records.order_writer import PersonInput
from services.records.recording import NewRecord
from tests.support.database import POSTGRES_URL_VARIABLE, row_counts
from tests.support.drills import BotProcess, Served, form_answers, reply_to, wait_until
from tests.support.force import Force
from tests.support.network import free_port
from tests.support.slack_driver import fill

SECRET = "restart-test-signing-secret"
CHANNEL = "C0PPUNORTH"
FORM = "application/x-www-form-urlencoded"


# -- a private PostgreSQL cluster ----------------------------------------------------------------------


def postgres_bin() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda p: int(p.parent.parent.name))
    return found[-1].parent if found else None


class PrivatePostgres:
    """A PostgreSQL cluster of our own in a temporary directory, to stop and start at will."""

    def __init__(self, bin_dir: Path) -> None:
        self.bin = bin_dir
        # Under /tmp rather than pytest's tmp_path: the postgres user must be able to reach it.
        self.home = Path(tempfile.mkdtemp(prefix="dvpn-restart-"))
        self.data = self.home / "data"
        self.port = free_port()
        self.as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_postgres:
            shutil.chown(self.home, "postgres", "postgres")

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, tool: str, *args: str) -> None:
        command = [*self.as_postgres, str(self.bin / tool), *args]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
        if done.returncode != 0:
            log = (self.home / "server.log").read_text() if (self.home / "server.log").exists() else ""
            raise RuntimeError(f"{tool} failed ({done.returncode}): {done.stdout}{done.stderr}\n{log[-2000:]}")

    def create(self) -> None:
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync")

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.home} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.home / "server.log"), "-w", "start")

    def stop(self) -> None:
        """Fast shutdown, as a restart does: sessions are cut off mid-transaction."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def remove(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.home, ignore_errors=True)


@pytest.fixture
def server() -> Iterator[PrivatePostgres]:
    if not os.environ.get(POSTGRES_URL_VARIABLE):
        if os.environ.get("CI") == "true":
            pytest.fail(f"{POSTGRES_URL_VARIABLE} is not set: under CI the PostgreSQL half must run")
        pytest.skip(f"PostgreSQL fault test skipped: set {POSTGRES_URL_VARIABLE} (bash .ci/run does)")
    bin_dir = postgres_bin()
    if bin_dir is None:
        pytest.fail("no PostgreSQL server binaries under /usr/lib/postgresql/*/bin")
    cluster = PrivatePostgres(bin_dir)
    try:
        cluster.create()
        cluster.start()
        yield cluster
    finally:
        cluster.remove()


@pytest.fixture
def engine(server: PrivatePostgres) -> Iterator[Engine]:
    """The private cluster's database, migrated (overrides the suite's SQLite/PostgreSQL pair)."""
    made = make_engine(server.url)
    upgrade(made)
    yield made
    made.dispose()


@pytest.fixture
def clock() -> ManualClock:
    """Now, as `dvpn-bot serve` sees it: the bot process reads the system clock."""
    return ManualClock(SystemClock().now())


# -- the bot process ---------------------------------------------------------------------------------


@pytest.fixture
def serve(
    server: PrivatePostgres, engine: Engine, slack_api: SlackWebAPI, bots: Callable[..., BotProcess]
) -> Callable[..., Served]:
    """Starts `dvpn-bot serve` on the migrated private cluster, with extra settings if given."""
    return lambda **settings: start_serving(server, slack_api, bots, settings)


@pytest.fixture
def served(serve: Callable[..., Served]) -> Served:
    return serve()


def start_serving(
    server: PrivatePostgres, slack_api: SlackWebAPI, bots: Callable[..., BotProcess], settings: dict[str, str]
) -> Served:
    port = free_port()
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DVPN_", "SLACK_", "DATABASE_URL"))}
    env = {
        **clean,
        "DATABASE_URL": server.url,
        "SLACK_BOT_TOKEN": "xoxb-restart-test",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": slack_api.api_url,
        "DVPN_ADMINS": "UADMIN",
        "DVPN_HTTP_HOST": "127.0.0.1",
        "DVPN_SWEEP_SECONDS": "1",
        "DVPN_LOG_LEVEL": "INFO",
        **settings,
    }
    bot = bots("serve", ["serve", "--port", str(port)], env).start()
    bot.wait_for_output("dvpn-bot serving Slack")
    running = Served(bot, port, slack_api, SECRET)
    wait_until(lambda: running.health() == 200, 30, "dvpn-bot serve to answer /healthz")
    return running


def dvpn_served(at: datetime) -> NewRecord:
    return NewRecord(
        order_type=OrderType.DVPN,
        served_at=at,
        authoriser_name="Supt Example",
        authoriser_rank=Rank.SUPERINTENDENT,
        perpetrator=PersonInput("Alex Example", date(1990, 1, 1), address="1 Secret Street"),
        protected=(PersonInput("Sam Sample"),),
    )


def reminder_rows(engine: Engine) -> list[dict[str, Any]]:
    table = metadata.tables["reminder"]
    with engine.connect() as connection:
        return [dict(r._mapping) for r in connection.execute(sa.select(table).order_by(table.c.id))]


def posted_reminder_ids(slack_api: SlackWebAPI) -> list[int]:
    """The reminder each posted message is about: its buttons' block id is reminder_<id>."""
    return [
        int(b["block_id"].removeprefix("reminder_"))
        for call in slack_api.calls("chat.postMessage")
        for b in call.blocks
        if b.get("type") == "actions" and str(b.get("block_id", "")).startswith("reminder_")
    ]


# -- the tests ---------------------------------------------------------------------------------------


def test_commands_during_a_restart_are_told_to_try_again_and_the_sweep_catches_up(
    server: PrivatePostgres, engine: Engine, ctx: ServiceContext, force: Force, served: Served, slack_api: SlackWebAPI
) -> None:
    ref = records.record(ctx, force.officer, dvpn_served(SystemClock().now() - timedelta(hours=1))).reference
    served.command(force.officer, "new DVPN", replied=False)
    [opened] = slack_api.wait_for(1, "views.open", timeout=10)
    form = opened.view | {"id": "VRESTART", "hash": "h1"}
    # Three notices served just under two hours ago: their critical "no hearing booked" alerts
    # fall due a few seconds from now, while the server is down.
    now = SystemClock().now()
    for seconds in (5, 6, 7):
        records.record(ctx, force.officer, dvpn_served(now - timedelta(hours=2) + timedelta(seconds=seconds)))
    due_in_outage = {r["id"] for r in reminder_rows(engine) if now < r["due_at"] <= now + timedelta(seconds=7)}
    assert len(due_in_outage) == 3
    # The priority tallies are kept by the bot's own job, once a minute: made current here, that
    # job has nothing to write while the server is away or after, so the counts below compare only
    # what the refused commands could have written.
    priority_tallies.keep_current(ctx)
    before = row_counts(engine)
    an_hour_ago = (now - timedelta(hours=1)).astimezone(ctx.settings.timezone)

    server.stop()
    stopped = time.monotonic()
    assert served.health() == 503

    listed, ack_seconds = served.command(force.officer, "list")
    booked, _ = served.command(force.officer, f"hearing {ref} tomorrow 10:00 at Birmingham Magistrates")
    for text in (listed, booked):
        assert DATABASE_AWAY in text
        assert "Something went wrong" not in text and "error id" not in text and "Traceback" not in text
    assert ack_seconds < 3.0  # Slack's limit: the ack does not wait for the database

    status, answer, _ = served.interact(
        {
            "type": "view_submission",
            "team": {"id": TEAM_ID},
            "user": {"id": force.officer},
            "api_app_id": "ADVPN",
            "trigger_id": served.trigger(),
            "view": form | {"state": {"values": fill(form, form_answers(an_hour_ago))}},
        }
    )
    assert status == 200 and answer["response_action"] == "errors"
    assert list(answer["errors"].values()) == [DATABASE_AWAY_IN_FORM]
    status, _, _ = served.interact(
        {
            "type": "block_actions",
            "team": {"id": TEAM_ID},
            "user": {"id": force.officer},
            "api_app_id": "ADVPN",
            "trigger_id": served.trigger(),
            "container": {"type": "message", "channel_id": CHANNEL, "is_ephemeral": True},
            "channel": {"id": CHANNEL},
            "response_url": slack_api.response_url("press"),
            "actions": [{"type": "button", "action_id": "record_open", "block_id": "b", "value": ref}],
        }
    )
    assert status == 200 and DATABASE_AWAY in reply_to(slack_api, "press")

    # The alerts fall due with the server down; the sweep keeps running (and failing) meanwhile.
    time.sleep(max(0.0, 9 - (time.monotonic() - stopped)))
    assert served.bot.running
    assert posted_reminder_ids(slack_api) == []

    server.start()
    wait_until(lambda: served.health() == 200, 30, "/healthz to answer 200 again")
    assert row_counts(engine) == before  # nothing the refused commands asked for was half-written

    booked, _ = served.command(force.officer, f"hearing {ref} tomorrow 10:00 at Birmingham Magistrates")
    assert DATABASE_AWAY not in booked and "Something went wrong" not in booked
    assert row_counts(engine)["hearing"] == before["hearing"] + 1

    wait_until(lambda: due_in_outage <= set(posted_reminder_ids(slack_api)), 30, "the sweep to catch up")
    time.sleep(3)  # three more sweeps: nothing is sent twice
    posted = posted_reminder_ids(slack_api)
    assert sorted(posted) == sorted(set(posted))
    assert {r["id"]: r["state"] for r in reminder_rows(engine) if r["id"] in due_in_outage} == dict.fromkeys(
        due_in_outage, "sent"
    )
    log = served.bot.output()
    assert "database not answering in /dvpn" in log and "database not answering in form" in log
    assert "database not answering in block_actions" in log
    assert "error id" not in log and "Alex Example" not in log


def test_connections_held_when_the_server_went_away_fail_once_and_the_pool_recovers(
    server: PrivatePostgres, engine: Engine, ctx: ServiceContext
) -> None:
    held = [engine.connect() for _ in range(3)]
    for connection in held:
        connection.execute(sa.text("SELECT 1"))
    # A service call whose transaction is open when the server restarts raises the connection's
    # error, which the bot recognises as transient, not some other error from its rollback.
    with pytest.raises(OperationalError) as in_transaction, session_scope(engine) as session:
        session.execute(sa.text("SELECT 1"))
        server.stop()
        server.start()
        session.execute(sa.text("SELECT 1"))
    assert database_unavailable(in_transaction.value)

    # A connection checked out across the restart fails on its next use with an error the bot
    # recognises as transient, and is thrown away rather than returned to the pool.
    for connection in held:
        with pytest.raises(OperationalError) as raised:
            connection.execute(sa.text("SELECT 1"))
        assert database_unavailable(raised.value)
        assert connection.invalidated
        connection.close()
    # Every connection the pool hands out from now on works at the first attempt.
    pool_size = engine.pool.size()  # type: ignore[attr-defined]
    fresh = [engine.connect() for _ in range(pool_size + 2)]
    assert [c.execute(sa.text("SELECT 1")).scalar_one() for c in fresh] == [1] * len(fresh)
    for connection in fresh:
        connection.close()
    staff.create_team(ctx, "UADMIN", "Team After Restart")
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM team")).scalar_one() == 1


def test_a_service_call_during_the_outage_raises_a_transient_error_quickly(
    server: PrivatePostgres, engine: Engine, ctx: ServiceContext
) -> None:
    server.stop()
    started = time.monotonic()
    with pytest.raises(OperationalError) as raised:
        staff.create_team(ctx, "UADMIN", "Team During Outage")
    assert database_unavailable(raised.value)
    assert time.monotonic() - started < 3.0
    server.start()
    staff.create_team(ctx, "UADMIN", "Team During Outage")


def test_a_restart_between_posting_a_reminder_and_recording_it_does_not_post_it_twice(
    server: PrivatePostgres, engine: Engine, ctx: ServiceContext, force: Force, serve: Callable[..., Served]
) -> None:
    """The server stops while Slack is still answering a reminder's post, so the sweep cannot
    record it as sent. When the claim's lease runs out after the restart, the next sweep finds
    the post in Slack and records it, rather than posting it again."""
    served = serve(DVPN_CLAIM_LEASE_SECONDS="5", DVPN_POST_LEASE_MARGIN_SECONDS="3")  # a post takes 2 s here
    slack_api = served.slack_api
    slack_api.answer_latency = 2.0  # Slack accepts the post at once and answers two seconds later
    now = SystemClock().now()
    records.record(ctx, force.officer, dvpn_served(now - timedelta(hours=2) + timedelta(seconds=2)))
    [alert] = [r["id"] for r in reminder_rows(engine) if now < r["due_at"] <= now + timedelta(seconds=2)]

    wait_until(lambda: alert in posted_reminder_ids(slack_api), 15, "the reminder's post to reach Slack", poll=0.01)
    server.stop()
    time.sleep(2.5)  # Slack's answer arrives; recording it fails
    server.start()
    assert state_of(engine, alert) == "claimed"  # posted, but not recorded: its lease still holds

    wait_until(lambda: state_of(engine, alert) == "sent", 30, "the reminder to be recorded as sent")
    time.sleep(2)  # two more sweeps
    assert posted_reminder_ids(slack_api) == [alert]


def state_of(engine: Engine, reminder_id: int) -> str:
    try:
        return next(str(r["state"]) for r in reminder_rows(engine) if r["id"] == reminder_id)
    except OperationalError:
        return "unknown: the database is not answering yet"
