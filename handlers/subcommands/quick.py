"""Quick paths for people who type: hearing, granted, refused, adjourned, breach, check,
notified, close. Each reply echoes how its times were read, then shows the card."""

from __future__ import annotations

from domain.enums import HearingOutcome
from handlers import parsing
from handlers.router import Invocation, Reply
from handlers.subcommands.records import confirm
from services.errors import DomainError
from services.records import breaches, checks, hearings, lifecycle
from services.records.hearings import GrantTerms


def _reading(inv: Invocation, command: str) -> parsing.Reading:
    return parsing.Reading(inv.now, inv.tz, inv.ctx.settings.past_event_days, command)


_reply = confirm


def hearing(inv: Invocation) -> Reply:
    ref = parsing.reference(inv.args, "hearing REF WHEN [at COURT]", inv.ctx.settings.force_code)
    rest = parsing.rest_after_reference(inv.args)
    if not rest:
        raise DomainError("Give the hearing time: `/dvpn hearing REF tomorrow 10:00 at Birmingham Magistrates`.")
    at, court = parsing.time_and_court(rest, _reading(inv, f"hearing {ref}"), field="scheduled_at")
    view = hearings.book_hearing(inv.ctx, inv.user_id, ref, at, court)
    where = f" at {court}" if court else ""
    return _reply(inv, view, f"Hearing booked for {view.reference}{where}.", [("Hearing", at)])


def granted(inv: Invocation) -> Reply:
    ref = parsing.reference(inv.args, "granted REF DAYS|UNTIL", inv.ctx.settings.force_code)
    length = parsing.length(parsing.rest_after_reference(inv.args), _reading(inv, f"granted {ref} until"))
    if length.months is not None:
        raise DomainError("Give the order's length in days or as an end date: `/dvpn granted REF 28 days`.", "duration")
    terms = GrantTerms(
        duration_days=length.days, last_day=length.last_day, until_further_order=length.until_further_order
    )
    view = hearings.record_outcome(inv.ctx, inv.user_id, ref, HearingOutcome.GRANTED, inv.now, terms)
    follows = f", following {view.parent_reference}" if view.parent_reference else ""
    return _reply(inv, view, f"Application granted: {view.reference} recorded{follows}.", [("Decided", inv.now)])


def refused(inv: Invocation) -> Reply:
    ref = parsing.reference(inv.args, "refused REF", inv.ctx.settings.force_code)
    view = hearings.record_outcome(inv.ctx, inv.user_id, ref, HearingOutcome.REFUSED, inv.now)
    return _reply(inv, view, f"Application refused: {view.reference} has ended.", [("Decided", inv.now)])


def adjourned(inv: Invocation) -> Reply:
    ref = parsing.reference(inv.args, "adjourned REF WHEN", inv.ctx.settings.force_code)
    rest = parsing.rest_after_reference(inv.args)
    if not rest:
        raise DomainError("Give the new hearing time: `/dvpn adjourned REF monday 10:00`.", "scheduled_at")
    to, court = parsing.time_and_court(rest, _reading(inv, f"adjourned {ref}"), field="scheduled_at")
    view = hearings.adjourn_hearing(inv.ctx, inv.user_id, ref, to, court)
    return _reply(inv, view, f"Hearing for {view.reference} adjourned.", [("New hearing", to)])


BREACH_USAGE = "breach REF WHEN [arrested WHEN] [crime CRIMEREF] [details TEXT]"


def breach(inv: Invocation) -> Reply:
    ref = parsing.reference(inv.args, BREACH_USAGE, inv.ctx.settings.force_code)
    parts = parsing.split_keywords(parsing.rest_after_reference(inv.args), ("arrested", "crime", "details"))
    if not parts[""]:
        raise DomainError(f"Give when the breach happened: `/dvpn {BREACH_USAGE}`.", "occurred_at")
    occurred = parsing.when(parts[""], _reading(inv, f"breach {ref}"), kind="breach", field="occurred_at")
    arrested = (
        parsing.when(
            parts["arrested"] or "now",
            _reading(inv, f"breach {ref} {parts['']} arrested"),
            kind="arrest",
            field="arrested_at",
        )
        if "arrested" in parts
        else None
    )
    crime_words = parts.get("crime", "").split(maxsplit=1)
    crime = crime_words[0] if crime_words else None
    details = " ".join(filter(None, [crime_words[1] if len(crime_words) > 1 else "", parts.get("details", "")]))
    view = breaches.record_breach(
        inv.ctx, inv.user_id, ref, occurred, arrested_at=arrested, crime_reference=crime, details=details or None
    )
    times = [("Breach", occurred)] + ([("Arrested", arrested)] if arrested else [])
    return _reply(inv, view, f"Breach of {view.reference} recorded.", times)


