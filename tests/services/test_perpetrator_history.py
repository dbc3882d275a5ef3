"""Perpetrator history against the casework force (tests/support/casework.py): found by name
(with variants), PNC id or reference; exact counts; names of protected people only to those who
may read the record; several matches listed without names; every lookup audited."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from blocks.wording import problem
from models import HearingOutcome
from rules.order_types import OrderType
from rules.ranks import Rank
from services.context import ServiceContext
from services.errors import DomainError, NotAllowed, NotFound
from services.incidents.recording import NewIncident, record_incident
from services.people.perpetrator_history import lookup
from services.people.results import PerpetratorHistory, PerpetratorMatches, PersonMatch
from services.records import hearings
from services.records import recording as records
from services.records.hearings import GrantTerms
from services.records.order_writer import PersonInput
from services.records.recording import NewRecord
from tests.support.casework import PNC, Seeded
from tests.support.database import audit_rows, row_counts
from tests.support.force import Force, london

REASON = "MARAC review of repeat victim"


def history(ctx: ServiceContext, who: str, typed: str) -> PerpetratorHistory:
    found = lookup(ctx, who, typed)
    assert isinstance(found, PerpetratorHistory), found
    return found


@pytest.mark.parametrize(
    "typed",
    ["John Smith", "john   SMITH", "Smith, John", "Jon Smith", "Johnny Smith", "smith john", PNC, "12/345678u"],
)
def test_one_person_is_found_by_name_variant_or_pnc(
    ctx: ServiceContext, force: Force, casework: Seeded, typed: str
) -> None:
    found = history(ctx, force.supervisor, typed)
    assert (found.name, found.pnc_id, found.birth_year) == ("John Smith", PNC, 1985)
    assert len(found.records) == 3  # three rows, as each officer typed them, joined by the PNC id


def test_a_champion_sees_initials_until_a_reason_is_given_and_the_audit_carries_it(
    ctx: ServiceContext, force: Force, casework: Seeded
) -> None:
    unjustified = history(ctx, force.champion, "John Smith")
    assert (unjustified.name, unjustified.named) == ("JS", False)
    assert unjustified.withheld == (casework.smith_dvpn, casework.smith_dvpo, casework.smith_dapo)
    assert "Mary" not in repr(unjustified) and "Kate" not in repr(unjustified)

    records.view(ctx, force.champion, casework.smith_dapo, justification=REASON)
    before = len(audit_rows(ctx.engine))
    justified = history(ctx, force.champion, "John Smith")
    assert (justified.name, justified.named, justified.withheld) == (
        "Smith, John",  # as typed on the record the reason covers
        True,
        (casework.smith_dvpn, casework.smith_dvpo),
    )
    assert [(p.name, p.named) for p in justified.protected] == [("Kate Brown", True), ("MJ", False), ("MJ", False)]
    per_record = {r["order_id"]: r for r in audit_rows(ctx.engine)[before:] if r["entity_type"] == "protection_order"}
    reasons = {r["after"]["names_shown"]: r["justification"] for r in per_record.values()}
    assert reasons == {True: REASON, False: None}


def test_the_history_has_every_record_breach_and_missed_check(
    ctx: ServiceContext, force: Force, casework: Seeded
) -> None:
    found = history(ctx, force.champion, casework.smith_dapo)

    assert [r.reference for r in found.records] == [casework.smith_dvpn, casework.smith_dvpo, casework.smith_dapo]
    dvpn, dvpo, dapo = found.records
    assert (dvpn.team, dvpn.officer_slack_id, dvpn.status, dvpn.risk_level) == (
        "Team A",
        force.officer,
        "active",
        "high",
    )
    assert dvpn.started_at == london("2026-04-02 20:00")
    assert (dapo.team, dapo.breaches, dapo.checks_missed) == ("Team B", 1, 2)  # one done late, one never done
    assert (dvpo.breaches, dvpo.checks_missed) == (0, 1)
    assert (found.breaches, found.checks_missed) == (1, 3)
    assert found.current_risk == "high"  # the latest assessed record still in force
    assert found.repeat == "3 notices/orders in the last 12 months; 1 breach recorded"
    assert found.linked_by_name is False


def test_protected_people_are_named_only_to_those_who_may_read_the_record(
    ctx: ServiceContext, force: Force, casework: Seeded
) -> None:
    supervisor = history(ctx, force.supervisor, "John Smith").protected
    assert [(p.name, p.named, p.references) for p in supervisor] == [
        ("Mary Jones", True, (casework.smith_dvpn, casework.smith_dvpo)),
        ("KB", False, (casework.smith_dapo,)),
    ]
    officer = history(ctx, force.officer, "John Smith")
    assert officer.named and officer.name == "John Smith"
    assert [(p.name, p.named) for p in officer.protected] == [("Mary Jones", True), ("KB", False)]
    other = history(ctx, force.other_officer, "John Smith").protected
    assert [(p.name, p.named, p.references) for p in other] == [
        ("Kate Brown", True, (casework.smith_dapo,)),
        ("MJ", False, (casework.smith_dvpn,)),
        ("MJ", False, (casework.smith_dvpo,)),
    ]


def test_someone_who_may_read_none_of_the_records_sees_initials_only(
    ctx: ServiceContext, force: Force, casework: Seeded
) -> None:
    found = history(ctx, force.other_officer, casework.smith_dvpn)
    assert (found.name, found.named) == ("Smith, John", True)  # as typed on their own team's record
    other = NewRecord(
        order_type=OrderType.DVPN,
        served_at=london("2026-04-02 10:00"),
        authoriser_name="Supt Example",
        authoriser_rank=Rank.SUPERINTENDENT,
        perpetrator=PersonInput("Xavier Quinn", date(1970, 1, 1)),
        protected=(PersonInput("Yolanda Quinn"),),
    )
    ref = records.record(ctx, force.officer, other).reference
    stranger = history(ctx, force.other_officer, ref)
    assert (stranger.name, stranger.named, stranger.withheld) == ("XQ", False, ())
    assert len(stranger.records) == 1  # the history itself is force-wide
    assert all(not p.named for p in stranger.protected)
    assert "Xavier" not in repr(stranger) and "Yolanda" not in repr(stranger)


def test_someone_in_no_team_is_refused_and_nothing_is_written(
    ctx: ServiceContext, force: Force, casework: Seeded
) -> None:
    before = row_counts(ctx.engine)
    with pytest.raises(NotAllowed, match="You are not in a team yet"):
        lookup(ctx, force.newcomer, "John Smith")
    assert row_counts(ctx.engine) == before


def test_several_people_are_listed_without_names_to_pick_from(
    ctx: ServiceContext, force: Force, casework: Seeded
) -> None:
    before = len(audit_rows(ctx.engine))
    found = lookup(ctx, force.officer, "Steven O'Brien")

    assert isinstance(found, PerpetratorMatches)
    assert found.matches == (
        PersonMatch("SO", 1979, None, 1, casework.obrien_dvpo),
        PersonMatch("SO", 1990, None, 1, casework.obrien_dvpn),
    )
    assert "Stephen" not in repr(found) and "Steve" not in repr(found)
    [searched] = audit_rows(ctx.engine)[before:]
    assert (searched["action"], searched["entity_type"], searched["after"]["found_by"]) == (
        "search",
        "perpetrator",
        "name",
    )
    picked = history(ctx, force.officer, casework.obrien_dvpo)
    assert [r.reference for r in picked.records] == [casework.obrien_dvpo]
    assert picked.named is False  # Team B's record: initials for a Team A officer


def test_rows_without_a_pnc_are_joined_by_name_and_date_of_birth(
    ctx: ServiceContext, force: Force, casework: Seeded
) -> None:
    again = NewRecord(
        order_type=OrderType.DVPO,
        made_at=london("2026-04-02 10:00"),
        duration_days=14,
        perpetrator=PersonInput("Stephen O'Brien", date(1990, 7, 7)),
    )
    ref = records.record(ctx, force.officer, again).reference
    found = history(ctx, force.champion, casework.obrien_dvpn)
    assert [r.reference for r in found.records] == [ref, casework.obrien_dvpn]
    assert found.linked_by_name is True
    assert found.repeat == "2 notices/orders in the last 12 months"


def test_a_notice_and_the_order_made_on_it_count_once(ctx: ServiceContext, force: Force, casework: Seeded) -> None:
    found = history(ctx, force.champion, "Mohammed Khan")  # stored as Muhammad Khan
    assert [r.reference for r in found.records] == [casework.khan_dvpn]
    assert found.repeat is None and found.current_risk is None
    # The O'Brien notice is granted: the DVPO made on its application follows it.
    hearings.book_hearing(ctx, force.officer, casework.obrien_dvpn, london("2026-03-31 10:00"))  # in time
    terms = GrantTerms(28, None, False, None)
    hearings.record_outcome(
        ctx, force.officer, casework.obrien_dvpn, HearingOutcome.GRANTED, london("2026-03-31 11:00"), terms
    )
    obrien = history(ctx, force.champion, casework.obrien_dvpn)
    assert len(obrien.records) == 2
    assert obrien.repeat is None  # one episode, no breach


def test_the_repeat_flag_follows_the_settings(ctx: ServiceContext, force: Force, casework: Seeded) -> None:
    strict = replace(ctx, settings=replace(ctx.settings, repeat_orders=4, repeat_on_breach=False))
    assert history(strict, force.champion, "John Smith").repeat is None
    short = replace(
        ctx, settings=replace(ctx.settings, repeat_orders=2, repeat_window_months=1, repeat_on_breach=False)
    )
    assert history(short, force.champion, "John Smith").repeat == "2 notices/orders in the last 1 months"


def test_each_lookup_is_audited_with_the_person_and_every_record_shown(
    ctx: ServiceContext, force: Force, casework: Seeded
) -> None:
    before = len(audit_rows(ctx.engine))
    history(ctx, force.officer, "Smith, John")
    rows = audit_rows(ctx.engine)[before:]

    assert [(r["action"], r["entity_type"]) for r in rows] == [("view_history", "perpetrator")] + [
        ("view_history", "protection_order")
    ] * 3
    assert rows[0]["after"] == {
        "found_by": "name",
        "perpetrators": [rows[0]["entity_id"], rows[0]["entity_id"] + 1, rows[0]["entity_id"] + 2],
        "records": [casework.smith_dvpn, casework.smith_dvpo, casework.smith_dapo],
    }
    assert all(r["actor"] == f"slack:{force.officer}" and r["at"] is not None for r in rows)
    assert {r["order_id"] for r in rows[1:]} == {r["entity_id"] for r in rows[1:]}
    assert "Smith" not in repr(rows) and "John" not in repr(rows)


@pytest.mark.parametrize(
    "typed, error, fragment",
    [
        ("Nobody Atall", NotFound, "No one on record matches that name"),
        ("99/999999L", NotFound, "No one on record has that PNC id"),
        ("WM-DVPN-2026-9999", NotFound, "No record has that reference"),
        ("   ", DomainError, "Say who: `/dvpn perpetrator NAME`"),
        ("!!!", NotFound, "No one on record matches that name"),
    ],
)
def test_nothing_found_says_what_to_try_and_writes_nothing(
    ctx: ServiceContext, force: Force, casework: Seeded, typed: str, error: type[Exception], fragment: str
) -> None:
    before = row_counts(ctx.engine)
    with pytest.raises(error) as refused:
        lookup(ctx, force.champion, typed)
    assert isinstance(refused.value, DomainError) and fragment in problem(refused.value)
    assert row_counts(ctx.engine) == before


def test_an_incident_reference_finds_its_suspect_however_typed_and_the_look_is_on_its_trail(
    ctx: ServiceContext, force: Force, casework: Seeded
) -> None:
    # An incident in team B whose suspect has no record anywhere: typed in full, in lower case and
    # without the force's prefix, it reaches the same person; an officer of team A, who may not
    # read team B's incident, sees initials only and no record, and the incident's own trail shows
    # every look.
    reference = record_incident(
        ctx,
        force.other_officer,
        NewIncident(
            london("2026-04-02 19:00"), PersonInput("Una Victim"), PersonInput("Ian Incident", date(1990, 1, 2))
        ),
    )
    bare = reference.split("-", 1)[1]  # INC-2026-0001
    assert bare.startswith("INC-")
    incident_id = next(r["entity_id"] for r in audit_rows(ctx.engine, action="create", entity_type="incident"))
    for typed in (reference, reference.lower(), bare, f"  {bare.lower()} "):
        before = len(audit_rows(ctx.engine, entity_type="incident", entity_id=incident_id, action="view_history"))
        found = history(ctx, force.officer, typed)
        assert (found.name, found.named, found.records, found.birth_year) == ("II", False, (), 1990)
        assert "Ian" not in repr(found) and "Una" not in repr(found)
        looks = audit_rows(ctx.engine, entity_type="incident", entity_id=incident_id, action="view_history")
        assert len(looks) == before + 1 and looks[-1]["actor"] == f"slack:{force.officer}"
        assert looks[-1]["after"] == {"perpetrator": looks[-1]["after"]["perpetrator"], "records": []}
    # A record's reference without the force's prefix is a reference too, not a name to search for.
    assert history(ctx, force.officer, casework.smith_dvpn.split("-", 1)[1]).pnc_id == PNC
