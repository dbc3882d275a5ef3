"""The reminder message's buttons. Acknowledged at once; then the service is called and the message
updated in place; a refusal is told to the presser alone. The buttons named for work do it: "Check
done" records the check; the others open the form for the work (the crime reference, the hearing,
its outcome, a check with its outcome), and the reminder's message is updated once it is saved."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltContext, Respond
from slack_sdk import WebClient

from blocks import actions as ids
from blocks.forms import FormMeta, check_form, crime_reference_form, hearing_form, hearing_form_before, outcome_form
from blocks.reminder_wording import settled_text
from blocks.reminders import reminder_settled_blocks
from blocks.wording import problem
from handlers.after_ack import after_ack
from handlers.context import services
from handlers.errors import reported
from handlers.home import republish_home
from handlers.replies import channel_of, from_home, user_of
from services.context import ServiceContext
from services.errors import DomainError
from services.records import recording as records
from services.reminders import actions as reminder_actions
from services.reminders.results import Offer, ReminderActionResult

Act = Callable[[ServiceContext, str, int, str], ReminderActionResult]  # presser's Slack id, reminder id, action id
Form = Callable[[FormMeta], dict[str, Any]]

SNOOZE = re.compile("^" + re.escape(ids.REMINDER_SNOOZE_PREFIX) + "(" + "|".join(ids.SNOOZE_CHOICES) + ")$")
# The form each work button opens, and the work it must still be for.
FORMS: dict[str, tuple[Form, Offer]] = {
    ids.REMINDER_CHECK_FORM: (check_form, Offer.CHECK),
    ids.REMINDER_CRIME_REFERENCE: (crime_reference_form, Offer.CRIME_REFERENCE),
    ids.REMINDER_BOOK_HEARING: (hearing_form, Offer.HEARING),
    ids.REMINDER_RECORD_OUTCOME: (outcome_form, Offer.OUTCOME),
}
# A form opened from a reminder, once saved: the work it did.
FORM_DOES = {
    ids.CHECK_FORM: Offer.CHECK,
    ids.CRIME_REFERENCE_FORM: Offer.CRIME_REFERENCE,
    ids.HEARING_FORM: Offer.HEARING,
    ids.OUTCOME_FORM: Offer.OUTCOME,
}


def register(app: App) -> None:
    after_ack(app, app.action(ids.REMINDER_ACKNOWLEDGE))(acknowledge_reminder)
    after_ack(app, app.action(ids.REMINDER_DISMISS))(dismiss_reminder)
    after_ack(app, app.action(SNOOZE))(snooze_reminder)
    after_ack(app, app.action(ids.REMINDER_CHECK_DONE))(reminder_check_done)
    after_ack(app, app.action(re.compile("^(" + "|".join(map(re.escape, FORMS)) + ")$")))(open_reminder_form)


@reported
def acknowledge_reminder(body: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext) -> None:
    _settle(body, client, respond, context, _acknowledge)


@reported
def dismiss_reminder(body: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext) -> None:
    _settle(body, client, respond, context, _dismiss)


@reported
def snooze_reminder(body: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext) -> None:
    _settle(body, client, respond, context, _snooze)


@reported
def reminder_check_done(body: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext) -> None:
    _settle(body, client, respond, context, _check_done)


@reported
def open_reminder_form(body: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext) -> None:
    """The form for the work a reminder asks for, refused (to the presser alone) if it is done already."""
    action = body["actions"][0]
    form, offer = FORMS[str(action["action_id"])]
    try:
        work = reminder_actions.work_of(services(context), user_of(body), _reminder_id(action.get("value")))
        if work.offer is not offer:
            raise DomainError("This button is out of date: what the reminder asked for has changed. Open the record.")
    except DomainError as error:
        respond(text=problem(error), response_type="ephemeral", replace_original=False)
        return
    if form is hearing_form:
        ctx = services(context)
        deadline = records.require_change_allowed(ctx, user_of(body), work.reference)
        form = hearing_form_before(deadline, ctx.clock.now(), ctx.settings.timezone)
    meta = FormMeta(reference=work.reference, channel=channel_of(body), reminder=work.reminder_id, home=from_home(body))
    client.views_open(trigger_id=body["trigger_id"], view=form(meta))


def update_after_form(client: WebClient, ctx: ServiceContext, user: str, callback_id: str, meta: FormMeta) -> None:
    """A form opened from a reminder was saved: settle the reminder and say so on its message."""
    assert meta.reminder is not None and meta.reference is not None
    result = reminder_actions.followed(ctx, user, meta.reminder, FORM_DOES[callback_id], meta.reference)
    _update(client, result, result.channel, result.ts)


def _acknowledge(ctx: ServiceContext, user: str, reminder_id: int, action_id: str) -> ReminderActionResult:
    return reminder_actions.acknowledge(ctx, user, reminder_id)


def _dismiss(ctx: ServiceContext, user: str, reminder_id: int, action_id: str) -> ReminderActionResult:
    return reminder_actions.dismiss(ctx, user, reminder_id)


def _snooze(ctx: ServiceContext, user: str, reminder_id: int, action_id: str) -> ReminderActionResult:
    return reminder_actions.snooze(ctx, user, reminder_id, action_id.removeprefix(ids.REMINDER_SNOOZE_PREFIX))


def _check_done(ctx: ServiceContext, user: str, reminder_id: int, action_id: str) -> ReminderActionResult:
    return reminder_actions.record_check(ctx, user, reminder_id)


def _settle(body: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext, act: Act) -> None:
    action = body["actions"][0]
    user = str(body.get("user", {}).get("id", ""))
    try:
        result = act(services(context), user, _reminder_id(action.get("value")), str(action["action_id"]))
    except DomainError as error:
        respond(text=problem(error), response_type="ephemeral", replace_original=False)
        return
    # The pressed message (it may be a re-send or an escalation), else where the reminder went.
    container = body.get("container", {})
    channel = container.get("channel_id") or body.get("channel", {}).get("id") or result.channel
    ts = container.get("message_ts") or body.get("message", {}).get("ts") or result.ts
    _update(client, result, channel, ts)
    if from_home(body):
        republish_home(services(context), client, user)


def _update(client: WebClient, result: ReminderActionResult, channel: str | None, ts: str | None) -> None:
    if channel and ts:
        blocks, text = reminder_settled_blocks(result), settled_text(result)
        client.chat_update(channel=channel, ts=ts, text=text, blocks=blocks)


def _reminder_id(value: Any) -> int:
    try:
        return int(str(value))
    except ValueError:
        raise DomainError("That button is out of date. Open the record instead.") from None
