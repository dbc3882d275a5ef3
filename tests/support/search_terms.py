"""What the search index holds, and the keys its words should have: the oracles the search
tests compare services.people.search_index's rows with."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session, col, select

from models import SearchTerm
from rules.search_terms import one_edit_keys
from services.people.search_index import COLUMNS, NAME_KINDS, Term


def stored_terms(session: Session) -> set[Term]:
    rows = session.execute(sa.select(*(getattr(SearchTerm, c) for c in COLUMNS))).all()
    return {(str(k), str(t), int(team), str(ref), int(order), int(subject)) for k, t, team, ref, order, subject in rows}


def derived_keys(session: Session) -> set[tuple[str, str]]:
    """The one-edit keys of every name word some record's person has."""
    words = session.exec(select(SearchTerm.term).where(col(SearchTerm.kind).in_(NAME_KINDS)).distinct()).all()
    return {(key, word) for word in words for key in one_edit_keys(word)}
