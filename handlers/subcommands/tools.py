"""/dvpn deadline (the calculator) and /dvpn admin (people and teams)."""

from __future__ import annotations

from slack_sdk import WebClient

from blocks.common import context, escape, section
from blocks.messages import deadline_blocks, interpreted
from domain.enums import RiskLevel, Role
from handlers import parsing
from handlers.router import Invocation, Reply
from handlers.subcommands import admin_teams, school_holidays
from rules.deadlines import BailExtension, ClockEvent
from rules.order_types import OrderType
from rules.ranks import Rank
from services.errors import DomainError
from services.governance import staff
from services.incidents.calculator import incident_deadline_for_force, is_incident_clock
from services.records import calendar
from services.records.calculator import DISCLOSURE_WORDS, disclosure_target
from services.records.calendar import CalendarChanged, calculate_for_force
from services.when import parse_day

DEADLINE_USAGE = (
    "deadline TYPE WHEN [arrested|changed|monitoring] "
    "(BAIL: deadline BAIL ARREST-TIME [inspector|superintendent|court]) · deadline clare WHEN"
    " · deadline encompass WHEN in AREA · deadline attend WHEN [high|medium|standard]"
    " · deadline dash|crime|considered|marac WHEN"
)


def _incident_deadline(inv: Invocation, clock: str, rest: str) -> Reply:
    """`deadline encompass friday 22:00 in cumbria`, `deadline attend now high`."""
    rest, _, area = rest.partition(" in ")
    words = rest.split()
    level = RiskLevel(words.pop().lower()) if words and words[-1].lower() in ("high", "medium", "standard") else None
    reading = parsing.Reading(inv.now, inv.tz, inv.ctx.settings.past_event_days, f"deadline {clock}")
    at = parsing.when(" ".join(words) or "now", reading, kind="calculator", field="when")
    view = incident_deadline_for_force(inv.ctx, clock, at, area=area.strip() or None, level=level)
    blocks = [interpreted([("Reported", at)], inv.tz), *deadline_blocks("incident", "reported", view, inv.tz)]
    return Reply(blocks, f"{view.label} for an incident")


def deadline(inv: Invocation) -> Reply:
    type_word, _, rest = inv.args.strip().partition(" ")
    if type_word.upper() in DISCLOSURE_WORDS:
        return _disclosure_deadline(inv, rest)
    if is_incident_clock(type_word):
        return _incident_deadline(inv, type_word.lower(), rest)
    order_type = OrderType.parse(type_word) if type_word else None
    if order_type is None:
        known = ", ".join(t.value for t in OrderType)
        raise DomainError(
            f"Give the type first, one of {known}; or clare, or an incident clock: `/dvpn {DEADLINE_USAGE}`.",
            "order_type",
        )
    event = ClockEvent.SERVED
    extended: BailExtension | None = None
    last = rest.rsplit(" ", 1)[-1].lower()
    if order_type is OrderType.BAIL:
        event = ClockEvent.ARRESTED  # PACE 1984 s47ZB(4)(a): bail runs from the day after the arrest
        if last in {e.value for e in BailExtension}:
            extended, rest = BailExtension(last), rest[: -len(last)].strip()
    for word in (ClockEvent.ARRESTED, ClockEvent.CHANGED, ClockEvent.MONITORING):
        if rest.lower().endswith(f" {word}") or rest.lower() == word:
            event, rest = word, rest[: -len(word)].strip()
    reading = parsing.Reading(inv.now, inv.tz, inv.ctx.settings.past_event_days, f"deadline {order_type.value}")
    at = parsing.when(rest or "now", reading, kind="calculator", field="when")
    view = calculate_for_force(inv.ctx, order_type, event, at, extended_by=extended)
    label = {ClockEvent.ARRESTED: "Arrested", ClockEvent.CHANGED: "Changed", ClockEvent.MONITORING: "Starts"}.get(
        event, "Served"
    )
    blocks = [interpreted([(label, at)], inv.tz), *deadline_blocks(order_type.value, event.value, view, inv.tz)]
    return Reply(blocks, f"{view.label} for a {order_type.value}")


def _disclosure_deadline(inv: Invocation, rest: str) -> Reply:
    reading = parsing.Reading(inv.now, inv.tz, inv.ctx.settings.past_event_days, "deadline DVDS")
    at = parsing.when(rest or "now", reading, kind="calculator", field="when")
    view = disclosure_target(at, inv.ctx.settings.dvds_target_days, inv.tz)
    blocks = [
        interpreted([("Received", at)], inv.tz),
        *deadline_blocks("Clare's Law request", "received", view, inv.tz),
    ]
    return Reply(blocks, view.label)


ADMIN_USAGE = (
    "admin role @user officer|supervisor|champion|admin · admin rank @user RANK · admin team create NAME [#channel] · "
    "admin team add TEAM @user · admin team supervisor TEAM @user · "
    'admin holiday add DATE "NAME" · admin holiday remove DATE · admin holiday list · '
    f"{school_holidays.USAGE} · {admin_teams.TEAMS_USAGE}"
)


