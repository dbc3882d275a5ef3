"""The /dvpn listener and its subcommand table."""

from __future__ import annotations

from typing import Any

from slack_bolt import App, BoltContext, Respond
from slack_sdk import WebClient

from blocks.wording import COMMAND
from domain.enums import Role
from handlers.after_ack import after_ack
from handlers.context import services
from handlers.errors import reported
from handlers.replies import tell
from handlers.router import CHANGERS, Invocation, Reply, Router, Run, Subcommand
from handlers.subcommands import (
    casework,
    clare,
    corrections,
    duties,
    incidents,
    quick,
    records,
    reports,
    school_holidays,
    tools,
)
from handlers.subcommands.digest import digest as digest_now
from services.governance.standing import is_placed_user, role_of
from services.unit_of_work import require_placed_user


def build_router() -> Router:
    """The table. Its order is the order of `/dvpn help` within each group; `roles` says whose
    help lists a command (services decide who may do it: a command outside one's help is refused
    with why, as before)."""
    supervise = frozenset({Role.SUPERVISOR, Role.ADMIN})

    def update(name: str, usage: str, summary: str, run: Run, example: str) -> Subcommand:
        return Subcommand(name, usage, summary, run, group="Update", roles=CHANGERS, example=example)

    table = [
        Subcommand(
            "new",
            "new [TYPE] [from INCIDENT]",
            "Record a notice or order: opens the form (e.g. new DVPN).",
            records.new,
            group="Record",
            roles=CHANGERS,
            example="new DVPN",
        ),
        update(
            "hearing",
            "hearing REF WHEN [at COURT]",
            "Book the hearing of an application.",
            quick.hearing,
            "hearing 0042 tomorrow 10:00 at Birmingham Magistrates",
        ),
        update(
            "granted",
            "granted REF DAYS|UNTIL",
            "The court granted the order (28 days, until 1/5).",
            quick.granted,
            "granted 0042 28 days",
        ),
        update("refused", "refused REF", "The court refused the application.", quick.refused, "refused 0042"),
        update(
            "adjourned",
            "adjourned REF WHEN",
            "The hearing was adjourned to a new time.",
            quick.adjourned,
            "adjourned 0042 monday 10:00",
        ),
        update(
            "breach",
            quick.BREACH_USAGE,
            "Record a breach, and an arrest if there was one.",
            quick.breach,
            "breach 0042 today 21:30 arrested today 22:00",
        ),
        update("crime", quick.CRIME_USAGE, "Add the crime reference to a breach recorded earlier.", quick.crime, ""),
        update(
            "court",
            quick.COURT_USAGE,
            "The person arrested for a breach was brought before the court.",
            quick.court,
            "court 0042 today 14:00",
        ),
        update(
            "check",
            quick.CHECK_USAGE,
            "Record a breach check done, or plan one.",
            quick.check,
            "check 0042 done today 15:00 spoke to the victim",
        ),
        update(
            "notified",
            "notified REF WHEN",
            "The perpetrator gave the notification required.",
            quick.notified,
            "notified 0042 today 12:00",
        ),
        update(
            "changed",
            duties.CHANGED_USAGE,
            "A change the perpetrator must notify: a new 3-day window.",
            duties.changed,
            "changed 0042 address today 09:00",
        ),
        update(
            "exempt",
            duties.EXEMPT_USAGE,
            "The perpetrator need not notify, and why.",
            duties.exempt,
            "exempt 0042 sex-offender",
        ),
        update(
            "monitoring",
            duties.MONITORING_USAGE,
            "A DAPO's electronic monitoring (12 months at most).",
            duties.monitoring,
            "monitoring 0042 until 1/10/2026",
        ),
        update(
            "close",
            "close REF [discharged|withdrawn] REASON",
            "End a record, with the reason.",
            quick.close,
            "close 0042 withdrawn application not pursued",
        ),
        update(
            "edit",
            corrections.EDIT_USAGE,
            "Correct a record's details (the form, or one field).",
            corrections.edit,
            'edit 0042 risk high reason "reassessed at the visit"',
        ),
        update(
            "varied",
            corrections.VARIED_USAGE,
            "A court varied an order: until 1/10/2026, or until further order.",
            corrections.varied,
            "varied 0042 until 1/10/2026",
        ),
        Subcommand(
            "show",
            "show REF",
            "A record's card: parties, status, every deadline explained.",
            casework.show,
            example="show 0042",
        ),
        Subcommand(
            "list",
            "list [mine|team|due|expiring|lapsed]",
            "Records with their next deadline.",
            records.list_,
            ("ls",),
            example="list due",
        ),
        Subcommand(
            "search",
            "search TEXT",
            "Find records by reference, crime reference, name, address or postcode.",
            casework.search,
            example="search Thompson",
        ),
        Subcommand(
            "perpetrator",
            "perpetrator NAME|PNC-ID|REF · perpetrator top [10] · perpetrator REF plan [adopt]",
            "A person's history; the RFG(V) priority list; a management plan.",
            casework.perpetrator,
            example="perpetrator 12/345678U",
        ),
        Subcommand(
            "incident",
            incidents.INCIDENT_USAGE,
            "Record an incident (the form, or typed), or its DASH, crime, decision, attendance.",
            incidents.incident,
            group="Safeguarding",
            roles=CHANGERS,
            example='incident new victim "Sam Sample" suspect "Alex Example" dash 15',
        ),
        Subcommand(
            "marac",
            incidents.MARAC_USAGE,
            "MARAC referrals, meetings and actions; who is due one.",
            incidents.marac,
            group="Safeguarding",
            example="marac due",
        ),
        Subcommand(
            "encompass",
            incidents.ENCOMPASS_USAGE,
            "Operation Encompass: a child's school told.",
            incidents.encompass,
            group="Safeguarding",
            roles=CHANGERS,
            example="encompass INC-2026-0001 told 1",
        ),
        Subcommand(
            "clare",
            clare.CLARE_USAGE,
            "Clare's Law requests: record, steps, list, figures.",
            clare.clare,
            group="Safeguarding",
            example="clare list",
        ),
        Subcommand(
            "caseload",
            casework.CASELOAD_USAGE,
            "Counts, and records by urgency; filters; incidents.",
            casework.caseload,
            example="caseload due:7d",
        ),
        Subcommand(
            "deadline",
            tools.DEADLINE_USAGE,
            "Work out a statutory deadline, with the working.",
            tools.deadline,
            example="deadline DVPN 2/4/2026 20:00",
        ),
        Subcommand(
            "stats",
            reports.STATS_USAGE,
            "Figures and a weekly chart: force or team.",
            reports.stats,
            example="stats last 4 weeks",
        ),
        Subcommand(
            "digest",
            "digest [TEAM]",
            "Your teams' digest, now (supervisors).",
            digest_now,
            group="Supervise",
            roles=frozenset({Role.SUPERVISOR}),
            example="digest",
        ),
        Subcommand(
            "audit",
            "audit REF",
            "A record's audit trail (supervisors and admins).",
            casework.audit,
            group="Supervise",
            roles=supervise,
            example="audit 0042",
        ),
        Subcommand(
            "export",
            reports.EXPORT_USAGE,
            "Your teams' records (or incidents, Clare's Law, plans) as a CSV, by DM.",
            reports.export,
            group="Supervise",
            roles=supervise,
            example="export last 4 weeks",
        ),
        Subcommand(
            "identity",
            "identity [resolve ID same|different]",
            "PNC ids typed with other details.",
            casework.identity,
            group="Supervise",
            roles=supervise,
            example="identity",
        ),
        Subcommand(
            "admin",
            "admin role|rank|team|holiday|school-holiday ...",
            "Admins: roles, ranks, teams, bank and school holidays.",
            tools.admin,
            group="Admin",
            roles=frozenset({Role.ADMIN}),
            example="admin holiday list",
        ),
        Subcommand(
            "school-holiday",
            school_holidays.USAGE,
            "Admins: school holidays per local authority (Operation Encompass).",
            school_holidays.typed_alone,
            group="Admin",
            roles=frozenset({Role.ADMIN}),
            example="school-holiday list cumbria",
        ),
    ]
    table.append(
        Subcommand(
            "help",
            "help [COMMAND]",
            "What you can do; one command in detail.",
            help_,
            ("?",),
            open_to_unplaced=True,
            group="",
            example="help hearing",
        )
    )
    return Router(table)


def help_(inv: Invocation) -> Reply:
    role = role_of(inv.ctx, inv.user_id)
    word = inv.args.split()[0] if inv.args.strip() else ""
    if word:
        return ROUTER.detail(word, role)
    return ROUTER.help(role, None if is_placed_user(inv.ctx, inv.user_id) else NOT_PLACED)


# Help for someone in no team: what they will be able to do, once an admin places them.
NOT_PLACED = "You are not in a team yet: ask an admin to place you (they type `/dvpn admin team add TEAM @you`)."


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
        tell(
            command,
            client,
            respond,
            ROUTER.help(role_of(services(context), str(command["user_id"])), "What would you like to do?"),
        )
        return
    sub = ROUTER.find(word)
    if sub is None:
        tell(command, client, respond, ROUTER.unknown(word, role_of(services(context), str(command["user_id"]))))
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
