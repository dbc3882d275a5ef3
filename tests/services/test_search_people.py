"""/dvpn search as a response officer asks it: a surname or first name alone, a spelling one letter
out, an address or a postcode; each only within the records the user may read, audited without what
was typed, and kept in step when a person is corrected."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import Session, col, select

from models import OrderProtectedPerson, Perpetrator, ProtectedPerson, ProtectionOrder, SearchTerm, SearchTermKey
from models.types import pk
from rules.names import name_key
from services.clock import ManualClock
from services.context import ServiceContext
from services.governance import retention, teams
from services.people.search import search
from services.people.search_index import derived_terms, index_new_order, index_person
from services.records import corrections, lifecycle
from services.records import recording as records
from services.records.order_writer import PersonInput
from services.reporting.list_results import Matched, SearchResults
from tests.support.casework import Seeded, notice
from tests.support.database import audit_rows
from tests.support.force import Force
from tests.support.races import second_waits
from tests.support.search_terms import derived_keys, stored_terms

ADDRESS = "14 Acacia Avenue, Kings Heath, Birmingham B14 7QT"


def found(results: SearchResults) -> list[tuple[str, Matched]]:
    return [(hit.reference, hit.matched) for hit in results.hits]


@pytest.fixture
def thompson(ctx: ServiceContext, force: Force, casework: Seeded) -> str:
    """Team A's record of Dean Thompson, who lives at ADDRESS."""
    made = notice("2026-04-01 10:00", PersonInput("Dean Thompson", None, ADDRESS), "Lucy Harper")
    return records.record(ctx, force.officer, made).reference


def test_a_surname_or_a_first_name_alone(ctx: ServiceContext, force: Force, casework: Seeded) -> None:
    smith = [(casework.smith_dvpn, Matched.PERPETRATOR), (casework.smith_dvpo, Matched.PERPETRATOR)]
    assert found(search(ctx, force.officer, "smith")) == smith
    assert found(search(ctx, force.officer, "John")) == smith  # Jon Smith too: Jon is a form of John
    assert found(search(ctx, force.officer, "Mary")) == [
        (casework.smith_dvpn, Matched.PROTECTED),
        (casework.smith_dvpo, Matched.PROTECTED),
    ]
    assert found(search(ctx, force.other_officer, "Smith")) == [(casework.smith_dapo, Matched.PERPETRATOR)]


@pytest.mark.parametrize("typed", ["Thomson", "Tompson", "Thompsen", "Thomspon", "Thompsonn", "dean thomson"])
def test_a_spelling_one_letter_out(ctx: ServiceContext, force: Force, thompson: str, typed: str) -> None:
    assert found(search(ctx, force.officer, typed)) == [(thompson, Matched.PERPETRATOR_NEAR)]


@pytest.mark.parametrize("typed", ["Tomsen", "Thompsonne", "Dan Thomson"])
def test_two_letters_out_is_not_a_match(ctx: ServiceContext, force: Force, thompson: str, typed: str) -> None:
    assert found(search(ctx, force.officer, typed)) == []


def test_an_exact_spelling_comes_before_a_near_one(ctx: ServiceContext, force: Force, casework: Seeded) -> None:
    assert found(search(ctx, force.officer, "Smyth")) == [
        (casework.smith_dvpn, Matched.PERPETRATOR_NEAR),
        (casework.smith_dvpo, Matched.PERPETRATOR_NEAR),
    ]
    kate = found(search(ctx, force.other_officer, "Kate"))
    assert kate == [(casework.smith_dapo, Matched.PROTECTED)]  # short words are matched exactly only


@pytest.mark.parametrize("typed", ["B14 7QT", "b147qt", "14 Acacia Avenue", "acacia avenue b14", "Kings Heath"])
def test_an_address_or_a_postcode(ctx: ServiceContext, force: Force, thompson: str, typed: str) -> None:
    assert found(search(ctx, force.supervisor, typed)) == [(thompson, Matched.PERPETRATOR_ADDRESS)]


def test_a_protected_persons_address(ctx: ServiceContext, force: Force, casework: Seeded) -> None:
    amy = PersonInput("Amy Grant", None, "Flat 2, 9 Mill Lane, B12 9QT")
    made = replace(notice("2026-04-01 10:00", PersonInput("Lee Grant"), "Amy Grant"), protected=(amy,))
    reference = records.record(ctx, force.officer, made).reference
    assert found(search(ctx, force.officer, "9 mill lane")) == [(reference, Matched.PROTECTED_ADDRESS)]
    assert found(search(ctx, force.officer, "Mill")) == []  # one word without a number is read as a name


