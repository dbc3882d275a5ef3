"""Clare's Law requests through the services, on both databases: a request from receipt to
disclosure, each step refused (writing nothing) when its stage does not allow it, who may see and
change a request, what the audit trail keeps, and the figures a force reports, worked by hand."""

from __future__ import annotations

import json

import pytest

from rules.disclosure import Decision, Route, Stage, Standing
from services.clock import ManualClock
from services.context import ServiceContext
from services.disclosures import figures, requests, viewing
from services.disclosures.requests import NewRequest
from services.errors import Conflict, NotAllowed, ValidationFailed
from services.records.order_writer import PersonInput
from tests.support.database import audit_rows, row_counts
from tests.support.force import Force, london


def asked(received: str = "2026-03-10 14:00", route: Route = Route.ASK, **kw: object) -> NewRequest:
    return NewRequest(
        route=route,
        person_at_risk=PersonInput("Dana Whitlock"),
        subject=PersonInput("Gareth Pellow", pnc_id="11/987654D"),
        received_at=london(received),
        **kw,  # type: ignore[arg-type]
    )


def test_a_request_from_receipt_to_disclosure(ctx: ServiceContext, force: Force, clock: ManualClock) -> None:
    view = requests.new_request(ctx, force.officer, asked(applicant_name="Morag Whitlock"))
    assert view.reference == "WM-DVDS-2026-0001"
    assert (view.stage, view.named, view.person_at_risk, view.subject) == (
        Stage.RECEIVED,
        True,
        "Dana Whitlock",
        "Gareth Pellow",
    )
    assert view.applicant == "Morag Whitlock"
    assert view.target_at == london("2026-04-07 00:00")  # 28 days beginning with 10 Mar (rules test)
    assert view.standing is Standing.NEAR  # the clock reads 2 Apr 21:00: within 7 days of the target
    assert [c.kind for c in view.clocks] == ["dvds_target_near", "dvds_target"]
    ref = view.reference
    assert requests.record_checks(ctx, force.officer, ref, london("2026-03-12 10:00")).stage is Stage.CHECKS
    assert requests.record_forum(ctx, force.colleague, ref, london("2026-03-20 10:00")).stage is Stage.FORUM
    decided = requests.decide(ctx, force.supervisor, ref, Decision.DISCLOSE, "history of violence to partners")
    assert (decided.stage, decided.decision_reason) == (Stage.DECIDED, "history of violence to partners")
    done = requests.record_disclosure(ctx, force.officer, ref, "the person at risk, in person")
    assert (done.stage, done.standing, done.clocks, done.disclosed_to) == (
        Stage.DISCLOSED,
        None,
        (),
        "the person at risk, in person",
    )
    assert (done.days_taken, done.within_target) == (24, True)  # 10 Mar to 2 Apr, day 1 being 10 Mar


def test_a_step_out_of_order_is_refused_with_what_to_type_and_writes_nothing(ctx: ServiceContext, force: Force) -> None:
    ref = requests.new_request(ctx, force.officer, asked()).reference
    before = row_counts(ctx.engine)
    with pytest.raises(Conflict) as refused:
        requests.decide(ctx, force.officer, ref, Decision.DISCLOSE, "history")
    assert "the checks are not recorded yet" in refused.value.message
    assert refused.value.message.startswith(f"You cannot record a decision on {ref} now")
    assert f"Instead: clare {ref} checks." in refused.value.message  # a Command: Slack shows it as /dvpn clare
    with pytest.raises(Conflict, match="no decision is recorded yet"):
        requests.record_disclosure(ctx, force.officer, ref, "the person at risk")
    with pytest.raises(ValidationFailed, match="Give the reason"):
        requests.close(ctx, force.officer, ref, "  ")
    with pytest.raises(ValidationFailed, match="before the receipt of the request"):
        requests.record_checks(ctx, force.officer, ref, london("2026-03-01 10:00"))
    assert row_counts(ctx.engine) == before


