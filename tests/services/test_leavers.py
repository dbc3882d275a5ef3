"""A leaver deactivated hands on every piece of open casework, on both databases: incidents whose
clocks run, Clare's Law requests not completed, undone MARAC and plan actions, the review of the
open plans they adopted. Each row changed is audited, moved to the successor's team where a record
would move, and replanned, so the reminders those clocks send go to the successor and none is left
to go out to the leaver; the kept counts stay the rows. What is finished stays theirs."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session

from rules.disclosure import Route
from rules.plans import ActionKind
from services.context import ServiceContext
from services.disclosures import requests
from services.disclosures.requests import NewRequest
from services.errors import NotAllowed
from services.governance import teams
from services.incidents import changes
from services.incidents.recording import NewIncident, record_incident
from services.people import plans
from services.records import corrections
from services.records.order_writer import PersonInput
from tests.properties.invariants import (
    open_work_of_those_who_left,
    the_casework_counts_are_the_rows,
    the_incident_counts_are_the_incidents,
)
from tests.support.database import audit_rows, row_counts
from tests.support.force import Force, london
from tests.support.records import dvpn, record
from tests.support.sweeps import rows, user_ids

REPORTED = london("2026-04-02 20:00")
LIVE = ("pending", "claimed")


def incident(victim: str = "Sam Sample", **given: object) -> NewIncident:
    values: dict[str, object] = {"reported_at": REPORTED, "victim": PersonInput(victim)}
    values.update(given)
    return NewIncident(suspect=PersonInput("Alex Example"), **values)  # type: ignore[arg-type]


def request() -> NewRequest:
    return NewRequest(Route.ASK, PersonInput("Dana Whitlock"), PersonInput("Gareth Pellow"), london("2026-03-30 10:00"))


def one(ctx: ServiceContext, table: str, **where: object) -> dict[str, object]:
    [row] = rows(ctx, table, **where)
    return row


def live_to(ctx: ServiceContext, user_id: int, **about: object) -> set[str]:
    """The kinds of the reminders still to go out to `user_id`, about the subject `about` names."""
    return {str(r["kind"]) for r in rows(ctx, "reminder", recipient_id=user_id, **about) if r["state"] in LIVE}


def handed_on(ctx: ServiceContext, force: Force, table: str) -> list[object]:
    """The ids of the `table` rows the admin's deactivation changed, as the audit trail says."""
    return [
        r["entity_id"]
        for r in audit_rows(ctx.engine, entity_type=table, action="update")
        if r["actor"] == f"slack:{force.admin}"
    ]


def promises_kept(ctx: ServiceContext) -> list[str]:
    with Session(ctx.engine) as session:
        return (
            open_work_of_those_who_left(session, ctx)
            + the_incident_counts_are_the_incidents(session)
            + the_casework_counts_are_the_rows(session)
        )


def test_a_leaver_hands_on_each_open_incident_to_the_successor_s_team(ctx: ServiceContext, force: Force) -> None:
    ref = record_incident(ctx, force.officer, incident(crime_disclosed=True))
    ids = user_ids(ctx)
    leaver, successor, supervisor = ids[force.officer], ids[force.other_officer], ids[force.supervisor]
    assert f"inc_overdue:attend:{leaver}" in live_to(ctx, leaver)

    done = teams.deactivate(ctx, force.admin, force.officer, force.other_officer)

    assert (done.incidents, done.requests, done.marac_actions, done.plan_actions) == (1, 0, 0, 0)
    row = one(ctx, "incident", reference=ref)
    team_b = one(ctx, "team", name="Team B")["id"]
    assert (row["officer_id"], row["team_id"]) == (successor, team_b)  # where the successor may act on it
    assert handed_on(ctx, force, "incident") == [row["id"]]
    about = {"incident_id": row["id"]}
    mine = live_to(ctx, successor, **about)
    for clock in ("attend", "dash", "crime", "considered"):
        assert {f"inc_due:{clock}", f"inc_overdue:{clock}:{successor}"} <= mine
    assert not live_to(ctx, leaver) and not live_to(ctx, supervisor, **about)  # Team B has no supervisor
    withdrawn = {r["update_reason"] for r in rows(ctx, "reminder", **about) if r["state"] == "cancelled"}
    assert withdrawn <= {None, "moot_handed_on"}  # never "Recorded": the work was handed on, not done
    assert promises_kept(ctx) == []


