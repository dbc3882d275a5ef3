"""The words people are found by (models.search): one row per word per record the person is on,
with the record's team and reference, kept in step with every write, and the lookups a search
makes on them. Each lookup is a few index probes within the searcher's teams, whatever the scale.

Writes, each in the writer's unit of work:
- `index_new_order` for a record created in this transaction, from its rows in hand;
- `index_order` once a record's people change (a protected person added);
- `index_person` after a person's name or address is corrected (every record they are on);
- `index_teams` after records move to another team (a correction of the officer, a hand-on);
- `forget_records` when an erasure deletes records and people.
A name word's one-edit keys come with the word's first row and go with its last."""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from models import (
    OrderProtectedPerson,
    Perpetrator,
    ProtectedPerson,
    ProtectionOrder,
    SearchTerm,
    SearchTermKey,
    TermKind,
    metadata,
)
from models.types import pk
from rules.search_terms import FUZZY_FROM, address_terms, name_terms, one_edit_keys, within_one_edit
from services.new_rows import Also, from_json

PersonRow = Perpetrator | ProtectedPerson
NAME_KINDS = (TermKind.PERPETRATOR_NAME, TermKind.PROTECTED_NAME)
PERPETRATOR_KINDS = (TermKind.PERPETRATOR_NAME, TermKind.PERPETRATOR_ADDRESS)
Term = tuple[str, str, int, str, int, int]  # kind, term, team_id, reference, order_id, subject_id
COLUMNS = ("kind", "term", "team_id", "reference", "order_id", "subject_id")
KEY_LOCKS = 0x5E4C  # the seed of the advisory lock ids of name words' keys (pg_advisory_xact_lock)


def kinds_of(person: PersonRow | type[PersonRow]) -> tuple[TermKind, TermKind]:
    if person is Perpetrator or isinstance(person, Perpetrator):
        return TermKind.PERPETRATOR_NAME, TermKind.PERPETRATOR_ADDRESS
    return TermKind.PROTECTED_NAME, TermKind.PROTECTED_ADDRESS


def person_terms(
    who: type[PersonRow], person_id: int, full_name: str, address: str | None, order: tuple[int, int, str]
) -> list[Term]:
    """A person's words on one record (order: its id, team and reference)."""
    name_kind, address_kind = kinds_of(who)
    order_id, team_id, reference = order
    return [
        (name_kind.value, word, team_id, reference, order_id, person_id) for word in sorted(name_terms(full_name))
    ] + [
        (address_kind.value, word, team_id, reference, order_id, person_id)
        for word in sorted(address_terms(address or ""))
    ]


def derived_terms(session: Session, order_ids: Collection[int] | None = None) -> set[Term]:
    """The rows the records (all, or those of order_ids) and their people give now."""
    scope = [] if order_ids is None else [col(ProtectionOrder.id).in_(sorted(order_ids))]
    record = (col(ProtectionOrder.id), col(ProtectionOrder.team_id), col(ProtectionOrder.reference))
    perpetrators = session.execute(
        sa.select(*record, col(Perpetrator.id), col(Perpetrator.full_name), col(Perpetrator.address))
        .join(Perpetrator, col(Perpetrator.id) == ProtectionOrder.perpetrator_id)
        .where(*scope)
    ).all()
    protected = session.execute(
        sa.select(*record, col(ProtectedPerson.id), col(ProtectedPerson.full_name), col(ProtectedPerson.address))
        .join(OrderProtectedPerson, col(OrderProtectedPerson.order_id) == ProtectionOrder.id)
        .join(ProtectedPerson, col(ProtectedPerson.id) == OrderProtectedPerson.person_id)
        .where(*scope)
    ).all()
    found: set[Term] = set()
    for who, rows in ((Perpetrator, perpetrators), (ProtectedPerson, protected)):
        for order_id, team_id, reference, person_id, full_name, address in rows:
            found.update(person_terms(who, person_id, full_name, address, (order_id, team_id, reference)))
    return found


def index_order(session: Session, order: ProtectionOrder) -> None:
    """The record's words as its people are now: after its people are linked."""
    assert order.id is not None
    session.flush()
    mine = col(SearchTerm.order_id) == order.id
    _replace(session, [mine], sorted(derived_terms(session, [order.id])))


def index_new_order(session: Session, order: ProtectionOrder, people: Sequence[PersonRow]) -> None:
    """The words of a record created in this transaction, from its people as written (`people`:
    every person it is on, as linked). It has no words yet, so none are read or deleted; a record's
    save writes its words, and the new words' keys under their locks, in one statement on PostgreSQL
    (new_order_words, which a record's save sends with its rows)."""
    if session.get_bind().dialect.name != "postgresql":
        rows = _new_order_terms(order, people)
        if rows:
            session.execute(sa.insert(SearchTerm), [dict(zip(COLUMNS, row, strict=True)) for row in rows])
            _add_keys(session, _name_words(rows))  # SQLite has one writer at a time: nothing to lock
        return
    if (words := new_order_words(order, people)) is not None:
        session.execute(words.statement, words.params)


