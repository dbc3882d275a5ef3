"""Perpetrator priority: an RFG(V) score (Recency, Frequency, Gravity, Victims) from the offending a
force has recorded, over a window, with the working shown as a deadline's is. Force policy, not law:
the matrix is data (rules/rfgv.toml by default; DVPN_RFGV_MATRIX_FILE for the force's own).

The inputs are offending events, each with its time, its kind (which sets its gravity weight) and
the victim it was against; where the events come from (orders, breaches, incidents) is the
services' business. An event with several victims counts once for frequency and gravity, and each
of its victims once for the victims factor. An incident weighs by its DASH risk level (force policy
after the College of Policing's RFG guidance); a record made from an incident stands for both and
weighs the greater of the two weights (`event_weight`).
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from rules.clock import LONDON
from rules.repeat import window_start

DEFAULT_MATRIX = Path(__file__).with_name("rfgv.toml")


class MatrixError(ValueError):
    """The matrix file cannot be used as given."""


@dataclass(frozen=True)
class Band:
    threshold: int  # recency: at most this many days; the others: at least this many
    points: int


@dataclass(frozen=True)
class Matrix:
    window_months: int
    recency: tuple[Band, ...]  # by within_days, ascending
    frequency: tuple[Band, ...]  # by at_least, descending
    gravity_weights: Mapping[str, int]
    gravity: tuple[Band, ...]
    victims: tuple[Band, ...]


INCIDENT_LEVELS = ("standard", "medium", "high")
UNASSESSED = "unassessed"


@dataclass(frozen=True)
class Offending:
    """One event of offending: when, what kind (a notice or order type, "breach", or an incident's
    `incident_kind`), against whom (a key that stands for the victim, never a name), and the record
    it is on; for a record made from an incident, that incident's kind (the two are one episode)."""

    at: datetime
    kind: str
    victims: tuple[str, ...]
    reference: str
    from_incident: str | None = None


def incident_kind(risk_level: str | None) -> str:
    """The kind of an incident event, by its DASH risk level ("high-risk incident"), or
    "unassessed incident" before its DASH is recorded."""
    return f"{risk_level}-risk incident" if risk_level else f"{UNASSESSED} incident"


@dataclass(frozen=True)
class Score:
    recency: int
    frequency: int
    gravity: int
    victims: int
    events: int
    victim_count: int
    serial: bool
    working: tuple[str, ...]

    @property
    def total(self) -> int:
        return self.recency + self.frequency + self.gravity + self.victims


def load_matrix(path: Path | str | None = None) -> Matrix:
    """The matrix in `path`, or the default one; MatrixError saying what is wrong."""
    source = Path(path) if path else DEFAULT_MATRIX
    try:
        return parse_matrix(tomllib.loads(source.read_text(encoding="utf-8")))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise MatrixError(f"{source}: {error}") from None


