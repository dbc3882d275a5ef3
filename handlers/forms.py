"""Modal submissions. Each one: read the fields (collecting every problem), call one service, and
either answer with inline errors (`response_action: errors`) or close the modal and confirm.
A service call is one transaction, so a refused submission writes nothing."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import fields, replace
from datetime import datetime
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from blocks import actions as ids
from blocks.confirmation import confirmation
from blocks.forms import CONFIRMED, FormMeta, record_form
from blocks.messages import correction_headline
from blocks.mrkdwn import escape
from domain.enums import HearingOutcome, RiskLevel
from handlers import justification, parsing
from handlers.after_ack import after_ack, answered_in_ack
from handlers.context import services
from handlers.errors import form_errors, log_unexpected, reported
from handlers.form_values import FormValues
from handlers.home import republish_home
from handlers.reminder_actions import update_after_form
from handlers.router import Reply
from rules.notification import Exemption
from rules.order_types import OrderType
from rules.ranks import Rank
from rules.validation import Violation
from services.context import ServiceContext
from services.errors import DomainError
from services.records import breaches, checks, corrections, hearings, lifecycle
from services.records import recording as records
from services.records.hearings import GrantTerms
from services.records.order_writer import PersonInput
from services.records.recording import NewRecord
from services.reminders import actions as reminder_actions
from services.views import RecordView
from services.when import service_long_ago

log = logging.getLogger("dvpn.handlers")

# Service field names that the forms show under another block.
FIELD_BLOCKS = {
    "expires_on": "duration",
    "order_type": "order_type",
    "perpetrator": "perpetrator_name",
    "protected": "protected_name",
    "officer_slack_id": "officer",
}

Submit = Callable[[ServiceContext, str, FormValues, FormMeta], tuple[RecordView, str, list[tuple[str, datetime]]]]


def register(app: App) -> None:
    after_ack(app, app.action(ids.ORDER_TYPE_SELECT))(order_type_chosen)
    for callback_id in SUBMISSIONS:
        answered_in_ack(app, app.view(callback_id))(submit_form)
    justification.register(app)  # its answer is the card itself, not a confirmation


@reported
def order_type_chosen(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    ctx = services(context)
    view = body["view"]
    chosen = OrderType.parse(body["actions"][0]["selected_option"]["value"])
    values = FormValues(
        view, now=ctx.clock.now(), tz=ctx.settings.timezone, past_event_days=ctx.settings.past_event_days
    )
    prefill = {k: v for k in _KEPT if (v := values.text(k))}
    redrawn = record_form(chosen, ctx.settings.order_types, FormMeta.load(view.get("private_metadata")), prefill)
    client.views_update(view_id=view["id"], hash=view.get("hash"), view=redrawn)


def submit_form(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """Every form in SUBMISSIONS: its callback id says which use case it submits to."""
    ctx = services(context)
    meta = FormMeta.load(view.get("private_metadata"))
    user = str(body["user"]["id"])
    values = FormValues(
        view, now=ctx.clock.now(), tz=ctx.settings.timezone, past_event_days=ctx.settings.past_event_days
    )
    if view["callback_id"] == ids.RECORD_FORM and not any(
        b.get("type") == "input" and b.get("block_id") != "order_type" for b in view["blocks"]
    ):
        # Submitted from the type picker alone: show the chosen type's fields instead of saving.
        chosen = OrderType.parse(values.choice("order_type") or "")
        ack(response_action="update", view=record_form(chosen, ctx.settings.order_types, meta))
        return
    try:
        record_view, headline, times = SUBMISSIONS[view["callback_id"]](ctx, user, values, meta)
    except Exception as error:  # every failure must answer the modal, or Slack shows a timeout
        ack(response_action="errors", errors=form_errors(error, view["blocks"], FIELD_BLOCKS))
        return
    ack()  # closes the modal
    _answer(client, ctx, user, view["callback_id"], meta, record_view, headline, times)
    if meta.home:  # opened from the App Home: the item just done leaves it
        republish_home(ctx, client, user)


def _answer(
    client: WebClient,
    ctx: ServiceContext,
    user: str,
    callback_id: str,
    meta: FormMeta,
    record_view: RecordView,
    headline: str,
    times: list[tuple[str, datetime]],
) -> None:
    """Say what was saved: on the reminder's message when the form came from one, else a confirmation."""
    if meta.reminder is not None:  # opened from a reminder: its message says what was done
        try:
            update_after_form(client, ctx, user, callback_id, meta)
            return
        except DomainError:  # the reminder changed meanwhile: confirm the usual way instead
            log.info("reminder %s not updated after its form was saved", meta.reminder)
        except Exception as error:  # the record is saved; only the message update failed
            log.warning("reminder %s not updated (error id %s)", meta.reminder, log_unexpected(error, "reminder"))
    _confirm(client, user, meta, record_view, headline, times, ctx)


