"""What people are found by: the words of their names and addresses (rules.search_terms), kept on
every write of a person so a search by surname, first name, a near spelling, an address or a
postcode is an index lookup at any scale, answered the same way by every database."""

from __future__ import annotations

from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from rules.search_terms import TERM_MAX


class TermKind(StrEnum):
    """Whose word, and from which field: the subject is a perpetrator or a protected person."""

    PERPETRATOR_NAME = "perpetrator_name"
    PROTECTED_NAME = "protected_name"
    PERPETRATOR_ADDRESS = "perpetrator_address"
    PROTECTED_ADDRESS = "protected_address"


class SearchTerm(SQLModel, table=True):
    """One word of one person's name or address. Personal data: erased with the person."""

    __tablename__ = "search_term"
    __table_args__ = (
        # A lookup by word answers from the index alone (the subject id is in it).
        sa.Index("ix_search_term_lookup", "kind", "term", "subject_id"),
        sa.Index("ix_search_term_subject", "subject_id", "kind"),
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=24)  # a TermKind
    subject_id: int  # perpetrator.id or protected_person.id, as the kind says
    term: str = Field(max_length=TERM_MAX)


class SearchTermKey(SQLModel, table=True):
    """A name word's one-edit keys (rules.search_terms.one_edit_keys): each key row points at the
    word it came from. Kept only while some person's name has the word."""

    __tablename__ = "search_term_key"

    key: str = Field(max_length=TERM_MAX, primary_key=True)
    term: str = Field(max_length=TERM_MAX, primary_key=True)
