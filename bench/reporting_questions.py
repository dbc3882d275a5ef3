"""The questions bench/reporting_queries.py times, each a call of a real service function as a
Slack command would make it, with the asker and subject picked from the generated data."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlmodel import Session, select

from bench.fakeforce.force import NOW
from models import AppUser
from rules.search_terms import POSTCODE
from services.context import ServiceContext
from services.disclosures import figures, viewing
from services.governance.access import supervised_team_ids
from services.incidents import card
from services.people import perpetrator_history, priority, search
from services.reminders import digest_sections, home, results
from services.reminders.digest_items import TeamRows
from services.reporting import caseload, casework_stats, export, incident_caseload, listing, stats
from services.reporting.daily_counts import kept_days_for
from services.reporting.list_results import CaseloadQuery, ListScope
from services.reporting.period import parse_period
from services.reporting.report_results import ExportKind, ReportScope


@dataclass(frozen=True)
class Question:
    name: str
    describe: str  # who asks what, for the printout
    ask: Callable[[], Any]


def _one(ctx: ServiceContext, sql: str) -> Any:
    with ctx.engine.connect() as connection:
        row = connection.exec_driver_sql(sql).first()
        assert row is not None, f"the bench data has no answer to: {sql}"
        return row


def busiest_supervisor(ctx: ServiceContext) -> tuple[str, int]:
    """The supervisor with the most open records across the teams they supervise."""
    slack_id, records = _one(
        ctx,
        "SELECT u.slack_user_id, count(*) FROM team_supervisor s JOIN app_user u ON u.id = s.user_id "
        "JOIN protection_order o ON o.team_id = s.team_id AND o.status = 'active' "
        "GROUP BY u.slack_user_id ORDER BY count(*) DESC, u.slack_user_id LIMIT 1",
    )
    return str(slack_id), int(records)


def repeat_offender(ctx: ServiceContext) -> tuple[str, str, int]:
    """The perpetrator with the most records: (PNC id, full name, records)."""
    pnc, name, records = _one(
        ctx,
        "SELECT p.pnc_id, p.full_name, count(*) FROM protection_order o JOIN perpetrator p ON p.id = o.perpetrator_id "
        "WHERE p.pnc_id IS NOT NULL GROUP BY p.id ORDER BY count(*) DESC, p.id LIMIT 1",
    )
    return str(pnc), str(name), int(records)


def as_typed(full_name: str) -> str:
    """A name as an officer might type it: surname first, in capitals, a comma, odd spacing."""
    *given, surname = full_name.replace(",", " ").split()
    return f"{surname.upper()},  {' '.join(given).lower()}"


def an_address_in_their_teams(ctx: ServiceContext, supervisor: str) -> str:
    """The perpetrator's address on the newest record of the supervisor's teams."""
    return str(
        _one(
            ctx,
            "SELECT p.address FROM protection_order o JOIN perpetrator p ON p.id = o.perpetrator_id "
            "JOIN team_supervisor ts ON ts.team_id = o.team_id JOIN app_user u ON u.id = ts.user_id "
            f"WHERE u.slack_user_id = '{supervisor}' AND p.address IS NOT NULL ORDER BY o.id DESC LIMIT 1",
        )[0]
    )


def one_letter_out(word: str) -> str:
    """The word with its third letter left out, as a hurried officer types it (Thompson: Thmpson)."""
    return word[:2] + word[3:]


def a_champion(ctx: ServiceContext) -> str:
    return str(_one(ctx, "SELECT slack_user_id FROM app_user WHERE role = 'champion' ORDER BY id LIMIT 1")[0])


def _shape(typed: str) -> str:
    """The form of a typed name without the name: 'SMITH,  john' -> 'XXXXX,  xxxx'."""
    return "".join("X" if c.isupper() else "x" if c.islower() else c for c in typed)


def busiest_incident_supervisor(ctx: ServiceContext) -> tuple[str, str, int]:
    """The supervisor whose teams hold the most incidents: (Slack id, one of their teams, incidents)."""
    slack_id, team, count = _one(
        ctx,
        "SELECT u.slack_user_id, min(t.name), count(*) FROM team_supervisor s JOIN app_user u ON u.id = s.user_id "
        "JOIN team t ON t.id = s.team_id JOIN incident i ON i.team_id = s.team_id "
        "GROUP BY u.slack_user_id ORDER BY count(*) DESC, u.slack_user_id LIMIT 1",
    )
    return str(slack_id), str(team), int(count)


def busiest_order_team(ctx: ServiceContext, supervisor: str) -> str:
    """The team of the supervisor's with the most records."""
    return str(
        _one(
            ctx,
            "SELECT t.name FROM team_supervisor s JOIN app_user u ON u.id = s.user_id JOIN team t ON t.id = s.team_id "
            f"JOIN protection_order o ON o.team_id = t.id WHERE u.slack_user_id = '{supervisor}' "
            "GROUP BY t.name ORDER BY count(*) DESC, t.name LIMIT 1",
        )[0]
    )


