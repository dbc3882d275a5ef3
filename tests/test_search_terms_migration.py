"""Migration 0024 gives the records already on file the same search words and keys that writing
them today gives (services.people.search_index), on both databases, and its downgrade gives back
0020's words of every person."""

from __future__ import annotations

from dataclasses import replace

import sqlalchemy as sa
from sqlmodel import Session

from models.schema import upgrade
from rules.search_terms import address_terms, name_terms
from services.context import ServiceContext
from services.people.search_index import derived_terms
from services.records import corrections
from services.records import recording as records
from services.records.order_writer import PersonInput
from tests.support.casework import Seeded, notice
from tests.support.force import Force
from tests.support.migrations import undo
from tests.support.search_terms import derived_keys, stored_terms


def test_records_on_file_before_the_migration_are_found_as_if_written_today(
    ctx: ServiceContext, force: Force, casework: Seeded
) -> None:
    amy = PersonInput("Amy Grant", None, "Flat 2, 9 Mill Lane, B12 9QT")
    made = notice("2026-04-01 10:00", PersonInput("Dean Thompson", None, "14 Acacia Avenue, B14 7QT"), "Lucy Harper")
    reference = records.record(ctx, force.officer, replace(made, protected=(amy,))).reference
    corrections.correct(
        ctx, force.officer, reference, {"perpetrator": PersonInput("Dean Thorpe")}, "name mistyped at entry"
    )
    engine = ctx.engine
    with Session(engine) as session:
        written, keys = stored_terms(session), derived_keys(session)
        assert written == derived_terms(session)
    assert ("perpetrator_name", "thorpe") in {(kind, term) for kind, term, *_ in written}
    assert ("protected_address", "b129qt") in {(kind, term) for kind, term, *_ in written}

    undo(engine, "0024")
    with engine.connect() as connection:
        old = set(connection.execute(sa.text("SELECT kind, subject_id, term FROM search_term")).all())
        people = [
            (who, *row)
            for who, table in (("perpetrator", "perpetrator"), ("protected", "protected_person"))
            for row in connection.execute(sa.text(f"SELECT id, full_name, address FROM {table}")).all()
        ]
    assert old == {
        (f"{who}_{field}", person_id, word)
        for who, person_id, full_name, address in people
        for field, words in (("name", name_terms(full_name)), ("address", address_terms(address or "")))
        for word in words
    }

    upgrade(engine)
    with Session(engine) as session:
        assert stored_terms(session) == written
        assert derived_keys(session) == keys
        stored_keys = {tuple(row) for row in session.execute(sa.text("SELECT key, term FROM search_term_key")).all()}
    assert stored_keys == keys
