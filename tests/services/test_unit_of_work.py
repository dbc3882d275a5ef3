"""The unit of work (services.unit_of_work): a refusal or an error writes nothing, a clean change
audits each changed row once and leaves the record replanned, and two changes to one record wait
for each other instead of losing one."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta

import pytest
from psycopg import _queries  # its cache's limits, which change with its releases
from sqlalchemy import event
from sqlmodel import Session, select

from models import BreachCheck, Perpetrator, ProtectedPerson, ProtectionOrder, Reminder, ReminderState, Role
from models.db import session_scope
from models.types import pk
from rules.order_types import OrderType
from rules.ranks import Rank
from rules.validation import Violation
from services.context import ServiceContext
from services.errors import NotAllowed, ValidationFailed, raise_if_any
from services.governance.audit import snapshot
from services.new_rows import insert_new
from services.records import breaches
from services.records import recording as records
from services.records.order_writer import PersonInput
from services.records.planning import CHECK_DUE, load_facts, next_deadline, replan
from services.records.recording import NewRecord
from services.unit_of_work import acting, changing, system
from tests.support.database import audit_rows, row_counts
from tests.support.force import Force, london


def dvpn() -> NewRecord:
    return NewRecord(
        order_type=OrderType.DVPN,
        served_at=london("2026-04-02 20:00"),
        authoriser_name="Supt Example",
        authoriser_rank=Rank.SUPERINTENDENT,
        perpetrator=PersonInput("Alex Example", date(1990, 1, 1)),
        protected=(PersonInput("Sam Sample"),),
    )


def check_due(order: ProtectionOrder, due: str, now: datetime) -> BreachCheck:
    return BreachCheck(order_id=pk(order), due_at=london(due), assigned_to_id=order.officer_id, created_at=now)


def stored_order(ctx: ServiceContext, reference: str) -> ProtectionOrder:
    with Session(ctx.engine, expire_on_commit=False) as session:
        order = session.exec(select(ProtectionOrder).where(ProtectionOrder.reference == reference)).one()
        session.expunge(order)
        return order


def refused_change(ctx: ServiceContext, force: Force, reference: str) -> Callable[[], None]:
    def run() -> None:
        with changing(ctx, force.other_officer, reference):
            pytest.fail("the block ran for a user of another team")

    return run


def refused_by_a_stranger(ctx: ServiceContext, force: Force, reference: str) -> Callable[[], None]:
    def run() -> None:
        with changing(ctx, "USTRANGER", reference):  # first contact: an officer in no team
            pytest.fail("the block ran for a user seen for the first time")

    return run


def refused_champion(ctx: ServiceContext, force: Force, reference: str) -> Callable[[], None]:
    def run() -> None:
        with changing(ctx, force.champion, reference):
            pytest.fail("the block ran for a champion, who reads but never changes")

    return run


def refused_role(ctx: ServiceContext, force: Force, reference: str) -> Callable[[], None]:
    def run() -> None:
        with acting(ctx, force.officer, Role.ADMIN, doing="add a bank holiday"):
            pytest.fail("the block ran for an officer acting as an admin")

    return run


@pytest.mark.parametrize("attempt", [refused_change, refused_by_a_stranger, refused_champion, refused_role])
def test_a_refused_authorisation_runs_nothing_and_writes_nothing(
    ctx: ServiceContext,
    force: Force,
    attempt: Callable[[ServiceContext, Force, str], Callable[[], None]],
) -> None:
    notice = records.record(ctx, force.officer, dvpn())
    before = row_counts(ctx.engine)
    with pytest.raises(NotAllowed):
        attempt(ctx, force, notice.reference)()
    assert row_counts(ctx.engine) == before


def test_an_error_inside_the_block_rolls_back_every_write_and_its_audit(ctx: ServiceContext, force: Force) -> None:
    notice = records.record(ctx, force.officer, dvpn())
    before, stored = row_counts(ctx.engine), stored_order(ctx, notice.reference)
    with pytest.raises(ValidationFailed), changing(ctx, force.officer, notice.reference) as change:
        order = change.order
        was = snapshot(order)
        order.conditions = "not to enter the street"
        assert change.changed(order, was, order_id=order.id)
        check = BreachCheck(
            order_id=pk(order),
            due_at=london("2026-04-03 09:00"),
            assigned_to_id=order.officer_id,
            created_at=change.now,
        )
        change.created(check, order_id=order.id)
        change.audit("view", "protection_order", order.id, order_id=order.id)
        raise_if_any([Violation("conditions", "A condition the rules refuse.")])
    assert row_counts(ctx.engine) == before
    after = stored_order(ctx, notice.reference)
    assert (after.conditions, after.updated_at, after.next_deadline_at) == (
        stored.conditions,
        stored.updated_at,
        stored.next_deadline_at,
    )


def test_a_clean_change_audits_each_changed_row_once_and_replans_the_record(
    ctx: ServiceContext, force: Force, clock
) -> None:  # type: ignore[no-untyped-def]
    notice = records.record(ctx, force.officer, dvpn())
    assert stored_order(ctx, notice.reference).next_deadline_at == london("2026-04-03 20:00")  # the first check
    audited = len(audit_rows(ctx.engine))
    clock.set(london("2026-04-02 22:00"))
    with changing(ctx, force.colleague, notice.reference) as change:
        order = change.order
        was = snapshot(order)
        order.conditions = "not to enter the street"
        change.changed(order, was, order_id=order.id)
        assert not change.changed(order, snapshot(order), order_id=order.id)  # nothing more changed: no row
        early = BreachCheck(
            order_id=pk(order),
            due_at=london("2026-04-03 09:00"),
            assigned_to_id=order.officer_id,
            created_at=change.now,
        )
        change.created(early, order_id=order.id)
    new = audit_rows(ctx.engine)[audited:]
    assert [(r["action"], r["entity_type"]) for r in new] == [
        ("update", "protection_order"),
        ("create", "breach_check"),
    ]
    assert {r["actor"] for r in new} == {f"slack:{force.colleague}"} and {r["source"] for r in new} == {"test"}
    assert new[0]["after"]["conditions"] == "[free text]"  # masked: the trail says it changed, not what it says

    stored = stored_order(ctx, notice.reference)
    assert stored.updated_at == london("2026-04-02 22:00")
    assert stored.next_deadline_at == london("2026-04-03 09:00")  # the earlier check is now the next deadline
    with session_scope(ctx.engine) as session:
        order = session.exec(select(ProtectionOrder).where(ProtectionOrder.reference == notice.reference)).one()
        recomputed = next_deadline(load_facts(session, order), clock.now())
        assert recomputed is not None and recomputed.at == stored.next_deadline_at
        # Planning again finds nothing to add or withdraw: the change left the reminders as planned.
        assert replan(session, order, ctx.settings.reminders, ctx.settings.timezone, clock.now()) == (0, 0)
        due = session.exec(
            select(Reminder).where(
                Reminder.order_id == order.id,
                Reminder.kind == CHECK_DUE.format(check=early.id),
                Reminder.state == ReminderState.PENDING,
            )
        ).one()
        assert due.due_at == london("2026-04-03 09:00")
        session.rollback()


def test_the_audit_held_to_the_commit_is_checked_as_every_row_is(ctx: ServiceContext, force: Force) -> None:
    """The held creation and change rows are inserted as values at the commit, not flushed as
    objects: text their columns cannot keep still refuses the commit, and nothing is written."""
    notice = records.record(ctx, force.officer, dvpn())
    before = row_counts(ctx.engine)
    with pytest.raises(ValidationFailed), changing(ctx, force.officer, notice.reference) as change:
        order = change.order
        was = snapshot(order)
        order.conditions = "not to enter the street"
        change.changed(order, was, order_id=order.id, justification="x" * 1001)  # the column keeps 1,000
    assert row_counts(ctx.engine) == before
    assert stored_order(ctx, notice.reference).conditions != "not to enter the street"


def test_a_created_row_is_checked_as_a_flushed_one_is(ctx: ServiceContext, force: Force) -> None:
    """Work.created writes its row without the ORM's flush (services.new_rows): text its columns
    cannot keep is still refused, and nothing is written."""
    notice = records.record(ctx, force.officer, dvpn())
    before = row_counts(ctx.engine)
    with pytest.raises(ValidationFailed), acting(ctx, force.officer, Role.OFFICER) as work:
        order = work.session.exec(select(ProtectionOrder).where(ProtectionOrder.reference == notice.reference)).one()
        check = check_due(order, "2026-04-03 09:00", work.now)
        check.outcome = "spoke to \x00 at home"
        work.created(check, order_id=order.id)
    assert row_counts(ctx.engine) == before


def test_rows_written_without_a_flush_are_held_as_a_flush_leaves_them(ctx: ServiceContext, force: Force) -> None:
    """services.new_rows: the rows get the ids the database gave them, the session holds them
    (the same objects, clean, nothing pending) and what they hold is what was committed."""
    with acting(ctx, force.officer, Role.OFFICER) as work:
        people = [
            Perpetrator(full_name="Alex Example", name_key="alex example", created_at=work.now, updated_at=work.now),
            ProtectedPerson(full_name="Sam Sample", name_key="sam sample", created_at=work.now, updated_at=work.now),
        ]
        insert_new(work.session, people)
        assert not work.session.new and not work.session.dirty
        assert work.session.get(Perpetrator, pk(people[0])) is people[0]
        assert work.session.get(ProtectedPerson, pk(people[1])) is people[1]
    with session_scope(ctx.engine) as session:
        stored = session.get(Perpetrator, pk(people[0]))
        assert stored is not None and snapshot(stored).hidden == snapshot(people[0]).hidden
        assert snapshot(stored) == snapshot(people[0])


def test_the_trail_keeps_the_order_its_rows_were_written_in(ctx: ServiceContext, force: Force) -> None:
    """A creation held back, then a row added to the trail (which takes the held one with it, both
    waiting for a flush), then a change held to the commit with nothing read in between: the trail
    reads in that order."""
    notice = records.record(ctx, force.officer, dvpn())
    audited = len(audit_rows(ctx.engine))
    with acting(ctx, force.officer, Role.OFFICER) as work:
        order = work.session.exec(select(ProtectionOrder).where(ProtectionOrder.reference == notice.reference)).one()
        check = BreachCheck(
            order_id=pk(order),
            due_at=london("2026-04-03 09:00"),
            assigned_to_id=order.officer_id,
            created_at=work.now,
        )
        work.created(check, order_id=order.id)
        work.audit("view", "protection_order", order.id, order_id=order.id)
        was = snapshot(check)
        check.due_at = london("2026-04-03 10:00")
        work.changed(check, was, order_id=order.id)
    new = audit_rows(ctx.engine)[audited:]
    assert [(r["action"], r["entity_type"]) for r in new] == [
        ("create", "breach_check"),
        ("view", "protection_order"),
        ("update", "breach_check"),
    ]


def test_the_system_scope_audits_as_the_part_of_the_system_that_acted(ctx: ServiceContext, force: Force) -> None:
    notice = records.record(ctx, force.officer, dvpn())
    with system(ctx, "rollover") as work:
        order = work.session.exec(select(ProtectionOrder).where(ProtectionOrder.reference == notice.reference)).one()
        was = snapshot(order)
        order.children_present = True
        work.changed(order, was, order_id=order.id)
        work.touch(order)
    [row] = audit_rows(ctx.engine, action="update", entity_type="protection_order")
    assert row["actor"] == "system:rollover" and row["actor_user_id"] is None


def test_two_changes_to_one_record_wait_for_each_other_and_neither_is_lost(ctx: ServiceContext, force: Force) -> None:
    """The record is locked for update (PostgreSQL: SELECT ... FOR UPDATE; SQLite: one writer at a
    time): the second change reads the record only after the first has committed."""
    notice = records.record(ctx, force.officer, dvpn())
    first_inside, times, errors = threading.Event(), {}, []

    def append(slack_id: str, mark: str, hold: float, inside: threading.Event | None) -> None:
        try:
            times[f"{mark} asks"] = time.monotonic()
            with changing(ctx, slack_id, notice.reference) as change:
                times[f"{mark} holds"] = time.monotonic()
                order = change.order
                was = snapshot(order)
                order.conditions = (order.conditions or "") + mark
                change.changed(order, was, order_id=order.id)
                if inside is not None:
                    inside.set()
                time.sleep(hold)
                times[f"{mark} leaves"] = time.monotonic()
        except BaseException as error:  # reported by the test's own thread below
            errors.append(error)
            first_inside.set()

    first = threading.Thread(target=append, args=(force.officer, "A", 0.5, first_inside))
    first.start()
    assert first_inside.wait(30)
    second = threading.Thread(target=append, args=(force.colleague, "B", 0, None))
    second.start()
    first.join(30)
    second.join(30)
    assert not errors
    assert times["B asks"] < times["A leaves"] <= times["B holds"]  # B waited for A's commit
    assert stored_order(ctx, notice.reference).conditions == "AB"  # B saw A's change: nothing was lost
    updates = audit_rows(ctx.engine, action="update", entity_type="protection_order")
    assert [r["actor"] for r in updates] == [f"slack:{force.officer}", f"slack:{force.colleague}"]


def test_a_new_record_goes_in_one_statement_whose_conversion_psycopg_keeps(ctx: ServiceContext, force: Force) -> None:
    """A record's save writes its rows in one statement on PostgreSQL (services.new_rows), small
    enough for psycopg to keep its conversion: a statement of more parameters or characters than
    psycopg's limits is converted afresh at every save. A column the table gains (a generated one,
    say) must not turn the record's one JSON parameter back into a parameter per column."""
    if ctx.engine.dialect.name != "postgresql":
        pytest.skip("SQLite writes table by table: a statement there is no round trip")
    sent: list[tuple[str, int]] = []

    def seen(conn: object, cursor: object, statement: str, parameters: object, context: object, many: bool) -> None:
        if "INSERT INTO protection_order" in statement:
            sent.append((statement, len(parameters) if isinstance(parameters, dict) else -1))

    event.listen(ctx.engine, "before_cursor_execute", seen)
    try:
        records.record(ctx, force.officer, dvpn())
    finally:
        event.remove(ctx.engine, "before_cursor_execute", seen)
    [(statement, parameters)] = sent
    assert "INSERT INTO perpetrator" in statement and "INSERT INTO reminder" in statement
    assert 0 < parameters <= _queries.MAX_CACHED_STATEMENT_PARAMS
    assert len(statement.encode()) <= _queries.MAX_CACHED_STATEMENT_LENGTH