def an_officer_with_incidents(ctx: ServiceContext) -> str:
    """An officer of the team with the most incidents."""
    return str(
        _one(
            ctx,
            "SELECT u.slack_user_id FROM app_user u "
            "JOIN (SELECT team_id, count(*) AS n FROM incident GROUP BY team_id) t ON t.team_id = u.team_id "
            "WHERE u.role = 'officer' AND u.active ORDER BY t.n DESC, u.id LIMIT 1",
        )[0]
    )


def safeguarding_sections(ctx: ServiceContext, supervisor: str) -> int:
    """The digest's incident, Clare's Law and plan sections for each team the supervisor supervises,
    as the digest builds them; returns the items found, listed and counted."""
    wanted = (
        digest_sections.encompass_untold,
        digest_sections.marac_referrals,
        digest_sections.attendance,
        digest_sections.crime_unrecorded,
        digest_sections.clare_target,
        digest_sections.plan_actions,
    )
    now = ctx.clock.now()
    # Drawn as the digest draws them: listing the first of today's work and counting the rest (an
    # older tree, --before, lists every item).
    listed = getattr(results, "ACTION_LISTED", None)
    with Session(ctx.engine) as session:
        user = session.exec(select(AppUser).where(AppUser.slack_user_id == supervisor)).one()
        items = 0
        for team_id in sorted(supervised_team_ids(session, user)):
            rows = TeamRows(session, team_id, ctx.settings, **({"listed": listed} if listed else {}))
            at = digest_sections.When.at(now, rows)
            for build in wanted:
                section = build(rows, at)
                items += len(section.items) + getattr(section, "unlisted", 0)
        return items


def busiest_officer(ctx: ServiceContext) -> tuple[str, int]:
    """The officer in charge of the most open records."""
    slack_id, records = _one(
        ctx,
        "SELECT u.slack_user_id, count(*) FROM protection_order o JOIN app_user u ON u.id = o.officer_id "
        "WHERE o.status = 'active' AND u.role = 'officer' AND u.active "
        "GROUP BY u.slack_user_id ORDER BY count(*) DESC, u.slack_user_id LIMIT 1",
    )
    return str(slack_id), int(records)


def home_questions(ctx: ServiceContext, supervisor: str, open_records: int) -> list[Question]:
    """The App Home as it is built when its user opens it (handlers/home.py, before it is drawn)."""
    officer, records = busiest_officer(ctx)
    return [
        Question(
            "app home: officer",
            f"the App Home of officer {officer} ({records:,} open records in their charge)",
            lambda: home.home_board(ctx, officer),
        ),
        Question(
            "app home: supervisor",
            f"the App Home of supervisor {supervisor} ({open_records:,} open records in their teams)",
            lambda: home.home_board(ctx, supervisor),
        ),
    ]


def casework_figures(ctx: ServiceContext, period: Any) -> Any:
    """The incident, Clare's Law and plan figures `/dvpn stats` adds for the force."""
    # An older tree (--before) has no kept casework counts, and no `kept` to pass.
    takes_kept = "kept" in inspect.signature(casework_stats.casework_figures).parameters
    with Session(ctx.engine) as session:
        kept = {"kept": kept_days_for(ctx.settings.timezone)} if takes_kept else {}
        return casework_stats.casework_figures(
            session, ReportScope("the force", None), period, ctx.settings, NOW, **kept
        )


