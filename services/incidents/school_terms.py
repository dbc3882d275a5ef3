"""School holidays of each local authority added by an admin (the school_holiday table), beside
those shipped in rules/school_holidays.toml. Operation Encompass counts them: a school is told
before the start of the next school day, so a holiday added or removed moves the deadline of
every school not yet told in that area, and those incidents are replanned in the same unit of
work (audited as changes to the child's row)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlmodel import col, select

from models import AppUser, Incident, IncidentChild, Role, SchoolHolidayTerm
from models.types import pk
from rules.school_days import encompass_deadline, shipped_holidays
from rules.validation import Violation
from services import stored_text
from services.context import ServiceContext
from services.errors import Conflict, raise_if_any
from services.governance.audit import snapshot
from services.incidents.calendar import school_calendar_now
from services.incidents.planning import MOOT_SCHOOL_DAYS
from services.incidents.scope import replan
from services.unit_of_work import Acting, acting, reading
from services.wording import Command

# The longest holiday an admin may add: a summer holiday is about six weeks, so a longer run is
# more likely a mistyped year than a holiday.
MAX_HOLIDAY_DAYS = 62
_AREA = re.compile(r"[a-z][a-z0-9 '\-]{1,59}")


@dataclass(frozen=True)
class SchoolTerm:
    area: str
    first: date
    last: date
    name: str
    added_by: str | None  # the admin's Slack id; None for a holiday shipped with dvpn-bot


@dataclass(frozen=True)
class TermChanged:
    """A holiday added or removed, and the incidents whose Encompass deadlines it moved."""

    term: SchoolTerm
    moved: tuple[str, ...]


def normalise_area(text: str) -> str:
    return " ".join(text.strip().lower().replace("_", " ").split())


def areas_for_recording(ctx: ServiceContext, actor_slack_id: str) -> tuple[str, ...]:
    """The local authorities whose school holidays the force holds, named on the incident form,
    for a user who may record incidents (refused before the form opens, not after). Writes nothing."""
    with acting(ctx, actor_slack_id, Role.OFFICER, Role.SUPERVISOR, doing="record incidents") as work:
        return tuple(sorted(school_calendar_now(work.session, ctx.settings).areas()))


def list_terms(ctx: ServiceContext, actor_slack_id: str, area: str | None = None) -> tuple[SchoolTerm, ...]:
    """The holidays of `area` (every area's without one): shipped and added, in date order."""
    wanted = normalise_area(area) if area else None
    with reading(ctx, actor_slack_id) as read:
        users = {u.id: u.slack_user_id for u in read.session.exec(select(AppUser)).all()}
        added = [
            SchoolTerm(t.area, t.first, t.last, t.name, users.get(t.added_by_id, ""))
            for t in read.session.exec(select(SchoolHolidayTerm)).all()
        ]
    shipped = [SchoolTerm(h.area, h.first, h.last, h.name, None) for h in shipped_holidays()]
    return tuple(
        sorted((t for t in (*shipped, *added) if wanted is None or t.area == wanted), key=lambda t: (t.area, t.first))
    )


def add_term(ctx: ServiceContext, actor_slack_id: str, area: str, first: date, last: date, name: str) -> TermChanged:
    """Only admins: a holiday makes schools' deadlines later, as an added bank holiday does."""
    where = normalise_area(area)
    with acting(ctx, actor_slack_id, Role.ADMIN, doing="add a school holiday") as work:
        raise_if_any(_violations(where, first, last, name.strip()))
        same = work.session.exec(
            select(SchoolHolidayTerm).where(SchoolHolidayTerm.area == where, SchoolHolidayTerm.first == first)
        ).first()
        if same is not None:
            raise Conflict(
                (
                    f"{where} already has an added holiday from {first:%d %B %Y} ({same.name}). Remove it first: ",
                    Command("admin", f"school-holiday remove {where} {first:%d/%m/%Y}"),
                    ".",
                ),
                "first",
            )
        row = SchoolHolidayTerm(
            area=where, first=first, last=last, name=name.strip(), added_by_id=pk(work.user), added_at=work.now
        )
        work.created(row)
        term = SchoolTerm(where, first, last, row.name, work.user.slack_user_id)
        return TermChanged(term, _recompute(work, where))


def remove_term(ctx: ServiceContext, actor_slack_id: str, area: str, first: date) -> TermChanged:
    """Take away a holiday an admin added in error; the shipped ones change with the data file."""
    where = normalise_area(area)
    with acting(ctx, actor_slack_id, Role.ADMIN, doing="remove a school holiday") as work:
        row = work.session.exec(
            select(SchoolHolidayTerm).where(SchoolHolidayTerm.area == where, SchoolHolidayTerm.first == first)
        ).first()
        if row is None:
            raise Conflict(
                (
                    f"No added school holiday of {where[:60]} starts on {first:%d %B %Y}. See them with ",
                    Command("admin", f"school-holiday list {where[:60]}"),
                    ".",
                ),
                "first",
            )
        term = SchoolTerm(row.area, row.first, row.last, row.name, work.user.slack_user_id)
        work.audit("delete", "school_holiday", row.id, before=snapshot(row))
        work.session.delete(row)
        work.session.flush()
        return TermChanged(term, _recompute(work, where))


def _violations(area: str, first: date, last: date, name: str) -> list[Violation | None]:
    found: list[Violation | None] = []
    if not _AREA.fullmatch(area):
        found.append(Violation("area", "Give the local authority as one word or a few, e.g. cumbria."))
    if last < first:
        found.append(Violation("last", "The holiday's last day is before its first. Give FROM then TO."))
    elif (last - first).days + 1 > MAX_HOLIDAY_DAYS:
        found.append(Violation("last", f"A school holiday is at most {MAX_HOLIDAY_DAYS} days: check the dates."))
    if not name:
        found.append(Violation("name", 'Give the holiday\'s name in quotes, e.g. "Autumn half term".'))
    found.append(stored_text.violation(SchoolHolidayTerm, "name", name))
    return found


def _recompute(work: Acting, area: str) -> tuple[str, ...]:
    """Each school of `area` not yet told is due before the start of the next school day as the
    calendar now has it: the stored deadline is rewritten (audited) and its incident replanned."""
    settings = work.ctx.settings
    calendar = school_calendar_now(work.session, settings)
    untold = work.session.exec(
        select(IncidentChild, Incident)
        .join(Incident, col(Incident.id) == col(IncidentChild.incident_id))
        .where(IncidentChild.school_area == area, col(IncidentChild.told_at).is_(None))
        .order_by(col(Incident.reference), col(IncidentChild.number))
    ).all()
    moved: dict[str, Incident] = {}
    for child, incident in untold:
        due = encompass_deadline(
            incident.reported_at, area, calendar, settings.incidents.school_day_start, settings.timezone
        )
        if due.at == child.due_at:
            continue
        before = snapshot(child)
        child.due_at = due.at
        work.changed(child, before)
        moved[incident.reference] = incident
    for incident in moved.values():
        replan(work, incident, why=MOOT_SCHOOL_DAYS)  # the admin moved the deadline; nobody told the school
    return tuple(moved)
