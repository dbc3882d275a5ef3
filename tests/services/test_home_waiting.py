"""The App Home's "Waiting for me" reads whole only the first HOME_LISTED live reminders and counts
the rest, telling live from spent from what each is about alone: what it lists, in what order, and
how many it says there are, are what reading every sent reminder's facts gave. An officer with more
live reminders than the Home lists, some made spent by a hearing booked since, an incident's and
follow-ups of both kinds; on both databases."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, col, select

from blocks.home import home_view
from models import AppUser, OrderStatus, ProtectionOrder, Reminder, ReminderState
from services.context import ServiceContext
from services.incidents.recording import NewIncident, record_incident
from services.records import hearings
from services.records.order_writer import PersonInput
from services.reminders.batch import loaded
from services.reminders.facts import facts_for
from services.reminders.home import home_board
from services.reminders.results import HOME_LISTED, ReminderFacts
from services.reminders.waiting import is_live
from tests.support.force import Force, london
from tests.support.records import dvpn, record

NOW = london("2026-04-02 21:00")  # the clock fixture's
NOTICES = HOME_LISTED + 6
BOOKED = (2, 5, 11)  # notices given a hearing since their reminders went: those are spent


def _sent_to(session: Session, user_id: int) -> list[Reminder]:
    """Every reminder sent to the user and not acted on, on an open record or with no update reason."""
    sent = session.exec(
        select(Reminder)
        .where(Reminder.recipient_id == user_id, Reminder.state == ReminderState.SENT)
        .order_by(col(Reminder.due_at).desc(), col(Reminder.id).desc())
    ).all()
    open_records = set(session.exec(select(ProtectionOrder.id).where(ProtectionOrder.status == OrderStatus.ACTIVE)))
    return [r for r in sent if r.order_id in open_records or (r.order_id is None and r.update_reason is None)]


def every_live(ctx: ServiceContext, user_id: int) -> list[ReminderFacts]:
    """Each sent reminder's whole facts, the live ones kept, in the order the Home lists them."""
    with Session(ctx.engine) as session:
        sent = _sent_to(session, user_id)
        with loaded(session, sent):
            said = facts_for(session, list(reversed(sent)), ctx.settings, NOW, late=False)
    return [facts for facts in said.values() if is_live(facts.subject, facts.offer, NOW)]


@pytest.fixture
def officer_id(ctx: ServiceContext, force: Force) -> int:
    """The officer's notices and an incident, every reminder due by now sent; follow-ups of a live
    and a spent one; then hearings booked on some notices."""
    references = []
    for n in range(NOTICES):
        served = (london("2026-04-02 05:00") + timedelta(minutes=30 * n)).strftime("%Y-%m-%d %H:%M")
        references.append(record(ctx, force.officer, dvpn(served)).reference)
    record_incident(
        ctx,
        force.officer,
        NewIncident(reported_at=NOW - timedelta(days=3), victim=PersonInput("Vic Tim"), suspect=PersonInput("Al Ex")),
    )
    with Session(ctx.engine) as session:
        officer_id = session.exec(select(AppUser.id).where(AppUser.slack_user_id == force.officer)).one()
        assert officer_id is not None
        due = session.exec(
            select(Reminder).where(Reminder.recipient_id == officer_id, col(Reminder.due_at) <= NOW)
        ).all()
        for reminder in due:  # as the sweep leaves them once delivered
            reminder.state = ReminderState.SENT
            session.add(reminder)
        booked_record = session.exec(
            select(ProtectionOrder.id).where(ProtectionOrder.reference == references[BOOKED[0]])
        ).one()
        follow = [
            next(r for r in due if r.order_id == booked_record),  # spent once its hearing is booked
            next(r for r in due if r.order_id is not None and r.order_id != booked_record),
            next(r for r in due if r.incident_id is not None),
        ]
        for n, source in enumerate(follow):
            session.add(
                Reminder(
                    order_id=source.order_id,
                    incident_id=source.incident_id,
                    kind=f"renotify:{source.id}",
                    due_at=NOW - timedelta(minutes=n + 1),
                    recipient_id=officer_id,
                    state=ReminderState.SENT,
                    created_at=NOW,
                )
            )
        session.commit()
    for n in BOOKED:
        hearings.book_hearing(ctx, force.officer, references[n], NOW + timedelta(days=1))
    return officer_id


def test_waiting_for_me_lists_the_first_live_reminders_and_counts_them_all(
    ctx: ServiceContext, force: Force, officer_id: int
) -> None:
    every = every_live(ctx, officer_id)
    with Session(ctx.engine) as session:
        sent = _sent_to(session, officer_id)
    assert len(every) > HOME_LISTED  # more live than listed
    assert len(every) < len(sent)  # and some spent
    assert any(f.kind.startswith("renotify:") for f in every)
    assert any(f.order_type == "incident" for f in every[:HOME_LISTED])

    board = home_board(ctx, force.officer)
    assert board.waiting == tuple(every[:HOME_LISTED])  # the first, in the same order, read whole
    assert board.waiting_count == len(every)
    assert board.waiting_unlisted == len(every) - HOME_LISTED

    view = home_view(board, ctx.settings.timezone)
    blocks = [str(block) for block in view["blocks"]]  # type: ignore[union-attr]
    assert any(f"*Waiting for me* ({len(every)})" in b for b in blocks)
    assert any(f"{HOME_LISTED} of {len(every)} shown: `/dvpn list due` lists the rest" in b for b in blocks)
