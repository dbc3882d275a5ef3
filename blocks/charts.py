"""The weekly trend as a PNG: plain data in, bytes out, drawn with matplotlib's Agg backend (no
display, safe in a server thread). Like the Block Kit builders it only renders what a service returned."""

from __future__ import annotations

import io

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from services.reporting.report_results import WeeklyTrend

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def weekly_trend_png(trend: WeeklyTrend, title: str) -> bytes:
    """One line per series over the ISO weeks. A Figure made directly (not pyplot) keeps no global
    state between requests, so concurrent listeners cannot draw on each other's chart."""
    figure = Figure(figsize=(8, 4.2), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    positions = list(range(len(trend.weeks)))
    for name, counts in trend.series.items():
        axes.plot(positions, counts, marker="o", label=name)
    axes.set_title(title, fontsize=11)
    axes.set_xticks(positions, [label.split("-")[1] for label in trend.weeks], fontsize=8)
    axes.set_xlabel("ISO week")
    axes.set_ylabel("Count")
    axes.set_ylim(bottom=0)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))  # counts: no half-breaches on the axis
    axes.grid(axis="y", alpha=0.3)
    axes.legend(loc="upper left", fontsize=8)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