def new_order_words(order: ProtectionOrder, people: Sequence[PersonRow]) -> Also | None:
    """PostgreSQL: the statement adding a new record's words and their keys (None: it has none),
    to send with the record's rows (services.new_rows) or on its own (index_new_order)."""
    rows = _new_order_terms(order, people)
    if not rows:
        return None
    words = _name_words(rows)
    keys = [(key, word) for word in words for key in sorted(one_edit_keys(word))]
    # Each list as one JSON text: psycopg dumps an array parameter element by element in Python,
    # which cost a record's save more than all its other parameters together.
    return Also(
        _NEW_WORDS,
        {
            "new_words": json.dumps([dict(zip(COLUMNS, row, strict=True)) for row in rows]),
            "words": json.dumps(words),
            "keys": json.dumps([{"key": key, "term": word} for key, word in keys]),
        },
    )


def _new_order_terms(order: ProtectionOrder, people: Sequence[PersonRow]) -> list[Term]:
    assert order.id is not None
    on = (order.id, order.team_id, order.reference)
    return sorted(
        {
            term
            for person in people
            for term in person_terms(type(person), pk(person), person.full_name, person.address, on)
        }
    )


def _name_words(rows: Iterable[Term]) -> list[str]:
    return sorted({row[1] for row in rows if row[0] in NAME_KINDS})


def _new_words() -> sa.Insert:
    """PostgreSQL: insert a new record's words and the keys of its name words, under the same
    advisory locks, in the same order, as `_replace` takes (see `_lock_keys`). The locks are a
    one-time filter of the keys' INSERT, so they are held before any key is written; the words'
    INSERT is a data-modifying WITH, which runs whatever the main statement reads."""

    terms, term_keys = metadata.tables[SearchTerm.__tablename__], metadata.tables[SearchTermKey.__tablename__]
    add_words = (
        sa.insert(terms)
        .from_select(COLUMNS, from_json(terms, COLUMNS, "new_words", "json_populate_recordset"))
        .cte("add_words")
    )
    word = sa.func.json_array_elements_text(sa.cast(sa.bindparam("words", type_=sa.Text), postgresql.JSON))
    ordered = sa.select(word.table_valued("word").render_derived().c.word).order_by("word").subquery()
    lock = sa.func.pg_advisory_xact_lock(sa.func.hashtextextended(ordered.c.word, KEY_LOCKS))
    locked = sa.select(sa.func.count(lock)).select_from(ordered).scalar_subquery()
    keys = from_json(term_keys, ("key", "term"), "keys", "json_populate_recordset").where(locked >= 0)
    return postgresql.insert(term_keys).from_select(["key", "term"], keys).on_conflict_do_nothing().add_cte(add_words)


_NEW_WORDS = _new_words()  # built once, so its cache key (for the compiled SQL) is worked out once


def index_person(session: Session, person: PersonRow) -> None:
    """The person's words as they are now, on every record they are on: the old ones go, the new ones come."""
    assert person.id is not None
    session.flush()
    name_kind, address_kind = kinds_of(person)
    if isinstance(person, Perpetrator):
        orders = select(ProtectionOrder.id, ProtectionOrder.team_id, ProtectionOrder.reference).where(
            ProtectionOrder.perpetrator_id == person.id
        )
    else:
        orders = (
            select(ProtectionOrder.id, ProtectionOrder.team_id, ProtectionOrder.reference)
            .join(OrderProtectedPerson, col(OrderProtectedPerson.order_id) == ProtectionOrder.id)
            .where(OrderProtectedPerson.person_id == person.id)
        )
    on = session.exec(orders).all()
    rows = [
        term
        for order in on
        for term in person_terms(type(person), person.id, person.full_name, person.address, tuple(order))  # type: ignore[arg-type]
    ]
    # By the records they are on (ix_search_term_order): a person has words only on a record.
    mine = [
        col(SearchTerm.order_id).in_(sorted(order_id for order_id, _, _ in on)),
        col(SearchTerm.kind).in_([name_kind, address_kind]),
        col(SearchTerm.subject_id) == person.id,
    ]
    _replace(session, mine, rows)


def index_teams(session: Session, orders: Iterable[ProtectionOrder]) -> None:
    """Records moved to another team: their words move with them."""
    for order in orders:
        session.execute(sa.update(SearchTerm).where(col(SearchTerm.order_id) == order.id).values(team_id=order.team_id))


def forget_records(session: Session, order_ids: Collection[int]) -> dict[str, int]:
    """Delete the words of erased records (and so of their people), and the keys of name words no
    one has any more: rows deleted by table."""
    # Erasure takes whole families: every record an erased person is on is erased with them.
    where = col(SearchTerm.order_id).in_(sorted(order_ids))
    words = set(session.exec(select(SearchTerm.term).where(where, col(SearchTerm.kind).in_(NAME_KINDS))).all())
    result = session.execute(sa.delete(SearchTerm).where(where))
    _lock_keys(session, words)
    return {
        str(SearchTerm.__tablename__): int(getattr(result, "rowcount", 0)),
        str(SearchTermKey.__tablename__): _drop_keys(session, words),
    }


