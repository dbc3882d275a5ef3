"""What a Slack Web API call costs the bot: slack_sdk's own WebClient, which opens a connection for
every call (and over HTTPS makes a TLS context, reading the CA store, and a full handshake each
time), against handlers.web_client's KeptAliveWebClient, which keeps one open per thread.

Both post the same chat.postMessage calls, one after another, to the local Slack stand-in served
over HTTPS (a certificate made for the run with the openssl command, trusted beside the system's
CA store through SSL_CERT_FILE, so each new TLS context reads the whole store as in production)
and over plain HTTP. Prints, for each, the wall time and the calling thread's CPU time per call
(the stand-in answers on threads of its own), the ratios, and the machine's load.

    .venv/bin/python bench/web_api_calls.py            # 300 calls each, about 10 seconds
    .venv/bin/python bench/web_api_calls.py --calls 1000
"""

from __future__ import annotations

import argparse
import os
import ssl
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from slack_sdk import WebClient

from console.slack_api import SlackWebAPI
from handlers.web_client import KeptAliveWebClient

SYSTEM_CAS = Path("/etc/ssl/certs/ca-certificates.crt")


def certificate(directory: Path) -> tuple[Path, Path]:
    """A key and a certificate for 127.0.0.1, valid for a day."""
    key, cert = directory / "key.pem", directory / "cert.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"),
            *("-keyout", str(key), "-out", str(cert), "-days", "1", "-subj", "/CN=127.0.0.1"),
            *("-addext", "subjectAltName=IP:127.0.0.1"),
        ],
        check=True,
        capture_output=True,
    )
    return key, cert


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
    with tempfile.TemporaryDirectory(prefix="dvpn-tls-") as scratch:
        key, cert = certificate(Path(scratch))
        bundle = Path(scratch) / "bundle.pem"
        system = SYSTEM_CAS.read_text() if SYSTEM_CAS.exists() else ""
        bundle.write_text(system + cert.read_text())
        os.environ["SSL_CERT_FILE"] = str(bundle)  # read by every default TLS context made from here on
        server_side = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        server_side.load_cert_chain(cert, key)
        print(f"{args.calls} chat.postMessage calls each, one after another; load average {load()} before")
        for scheme, tls in (("https", server_side), ("http", None)):
            with SlackWebAPI(tls=tls) as api:
                per_call = {
                    kind: measure(kind_of(base_url=api.api_url, token="xoxb-bench"), args.calls)
                    for kind, kind_of in (("slack_sdk", WebClient), ("kept alive", KeptAliveWebClient))
                }
                ports = {c.port for c in api.calls("chat.postMessage")[-args.calls :]}
            (plain_wall, plain_cpu), (kept_wall, kept_cpu) = per_call["slack_sdk"], per_call["kept alive"]
            print(
                f"{scheme}: slack_sdk's client {plain_wall:.2f} ms a call, CPU {plain_cpu:.2f} ms; "
                f"kept alive {kept_wall:.2f} ms, CPU {kept_cpu:.2f} ms ({len(ports)} connection(s) for its "
                f"{args.calls} calls); CPU {plain_cpu / kept_cpu:.1f}x less, wall {plain_wall / kept_wall:.1f}x less"
            )
        print(f"load average {load()} after")


if __name__ == "__main__":
    main()
