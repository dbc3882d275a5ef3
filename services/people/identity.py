"""Identity mismatches: a perpetrator recorded with a PNC id already on record under a different
name or date of birth (services.records.order_writer.flag_identity_mismatch).

Resolving one means comparing two records' people, so it is for those answerable for both: admins,
and supervisors of every team involved. The list shows references, teams and who recorded, never
names or the PNC id; each record is compared by opening it (the show command, which asks a reason
beyond one's teams). Settled as the same person, the rows join in perpetrator history; settled as
different people, they stay apart and the PNC id on one of them is to be corrected.
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from models import AppUser, IdentityMismatch, Perpetrator, ProtectionOrder, Role, Team
from models.types import pk
from services.context import ServiceContext
from services.errors import Conflict, NotAllowed, NotFound
from services.governance.access import supervised_team_ids
from services.governance.audit import snapshot
from services.people.results import OpenMismatch
from services.unit_of_work import acting
from services.wording import Command

USAGE = "identity [resolve ID same|different]"


def open_mismatches(ctx: ServiceContext, actor_slack_id: str) -> tuple[OpenMismatch, ...]:
    with acting(ctx, actor_slack_id) as work:
        _require_resolver(work.user)
        found = [m for m in _open(work.session) if _entitled(work.session, work.user, m)]
        work.audit("identity_review", "identity_mismatch", None, after={"open": [m.id for m in found]})
        return tuple(found)


def resolve(ctx: ServiceContext, actor_slack_id: str, mismatch_id: int, same_person: bool) -> OpenMismatch:
    with acting(ctx, actor_slack_id) as work:
        session, user, now = work.session, _require_resolver(work.user), work.now
        row = session.get(IdentityMismatch, mismatch_id)
        shown = next((m for m in _open(session) if m.id == mismatch_id), None)
        if row is None or shown is None:
            raise NotFound(
                (f"No open identity check is numbered {mismatch_id}: ", Command("identity"), " lists them."), "id"
            )
        if not _entitled(session, user, shown):
            raise NotAllowed("Only admins, or supervisors of every team involved, can settle this identity check.")
        if row.resolved_at is not None:
            raise Conflict("That identity check is already settled.")
        before = snapshot(row)
        row.resolved_at, row.resolved_by_id, row.same_person = now, pk(user), same_person
        session.add(row)
        work.changed(row, before, order_id=row.order_id)
        return shown


def _require_resolver(user: AppUser) -> AppUser:
    if user.role not in (Role.ADMIN, Role.SUPERVISOR):
        raise NotAllowed(
            "Identity checks are settled by supervisors and admins. "
            f"Your role is {user.role.value}: ask your supervisor."
        )
    return user


def _entitled(session: Session, user: AppUser, mismatch: OpenMismatch) -> bool:
    if user.role is Role.ADMIN:
        return True
    teams = supervised_team_ids(session, user)
    names = set(session.exec(select(Team.name).where(col(Team.id).in_(sorted(teams)))).all())
    involved = {mismatch.team, *_teams_of(session, mismatch.held_on)}
    return involved <= names


def _teams_of(session: Session, references: tuple[str, ...]) -> set[str]:
    return set(
        session.exec(
            select(Team.name)
            .join(ProtectionOrder, col(ProtectionOrder.team_id) == Team.id)
            .where(col(ProtectionOrder.reference).in_(references))
        ).all()
    )


def _open(session: Session) -> list[OpenMismatch]:
    rows = session.exec(
        select(IdentityMismatch, ProtectionOrder, Team.name, AppUser.slack_user_id)
        .join(ProtectionOrder, col(ProtectionOrder.id) == IdentityMismatch.order_id)
        .join(Team, col(Team.id) == ProtectionOrder.team_id)
        .join(AppUser, col(AppUser.id) == IdentityMismatch.recorded_by_id)
        .where(col(IdentityMismatch.resolved_at).is_(None))
        .order_by(col(IdentityMismatch.id))
    ).all()
    found = []
    for mismatch, order, team, recorded_by in rows:
        typed = session.get(Perpetrator, mismatch.perpetrator_id)
        pnc = typed.pnc_id if typed is not None else None
        held = session.exec(
            select(ProtectionOrder.reference)
            .join(Perpetrator, col(Perpetrator.id) == ProtectionOrder.perpetrator_id)
            .where(Perpetrator.pnc_id == pnc, col(ProtectionOrder.id) != order.id)
            .order_by(col(ProtectionOrder.reference))
        ).all()
        found.append(OpenMismatch(pk(mismatch), order.reference, team, recorded_by, mismatch.created_at, tuple(held)))
    return found