def incident_questions(ctx: ServiceContext) -> list[Question]:
    """The champions' and supervisors' questions about incidents, Clare's Law and plans."""
    champion = a_champion(ctx)
    supervisor, team, incidents = busiest_incident_supervisor(ctx)
    officer = an_officer_with_incidents(ctx)
    today = NOW.astimezone(ctx.settings.timezone).date()
    default_period = parse_period("", today)
    last_month = parse_period((today.replace(day=1) - timedelta(days=1)).strftime("%Y-%m"), today)
    reason = "Monthly incident review for the team performance meeting"
    iq = incident_caseload.incident_query
    return [
        Question(
            "incidents: champion, whole force",
            f"/dvpn caseload incidents by champion {champion}",
            lambda: incident_caseload.incident_caseload(ctx, champion, iq("")),
        ),
        Question(
            "incidents: supervisor, own teams",
            f"/dvpn caseload incidents by supervisor {supervisor} ({incidents:,} incidents in their teams)",
            lambda: incident_caseload.incident_caseload(ctx, supervisor, iq("")),
        ),
        Question(
            "incidents: officer, own team",
            f"/dvpn caseload incidents by officer {officer}",
            lambda: incident_caseload.incident_caseload(ctx, officer, iq("")),
        ),
        Question(
            "incidents: force, risk high",
            f"/dvpn caseload incidents risk high by champion {champion}",
            lambda: incident_caseload.incident_caseload(ctx, champion, iq("risk high")),
        ),
        Question(
            "incidents: force, risk high no-marac",
            f"/dvpn caseload incidents risk high no-marac by champion {champion}",
            lambda: incident_caseload.incident_caseload(ctx, champion, iq("risk high no-marac")),
        ),
        Question(
            "incidents: force, encompass untold",
            f"/dvpn caseload incidents encompass untold by champion {champion}",
            lambda: incident_caseload.incident_caseload(ctx, champion, iq("encompass untold")),
        ),
        Question(
            "marac due: champion, whole force",
            f"/dvpn marac due by champion {champion}",
            lambda: card.marac_due_list(ctx, champion),
        ),
        Question(
            "marac due: supervisor",
            f"/dvpn marac due by supervisor {supervisor}",
            lambda: card.marac_due_list(ctx, supervisor),
        ),
        Question(
            "perpetrator top 10: champion",
            f"/dvpn perpetrator top 10 by champion {champion}",
            lambda: priority.top(ctx, champion, 10),
        ),
        Question(
            "perpetrator top 10: supervisor",
            f"/dvpn perpetrator top 10 by supervisor {supervisor}",
            lambda: priority.top(ctx, supervisor, 10),
        ),
        Question(
            "clare list: champion, all",
            f"/dvpn clare list all by champion {champion}",
            lambda: viewing.open_requests(ctx, champion, "all"),
        ),
        Question(
            "clare list: supervisor, team",
            f"/dvpn clare list team by supervisor {supervisor}",
            lambda: viewing.open_requests(ctx, supervisor, "team"),
        ),
        Question(
            "clare stats: champion, default period",
            f"/dvpn clare stats by champion {champion}",
            lambda: figures.figures(ctx, champion, ""),
        ),
        Question(
            "export incidents: team, last month",
            f"/dvpn export incidents {last_month.label} {team} by supervisor {supervisor}",
            lambda: export.export_records(ctx, supervisor, last_month, team, reason, ExportKind.INCIDENTS),
        ),
        Question(
            "export clare: team, last month",
            f"/dvpn export clare {last_month.label} {team} by supervisor {supervisor}",
            lambda: export.export_records(ctx, supervisor, last_month, team, reason, ExportKind.CLARE),
        ),
        Question(
            "export plans: team, last month",
            f"/dvpn export plans {last_month.label} {team} by supervisor {supervisor}",
            lambda: export.export_records(ctx, supervisor, last_month, team, reason, ExportKind.PLANS),
        ),
        Question(
            "digest: supervisor's safeguarding sections",
            f"the digest's incident, Clare's Law and plan sections of supervisor {supervisor}'s teams",
            lambda: safeguarding_sections(ctx, supervisor),
        ),
        Question(
            "stats: casework figures, default period",
            f"the incident, Clare's Law and plan figures of /dvpn stats: {default_period.describe()}",
            lambda: casework_figures(ctx, default_period),
        ),
    ]


