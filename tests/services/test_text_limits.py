"""Free text longer than its column is refused by the services themselves, with a message and the
field, so every front end (Slack, console, command line) gets the same answer and nothing is written."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from services.context import ServiceContext
from services.errors import ValidationFailed
from services.governance import staff
from services.records import breaches, checks, hearings, lifecycle
from services.records import recording as records
from tests.services.test_breaches import dvpn
from tests.support.database import row_counts
from tests.support.force import Force, london

REF = "WM-DVPN-2026-0001"


@pytest.mark.parametrize(
    ("call", "field", "message"),
    [
        (
            lambda c, f: hearings.book_hearing(c, f.officer, REF, london("2026-04-03 10:00"), "C" * 201),
            "court",
            "The court's name is too long: 201 characters, at most 200.",
        ),
        (
            lambda c, f: breaches.record_breach(
                c, f.officer, REF, london("2026-04-02 20:30"), crime_reference="9" * 41
            ),
            "crime_reference",
            "The crime reference is too long: 41 characters, at most 40.",
        ),
        (
            lambda c, f: breaches.add_crime_reference(c, f.officer, REF, "9" * 41),
            "crime_reference",
            "The crime reference is too long",
        ),
        (
            lambda c, f: checks.complete_check(c, f.officer, REF, london("2026-04-02 20:45"), "x" * 501),
            "outcome",
            "The outcome is too long: 501 characters, at most 500.",
        ),
        (lambda c, f: lifecycle.close(c, f.officer, REF, "r" * 501), "reason", "The reason is too long"),
        (lambda c, f: staff.create_team(c, f.admin, "T" * 81), "name", "The team name is too long"),
    ],
)
def test_over_long_text_is_refused_on_its_field_and_nothing_is_written(
    ctx: ServiceContext, force: Force, call: Callable[[ServiceContext, Force], object], field: str, message: str
) -> None:
    records.record(ctx, force.officer, dvpn())
    before = row_counts(ctx.engine)

    with pytest.raises(ValidationFailed) as refused:
        call(ctx, force)

    assert refused.value.field == field
    assert message in refused.value.message
    assert row_counts(ctx.engine) == before