def test_a_request_in_the_future_or_without_names_is_refused(ctx: ServiceContext, force: Force) -> None:
    before = row_counts(ctx.engine)
    with pytest.raises(ValidationFailed) as refused:
        requests.new_request(
            ctx,
            force.officer,
            NewRequest(Route.KNOW, PersonInput(" "), PersonInput("X", pnc_id="nonsense"), london("2026-04-03 10:00")),
        )
    fields = {v.field for v in refused.value.violations}
    assert fields == {"received_at", "person_at_risk", "subject_pnc"}
    assert row_counts(ctx.engine) == before


def test_who_may_see_and_change_a_request(ctx: ServiceContext, force: Force) -> None:
    ref = requests.new_request(ctx, force.officer, asked()).reference
    with pytest.raises(NotAllowed, match="belongs to another team"):
        viewing.show(ctx, force.other_officer, ref)
    with pytest.raises(NotAllowed, match="belongs to another team"):
        requests.record_checks(ctx, force.other_officer, ref)
    seen = viewing.show(ctx, force.champion, ref)
    assert (seen.named, seen.person_at_risk, seen.subject, seen.writable) == (False, "DW", "GP", False)
    with pytest.raises(NotAllowed, match="Champions can read requests but not change them"):
        requests.record_checks(ctx, force.champion, ref)
    assert viewing.show(ctx, force.supervisor, ref).named
    with pytest.raises(NotAllowed, match="Only officers or supervisors"):
        requests.new_request(ctx, force.champion, asked())


def test_the_audit_trail_keeps_no_names_and_no_typed_text(ctx: ServiceContext, force: Force) -> None:
    ref = requests.new_request(ctx, force.officer, asked(applicant_name="Morag Whitlock")).reference
    requests.record_checks(ctx, force.officer, ref)
    requests.decide(ctx, force.officer, ref, Decision.DECLINE, "Gareth has no relevant history")
    requests.close(ctx, force.officer, ref, "Dana told in person")
    viewing.show(ctx, force.champion, ref)
    trail = json.dumps(audit_rows(ctx.engine), default=str)
    for secret in ("Dana", "Whitlock", "Gareth", "Pellow", "987654D", "relevant history", "in person"):
        assert secret not in trail
    actions = [(r["action"], r["entity_type"]) for r in audit_rows(ctx.engine) if "disclosure" in str(r["entity_type"])]
    assert actions.count(("update", "disclosure_request")) == 3
    assert ("create", "disclosure_applicant") in actions and ("view", "disclosure_request") in actions


def test_the_open_list_is_nearest_the_target_first_and_scoped_by_team(ctx: ServiceContext, force: Force) -> None:
    later = requests.new_request(ctx, force.officer, asked("2026-03-30 09:00")).reference
    sooner = requests.new_request(ctx, force.officer, asked("2026-03-01 09:00", Route.KNOW)).reference
    requests.new_request(ctx, force.other_officer, asked("2026-03-15 09:00"))
    mine = viewing.open_requests(ctx, force.officer, "team")
    assert [line.reference for line in mine.lines] == [sooner, later]
    assert [line.standing for line in mine.lines] == [Standing.PAST, Standing.DUE]
    assert mine.lines[0].subject_initials == "GP"
    assert viewing.open_requests(ctx, force.champion, "all").total == 3
    assert viewing.open_requests(ctx, force.other_officer, "all").total == 1  # officers: their team only


