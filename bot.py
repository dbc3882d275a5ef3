"""dvpn-bot's composition root and command line.

    dvpn-bot deadline TYPE WHEN [--event served|arrested]   the statutory deadline, explained
    dvpn-bot calendar YEAR                                   the days the hour-clocks skip
    dvpn-bot db upgrade | status                             apply or check database migrations

Settings come from the environment and `.env` (see .env.example). Exit status: 0 done,
1 an unexpected error (logged with an error id), 2 bad settings or bad input.
"""

from __future__ import annotations

import argparse
import logging
import sys
import uuid
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from config import Settings, SettingsError, load_settings
from models.db import make_engine, session_scope
from models.schema import SchemaState, head_revision, schema_state, upgrade
from rules.calendar import ExcludedDayCalendar
from rules.order_types import OrderType
from services.calculator import ClockEvent, calculate
from services.calendar import force_calendar
from services.clock import SystemClock
from services.errors import DomainError
from services.when import parse_when

log = logging.getLogger("dvpn-bot")

EXIT_OK, EXIT_UNEXPECTED, EXIT_USAGE = 0, 1, 2


class SchemaNotCurrent(Exception):
    """The database is not at this release's schema; the message says what to run."""


def require_current_schema(engine: Engine) -> None:
    """The bot refuses to run against a database it would misread."""
    state = schema_state(engine)
    if state is SchemaState.CURRENT:
        return
    if state is SchemaState.AHEAD:
        raise SchemaNotCurrent("The database was upgraded by a newer dvpn-bot than this one. Run the newer release.")
    raise SchemaNotCurrent(
        f"The database schema is {state.value}: run `dvpn-bot db upgrade` first (it is safe to repeat)."
    )


def _sqlite_file_missing(url: str) -> bool:
    if not url.startswith("sqlite:///"):
        return False
    path = url.removeprefix("sqlite:///")
    return path not in ("", ":memory:") and not Path(path).exists()


def force_calendar_if_available(settings: Settings) -> tuple[ExcludedDayCalendar, str | None]:
    """The calendar with admin-added days from the database, or the statutory one and a note why not.
    The calculator must work on a laptop with no database, so a missing one is not an error."""
    plain = ExcludedDayCalendar(count_saturday_boxing_day=settings.count_saturday_boxing_day)
    if _sqlite_file_missing(settings.database_url):
        return plain, "No database yet, so no admin-added bank holidays were included."
    engine = make_engine(settings.database_url)
    try:
        if schema_state(engine) is not SchemaState.CURRENT:
            return (
                plain,
                "The database is not set up (dvpn-bot db upgrade), so no admin-added bank holidays were included.",
            )
        with session_scope(engine) as session:
            return force_calendar(session, settings), None
    except SQLAlchemyError:
        return plain, "The database could not be reached, so no admin-added bank holidays were included."
    finally:
        engine.dispose()


def cmd_deadline(args: argparse.Namespace, settings: Settings) -> int:
    order_type = OrderType.parse(args.type)
    if order_type is None:
        raise DomainError(f"Unknown type '{args.type}'. Use one of: {', '.join(t.value for t in OrderType)}.")
    tz = settings.timezone
    at = parse_when(" ".join(args.when), now=SystemClock().now(), tz=tz, prefer="past")
    calendar, note = force_calendar_if_available(settings)
    deadline = calculate(order_type, ClockEvent(args.event), at, calendar, tz)
    print(deadline.at.astimezone(tz).isoformat())
    for line in deadline.explanation:
        print(line)
    if note:
        print(f"Note: {note}")
    return EXIT_OK


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
    engine = make_engine(settings.database_url)
    try:
        if args.action == "upgrade":
            upgrade(engine)
            print(f"Database is at schema {head_revision()}.")
            return EXIT_OK
        state = schema_state(engine)
        print(f"Database schema: {state.value} (this release needs {head_revision()}).")
        if state is not SchemaState.CURRENT:
            require_current_schema(engine)
        return EXIT_OK
    finally:
        engine.dispose()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dvpn-bot",
        description="Protection notices and orders, their statutory deadlines, and reminders.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    deadline = commands.add_parser("deadline", help="compute a statutory deadline and show the working")
    deadline.add_argument("type", metavar="TYPE", help="DVPN, DAPN, DVPO, DAPO, SPO, ...")
    deadline.add_argument(
        "when", metavar="WHEN", nargs="+", help="'2026-04-02 20:00', '2/4/2026 20:00' (day first), 'friday 17:30'"
    )
    deadline.add_argument(
        "--event",
        choices=[e.value for e in ClockEvent],
        default=ClockEvent.SERVED.value,
        help="served (the hearing clock) or arrested (the breach-arrest clock); default served",
    )
    deadline.set_defaults(handler=cmd_deadline)

    calendar = commands.add_parser("calendar", help="list the days the hour-clocks skip in a year")
    calendar.add_argument("year", type=int, metavar="YEAR")
    calendar.set_defaults(handler=cmd_calendar)

    db = commands.add_parser("db", help="database schema: upgrade or status")
    db.add_argument("action", choices=["upgrade", "status"])
    db.set_defaults(handler=cmd_db)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings()
    except SettingsError as error:
        print(error.report(), file=sys.stderr)
        return EXIT_USAGE
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    handler: Callable[[argparse.Namespace, Settings], int] = args.handler
    try:
        return handler(args, settings)
    except (DomainError, SchemaNotCurrent) as error:
        print(str(error), file=sys.stderr)
        return EXIT_USAGE
    except Exception:
        error_id = uuid.uuid4().hex[:8]
        log.exception("unexpected error %s", error_id)
        print(f"Something went wrong (error id {error_id}); the details are in the log.", file=sys.stderr)
        return EXIT_UNEXPECTED


if __name__ == "__main__":
    sys.exit(main())
