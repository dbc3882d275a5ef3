"""Migration 0020 gives the people already on record the same search words and keys that writing
them today gives (services.people.search_index), on both databases."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import command
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from models import Perpetrator, ProtectedPerson, SearchTerm, SearchTermKey
from models.schema import alembic_config, upgrade
from services.people.search_index import index_person

PEOPLE = [
    ("perpetrator", 1, "Dean Thompson", "14 Acacia Avenue, Birmingham B14 7QT"),
    ("perpetrator", 2, "O'Brien-Smith, Seán", None),
    ("protected_person", 1, "Lucy Harper", "Flat 2, 9 Mill Lane, B12 9QT"),
    ("protected_person", 2, "Zoë Thompson", None),
]


def words(engine: Engine) -> tuple[set[tuple[str, int, str]], set[tuple[str, str]]]:
    with Session(engine) as session:
        terms = {(t.kind, t.subject_id, t.term) for t in session.exec(select(SearchTerm))}
        keys = {(k.key, k.term) for k in session.exec(select(SearchTermKey))}
    return terms, keys


def test_people_on_record_before_the_migration_are_found_as_if_written_today(engine: Engine) -> None:
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0015")
    now = datetime(2026, 4, 2, tzinfo=UTC)
    with engine.begin() as connection:
        for table, person_id, name, address in PEOPLE:
            connection.execute(
                sa.text(
                    f"INSERT INTO {table} (id, full_name, name_key, address, created_at, updated_at) "
                    "VALUES (:id, :name, '', :address, :now, :now)"
                ),
                {"id": person_id, "name": name, "address": address, "now": now},
            )
    upgrade(engine)
    migrated = words(engine)
    assert ("perpetrator_address", 1, "b147qt") in migrated[0] and ("protected_name", 2, "zoe") in migrated[0]
    assert ("thomson", "thompson") in migrated[1]

    with Session(engine) as session:
        for person in [*session.exec(select(Perpetrator)), *session.exec(select(ProtectedPerson))]:
            index_person(session, person)
        session.commit()
    assert words(engine) == migrated
