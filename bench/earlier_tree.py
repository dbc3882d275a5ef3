"""The project's files as they were at an earlier revision, with this tree's benchmarks: for a
benchmark's --before REV, which runs the same measurement on REV's code in the same run, so the
two figures share the machine's load and can be compared as a ratio."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent


@contextmanager
def earlier_tree(rev: str) -> Iterator[Path]:
    """A scratch copy of REV's files (git archive: committed files only), its bench/ replaced by
    this tree's so the measurement itself is the same; removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="dvpn-before-") as scratch:
        tree = Path(scratch) / "tree"
        tree.mkdir()
        archive = subprocess.run(["git", "-C", str(HERE), "archive", rev], check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
        shutil.rmtree(tree / "bench", ignore_errors=True)
        shutil.copytree(HERE / "bench", tree / "bench", ignore=shutil.ignore_patterns("__pycache__"))
        yield tree
