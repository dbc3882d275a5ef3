"""The demo force: its exact make-up, the special cases it exists to show, and that nothing in it
could be a real person."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from config import Settings
from console.demo import DEMO_START
from console.demo_people import SURNAMES
from console.demo_records import PEOPLE_SURNAMES
from console.render import Style
from console.session import Console, open_console


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Console]:
    path: Path = tmp_path_factory.mktemp("demo") / "demo.db"
    console = open_console(Settings(), demo=True, database=str(path), write=lambda _: None, style=Style())
    yield console
    console.close()


def stamp(instant: datetime) -> str:
    """An instant as SQLite holds it (naive UTC text), for comparing in SQL."""
    return instant.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


def utc(stored: object) -> datetime:
    return datetime.fromisoformat(str(stored)).replace(tzinfo=UTC)


def rows(console: Console, sql: str, **params: object) -> list[tuple[Any, ...]]:
    with console.ctx.engine.connect() as connection:
        return [tuple(row) for row in connection.execute(sa.text(sql), params)]


def test_three_teams_and_a_dozen_people_of_each_role(demo: Console) -> None:
    assert rows(demo, "SELECT name FROM team ORDER BY name") == [("PPU Central",), ("PPU North",), ("PPU South",)]
    roles = dict(rows(demo, "SELECT role, count(*) FROM app_user GROUP BY role"))
    assert roles == {"officer": 12, "supervisor": 12, "champion": 12, "admin": 12}
    per_team = rows(demo, "SELECT team_id, count(*) FROM app_user WHERE team_id IS NOT NULL GROUP BY team_id")
    assert sorted(count for _, count in per_team) == [8, 8, 8]  # four officers and four supervisors each
    assert rows(demo, "SELECT count(*) FROM team_supervisor") == [(3,)]  # one duty supervisor a team


def test_sixty_records_across_the_order_types(demo: Console) -> None:
    by_type = dict(rows(demo, "SELECT order_type, count(*) FROM protection_order GROUP BY order_type"))
    assert by_type == {
        "DVPN": 11, "DVPO": 8, "DAPN": 4, "DAPO": 4, "NMO": 8, "OO": 4, "RO": 5, "SPO": 4, "ISPO": 3,
        "FMPO": 2, "FGMPO": 2, "BAIL": 6,
    }  # fmt: skip
    assert sum(by_type.values()) == len(demo.demo.facts.records) == 61  # type: ignore[union-attr]
    by_status = dict(rows(demo, "SELECT status, count(*) FROM protection_order GROUP BY status"))
    assert by_status == {"active": 50, "superseded": 7, "lapsed": 2, "refused": 1, "expired": 1}


def test_a_dvpn_served_46_hours_ago_with_no_hearing_and_its_countdown_due_now(demo: Console) -> None:
    facts = demo.demo.facts  # type: ignore[union-attr]
    deadline, hearings = rows(
        demo,
        "SELECT o.hearing_deadline_at, (SELECT count(*) FROM hearing h WHERE h.order_id = o.id) "
        "FROM protection_order o WHERE reference = :ref",
        ref=facts.countdown,
    )[0]
    assert hearings == 0
    assert utc(deadline) == DEMO_START + timedelta(hours=2)  # 46 of its 48 counted hours are gone
    countdown = rows(
        demo,
        "SELECT state, due_at FROM reminder r JOIN protection_order o ON o.id = r.order_id "
        "WHERE o.reference = :ref AND kind = 'hearing_deadline_in_2h'",
        ref=facts.countdown,
    )
    assert [state for state, _ in countdown] == ["pending"]  # fires as soon as the console runs the sweep
    assert demo.clock.now() == DEMO_START


def test_orders_expiring_this_week(demo: Console) -> None:
    week = stamp(DEMO_START + timedelta(days=7))
    ending = rows(demo, "SELECT reference FROM protection_order WHERE status = 'active' AND expires_at < :w", w=week)
    assert sorted(r for (r,) in ending) == demo.demo.facts.expiring  # type: ignore[union-attr]
    assert len(ending) == 4


def test_overdue_breach_checks_and_lapsed_notices(demo: Console) -> None:
    facts = demo.demo.facts  # type: ignore[union-attr]
    start = stamp(DEMO_START)
    overdue = rows(
        demo,
        "SELECT DISTINCT o.reference FROM breach_check c JOIN protection_order o ON o.id = c.order_id "
        "WHERE c.done_at IS NULL AND o.status = 'active' AND c.due_at < :start "
        "AND o.order_type NOT IN ('DVPN', 'DAPN')",  # notices have a first check too; these are orders
        start=start,
    )
    assert sorted(r for (r,) in overdue) == sorted(facts.overdue_checks)
    assert len(overdue) == 3
    lapsed = rows(demo, "SELECT reference FROM protection_order WHERE status = 'lapsed' ORDER BY reference")
    assert [r for (r,) in lapsed] == facts.lapsed


def test_one_breach_without_a_crime_reference(demo: Console) -> None:
    missing = rows(
        demo,
        "SELECT o.reference FROM breach b JOIN protection_order o ON o.id = b.order_id WHERE b.crime_reference IS NULL",
    )
    assert missing == [(demo.demo.facts.no_crime_reference,)]  # type: ignore[union-attr]
    assert rows(demo, "SELECT count(*) FROM breach") == [(5,)]


def test_every_name_is_plainly_invented(demo: Console) -> None:
    people = rows(demo, "SELECT full_name FROM perpetrator UNION ALL SELECT full_name FROM protected_person")
    # Both parties of every record but the 7 granted orders and the DVPN from an incident (the same
    # people), of the three incidents and of the three Clare's Law requests.
    assert len(people) == 2 * (61 - 7 - 1) + 2 * 3 + 2 * 3
    assert all(str(name).split()[-1] in PEOPLE_SURNAMES for (name,) in people)
    assert all(p.name.split()[-1] in SURNAMES for p in demo.directory.people)
    assert all(str(address).endswith("Demoton") for (address,) in rows(demo, "SELECT address FROM perpetrator"))


def test_the_build_is_audited_like_real_use(demo: Console) -> None:
    sources = dict(rows(demo, "SELECT source, count(*) FROM audit_event GROUP BY source"))
    assert sources["console"] > 60


def test_the_safeguarding_casework(demo: Console) -> None:
    """Incidents (Operation Encompass, a MARAC case, a notice from an incident), Clare's Law
    requests and two perpetrators under management plans, all built through the services."""
    facts = demo.demo.facts.safeguarding  # type: ignore[union-attr]
    told = rows(
        demo,
        "SELECT c.told_at IS NOT NULL FROM incident_child c JOIN incident i ON i.id = c.incident_id "
        "WHERE i.reference = :ref ORDER BY c.number",
        ref=facts.encompass,
    )
    assert told == [(1,), (0,)]  # one school told, one still to tell
    [(risk, meeting, actions)] = rows(
        demo,
        "SELECT i.risk_level, r.meeting_at IS NOT NULL, "
        "(SELECT count(*) FROM marac_action a WHERE a.referral_id = r.id) "
        "FROM incident i JOIN marac_referral r ON r.incident_id = i.id WHERE i.reference = :ref",
        ref=facts.marac,
    )
    assert (risk, meeting, actions) == ("high", 1, 2)
    waiting = rows(
        demo,
        "SELECT i.risk_level FROM incident i WHERE i.reference = :ref "
        "AND NOT EXISTS (SELECT 1 FROM marac_referral r WHERE r.incident_id = i.id)",
        ref=facts.marac_due,
    )
    assert waiting == [("high",)]  # on the champions' list of referrals due
    [(same_suspect, considered)] = rows(
        demo,
        "SELECT o.perpetrator_id = i.suspect_id, i.notice_considered FROM protection_order o "
        "JOIN incident i ON i.id = o.incident_id WHERE o.reference = :ref",
        ref=facts.from_incident,
    )
    assert (same_suspect, considered) == (1, 1)
    routes = rows(demo, "SELECT route, disclosed_at IS NOT NULL FROM disclosure_request ORDER BY reference")
    assert routes == [("ask", 0), ("know", 1), ("ask", 0)]
    [(received,)] = rows(
        demo, "SELECT received_at FROM disclosure_request WHERE reference = :ref", ref=facts.near_target
    )
    assert utc(received) == DEMO_START - timedelta(days=25)  # three days from the 28-day target
    plans = rows(
        demo,
        "SELECT p.perpetrator_id, (SELECT count(*) FROM plan_action a WHERE a.plan_id = p.id) FROM management_plan p "
        "WHERE p.closed_at IS NULL",
    )
    assert len({perpetrator for perpetrator, _ in plans}) == 2 and [n for _, n in plans] == [2, 2]
