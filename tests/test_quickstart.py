"""The README's two Quickstart commands, run as a new user would: in a fresh clone, with no virtual
environment, `make demo` (fed from a pipe) and then `make test`.

It builds a virtual environment and runs the whole suite again, so it runs under CI (CI=true) or
when DVPN_RUN_QUICKSTART=1, and never inside itself.
"""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
INNER = "DVPN_QUICKSTART_INNER"

pytestmark = pytest.mark.skipif(
    os.environ.get(INNER) == "1"
    or not (os.environ.get("CI") == "true" or os.environ.get("DVPN_RUN_QUICKSTART") == "1"),
    reason="slow (a fresh venv and a second full run): runs under CI=true or DVPN_RUN_QUICKSTART=1",
)


def test_make_demo_then_make_test_work_in_a_fresh_clone(tmp_path: Path) -> None:
    clone = tmp_path / "dvpn-bot"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
    env = {**os.environ, INNER: "1"}
    env.pop("VIRTUAL_ENV", None)

    started = time.monotonic()
    demo = subprocess.run(
        ["make", "demo"],
        cwd=clone,
        env=env,
        input="/dvpn help\n/dvpn digest\n",
        capture_output=True,
        text=True,
        timeout=600,
    )
    demo_seconds = time.monotonic() - started
    print(f"make demo on a fresh clone, venv and install included: {demo_seconds:.0f} s")

    assert demo.returncode == 0, demo.stdout[-3000:] + demo.stderr[-3000:]
    assert "/dvpn new [TYPE]" in demo.stdout  # the help
    assert "Breach checks overdue or due today" in demo.stdout  # the digest
    assert "Hearing deadline in 2 hours" in demo.stdout  # the countdown that fires on its own

    tested = subprocess.run(["make", "test"], cwd=clone, env=env, capture_output=True, text=True, timeout=3600)
    assert tested.returncode == 0, tested.stdout[-5000:] + tested.stderr[-3000:]
    assert " passed" in tested.stdout
