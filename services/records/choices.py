"""The record picker's type-ahead: the records a user may read whose reference holds what they
typed, their own teams' first. It shows what a list shows (references, types, initials), so it is
not a consultation of personal data and is not audited; opening a record is."""

from __future__ import annotations

from sqlmodel import col, select

from models import Perpetrator, ProtectionOrder
from services.context import ServiceContext
from services.governance.justification import own_records, readable_records
from services.records.choice_results import RecordChoice, RecordChoices
from services.records.lookup import normalise_reference
from services.unit_of_work import reading
from services.views import initials

MOST = 100  # Slack shows at most 100 options (and 100 groups) from an options load


def record_choices(ctx: ServiceContext, actor_slack_id: str, typed: str, *, most: int = MOST) -> RecordChoices:
    """Newest first within each group; `most` in all, own teams' first."""
    wanted = normalise_reference(typed).replace("\\", "").replace("%", "").replace("_", "")
    with reading(ctx, actor_slack_id) as read:
        session, user = read.session, read.user
        query = (
            select(ProtectionOrder, Perpetrator.full_name)
            .join(Perpetrator, col(Perpetrator.id) == ProtectionOrder.perpetrator_id)
            .where(readable_records(session, user), col(ProtectionOrder.reference).contains(wanted))
            .order_by(col(ProtectionOrder.id).desc())
        )
        mine = own_records(session, user)
        own = session.exec(query.where(mine).limit(most)).all()
        beyond = session.exec(query.where(~mine).limit(most - len(own))).all() if len(own) < most else []
        return RecordChoices(tuple(_choice(o, name) for o, name in own), tuple(_choice(o, name) for o, name in beyond))


def _choice(order: ProtectionOrder, perpetrator_name: str) -> RecordChoice:
    return RecordChoice(order.reference, order.order_type.value, initials(perpetrator_name), order.status.value)