def test_the_open_list_shows_a_page_and_counts_every_open_request(
    ctx: ServiceContext, force: Force, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A page of two: the shown lines are the two nearest their target among the open ones in scope,
    # and the total counts every open request in scope, not only those shown.
    monkeypatch.setattr(viewing, "LIST_LIMIT", 2)
    empty = viewing.open_requests(ctx, force.champion, "all")
    assert (empty.lines, empty.total) == ((), 0)
    made = {
        day: requests.new_request(ctx, force.officer, asked(f"2026-03-{day:02d} 09:00")).reference
        for day in (20, 5, 12, 1, 28)
    }
    requests.close(ctx, force.officer, made[1], "withdrawn")  # closed: neither shown nor counted
    requests.record_checks(ctx, force.officer, made[12])
    requests.decide(ctx, force.officer, made[12], Decision.DISCLOSE, "history of violence")
    requests.record_disclosure(ctx, force.officer, made[12], "the person at risk")  # disclosed: the same
    theirs = requests.new_request(ctx, force.other_officer, asked("2026-03-02 09:00")).reference
    team = viewing.open_requests(ctx, force.officer, "team")
    assert ([line.reference for line in team.lines], team.total) == ([made[5], made[20]], 3)
    everyone = viewing.open_requests(ctx, force.champion, "all")
    assert ([line.reference for line in everyone.lines], everyone.total) == ([theirs, made[5]], 4)
    assert viewing.open_requests(ctx, force.other_officer, "mine").total == 1
    assert viewing.open_requests(ctx, force.other_officer, "all").total == 1  # officers: their team only
    shown = [json.loads(r["after"]) if isinstance(r["after"], str) else r["after"] for r in audit_rows(ctx.engine)]
    assert {"whose": "all", "shown": [theirs, made[5]]} in shown


def test_the_figures_a_force_reports(ctx: ServiceContext, force: Force, clock: ManualClock) -> None:
    # March 2026, Team A: A1 (ask, 2 Mar) disclosed 20 Mar: 19 days, in time. A2 (know, 3 Mar) closed
    # 1 Apr: outside March. A3 (ask, 5 Mar) disclosed 31 Mar: 27 days, in time (last day 1 Apr).
    # A4 (ask, 1 Feb) closed 10 Mar: 38 days, after its target (28 Feb). Team B: B1 (know, 4 Mar) open.
    def made(received: str, route: Route, by: str = force.officer) -> str:
        clock.set(london(received))
        return requests.new_request(ctx, by, asked(received, route)).reference

    def disclose(ref: str, at: str) -> None:
        clock.set(london(at))
        requests.record_checks(ctx, force.officer, ref)
        requests.decide(ctx, force.officer, ref, Decision.DISCLOSE, "history")
        requests.record_disclosure(ctx, force.officer, ref, "the person at risk")

    a4 = made("2026-02-01 10:00", Route.ASK)
    clock.set(london("2026-03-10 10:00"))
    requests.close(ctx, force.officer, a4, "withdrawn by the applicant")
    a1, a2 = made("2026-03-02 10:00", Route.ASK), made("2026-03-03 10:00", Route.KNOW)
    a3 = made("2026-03-05 10:00", Route.ASK)
    made("2026-03-04 10:00", Route.KNOW, force.other_officer)
    disclose(a1, "2026-03-20 10:00")
    disclose(a3, "2026-03-31 10:00")
    clock.set(london("2026-04-01 10:00"))
    requests.close(ctx, force.officer, a2, "no relationship")
    clock.set(london("2026-04-02 21:00"))

    force_march = figures.figures(ctx, force.champion, "2026-03")
    assert (force_march.received_ask, force_march.received_know) == (2, 2)
    assert (force_march.disclosures, force_march.completed, force_march.within_target) == (2, 3, 2)
    assert force_march.median_days == 27  # of 19, 27, 38
    assert force_march.open_past_target == 1  # B1: its last day was 31 Mar
    team_a = figures.figures(ctx, force.officer, "2026-03")
    assert (team_a.received_ask, team_a.received_know, team_a.completed, team_a.within_target) == (2, 1, 3, 2)
    assert (team_a.median_days, team_a.open_past_target) == (27, 0)
    team_b = figures.figures(ctx, force.other_officer, "2026-03")
    assert (team_b.received_know, team_b.completed, team_b.median_days, team_b.open_past_target) == (1, 0, None, 1)
    with pytest.raises(NotAllowed, match="your own teams only"):
        figures.figures(ctx, force.other_officer, "2026-03 Team A")