def test_a_saves_audit_goes_in_with_its_rows_as_the_commit_would_have_written_it(
    ctx: ServiceContext, force: Force
) -> None:
    """A new record's rows are audited in the statement that writes them (services.new_rows on
    PostgreSQL, an INSERT per table on SQLite), each row's audit as write_creation makes it:
    nothing is left for the commit to send."""
    sent: list[str] = []

    def seen(conn: object, cursor: object, statement: str, parameters: object, context: object, many: bool) -> None:
        sent.append(statement)

    audited = len(audit_rows(ctx.engine))
    event.listen(ctx.engine, "before_cursor_execute", seen)
    try:
        notice = records.record(ctx, force.officer, dvpn())
    finally:
        event.remove(ctx.engine, "before_cursor_execute", seen)
    new = audit_rows(ctx.engine)[audited:]
    order_id = stored_order(ctx, notice.reference).id
    assert [(r["action"], r["entity_type"], r["order_id"]) for r in new] == [
        ("create", "perpetrator", None),
        ("create", "protected_person", None),
        ("create", "protection_order", order_id),
        ("create", "breach_check", order_id),
    ]
    order_audit = new[2]
    assert order_audit["before"] is None and order_audit["actor"] == f"slack:{force.officer}"
    assert isinstance(order_audit["after"], dict) and order_audit["after"]["reference"] == notice.reference
    assert order_audit["after"].keys() == snapshot(stored_order(ctx, notice.reference)).keys()
    person_audit = new[0]["after"]
    assert isinstance(person_audit, dict) and person_audit["full_name"] == "[personal data]"
    if ctx.engine.dialect.name == "postgresql":
        writes = [s for s in sent if "INSERT INTO" in s]
        assert len(writes) == 2  # the reference's counter (with the reads), then every row and its audit
        assert "INSERT INTO audit_event" in writes[1] and "INSERT INTO protection_order" in writes[1]
        with ctx.engine.connect() as connection:  # None is kept as JSON's null, as the ORM's INSERT keeps it
            kept = connection.exec_driver_sql(
                "SELECT before IS NULL, before::text FROM audit_event WHERE entity_type = 'protection_order' "
                f"AND entity_id = {order_id} AND action = 'create'"
            ).one()
        assert tuple(kept) == (False, "null")


