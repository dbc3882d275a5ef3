"""The one date parser: day first, Europe/London, relative to the injected clock."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from services.errors import DomainError
from services.when import Kind, parse_when, show
from tests.support.force import london

TZ = ZoneInfo("Europe/London")
NOW = london("2026-11-21 09:00")  # a Saturday


@pytest.mark.parametrize(
    "text, kind, expected",
    [
        ("2/4/2026 20:00", "breach", "Thu 02 Apr 2026 20:00 BST"),
        ("2026-04-02 20:00", "breach", "Thu 02 Apr 2026 20:00 BST"),
        ("friday 17:30", "breach", "Fri 20 Nov 2026 17:30 GMT"),
        ("friday 17:30", "hearing", "Fri 27 Nov 2026 17:30 GMT"),
        ("yesterday 9pm", "breach", "Fri 20 Nov 2026 21:00 GMT"),
        ("now", "breach", "Sat 21 Nov 2026 09:00 GMT"),
        ("2026-04-02T19:00:00Z", "breach", "Thu 02 Apr 2026 20:00 BST"),
    ],
)
def test_parsing(text: str, kind: Kind, expected: str) -> None:
    assert show(parse_when(text, now=NOW, tz=TZ, kind=kind), TZ) == expected


@pytest.mark.parametrize("text", ["", "   ", "soonish"])
def test_unreadable_text_says_how_to_write_it(text: str) -> None:
    with pytest.raises(DomainError) as refused:
        parse_when(text, now=NOW, tz=TZ, kind="service", field="served_at")
    assert refused.value.field == "served_at"
    assert "2/4/2026 20:00" in refused.value.message
