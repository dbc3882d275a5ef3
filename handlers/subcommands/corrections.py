"""/dvpn edit (correct a record: the form filled in, or one field typed) and /dvpn varied (a court
varied an order)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from blocks.forms import CONFIRMED, FormMeta, record_form
from blocks.messages import correction_headline
from domain.enums import RiskLevel
from handlers import parsing
from handlers.router import Invocation, Reply
from handlers.subcommands.quick import _reading, _reply
from rules.ranks import Rank
from services.errors import DomainError
from services.records import corrections, lifecycle
from services.records.recording import NewRecord
from services.when import TimeQuestion, service_long_ago
from services.wording import Command, parts

EDIT_USAGE = 'edit REF [FIELD VALUE reason "WHY"]'
# The fields a correction can name on one line, with the service's field name; the people are
# corrected on the form, where every detail of a person is seen together.
QUICK_FIELDS = {
    "served": "served_at",
    "made": "made_at",
    "arrested": "arrested_at",
    "authoriser": "authoriser_name",
    "rank": "authoriser_rank",
    "court": "court",
    "conditions": "conditions",
    "length": "length",
    "risk": "risk_level",
    "children": "children_present",
    "crime": "crime_reference",
    "officer": "officer_slack_id",
}
TIMES = {"served_at": ("service", "Served"), "made_at": ("service", "Made"), "arrested_at": ("arrest", "Arrested")}
REASON = re.compile(r"\s+reason\s+(.*)$", re.I | re.S)


def edit(inv: Invocation) -> Reply | None:
    ref = parsing.reference(inv.args, EDIT_USAGE, inv.ctx.settings.force_code)
    rest = parsing.rest_after_reference(inv.args)
    if not rest:
        _open_form(inv, ref)
        return None
    field_word, _, value_and_reason = rest.partition(" ")
    name = QUICK_FIELDS.get(field_word.lower())
    if name is None:
        raise DomainError(
            f"'{field_word[:20]}' is not a field a one-line correction can change. Fields: "
            f"{', '.join(QUICK_FIELDS)}; for the people, open the form: `/dvpn edit {ref}`.",
            "field",
        )
    found = REASON.search(f" {value_and_reason}")
    if found is None:
        raise DomainError(
            f'Say why, after the value: `/dvpn edit {ref} {field_word} VALUE reason "typo in the date"`.', "reason"
        )
    value = f" {value_and_reason}"[: found.start()].strip()
    reason = found[1].strip().strip("\"'“”‘’")
    changes, times = _value(inv, ref, field_word, name, value, reason)
    done = corrections.correct(inv.ctx, inv.user_id, ref, changes, reason)
    return _reply(inv, done.view, correction_headline(done.view.reference, done.changed, done.reinstated), times)


def _value(
    inv: Invocation, ref: str, word: str, name: str, value: str, reason: str
) -> tuple[dict[str, Any], list[tuple[str, datetime]]]:
    """The one field's new value, read as its form field would be."""
    if name in TIMES:
        kind, label = TIMES[name]
        confirmed = value.lower().endswith(f" {CONFIRMED}")
        typed = value[: -len(CONFIRMED)].strip() if confirmed else value
        reading = _reading(inv, f"edit {ref} {word}")
        at = parsing.when(typed, reading, kind="service" if kind == "service" else "arrest", field=name)
        if name == "served_at" and not confirmed:
            _ask_if_long_ago(inv, ref, word, typed, at, reason)
        return {name: at}, [(label, at)]
    if name == "authoriser_rank":
        rank = Rank.parse(value)
        if rank is None:
            raise DomainError(f"'{value[:30]}' is not a police rank, e.g. inspector, superintendent.", name)
        return {name: rank}, []
    if name == "risk_level":
        try:
            return {name: RiskLevel(value.lower())}, []
        except ValueError:
            raise DomainError("Risk is one of: standard, medium, high.", name) from None
    if name == "children_present":
        if value.lower() not in {"yes", "no"}:
            raise DomainError(f'Say yes or no: `/dvpn edit {ref} children yes reason "..."`.', name)
        return {name: value.lower() == "yes"}, []
    if name == "officer_slack_id":
        return {name: parsing.user_id(value)}, []
    if name == "length":
        length = parsing.length(value, _reading(inv, f"edit {ref} length until"))
        return {
            "duration_days": length.days,
            "duration_months": length.months,
            "last_day": length.last_day,
            "until_further_order": length.until_further_order,
        }, []
    return {name: value}, []


