"""Modals: the record form (its fields follow the order type) and the hearing, outcome, breach,
check, notification and close forms. Each input's block_id is the service's field name, so a
service's ValidationFailed maps straight onto the field it is about."""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from blocks import actions as ids
from blocks.common import (
    MAX_MODAL_TITLE,
    MAX_PRIVATE_METADATA,
    MAX_TEXT_INPUT,
    Block,
    context,
    cut,
    option,
    plain,
    section,
    when,
)
from blocks.picker import record_picker
from rules.notification import EXEMPTIONS
from rules.order_types import MadeBy, OrderType, OrderTypeRule, rule_for
from rules.ranks import Rank

WHEN_HINT = "Day first, UK time: 2/4/2026 20:00, today 14:30, yesterday 9pm."
DURATION_HINT = "28 days, 6 months, until 1/5/2026, or until further order."
REASON_HINT = "Kept in the audit trail: say why without naming anyone, e.g. typo in the date."
# A service time more than 48 hours ago is asked about (services.when.service_long_ago); this word
# after the time says it is right.
CONFIRMED = "confirmed"
Prefill = Mapping[str, str]


@dataclass(frozen=True)
class FormMeta:
    """What a modal carries between opening and submission (Slack's private_metadata)."""

    reference: str | None = None
    channel: str | None = None  # where the command was typed, for the confirmation
    reminder: int | None = None  # opened from a reminder's button: its message is updated after
    home: bool = False  # opened from the App Home: the Home is published again once it is saved
    incident: str | None = None  # a record opened from an incident: its people are the incident's

    def dump(self) -> str:
        given = (
            ("ref", self.reference),
            ("channel", self.channel),
            ("reminder", self.reminder),
            ("home", self.home),
            ("inc", self.incident),
        )
        text = json.dumps({k: v for k, v in given if v})
        if len(text) > MAX_PRIVATE_METADATA:
            raise ValueError("private_metadata over Slack's 3,000 characters")
        return text

    @classmethod
    def load(cls, text: str | None) -> FormMeta:
        data = json.loads(text) if text else {}
        reminder = data.get("reminder")
        return cls(
            reference=data.get("ref"),
            channel=data.get("channel"),
            reminder=reminder if isinstance(reminder, int) else None,
            home=data.get("home") is True,
            incident=data.get("inc") if isinstance(data.get("inc"), str) else None,
        )


def text_input(
    block_id: str,
    label: str,
    *,
    optional: bool = False,
    multiline: bool = False,
    hint: str | None = None,
    placeholder: str | None = None,
    initial: str | None = None,
    max_length: int | None = None,
) -> Block:
    element: Block = {"type": "plain_text_input", "action_id": "value", "multiline": multiline}
    if placeholder:
        element["placeholder"] = plain(placeholder, 150)
    if initial:  # kept from another type's form, whose field may have allowed more
        element["initial_value"] = initial[: max_length or MAX_TEXT_INPUT]
    if max_length:
        element["max_length"] = max_length
    return _input(block_id, label, element, optional=optional, hint=hint)


def when_input(block_id: str, label: str, *, optional: bool = False, initial: str | None = None) -> Block:
    return text_input(
        block_id, label, optional=optional, hint=WHEN_HINT, placeholder="e.g. today 20:00", initial=initial
    )


def date_input(block_id: str, label: str, *, optional: bool = True, initial: str | None = None) -> Block:
    element: Block = {"type": "datepicker", "action_id": "value"}
    if initial:
        element["initial_date"] = initial
    return _input(block_id, label, element, optional=optional)


def select_input(
    block_id: str,
    label: str,
    choices: Sequence[tuple[str, str]],
    *,
    optional: bool = False,
    initial: str | None = None,
    action_id: str = "value",
    dispatch: bool = False,
) -> Block:
    options = [option(text, value) for text, value in choices]
    element: Block = {"type": "static_select", "action_id": action_id, "options": options}
    chosen = next((o for o in options if o["value"] == initial), None)
    if chosen:
        element["initial_option"] = chosen
    block = _input(block_id, label, element, optional=optional)
    if dispatch:
        block["dispatch_action"] = True
    return block


def user_input(
    block_id: str, label: str, *, optional: bool = True, hint: str | None = None, initial: str | None = None
) -> Block:
    element: Block = {"type": "users_select", "action_id": "value"}
    if initial:
        element["initial_user"] = initial
    return _input(block_id, label, element, optional=optional, hint=hint)


