"""The exports' CSV: a header, then one row per record, each cell a spreadsheet could run as a
formula neutralised (CSV injection: team names are typed by admins)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # a spreadsheet would run these as formulas

Row = tuple[str, ...]  # one cell per column, in the columns' order


def neutralised(value: str) -> str:
    """A cell a spreadsheet would read as a formula starts with a quote instead."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


class _Neutralised(dict[str, str]):
    """Each distinct cell checked once: a file of thousands of rows repeats a few team names, officers,
    dates and counts, so most cells are a dictionary lookup rather than a startswith."""

    def __missing__(self, value: str) -> str:
        self[value] = safe = neutralised(value)
        return safe


def to_csv(rows: Iterable[Row], columns: Sequence[str]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    cell = _Neutralised().__getitem__
    writer.writerows(tuple(map(cell, row)) for row in rows)
    return buffer.getvalue().encode("utf-8")
