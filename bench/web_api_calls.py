"""What a Slack Web API call costs the bot: slack_sdk's own WebClient, which opens a connection for
every call (and over HTTPS makes a TLS context, reading the CA store, and a full handshake each
time); the same given the process's one TLS context (handlers.web_client.tls_context), as Bolt's
respond() now is; and handlers.web_client's KeptAliveWebClient, which keeps a connection open per
thread.

Each posts the same chat.postMessage calls, one after another, to the local Slack stand-in served
over HTTPS (a certificate made for the run with the openssl command, trusted beside the system's
CA store through SSL_CERT_FILE, so each new TLS context reads the whole store as in production)
and over plain HTTP. Prints, for each, the wall time and the calling thread's CPU time per call
(the stand-in answers on threads of its own), the ratios to slack_sdk's client, and the load.

    .venv/bin/python bench/web_api_calls.py            # 300 calls each, about 10 seconds
    .venv/bin/python bench/web_api_calls.py --calls 1000
"""

from __future__ import annotations

import argparse
import os
import ssl
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from slack_sdk import WebClient

from bench.tls import tls_files
from console.slack_api import SlackWebAPI
from handlers.web_client import KeptAliveWebClient, tls_context

TOKEN = "xoxb-bench"


def measure(client: WebClient, calls: int) -> tuple[float, float]:
    """Wall and CPU milliseconds per call, after 5 calls to warm up. The CPU is the calling
    thread's: the stand-in answers on threads of its own in this process."""
    for n in range(5):
        client.chat_postMessage(channel="C0BENCH", text=f"warm {n}")
    wall, cpu = time.perf_counter(), time.thread_time()
    for n in range(calls):
        client.chat_postMessage(channel="C0BENCH", text=f"call {n}")
    return (time.perf_counter() - wall) * 1000 / calls, (time.thread_time() - cpu) * 1000 / calls


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=300)
    args = parser.parse_args()
    first = (0.0, 0.0)
    with tls_files() as tls:
        os.environ["SSL_CERT_FILE"] = str(tls.bundle)  # read by every default TLS context made from here on
        server_side = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        server_side.load_cert_chain(tls.certificate, tls.key)
        print(f"{args.calls} chat.postMessage calls each, one after another; load average {load()} before")
        kinds: dict[str, Callable[[str], WebClient]] = {
            "slack_sdk's client": lambda url: WebClient(base_url=url, token=TOKEN),
            # what Bolt's respond() now does: a connection per call, the process's one TLS context
            "slack_sdk's client, one TLS context": lambda url: WebClient(base_url=url, token=TOKEN, ssl=tls_context()),
            "kept alive": lambda url: KeptAliveWebClient(base_url=url, token=TOKEN, ssl=tls_context()),
        }
        for scheme, server in (("https", server_side), ("http", None)):
            with SlackWebAPI(tls=server) as api:
                for kind, make in kinds.items():
                    if scheme == "http" and "TLS" in kind:
                        continue
                    wall, cpu = measure(make(api.api_url), args.calls)
                    ports = {c.port for c in api.calls("chat.postMessage")[-args.calls :]}
                    first = first if kind != "slack_sdk's client" else (wall, cpu)
                    print(
                        f"{scheme}, {kind}: {wall:.2f} ms a call, CPU {cpu:.2f} ms ({len(ports)} client port(s) for "
                        f"{args.calls} calls); against slack_sdk's client: CPU {first[1] / cpu:.1f}x less, "
                        f"wall {first[0] / wall:.1f}x less"
                    )
        print(f"load average {load()} after")


if __name__ == "__main__":
    main()
