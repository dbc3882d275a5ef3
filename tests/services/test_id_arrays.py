"""A list of ids or references sent as one value finds exactly the rows named: references with a
quote, a comma, a brace or a backslash in them too, and none for an empty list; on both databases."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from models.db import is_postgres
from services.reporting.id_arrays import among

NAMES = ["WM-DVPN-2026-0001", 'odd "quoted"', "a,b", "{brace}", "back\\slash", "WM-DVPN-2026-0002"]


@pytest.mark.parametrize(
    "wanted",
    [NAMES[:1], NAMES[1:5], NAMES, []],
    ids=["one", "awkward characters", "all", "none"],
)
def test_references_among_a_list_find_those_named(engine: Engine, wanted: list[str]) -> None:
    table = sa.table("named", sa.column("id", sa.Integer), sa.column("reference", sa.String))
    with engine.begin() as connection:
        connection.execute(sa.text("CREATE TEMPORARY TABLE named (id integer, reference varchar(40))"))
        connection.execute(table.insert(), [{"id": n, "reference": r} for n, r in enumerate(NAMES)])
        postgres = is_postgres(engine)
        by_reference = connection.execute(
            sa.select(table.c.reference).where(among(table.c.reference, wanted, postgres=postgres))
        )
        by_id = connection.execute(
            sa.select(table.c.reference).where(among(table.c.id, [NAMES.index(r) for r in wanted], postgres=postgres))
        )
        found = sorted(by_reference.scalars()), sorted(by_id.scalars())
        connection.execute(sa.text("DROP TABLE named"))  # the pooled connection outlives the test
    assert found == (sorted(wanted), sorted(wanted))
