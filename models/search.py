"""What people are found by: the words of their names and addresses (rules.search_terms), one row
per word per record they are on, carrying the record's team and reference, so a search by surname,
first name, a near spelling, an address or a postcode is one index lookup within the searcher's
teams (and the records they gave a reason for), at any scale, answered the same way by every
database. Kept on every write of a person, of a record's people or team, and on erasure."""

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
    """One word of the name or address of one person on one record (protection_order). Personal
    data: erased with the record. A copy of the record's team and reference: the search's scope
    and order are part of the lookup (services.people.search_index keeps them in step)."""

    __tablename__ = "search_term"
    __table_args__ = (
        # A lookup by word within the searcher's teams answers from the index alone, in reference order.
        sa.Index("ix_search_term_lookup", "kind", "term", "team_id", "reference", "order_id", "subject_id"),
        # Records given a reason for, and rewriting a record's or a corrected person's rows.
        sa.Index("ix_search_term_order", "order_id", "kind", "subject_id", "term"),
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=24)  # a TermKind
    term: str = Field(max_length=TERM_MAX)
    team_id: int  # protection_order.team_id
    reference: str = Field(max_length=32)  # protection_order.reference
    order_id: int  # protection_order.id
    subject_id: int  # perpetrator.id or protected_person.id, as the kind says


class SearchTermKey(SQLModel, table=True):
    """A name word's one-edit keys (rules.search_terms.one_edit_keys): each key row points at the
    word it came from. Kept exactly while some record's person has the word in their name."""

    __tablename__ = "search_term_key"

    key: str = Field(max_length=TERM_MAX, primary_key=True)
    term: str = Field(max_length=TERM_MAX, primary_key=True)
