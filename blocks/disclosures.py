"""Clare's Law requests: a request's card with each clock's working, the list of open requests,
and the figures. Ephemeral replies; names appear only where the service named them."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from blocks.common import Block, bullet_lines, context, divider, escape, fields_section, header, plain, section, when
from rules.disclosure import GUIDANCE, Standing
from services.disclosures.results import DisclosureFigures, DisclosureList, DisclosureView

MARK = {Standing.DUE: ":large_green_circle:", Standing.NEAR: ":large_orange_circle:", Standing.PAST: ":red_circle:"}


def request_blocks(view: DisclosureView, tz: ZoneInfo, headline: str | None = None) -> list[Block]:
    blocks: list[Block] = []
    if headline:
        blocks.append(section(f":white_check_mark: {escape(headline)}"))
    blocks += [
        header(f"Clare's Law {view.reference}"),
        context(f"{view.route.label} · {view.stage.value} · {escape(view.team)} · <@{view.officer_slack_id}>"),
        fields_section(
            [
                f"*Person at risk*\n{escape(view.person_at_risk) or '—'}",
                f"*Subject*\n{escape(view.subject) or '—'}",
                f"*Received*\n{when(view.received_at, tz)}",
                f"*Target*\n{when(view.target_at, tz)}{_standing(view)}",
            ]
        ),
    ]
    if view.applicant is not None:
        blocks.append(context(f"Applicant (not the person at risk): {escape(view.applicant)}"))
    blocks.append(section(_stages(view, tz)))
    for clock in view.clocks:
        title = "Completion target" if clock.kind.endswith("target") else "Near the target"
        lines = "\n".join(f"> {escape(line)}" for line in clock.working)
        blocks.append(section(f"*{title}: {when(clock.due_at, tz)}*\n{lines}"))
    if view.days_taken is not None:
        kept = "within" if view.within_target else "after"
        blocks.append(context(f"Completed in {view.days_taken} days, {kept} the target."))
    if not view.named:
        blocks.append(context("Initials only: this request belongs to a team that is not yours."))
    blocks.append(context(escape(GUIDANCE)))
    if view.writable and view.standing is not None:
        reference = view.reference
        blocks.append(context(f"Next: `/dvpn clare {reference} checks|forum|decide|disclosed|close` (`/dvpn help`)."))
    return blocks


def _standing(view: DisclosureView) -> str:
    if view.standing is None:
        return ""
    return f"\n{MARK[view.standing]} {view.standing.value}"


def _stages(view: DisclosureView, tz: ZoneInfo) -> str:
    lines = [
        f"Checks: {when(view.checks_at, tz)}",
        f"Decision forum: {when(view.forum_at, tz)}",
    ]
    if view.decision is not None:
        reason = f": {escape(view.decision_reason)}" if view.decision_reason else ""
        lines.append(f"Decision: {view.decision.value} ({when(view.decided_at, tz)}){reason}")
    else:
        lines.append("Decision: —")
    if view.disclosed_at is not None:
        to = f" to {escape(view.disclosed_to)}" if view.disclosed_to else ""
        lines.append(f"Disclosed{to}: {when(view.disclosed_at, tz)}")
    if view.closed_at is not None:
        why = f": {escape(view.close_reason)}" if view.close_reason else ""
        lines.append(f"Closed {when(view.closed_at, tz)}{why}")
    return "*Stages*\n" + "\n".join(lines)


def request_text(view: DisclosureView) -> str:
    """The notification text: the reference and stage, no names."""
    return f"Clare's Law {view.reference}: {view.stage.value}"


def list_blocks(found: DisclosureList, tz: ZoneInfo) -> list[Block]:
    if not found.lines:
        return [section(f"No open Clare's Law requests ({found.whose}).")]
    lines = [
        f"{MARK[line.standing]} *{line.reference}* · {line.route.label} · {line.stage.value} · "
        f"{escape(line.subject_initials) or '—'} · {escape(line.team)} · target {when(line.target_at, tz)}"
        for line in found.lines
    ]
    blocks: list[Block] = [
        section(f"*Open Clare's Law requests ({found.whose}):* {found.total}, nearest the target first"),
        section(bullet_lines(lines, limit_chars=2900)),
    ]
    if found.total > len(found.lines):
        blocks.append(context(f"… {found.total - len(found.lines)} more."))
    return blocks


def figures_blocks(figures: DisclosureFigures) -> list[Block]:
    whose = escape(figures.team) if figures.team else "your scope"
    median = f"{figures.median_days:g}" if figures.median_days is not None else "—"
    return [
        section(f"*Clare's Law figures, {escape(figures.period)}* · {whose}"),
        fields_section(
            [
                f"*Requests: Right to Ask*\n{figures.received_ask}",
                f"*Requests: Right to Know*\n{figures.received_know}",
                f"*Disclosures made*\n{figures.disclosures}",
                f"*Completed within target*\n{figures.within_target} of {figures.completed}",
                f"*Median days to complete*\n{median}",
                f"*Open past target now*\n{figures.open_past_target}",
            ]
        ),
        divider(),
        context("Days count from receipt (day 1) to the disclosure or closure, calendar days."),
    ]


def request_modal(view: DisclosureView, tz: ZoneInfo) -> dict[str, Any]:
    """The request as a modal: opened from the App Home, where there is no conversation to answer in."""
    return {
        "type": "modal",
        "title": plain(view.reference[:24]),
        "close": plain("Close"),
        "blocks": request_blocks(view, tz),
    }
