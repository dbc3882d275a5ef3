"""A request as a user may see it, one request or a list of open ones. Each look at a request's
details is a consultation, audited (DPA 2018 s62); names show only within one's own teams."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, func, select

from models import AppUser, DisclosureApplicant, DisclosureRequest, Perpetrator, ProtectedPerson, Team
from rules.disclosure import Facts, clocks, days_taken, stage_of, standing
from services.context import ServiceContext
from services.disclosures.access import can_change, may_see_names, require_sight
from services.disclosures.results import DisclosureLine, DisclosureList, DisclosureView
from services.errors import DomainError, NotFound
from services.governance.access import READ_ALL_ROLES
from services.governance.justification import own_team_ids
from services.unit_of_work import reading
from services.views import initials

LIST_LIMIT = 50
WHOSE = ("mine", "team", "all")


def facts_of(request: DisclosureRequest) -> Facts:
    return Facts(
        checks_at=request.checks_at,
        forum_at=request.forum_at,
        decided_at=request.decided_at,
        decision=request.decision,
        disclosed_at=request.disclosed_at,
        closed_at=request.closed_at,
    )


def show(ctx: ServiceContext, actor_slack_id: str, reference: str) -> DisclosureView:
    with reading(ctx, actor_slack_id) as read:
        request = read.session.exec(
            select(DisclosureRequest).where(DisclosureRequest.reference == reference.upper())
        ).first()
        if request is None:
            raise NotFound(f"No Clare's Law request has the reference {reference[:40]}.", "reference")
        require_sight(read.session, read.user, request)
        view = view_of(read.session, ctx, read.user, request, read.now)
        read.audit("view", "disclosure_request", request.id, after={"names_shown": view.named})
        return view


def view_of(
    session: Session, ctx: ServiceContext, user: AppUser, request: DisclosureRequest, now: datetime
) -> DisclosureView:
    settings, tz = ctx.settings, ctx.settings.timezone
    facts = facts_of(request)
    named = may_see_names(session, user, request)
    person = session.get(ProtectedPerson, request.protected_person_id)
    subject = session.get(Perpetrator, request.perpetrator_id)
    applicant = session.get(DisclosureApplicant, request.applicant_id) if request.applicant_id else None
    officer = session.get(AppUser, request.officer_id)
    team = session.get(Team, request.team_id)
    implied = clocks(
        request.received_at, facts, target_days=settings.dvds_target_days, near_days=settings.dvds_near_days, tz=tz
    )
    ended_at = request.disclosed_at or request.closed_at

    def shown(full_name: str | None) -> str:
        return (full_name if named else initials(full_name)) if full_name else ""

    return DisclosureView(
        reference=request.reference,
        route=request.route,
        stage=stage_of(facts),
        received_at=request.received_at,
        target_at=request.target_at,
        standing=None if ended_at else standing(request.target_at, now, settings.dvds_near_days),
        clocks=implied,
        named=named,
        person_at_risk=shown(person.full_name if person else None),
        subject=shown(subject.full_name if subject else None),
        applicant=shown(applicant.full_name) if applicant else None,
        officer_slack_id=officer.slack_user_id if officer else "",
        team=team.name if team else "",
        checks_at=request.checks_at,
        forum_at=request.forum_at,
        decided_at=request.decided_at,
        decision=request.decision,
        decision_reason=request.decision_reason if named else None,
        disclosed_at=request.disclosed_at,
        disclosed_to=request.disclosed_to if named else None,
        closed_at=request.closed_at,
        close_reason=request.close_reason if named else None,
        days_taken=days_taken(request.received_at, ended_at, tz) if ended_at else None,
        within_target=(ended_at <= request.target_at) if ended_at else None,
        writable=can_change(session, user, request),
    )


def open_requests(ctx: ServiceContext, actor_slack_id: str, whose: str = "team") -> DisclosureList:
    """Open requests, nearest their target first: the user's own, their teams', or (champions,
    admins) the force's. References and initials only."""
    whose = whose.strip().lower() or "team"
    if whose not in WHOSE:
        raise DomainError(f"List whose requests? One of: {', '.join(WHOSE)}.", "whose")
    with reading(ctx, actor_slack_id) as read:
        session, user = read.session, read.user
        wanted: list[ColumnElement[bool]] = [
            col(DisclosureRequest.closed_at).is_(None),
            col(DisclosureRequest.disclosed_at).is_(None),
        ]
        if whose == "mine":
            wanted.append(col(DisclosureRequest.officer_id) == user.id)
        elif whose == "team" or user.role not in READ_ALL_ROLES:
            wanted.append(col(DisclosureRequest.team_id).in_(sorted(own_team_ids(session, user))))
        # One pass over the open requests in scope picks the shown page and counts them all (the
        # window's count is over every row the WHERE keeps, before the LIMIT); only the page's
        # fifty are then read whole. Loading every open request of a force to show fifty took a
        # second. Perpetrator and team are required keys, so the joins drop no request.
        order = (col(DisclosureRequest.target_at), col(DisclosureRequest.id))
        page = (
            select(col(DisclosureRequest.id).label("id"), func.count().over().label("total"))
            .where(*wanted)
            .order_by(*order)
            .limit(LIST_LIMIT)
            .subquery()
        )
        query = (
            select(DisclosureRequest, Perpetrator.full_name, Team.name, page.c.total)
            .join(page, page.c.id == col(DisclosureRequest.id))
            .join(Perpetrator, col(Perpetrator.id) == DisclosureRequest.perpetrator_id)
            .join(Team, col(Team.id) == DisclosureRequest.team_id)
            .order_by(*order)
        )
        rows = session.exec(query).all()
        total = rows[0][3] if rows else 0
        near = ctx.settings.dvds_near_days
        lines = tuple(
            DisclosureLine(
                reference=r.reference,
                route=r.route,
                stage=stage_of(facts_of(r)),
                target_at=r.target_at,
                standing=standing(r.target_at, read.now, near),
                subject_initials=initials(name),
                team=team,
            )
            for r, name, team, _ in rows
        )
        read.audit("list", "disclosure_request", None, after={"whose": whose, "shown": [x.reference for x in lines]})
        return DisclosureList(whose, lines, total)