def test_addresses_only_within_what_the_user_may_read(ctx: ServiceContext, force: Force, thompson: str) -> None:
    for who in (force.other_officer, force.champion, force.admin):
        assert found(search(ctx, who, "B14 7QT")) == []
        assert found(search(ctx, who, "Thomson")) == []
    reason = "MARAC review of repeat victim"
    records.view(ctx, force.champion, thompson, justification=reason)
    before = len(audit_rows(ctx.engine))
    assert found(search(ctx, force.champion, "B14 7QT")) == [(thompson, Matched.PERPETRATOR_ADDRESS)]
    summary, on_reason = audit_rows(ctx.engine)[before:]
    assert summary["after"] == {"records": [thompson], "matched": ["perpetrator's address"]}
    assert (on_reason["justification"], on_reason["after"]["matched"]) == (reason, "address")
    assert [t for t in ("B14", "b147qt", "Acacia") if t in repr([summary, on_reason])] == []


def test_what_was_typed_is_not_audited(ctx: ServiceContext, force: Force, thompson: str) -> None:
    before = len(audit_rows(ctx.engine))
    search(ctx, force.officer, "Thomson")
    [row] = audit_rows(ctx.engine)[before:]
    assert row["after"] == {"records": [thompson], "matched": ["perpetrator's name, spelt one letter differently"]}
    assert "homson" not in repr(row).lower()


def test_a_corrected_person_is_found_by_the_new_details_only(ctx: ServiceContext, force: Force, thompson: str) -> None:
    corrections.correct(
        ctx,
        force.officer,
        thompson,
        {"perpetrator": PersonInput("Dean Thorpe", None, "3 Elm Row, Walsall WS1 1AB")},
        "name and address mistyped at entry",
    )
    assert found(search(ctx, force.officer, "Thompson")) == []
    assert found(search(ctx, force.officer, "B14 7QT")) == []
    assert found(search(ctx, force.officer, "Thorpe")) == [(thompson, Matched.PERPETRATOR)]
    assert found(search(ctx, force.officer, "WS1 1AB")) == [(thompson, Matched.PERPETRATOR_ADDRESS)]
    with Session(ctx.engine) as session:
        keys = set(session.exec(select(SearchTermKey.term)).all())
        words = set(session.exec(select(SearchTerm.term)).all())
    assert "thorpe" in keys and "thompson" not in keys  # a word's keys go with the last person who has it
    assert "thompson" not in words and "acacia" not in words


def test_every_typed_word_is_one_persons(ctx: ServiceContext, force: Force, thompson: str) -> None:
    """Dean Thompson protects no one called Harper: a name across two people on a record is no match."""
    assert found(search(ctx, force.officer, "Dean Harper")) == []
    assert found(search(ctx, force.officer, "Lucy Harper")) == [(thompson, Matched.PROTECTED)]
    assert found(search(ctx, force.officer, "Thompson Dean")) == [(thompson, Matched.PERPETRATOR)]


def test_a_record_handed_to_another_team_is_found_there_and_not_in_its_old_team(
    ctx: ServiceContext, force: Force, thompson: str
) -> None:
    teams.deactivate(ctx, force.admin, force.officer, force.other_officer)
    for typed, matched in (("Thompson", Matched.PERPETRATOR), ("Thomson", Matched.PERPETRATOR_NEAR)):
        assert found(search(ctx, force.other_officer, typed)) == [(thompson, matched)]
        assert found(search(ctx, force.colleague, typed)) == []
        assert found(search(ctx, force.supervisor, typed)) == []
    assert found(search(ctx, force.other_officer, "B14 7QT")) == [(thompson, Matched.PERPETRATOR_ADDRESS)]
    assert found(search(ctx, force.supervisor, "B14 7QT")) == []


def test_a_reason_for_one_record_finds_that_record_only(ctx: ServiceContext, force: Force, thompson: str) -> None:
    """Beyond their teams a name finds only the records the user gave a reason for, not the team's others."""
    other = records.record(
        ctx, force.officer, notice("2026-04-01 11:00", PersonInput("Gary Thompson"), "Jo Harper")
    ).reference
    assert found(search(ctx, force.champion, "Thompson")) == []
    records.view(ctx, force.champion, thompson, justification="MARAC review of repeat victim")
    assert found(search(ctx, force.champion, "Thompson")) == [(thompson, Matched.PERPETRATOR)]
    assert found(search(ctx, force.officer, "Thompson")) == [
        (thompson, Matched.PERPETRATOR),
        (other, Matched.PERPETRATOR),
    ]


def test_a_new_record_writes_the_words_its_people_give(ctx: ServiceContext, force: Force, thompson: str) -> None:
    """A new record's words come from its rows as written, not read back: the same as the words
    derived from the tables, with the keys of its name words, whoever shares a word with whom."""
    made = replace(
        notice("2026-04-01 12:00", PersonInput("Lee Thompson-Vale", None, ADDRESS), "Ann Vale"),
        protected=(PersonInput("Ann Vale", None, ADDRESS), PersonInput("Tom Vale", None, "B14 7QT")),
    )
    reference = records.record(ctx, force.officer, made).reference
    with Session(ctx.engine) as session:
        assert stored_terms(session) == derived_terms(session)
        assert set(session.exec(select(SearchTermKey.key, SearchTermKey.term)).all()) == derived_keys(session)
    assert reference in {hit for hit, _ in found(search(ctx, force.officer, "Vael"))}  # one letter out
    assert (reference, Matched.PROTECTED) in found(search(ctx, force.officer, "Tom Vale"))