def parse_matrix(data: Mapping[str, Any]) -> Matrix:
    try:
        gravity = data["gravity"]
        matrix = Matrix(
            window_months=int(data["window_months"]),
            recency=tuple(sorted((Band(int(b["within_days"]), int(b["points"])) for b in data["recency"]), key=_up)),
            frequency=_descending(data["frequency"]),
            gravity_weights={
                **{str(k): int(v) for k, v in gravity["weights"].items()},
                **{
                    incident_kind(level if level != UNASSESSED else None): int(gravity["incidents"][level])
                    for level in (*INCIDENT_LEVELS, UNASSESSED)
                },
            },
            gravity=_descending(gravity["bands"]),
            victims=_descending(data["victims"]),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise MatrixError(f"the RFG(V) matrix lacks or misstates {error}: see rules/rfgv.toml for its shape") from None
    if matrix.window_months < 1:
        raise MatrixError("the RFG(V) window must be at least one month")
    return matrix


def _up(band: Band) -> int:
    return band.threshold


def _descending(bands: Sequence[Mapping[str, Any]]) -> tuple[Band, ...]:
    return tuple(sorted((Band(int(b["at_least"]), int(b["points"])) for b in bands), key=_up, reverse=True))


def _at_least(value: int, bands: tuple[Band, ...]) -> tuple[int, str]:
    for band in bands:
        if value >= band.threshold:
            return band.points, f"at least {band.threshold}"
    return 0, "below every band"


def score(
    events: Sequence[Offending], now: datetime, matrix: Matrix, *, serial_victims: int = 2, tz: ZoneInfo = LONDON
) -> Score | None:
    """The score of one person's offending within the window before `now`; None when none falls in it."""
    since = window_start(now, matrix.window_months, tz)
    counted = sorted((e for e in events if since <= e.at <= now), key=lambda e: e.at)
    if not counted:
        return None
    gap = days_since(counted[-1].at, now, tz)
    recency = _recency(gap, matrix)
    r_points = recency.points if recency else 0
    f_points, f_band = _at_least(len(counted), matrix.frequency)
    weights = [event_weight(matrix, e) for e in counted]
    g_points, g_band = _at_least(sum(weights), matrix.gravity)
    victims = {v for e in counted for v in e.victims}
    v_points, v_band = _at_least(len(victims), matrix.victims)
    weighed = ", ".join(f"{_named(e)} {w}" for e, w in zip(counted, weights, strict=True))
    working: tuple[str, ...] = (
        f"Window: {matrix.window_months} months, from {since:%d %b %Y}: {len(counted)} events count.",
        f"Recency: the latest, {counted[-1].at.astimezone(tz):%d %b %Y} ({counted[-1].reference}), was {gap} days "
        f"ago: {r_points} points" + (f" (within {recency.threshold} days)." if recency else " (beyond every band)."),
        f"Frequency: {len(counted)} events: {f_points} points ({f_band}).",
        f"Gravity: {weighed} = {sum(weights)}: {g_points} points ({g_band}).",
        f"Victims: {len(victims)}: {v_points} points ({v_band}).",
        f"Score: {r_points} + {f_points} + {g_points} + {v_points} = {r_points + f_points + g_points + v_points}.",
    )
    serial = len(victims) >= serial_victims
    if serial:
        working += (f"Serial perpetrator: {len(victims)} victims in the window (the force flags {serial_victims}+).",)
    return Score(r_points, f_points, g_points, v_points, len(counted), len(victims), serial, working)


def days_since(at: datetime, now: datetime, tz: ZoneInfo) -> int:
    """Whole days from the day of `at` to the day of `now`, both on the force's calendar."""
    return (now.astimezone(tz).date() - at.astimezone(tz).date()).days


def _recency(gap: int, matrix: Matrix) -> Band | None:
    return next((b for b in matrix.recency if gap <= b.threshold), None)


@dataclass(frozen=True)
class Tally:
    """One person's offending in the window, summed as a database can sum it: how many events, the
    latest, the sum of their gravity weights (event_weight of each), and how many distinct victims."""

    events: int
    latest: datetime
    gravity: int
    victims: int


@dataclass(frozen=True)
class Points:
    total: int
    victims: int
    serial: bool


def gravity_weight(matrix: Matrix, kind: str) -> int:
    """A kind's gravity weight, or 0 for a kind the matrix does not weigh."""
    return matrix.gravity_weights.get(kind, 0)


def event_weight(matrix: Matrix, event: Offending) -> int:
    """An event's gravity weight: its kind's, or for a record made from an incident the greater of
    its own and the incident's, so recording a notice never lightens the incident it answers."""
    own = gravity_weight(matrix, event.kind)
    return max(own, gravity_weight(matrix, event.from_incident)) if event.from_incident else own


def _named(event: Offending) -> str:
    return f"{event.kind} from the {event.from_incident}" if event.from_incident else event.kind


def banded(events: int, gap: int, gravity: int, victims: int, matrix: Matrix, serial_victims: int = 2) -> Points:
    """The total `score` gives the same events, from their tally (the latest as `gap` days before
    today): the same bands, without the working, so a long list can be ranked before the working is
    shown for its top. Few distinct values among many people, so a caller may remember them."""
    recency = _recency(gap, matrix)
    total = (
        (recency.points if recency else 0)
        + _at_least(events, matrix.frequency)[0]
        + _at_least(gravity, matrix.gravity)[0]
        + _at_least(victims, matrix.victims)[0]
    )
    return Points(total, victims, victims >= serial_victims)