def admin(inv: Invocation) -> Reply:
    tokens = inv.args.split()
    if not tokens:
        raise DomainError(f"Usage: `/dvpn {ADMIN_USAGE}`.")
    if admin_teams.handles(tokens):
        return admin_teams.admin(inv, tokens)
    if school_holidays.handles(tokens):
        return school_holidays.school_holiday(inv)
    what = tokens[0].lower()
    if what == "role" and len(tokens) == 3:
        role = _role(tokens[2])
        done = staff.set_role(inv.ctx, inv.user_id, parsing.user_id(tokens[1]), role)
        return _done(f"<@{done.slack_user_id}> is now {role.value}.")
    if what == "rank" and len(tokens) >= 3:
        rank = Rank.parse(" ".join(tokens[2:]))
        if rank is None:
            raise DomainError(f"'{' '.join(tokens[2:])[:30]}' is not a police rank, e.g. sergeant, inspector.", "rank")
        done = staff.set_rank(inv.ctx, inv.user_id, parsing.user_id(tokens[1]), rank)
        return _done(f"<@{done.slack_user_id}> is now recorded as {rank.label}.")
    if what == "team" and len(tokens) >= 3:
        return _team(inv, tokens[1].lower(), tokens[2:])
    if what == "holiday" and len(tokens) >= 2:
        return holiday(inv, tokens[1].lower(), inv.args.split(maxsplit=2)[2] if len(tokens) > 2 else "")
    raise DomainError(f"Usage: `/dvpn {ADMIN_USAGE}`.")


def _team(inv: Invocation, verb: str, rest: list[str]) -> Reply:
    if verb == "create":
        channel = parsing.channel_id(rest[-1]) if len(rest) > 1 and rest[-1].startswith(("<#", "#")) else None
        name = " ".join(rest[:-1] if channel else rest)
        team = staff.create_team(inv.ctx, inv.user_id, name, digest_channel=channel)
        where = f" Its digest goes to <#{channel}>." if channel else " Its digest goes to its supervisors by DM."
        return _done(f"Team {escape(team.name)} created.{where}")
    if verb in ("add", "supervisor") and len(rest) >= 2:
        target, team_name = parsing.user_id(rest[-1]), " ".join(rest[:-1])
        if verb == "add":
            staff.place_in_team(inv.ctx, inv.user_id, target, team_name)
            return _done(f"<@{target}> is now in {escape(team_name)}.")
        staff.add_supervisor(inv.ctx, inv.user_id, target, team_name)
        return _done(f"<@{target}> now supervises {escape(team_name)}.")
    raise DomainError(f"Usage: `/dvpn {ADMIN_USAGE}`.")


def _role(text: str) -> Role:
    try:
        return Role(text.lower())
    except ValueError:
        raise DomainError(f"Roles are: {', '.join(r.value for r in Role)}.", "role") from None


def _done(message: str) -> Reply:
    return Reply([section(f":white_check_mark: {message}"), context("Recorded in the audit trail.")], message)


HOLIDAY_USAGE = 'admin holiday add DATE "NAME" · admin holiday remove DATE · admin holiday list'


def holiday(inv: Invocation, verb: str, rest: str) -> Reply:
    """Admins: a bank holiday proclaimed for the force's calendar (or one added in error taken away).
    The records it moves are recomputed; each officer whose lapsed notice comes back is told."""
    if verb == "list":
        days = calendar.added_days(inv.ctx, inv.user_id)
        lines = [f"{d.day:%a %d %b %Y}: {escape(d.name)} (added by <@{d.added_by}>)" for d in days]
        text = "\n".join(lines) or "No bank holidays added: the calendar is the statutory one."
        return Reply([section(text), context(HOLIDAY_NOTE)], f"{len(days)} added bank holidays")
    day_text, _, name = rest.strip().partition(" ")
    if verb not in ("add", "remove") or not day_text:
        raise DomainError(f"Usage: `/dvpn {HOLIDAY_USAGE}`.")
    day = parse_day(day_text, field="day")
    if verb == "add":
        changed = calendar.add_excluded_day(inv.ctx, inv.user_id, day, name.strip().strip("\"'“”‘’"))
    else:
        changed = calendar.remove_excluded_day(inv.ctx, inv.user_id, day)
    tell_reinstated(inv.client, changed)
    return _done(holiday_said(verb, changed))


HOLIDAY_NOTE = "Sundays, Christmas Day, Good Friday and the bank holidays of England and Wales are excluded by law."


def holiday_said(verb: str, changed: CalendarChanged) -> str:
    what = "added as an excluded day" if verb == "add" else "is no longer an excluded day"
    said = f"{changed.day:%a %d %b %Y} ({escape(changed.name)}) {what}."
    moved = (
        f" Deadlines recomputed: {', '.join(changed.moved)}." if changed.moved else " No running deadline crosses it."
    )
    back = [r.reference for r in changed.reinstated]
    again = f" Active again, their officers told: {', '.join(back)}." if back else ""
    return said + moved + again


def tell_reinstated(client: WebClient | None, changed: CalendarChanged) -> None:
    """A DM to the officer of each notice brought back: it is theirs to act on again."""
    for back in changed.reinstated:
        if client is None or not back.officer_slack_id:
            continue
        text = (
            f"{back.reference} is active again: {changed.day:%a %d %b %Y} was added as an excluded day, so its "
            "48-hour hearing deadline had not passed when it was marked lapsed. "
            f"See it with `/dvpn show {back.reference}`."
        )
        client.chat_postMessage(channel=back.officer_slack_id, text=text, blocks=[section(text)])