def checkbox_input(block_id: str, label: str, choice: str, *, checked: bool = False) -> Block:
    box = option(choice, "yes")
    element: Block = {"type": "checkboxes", "action_id": "value", "options": [box]}
    if checked:
        element["initial_options"] = [box]
    return _input(block_id, label, element, optional=True)


def _input(block_id: str, label: str, element: Block, *, optional: bool, hint: str | None = None) -> Block:
    block: Block = {"type": "input", "block_id": block_id, "label": plain(label, 2000), "element": element}
    if optional:
        block["optional"] = True
    if hint:
        block["hint"] = plain(hint, 2000)
    return block


def modal(callback_id: str, title: str, blocks: list[Block], meta: FormMeta, *, submit: str = "Save") -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": callback_id,
        "title": plain(cut(title, MAX_MODAL_TITLE)),
        "submit": plain(submit, MAX_MODAL_TITLE),
        "close": plain("Cancel", MAX_MODAL_TITLE),
        "private_metadata": meta.dump(),
        "blocks": blocks,
    }


# -- the record form ---------------------------------------------------------------------------------


def record_form(
    order_type: OrderType | None,
    enabled: Sequence[OrderType],
    meta: FormMeta,
    prefill: Prefill | None = None,
    *,
    correcting: bool = False,
) -> dict[str, Any]:
    """The form for `order_type`; with no type chosen, just the type picker. Choosing a type
    redraws the form in place (views.update) with that type's fields. `correcting`: the same form
    filled in with the record's details, its type fixed, asking why (services.records.corrections)."""
    given = prefill or {}
    picker = select_input(
        "order_type",
        "Type of notice or order",
        [(f"{t.value}: {rule_for(t).name}", t.value) for t in enabled],
        initial=order_type.value if order_type else None,
        action_id="value" if correcting else ids.ORDER_TYPE_SELECT,
        dispatch=not correcting,
    )
    if correcting and order_type is not None:
        rule = rule_for(order_type)
        blocks = [context(f"*{meta.reference}* · _{rule.statute}_"), picker, *_event_fields(rule, given)]
        blocks += [*_people_fields(given), *_order_fields(rule, given, correcting=True)]
        blocks.append(text_input("reason", "Why it is corrected", hint=REASON_HINT, max_length=300))
        return modal(ids.EDIT_FORM, "Correct record", blocks, meta, submit="Save correction")
    from_incident = [context(f"From incident *{meta.incident}*: its victim and suspect.")] if meta.incident else []
    if order_type is None:
        blocks = [*from_incident, picker, context("Choose the type: the form then asks for what that type needs.")]
        return modal(ids.RECORD_FORM, "New protection record", blocks, meta, submit="Next")
    rule = rule_for(order_type)
    people = from_incident or _people_fields(given)
    blocks = [picker, context(f"_{rule.statute}_"), *_event_fields(rule, given), *people]
    blocks += _order_fields(rule, given)
    return modal(ids.RECORD_FORM, "New protection record", blocks, meta, submit="Record")


def _event_fields(rule: OrderTypeRule, given: Prefill) -> list[Block]:
    if rule.made_by is MadeBy.COURT:
        fields = [
            when_input("made_at", "When the court made the order", initial=given.get("made_at")),
            when_input(
                "served_at", "When it was served (if it has been)", optional=True, initial=given.get("served_at")
            ),
            text_input("court", "Court", optional=True, initial=given.get("court"), max_length=200),
        ]
        if rule.breach_arrest_clock is not None and rule.breach_arrest_clock.needs_power_of_arrest:
            fields.append(
                checkbox_input(
                    "power_of_arrest",
                    "Power of arrest",
                    "The court attached a power of arrest (FLA 1996 s47(2)-(3))",
                    checked=given.get("power_of_arrest") == "yes",
                )
            )
        exemptions = EXEMPTIONS.get(rule.code, {})
        if exemptions:
            # DAA 2021 s41(8); SPA 2019 s9(1)(a), (5): no fresh duty to notify, so no false alarms.
            fields.append(
                select_input(
                    "notification_exempt",
                    "Not required to notify name and address because",
                    [(f"{e.words[:60]} ({e.citation})"[:75], code.value) for code, e in exemptions.items()],
                    optional=True,
                    initial=given.get("notification_exempt"),
                )
            )
        parents = [t for t in OrderType if rule_for(t).follow_on is rule.code]
        if parents:
            follows = " or ".join(p.value for p in parents)
            picker = record_picker("Type its number, e.g. 0042", given.get("parent_reference"))
            fields.append(_input("parent_reference", f"The {follows} it follows", picker, optional=True))
        return fields
    fields = [when_input("served_at", "When it was served (or given)", initial=given.get("served_at"))]
    if rule.code is OrderType.BAIL:
        # PACE 1984 s47ZB(4)(a): the bail periods run from the day after the arrest.
        fields.append(
            when_input(
                "arrested_at",
                "When the person was arrested (bail runs from the next day)",
                initial=given.get("arrested_at"),
            )
        )
    if rule.is_notice or rule.min_rank is not None:
        ranks = [(r.label, r.value) for r in Rank]
        fields += [
            text_input("authoriser_name", "Authorising officer", initial=given.get("authoriser_name"), max_length=120),
            select_input(
                "authoriser_rank",
                "Authorising officer's rank",
                ranks,
                optional=not rule.is_notice,
                initial=given.get("authoriser_rank"),
            ),
        ]
    return fields


