"""The unit of work for a change to one incident: the incident locked for update, refused unless
the user may change it (services.governance.access, as for a notice), checked against the
incident lifecycle, and replanned before the commit (services/incidents/planning.py)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlmodel import Session, select

from models import AppUser, Incident, MaracReferral
from models.db import session_scope
from rules.incident_lifecycle import DOING, IncidentEvent, incident_state, refusal
from services.context import ServiceContext
from services.errors import Conflict, NotFound
from services.governance.access import acting_user, require_write
from services.incidents.planning import MOOT_DONE, replan_incident
from services.records.lookup import WITHOUT_PREFIX, normalise_reference
from services.unit_of_work import Acting
from services.wording import Command


def find_incident(session: Session, reference: str, *, force_code: str, for_update: bool = False) -> Incident:
    """The incident `reference` names, typed in full or without the force's prefix (INC-2026-0001)."""
    typed = normalise_reference(reference)
    if (bare := WITHOUT_PREFIX.fullmatch(typed)) is not None:
        typed = f"{force_code}-{bare[1]}-{bare[2]}-{int(bare[3]):04d}"
    query = select(Incident).where(Incident.reference == typed)
    if for_update:
        query = query.with_for_update()
    incident = session.exec(query).first()
    if incident is None:
        raise NotFound(
            (
                f"No incident has the reference '{reference.strip()[:40]}'. Incident references look like "
                f"{force_code}-INC-2026-0001 (or INC-2026-0001): try ",
                Command("marac due", set_apart=False),
                ", or record one with ",
                Command("incident", set_apart=False),
                ".",
            ),
            "reference",
        )
    return incident


@dataclass(eq=False, kw_only=True)
class IncidentChange(Acting):
    incident: Incident
    _incidents: list[Incident] = field(default_factory=list, init=False)

    def require(self, event: IncidentEvent) -> None:
        """Conflict, writing nothing, when the incident's state refuses `event`."""
        referred = self.session.exec(
            select(MaracReferral.id).where(MaracReferral.incident_id == self.incident.id)
        ).first()
        state = incident_state(referred is not None)
        refused = refusal(state, event)
        if refused is not None:
            doing = DOING[event].format(ref=self.incident.reference)
            raise Conflict(f"You cannot {doing} ({state.value}): {refused.why}. {refused.instead}.")

    def _finish(self) -> None:
        super()._finish()
        replan(self, self.incident)


def replan(work: Acting, incident: Incident, *, why: str = MOOT_DONE) -> None:
    """Replan after `work`'s change, in its name: a reminder it settles says who did it and when."""
    settings = work.ctx.settings
    incident.updated_at = work.now
    by = work.actor.id if work.actor is not None else None
    replan_incident(
        work.session, incident, settings.incidents, settings.reminders, settings.timezone, work.now, by=by, why=why
    )


@contextmanager
def changing_incident(ctx: ServiceContext, actor_slack_id: str, reference: str) -> Iterator[IncidentChange]:
    with session_scope(ctx.engine) as session:
        user: AppUser = acting_user(session, ctx, actor_slack_id)
        incident = find_incident(session, reference, force_code=ctx.settings.force_code, for_update=True)
        require_write(session, user, incident)
        change = IncidentChange(session=session, ctx=ctx, now=ctx.clock.now(), actor=user, incident=incident)
        yield change
        change._finish()
