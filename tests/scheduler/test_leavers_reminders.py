"""A reminder whose recipient has left, through the real sweep and the Slack stand-in: nothing is
posted to them, and it is not dropped unseen. Critical or not, it goes at once up the chain, to the
team's supervisors; where the chain ends (no supervisor, no next level) to the admins. Such a
reminder arises when a clock that stayed with a leaver runs again (an incident recorded late against
the same victim raises an old incident's MARAC clock), or when access is withdrawn by other means."""

from __future__ import annotations

import sqlalchemy as sa

from console.slack_api import SlackWebAPI
from models import metadata
from rules.disclosure import Route
from services.clock import ManualClock
from services.context import ServiceContext
from services.disclosures import requests
from services.disclosures.requests import NewRequest
from services.incidents.recording import ChildInput, NewIncident, record_incident
from services.records.order_writer import PersonInput
from tests.support.force import Force
from tests.support.sweeps import Seen, at, rows, run_until, user_ids


def leaves_without_handing_on(ctx: ServiceContext, slack_id: str) -> None:
    table = metadata.tables["app_user"]
    with ctx.engine.begin() as connection:
        connection.execute(sa.update(table).where(table.c.slack_user_id == slack_id).values(active=False))


def school_reminded(ctx: ServiceContext, officer: str) -> int:
    """An incident with a child, whose first Encompass reminder (not critical) is due at once."""
    record_incident(
        ctx,
        officer,
        NewIncident(
            reported_at=at("2026-04-02 20:00"),
            victim=PersonInput("Sam Sample"),
            suspect=PersonInput("Alex Example"),
            children=(ChildInput("Kit Sample", "Oak Primary", "Worcestershire"),),
        ),
    )
    [first] = [r for r in rows(ctx, "reminder") if r["kind"] == "encompass_due:1"]
    assert first["critical"] is False
    return int(first["id"])  # type: ignore[call-overload]


def test_a_reminder_to_a_leaver_goes_to_the_team_supervisors_instead(
    ctx: ServiceContext, force: Force, clock: ManualClock, slack: SlackWebAPI, notifier
) -> None:  # type: ignore[no-untyped-def]
    source = school_reminded(ctx, force.officer)
    leaves_without_handing_on(ctx, force.officer)

    seen = run_until(ctx, clock, slack, notifier, at("2026-04-02 21:05"))

    sup = user_ids(ctx)[force.supervisor]
    assert Seen("Thu 02 21:00", force.supervisor, f"escalation:{source}:{sup}") in seen
    assert not any(s.to == force.officer for s in seen)
    [failed] = rows(ctx, "reminder", id=source)
    assert (failed["state"], failed["last_error"]) == ("failed", "the recipient's dvpn-bot access was withdrawn")
    posted = next(c for c in slack.calls("chat.postMessage") if c["channel"] == "D" + force.supervisor[1:])
    assert posted["text"] == (
        "WM-INC-2026-0001 (AE): Escalated: Due Tue 07 Apr 2026 08:30 BST: "
        "School of child 1 to be told (Operation Encompass)"
    )
    assert "This reminder could not be delivered to <@UOFFA1>. Record it: `/dvpn encompass" in str(posted.blocks)


def test_where_the_chain_ends_a_reminder_to_a_leaver_goes_to_the_admins(
    ctx: ServiceContext, force: Force, clock: ManualClock, slack: SlackWebAPI, notifier
) -> None:  # type: ignore[no-untyped-def]
    source = school_reminded(ctx, force.other_officer)  # Team B: no supervisor, and no next level set
    leaves_without_handing_on(ctx, force.other_officer)

    seen = run_until(ctx, clock, slack, notifier, at("2026-04-02 21:05"))

    admin = user_ids(ctx)[force.admin]
    assert [s for s in seen if s.kind.startswith(f"escalation:{source}:")] == [
        Seen("Thu 02 21:00", force.admin, f"escalation:{source}:{admin}")
    ]
    [audited] = [r for r in rows(ctx, "audit_event") if r["action"] == "escalate" and r["entity_id"] == source]
    assert audited["after"]["level"] == "admins"  # type: ignore[index]


def test_a_clare_s_law_alert_to_a_leaver_is_escalated_with_its_own_words(
    ctx: ServiceContext, force: Force, clock: ManualClock, slack: SlackWebAPI, notifier
) -> None:  # type: ignore[no-untyped-def]
    asked = NewRequest(Route.ASK, PersonInput("Dana Whitlock"), PersonInput("Gareth Pellow"), at("2026-02-20 10:00"))
    ref = requests.new_request(ctx, force.officer, asked).reference  # past its target already
    leaves_without_handing_on(ctx, force.officer)

    seen = run_until(ctx, clock, slack, notifier, at("2026-04-03 09:00"))

    officer, sup = user_ids(ctx)[force.officer], user_ids(ctx)[force.supervisor]
    [source] = [r["id"] for r in rows(ctx, "reminder") if r["kind"] == f"dvds_target:{officer}"]
    assert f"escalation:{source}:{sup}" in [s.kind for s in seen if s.to == force.supervisor]
    assert not any(s.to == force.officer for s in seen)
    posts = [c for c in slack.calls("chat.postMessage") if "Escalated" in str(c["text"])]
    assert posts and all(ref in str(c["text"]) for c in posts)
    assert "could not be delivered to <@UOFFA1>" in str(posts[0].blocks)
    for private in ("Dana", "Whitlock", "Gareth", "Pellow"):
        assert private not in str(posts[0].blocks)