def test_an_incident_stays_with_the_leaver_once_no_clock_runs_or_can_start(ctx: ServiceContext, force: Force) -> None:
    """Clocks met and referred to MARAC, or clocks met and older than the escalation window: no
    clock can start again, and who handled it is history. Clocks met but recent and unreferred:
    another incident against the victim can still start its referral clock, so it is handed on."""
    long_ago = REPORTED - timedelta(days=400)
    referred = record_incident(ctx, force.officer, incident(dash_yes=14))  # high risk: referral due
    changes.record_referral(ctx, force.officer, referred)
    old = record_incident(ctx, force.officer, incident("Jo Sample", reported_at=long_ago, dash_yes=2))
    recent = record_incident(ctx, force.officer, incident("Al Sample", dash_yes=2))
    for ref in (referred, old, recent):
        changes.record_attended(ctx, force.officer, ref)
        changes.record_considered(ctx, force.officer, ref, False, "suspect in custody")
        assert one(ctx, "incident", reference=ref)["next_deadline_at"] is None

    done = teams.deactivate(ctx, force.admin, force.officer, force.colleague)

    assert done.incidents == 1
    ids = user_ids(ctx)
    officers = {r["reference"]: r["officer_id"] for r in rows(ctx, "incident")}
    assert officers == {referred: ids[force.officer], old: ids[force.officer], recent: ids[force.colleague]}
    assert handed_on(ctx, force, "incident") == [one(ctx, "incident", reference=recent)["id"]]
    assert promises_kept(ctx) == []


def test_a_marac_action_is_handed_on_and_its_incident_stays_with_its_officer(ctx: ServiceContext, force: Force) -> None:
    ref = record_incident(ctx, force.colleague, incident(dash_yes=14))  # high risk: referral due
    changes.record_referral(ctx, force.colleague, ref)
    changes.add_action(ctx, force.colleague, ref, "safety plan visit", force.officer, REPORTED + timedelta(days=5))
    changes.add_action(ctx, force.colleague, ref, "refuge referral", force.officer, REPORTED + timedelta(days=6))
    changes.action_done(ctx, force.colleague, ref, 2)
    ids = user_ids(ctx)
    leaver, successor, supervisor = ids[force.officer], ids[force.other_officer], ids[force.supervisor]

    done = teams.deactivate(ctx, force.admin, force.officer, force.other_officer)

    assert (done.incidents, done.marac_actions) == (0, 1)
    first, second = rows(ctx, "marac_action")
    assert (first["owner_id"], second["owner_id"]) == (successor, leaver)  # the done one is history
    assert one(ctx, "incident", reference=ref)["officer_id"] == ids[force.colleague]
    assert handed_on(ctx, force, "marac_action") == [first["id"]]
    about = {"incident_id": one(ctx, "incident", reference=ref)["id"]}
    assert live_to(ctx, successor, **about) == {"marac_action_due:1", f"marac_action_overdue:1:{successor}"}
    assert f"marac_action_overdue:1:{supervisor}" in live_to(ctx, supervisor, **about)  # the incident's team's
    assert not live_to(ctx, leaver)
    assert promises_kept(ctx) == []


def test_an_open_request_is_handed_on_and_a_closed_one_stays(ctx: ServiceContext, force: Force) -> None:
    open_ref = requests.new_request(ctx, force.officer, request()).reference
    closed_ref = requests.new_request(ctx, force.officer, request()).reference
    requests.close(ctx, force.officer, closed_ref, "withdrawn by the applicant")
    ids = user_ids(ctx)
    leaver, successor = ids[force.officer], ids[force.other_officer]

    done = teams.deactivate(ctx, force.admin, force.officer, force.other_officer)

    assert done.requests == 1
    handed, kept = (
        one(ctx, "disclosure_request", reference=open_ref),
        one(ctx, "disclosure_request", reference=closed_ref),
    )
    assert (handed["officer_id"], handed["team_id"]) == (successor, one(ctx, "team", name="Team B")["id"])
    assert (kept["officer_id"], kept["team_id"]) == (leaver, one(ctx, "team", name="Team A")["id"])
    assert handed_on(ctx, force, "disclosure_request") == [handed["id"]]
    assert live_to(ctx, successor, disclosure_id=handed["id"]) == {"dvds_target_near", f"dvds_target:{successor}"}
    assert not live_to(ctx, leaver)
    assert promises_kept(ctx) == []  # the request's counts moved to Team B with it


