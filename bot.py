"""dvpn-bot's composition root and command line.

    dvpn-bot run                                             the bot, in Slack over Socket Mode (the default)
    dvpn-bot serve [--host H] [--port P]                     the bot, in Slack over HTTP (/slack/events, /healthz)
    dvpn-bot scheduler                                       only the reminder sweep, digests and rollover
    dvpn-bot console [--demo] [--database PATH]              Slack in the terminal: the same app, no workspace
    dvpn-bot deadline TYPE WHEN [--event served|arrested|changed|monitoring] [--area AREA] [--risk LEVEL]
                    [--extended-by inspector|superintendent|court] [--hearing WHEN]
                                                             a deadline, explained (BAIL: the arrest; DVDS)
    dvpn-bot calendar YEAR                                   the days the hour-clocks skip
    dvpn-bot db upgrade | status                             apply or check database migrations
    dvpn-bot db grants [--role ROLE]                         the SQL giving the bot's PostgreSQL role its privileges
    dvpn-bot holiday add|remove|list [DATE] [NAME] --by ADMIN   bank holidays the force adds (audited)
    dvpn-bot retention review --by ADMIN                     records past retention (references only)
    dvpn-bot retention erase REF --reason TEXT --by ADMIN    delete a record family's personal data

Settings come from the environment and `.env` (see .env.example). Exit status: 0 done,
1 an unexpected error (logged with an error id), 2 bad settings or bad input.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import uuid
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from config import Settings, SettingsError, configure_logging, load_settings
from rules.calendar import ExcludedDayCalendar
from rules.deadlines import BailExtension, ClockEvent
from rules.order_types import OrderType
from runtime.errors import MissingSlackSettings, SchemaNotCurrent
from services.errors import DomainError

if TYPE_CHECKING:
    from rules.school_days import SchoolCalendar
    from services.context import ServiceContext
    from services.governance.retention import DueRecord

T = TypeVar("T")

# The command line starts at once: each command imports what it needs (the Slack app, the database,
# Alembic, matplotlib) when it runs, so the calculator and the calendar load none of them.
log = logging.getLogger("dvpn-bot")

EXIT_OK, EXIT_UNEXPECTED, EXIT_USAGE = 0, 1, 2


def _sqlite_file_missing(url: str) -> bool:
    if not url.startswith("sqlite:///"):
        return False
    path = url.removeprefix("sqlite:///")
    return path not in ("", ":memory:") and not Path(path).exists()


def force_calendar_if_available(settings: Settings) -> tuple[ExcludedDayCalendar, str | None]:
    """The calendar with admin-added days from the database, or the statutory one and a note why not.
    The calculator must work on a laptop with no database, so a missing one is not an error."""
    from services.records.calendar import calendar_for_force

    plain = ExcludedDayCalendar(count_saturday_boxing_day=settings.count_saturday_boxing_day)
    return _from_database(settings, calendar_for_force, plain, "admin-added bank holidays")


def school_calendar_if_available(settings: Settings) -> tuple[SchoolCalendar, str | None]:
    """The school-day calendar with the bank holidays and school holidays admins added, from the
    database; without one, the shipped school holidays over the statutory bank holidays, and a note."""
    from services.incidents.calculator import plain_school_calendar, school_calendar_for_force

    plain = plain_school_calendar(ExcludedDayCalendar(count_saturday_boxing_day=settings.count_saturday_boxing_day))
    return _from_database(settings, school_calendar_for_force, plain, "admin-added bank holidays or school holidays")


def _from_database(
    settings: Settings, read: Callable[[ServiceContext], T], plain: T, what: str
) -> tuple[T, str | None]:
    """`read` from the configured database, or `plain` and a note saying why not."""
    if _sqlite_file_missing(settings.database_url):
        return plain, f"No database yet, so no {what} were included."
    from sqlalchemy.exc import SQLAlchemyError

    from models.schema import SchemaState, schema_state
    from runtime.parts import service_context

    ctx = service_context(settings, source="cli")
    engine = ctx.engine
    try:
        if schema_state(engine) is not SchemaState.CURRENT:
            return plain, f"The database is not set up (dvpn-bot db upgrade), so no {what} were included."
        return read(ctx), None
    except SQLAlchemyError:
        return plain, f"The database could not be reached, so no {what} were included."
    finally:
        engine.dispose()


# The incident clocks the calculator explains beside the statutory ones (services.incidents.calculator).
INCIDENT_CLOCKS = ("encompass", "attend", "dash", "crime", "considered", "marac")


def _incident_deadline(args: argparse.Namespace, settings: Settings) -> int:
    from domain.enums import RiskLevel
    from services.clock import SystemClock
    from services.incidents.calculator import incident_deadline
    from services.when import parse_when

    tz, now = settings.timezone, SystemClock().now()
    text = " ".join(args.when)
    at = parse_when(text, now=now, tz=tz, kind="calculator", field="when", past_event_days=settings.past_event_days)
    level = RiskLevel(args.risk) if args.risk else None
    note = None
    if args.type.lower() == "encompass":  # only the school day needs the calendars
        calendar, note = school_calendar_if_available(settings)
    else:
        from services.incidents.calculator import plain_school_calendar

        calendar = plain_school_calendar(ExcludedDayCalendar())
    view = incident_deadline(args.type, at, settings, calendar, area=args.area, level=level)
    print(view.at.astimezone(tz).isoformat())
    for line in view.explanation:
        print(line)
    if note:
        print(f"Note: {note}")
    return EXIT_OK


def _disclosure_deadline(args: argparse.Namespace, settings: Settings) -> int:
    """The Clare's Law completion target for a request received at WHEN."""
    from services.clock import SystemClock
    from services.records.calculator import disclosure_target
    from services.when import parse_when

    tz, now = settings.timezone, SystemClock().now()
    at = parse_when(
        " ".join(args.when), now=now, tz=tz, kind="calculator", field="when", past_event_days=settings.past_event_days
    )
    target = disclosure_target(at, settings.dvds_target_days, tz)
    print(target.at.astimezone(tz).isoformat())
    for line in target.explanation:
        print(line)
    return EXIT_OK


