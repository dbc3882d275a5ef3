"""The processes the ack benchmarks measure: `dvpn-bot serve` (the production server), a bare Bolt
app under the same waitress server, and the local Slack stand-in, each in its own process so the
load generator's timing shares no interpreter lock with what it measures.

    .venv/bin/python bench/ack_servers.py bare PORT THREADS   the bare app (started by the benchmarks)
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.tls import TlsFiles  # noqa: E402  (after the path: run as a script too)

SECRET = "bench-signing-secret"
TOKEN = "xoxb-bench"
BARE_ACTIONS = ("record_open",)
BARE_VIEWS = ("record_form",)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def process_rss_kib(pid: int) -> int:
    """Resident memory (VmRSS) of a process, from /proc (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for process {pid}")


def cpu_seconds(pid: int) -> float:
    """User and system CPU time a process has used so far, from /proc (Linux); 0 once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def child_pids(pid: int) -> list[int]:
    """The processes `pid` started (dvpn-bot serve's work processes), from /proc (Linux)."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(child) for child in (task / "children").read_text().split()]
    return sorted(found)


def cpu_ticks() -> tuple[int, int]:
    """The machine's idle (idle and iowait) and total CPU time so far, in ticks, from /proc/stat (Linux)."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return fields[3] + fields[4], sum(fields)


def idle_share(before: tuple[int, int], after: tuple[int, int]) -> float:
    """The share of every core's time that went unused between two cpu_ticks() readings."""
    total = after[1] - before[1]
    return (after[0] - before[0]) / total if total > 0 else 0.0


def cpu_load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.2f} (1 min), {five:.2f} (5 min) on {os.cpu_count()} cores"


# -- the Slack stand-in, in its own process ------------------------------------------------------


def _stand_in(connection: Connection, tls: TlsFiles | None) -> None:
    from console.slack_api import SlackWebAPI

    context = None
    if tls is not None:  # over HTTPS, as Slack answers
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(tls.certificate, tls.key)
    with SlackWebAPI(tls=context) as slack:
        connection.send(slack.url)
        while True:
            ask = connection.recv()
            if ask[0] == "count":
                connection.send(len(slack.calls(ask[1])))
            elif ask[0] == "wait":
                _, count, method, timeout = ask
                try:
                    connection.send(len(slack.wait_for(count, method, timeout=timeout)))
                except TimeoutError:
                    connection.send(len(slack.calls(method)))
            else:
                return


class StandIn:
    """The Slack Web API stand-in (console/slack_api.py) in a child process, asked over a pipe."""

    def __init__(self, tls: TlsFiles | None = None) -> None:
        context = multiprocessing.get_context("spawn")
        self._ours, theirs = context.Pipe()
        self.process = context.Process(target=_stand_in, args=(theirs, tls), name="slack-stand-in", daemon=True)
        self.process.start()
        self.url: str = self._ours.recv()

    @property
    def api_url(self) -> str:
        return f"{self.url}/api/"

    def count(self, method: str) -> int:
        self._ours.send(("count", method))
        found: int = self._ours.recv()
        return found

    def wait_for(self, count: int, method: str, timeout: float) -> int:
        """Wait until `count` calls of `method` arrived (or `timeout` passed); how many did."""
        self._ours.send(("wait", count, method, timeout))
        found: int = self._ours.recv()
        return found

    def stop(self) -> None:
        if self.process.is_alive():
            self._ours.send(("stop",))
            self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.kill()


# -- the two HTTP servers --------------------------------------------------------------------------


@dataclass
class Server:
    name: str
    process: subprocess.Popen[bytes]
    port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/slack/events"

    def rss_kib(self) -> int:
        return process_rss_kib(self.process.pid)

    def children_rss_kib(self) -> int:
        """Resident memory of the processes this server started (its work processes), together."""
        return sum(process_rss_kib(pid) for pid in child_pids(self.process.pid))

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def _wait_until_healthy(server: Server, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    health = f"http://127.0.0.1:{server.port}/healthz"
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"{server.name} exited with status {server.process.returncode} while starting")
        try:
            with urllib.request.urlopen(health, timeout=2) as answer:
                if answer.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.05)
    raise RuntimeError(f"{server.name} did not answer {health} within {timeout:.0f} s")


