"""What /dvpn stats and /dvpn export show: the figures as text, and the export's justification form.
Figures are counts for a force or team: never a person."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta

from blocks import actions as ids
from blocks.common import MAX_PRIVATE_METADATA, Block, context, escape, header, plain, section, table
from blocks.forms import text_input
from services.reporting.period import Period
from services.reporting.report_results import CaseworkFigures, ExportKind, Figures, StatsReport

JUSTIFICATION_MAX = 1000  # audit_event.justification holds this much


def _share(part: int, whole: int) -> str:
    return f"{part} of {whole} ({part / whole:.0%})" if whole else f"{part} of 0"


def figure_rows(figures: Figures) -> list[tuple[str, str]]:
    """Each figure and its value, as read aloud to a Police and Crime Commissioner."""
    f = figures
    rate = "—" if f.conversion_rate is None else f"{f.conversion_rate:.0%}"
    median = "—" if f.median_hours_service_to_hearing is None else f"{f.median_hours_service_to_hearing:.1f} hours"
    return [
        ("Notices issued", str(f.notices_issued)),
        ("Applications heard", str(f.applications_heard)),
        ("Heard within 48 hours", _share(f.heard_in_time, f.applications_heard)),
        ("Orders granted", str(f.orders_granted)),
        ("Orders refused", str(f.orders_refused)),
        ("Conversion notice → order", f"{rate} ({f.notices_converted} of {f.notices_issued} notices issued)"),
        ("Notices lapsed", str(f.notices_lapsed)),
        ("Breaches", str(f.breaches)),
        ("Crime reference within 24 hours", _share(f.breaches_crime_reference_24h, f.breaches)),
        ("Breach checks done on time", _share(f.checks_on_time, f.checks_due)),
        ("Median time from service to hearing", median),
    ]


def casework_rows(casework: CaseworkFigures | None) -> list[tuple[str, str]]:
    """Incidents, MARAC, Operation Encompass, Clare's Law and plans: each figure and its value."""
    if casework is None:
        return []
    c, d = casework, casework.disclosures
    median = "—" if d.median_days is None else f"{d.median_days:.1f} days"
    return [
        (
            "Incidents reported",
            f"{c.incidents} (high {c.incidents_high}, medium {c.incidents_medium}, standard "
            f"{c.incidents_standard}, no DASH yet {c.incidents_unassessed})",
        ),
        (
            f"MARAC referral within {c.marac_referral_hours} hours of a high-risk DASH",
            _share(c.marac_referred_in_time, c.high_risk),
        ),
        ("Schools told before the next school day", _share(c.schools_told_in_time, c.children)),
        (
            "Clare's Law requests received",
            f"{d.received_ask + d.received_know} (Right to Ask {d.received_ask}, Right to Know {d.received_know})",
        ),
        ("Clare's Law disclosures made", str(d.disclosures)),
        ("Clare's Law completed within target", _share(d.within_target, d.completed)),
        ("Clare's Law median time to completion", median),
        ("Clare's Law requests open past target now", str(d.open_past_target)),
        ("Management plans open now", f"{c.plans_open} ({c.plans_overdue} with an action or review overdue)"),
        ("Plan actions overdue now", str(c.plan_actions_overdue)),
    ]


def figure_lines(figures: Figures, casework: CaseworkFigures | None = None) -> list[str]:
    """One line per figure: the plain form of the table (a chart's comment, the message's text)."""
    return [f"{label}: {value}" for label, value in figure_rows(figures) + casework_rows(casework)]


def stats_title(report: StatsReport) -> str:
    return f"{report.scope.label.capitalize() if report.scope.team_ids is None else report.scope.label}: " + (
        report.period.describe()
    )


def stats_text(report: StatsReport) -> str:
    """The figures as plain text: the chart's comment and its alternative text."""
    return "\n".join([stats_title(report), *figure_lines(report.figures, report.casework)])


def stats_blocks(report: StatsReport, chart_note: str) -> list[Block]:
    return [
        header(f"Figures for {report.scope.label}"),
        context(report.period.describe()),
        table(("Figure", "Value"), figure_rows(report.figures) + casework_rows(report.casework), right=(1,)),
        context(chart_note),
        context("How each figure is counted: see `/dvpn help` and the README's Reporting section."),
    ]


@dataclass(frozen=True)
class ExportRequest:
    """What the export form carries from opening to submission (private_metadata): the period as
    read when the command was typed, so a submission after midnight exports what was asked for."""

    label: str
    first_day: str  # ISO dates, inclusive
    last_day: str
    team: str | None = None
    kind: str = ExportKind.ORDERS.value

    def dump(self) -> str:
        fields = {"label": self.label, "first": self.first_day, "last": self.last_day, "team": self.team}
        text = json.dumps(fields | {"kind": self.kind})
        if len(text) > MAX_PRIVATE_METADATA:
            raise ValueError("private_metadata over Slack's 3,000 characters")
        return text

    @classmethod
    def load(cls, text: str | None) -> ExportRequest:
        data = json.loads(text) if text else {}
        kind = ExportKind(str(data.get("kind", ExportKind.ORDERS.value)))  # a kind not known is refused
        return cls(str(data["label"]), str(data["first"]), str(data["last"]), data.get("team"), kind.value)

    @property
    def export_kind(self) -> ExportKind:
        return ExportKind(self.kind)

    @property
    def period(self) -> Period:
        first, last = date.fromisoformat(self.first_day), date.fromisoformat(self.last_day)
        return Period(first, last + timedelta(days=1), self.label)


def export_form(
    request: ExportRequest, scope_label: str, period_text: str, what: str = ExportKind.ORDERS.described
) -> Block:
    """Asks why before anything is exported: the export is a disclosure, logged with its
    justification (Data Protection Act 2018 s62(3))."""
    return {
        "type": "modal",
        "callback_id": ids.EXPORT_FORM,
        "private_metadata": request.dump(),
        "title": plain("Export records", 24),
        "submit": plain("Export", 24),
        "close": plain("Cancel", 24),
        "blocks": [
            section(
                f"A CSV of the {escape(what)} of *{escape(scope_label)}* active in {period_text} will be sent "
                "to you in a direct message. It holds references, dates, outcomes, counts and initials: no "
                "names, dates of birth, addresses, children's names, schools or free text."
            ),
            text_input(
                "justification",
                "Why do you need this export?",
                multiline=True,
                hint="Recorded in the audit trail with your name, the time and what was exported (DPA 2018 s62).",
                placeholder="e.g. Monthly caseload review for the PPU North performance meeting",
                max_length=JUSTIFICATION_MAX,
            ),
        ],
    }