def cmd_deadline(args: argparse.Namespace, settings: Settings) -> int:
    from services.clock import SystemClock
    from services.records.calculator import DISCLOSURE_WORDS, calculate
    from services.when import parse_when

    if args.type.upper() in DISCLOSURE_WORDS:
        return _disclosure_deadline(args, settings)
    if args.type.lower() in INCIDENT_CLOCKS:
        return _incident_deadline(args, settings)
    order_type = OrderType.parse(args.type)
    if order_type is None:
        known = ", ".join([*(t.value for t in OrderType), "DVDS", *INCIDENT_CLOCKS])
        raise DomainError(f"Unknown type '{args.type}'. Use one of: {known}.")
    tz = settings.timezone
    now, days = SystemClock().now(), settings.past_event_days
    at = parse_when(" ".join(args.when), now=now, tz=tz, kind="calculator", field="when", past_event_days=days)
    calendar, note = force_calendar_if_available(settings)
    # The listed hearing is plausible around the start the calculator was given, not around today.
    hearing = (
        parse_when(" ".join(args.hearing), now=at, tz=tz, kind="hearing", field="hearing") if args.hearing else None
    )
    extended = BailExtension(args.extended_by) if args.extended_by else None
    event = ClockEvent.ARRESTED if order_type is OrderType.BAIL else ClockEvent(args.event)
    deadline = calculate(order_type, event, at, calendar, tz, extended_by=extended, hearing_at=hearing)
    print(deadline.at.astimezone(tz).isoformat())
    for line in deadline.explanation:
        print(line)
    if note:
        print(f"Note: {note}")
    return EXIT_OK


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    from handlers.socket_mode import run_socket_mode
    from runtime.compose import compose
    from scheduler.runner import exit_gracefully_on_sigterm, start_in_background

    runtime = compose(settings, mode="run")
    scheduler = None if args.no_scheduler else start_in_background(runtime.ctx, runtime.client)
    exit_gracefully_on_sigterm(scheduler)
    log.info("dvpn-bot connecting to Slack over Socket Mode")
    try:
        run_socket_mode(runtime.app, settings)  # blocks until interrupted
    finally:
        if scheduler is not None:
            scheduler.stop()  # hands back any reminders this process had claimed
        runtime.stop_work()
    return EXIT_OK


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    import waitress

    from handlers.wsgi import EVENTS_PATH, wsgi_app
    from runtime.compose import compose
    from scheduler.runner import exit_gracefully_on_sigterm, start_in_background

    runtime = compose(settings, mode="serve")
    host, port = args.host or settings.http_host, args.port or settings.http_port
    scheduler = None if args.no_scheduler else start_in_background(runtime.ctx, runtime.client)
    exit_gracefully_on_sigterm(scheduler)
    log.info("dvpn-bot serving Slack on http://%s:%s%s", host, port, EVENTS_PATH)
    try:
        waitress.serve(
            wsgi_app(
                runtime.app,
                runtime.ctx.engine,
                signing_secret=settings.slack_signing_secret,
                max_body=settings.max_request_bytes,
            ),
            host=host,
            port=port,
            threads=settings.http_threads,
            max_request_body_size=settings.max_request_bytes,  # refused with 413 before the body is read
            ident="dvpn-bot",
        )
    finally:
        if scheduler is not None:
            scheduler.stop()
        runtime.stop_work()
    return EXIT_OK