def questions(ctx: ServiceContext) -> list[Question]:
    supervisor, open_records = busiest_supervisor(ctx)
    champion = a_champion(ctx)
    today = NOW.astimezone(ctx.settings.timezone).date()
    default_period = parse_period("", today)
    year = parse_period(str(today.year - 1), today)
    pnc, name, records = repeat_offender(ctx)
    typed = as_typed(name)
    surname = name.replace(",", " ").split()[-1]
    address = an_address_in_their_teams(ctx, supervisor)
    found = POSTCODE.search(address.upper())
    postcode = " ".join(found.groups()) if found else address
    street = address.split(",")[0]
    last_month = parse_period((today.replace(day=1) - timedelta(days=1)).strftime("%Y-%m"), today)
    team = busiest_order_team(ctx, supervisor)
    reason = "Monthly caseload review for the team performance meeting"
    return [
        Question(
            "caseload: supervisor, first page",
            f"/dvpn caseload by supervisor {supervisor} ({open_records:,} open records in their teams)",
            lambda: caseload.caseload(ctx, supervisor, CaseloadQuery()),
        ),
        Question(
            "caseload: supervisor, due within 7 days",
            f"/dvpn caseload due:7d by supervisor {supervisor}",
            lambda: caseload.caseload(ctx, supervisor, CaseloadQuery(due_hours=7 * 24)),
        ),
        Question(
            "caseload: champion, whole force",
            f"/dvpn caseload all by champion {champion}",
            lambda: caseload.caseload(ctx, champion, CaseloadQuery(everyone=True)),
        ),
        Question(
            "perpetrator: repeat offender by PNC id",
            f"/dvpn perpetrator {pnc} by supervisor {supervisor} ({records} records)",
            lambda: perpetrator_history.lookup(ctx, supervisor, pnc),
        ),
        Question(
            "perpetrator: by name",
            f"/dvpn perpetrator <the repeat offender's name typed as '{_shape(typed)}'> by supervisor {supervisor}",
            lambda: perpetrator_history.lookup(ctx, supervisor, typed),
        ),
        Question(
            "search: by name",
            f"/dvpn search <the same name> by supervisor {supervisor}",
            lambda: search.search(ctx, supervisor, typed),
        ),
        Question(
            "search: surname alone",
            f"/dvpn search <the repeat offender's surname, '{_shape(surname)}'> by supervisor {supervisor}",
            lambda: search.search(ctx, supervisor, surname),
        ),
        Question(
            "search: surname one letter out",
            f"/dvpn search <that surname, third letter left out> by supervisor {supervisor}",
            lambda: search.search(ctx, supervisor, one_letter_out(surname)),
        ),
        Question(
            "search: postcode",
            f"/dvpn search <a postcode in their teams, '{_shape(postcode)}'> by supervisor {supervisor}",
            lambda: search.search(ctx, supervisor, postcode),
        ),
        Question(
            "search: house number and street",
            f"/dvpn search <'{_shape(street)}', one of 7 street names> by supervisor {supervisor}",
            lambda: search.search(ctx, supervisor, street),
        ),
        Question(
            "stats: force, default period",
            f"/dvpn stats by champion {champion}: {default_period.describe()}",
            lambda: stats.stats(ctx, champion, default_period),
        ),
        Question(
            f"stats: force, {year.label}",
            f"/dvpn stats {year.label} by champion {champion}: {year.describe()}",
            lambda: stats.stats(ctx, champion, year),
        ),
        Question(
            "list team (existing /dvpn list)",
            f"/dvpn list team by supervisor {supervisor}",
            lambda: listing.list_records(ctx, supervisor, ListScope.TEAM),
        ),
        Question(
            "export orders: team, last month",
            f"/dvpn export {last_month.label} {team} by supervisor {supervisor}",
            lambda: export.export_records(ctx, supervisor, last_month, team, reason),
        ),
        *incident_questions(ctx),
        *home_questions(ctx, supervisor, open_records),
    ]
