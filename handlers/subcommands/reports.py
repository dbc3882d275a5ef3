"""/dvpn stats (figures and a weekly trend chart) and /dvpn export (a CSV, after a justification)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from blocks.charts import weekly_trend_png
from blocks.common import escape
from blocks.reports import ExportRequest, export_form, stats_blocks, stats_text, stats_title
from handlers.errors import log_unexpected
from handlers.file_upload import share_file
from handlers.router import Invocation, Reply
from services.errors import DomainError, NotFound
from services.reporting import export as export_service
from services.reporting import stats as stats_service
from services.reporting.period import PERIOD_HELP, Period, period_then_team
from services.reporting.report_results import ExportKind, StatsReport

STATS_USAGE = "stats [PERIOD] [TEAM]"
EXPORT_USAGE = "export [incidents|clare|plans] [PERIOD] [TEAM]"


def stats(inv: Invocation) -> Reply:
    period, team = _period_and_team(inv)
    with _unread_words(inv, team):
        report = stats_service.stats(inv.ctx, inv.user_id, period, team)
    # The text is the table in plain lines: what a client that does not draw tables shows.
    return Reply(stats_blocks(report, _share_chart(inv, report)), escape(stats_text(report)))


def _share_chart(inv: Invocation, report: StatsReport) -> str:
    """Uploads the chart; the figures are answered even when Slack will not take it."""
    if inv.client is None:
        return "The weekly trend chart is drawn in Slack only."
    try:
        where = share_file(
            inv.client,
            user_id=inv.user_id,
            channel_id=inv.channel_id,
            content=weekly_trend_png(report.trend, stats_title(report)),
            filename=f"dvpn-stats-{report.scope.slug}-{report.period.start.isoformat()}.png",
            title=f"Weekly trend: {stats_title(report)}",
            comment=escape(stats_text(report)),  # a file comment is mrkdwn
            alt_text=stats_text(report),
        )
    except Exception as error:  # the figures above still answer the question
        return f"The weekly trend chart could not be uploaded (error id {log_unexpected(error, 'stats chart')})."
    if where == inv.channel_id:
        return "The weekly trend chart is posted in this conversation."
    return "The weekly trend chart is in your direct messages with dvpn-bot: this channel cannot take its files."


def export(inv: Invocation) -> Reply | None:
    kind, rest = _export_kind(inv.args)
    period, team = period_then_team(rest, inv.now.astimezone(inv.tz).date())
    with _unread_words(inv, team, rest):
        scope = export_service.prepare(inv.ctx, inv.user_id, team)  # refuse before asking why
    if inv.client is None or not inv.trigger_id:
        raise DomainError("Exports are asked for in Slack: type /dvpn export there.")
    request = ExportRequest(period.label, period.start.isoformat(), period.last_day.isoformat(), team, kind.value)
    view = export_form(request, scope.label, period.describe(), kind.described)
    inv.client.views_open(trigger_id=inv.trigger_id, view=view)
    return None


def _export_kind(args: str) -> tuple[ExportKind, str]:
    """The first word names what to export ('incidents', 'clare', 'plans'); without one, the orders."""
    first, _, rest = args.strip().partition(" ")
    try:
        return ExportKind(first.lower()), rest
    except ValueError:
        return ExportKind.ORDERS, args


def _period_and_team(inv: Invocation) -> tuple[Period, str | None]:
    return period_then_team(inv.args, inv.now.astimezone(inv.tz).date())


@contextmanager
def _unread_words(inv: Invocation, team: str | None, typed: str | None = None) -> Iterator[None]:
    """When no word read as a period and no team has that name, say both rather than only the team."""
    try:
        yield
    except NotFound as error:
        if team is None or team != (inv.args if typed is None else typed).strip():
            raise
        message = f"Could not read '{team[:40]}' as a period or a team. {PERIOD_HELP} {error.message}"
        raise DomainError(message, "period") from None
