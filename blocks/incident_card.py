"""An incident's card and the MARAC-due list: references, initials, times and each clock's
working. No name, school or typed reason is in them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from blocks import actions as ids
from blocks.common import Block, actions, bullet_lines, button, context, escape, header, section, when
from blocks.wording import command, mention
from services.incidents.results import IncidentView, MaracDue
from services.reporting.list_results import IncidentCaseload
from services.wording import Command


def _told(done: datetime | None, due: datetime, tz: ZoneInfo) -> str:
    return f"told {when(done, tz)}" if done else f"*not told*, due {when(due, tz)}"


def incident_blocks(view: IncidentView, tz: ZoneInfo) -> list[Block]:
    risk = view.risk_level or "not assessed"
    lines = [
        f"Reported {when(view.reported_at, tz)} · victim {view.victim_initials} · suspect {view.suspect_initials}",
        f"Officer in charge: {mention(view.officer_slack_id) if view.officer_slack_id else 'none'} · risk: {risk}",
    ]
    if view.dash_working:
        lines.append(f"DASH: {view.dash_working}")
    crime = view.crime_reference or ("disclosed, *not yet recorded*" if view.crime_disclosed else "none disclosed")
    considered = {True: "yes", False: "no (reason on record)", None: "*not yet recorded*"}[view.notice_considered]
    lines.append(f"Crime: {crime} · DVPN/DAPN considered: {considered}")
    blocks: list[Block] = [header(f"Incident {view.reference}"), section("\n".join(lines))]
    if view.clocks:
        clocks = [f"*{c.label}* by {when(c.due_at, tz)}: {c.working}" for c in view.clocks]
        blocks.append(section("*Clocks running*\n" + bullet_lines(clocks)))
    for child in view.children:
        where = "present" if child.present else "linked"
        working = "; ".join(child.working[1:])
        blocks.append(
            section(
                f"*Child {child.number}* ({child.initials}, {where}): school {_told(child.told_at, child.due_at, tz)}"
            )
        )
        blocks.append(context(working))
    blocks += _marac(view, tz)
    if view.notices:
        blocks.append(context("Notices and orders from it: " + ", ".join(view.notices)))
    if view.writable:
        typed = command(Command("new", f"DVPN from {view.reference}"))
        blocks.append(actions(button("Record a notice", ids.NOTICE_FROM_INCIDENT, view.reference)))
        blocks.append(context(f"The notice takes this incident's victim and suspect, or type {typed}."))
    return blocks


def _marac(view: IncidentView, tz: ZoneInfo) -> list[Block]:
    if view.referral is None:
        if view.marac_reason is None:
            return []
        reference = view.reference
        typed = command(Command("marac", f"{reference} referred"))
        return [section(f"*MARAC referral due* ({view.marac_reason}). Record it: {typed}")]
    r = view.referral
    lines = [f"Referred {when(r.referred_at, tz)}; meeting {when(r.meeting_at, tz) if r.meeting_at else 'not set'}"]
    lines += [
        f"{a.number}. owner {mention(a.owner_slack_id)}, due {when(a.due_at, tz)}"
        + (f", done {when(a.done_at, tz)}" if a.done_at else "")
        for a in r.actions
    ]
    return [section("*MARAC*\n" + "\n".join(lines))]


def incident_text(view: IncidentView) -> str:
    return f"Incident {view.reference} ({view.victim_initials}/{view.suspect_initials})"


def marac_due_blocks(due: Sequence[MaracDue], tz: ZoneInfo) -> list[Block]:
    if not due:
        return [section("No high-risk victim is waiting for a MARAC referral.")]
    lines = [
        f"*{d.reference}* · victim {d.victim_initials} · {d.reason} · due {when(d.due_at, tz)} · "
        f"{mention(d.officer_slack_id) if d.officer_slack_id else 'no officer'}"
        for d in due
    ]
    return [header("MARAC referrals due"), section(bullet_lines(lines))]


def incident_caseload_blocks(load: IncidentCaseload, tz: ZoneInfo) -> list[Block]:
    if not load.lines:
        return [section(f"No incident of {escape(load.whose)} matches.")]
    lines = [
        f"*{line.reference}* · reported {when(line.reported_at, tz)} · victim {line.victim_initials} · "
        f"risk {line.risk or 'not assessed'} · {'MARAC referred' if line.marac_referred else 'no MARAC referral'}"
        + (
            f" · {line.schools_untold} school{'' if line.schools_untold == 1 else 's'} untold"
            if line.schools_untold
            else ""
        )
        + f" · {mention(line.officer_slack_id)}"
        for line in load.lines
    ]
    shown = f"{len(load.lines)} of {load.total}, the most recently reported first"
    return [header(f"Incidents: {escape(load.whose)}"), context(shown), section(bullet_lines(lines))]


def incident_caseload_text(load: IncidentCaseload) -> str:
    return f"{load.total} incidents of {load.whose}"


def _untold(schools: int) -> str:
    return f" · {schools} school{'' if schools == 1 else 's'} untold" if schools else ""