def test_a_commands_audit_goes_with_its_replans_new_reminders(ctx: ServiceContext, force: Force) -> None:
    """A change whose replan adds reminders sends them and the audit held so far in one statement
    on PostgreSQL, so the commit has nothing left to send; the trail is as it would be."""
    notice = records.record(ctx, force.officer, dvpn())
    audited = len(audit_rows(ctx.engine))
    sent: list[str] = []

    def seen(conn: object, cursor: object, statement: str, parameters: object, context: object, many: bool) -> None:
        sent.append(statement)

    event.listen(ctx.engine, "before_cursor_execute", seen)
    try:
        breaches.record_breach(ctx, force.officer, notice.reference, ctx.clock.now() - timedelta(minutes=20))
    finally:
        event.remove(ctx.engine, "before_cursor_execute", seen)
    new = audit_rows(ctx.engine)[audited:]
    assert [(r["action"], r["entity_type"]) for r in new] == [("create", "breach")]
    order = stored_order(ctx, notice.reference)
    with session_scope(ctx.engine) as session:
        kinds = session.exec(select(Reminder.kind).where(Reminder.order_id == order.id)).all()
    # A breach of a notice with no crime reference yet: its officer is reminded to add one.
    assert any(kind.startswith(f"crime_reference_missing:{new[0]['entity_id']}:") for kind in kinds)
    if ctx.engine.dialect.name == "postgresql":
        [together] = [s for s in sent if "INSERT INTO reminder" in s]
        assert "INSERT INTO audit_event" in together
        assert not [s for s in sent if s.lstrip().startswith("INSERT INTO audit_event")]
