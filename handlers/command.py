"""The /dvpn listener and its subcommand table."""

from __future__ import annotations

from typing import Any

from slack_bolt import App, BoltContext, Respond
from slack_sdk import WebClient

from blocks.wording import COMMAND
from handlers.after_ack import after_ack
from handlers.context import services
from handlers.errors import reported
from handlers.replies import tell
from handlers.router import Invocation, Router, Subcommand
from handlers.subcommands import casework, corrections, duties, incidents, quick, records, reports, tools
from handlers.subcommands.digest import digest as digest_now
from services.unit_of_work import require_placed_user


def build_router() -> Router:
    """The table. Its order is the order of `/dvpn help`."""
    table = [
        Subcommand("new", "new [TYPE]", "Record a notice or order: opens the form (e.g. new DVPN).", records.new),
        Subcommand("show", "show REF", "A record's card: parties, status, every deadline explained.", casework.show),
        Subcommand(
            "list", "list [mine|team|due|expiring|lapsed]", "Records with their next deadline.", records.list_, ("ls",)
        ),
        Subcommand("caseload", casework.CASELOAD_USAGE, "Counts, and records by urgency; filters.", casework.caseload),
        Subcommand(
            "perpetrator", "perpetrator NAME|PNC-ID|REF", "A person's history across the force.", casework.perpetrator
        ),
        Subcommand(
            "incident",
            incidents.INCIDENT_USAGE,
            "Record an incident, or its DASH, crime, decision, attendance.",
            incidents.incident,
        ),
        Subcommand(
            "marac", incidents.MARAC_USAGE, "MARAC referrals, meetings and actions; who is due one.", incidents.marac
        ),
        Subcommand(
            "encompass", incidents.ENCOMPASS_USAGE, "Operation Encompass: a child's school told.", incidents.encompass
        ),
        Subcommand("search", "search TEXT", "Find records by reference, crime reference or name.", casework.search),
        Subcommand("audit", "audit REF", "A record's audit trail (supervisors and admins).", casework.audit),
        Subcommand(
            "identity", "identity [resolve ID same|different]", "PNC ids typed with other details.", casework.identity
        ),
        Subcommand("hearing", "hearing REF WHEN [at COURT]", "Book the hearing of an application.", quick.hearing),
        Subcommand(
            "granted", "granted REF DAYS|UNTIL", "The court granted the order (28 days, until 1/5).", quick.granted
        ),
        Subcommand("refused", "refused REF", "The court refused the application.", quick.refused),
        Subcommand("adjourned", "adjourned REF WHEN", "The hearing was adjourned to a new time.", quick.adjourned),
        Subcommand("breach", quick.BREACH_USAGE, "Record a breach, and an arrest if there was one.", quick.breach),
        Subcommand("crime", quick.CRIME_USAGE, "Add the crime reference to a breach recorded earlier.", quick.crime),
        Subcommand(
            "court", quick.COURT_USAGE, "The person arrested for a breach was brought before the court.", quick.court
        ),
        Subcommand("check", quick.CHECK_USAGE, "Record a breach check done, or plan one.", quick.check),
        Subcommand("notified", "notified REF WHEN", "The perpetrator gave the notification required.", quick.notified),
        Subcommand(
            "changed", duties.CHANGED_USAGE, "A change the perpetrator must notify: a new 3-day window.", duties.changed
        ),
        Subcommand("exempt", duties.EXEMPT_USAGE, "The perpetrator need not notify, and why.", duties.exempt),
        Subcommand(
            "monitoring",
            duties.MONITORING_USAGE,
            "A DAPO's electronic monitoring (12 months at most).",
            duties.monitoring,
        ),
        Subcommand("close", "close REF [discharged|withdrawn] REASON", "End a record, with the reason.", quick.close),
        Subcommand(
            "edit", corrections.EDIT_USAGE, "Correct a record's details (the form, or one field).", corrections.edit
        ),
        Subcommand(
            "varied",
            corrections.VARIED_USAGE,
            "A court varied an order: until 1/10/2026, or until further order.",
            corrections.varied,
        ),
        Subcommand(
            "deadline", tools.DEADLINE_USAGE, "Work out a statutory deadline, with the working.", tools.deadline
        ),
    ]
    table.append(Subcommand("stats", reports.STATS_USAGE, "Figures and a weekly chart: force or team.", reports.stats))
    table.append(Subcommand("export", reports.EXPORT_USAGE, "Your teams' records as a CSV, by DM.", reports.export))
    table.append(Subcommand("digest", "digest [TEAM]", "Your teams' digest, now (supervisors).", digest_now))
    table.append(
        Subcommand(
            "admin", "admin role|rank|team|holiday ...", "Admins: roles, ranks, teams, bank holidays.", tools.admin
        )
    )
    table.append(Subcommand("help", "help", "This list.", lambda _: router.help(), ("?",), open_to_unplaced=True))
    router = Router(table)  # the help entry reads the finished table
    return router


ROUTER = build_router()


def register(app: App) -> None:
    after_ack(app, app.command(COMMAND))(answer_command)


@reported
def answer_command(
    body: dict[str, Any], command: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext
) -> None:
    """Acknowledged before any database or Web API work; answered by the response URL."""
    word, _, args = str(command.get("text") or "").strip().partition(" ")
    if not word:
        tell(command, client, respond, ROUTER.help("What would you like to do?"))
        return
    sub = ROUTER.find(word)
    if sub is None:
        tell(command, client, respond, ROUTER.unknown(word))
        return
    ctx = services(context)
    if not sub.open_to_unplaced:
        require_placed_user(ctx, str(command["user_id"]))  # one gate for every subcommand
    invocation = Invocation(
        ctx=ctx,
        user_id=str(command["user_id"]),
        args=args.strip(),
        channel_id=command.get("channel_id"),
        trigger_id=command.get("trigger_id"),
        client=client,
    )
    reply = sub.run(invocation)
    if reply is not None:
        tell(command, client, respond, reply)