def _people_fields(given: Prefill) -> list[Block]:
    return [
        *person_fields("perpetrator", "*The person it is against*", given, pnc=True),
        *person_fields("protected", "*The person it protects*", given, optional=True),
    ]


def person_fields(
    prefix: str, heading: str, given: Prefill, *, optional: bool = False, pnc: bool = False
) -> list[Block]:
    """A person as every form asks for one (a record's perpetrator and protected person, an
    incident's suspect and victim): name, date of birth, address and, for a suspect, the PNC id."""
    blocks = [
        section(heading),
        text_input(
            f"{prefix}_name", "Full name", optional=optional, initial=given.get(f"{prefix}_name"), max_length=120
        ),
        date_input(f"{prefix}_dob", "Date of birth", initial=given.get(f"{prefix}_dob")),
        text_input(
            f"{prefix}_address",
            "Address",
            optional=True,
            multiline=True,
            max_length=500,
            initial=given.get(f"{prefix}_address"),
        ),
    ]
    if pnc:
        blocks.append(
            text_input(
                f"{prefix}_pnc",
                "PNC ID",
                optional=True,
                placeholder="e.g. 12/345678U",
                max_length=20,
                initial=given.get(f"{prefix}_pnc"),
            )
        )
    return blocks


def _order_fields(rule: OrderTypeRule, given: Prefill, *, correcting: bool = False) -> list[Block]:
    fields: list[Block] = []
    if not rule.is_notice:
        fields.append(length_input(rule, given.get("duration"), correcting=correcting))
    fields += [
        text_input("conditions", "Conditions", optional=True, multiline=True, initial=given.get("conditions")),
        select_input(
            "risk_level",
            "Risk level (DASH)",
            [("Standard", "standard"), ("Medium", "medium"), ("High", "high")],
            optional=True,
            initial=given.get("risk_level"),
        ),
        checkbox_input(
            "children_present",
            "Children",
            "Children live in or visit the household",
            checked=given.get("children_present") == "yes",
        ),
        text_input(
            "crime_reference", "Crime reference", optional=True, max_length=40, initial=given.get("crime_reference")
        ),
        user_input("officer", "Officer in charge", hint="Leave empty if it is you.", initial=given.get("officer")),
    ]
    return fields


def length_input(rule: OrderTypeRule, given: str | None, *, correcting: bool = False) -> Block:
    """An order whose length the statute sets in whole days within bounds (a DVPO: 14 to 28 days,
    CSA 2010 s28(10)) asks for a number of days, which Slack keeps within them; other orders'
    lengths may be months, an end date or until further order, typed. A correction keeps the typed
    field, since the record may hold an end date rather than a count of days."""
    bounds = rule.duration
    if correcting or bounds is None or bounds.min_days is None or bounds.max_days is None or bounds.until_further_order:
        return text_input("duration", "How long it lasts", hint=DURATION_HINT, initial=given)
    element: Block = {
        "type": "number_input",
        "action_id": "value",
        "is_decimal_allowed": False,
        "min_value": str(bounds.min_days),
        "max_value": str(bounds.max_days),
    }
    days = re.fullmatch(r"(\d{1,3})(?: ?d| days?)?", (given or "").strip().lower())
    if days and bounds.min_days <= int(days[1]) <= bounds.max_days:  # kept from the form before a redraw
        element["initial_value"] = days[1]
    return {
        "type": "input",
        "block_id": "duration",
        "label": plain(f"How many days it lasts ({bounds.min_days} to {bounds.max_days})"),
        "element": element,
        "hint": plain(f"{bounds.citation}: at least {bounds.min_days} days, at most {bounds.max_days}."),
    }


# -- the follow-up forms ---------------------------------------------------------------------------