_KEPT = (
    "served_at",
    "made_at",
    "arrested_at",
    "authoriser_name",
    "perpetrator_name",
    "protected_name",
    "court",
    "duration",
)


def _confirm(
    client: WebClient,
    user: str,
    meta: FormMeta,
    view: RecordView,
    headline: str,
    times: list[tuple[str, datetime]],
    ctx: ServiceContext,
) -> None:
    reply = Reply(confirmation(view, headline, times, ctx.settings.timezone, ctx.clock.now()), escape(headline))
    deliver(client, user, meta, reply, view.reference)


def deliver(client: WebClient, user: str, meta: FormMeta, reply: Reply, reference: str) -> None:
    """A saved form's confirmation: ephemeral where the form was opened from a channel, else a DM."""
    try:
        if meta.channel and not meta.channel.startswith("D"):
            client.chat_postEphemeral(channel=meta.channel, user=user, blocks=reply.blocks, text=reply.text)
        else:
            client.chat_postMessage(channel=user, blocks=reply.blocks, text=reply.text)
    except Exception as error:  # the record is saved; only the confirmation failed
        error_id = log_unexpected(error, "form confirmation")
        log.warning("confirmation for %s not delivered (error id %s)", reference, error_id)


def _new_record(
    ctx: ServiceContext, user: str, form: FormValues, meta: FormMeta
) -> tuple[RecordView, str, list[tuple[str, datetime]]]:
    new, times = record_from_form(form)
    view = records.record(ctx, user, replace(new, incident_reference=meta.incident))
    return view, f"{view.reference} recorded.", times


def record_from_form(form: FormValues) -> tuple[NewRecord, list[tuple[str, datetime]]]:
    """The record form's fields, read and checked field by field (a correction form is the same
    form), and the times as they were read, to echo."""
    order_type = OrderType.parse(form.choice("order_type") or "")
    if order_type is None:
        raise DomainError("Choose the type of notice or order.", "order_type")
    typed = form.text("served_at") or ""
    confirmed = typed.lower().endswith(f" {CONFIRMED}")
    typed = typed[: -len(CONFIRMED)].strip() if confirmed else typed
    served = form.when("served_at", kind="service", required=False, text=typed or None)
    if served is not None and form.typed("served_at") and not confirmed:
        question = service_long_ago(served, typed, now=form.now, tz=form.tz, field="served_at")
        if question is not None:
            form.problems.append(
                Violation("served_at", f"{question.message} If it is right, type {typed} {CONFIRMED} and save again.")
            )
    made = form.when("made_at", kind="service", required=False)
    arrested = form.when("arrested_at", kind="arrest") if order_type is OrderType.BAIL else None
    length = (
        form.read("duration", lambda: parsing.length(form.text("duration") or "", _reading(form)))
        if form.text("duration")
        else None
    )
    rank_text = form.choice("authoriser_rank")
    risk = form.choice("risk_level")
    exempt = form.choice("notification_exempt")
    perpetrator_dob = form.date_of_birth("perpetrator_dob")
    protected = _protected(form)
    form.raise_problems()
    new = NewRecord(
        order_type=order_type,
        served_at=served,
        made_at=made,
        arrested_at=arrested,
        power_of_arrest=form.checked("power_of_arrest"),
        authoriser_name=form.text("authoriser_name"),
        authoriser_rank=Rank(rank_text) if rank_text else None,
        court=form.text("court"),
        conditions=form.text("conditions"),
        duration_days=length.days if length else None,
        duration_months=length.months if length else None,
        last_day=length.last_day if length else None,
        until_further_order=bool(length and length.until_further_order),
        risk_level=RiskLevel(risk) if risk else None,
        children_present=form.checked("children_present"),
        crime_reference=form.text("crime_reference"),
        notification_exempt=Exemption(exempt) if exempt else None,
        perpetrator=PersonInput(
            full_name=form.text("perpetrator_name") or "",
            date_of_birth=perpetrator_dob,
            address=form.text("perpetrator_address"),
            pnc_id=form.text("perpetrator_pnc"),
        ),
        protected=protected,
        officer_slack_id=form.user("officer"),
        parent_reference=form.choice("parent_reference"),
    )
    times = [(label, at) for label, at in (("Served", served), ("Made", made), ("Arrested", arrested)) if at]
    return new, times