def _ask_if_long_ago(inv: Invocation, ref: str, word: str, typed: str, at: datetime, reason: str) -> None:
    question = service_long_ago(at, typed, now=inv.now, tz=inv.tz, field="served_at")
    if question is None:
        return
    why = f'reason "{reason}"'
    right = f"{_written(at, inv.tz)} {CONFIRMED} {why}"
    raise TimeQuestion(
        (
            *parts(question.wording),
            " Type: ",
            Command(f"edit {ref} {word}", f"{question.instead} {why}"),
            " or, if it is right: ",
            Command(f"edit {ref} {word}", right),
        ),
        "served_at",
        instead=question.instead,
    )


def _open_form(inv: Invocation, ref: str) -> None:
    if inv.client is None or not inv.trigger_id:
        raise DomainError(f"The correction form opens from Slack only; here, correct one field: `/dvpn {EDIT_USAGE}`.")
    entered = corrections.current(inv.ctx, inv.user_id, ref)
    form = record_form(
        entered.order_type,
        [entered.order_type],
        FormMeta(reference=ref, channel=inv.channel_id),
        prefill(entered, inv.tz),
        correcting=True,
    )
    inv.client.views_open(trigger_id=inv.trigger_id, view=form)


def _written(at: datetime | None, tz: ZoneInfo) -> str | None:
    local = at.astimezone(tz) if at else None
    return f"{local.day}/{local.month}/{local.year} {local:%H:%M}" if local else None


def prefill(entered: NewRecord, tz: ZoneInfo) -> dict[str, str]:
    """The record's details as the form's fields show them (times as the README teaches them)."""
    person = entered.perpetrator
    protected = entered.protected[0] if entered.protected else None
    if entered.until_further_order:
        duration = "until further order"
    elif entered.last_day is not None:
        duration = f"until {entered.last_day.day}/{entered.last_day.month}/{entered.last_day.year}"
    else:
        duration = None
    values: dict[str, str | None] = {
        "served_at": _written(entered.served_at, tz),
        "made_at": _written(entered.made_at, tz),
        "arrested_at": _written(entered.arrested_at, tz),
        "power_of_arrest": "yes" if entered.power_of_arrest else None,
        "authoriser_name": entered.authoriser_name,
        "authoriser_rank": entered.authoriser_rank.value if entered.authoriser_rank else None,
        "court": entered.court,
        "conditions": entered.conditions,
        "duration": duration,
        "risk_level": entered.risk_level.value if entered.risk_level else None,
        "children_present": "yes" if entered.children_present else None,
        "crime_reference": entered.crime_reference,
        "perpetrator_name": person.full_name,
        "perpetrator_dob": person.date_of_birth.isoformat() if person.date_of_birth else None,
        "perpetrator_address": person.address,
        "perpetrator_pnc": person.pnc_id,
        "protected_name": protected.full_name if protected else None,
        "protected_dob": protected.date_of_birth.isoformat() if protected and protected.date_of_birth else None,
        "protected_address": protected.address if protected else None,
        "officer": entered.officer_slack_id,
        "parent_reference": entered.parent_reference,
    }
    return {key: value for key, value in values.items() if value}


VARIED_USAGE = "varied REF UNTIL [conditions TEXT]"


def varied(inv: Invocation) -> Reply:
    """A court varied an order in force: a new end, new conditions, or both (lifecycle.vary)."""
    ref = parsing.reference(inv.args, VARIED_USAGE, inv.ctx.settings.force_code)
    words = parsing.split_keywords(parsing.rest_after_reference(inv.args), ("conditions",))
    change = lifecycle.Variation(conditions=words.get("conditions"))
    if words[""]:
        length = parsing.length(words[""], _reading(inv, f"varied {ref} until"))
        if length.last_day is None and not length.until_further_order:
            raise DomainError(f"Give the new end as a date or until further order: `/dvpn {VARIED_USAGE}`.", "duration")
        change = lifecycle.Variation(length.last_day, length.until_further_order, words.get("conditions"))
    view = lifecycle.vary(inv.ctx, inv.user_id, ref, change)
    return _reply(inv, view, f"Variation of {view.reference} recorded.", [])