def hearing_form(meta: FormMeta, deadline: Block | None = None) -> dict[str, Any]:
    """`deadline`: the notice's statutory deadline as an alert (deadline_alert), when known."""
    blocks = [
        context(f"*{meta.reference}*"),
        *([deadline] if deadline else []),
        when_input("scheduled_at", "Hearing date and time"),
        text_input("court", "Court", optional=True, max_length=200),
    ]
    return modal(ids.HEARING_FORM, "Book hearing", blocks, meta)


# https://docs.slack.dev/reference/block-kit/blocks/alert: a notice with a level (info, warning...),
# drawn in modals only (not in messages or the Home tab), its text up to 200 characters.
MAX_ALERT_TEXT = 200


def deadline_alert(deadline: datetime, now: datetime, tz: ZoneInfo) -> Block:
    """Before a hearing time is typed, the notice's statutory deadline; a warning once it has passed.
    Saving a later time is allowed and still flagged on the confirmation: the law, not the form,
    says what a late hearing means."""
    if deadline <= now:
        text = f"The statutory deadline passed {when(deadline, tz)}: any hearing booked now is after it."
        return {"type": "alert", "level": "warning", "text": plain(text, MAX_ALERT_TEXT)}
    text = f"Must be heard by {when(deadline, tz)} (the statutory deadline). A later time is flagged."
    return {"type": "alert", "level": "info", "text": plain(text, MAX_ALERT_TEXT)}


def hearing_form_before(deadline: datetime | None, now: datetime, tz: ZoneInfo) -> Callable[[FormMeta], dict[str, Any]]:
    """The hearing form, saying the notice's statutory deadline before a time is typed: the same
    form whichever button opened it (the record's, or a reminder's)."""
    if deadline is None:
        return hearing_form
    return functools.partial(hearing_form, deadline=deadline_alert(deadline, now, tz))


OUTCOMES = (("Granted", "granted"), ("Refused", "refused"), ("Adjourned", "adjourned"), ("Withdrawn", "withdrawn"))


def outcome_form(meta: FormMeta) -> dict[str, Any]:
    blocks = [
        context(f"*{meta.reference}*"),
        select_input("outcome", "Outcome", OUTCOMES),
        when_input("decided_at", "When the court decided", initial="now"),
        text_input("duration", "If granted: how long the order lasts", optional=True, hint=DURATION_HINT),
        text_input("conditions", "If granted: conditions", optional=True, multiline=True),
        when_input("adjourned_to", "If adjourned: the new hearing time", optional=True),
    ]
    return modal(ids.OUTCOME_FORM, "Hearing outcome", blocks, meta)


def breach_form(meta: FormMeta) -> dict[str, Any]:
    blocks = [
        context(f"*{meta.reference}*"),
        when_input("occurred_at", "When the breach happened"),
        when_input("arrested_at", "When the person was arrested (if they were)", optional=True),
        text_input("crime_reference", "Crime reference", optional=True, max_length=40),
        text_input("details", "What happened", optional=True, multiline=True, max_length=2000),
    ]
    return modal(ids.BREACH_FORM, "Record breach", blocks, meta)


def check_form(meta: FormMeta) -> dict[str, Any]:
    blocks = [
        context(f"*{meta.reference}*"),
        when_input("done_at", "When the check was done", initial="now"),
        text_input("outcome", "Outcome", optional=True, multiline=True, max_length=500),
    ]
    return modal(ids.CHECK_FORM, "Breach check done", blocks, meta)


def crime_reference_form(meta: FormMeta) -> dict[str, Any]:
    blocks = [
        context(f"*{meta.reference}*: the breach this reminder is about"),
        text_input("crime_reference", "Crime reference", max_length=40),
    ]
    return modal(ids.CRIME_REFERENCE_FORM, "Add crime reference", blocks, meta)


def notification_form(meta: FormMeta) -> dict[str, Any]:
    blocks = [
        context(f"*{meta.reference}*"),
        when_input("received_at", "When the notification was given", initial="now"),
    ]
    return modal(ids.NOTIFICATION_FORM, "Notification received", blocks, meta)


CLOSE_AS = (("Closed", "closed"), ("Discharged by the court", "discharged"), ("Withdrawn", "withdrawn"))


def close_form(meta: FormMeta) -> dict[str, Any]:
    blocks = [
        context(f"*{meta.reference}*"),
        select_input("status", "Close as", CLOSE_AS, initial="closed"),
        text_input("reason", "Why", multiline=True, max_length=500),
        when_input("at", "When it ended", optional=True, initial="now"),
    ]
    return modal(ids.CLOSE_FORM, "Close record", blocks, meta, submit="Close record")
