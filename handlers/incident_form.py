"""The incident form's submission, and the incident card's "Record a notice" button.

The form is read field by field (every problem at once, inline on its field), then saved by the
service the typed `/dvpn incident new` uses, so both check and write the same way and a refused
submission writes nothing. A report time more than 48 hours ago is asked about, as the record
form asks about a service time."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from blocks import actions as ids
from blocks.forms import CONFIRMED, FormMeta, record_form
from blocks.incident_form import CHILD_SLOTS, incident_form
from domain.enums import RiskLevel
from handlers.after_ack import after_ack, answered_in_ack
from handlers.context import services
from handlers.errors import form_errors, reported
from handlers.form_values import FormValues
from handlers.forms import deliver
from handlers.replies import channel_of, user_of
from handlers.subcommands.incidents import incident_reply
from rules.validation import Violation
from services.incidents import card, school_terms
from services.incidents.recording import ChildInput, NewIncident, record_incident
from services.records.order_writer import PersonInput
from services.when import service_long_ago

# Service field names shown under another block.
FIELD_BLOCKS = {
    "victim": "victim_name",
    "suspect": "suspect_name",
    "dash": "dash_yes",
    "children": "child_1_name",
    "officer_slack_id": "officer",
}


def register(app: App) -> None:
    answered_in_ack(app, app.view(ids.INCIDENT_FORM))(submit_incident_form)
    after_ack(app, app.action(ids.NOTICE_FROM_INCIDENT))(open_notice_from_incident)
    after_ack(app, app.shortcut(ids.NEW_INCIDENT_SHORTCUT))(open_incident_form_from_shortcut)


@reported
def open_incident_form_from_shortcut(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """The "New incident" global shortcut: the form `/dvpn incident new` opens; the saved
    incident's card comes by DM. Refused before the form opens to those who cannot record one."""
    ctx = services(context)
    areas = school_terms.areas_for_recording(ctx, user_of(body))
    client.views_open(trigger_id=body["trigger_id"], view=incident_form(FormMeta(channel=channel_of(body)), areas))


def submit_incident_form(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    ctx = services(context)
    meta = FormMeta.load(view.get("private_metadata"))
    user = str(body["user"]["id"])
    values = FormValues(
        view, now=ctx.clock.now(), tz=ctx.settings.timezone, past_event_days=ctx.settings.past_event_days
    )
    try:
        reference = record_incident(ctx, user, incident_from_form(values))
    except Exception as error:  # every failure must answer the modal, or Slack shows a timeout
        ack(response_action="errors", errors=form_errors(error, view["blocks"], FIELD_BLOCKS))
        return
    ack()  # closes the modal
    deliver(client, user, meta, incident_reply(ctx, user, reference, f"Incident {reference} recorded."), reference)


def incident_from_form(form: FormValues) -> NewIncident:
    """The form's fields as the typed command's NewIncident; each problem on its own field."""
    typed = form.text("reported_at") or ""
    confirmed = typed.lower().endswith(f" {CONFIRMED}")
    typed = typed[: -len(CONFIRMED)].strip() if confirmed else typed
    reported = form.when("reported_at", kind="incident", text=typed or None)
    if reported is not None and form.typed("reported_at") and not confirmed:
        question = service_long_ago(reported, typed, now=form.now, tz=form.tz, field="reported_at")
        if question is not None:
            form.problems.append(
                Violation("reported_at", f"{question.message} If it is right, type {typed} {CONFIRMED} and save again.")
            )
    dash_text = form.text("dash_yes")
    dash = int(dash_text) if dash_text and dash_text.isdigit() else None
    if dash_text and dash is None:
        form.problems.append(Violation("dash_yes", "Give the number of yes answers, 0 to 27."))
    judgement = form.choice("dash_judgement")
    dash_at = form.when("dash_at", kind="incident", required=False)
    victim = PersonInput(
        full_name=form.text("victim_name") or "",
        date_of_birth=form.date_of_birth("victim_dob"),
        address=form.text("victim_address"),
    )
    suspect = PersonInput(
        full_name=form.text("suspect_name") or "",
        date_of_birth=form.date_of_birth("suspect_dob"),
        address=form.text("suspect_address"),
        pnc_id=form.text("suspect_pnc"),
    )
    children = _children(form)
    form.raise_problems()
    assert reported is not None
    crime = form.text("crime_reference")
    return NewIncident(
        reported_at=reported,
        victim=victim,
        suspect=suspect,
        children=children,
        dash_yes=dash,
        judgement=RiskLevel(judgement) if judgement else None,
        crime_disclosed=form.checked("crime_disclosed") or crime is not None,
        crime_reference=crime,
        dash_at=dash_at,
        officer_slack_id=form.user("officer"),
    )


def _children(form: FormValues) -> tuple[ChildInput, ...]:
    """Each child slot filled in: a name, a school and its area, all three or none."""
    found: list[ChildInput] = []
    for number in range(1, CHILD_SLOTS + 1):
        name, school = form.text(f"child_{number}_name"), form.text(f"child_{number}_school")
        area = form.text(f"child_{number}_area")
        if not (name or school or area):
            continue
        for given, block, what in ((name, "name", "the child's name"), (school, "school", "the school")):
            if not given:
                form.problems.append(Violation(f"child_{number}_{block}", f"Child {number}: give {what}."))
        if not area:
            form.problems.append(
                Violation(f"child_{number}_area", f"Child {number}: give the school's local authority.")
            )
        found.append(ChildInput(name or "", school or "", area or "", not form.checked(f"child_{number}_linked")))
    return tuple(found)


@reported
def open_notice_from_incident(body: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext) -> None:
    """The incident card's "Record a notice": the record form, its people the incident's."""
    ctx = services(context)
    value = str(body["actions"][0].get("value") or "")
    reference = card.require_notice_allowed(ctx, user_of(body), value)  # refuse before the form, not after
    meta = FormMeta(channel=channel_of(body), incident=reference)
    client.views_open(trigger_id=body["trigger_id"], view=record_form(None, ctx.settings.order_types, meta))
