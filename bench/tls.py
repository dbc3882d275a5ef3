"""A certificate for 127.0.0.1 made for one benchmark run, so the Slack stand-in can answer over
HTTPS as Slack does, and a CA bundle that trusts it beside the system's store: pointed at by
SSL_CERT_FILE, every default TLS context reads the whole store, as in production."""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

SYSTEM_CAS = Path("/etc/ssl/certs/ca-certificates.crt")


@dataclass(frozen=True)
class TlsFiles:
    key: Path
    certificate: Path
    bundle: Path  # the system's CAs and `certificate`: SSL_CERT_FILE for the clients


@contextmanager
def tls_files() -> Iterator[TlsFiles]:
    """A key and certificate for 127.0.0.1, valid for a day (the openssl command), and the bundle;
    removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="dvpn-tls-") as scratch:
        directory = Path(scratch)
        key, certificate = directory / "key.pem", directory / "cert.pem"
        subprocess.run(
            [
                *("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"),
                *("-keyout", str(key), "-out", str(certificate), "-days", "1", "-subj", "/CN=127.0.0.1"),
                *("-addext", "subjectAltName=IP:127.0.0.1"),
            ],
            check=True,
            capture_output=True,
        )
        bundle = directory / "bundle.pem"
        system = SYSTEM_CAS.read_text() if SYSTEM_CAS.exists() else ""
        bundle.write_text(system + certificate.read_text())
        yield TlsFiles(key, certificate, bundle)
