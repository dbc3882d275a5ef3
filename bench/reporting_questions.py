"""The questions bench/reporting_queries.py times, each a call of a real service function as a
Slack command would make it, with the asker and subject picked from the generated data."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bench.fakeforce.force import NOW
from rules.search_terms import POSTCODE
from services.context import ServiceContext
from services.people import perpetrator_history, search
from services.reporting import caseload, listing, stats
from services.reporting.list_results import CaseloadQuery, ListScope
from services.reporting.period import parse_period


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
    ]
