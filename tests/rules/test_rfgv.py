"""RFG(V) scoring (rules/rfgv.py) on hand-computed examples with the default matrix
(rules/rfgv.toml), incidents weighed by their DASH level and a record made from one, the window's
edge, the serial flag, and a force's own matrix."""

from __future__ import annotations

from pathlib import Path

import pytest

from rules.clock import LONDON
from rules.rfgv import (
    MatrixError,
    Offending,
    Points,
    Tally,
    banded,
    days_since,
    event_weight,
    gravity_weight,
    incident_kind,
    load_matrix,
    score,
)
from tests.support.force import london

NOW = london("2026-04-02 21:00")
MATRIX = load_matrix()


def event(
    day: str, kind: str, *victims: str, ref: str = "WM-DVPN-2026-0001", from_incident: str | None = None
) -> Offending:
    return Offending(london(f"{day} 12:00"), kind, victims, ref, from_incident)


def test_a_serial_perpetrator_worked_by_hand() -> None:
    # Window: 12 months from 2 Apr 2025. Events: a DVPN (2) against V1 on 10 Jun 2025, its breach (4)
    # on 1 Jul 2025, an NMO (3) for V2 on 20 Jan 2026, a breach (4) of it on 20 Mar 2026.
    # R: latest 20 Mar 2026, 13 days before 2 Apr: within 30 days -> 5.
    # F: 4 events: at least 3 -> 3.  G: 2 + 4 + 3 + 4 = 13: at least 10 -> 4.  V: 2 victims -> 3.
    # Score 5 + 3 + 4 + 3 = 15; two victims: serial.
    events = [
        event("2025-06-10", "DVPN", "V1"),
        event("2025-07-01", "breach", "V1"),
        event("2026-01-20", "NMO", "V2", ref="WM-NMO-2026-0003"),
        event("2026-03-20", "breach", "V2", ref="WM-NMO-2026-0003"),
    ]
    result = score(events, NOW, MATRIX)
    assert result is not None
    assert (result.recency, result.frequency, result.gravity, result.victims) == (5, 3, 4, 3)
    assert (result.total, result.events, result.victim_count, result.serial) == (15, 4, 2, True)
    assert result.working == (
        "Window: 12 months, from 02 Apr 2025: 4 events count.",
        "Recency: the latest, 20 Mar 2026 (WM-NMO-2026-0003), was 13 days ago: 5 points (within 30 days).",
        "Frequency: 4 events: 3 points (at least 3).",
        "Gravity: DVPN 2, breach 4, NMO 3, breach 4 = 13: 4 points (at least 10).",
        "Victims: 2: 3 points (at least 2).",
        "Score: 5 + 3 + 4 + 3 = 15.",
        "Serial perpetrator: 2 victims in the window (the force flags 2+).",
    )


def test_one_old_order_worked_by_hand_and_the_window_edge() -> None:
    # A restraining order (4) for V1 on 2 Apr 2025, the window's first day: it counts. 365 days ago:
    # within 366 -> 1. F: 1 -> 1. G: 4 -> at least 3 -> 2. V: 1 -> 1. Score 5; not serial.
    result = score([event("2025-04-02", "RO", "V1", ref="WM-RO-2025-0001")], NOW, MATRIX)
    assert result is not None
    assert (result.recency, result.frequency, result.gravity, result.victims, result.total) == (1, 1, 2, 1, 5)
    assert not result.serial
    # The day before the window, and a time after now, do not count.
    assert score([event("2025-04-01", "RO", "V1"), event("2026-04-03", "RO", "V1")], NOW, MATRIX) is None


def test_an_event_against_two_people_counts_once_for_frequency_and_each_victim_once() -> None:
    result = score([event("2026-04-01", "DVPO", "V1", "V2")], NOW, MATRIX, serial_victims=3)
    assert result is not None and (result.events, result.victim_count, result.serial) == (1, 2, False)
    assert (result.frequency, result.gravity, result.victims) == (1, 2, 3)  # gravity 3: at least 3 -> 2