def _correction(
    ctx: ServiceContext, user: str, form: FormValues, meta: FormMeta
) -> tuple[RecordView, str, list[tuple[str, datetime]]]:
    """The correction form: every field it shows is the record's value, changed or not; the service
    saves what differs."""
    assert meta.reference
    reason = form.text("reason") or ""
    new, _ = record_from_form(form)
    changes = {f.name: getattr(new, f.name) for f in fields(NewRecord) if f.name != "parent_reference"}
    if not form.user("officer"):
        del changes["officer_slack_id"]  # left empty: the officer in charge stays as they are
    done = corrections.correct(ctx, user, meta.reference, changes, reason)
    times = [
        (label, at)
        for label, at in (("Served", new.served_at), ("Made", new.made_at))
        if at and form.typed("served_at" if label == "Served" else "made_at")
    ]
    return done.view, correction_headline(meta.reference, done.changed, done.reinstated), times


def _reading(form: FormValues) -> parsing.Reading:
    return parsing.Reading(form.now, form.tz, form.past_event_days)


def _protected(form: FormValues) -> tuple[PersonInput, ...]:
    name = form.text("protected_name")
    if not name:
        return ()
    return (
        PersonInput(
            full_name=name, date_of_birth=form.date_of_birth("protected_dob"), address=form.text("protected_address")
        ),
    )


def _hearing(
    ctx: ServiceContext, user: str, form: FormValues, meta: FormMeta
) -> tuple[RecordView, str, list[tuple[str, datetime]]]:
    at = form.when("scheduled_at", kind="hearing")
    form.raise_problems()
    assert at is not None and meta.reference
    view = hearings.book_hearing(ctx, user, meta.reference, at, form.text("court"))
    where = f" at {court}" if (court := form.text("court")) else ""
    return view, f"Hearing booked for {meta.reference}{where}.", [("Hearing", at)]


def _outcome(
    ctx: ServiceContext, user: str, form: FormValues, meta: FormMeta
) -> tuple[RecordView, str, list[tuple[str, datetime]]]:
    assert meta.reference
    outcome = HearingOutcome(form.choice("outcome") or "granted")
    decided = form.when("decided_at", kind="decision")
    if outcome is HearingOutcome.ADJOURNED:
        to = form.when("adjourned_to", kind="hearing")
        form.raise_problems()
        assert to is not None
        view = hearings.adjourn_hearing(ctx, user, meta.reference, to)
        return view, f"Hearing for {meta.reference} adjourned.", [("New hearing", to)]
    terms = None
    if outcome is HearingOutcome.GRANTED:
        text = form.text("duration")
        if text is None:
            form.problems.append(Violation("duration", "Give how long the order lasts: 28 days, or until 1/5/2026."))
        length = form.read("duration", lambda: parsing.length(text or "", _reading(form))) if text else None
        if length is not None and length.months is not None:
            form.problems.append(Violation("duration", "Give the length in days or as an end date."))
        if length is not None:
            terms = GrantTerms(length.days, length.last_day, length.until_further_order, form.text("conditions"))
    form.raise_problems()
    assert decided is not None
    view = hearings.record_outcome(ctx, user, meta.reference, outcome, decided, terms)
    follows = f": {view.reference} recorded, following {view.parent_reference}" if view.parent_reference else ""
    return view, f"Outcome recorded for {meta.reference}: {outcome.value}{follows}.", [("Decided", decided)]