def test_plan_actions_and_the_review_of_a_plan_the_leaver_adopted_are_handed_on(
    ctx: ServiceContext, force: Force
) -> None:
    ref = record(ctx, force.officer).reference
    plans.adopt(ctx, force.officer, ref, london("2026-05-01 09:00"))
    due = london("2026-04-20 17:00")
    plans.add_action(ctx, force.officer, ref, ActionKind.DISRUPT, force.officer, due, "check bail")
    plans.add_action(ctx, force.officer, ref, ActionKind.SUPPORT, force.colleague, due, "programme referral")
    plans.add_action(ctx, force.officer, ref, ActionKind.ENFORCE, force.officer, due, "visit")
    plans.action_done(ctx, force.officer, ref, 3)
    ids = user_ids(ctx)
    leaver, colleague = ids[force.officer], ids[force.colleague]

    done = teams.deactivate(ctx, force.admin, force.officer, force.colleague)

    assert (done.plan_actions, done.plan_reviews, done.references) == (1, 1, (ref,))
    [plan] = rows(ctx, "management_plan")
    assert plan["created_by_id"] == colleague and plan["team_id"] == one(ctx, "team", name="Team A")["id"]
    owners = [a["owner_id"] for a in rows(ctx, "plan_action")]
    assert owners == [colleague, colleague, leaver]  # the done one is history
    assert handed_on(ctx, force, "management_plan") == [plan["id"]]
    assert handed_on(ctx, force, "plan_action") == [rows(ctx, "plan_action")[0]["id"]]
    assert {"plan_action_due:1", "plan_review_soon", f"plan_review_due:{colleague}"} <= live_to(
        ctx, colleague, plan_id=plan["id"]
    )
    assert not live_to(ctx, leaver)
    assert promises_kept(ctx) == []


def test_a_leaving_supervisor_leaves_their_team_unsupervised_and_says_so(ctx: ServiceContext, force: Force) -> None:
    record_incident(ctx, force.officer, incident())
    supervisor = user_ids(ctx)[force.supervisor]
    assert live_to(ctx, supervisor)  # the team's overdue alerts

    done = teams.deactivate(ctx, force.admin, force.supervisor, force.colleague)

    assert done.unsupervised == ("Team A",)
    assert row_counts(ctx.engine)["team_supervisor"] == 0
    assert not live_to(ctx, supervisor)  # their copies went to the successor
    assert promises_kept(ctx) == []


def test_a_refused_deactivation_hands_on_nothing(ctx: ServiceContext, force: Force) -> None:
    record_incident(ctx, force.officer, incident())
    requests.new_request(ctx, force.officer, request())
    before = {t: rows(ctx, t) for t in ("incident", "disclosure_request", "reminder", "app_user")}
    counts = row_counts(ctx.engine)
    with pytest.raises(NotAllowed, match="Only admins can deactivate users"):
        teams.deactivate(ctx, force.supervisor, force.officer, force.colleague)
    with pytest.raises(NotAllowed, match="The successor must be an active dvpn-bot user placed in a team"):
        teams.deactivate(ctx, force.admin, force.officer, force.newcomer)
    assert {t: rows(ctx, t) for t in before} == before
    assert row_counts(ctx.engine) == counts  # not even the newcomer's first contact: all rolled back


def test_no_one_makes_a_leaver_the_officer_in_charge_again(ctx: ServiceContext, force: Force) -> None:
    ref = record(ctx, force.colleague).reference
    teams.deactivate(ctx, force.admin, force.officer, force.colleague)
    counts, orders = row_counts(ctx.engine), rows(ctx, "protection_order")
    withdrawn = "That officer's dvpn-bot access has been withdrawn. Name another officer in charge."
    with pytest.raises(NotAllowed, match=withdrawn):
        record_incident(ctx, force.colleague, incident(officer_slack_id=force.officer))
    with pytest.raises(NotAllowed, match=withdrawn):
        record(ctx, force.colleague, dvpn(officer_slack_id=force.officer))
    with pytest.raises(NotAllowed, match=withdrawn):
        corrections.correct(ctx, force.colleague, ref, {"officer_slack_id": force.officer}, "wrong officer entered")
    assert (row_counts(ctx.engine), rows(ctx, "protection_order")) == (counts, orders)
