"""Reading a submitted modal's state, and turning typed text into values field by field so every
problem in the form is reported at once, inline, on its own field."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any, TypeVar

from rules.validation import Violation
from services.errors import DomainError, ValidationFailed
from services.when import DEFAULT_PAST_EVENT_DAYS, Kind, date_of_birth, parse_when

T = TypeVar("T")


class FormValues:
    def __init__(
        self, view: dict[str, Any], *, now: datetime, tz: Any, past_event_days: int = DEFAULT_PAST_EVENT_DAYS
    ) -> None:
        self.values: dict[str, dict[str, Any]] = view.get("state", {}).get("values", {})
        self.now = now
        self.tz = tz
        self.past_event_days = past_event_days
        self.problems: list[Violation] = []
        # What each text field was opened with (a correction form comes filled in), to tell a value
        # the user typed from one they left as it was.
        self.initial: dict[str, str] = {
            str(block["block_id"]): str(block["element"]["initial_value"])
            for block in view.get("blocks", [])
            if block.get("type") == "input" and "initial_value" in block.get("element", {})
        }

    def _element(self, block_id: str) -> dict[str, Any]:
        elements = self.values.get(block_id) or {}
        return next(iter(elements.values()), {}) if elements else {}

    def text(self, block_id: str) -> str | None:
        value = self._element(block_id).get("value")
        return value.strip() or None if isinstance(value, str) else None

    def typed(self, block_id: str) -> bool:
        """Whether the field holds something other than what the form was opened with."""
        return self.text(block_id) != ((self.initial.get(block_id) or "").strip() or None)

    def day(self, block_id: str) -> date | None:
        value = self._element(block_id).get("selected_date")
        return date.fromisoformat(value) if value else None

    def date_of_birth(self, block_id: str) -> date | None:
        """A picked date of birth, inside the plausible years (services/when.py)."""
        picked = self.day(block_id)
        today = self.now.astimezone(self.tz).date()
        return self.read(block_id, lambda: date_of_birth(picked, today=today, field=block_id))

    def choice(self, block_id: str) -> str | None:
        selected = self._element(block_id).get("selected_option")
        return str(selected["value"]) if selected else None

    def user(self, block_id: str) -> str | None:
        value = self._element(block_id).get("selected_user")
        return str(value) if value else None

    def checked(self, block_id: str) -> bool:
        return bool(self._element(block_id).get("selected_options"))

    def when(self, block_id: str, *, kind: Kind, required: bool = True, text: str | None = None) -> datetime | None:
        """The field's time; `text` reads that instead of what the field holds (a word taken off it)."""
        text = text if text is not None else self.text(block_id)
        if text is None:
            if required:
                self.problems.append(Violation(block_id, "Give a date and time, e.g. today 20:00."))
            return None
        return self.read(
            block_id,
            lambda: parse_when(
                text, now=self.now, tz=self.tz, kind=kind, field=block_id, past_event_days=self.past_event_days
            ),
        )

    def read(self, block_id: str, parse: Callable[[], T]) -> T | None:
        """Run a parser; a DomainError becomes this field's problem instead of stopping the form."""
        try:
            return parse()
        except DomainError as error:
            self.problems.append(Violation(block_id, error.message))
            return None

    def raise_problems(self) -> None:
        if self.problems:
            raise ValidationFailed(self.problems)
