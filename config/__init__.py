"""Settings from the environment, after loading `.env` with python-dotenv.

Every setting is documented, with its default, in `.env.example`. `load_settings()` collects every
problem before failing, so one run tells the user everything to fix.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime, time
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dotenv import dotenv_values

from rules.order_types import OrderType
from rules.rfgv import load_matrix

T = TypeVar("T")

DEFAULT_DATABASE_FILE = "dvpn-bot.db"
DEFAULT_SLACK_API_URL = "https://slack.com/api/"
SLACK_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
FORCE_CODE = re.compile(r"^[A-Z]{2,4}$")
# A crime reference as England and Wales forces write them (22/123456/26, CRI/12345/26,
# WM-20260401-1234, 42CR/012345/26): groups of digits, or of at most four letters, joined by / or -,
# with at least one digit, 4 to 30 characters. Short letter groups keep most names and streets out
# of the one typed value channels and exports may carry; a force sets its own exact format.
DEFAULT_CRIME_REFERENCE_PATTERN = (
    r"(?=.{4,30}$)(?=.*[0-9])"
    r"(?:[A-Z]{1,4}|[A-Z]{0,4}[0-9]{1,12}[A-Z]{0,2})(?:[/-](?:[A-Z]{1,4}|[A-Z]{0,4}[0-9]{1,12}[A-Z]{0,2})){0,5}"
)
DEFAULT_CRIME_REFERENCE_EXAMPLE = "22/123456/26"
DATABASE_ROLE = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")  # an unquoted PostgreSQL role name
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"  # every process of the bot logs alike
# Other people's code logs whole request bodies, Web API arguments (message text), SQL and HTTP
# traffic at DEBUG: names, dates of birth and addresses. DVPN_LOG_LEVEL=DEBUG lowers only the
# bot's own loggers; these stay at INFO or above whatever the setting. "dvpn.bolt" is Bolt's
# framework logger under the name the app gives it (handlers.app).
LIBRARY_LOGGERS = (
    "dvpn.bolt",
    "slack_bolt",
    "slack_sdk",
    "urllib3",
    "requests",
    "websocket",
    "waitress",
    "sqlalchemy",
    "alembic",
    "psycopg",
    "apscheduler",
    "dateparser",
    "tzlocal",
    "asyncio",
    "multiprocessing",
    "matplotlib",
    "PIL",
)


# SQLAlchemy logs every statement at INFO (its "echo"), so it stays at WARNING, its own default.
LIBRARY_FLOORS = {"sqlalchemy": logging.WARNING}


def configure_logging(level: str) -> None:
    """Every process of the bot: the bot's own loggers at `level`, the libraries' never below INFO
    (SQLAlchemy's never below WARNING)."""
    logging.basicConfig(level=level, format=LOG_FORMAT)
    wanted = logging.getLevelName(level)
    for name in LIBRARY_LOGGERS:
        logging.getLogger(name).setLevel(max(wanted, LIBRARY_FLOORS.get(name, logging.INFO)))


def read_instant(path: str | Path) -> datetime:
    """The instant a drill clock file holds: ISO-8601 with its UTC offset. ValueError if it holds
    anything else, OSError if it cannot be read."""
    text = Path(path).read_text().strip()
    instant = datetime.fromisoformat(text)
    if instant.tzinfo is None:
        raise ValueError(f"{text!r} has no UTC offset")
    return instant.astimezone(UTC)


class SettingsError(Exception):
    """One or more settings are missing or malformed; `problems` lists each in words."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))

    def report(self) -> str:
        lines = ["dvpn-bot cannot start: fix these settings (see .env.example):"]
        lines += [f"  - {problem}" for problem in self.problems]
        return "\n".join(lines)


@dataclass(frozen=True)
class ReminderPolicy:
    """When reminders fire. Defaults follow what a public-protection unit expects (issue 4)."""

    sweep_seconds: int = 15
    no_hearing_alert_after_hours: int = 2
    hearing_countdown_hours: tuple[int, ...] = (24, 8, 2)
    supervisor_alert_hours_before: int = 2
    hearing_reminder_day_before_at: time = time(16, 0)
    hearing_reminder_hours_before: int = 2
    expiry_reminder_days: tuple[int, ...] = (7, 2)
    morning_at: time = time(8, 0)
    first_breach_check_hours: int = 24
    breach_check_interval_days: int = 7
    breach_check_grace_hours: int = 4
    outcome_grace_hours: int = 2  # a hearing's time this long past with no outcome recorded alerts its officer
    crime_reference_grace_hours: int = 24
    quiet_hours_start: time = time(22, 0)
    quiet_hours_end: time = time(8, 0)
    escalate_after_minutes: int = 30
    max_send_attempts: int = 5
    claim_lease_seconds: int = 120
    # A post is begun only with this much of its claim's lease left: one post can take the Slack
    # client's timeout (10 s) and its retries, and one begun just before the lease ran out could land
    # after another process re-claimed the reminder and, finding nothing in Slack yet, posted it too.
    post_lease_margin_seconds: int = 30
    retry_backoff_seconds: int = 30  # the first retry's wait; it doubles per attempt, up to an hour
    sweep_batch_size: int = 100  # reminders claimed per transaction; each batch shares one lease
    sweep_concurrency: int = 32  # recipients posted to at once per process; each one's posts stay in due order
    post_interval_ms: int = 1000  # least time between a process's posts to one DM or channel (Slack: ~1/s)
    late_after_minutes: int = 5  # sent this long after its time, a reminder or digest says it is late
    rollover_at: time = time(0, 5)  # the daily rollover (lapses, expiries, next breach checks), local
    misfire_grace_seconds: int = 3600  # a job this late (slow start, suspended host) still runs once
    # One thread per record in its team's channel (a team with one): the record's post is the root,
    # each later channel-visible event a reply, and the root follows the record's status.
    record_threads: bool = True


@dataclass(frozen=True)
class IncidentPolicy:
    """The incident clocks' hours (local protocols and guidance, not law: rules/incidents.py names
    each clock's source), the MARAC escalation count and the school day's start for Operation
    Encompass. Each is read from the variable its clock names (DVPN_ATTEND_STANDARD_HOURS ...)."""

    attend_high_hours: int = 1
    attend_medium_hours: int = 24
    attend_standard_hours: int = 48
    dash_due_hours: int = 24
    crime_recorded_hours: int = 24
    notice_considered_hours: int = 24
    marac_referral_hours: int = 24
    marac_escalation_incidents: int = 3
    school_day_start: time = time(8, 30)

    def hours(self) -> dict[str, int]:
        """Each clock's hours by its setting's name, as rules.incidents.clock_due takes them."""
        return {reminder_variable(f.name): getattr(self, f.name) for f in fields(self) if f.name.endswith("_hours")}


@dataclass(frozen=True)
class Settings:
    database_url: str = f"sqlite:///{DEFAULT_DATABASE_FILE}"
    migration_database_url: str | None = None  # the owner's URL for `dvpn-bot db upgrade`; None: DATABASE_URL
    database_role: str | None = None  # PostgreSQL: the role the bot runs as, granted by `dvpn-bot db upgrade`
    force_code: str = "WM"
    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Europe/London"))
    order_types: tuple[OrderType, ...] = tuple(OrderType)
    admins: tuple[str, ...] = ()
    # The areas the force operates in, as named in rules/commencement.toml ("greater-manchester"):
    # a DAPN or DAPO is law only where commencement regulations say. Empty: not set, so a
    # restricted type is recorded with a warning to check the area.
    force_areas: tuple[str, ...] = ()
    # Who an unacknowledged alert goes to when the team's supervisors are the ones who did not
    # acknowledge it (or the team has none): the escalation chain's last level. Empty: it stops there.
    escalation_next_level: tuple[str, ...] = ()
    count_saturday_boxing_day: bool = True
    log_level: str = "INFO"
    slack_bot_token: str | None = None
    slack_signing_secret: str | None = None
    slack_app_token: str | None = None
    slack_api_url: str = DEFAULT_SLACK_API_URL  # GovSlack and test stand-ins use their own
    http_host: str = "0.0.0.0"  # `dvpn-bot serve` listens on every interface by default
    http_port: int = 3000
    http_threads: int = 32  # Bolt holds a thread per request while it waits for the ack (10 ms polls)
    max_request_bytes: int = 1024 * 1024  # larger request bodies are refused (413) unread; Slack's are a few KB
    work_processes: int = 2  # processes running the work after an ack; 0 runs it on threads in-process
    work_threads: int = 4  # threads per work process (in-process: the pool's size)
    digest_late_until: time = time(12, 0)  # a digest missed while down is still sent, marked late, until then
    repeat_orders: int = 2  # this many notices/orders against one person within the window flags a repeat
    repeat_window_months: int = 12
    repeat_on_breach: bool = True  # any recorded breach also flags a repeat perpetrator
    dvds_target_days: int = 28  # Clare's Law completion target, calendar days (rules.disclosure)
    dvds_near_days: int = 7  # a request this close to its target is shown as near and warned of
    rfgv_matrix_file: str | None = None  # the force's RFG(V) scoring matrix; None: rules/rfgv.toml
    serial_victims: int = 2  # this many victims within the scoring window flags a serial perpetrator
    past_event_days: int = 365  # a typed service, breach, arrest or decision time may be this far back
    crime_reference_pattern: str = DEFAULT_CRIME_REFERENCE_PATTERN  # matched whole, ignoring case
    crime_reference_example: str = DEFAULT_CRIME_REFERENCE_EXAMPLE  # shown when a typed one is refused
    retention_years: int = 6  # personal data is reviewed for erasure this long after the last order ended
    shutdown_grace_seconds: int = 20  # on SIGTERM, time allowed to finish or release claimed reminders
    drill_clock_file: str | None = None  # drills and tests only: every process reads the time from this file
    reminders: ReminderPolicy = field(default_factory=ReminderPolicy)
    incidents: IncidentPolicy = field(default_factory=IncidentPolicy)


class _Reader:
    """Reads typed values from a mapping, collecting problems instead of raising at the first."""

    def __init__(self, source: Mapping[str, str | None]) -> None:
        self.source = source
        self.problems: list[str] = []
        self.asked: set[str] = set()  # every variable name read, for variable_names()

    def raw(self, name: str) -> str | None:
        self.asked.add(name)
        value = self.source.get(name)
        if value is None or not value.strip():
            return None
        return value.strip()

    def get(self, name: str, default: T, parse: Callable[[str], T], expected: str) -> T:
        value = self.raw(name)
        if value is None:
            return default
        try:
            return parse(value)
        except (ValueError, KeyError, ZoneInfoNotFoundError, OSError):
            self.problems.append(f"{name}={value!r} is not valid: expected {expected}.")
            return default


def _positive_int(text: str) -> int:
    number = int(text)
    if number <= 0:
        raise ValueError(text)
    return number


def _int_list(text: str) -> tuple[int, ...]:
    numbers = tuple(sorted({_positive_int(part) for part in text.split(",") if part.strip()}, reverse=True))
    if not numbers:
        raise ValueError(text)
    return numbers


def _clock_time(text: str) -> time:
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", text)
    if not match:
        raise ValueError(text)
    return time(int(match[1]), int(match[2]))


def _boolean(text: str) -> bool:
    lowered = text.lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ValueError(text)


def _order_types(text: str) -> tuple[OrderType, ...]:
    chosen = []
    for part in text.split(","):
        if not part.strip():
            continue
        order_type = OrderType.parse(part)
        if order_type is None:
            raise ValueError(part)
        chosen.append(order_type)
    if not chosen:
        raise ValueError(text)
    return tuple(dict.fromkeys(chosen))


def _force_code(text: str) -> str:
    if not FORCE_CODE.fullmatch(text.upper()):
        raise ValueError(text)
    return text.upper()


def _pattern(text: str) -> str:
    try:
        re.compile(text, re.IGNORECASE)
    except re.error as error:
        raise ValueError(text) from error
    return text


def _areas(text: str) -> tuple[str, ...]:
    areas = tuple(part.strip().lower() for part in text.split(",") if part.strip())
    if not all(re.fullmatch(r"[a-z][a-z-]*", area) for area in areas):
        raise ValueError(text)
    return areas


def _admins(text: str) -> tuple[str, ...]:
    ids = tuple(part.strip() for part in text.split(",") if part.strip())
    if not all(SLACK_USER_ID.fullmatch(user_id) for user_id in ids):
        raise ValueError(text)
    return ids


def _database_url(text: str) -> str:
    if not text.startswith(("sqlite://", "postgresql://", "postgresql+psycopg://", "postgres://")):
        raise ValueError(text)
    if text.startswith("postgres://"):  # the short scheme some hosts hand out
        text = "postgresql://" + text.removeprefix("postgres://")
    if text.startswith("postgresql://"):
        text = "postgresql+psycopg://" + text.removeprefix("postgresql://")
    return text


def _postgres_url(text: str) -> str:
    url = _database_url(text)
    if not url.startswith("postgresql+psycopg://"):
        raise ValueError(text)
    return url


def _database_role(text: str) -> str:
    if not DATABASE_ROLE.fullmatch(text):
        raise ValueError(text)
    return text


def _api_url(text: str) -> str:
    if not text.startswith(("https://", "http://")):
        raise ValueError(text)
    return text if text.endswith("/") else text + "/"


def _whole_number(text: str) -> int:
    number = int(text)
    if number < 0:
        raise ValueError(text)
    return number


def _port(text: str) -> int:
    number = int(text)
    if not 0 < number < 65536:
        raise ValueError(text)
    return number


def _drill_clock_file(text: str) -> str:
    read_instant(text)  # refuse at start, not at the first sweep
    return text


def _matrix_file(text: str) -> str | None:
    """Empty: the default matrix. Otherwise a file holding a matrix rules.rfgv can use (MatrixError is a ValueError)."""
    if not text.strip():
        return None
    load_matrix(text)
    return text


def _log_level(text: str) -> str:
    if text.upper() not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
        raise ValueError(text)
    return text.upper()


REMINDER_VARIABLE_PREFIX = "DVPN_"


def reminder_variable(field_name: str) -> str:
    """Each reminder knob is read from DVPN_ plus its field name: sweep_seconds is DVPN_SWEEP_SECONDS."""
    return REMINDER_VARIABLE_PREFIX + field_name.upper()


# How to read a knob follows the type of its default.
_KNOB_PARSERS: dict[type, tuple[Callable[[str], Any], str]] = {
    int: (_positive_int, "a whole number above 0"),
    tuple: (_int_list, "whole numbers above 0, comma-separated"),
    time: (_clock_time, "a time as HH:MM"),
    bool: (_boolean, "true or false"),
}


def _read_reminder_policy(read: _Reader) -> ReminderPolicy:
    return _read_policy(read, ReminderPolicy)


P = TypeVar("P", ReminderPolicy, IncidentPolicy)


def _read_policy(read: _Reader, policy: type[P]) -> P:
    values: dict[str, Any] = {}
    for knob in fields(policy):
        default = getattr(policy(), knob.name)
        parse, expected = _KNOB_PARSERS[type(default)]
        values[knob.name] = read.get(reminder_variable(knob.name), default, parse, expected)
    return policy(**values)


def variable_names() -> set[str]:
    """Every environment variable dvpn-bot reads (a test holds .env.example in step with it)."""
    read = _Reader({})
    _read_settings(read)
    return read.asked


def settings_from(source: Mapping[str, str | None]) -> Settings:
    """Build settings from a mapping of variable names; raises SettingsError listing every problem."""
    read = _Reader(source)
    settings = _read_settings(read)
    if read.problems:
        raise SettingsError(read.problems)
    return settings


def _read_settings(read: _Reader) -> Settings:
    defaults = Settings()
    settings = Settings(
        database_url=read.get(
            "DATABASE_URL",
            defaults.database_url,
            _database_url,
            "a sqlite:/// or postgresql:// URL",
        ),
        migration_database_url=read.get(
            "DVPN_MIGRATION_DATABASE_URL",
            defaults.migration_database_url,
            _postgres_url,
            "a postgresql:// URL naming the role that owns the tables",
        ),
        database_role=read.get(
            "DVPN_DATABASE_ROLE",
            defaults.database_role,
            _database_role,
            "a PostgreSQL role name: lower-case letters, digits and _, not starting with a digit",
        ),
        force_code=read.get("DVPN_FORCE_CODE", defaults.force_code, _force_code, "2 to 4 letters, e.g. WM"),
        timezone=read.get("DVPN_TIMEZONE", defaults.timezone, ZoneInfo, "an IANA zone such as Europe/London"),
        order_types=read.get(
            "DVPN_ORDER_TYPES",
            defaults.order_types,
            _order_types,
            "order type codes, comma-separated, from " + ", ".join(t.value for t in OrderType),
        ),
        admins=read.get("DVPN_ADMINS", defaults.admins, _admins, "Slack user ids such as U012ABCDEF, comma-separated"),
        force_areas=read.get(
            "DVPN_FORCE_AREAS",
            defaults.force_areas,
            _areas,
            "area names from rules/commencement.toml, comma-separated, e.g. greater-manchester",
        ),
        escalation_next_level=read.get(
            "DVPN_ESCALATION_NEXT_LEVEL",
            defaults.escalation_next_level,
            _admins,
            "Slack user ids such as U012ABCDEF, comma-separated",
        ),
        count_saturday_boxing_day=read.get(
            "DVPN_COUNT_SATURDAY_BOXING_DAY", defaults.count_saturday_boxing_day, _boolean, "true or false"
        ),
        log_level=read.get("DVPN_LOG_LEVEL", defaults.log_level, _log_level, "DEBUG, INFO, WARNING or ERROR"),
        slack_bot_token=read.raw("SLACK_BOT_TOKEN"),
        slack_signing_secret=read.raw("SLACK_SIGNING_SECRET"),
        slack_app_token=read.raw("SLACK_APP_TOKEN"),
        slack_api_url=read.get("SLACK_API_URL", defaults.slack_api_url, _api_url, "an https:// URL ending in /api/"),
        http_host=read.get("DVPN_HTTP_HOST", defaults.http_host, str, "a host name or address"),
        http_port=read.get("DVPN_HTTP_PORT", defaults.http_port, _port, "a port number, 1 to 65535"),
        http_threads=read.get("DVPN_HTTP_THREADS", defaults.http_threads, _positive_int, "a whole number above 0"),
        max_request_bytes=read.get(
            "DVPN_MAX_REQUEST_BYTES", defaults.max_request_bytes, _positive_int, "a whole number of bytes above 0"
        ),
        work_processes=read.get(
            "DVPN_WORK_PROCESSES", defaults.work_processes, _whole_number, "a whole number, 0 or more"
        ),
        work_threads=read.get("DVPN_WORK_THREADS", defaults.work_threads, _positive_int, "a whole number above 0"),
        digest_late_until=read.get("DVPN_DIGEST_LATE_UNTIL", defaults.digest_late_until, _clock_time, "HH:MM"),
        repeat_orders=read.get("DVPN_REPEAT_ORDERS", defaults.repeat_orders, _positive_int, "a whole number above 0"),
        repeat_window_months=read.get(
            "DVPN_REPEAT_WINDOW_MONTHS", defaults.repeat_window_months, _positive_int, "a whole number of months"
        ),
        repeat_on_breach=read.get("DVPN_REPEAT_ON_BREACH", defaults.repeat_on_breach, _boolean, "true or false"),
        dvds_target_days=read.get(
            "DVPN_DVDS_TARGET_DAYS", defaults.dvds_target_days, _positive_int, "a whole number of days above 0"
        ),
        dvds_near_days=read.get(
            "DVPN_DVDS_NEAR_DAYS", defaults.dvds_near_days, _whole_number, "a whole number of days, 0 or more"
        ),
        rfgv_matrix_file=read.get(
            "DVPN_RFGV_MATRIX_FILE", defaults.rfgv_matrix_file, _matrix_file, "a readable RFG(V) matrix file (TOML)"
        ),
        serial_victims=read.get(
            "DVPN_SERIAL_VICTIMS", defaults.serial_victims, _positive_int, "a whole number of victims above 0"
        ),
        past_event_days=read.get(
            "DVPN_PAST_EVENT_DAYS", defaults.past_event_days, _positive_int, "a whole number of days"
        ),
        crime_reference_pattern=read.get(
            "DVPN_CRIME_REFERENCE_PATTERN",
            defaults.crime_reference_pattern,
            _pattern,
            "a Python regular expression a whole crime reference must match",
        ),
        crime_reference_example=read.get(
            "DVPN_CRIME_REFERENCE_EXAMPLE", defaults.crime_reference_example, str, "a crime reference"
        ),
        retention_years=read.get(
            "DVPN_RETENTION_YEARS", defaults.retention_years, _positive_int, "a whole number of years"
        ),
        shutdown_grace_seconds=read.get(
            "DVPN_SHUTDOWN_GRACE_SECONDS", defaults.shutdown_grace_seconds, _positive_int, "a whole number of seconds"
        ),
        drill_clock_file=read.get(
            "DVPN_DRILL_CLOCK_FILE",
            defaults.drill_clock_file,
            _drill_clock_file,
            "a readable file holding an ISO-8601 instant with its offset, e.g. 2026-04-02T06:58:00+00:00",
        ),
        reminders=_read_reminder_policy(read),
        incidents=_read_policy(read, IncidentPolicy),
    )
    _check_database_roles(settings, read.problems)
    if not re.fullmatch(settings.crime_reference_pattern, settings.crime_reference_example, re.IGNORECASE):
        read.problems.append(
            f"DVPN_CRIME_REFERENCE_EXAMPLE={settings.crime_reference_example!r} does not match "
            "DVPN_CRIME_REFERENCE_PATTERN: give an example of the format the pattern accepts."
        )
    margin, lease = settings.reminders.post_lease_margin_seconds, settings.reminders.claim_lease_seconds
    if margin >= lease:
        read.problems.append(
            f"DVPN_POST_LEASE_MARGIN_SECONDS={margin} must be less than DVPN_CLAIM_LEASE_SECONDS={lease}: "
            "a post is begun only with that much of the lease left, so no reminder would ever be sent."
        )
    if settings.slack_bot_token and not settings.slack_bot_token.startswith("xoxb-"):
        read.problems.append("SLACK_BOT_TOKEN must be a bot token starting with xoxb-.")
    if settings.slack_app_token and not settings.slack_app_token.startswith("xapp-"):
        read.problems.append("SLACK_APP_TOKEN must be an app-level token starting with xapp-.")
    return settings


def _check_database_roles(settings: Settings, problems: list[str]) -> None:
    """The two roles go together, on PostgreSQL, and on the one database."""
    on_postgres = settings.database_url.startswith("postgresql")
    if settings.database_role and not on_postgres:
        problems.append("DVPN_DATABASE_ROLE applies to PostgreSQL only: DATABASE_URL is not a postgresql:// URL.")
    if settings.migration_database_url is None:
        return
    if not on_postgres:
        problems.append(
            "DVPN_MIGRATION_DATABASE_URL applies to PostgreSQL only: DATABASE_URL is not a postgresql:// URL."
        )
        return
    if not settings.database_role:
        problems.append(
            "DVPN_MIGRATION_DATABASE_URL is set, so DVPN_DATABASE_ROLE must name the role the bot runs as "
            "(the one `dvpn-bot db upgrade` grants the bot's privileges to)."
        )
    if _where(settings.migration_database_url) != _where(settings.database_url):
        problems.append(
            "DVPN_MIGRATION_DATABASE_URL must name the same server and database as DATABASE_URL "
            "(only the user differs)."
        )


def _where(url: str) -> tuple[str, str]:
    """host:port and database of a URL, without parsing it with SQLAlchemy (the command line starts fast)."""
    rest = url.split("://", 1)[1].split("?", 1)[0]
    location = rest.rsplit("@", 1)[-1]
    host, _, database = location.partition("/")
    host = host.lower()
    return (host if ":" in host.rsplit("]", 1)[-1] else f"{host}:5432"), database


def load_settings(env_file: str | Path | None = ".env") -> Settings:
    """Settings from `.env` (if present) overlaid by the process environment, which wins."""
    merged: dict[str, str | None] = {}
    if env_file is not None and Path(env_file).is_file():
        merged.update(dotenv_values(env_file))
    merged.update(os.environ)
    return settings_from(merged)