CRIME_USAGE = "crime REF CRIMEREF [breach N]"


def crime(inv: Invocation) -> Reply:
    """A crime reference for a breach already recorded: the latest one without, or the Nth."""
    ref = parsing.reference(inv.args, CRIME_USAGE, inv.ctx.settings.force_code)
    words = parsing.rest_after_reference(inv.args).split()
    if not words:
        example = inv.ctx.settings.crime_reference_example
        raise DomainError(f"Give the crime reference: `/dvpn crime {ref} {example}`.", "crime_reference")
    number: int | None = None
    if len(words) == 3 and words[1].lower() == "breach" and words[2].isdigit():
        number = int(words[2])
    elif len(words) != 1:
        raise DomainError(
            f"Give one crime reference, and the breach's number if not the latest: `/dvpn {CRIME_USAGE}`."
        )
    view = breaches.add_crime_reference(inv.ctx, inv.user_id, ref, words[0], number)
    return _reply(inv, view, f"Crime reference added to the breach of {view.reference}.", [])


COURT_USAGE = "court REF [WHEN] [breach N]"


def court(inv: Invocation) -> Reply:
    """The person arrested for a breach was brought before the court: its countdown ends."""
    ref = parsing.reference(inv.args, COURT_USAGE, inv.ctx.settings.force_code)
    parts = parsing.split_keywords(parsing.rest_after_reference(inv.args), ("breach",))
    number = parts.get("breach", "").strip()
    if "breach" in parts and not number.isdigit():
        raise DomainError(f"Give the breach's number: `/dvpn {COURT_USAGE}`.", "breach")
    at = parsing.when(parts[""] or "now", _reading(inv, f"court {ref}"), kind="arrest", field="appeared_at")
    view = breaches.record_court_appearance(inv.ctx, inv.user_id, ref, at, int(number) if number else None)
    return _reply(
        inv, view, f"Court appearance after the arrest on {view.reference} recorded.", [("Before the court", at)]
    )


CHECK_USAGE = "check REF done [WHEN] [outcome] | check REF due WHEN"


def check(inv: Invocation) -> Reply:
    ref = parsing.reference(inv.args, CHECK_USAGE, inv.ctx.settings.force_code)
    verb, _, rest = parsing.rest_after_reference(inv.args).partition(" ")
    if verb.lower() == "done":
        done_at, outcome = parsing.time_then_text(
            rest, _reading(inv, f"check {ref} done"), kind="check_done", field="done_at"
        )
        view = checks.complete_check(inv.ctx, inv.user_id, ref, done_at, outcome or None)
        return _reply(inv, view, f"Breach check on {view.reference} recorded.", [("Done", done_at)])
    if verb.lower() == "due":
        due = parsing.when(rest, _reading(inv, f"check {ref} due"), kind="check_due", field="due_at")
        view = checks.plan_check(inv.ctx, inv.user_id, ref, due)
        return _reply(inv, view, f"Breach check on {view.reference} planned.", [("Due", due)])
    raise DomainError(f"Say done or due: `/dvpn {CHECK_USAGE}`.", "check")


def notified(inv: Invocation) -> Reply:
    ref = parsing.reference(inv.args, "notified REF WHEN", inv.ctx.settings.force_code)
    at = parsing.when(
        parsing.rest_after_reference(inv.args) or "now",
        _reading(inv, f"notified {ref}"),
        kind="notification",
        field="received_at",
    )
    view = checks.record_notification(inv.ctx, inv.user_id, ref, at)
    return _reply(inv, view, f"Notification for {view.reference} recorded.", [("Notified", at)])


def close(inv: Invocation) -> Reply:
    ref = parsing.reference(inv.args, "close REF [closed|discharged|withdrawn] REASON", inv.ctx.settings.force_code)
    status, _, reason = parsing.rest_after_reference(inv.args).partition(" ")
    if status.lower() not in lifecycle.CLOSING_STATUSES:
        status, reason = "closed", f"{status} {reason}".strip()
    view = lifecycle.close(inv.ctx, inv.user_id, ref, reason, status=status.lower())
    return _reply(inv, view, f"{view.reference} is now {view.status}.", [])
