"""Domain errors: each carries what to tell the user (services/wording.py: plain sentences, or
with the command to type and the people named, for the front end to render) and, for forms, the
field it belongs to."""

from __future__ import annotations

from collections.abc import Iterable

from rules.validation import Violation
from services.wording import Text, parts, plain


class DomainError(Exception):
    """Something the user can fix. `wording` is safe to show them (front ends render it); it never
    holds personal data. `message` is the same without any front end's markup, for logs."""

    def __init__(self, message: Text, field: str | None = None) -> None:
        self.wording = parts(message)
        self.message = plain(message)
        super().__init__(self.message)
        self.field = field

    @property
    def field_errors(self) -> dict[str, str]:
        return {self.field: self.message} if self.field else {}

    @property
    def field_wordings(self) -> dict[str, Text]:
        return {self.field: self.wording} if self.field else {}


class ValidationFailed(DomainError):
    """One or more inputs break a rule. Every problem is reported at once."""

    def __init__(self, violations: Iterable[Violation]) -> None:
        self.violations = list(violations)
        if not self.violations:
            raise ValueError("ValidationFailed needs at least one violation")
        super().__init__(" ".join(v.message for v in self.violations), self.violations[0].field)

    @property
    def field_errors(self) -> dict[str, str]:
        errors: dict[str, str] = {}
        for violation in self.violations:
            errors[violation.field] = (
                f"{errors[violation.field]} {violation.message}" if violation.field in errors else violation.message
            )
        return errors

    @property
    def field_wordings(self) -> dict[str, Text]:
        return dict(self.field_errors)


class NotAllowed(DomainError):
    """The acting user's role or team does not permit this."""


class NotFound(DomainError):
    """No record answers to that reference."""


class Conflict(DomainError):
    """The record's state does not allow this now (e.g. an outcome for a closed notice)."""


def raise_if_any(violations: Iterable[Violation | None]) -> None:
    found = [v for v in violations if v is not None]
    if found:
        raise ValidationFailed(found)
