"""The incident form: what `/dvpn incident new` asks for when typed with nothing after it. The
same fields as the typed command (blocks/forms.py's inputs; the victim and suspect are asked for as
the record form asks for a person), each block_id named for the field it fills, so a service's
problem shows on its field."""

from __future__ import annotations

from typing import Any

from blocks import actions as ids
from blocks.common import Block, context, section
from blocks.forms import (
    CONFIRMED,
    FormMeta,
    Prefill,
    checkbox_input,
    modal,
    person_fields,
    select_input,
    text_input,
    user_input,
    when_input,
)
from rules.incidents import DASH_QUESTIONS

# Children the form has room for; more are added with the typed command (`child ... school ... area`).
CHILD_SLOTS = 3
JUDGEMENTS = (("Medium", "medium"), ("High", "high"))


def child_fields(number: int, given: Prefill, areas: tuple[str, ...]) -> list[Block]:
    prefix = f"child_{number}"
    known = ", ".join(areas[:6]) if areas else "the local authority's name"
    area = text_input(
        f"{prefix}_area",
        "School's local authority",
        optional=True,
        max_length=60,
        hint=f"As the force names it for school holidays, e.g. {known}.",
        initial=given.get(f"{prefix}_area"),
    )
    return [
        section(f"*Child {number}* (leave empty if none)"),
        text_input(
            f"{prefix}_name", "Child's full name", optional=True, max_length=200, initial=given.get(f"{prefix}_name")
        ),
        text_input(f"{prefix}_school", "School", optional=True, max_length=200, initial=given.get(f"{prefix}_school")),
        area,
        checkbox_input(
            f"{prefix}_linked",
            "Present or linked",
            "Not present: linked to the incident (lives in or visits the household)",
            checked=given.get(f"{prefix}_linked") == "yes",
        ),
    ]


def incident_form(meta: FormMeta, areas: tuple[str, ...], prefill: Prefill | None = None) -> dict[str, Any]:
    """`areas`: the local authorities whose school holidays the force holds, for the school's area."""
    given = prefill or {}
    blocks: list[Block] = [
        when_input("reported_at", "When it was reported", initial=given.get("reported_at") or "now"),
        context(f"A time more than 48 hours ago is asked about: add `{CONFIRMED}` after it if it is right."),
        *person_fields("victim", "*The victim*", given),
        *person_fields("suspect", "*The suspect*", given, pnc=True),
    ]
    for number in range(1, CHILD_SLOTS + 1):
        blocks += child_fields(number, given, areas)
    blocks += [
        section("*Risk (DASH)*"),
        {
            "type": "input",
            "block_id": "dash_yes",
            "optional": True,
            "label": {"type": "plain_text", "text": f"DASH: number of yes answers (0 to {DASH_QUESTIONS})"},
            "element": {
                "type": "number_input",
                "action_id": "value",
                "is_decimal_allowed": False,
                "min_value": "0",
                "max_value": str(DASH_QUESTIONS),
                **({"initial_value": given["dash_yes"]} if given.get("dash_yes") else {}),
            },
        },
        select_input(
            "dash_judgement",
            "Raised on professional judgement to",
            JUDGEMENTS,
            optional=True,
            initial=given.get("dash_judgement"),
        ),
        when_input("dash_at", "When the DASH was completed", optional=True, initial=given.get("dash_at")),
        section("*Crime*"),
        checkbox_input(
            "crime_disclosed", "Crime disclosed", "A crime was disclosed", checked=given.get("crime_disclosed") == "yes"
        ),
        text_input(
            "crime_reference", "Crime reference", optional=True, max_length=40, initial=given.get("crime_reference")
        ),
        user_input("officer", "Officer in charge", hint="Leave empty if it is you.", initial=given.get("officer")),
    ]
    return modal(ids.INCIDENT_FORM, "New incident", blocks, meta, submit="Record")
