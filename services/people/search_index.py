"""The words people are found by (models.search), kept in step with every write of a person, and
the lookups a search makes on them. Each lookup is a few exact index probes, whatever the scale.

Writes: `index_person` after a person is created or corrected (in the same unit of work), and
`forget_people` when an erasure deletes people, which also drops a name word's one-edit keys once
no one's name has the word."""

from __future__ import annotations

from collections.abc import Collection, Sequence

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, select

from models import Perpetrator, ProtectedPerson, SearchTerm, SearchTermKey, TermKind
from rules.search_terms import FUZZY_FROM, address_terms, name_terms, one_edit_keys, within_one_edit

PersonRow = Perpetrator | ProtectedPerson
NAME_KINDS = (TermKind.PERPETRATOR_NAME, TermKind.PROTECTED_NAME)
PERPETRATOR_KINDS = (TermKind.PERPETRATOR_NAME, TermKind.PERPETRATOR_ADDRESS)


def kinds_of(person: PersonRow) -> tuple[TermKind, TermKind]:
    if isinstance(person, Perpetrator):
        return TermKind.PERPETRATOR_NAME, TermKind.PERPETRATOR_ADDRESS
    return TermKind.PROTECTED_NAME, TermKind.PROTECTED_ADDRESS


def index_person(session: Session, person: PersonRow) -> None:
    """The person's words as they are now: the old ones go, the new ones come."""
    assert person.id is not None
    name_kind, address_kind = kinds_of(person)
    session.execute(
        sa.delete(SearchTerm).where(
            col(SearchTerm.subject_id) == person.id, col(SearchTerm.kind).in_([name_kind, address_kind])
        )
    )
    names = name_terms(person.full_name)
    rows = [{"kind": name_kind.value, "subject_id": person.id, "term": word} for word in sorted(names)]
    rows += [
        {"kind": address_kind.value, "subject_id": person.id, "term": word}
        for word in sorted(address_terms(person.address or ""))
    ]
    if rows:
        session.execute(sa.insert(SearchTerm), rows)
    _add_keys(session, names)


def _add_keys(session: Session, words: Collection[str]) -> None:
    keys = [{"key": key, "term": word} for word in sorted(words) for key in sorted(one_edit_keys(word))]
    if not keys:
        return
    # Two people with a new surname may be saved at once: the second's keys are already there.
    dialect = session.get_bind().dialect.name
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(SearchTermKey)
    session.execute(insert.on_conflict_do_nothing(), keys)


def forget_people(session: Session, perpetrator_ids: Collection[int], protected_ids: Collection[int]) -> dict[str, int]:
    """Delete erased people's words, and the keys of name words no one has any more: rows deleted by table."""
    subjects = [
        (TermKind.PERPETRATOR_NAME, TermKind.PERPETRATOR_ADDRESS, perpetrator_ids),
        (TermKind.PROTECTED_NAME, TermKind.PROTECTED_ADDRESS, protected_ids),
    ]
    words: set[str] = set()
    deleted = {str(SearchTerm.__tablename__): 0, str(SearchTermKey.__tablename__): 0}
    for name_kind, address_kind, ids in subjects:
        if not ids:
            continue
        mine = [col(SearchTerm.subject_id).in_(sorted(ids))]
        words.update(session.exec(select(SearchTerm.term).where(SearchTerm.kind == name_kind, *mine)).all())
        result = session.execute(
            sa.delete(SearchTerm).where(col(SearchTerm.kind).in_([name_kind, address_kind]), *mine)
        )
        deleted[str(SearchTerm.__tablename__)] += int(getattr(result, "rowcount", 0))
    still_used = select(SearchTerm.term).where(
        col(SearchTerm.kind).in_(NAME_KINDS), col(SearchTerm.term).in_(sorted(words))
    )
    gone = sorted(words - set(session.exec(still_used).all()))
    if gone:
        result = session.execute(sa.delete(SearchTermKey).where(col(SearchTermKey.term).in_(gone)))
        deleted[str(SearchTermKey.__tablename__)] = int(getattr(result, "rowcount", 0))
    return deleted


def similar_words(session: Session, typed: str) -> set[str]:
    """Stored name words within one edit of a typed word (the word itself included if stored)."""
    if len(typed) < FUZZY_FROM:
        return {typed}
    candidates = session.exec(
        select(SearchTermKey.term).where(col(SearchTermKey.key).in_(sorted(one_edit_keys(typed)))).distinct()
    ).all()
    return {typed} | {word for word in candidates if within_one_edit(typed, word)}


def having_words(kind: TermKind, choices: Sequence[Collection[str]]) -> ColumnElement[bool] | None:
    """People of a kind having, for each set of choices, one of its words: a filter on the subject
    id column of `kind` (e.g. Perpetrator.id). None if nothing was typed."""
    query = None
    for words in choices:
        step = select(SearchTerm.subject_id).where(SearchTerm.kind == kind, col(SearchTerm.term).in_(sorted(words)))
        if query is not None:
            step = step.where(col(SearchTerm.subject_id).in_(query))
        query = step
    if query is None:
        return None
    subject = (
        Perpetrator.id if kind in (TermKind.PERPETRATOR_NAME, TermKind.PERPETRATOR_ADDRESS) else ProtectedPerson.id
    )
    return col(subject).in_(query)
