"""Who may see and change a disclosure request: by the teams a user is in now, as for orders
(services.governance.access). Officers and supervisors change their teams' requests; champions and
admins, and supervisors beyond their teams, see any request by reference and initials only;
officers see nothing of another team's."""

from __future__ import annotations

from sqlmodel import Session

from models import AppUser, DisclosureRequest, Role
from services.errors import NotAllowed
from services.governance.access import READ_ALL_ROLES, supervised_team_ids
from services.governance.justification import own_team_ids


def can_change(session: Session, user: AppUser, request: DisclosureRequest) -> bool:
    if user.role is Role.OFFICER:
        return user.team_id is not None and request.team_id == user.team_id
    if user.role is Role.SUPERVISOR:
        return request.team_id in supervised_team_ids(session, user)
    return False


def may_see_names(session: Session, user: AppUser, request: DisclosureRequest) -> bool:
    return can_change(session, user, request) or request.team_id in own_team_ids(session, user)


def require_sight(session: Session, user: AppUser, request: DisclosureRequest) -> None:
    """Anyone but an officer of another team may see a request (names only within their teams)."""
    if user.role in READ_ALL_ROLES or user.role is Role.SUPERVISOR or may_see_names(session, user, request):
        return
    raise NotAllowed(f"{request.reference} belongs to another team. Only its officers and their supervisors see it.")


def require_change(session: Session, user: AppUser, request: DisclosureRequest) -> None:
    if can_change(session, user, request):
        return
    if user.role in READ_ALL_ROLES:
        raise NotAllowed(
            f"{user.role.value.capitalize()}s can read requests but not change them. Ask the officer in "
            f"charge of {request.reference} or their supervisor."
        )
    raise NotAllowed(
        f"{request.reference} belongs to another team. Only its officers and their supervisors can change it."
    )