def test_an_erased_record_leaves_no_words(ctx: ServiceContext, clock: ManualClock, force: Force, thompson: str) -> None:
    lifecycle.close(ctx, force.officer, thompson, "No further action needed")
    clock.advance(timedelta(days=366 * 7))
    retention.erase(ctx, force.admin, thompson, "MoPI review: no policing purpose remains")
    with Session(ctx.engine) as session:
        assert stored_terms(session) == derived_terms(session)
        words = {term for _, term, *_ in stored_terms(session)}
        keys = set(session.exec(select(SearchTermKey.term)).all())
    assert not {"thompson", "acacia", "b147qt", "harper"} & (words | keys)
    assert found(search(ctx, force.officer, "Thompson")) == []


def test_a_word_taken_up_while_its_last_holder_lets_it_go_keeps_its_keys(
    ctx: ServiceContext, force: Force, thompson: str
) -> None:
    # Read committed: B gives a second person the surname and has not committed when A corrects
    # the first away from it. A cannot see B's holder; unless it waits for B, it drops the keys
    # that B found there, and "Thomson" would never find B's person.
    if ctx.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has one writer at a time: the two writes cannot interleave")
    other = records.record(ctx, force.officer, notice("2026-04-01 11:00", PersonInput("Ray Cole"), "Ann Vale"))
    with Session(ctx.engine) as session:
        first = session.exec(select(Perpetrator).where(Perpetrator.full_name == "Dean Thompson")).one()
        second = session.exec(select(Perpetrator).where(Perpetrator.full_name == "Ray Cole")).one()
    taking_up = Session(ctx.engine)
    try:
        second = taking_up.get(Perpetrator, second.id)  # type: ignore[assignment]
        second.full_name = "Ray Thompson"
        index_person(taking_up, second)  # not committed yet
        waited = second_waits(ctx.engine, taking_up, lambda giving_up: _correct_away(giving_up, first.id))
    finally:
        taking_up.close()
    with Session(ctx.engine) as session:
        assert {"thompson", "thorpe"} <= set(session.exec(select(SearchTermKey.term)).all())
        assert set(session.exec(select(SearchTermKey.key, SearchTermKey.term)).all()) == derived_keys(session)
    assert found(search(ctx, force.officer, "Thomson")) == [(other.reference, Matched.PERPETRATOR_NEAR)]
    assert waited  # and so it saw the word's new holder


def test_a_new_record_taking_up_a_word_its_last_holder_lets_go_keeps_its_keys(
    ctx: ServiceContext, force: Force, thompson: str
) -> None:
    """The same race as above with a new record's words (index_new_order, one statement) taking the
    word up: its advisory lock is held until it commits, so the correction waits, then sees it."""
    if ctx.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has one writer at a time: the two writes cannot interleave")
    other = records.record(ctx, force.officer, notice("2026-04-01 11:00", PersonInput("Ray Cole"), "Ann Vale"))
    with Session(ctx.engine) as session:
        first = session.exec(select(Perpetrator).where(Perpetrator.full_name == "Dean Thompson")).one()
    taking_up = Session(ctx.engine)
    try:
        # The other record as if saved now against Ray Thompson: its words written afresh, not committed.
        order = taking_up.exec(select(ProtectionOrder).where(ProtectionOrder.reference == other.reference)).one()
        ray = Perpetrator(full_name="Ray Thompson", name_key=name_key("Ray Thompson"), created_at=order.created_at)
        ray.updated_at = order.created_at
        taking_up.add(ray)
        taking_up.flush()
        order.perpetrator_id = pk(ray)
        taking_up.execute(sa.delete(SearchTerm).where(col(SearchTerm.order_id) == order.id))
        index_new_order(taking_up, order, [ray, *_protected_of(taking_up, order)])
        waited = second_waits(ctx.engine, taking_up, lambda giving_up: _correct_away(giving_up, first.id))
    finally:
        taking_up.close()
    with Session(ctx.engine) as session:
        assert stored_terms(session) == derived_terms(session)
        # Every word's keys are there (Cole's stay too: the test took the word away without them).
        assert derived_keys(session) <= set(session.exec(select(SearchTermKey.key, SearchTermKey.term)).all())
    assert found(search(ctx, force.officer, "Thomson")) == [(other.reference, Matched.PERPETRATOR_NEAR)]
    assert waited  # and so it saw the word's new holder


def _protected_of(session: Session, order: ProtectionOrder) -> list[ProtectedPerson]:
    return list(
        session.exec(
            select(ProtectedPerson)
            .join(OrderProtectedPerson, col(OrderProtectedPerson.person_id) == ProtectedPerson.id)
            .where(OrderProtectedPerson.order_id == order.id)
        ).all()
    )


def _correct_away(session: Session, person_id: int | None) -> None:
    """Dean Thompson corrected to Dean Thorpe: his row lets the word "thompson" go."""
    mine = session.get(Perpetrator, person_id)
    assert mine is not None
    mine.full_name = "Dean Thorpe"
    index_person(session, mine)