def test_incidents_and_a_notice_recorded_from_one_worked_by_hand() -> None:
    # Window from 2 Apr 2025. A medium-risk incident (2) against V1 on 5 May 2025; a DVPN recorded
    # from a high-risk incident, for V2 on 1 Feb 2026: one episode, weighing the greater of DVPN 2 and
    # high 3 = 3; its breach (4) on 10 Feb 2026; an incident not yet assessed (1) against V3 on
    # 28 Mar 2026. R: 28 Mar, 5 days before 2 Apr -> 5. F: 4 events -> 3. G: 2 + 3 + 4 + 1 = 10: at
    # least 10 -> 4. V: 3 -> 5. Score 5 + 3 + 4 + 5 = 17; serial.
    events = [
        event("2025-05-05", incident_kind("medium"), "V1", ref="WM-INC-2025-0007"),
        event("2026-02-01", "DVPN", "V2", ref="WM-DVPN-2026-0002", from_incident=incident_kind("high")),
        event("2026-02-10", "breach", "V2", ref="WM-DVPN-2026-0002"),
        event("2026-03-28", incident_kind(None), "V3", ref="WM-INC-2026-0040"),
    ]
    result = score(events, NOW, MATRIX)
    assert result is not None
    assert (result.recency, result.frequency, result.gravity, result.victims) == (5, 3, 4, 5)
    assert (result.total, result.events, result.victim_count, result.serial) == (17, 4, 3, True)
    assert result.working[1] == (
        "Recency: the latest, 28 Mar 2026 (WM-INC-2026-0040), was 5 days ago: 5 points (within 30 days)."
    )
    assert result.working[3] == (
        "Gravity: medium-risk incident 2, DVPN from the high-risk incident 3, breach 4, unassessed incident 1 "
        "= 10: 4 points (at least 10)."
    )


def test_the_incident_weights_and_a_record_made_from_one_weighs_the_greater() -> None:
    weights = {level: gravity_weight(MATRIX, incident_kind(level)) for level in ("standard", "medium", "high", None)}
    assert weights == {"standard": 1, "medium": 2, "high": 3, None: 1}
    # A DVPN (2) from a standard-risk incident (1) weighs 2; a DVPO (3) from a high-risk one (3), 3; an
    # RO (4) from a high-risk one, 4; a DVPN alone, 2.
    assert event_weight(MATRIX, event("2026-04-01", "DVPN", from_incident=incident_kind("standard"))) == 2
    assert event_weight(MATRIX, event("2026-04-01", "DVPO", from_incident=incident_kind("high"))) == 3
    assert event_weight(MATRIX, event("2026-04-01", "RO", from_incident=incident_kind("high"))) == 4
    assert event_weight(MATRIX, event("2026-04-01", "DVPN")) == 2


def test_a_kind_the_matrix_does_not_weigh_scores_no_gravity() -> None:
    result = score([event("2026-04-01", "caution", "V1")], NOW, MATRIX)
    assert result is not None and result.gravity == 0
    assert "Gravity: caution 0 = 0: 0 points (below every band)." in result.working


def test_a_force_sets_its_own_matrix_and_a_broken_one_is_refused(tmp_path: Path) -> None:
    own = tmp_path / "matrix.toml"
    text = (Path(__file__).resolve().parents[2] / "rules" / "rfgv.toml").read_text()
    own.write_text(text.replace("window_months = 12", "window_months = 3").replace("breach = 4", "breach = 10"))
    mine = load_matrix(own)
    assert mine.window_months == 3 and mine.gravity_weights["breach"] == 10
    assert score([event("2025-12-01", "DVPN", "V1")], NOW, mine) is None  # outside 3 months
    broken = tmp_path / "broken.toml"
    broken.write_text("window_months = 12\n")
    with pytest.raises(MatrixError, match=r"see rules/rfgv\.toml for its shape"):
        load_matrix(broken)
    # A matrix that does not weigh incidents is refused, not read as weighing them nothing.
    unweighed = tmp_path / "unweighed.toml"
    unweighed.write_text(text.replace("\nhigh = 3\n", "\n"))
    with pytest.raises(MatrixError, match="lacks or misstates 'high'"):
        load_matrix(unweighed)


def points(tally: Tally) -> Points:
    return banded(tally.events, days_since(tally.latest, NOW, LONDON), tally.gravity, tally.victims, MATRIX)


def test_points_from_a_tally_band_as_the_score_does() -> None:
    # The serial example above as a tally: 4 events, the latest 20 Mar 2026 (R 5), gravity 13 (G 4),
    # 2 victims (V 3), F 3: 15, serial. One old restraining order: R 1, F 1, G 4 -> 2, V 1: 5.
    assert points(Tally(4, london("2026-03-20 12:00"), 13, 2)) == Points(15, 2, True)
    assert points(Tally(1, london("2025-04-02 12:00"), 4, 1)) == Points(5, 1, False)
    # Nothing reaches a band: an event beyond every recency band, of a kind the matrix does not weigh.
    assert points(Tally(1, london("2024-04-02 12:00"), 0, 0)) == Points(1, 0, False)
    assert gravity_weight(MATRIX, "RO") == 4 and gravity_weight(MATRIX, "unknown") == 0