def _replace(session: Session, mine: Sequence[Any], rows: Sequence[Term]) -> None:
    """The rows matching `mine` become `rows`; name words' keys follow."""
    old = set(session.exec(select(SearchTerm.term).where(*mine, col(SearchTerm.kind).in_(NAME_KINDS))).all())
    session.execute(sa.delete(SearchTerm).where(*mine))
    if rows:
        session.execute(sa.insert(SearchTerm), [dict(zip(COLUMNS, row, strict=True)) for row in rows])
    new = {row[1] for row in rows if row[0] in NAME_KINDS}
    _lock_keys(session, new | old)
    _add_keys(session, new)
    _drop_keys(session, old - new)


def _lock_keys(session: Session, words: Collection[str]) -> None:
    """Hold the keys of `words` until commit. Without it, under PostgreSQL's read committed, a write
    dropping a word's keys (its last holder corrected or erased) cannot see another's uncommitted
    new holder of the word, deletes the keys that one found already there, and a one-letter-out
    search would miss the new holder for good. With it the second of the two waits, and then sees
    the first's outcome: its keys are put back, or not dropped. SQLite has one writer at a time."""
    if not words or session.get_bind().dialect.name != "postgresql":
        return
    # In one order, so two writes locking some of the same words cannot deadlock.
    ordered = (
        sa.select(sa.func.unnest(sa.literal(sorted(words), postgresql.ARRAY(sa.Text))).label("word"))
        .order_by("word")
        .subquery()
    )
    lock = sa.func.pg_advisory_xact_lock(sa.func.hashtextextended(ordered.c.word, KEY_LOCKS))
    session.execute(sa.select(lock).select_from(ordered))


def _add_keys(session: Session, words: Collection[str]) -> None:
    keys = [{"key": key, "term": word} for word in sorted(words) for key in sorted(one_edit_keys(word))]
    if not keys:
        return
    # Two records with a new surname may be saved at once: the second's keys are already there.
    dialect = session.get_bind().dialect.name
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(SearchTermKey)
    session.execute(insert.on_conflict_do_nothing(), keys)


def _drop_keys(session: Session, words: Collection[str]) -> int:
    """Delete the keys of those of `words` no record's person has in their name any more."""
    if not words:
        return 0
    still_used = select(SearchTerm.term).where(
        col(SearchTerm.kind).in_(NAME_KINDS), col(SearchTerm.term).in_(sorted(words))
    )
    gone = sorted(set(words) - set(session.exec(still_used).all()))
    if not gone:
        return 0
    result = session.execute(sa.delete(SearchTermKey).where(col(SearchTermKey.term).in_(gone)))
    return int(getattr(result, "rowcount", 0))


def similar_words(session: Session, typed: str) -> set[str]:
    """Stored name words within one edit of a typed word (the word itself included if stored)."""
    if len(typed) < FUZZY_FROM:
        return {typed}
    candidates = session.exec(
        select(SearchTermKey.term).where(col(SearchTermKey.key).in_(sorted(one_edit_keys(typed)))).distinct()
    ).all()
    return {typed} | {word for word in candidates if within_one_edit(typed, word)}


def records_having_words(
    session: Session,
    kind: TermKind,
    choices: Sequence[Collection[str]],
    *,
    teams: Collection[int],
    records: Collection[int],
    limit: int,
) -> list[int] | None:
    """Records (protection_order ids, in reference order, at most `limit`) of `teams` or among
    `records` with a person of a kind having, for each set of choices, one of its words. None if
    nothing was typed. The scope is part of the index lookup: a common surname costs its matches
    within the searcher's teams, not force-wide."""
    if not choices:
        return None
    scope = []
    if teams:
        scope.append(col(SearchTerm.team_id).in_(sorted(teams)))
    if records:
        scope.append(col(SearchTerm.order_id).in_(sorted(records)))
    if not scope:
        return []
    # Each word is its own scoped index range, and the people having them all are their
    # intersection: the same plan whatever the words, with no guess at which word is the rarest.
    arms: list[Any] = [
        sa.select(col(SearchTerm.order_id), col(SearchTerm.subject_id), col(SearchTerm.reference)).where(
            col(SearchTerm.kind) == kind, col(SearchTerm.term).in_(sorted(words)), sa.or_(*scope)
        )
        for words in choices
    ]
    having: Any = (arms[0].intersect(*arms[1:]) if len(arms) > 1 else arms[0]).subquery()
    rows = session.execute(
        sa.select(having.c.order_id, having.c.reference).distinct().order_by(having.c.reference).limit(limit)
    ).all()
    return [order_id for order_id, _ in rows]
