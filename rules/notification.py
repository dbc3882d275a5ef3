"""The notification duties after the first: a new 3-day window for each change, and the people to
whom the duties do not apply (DAA 2021 s41(4)-(6), (8); Stalking Protection Act 2019 s9(1), (3)-(5)).

DAA 2021 s41(4): a name not notified, "within the period of three days beginning with the day on which
the person first uses that name"; s41(5): a new home address and s41(6): ceasing to have any home
address, "before the end of the period of three days beginning with the day on which that happens".
SPA 2019 s9(3) (a name) and s9(4) (a new home address): "before the end of the period of 3 days
beginning with the date on which that happens". SPA s9 has no duty on ceasing to have an address.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from rules.clock import LONDON
from rules.order_types import OrderType
from rules.periods import PeriodEnd, days_beginning_with

CHANGE_WINDOW_DAYS = 3


class Change(StrEnum):
    """What happened that the subject must notify again."""

    NAME = "name"  # a name not yet notified is used
    ADDRESS = "address"  # a new home address
    NO_ADDRESS = "no-address"  # ceased to have any home address (DAA 2021 s41(6) only)


class Exemption(StrEnum):
    """Why the notification duties do not apply to this order's subject."""

    ANOTHER_DAPO = "another-dapo"  # DAA 2021 s41(8)(a)
    SEX_OFFENDER = "sex-offender"  # SOA 2003 Part 2: DAA 2021 s41(8)(b); SPA 2019 s9(5)
    SPO_NOTIFICATION = "spo-notification"  # under SPA 2019 s9: DAA 2021 s41(8)(b)
    REPLACES_INTERIM = "replaces-interim"  # an SPO replacing an interim SPO: SPA 2019 s9(1)(a)


@dataclass(frozen=True)
class ChangeRule:
    citation: str
    words: str  # what the subject must notify, in words for the officer


@dataclass(frozen=True)
class ExemptionRule:
    citation: str
    words: str
    # True: no notification duty at all (s41(8) disapplies s41(2)-(6); SPA s9(5) the whole section).
    # False: only the first notification is not owed (SPA s9(1)(a)); a later change is still notified
    # (s9(3)-(4) apply to anyone "subject to a stalking protection order").
    covers_changes: bool


_DAA_CHANGES = {
    Change.NAME: ChangeRule("DAA 2021 s41(4)", "a name not yet notified"),
    Change.ADDRESS: ChangeRule("DAA 2021 s41(5)", "the new home address"),
    Change.NO_ADDRESS: ChangeRule("DAA 2021 s41(6)", "that they no longer have a home address"),
}
_SPA_CHANGES = {
    Change.NAME: ChangeRule("Stalking Protection Act 2019 s9(3)", "a name not yet notified"),
    Change.ADDRESS: ChangeRule("Stalking Protection Act 2019 s9(4)", "the new home address"),
}
CHANGES: dict[OrderType, dict[Change, ChangeRule]] = {
    OrderType.DAPO: _DAA_CHANGES,
    OrderType.SPO: _SPA_CHANGES,
    OrderType.INTERIM_SPO: _SPA_CHANGES,
}

_SEX_OFFENDER_SPA = ExemptionRule(
    "Stalking Protection Act 2019 s9(5)", "subject to notification requirements under SOA 2003 Part 2", True
)
EXEMPTIONS: dict[OrderType, dict[Exemption, ExemptionRule]] = {
    OrderType.DAPO: {
        Exemption.ANOTHER_DAPO: ExemptionRule(
            "DAA 2021 s41(8)(a)", "subject to another DAPO, whose notification requirements already apply", True
        ),
        Exemption.SEX_OFFENDER: ExemptionRule(
            "DAA 2021 s41(8)(b)", "subject to notification requirements under SOA 2003 Part 2", True
        ),
        Exemption.SPO_NOTIFICATION: ExemptionRule(
            "DAA 2021 s41(8)(b)", "subject to notification requirements under SPA 2019 s9", True
        ),
    },
    OrderType.SPO: {
        Exemption.SEX_OFFENDER: _SEX_OFFENDER_SPA,
        Exemption.REPLACES_INTERIM: ExemptionRule(
            "Stalking Protection Act 2019 s9(1)(a)",
            "an SPO replacing an interim SPO: the first notification was owed under the interim order",
            False,
        ),
    },
    OrderType.INTERIM_SPO: {Exemption.SEX_OFFENDER: _SEX_OFFENDER_SPA},
}


class NotificationRuleError(ValueError):
    """The change or exemption does not apply to this type."""


def change_rule(order_type: OrderType, change: Change) -> ChangeRule:
    rules = CHANGES.get(order_type, {})
    if change not in rules:
        allowed = ", ".join(c.value for c in rules) or "none"
        raise NotificationRuleError(
            f"A {order_type} carries no duty to notify '{change}' (changes it notifies: {allowed})."
        )
    return rules[change]


def exemption_rule(order_type: OrderType, exemption: Exemption) -> ExemptionRule:
    rules = EXEMPTIONS.get(order_type, {})
    if exemption not in rules:
        allowed = ", ".join(e.value for e in rules) or "none"
        raise NotificationRuleError(f"'{exemption}' does not exempt a {order_type} (its exemptions: {allowed}).")
    return rules[exemption]


def exemption_of(order_type: OrderType, exemption: Exemption | None) -> ExemptionRule | None:
    """The rule behind a record's exemption, or None when it has none (or none that fits its type)."""
    return EXEMPTIONS.get(order_type, {}).get(exemption) if exemption is not None else None


def owed(order_type: OrderType, exemption: Exemption | None, is_change: bool) -> bool:
    """Whether a notification is owed under the record's exemption: none is owed under one that
    covers changes; under one that does not (an SPO replacing an interim SPO, SPA 2019 s9(1)(a)),
    only the first notification is not owed."""
    rule = exemption_of(order_type, exemption)
    return rule is None or (not rule.covers_changes and is_change)


def change_deadline(order_type: OrderType, change: Change, happened_at: datetime, tz: ZoneInfo = LONDON) -> PeriodEnd:
    """The end of the window to notify a change: 3 days beginning with the day it happened."""
    rule = change_rule(order_type, change)
    return days_beginning_with(
        happened_at,
        CHANGE_WINDOW_DAYS,
        label=f"Notification of {rule.words} (3 days beginning with the day of the change)",
        citation=rule.citation,
        tz=tz,
    )