def cmd_scheduler(args: argparse.Namespace, settings: Settings) -> int:
    """The sweep, digests and rollover without a Slack listener, for deployments that separate them."""
    from handlers.web_client import web_client
    from runtime.compose import require_current_schema, warn_if_audit_trail_exposed
    from runtime.parts import service_context
    from scheduler.runner import run_scheduler_forever

    if not settings.slack_bot_token:
        raise MissingSlackSettings(["SLACK_BOT_TOKEN"], "scheduler")
    ctx = service_context(settings, source="scheduler", application="dvpn-bot scheduler")
    require_current_schema(ctx.engine)
    warn_if_audit_trail_exposed(ctx.engine)
    return run_scheduler_forever(ctx, web_client(settings))


def cmd_console(args: argparse.Namespace, settings: Settings) -> int:
    from console.main import run_console  # imported here: it is a third of a bot process's start-up

    return run_console(settings, demo=args.demo, database=args.database)


def cmd_calendar(args: argparse.Namespace, settings: Settings) -> int:
    calendar, note = force_calendar_if_available(settings)
    day, end = date(args.year, 1, 1), date(args.year + 1, 1, 1)
    print(f"Days the 48- and 24-hour clocks skip in {args.year} (besides every Sunday):")
    while day < end:
        ruling = calendar.ruling(day)
        if ruling.excluded and ruling.reason != "Sunday":
            print(f"  {day:%a %d %b %Y}  {ruling.reason}")
        if ruling.note:
            print(f"  {day:%a %d %b %Y}  counted: {ruling.note}")
        day += timedelta(days=1)
    if note:
        print(f"Note: {note}")
    return EXIT_OK


def cmd_db(args: argparse.Namespace, settings: Settings) -> int:
    if args.action == "grants":
        return _print_grants(args, settings)
    from models.db import make_engine
    from models.roles import RoleProblem, grant_runtime_role
    from models.schema import SchemaState, head_revision, schema_state, upgrade
    from runtime.compose import require_current_schema

    if args.action == "upgrade":
        # Migrations run as the owner of the tables; the bot's own role is then granted what it uses.
        engine = make_engine(settings.migration_database_url or settings.database_url)
        try:
            upgrade(engine)
            print(f"Database is at schema {head_revision()}.")
            if settings.database_role:
                grant_runtime_role(engine, settings.database_role)
                print(f"Role {settings.database_role} holds the bot's privileges (audit_event: SELECT, INSERT).")
            return EXIT_OK
        except RoleProblem as problem:
            print(str(problem), file=sys.stderr)
            return EXIT_USAGE
        finally:
            engine.dispose()
    engine = make_engine(settings.database_url)
    try:
        state = schema_state(engine)
        print(f"Database schema: {state.value} (this release needs {head_revision()}).")
        if state is not SchemaState.CURRENT:
            require_current_schema(engine)
        return EXIT_OK
    finally:
        engine.dispose()


def _print_grants(args: argparse.Namespace, settings: Settings) -> int:
    """The SQL a DBA runs as the owner to give the bot's role its privileges (what `db upgrade` runs)."""
    from models.roles import grant_statements

    role = args.role or settings.database_role
    if not role:
        print("Name the role: dvpn-bot db grants --role ROLE (or set DVPN_DATABASE_ROLE).", file=sys.stderr)
        return EXIT_USAGE
    try:
        print("\n".join(grant_statements(role)))
    except ValueError:
        print(
            f"{role!r} is not a role name: lower-case letters, digits and _, not starting with a digit.",
            file=sys.stderr,
        )
        return EXIT_USAGE
    return EXIT_OK


