"""The perpetrator's duties after the order: changed (a change to notify), exempt (no duty to
notify, and why) and monitoring (a DAPO's electronic monitoring requirement)."""

from __future__ import annotations

from handlers import parsing
from handlers.router import Invocation, Reply
from handlers.subcommands.records import confirm
from rules.notification import Change, Exemption
from services.errors import DomainError
from services.records import duties

CHANGED_USAGE = "changed REF name|address|no-address [WHEN]"
EXEMPT_USAGE = "exempt REF " + "|".join(e.value for e in Exemption)
MONITORING_USAGE = "monitoring REF until LAST-DAY [from WHEN]"


def _reading(inv: Invocation, command: str) -> parsing.Reading:
    return parsing.Reading(inv.now, inv.tz, inv.ctx.settings.past_event_days, command)


_reply = confirm


def changed(inv: Invocation) -> Reply:
    ref = parsing.reference(inv.args, CHANGED_USAGE, inv.ctx.settings.force_code)
    what, _, rest = parsing.rest_after_reference(inv.args).partition(" ")
    try:
        change = Change(what.lower())
    except ValueError:
        raise DomainError(f"Say what changed: `/dvpn {CHANGED_USAGE}`.", "change") from None
    at = parsing.when(rest or "now", _reading(inv, f"changed {ref} {change}"), kind="notification", field="happened_at")
    view = duties.record_change(inv.ctx, inv.user_id, ref, change, at)
    return _reply(inv, view, f"Change recorded on {view.reference}: a new 3-day window to notify.", [("Changed", at)])


def exempt(inv: Invocation) -> Reply:
    ref = parsing.reference(inv.args, EXEMPT_USAGE, inv.ctx.settings.force_code)
    basis = parsing.rest_after_reference(inv.args).strip().lower()
    try:
        exemption = Exemption(basis)
    except ValueError:
        raise DomainError(f"Say why: `/dvpn {EXEMPT_USAGE}`.", "notification_exempt") from None
    view = duties.record_exemption(inv.ctx, inv.user_id, ref, exemption)
    return _reply(inv, view, f"{view.reference}: exempt from notifying.", [])


def monitoring(inv: Invocation) -> Reply:
    ref = parsing.reference(inv.args, MONITORING_USAGE, inv.ctx.settings.force_code)
    parts = parsing.split_keywords(parsing.rest_after_reference(inv.args), ("until", "from"))
    if not parts.get("until"):
        raise DomainError(f"Give the last day: `/dvpn {MONITORING_USAGE}`.", "monitoring_ends_at")
    # Each reading names the command up to its own field, so "Type: ..." after a time it could
    # not read is a command that works.
    last = parsing.when(
        parts["until"], _reading(inv, f"monitoring {ref} until"), kind="order_end", field="monitoring_ends_at"
    )
    start = (
        parsing.when(
            parts["from"],
            _reading(inv, f"monitoring {ref} until {parts['until']} from"),
            kind="service",
            field="monitoring_starts_at",
        )
        if parts.get("from")
        else None
    )
    view = duties.record_monitoring(inv.ctx, inv.user_id, ref, last.astimezone(inv.tz).date(), start)
    times = [("Monitoring to the end of", last)] + ([("From", start)] if start else [])
    return _reply(inv, view, f"Electronic monitoring recorded on {view.reference}.", times)
