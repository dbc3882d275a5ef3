"""Finding the record a request is about, locked for update when it will be changed."""

from __future__ import annotations

from sqlmodel import Session, select

from models import AppUser, ProtectionOrder
from services.errors import NotFound
from services.governance.access import require_read, require_write
from services.wording import Command


def normalise_reference(text: str) -> str:
    return text.strip().upper()


def find_order(session: Session, reference: str, *, for_update: bool = False) -> ProtectionOrder:
    query = select(ProtectionOrder).where(ProtectionOrder.reference == normalise_reference(reference))
    if for_update:
        # Two officers changing one record wait for each other (PostgreSQL); SQLite has one writer.
        query = query.with_for_update()
    order = session.exec(query).first()
    if order is None:
        raise NotFound(
            (
                f"No record has the reference '{reference.strip()}'. References look like WM-DVPN-2026-0042: try ",
                Command("list", set_apart=False),
                " or ",
                Command("search", set_apart=False),
                ".",
            ),
            "reference",
        )
    return order


def order_to_change(session: Session, user: AppUser, reference: str) -> ProtectionOrder:
    order = find_order(session, reference, for_update=True)
    require_write(session, user, order)
    return order


def order_to_read(session: Session, user: AppUser, reference: str) -> ProtectionOrder:
    order = find_order(session, reference)
    require_read(session, user, order)
    return order