def cmd_retention(args: argparse.Namespace, settings: Settings) -> int:
    """Admins only, named with --by (their Slack member id): the audit trail says who reviewed or erased."""
    from runtime.compose import require_current_schema
    from runtime.parts import service_context
    from services.governance import retention

    ctx = service_context(settings, source="cli")
    engine = ctx.engine
    try:
        require_current_schema(engine)
        if args.action == "review":
            due = retention.review(ctx, args.by, os_user=_os_user())
            print(_retention_report(due, settings))
            return EXIT_OK
        if not args.reference:
            raise DomainError("Give the reference to erase: dvpn-bot retention erase REF --reason TEXT --by ADMIN.")
        done = retention.erase(ctx, args.by, args.reference, args.reason, os_user=_os_user())
        print(f"Erased {', '.join(done.references)} (audit event {done.audit_event_id}).")
        for table, count in done.deleted.items():
            print(f"  {table}: {count} rows deleted")
        return EXIT_OK
    finally:
        engine.dispose()


def cmd_holiday(args: argparse.Namespace, settings: Settings) -> int:
    """Admins only, named with --by: an added bank holiday moves deadlines, so it is audited against them."""
    from handlers.subcommands.tools import holiday_said, tell_reinstated
    from handlers.web_client import web_client
    from runtime.compose import require_current_schema
    from runtime.parts import service_context
    from services.governance.retention import admin_operator
    from services.records import calendar
    from services.when import parse_day

    ctx = service_context(settings, source="cli")
    try:
        require_current_schema(ctx.engine)
        if args.action == "list":
            days = calendar.added_days(ctx, args.by, user_from=admin_operator)
            for added in days:
                print(f"{added.day:%Y-%m-%d}  {added.name}  (added by {added.added_by})")
            if not days:
                print("No bank holidays added: the calendar is the statutory one.")
            return EXIT_OK
        if not args.day:
            raise DomainError(f"Give the day: dvpn-bot holiday {args.action} 2026-12-28 ... --by ADMIN.")
        day = parse_day(args.day, field="day")
        if args.action == "add":
            changed = calendar.add_excluded_day(ctx, args.by, day, args.name or "", user_from=admin_operator)
        else:
            changed = calendar.remove_excluded_day(ctx, args.by, day, user_from=admin_operator)
        print(holiday_said(args.action, changed).replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">"))
        if changed.reinstated:
            if settings.slack_bot_token:
                tell_reinstated(web_client(settings), changed)
            else:
                officers = ", ".join(f"{r.reference}: {r.officer_slack_id}" for r in changed.reinstated)
                print(f"No SLACK_BOT_TOKEN: tell the officers yourself ({officers}).")
        return EXIT_OK
    finally:
        ctx.engine.dispose()


def _os_user() -> str:
    """The account the command runs under, for the audit: --by is typed, this is not."""
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry and no LOGNAME/USER (some containers)
        return f"uid {os.getuid()}"


