"""Clare's Law requests and perpetrator management plans about the people a record family names:
erased with the family (their rows point at the family's people), and a reason not to erase it
while one of them is still open."""

from __future__ import annotations

from collections.abc import Collection

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, SQLModel, col, select

from models import DisclosureApplicant, DisclosureRequest, ManagementPlan, PlanAction, Reminder
from services.errors import Conflict
from services.wording import Command

# In deletion order: each before the rows it points at (the people go after, in retention).
LINKED_TABLES = (PlanAction, ManagementPlan, DisclosureRequest, DisclosureApplicant)


def _requests(perpetrators: Collection[int], people: Collection[int]) -> ColumnElement[bool]:
    return sa.or_(
        col(DisclosureRequest.perpetrator_id).in_(sorted(perpetrators)),
        col(DisclosureRequest.protected_person_id).in_(sorted(people)),
    )


def _plans(perpetrators: Collection[int]) -> ColumnElement[bool]:
    return col(ManagementPlan.perpetrator_id).in_(sorted(perpetrators))


def require_none_open(session: Session, perpetrators: Collection[int], people: Collection[int]) -> None:
    """Conflict, erasing nothing, while a request or plan about the family's people is still open:
    erasing the people would take live casework with them."""
    requests = session.exec(
        select(DisclosureRequest.reference).where(
            _requests(perpetrators, people),
            col(DisclosureRequest.closed_at).is_(None),
            col(DisclosureRequest.disclosed_at).is_(None),
        )
    ).all()
    plans = session.exec(
        select(ManagementPlan.id).where(_plans(perpetrators), col(ManagementPlan.closed_at).is_(None))
    ).all()
    if requests or plans:
        open_work = [*(f"Clare's Law request {r}" for r in sorted(requests)), *(["a management plan"] if plans else [])]
        raise Conflict(
            (
                f"Not erased: {', '.join(open_work)} about the same people is still open. Close it first (",
                Command("clare", "REF close", set_apart=False),
                ", ",
                Command("perpetrator", "REF plan close", set_apart=False),
                "), then erase the records.",
            )
        )


def conditions(
    session: Session, perpetrators: Collection[int], people: Collection[int]
) -> dict[type, ColumnElement[bool]]:
    """Which rows of each linked table go with the family (read before any is deleted); and, under
    Reminder, the reminders about its requests and plans, which go before them."""
    applicants = session.exec(
        select(DisclosureRequest.applicant_id).where(
            _requests(perpetrators, people), col(DisclosureRequest.applicant_id).is_not(None)
        )
    ).all()
    plan_ids = select(ManagementPlan.id).where(_plans(perpetrators))
    request_ids = select(DisclosureRequest.id).where(_requests(perpetrators, people))
    return {
        Reminder: sa.or_(col(Reminder.disclosure_id).in_(request_ids), col(Reminder.plan_id).in_(plan_ids)),
        PlanAction: col(PlanAction.plan_id).in_(plan_ids),
        ManagementPlan: _plans(perpetrators),
        DisclosureRequest: _requests(perpetrators, people),
        DisclosureApplicant: col(DisclosureApplicant.id).in_([a for a in applicants if a is not None]),
    }


def request_people(
    session: Session, perpetrators: Collection[int], people: Collection[int]
) -> tuple[set[int], set[int]]:
    """The person-at-risk and subject rows of the requests that go with the family."""
    found = session.exec(
        select(DisclosureRequest.protected_person_id, DisclosureRequest.perpetrator_id).where(
            _requests(perpetrators, people)
        )
    ).all()
    return {person for person, _ in found}, {subject for _, subject in found}


def unreferenced(session: Session, model: type[SQLModel], ids: Collection[int]) -> set[int]:
    """Those of `ids` that no row of any table refers to any more (read from the schema's foreign
    keys, so a table added later that refers to people is counted without a change here)."""
    if not ids:
        return set()
    table = model.__table__  # type: ignore[attr-defined]
    referring = [
        sa.select(fk.parent).where(fk.parent.is_not(None))
        for other in table.metadata.sorted_tables
        for fk in other.foreign_keys
        if fk.column.table is table
    ]
    still = sa.union(*referring) if referring else None
    query = sa.select(table.c.id).where(table.c.id.in_(sorted(ids)))
    if still is not None:
        query = query.where(table.c.id.not_in(still))
    return {int(found) for found in session.execute(query).scalars()}
