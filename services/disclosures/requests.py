"""Recording a Clare's Law request and each step of it: one unit of work each, authorised by team
as orders are, validated against rules.disclosure, written and audited in one transaction.

Every write replans the request's reminders in its unit of work (services/disclosures/planning.py:
the completion target and its near-target warning, withdrawn once the request is completed or
closed)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import select

from models import DisclosureApplicant, DisclosureRequest, ProtectedPerson, Role
from models.types import pk
from rules import validation
from rules.disclosure import Decision, Route, Step, completion_target, refusal
from rules.names import name_key, pnc_id_problem
from rules.validation import Violation
from services import stored_text
from services.context import ServiceContext
from services.disclosures.access import require_change
from services.disclosures.planning import replan_request
from services.disclosures.results import DisclosureView
from services.disclosures.viewing import facts_of, view_of
from services.errors import Conflict, NotFound, raise_if_any
from services.governance.access import require_team
from services.governance.audit import snapshot
from services.records.order_writer import PersonInput, add_perpetrator, add_protected_person
from services.records.references import next_reference
from services.unit_of_work import Acting, acting
from services.wording import Command, Text

REFERENCE_TYPE = "DVDS"  # WM-DVDS-2026-0001


@dataclass(frozen=True)
class NewRequest:
    route: Route
    person_at_risk: PersonInput
    subject: PersonInput
    received_at: datetime
    applicant_name: str | None = None  # Right to Ask by someone other than the person at risk


def new_request(ctx: ServiceContext, actor_slack_id: str, new: NewRequest) -> DisclosureView:
    """Record a request received; its officer is the one recording it, in their team."""
    with acting(ctx, actor_slack_id, Role.OFFICER, Role.SUPERVISOR, doing="record Clare's Law requests") as work:
        session, user, now = work.session, work.user, work.now
        team_id = require_team(user)
        raise_if_any(_validate(new, now))
        person = add_protected_person(session, ctx, user, new.person_at_risk, now)
        subject = add_perpetrator(session, ctx, user, new.subject, now)
        applicant = None
        if (new.applicant_name or "").strip():
            applicant = DisclosureApplicant(
                full_name=(new.applicant_name or "").strip(),
                name_key=name_key(new.applicant_name or ""),
                created_at=now,
                updated_at=now,
            )
            work.created(applicant)
        tz = ctx.settings.timezone
        request = DisclosureRequest(
            reference=next_reference(
                session, ctx.settings.force_code, REFERENCE_TYPE, new.received_at.astimezone(tz).year
            ),
            route=new.route,
            received_at=new.received_at,
            target_at=completion_target(new.received_at, ctx.settings.dvds_target_days, tz).at,
            protected_person_id=pk(person),
            perpetrator_id=pk(subject),
            applicant_id=pk(applicant) if applicant else None,
            officer_id=pk(user),
            team_id=team_id,
            created_by_id=pk(user),
            created_at=now,
            updated_at=now,
        )
        work.created(request)
        replan_request(session, request, ctx.settings, now, by=pk(user))
        return view_of(session, ctx, user, request, now)


def _validate(new: NewRequest, now: datetime) -> list[Violation | None]:
    checks: list[Violation | None] = [
        validation.not_in_future("received_at", "request", new.received_at, now),
        stored_text.violation(ProtectedPerson, "full_name", new.person_at_risk.full_name.strip()),
        stored_text.violation(DisclosureApplicant, "full_name", (new.applicant_name or "").strip() or None),
    ]
    if not new.person_at_risk.full_name.strip():
        checks.append(Violation("person_at_risk", "Give the name of the person at risk."))
    if not new.subject.full_name.strip():
        checks.append(Violation("subject", "Give the name of the person the request is about."))
    if (new.subject.pnc_id or "").strip() and (wrong := pnc_id_problem(new.subject.pnc_id or "")):
        checks.append(Violation("subject_pnc", wrong))
    return checks


@contextmanager
def _changing(
    ctx: ServiceContext, actor_slack_id: str, reference: str, step: Step
) -> Iterator[tuple[Acting, DisclosureRequest]]:
    """A change to one request: locked, authorised by team, refused (writing nothing) when its stage
    does not allow `step`, with what to do instead."""
    with acting(ctx, actor_slack_id) as work:
        request = work.session.exec(
            select(DisclosureRequest).where(DisclosureRequest.reference == reference.upper()).with_for_update()
        ).first()
        if request is None:
            raise NotFound(f"No Clare's Law request has the reference {reference[:40]}.", "reference")
        require_change(work.session, work.user, request)
        refused = refusal(facts_of(request), step)
        if refused is not None:
            raise Conflict(_refused(request.reference, step, refused.why, refused.instead))
        yield work, request
        replan_request(work.session, request, ctx.settings, work.now, by=pk(work.user))


def _refused(reference: str, step: Step, why: str, instead: str) -> Text:
    said: Text = (f"You cannot record {STEP_WORDS[step]} on {reference} now: {why}.",)
    if instead in NEXT_STEP:
        return (*said, " Instead: ", NEXT_STEP[instead](reference), ".")
    return said


STEP_WORDS = {
    Step.CHECKS: "the checks",
    Step.FORUM: "the decision forum",
    Step.DECIDE: "a decision",
    Step.DISCLOSED: "a disclosure",
    Step.CLOSE: "the closure",
}
# What to type for each step a refusal points to, with the request's reference.
NEXT_STEP: dict[str, Callable[[str], Command]] = {
    "checks": lambda ref: Command("clare", f"{ref} checks"),
    "forum": lambda ref: Command("clare", f"{ref} forum"),
    "decide": lambda ref: Command("clare", f'{ref} decide disclose "why"'),
    "disclosed": lambda ref: Command("clare", f'{ref} disclosed to "the person at risk"'),
    "close": lambda ref: Command("clare", f'{ref} close "why"'),
}


def _when(work: Acting, at: datetime | None, request: DisclosureRequest, what: str) -> datetime:
    at = at or work.now
    raise_if_any(
        [
            validation.not_in_future("at", what, at, work.now),
            validation.not_before("at", what, at, "receipt of the request", request.received_at),
        ]
    )
    return at


def record_checks(
    ctx: ServiceContext, actor_slack_id: str, reference: str, at: datetime | None = None
) -> DisclosureView:
    return _stamp(ctx, actor_slack_id, reference, Step.CHECKS, "checks_at", at)


def record_forum(
    ctx: ServiceContext, actor_slack_id: str, reference: str, at: datetime | None = None
) -> DisclosureView:
    return _stamp(ctx, actor_slack_id, reference, Step.FORUM, "forum_at", at)


def _stamp(
    ctx: ServiceContext, actor_slack_id: str, reference: str, step: Step, column: str, at: datetime | None
) -> DisclosureView:
    with _changing(ctx, actor_slack_id, reference, step) as (work, request):
        before = snapshot(request)
        setattr(request, column, _when(work, at, request, step.value))
        _changed(work, request, before)
        return view_of(work.session, ctx, work.user, request, work.now)


def decide(
    ctx: ServiceContext,
    actor_slack_id: str,
    reference: str,
    decision: Decision,
    reason: str,
    at: datetime | None = None,
) -> DisclosureView:
    """The decision, disclose or not, with the reason for it (the guidance asks that it be recorded)."""
    with _changing(ctx, actor_slack_id, reference, Step.DECIDE) as (work, request):
        _require_text(reason, DisclosureRequest, "decision_reason", "Give the reason for the decision")
        before = snapshot(request)
        request.decided_at = _when(work, at, request, "decision")
        request.decision, request.decision_reason = decision, reason.strip()
        _changed(work, request, before)
        return view_of(work.session, ctx, work.user, request, work.now)


def record_disclosure(
    ctx: ServiceContext, actor_slack_id: str, reference: str, to_whom: str, at: datetime | None = None
) -> DisclosureView:
    """The disclosure made: to whom and when. It completes the request."""
    with _changing(ctx, actor_slack_id, reference, Step.DISCLOSED) as (work, request):
        _require_text(to_whom, DisclosureRequest, "disclosed_to", "Say to whom the disclosure was made")
        before = snapshot(request)
        disclosed_at = _when(work, at, request, "disclosure")
        if request.decided_at is not None and disclosed_at < request.decided_at:
            raise_if_any([Violation("at", "The disclosure cannot be before the decision to disclose.")])
        request.disclosed_at, request.disclosed_to = disclosed_at, to_whom.strip()
        _changed(work, request, before)
        return view_of(work.session, ctx, work.user, request, work.now)


def close(ctx: ServiceContext, actor_slack_id: str, reference: str, reason: str) -> DisclosureView:
    """End a request with no disclosure (declined and the applicant told, withdrawn, no relationship)."""
    with _changing(ctx, actor_slack_id, reference, Step.CLOSE) as (work, request):
        _require_text(reason, DisclosureRequest, "close_reason", "Give the reason for closing it")
        before = snapshot(request)
        request.closed_at, request.close_reason = work.now, reason.strip()
        _changed(work, request, before)
        return view_of(work.session, ctx, work.user, request, work.now)


def _require_text(text: str, table: type[DisclosureRequest], column: str, missing: str) -> None:
    said = " ".join(text.split())
    raise_if_any(
        [
            None if said else Violation(column, f'{missing}, in quotes: e.g. "no relevant history".'),
            stored_text.violation(table, column, said),
        ]
    )


def _changed(work: Acting, request: DisclosureRequest, before: dict[str, object]) -> None:
    request.updated_at = work.now
    work.session.add(request)
    work.session.flush()
    work.changed(request, before)