def _retention_report(due: list[DueRecord], settings: Settings) -> str:
    """References, types and dates only: the review lists no names."""
    if not due:
        return f"No record is past its retention period ({settings.retention_years} years after its family's last end)."
    tz = settings.timezone
    count = f"{len(due)} record{'' if len(due) == 1 else 's'}"
    lines = [f"{count} past their retention period ({settings.retention_years} years):"]
    for item in due:
        together = [ref for ref in item.family if ref != item.reference]
        with_others = f"  erased with {', '.join(together)}" if together else ""
        lines.append(
            f"  {item.reference:<20} {item.order_type:<6} ended {item.ended_at.astimezone(tz):%Y-%m-%d}"
            f"  due for review since {item.review_due:%Y-%m-%d}{with_others}"
        )
    return "\n".join(lines)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dvpn-bot",
        description="Protection notices and orders, their statutory deadlines, and reminders.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    parser.set_defaults(handler=cmd_run, no_scheduler=False)

    run = commands.add_parser("run", help="run the bot in Slack over Socket Mode (needs SLACK_APP_TOKEN)")
    run.add_argument("--no-scheduler", action="store_true", help="leave reminders to a separate `dvpn-bot scheduler`")
    run.set_defaults(handler=cmd_run)

    serve = commands.add_parser("serve", help="run the bot in Slack over HTTP under a production server")
    serve.add_argument("--host", help="address to listen on (default DVPN_HTTP_HOST, 0.0.0.0)")
    serve.add_argument("--port", type=int, help="port to listen on (default DVPN_HTTP_PORT, 3000)")
    serve.add_argument("--no-scheduler", action="store_true", help="leave reminders to a separate `dvpn-bot scheduler`")
    serve.set_defaults(handler=cmd_serve)

    scheduler = commands.add_parser("scheduler", help="run only the reminder sweep, digests and daily rollover")
    scheduler.set_defaults(handler=cmd_scheduler)

    console = commands.add_parser("console", help="Slack in the terminal: the same app, no workspace needed")
    console.add_argument("--demo", action="store_true", help="start from a fresh database with a fictitious force")
    console.add_argument("--database", help="SQLite file or database URL (with --demo: where to create it)")
    console.set_defaults(handler=cmd_console)

    deadline = commands.add_parser("deadline", help="compute a statutory deadline and show the working")
    deadline.add_argument(
        "type",
        metavar="TYPE",
        help="DVPN, DAPN, DVPO, DAPO, SPO, ...; DVDS for a Clare's Law request received at WHEN; or an incident "
        "clock: encompass, attend, dash, crime, considered, marac",
    )
    deadline.add_argument("--area", help="encompass: the school's local authority, e.g. cumbria")
    deadline.add_argument("--risk", choices=["high", "medium", "standard"], help="attend: the DASH risk level")
    deadline.add_argument(
        "when", metavar="WHEN", nargs="+", help="'2026-04-02 20:00', '2/4/2026 20:00' (day first), 'friday 17:30'"
    )
    deadline.add_argument(
        "--event",
        choices=[e.value for e in ClockEvent],
        default=ClockEvent.SERVED.value,
        help="served (the hearing clock) or arrested (the breach-arrest clock); default served. For BAIL, "
        "WHEN is always the arrest",
    )
    deadline.add_argument(
        "--extended-by",
        choices=[e.value for e in BailExtension],
        help="BAIL only: extended by an inspector (6 months, PACE s47ZD), a superintendent (9 months, "
        "s47ZDA) or a magistrates' court (12 months, s47ZF(4)(a))",
    )
    deadline.add_argument(
        "--hearing",
        metavar="WHEN",
        nargs="+",
        help="with --event arrested on a DVPN/DAPN: when the application is listed; the court deadline is "
        "the hearing if earlier (DAA 2021 s26(2)(b); CSA 2010 s26)",
    )
    deadline.set_defaults(handler=cmd_deadline)

    calendar = commands.add_parser("calendar", help="list the days the hour-clocks skip in a year")
    calendar.add_argument("year", type=int, metavar="YEAR")
    calendar.set_defaults(handler=cmd_calendar)

    db = commands.add_parser("db", help="database schema: upgrade, status, or the SQL granting the bot's role")
    db.add_argument("action", choices=["upgrade", "status", "grants"])
    db.add_argument("--role", help="grants: the role the bot runs as (default DVPN_DATABASE_ROLE)")
    db.set_defaults(handler=cmd_db)

    holiday = commands.add_parser("holiday", help="bank holidays the force adds to the calendar: add, remove, list")
    holiday.add_argument("action", choices=["add", "remove", "list"])
    holiday.add_argument("day", nargs="?", metavar="DATE", help="add, remove: the day, e.g. 2026-12-28 or 28/12/2026")
    holiday.add_argument("name", nargs="?", metavar="NAME", help="add: its name, as in the proclamation")
    holiday.add_argument("--by", required=True, metavar="SLACK_ID", help="your Slack member id; you must be an admin")
    holiday.set_defaults(handler=cmd_holiday)

    keep = commands.add_parser("retention", help="records past their retention period: review, or erase one")
    keep.add_argument("action", choices=["review", "erase"])
    keep.add_argument("reference", nargs="?", metavar="REF", help="erase: the record (its family goes with it)")
    keep.add_argument("--reason", help="erase: why, for the audit trail (required)")
    keep.add_argument("--by", required=True, metavar="SLACK_ID", help="your Slack member id; you must be an admin")
    keep.set_defaults(handler=cmd_retention)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings()
    except SettingsError as error:
        print(error.report(), file=sys.stderr)
        return EXIT_USAGE
    # The console's screen is the conversation: only warnings and errors (with their ids) go to stderr.
    level = "WARNING" if args.command == "console" and settings.log_level == "INFO" else settings.log_level
    configure_logging(level)
    handler: Callable[[argparse.Namespace, Settings], int] = args.handler
    try:
        return handler(args, settings)
    except Exception as error:
        if _tells_the_user_what_to_fix(error):
            print(str(error), file=sys.stderr)
            return EXIT_USAGE
        error_id = uuid.uuid4().hex[:8]
        log.exception("unexpected error %s", error_id)
        print(f"Something went wrong (error id {error_id}); the details are in the log.", file=sys.stderr)
        return EXIT_UNEXPECTED


def _tells_the_user_what_to_fix(error: Exception) -> bool:
    """Bad input, a database at another schema, missing Slack settings: said, with exit status 2."""
    return isinstance(error, DomainError | SchemaNotCurrent | MissingSlackSettings)


if __name__ == "__main__":
    sys.exit(main())