def start_ours(
    database_url: str,
    slack_api_url: str,
    admins: str,
    workdir: str,
    *,
    threads: int,
    scheduler: bool,
    tree: Path = ROOT,
    trust: Path | None = None,
) -> Server:
    """`dvpn-bot serve` exactly as deployed, configured through its environment; run from an empty
    directory so no developer's .env is read. `tree`: the project files to run (an earlier
    release's, for a comparison); `trust`: a CA bundle for its TLS contexts (SSL_CERT_FILE)."""
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": slack_api_url,
        "DVPN_ADMINS": admins,
        "DVPN_HTTP_HOST": "127.0.0.1",
        "DVPN_HTTP_PORT": str(port),
        "DVPN_HTTP_THREADS": str(threads),
        "DVPN_LOG_LEVEL": "ERROR",  # waitress warns of every queued request under load
    } | ({"SSL_CERT_FILE": str(trust)} if trust is not None else {})
    command = [sys.executable, str(tree / "bot.py"), "serve"] + ([] if scheduler else ["--no-scheduler"])
    server = Server("dvpn-bot serve", subprocess.Popen(command, cwd=workdir, env=env), port)
    _wait_until_healthy(server)
    return server


def start_bare(workdir: str, *, threads: int) -> Server:
    port = free_port()
    command = [sys.executable, str(Path(__file__).resolve()), "bare", str(port), str(threads)]
    server = Server("bare Bolt app", subprocess.Popen(command, cwd=workdir), port)
    _wait_until_healthy(server)
    return server


@contextmanager
def stopping(*things: Any) -> Iterator[None]:
    """Stop every started process on the way out, whatever happened (Ctrl-C included)."""
    try:
        yield
    finally:
        for thing in reversed(things):
            thing.stop()


@contextmanager
def scratch_directory() -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="dvpn-ack-") as folder:
        yield folder


def serve_bare(port: int, threads: int) -> None:
    """A Bolt app whose listeners only acknowledge, with the same Bolt options, WSGI wrapper,
    waitress server, thread count and signing secret as `dvpn-bot serve`."""
    import logging

    import waitress
    from slack_bolt import Ack, App
    from slack_bolt.authorization import AuthorizeResult
    from slack_sdk import WebClient

    from config import Settings
    from handlers.verification import SlackSignature
    from handlers.wsgi import wsgi_app
    from models.db import make_engine

    logging.basicConfig(level="ERROR")

    def authorize(enterprise_id: str | None, team_id: str | None) -> AuthorizeResult:
        return AuthorizeResult(enterprise_id=enterprise_id, team_id=team_id, bot_token=TOKEN)

    app = App(
        client=WebClient(base_url="http://127.0.0.1:9/api/"),  # never called: nothing but ack()
        authorize=authorize,
        signing_secret=SECRET,
        token_verification_enabled=False,
        request_verification_enabled=False,
        before_authorize=SlackSignature(SECRET),
        process_before_response=False,
        raise_error_for_unhandled_request=False,
    )

    def only_ack(ack: Ack) -> None:
        ack()

    app.command("/dvpn")(only_ack)
    for action_id in BARE_ACTIONS:
        app.action(action_id)(only_ack)
    for callback_id in BARE_VIEWS:
        app.view(callback_id)(only_ack)
    # /healthz needs a database to ask; an in-memory one answers at once and is never used otherwise.
    served = wsgi_app(app, make_engine("sqlite://"), signing_secret=SECRET, max_body=Settings().max_request_bytes)
    waitress.serve(served, host="127.0.0.1", port=port, threads=threads, ident="bare")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "bare":
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        serve_bare(int(sys.argv[2]), int(sys.argv[3]))
    else:
        sys.exit(__doc__)