def _breach(
    ctx: ServiceContext, user: str, form: FormValues, meta: FormMeta
) -> tuple[RecordView, str, list[tuple[str, datetime]]]:
    assert meta.reference
    occurred = form.when("occurred_at", kind="breach")
    arrested = form.when("arrested_at", kind="arrest", required=False)
    form.raise_problems()
    assert occurred is not None
    view = breaches.record_breach(
        ctx,
        user,
        meta.reference,
        occurred,
        arrested_at=arrested,
        crime_reference=form.text("crime_reference"),
        details=form.text("details"),
    )
    times = [("Breach", occurred)] + ([("Arrested", arrested)] if arrested else [])
    return view, f"Breach of {meta.reference} recorded.", times


def _check(
    ctx: ServiceContext, user: str, form: FormValues, meta: FormMeta
) -> tuple[RecordView, str, list[tuple[str, datetime]]]:
    assert meta.reference
    done = form.when("done_at", kind="check_done")
    form.raise_problems()
    assert done is not None
    view = checks.complete_check(ctx, user, meta.reference, done, form.text("outcome"))
    return view, f"Breach check on {meta.reference} recorded.", [("Done", done)]


def _crime_reference(
    ctx: ServiceContext, user: str, form: FormValues, meta: FormMeta
) -> tuple[RecordView, str, list[tuple[str, datetime]]]:
    assert meta.reference
    crime = form.text("crime_reference") or ""
    if meta.reminder is not None:  # the very breach the reminder is about
        view = reminder_actions.add_crime_reference(ctx, user, meta.reminder, crime)
    else:
        view = breaches.add_crime_reference(ctx, user, meta.reference, crime)
    return view, f"Crime reference added to the breach of {meta.reference}.", []


def _notification(
    ctx: ServiceContext, user: str, form: FormValues, meta: FormMeta
) -> tuple[RecordView, str, list[tuple[str, datetime]]]:
    assert meta.reference
    at = form.when("received_at", kind="notification")
    form.raise_problems()
    assert at is not None
    view = checks.record_notification(ctx, user, meta.reference, at)
    return view, f"Notification for {meta.reference} recorded.", [("Notified", at)]


def _close(
    ctx: ServiceContext, user: str, form: FormValues, meta: FormMeta
) -> tuple[RecordView, str, list[tuple[str, datetime]]]:
    assert meta.reference
    at = form.when("at", kind="ended", required=False)
    form.raise_problems()
    view = lifecycle.close(
        ctx, user, meta.reference, form.text("reason") or "", status=form.choice("status") or "closed", at=at
    )
    return view, f"{meta.reference} is now {view.status}.", [("Ended", at)] if at else []


SUBMISSIONS: dict[str, Submit] = {
    ids.RECORD_FORM: _new_record,
    ids.HEARING_FORM: _hearing,
    ids.OUTCOME_FORM: _outcome,
    ids.BREACH_FORM: _breach,
    ids.CHECK_FORM: _check,
    ids.CRIME_REFERENCE_FORM: _crime_reference,
    ids.NOTIFICATION_FORM: _notification,
    ids.CLOSE_FORM: _close,
    ids.EDIT_FORM: _correction,
}
