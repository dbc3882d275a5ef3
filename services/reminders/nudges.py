"""A supervisor's "Nudge officer" from the daily digest: the officer in charge is told once about
the record's open items. The audit trail is the memory: a nudge about the same open item (the
section it is in and since when it is open) is refused as already done, saying by whom and when, so
a second press, or a second supervisor, does not message the officer again."""

from __future__ import annotations

from dataclasses import replace

from sqlmodel import Session, col, select

from models import AppUser, AuditEvent, Role
from services.context import ServiceContext
from services.errors import Conflict, NotAllowed
from services.governance.access import supervised_team_ids
from services.records.lookup import find_order
from services.reminders.digest import build_sections
from services.reminders.digest_items import TeamRows
from services.reminders.results import DigestItem, NudgeResult, Person, SectionKind
from services.unit_of_work import acting

NUDGE = "nudge"


def nudge(ctx: ServiceContext, actor_slack_id: str, reference: str) -> NudgeResult:
    """Record a nudge of the officer in charge of `reference` about its open items, or say who
    already did. The front end messages the officer only when `first`."""
    with acting(ctx, actor_slack_id, Role.SUPERVISOR, Role.ADMIN, doing="nudge an officer") as work:
        session, user = work.session, work.actor
        assert user is not None
        order = find_order(  # two presses at once: one waits
            session, reference, force_code=ctx.settings.force_code, user=user, for_update=True
        )
        if user.role is Role.SUPERVISOR and order.team_id not in supervised_team_ids(session, user):
            raise NotAllowed(
                f"{order.reference} belongs to a team you do not supervise, so you cannot nudge its officer."
            )
        assert order.id is not None
        sections = build_sections(TeamRows(session, order.team_id, ctx.settings, order.id), work.now)
        open_items = [item for s in sections if s.kind is SectionKind.ACTION for item in s.items]
        if not open_items:
            raise Conflict(f"{order.reference} needs no action now, so there is nothing to nudge its officer about.")
        [item] = open_items  # one record, listed once
        key = _item_key(item)
        officer = session.get(AppUser, order.officer_id)
        result = NudgeResult(
            reference=order.reference,
            initials=item.initials,
            order_type=order.order_type.value,
            officer=Person(officer.slack_user_id if officer else None),
            items=(item.about, *item.also),
            first=True,
            by=Person(user.slack_user_id),
            at=work.now,
            tz=ctx.settings.timezone,
        )
        earlier = _earlier_nudge(session, order.id, key)
        if earlier is not None:
            by = session.get(AppUser, earlier.actor_user_id) if earlier.actor_user_id else None
            return replace(result, first=False, by=Person(by.slack_user_id if by else None), at=earlier.at)
        work.audit(NUDGE, "protection_order", order.id, order_id=order.id, after={"item": key})
        return result


def _item_key(item: DigestItem) -> str:
    """What was nudged about: the kind of item and since when it is open, so the same item is
    nudged once, and a new one (a later check falling due) may be nudged again."""
    kind = type(item.about).__name__
    since = item.open_since.isoformat() if item.open_since else ""
    return f"{kind}@{since}"


def _earlier_nudge(session: Session, order_id: int, key: str) -> AuditEvent | None:
    found = session.exec(
        select(AuditEvent)
        .where(
            AuditEvent.action == NUDGE, AuditEvent.entity_type == "protection_order", AuditEvent.entity_id == order_id
        )
        .order_by(col(AuditEvent.at))
    ).all()
    return next((event for event in found if (event.after or {}).get("item") == key), None)
