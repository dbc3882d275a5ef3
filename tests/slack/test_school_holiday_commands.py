"""/dvpn admin school-holiday: an admin adds and removes a local authority's school holidays,
audited; every school not yet told in that area gets its Operation Encompass deadline recomputed
and its incident replanned at once. Others are refused, and bad input writes nothing."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from models import metadata
from services.context import ServiceContext
from tests.support.database import audit_rows, row_counts
from tests.support.force import Force, london
from tests.support.slack_driver import SlackDriver, reply_text

INCIDENT = "WM-INC-2026-0001"
# Thu 2 Apr 2026 21:00: Good Friday and Easter Monday are bank holidays, so with no school holiday
# the next school day in Westshire is Tue 7 Apr.
NEW = (
    'incident new victim "Sam Sample" suspect "Alex Example" at today 20:00 '
    'child "Kit Sample" school "Oak" area Westshire'
)


def rows(ctx: ServiceContext, table: str) -> list[dict[str, Any]]:
    with ctx.engine.connect() as connection:
        return [dict(r._mapping) for r in connection.execute(sa.select(metadata.tables[table]))]


def last(slack: SlackDriver) -> str:
    return reply_text(slack.last_reply())


def untold_alerts(ctx: ServiceContext) -> set[Any]:
    """When the officer and supervisors are alerted that the school is untold: its deadline."""
    return {
        r["due_at"] for r in rows(ctx, "reminder") if r["kind"].startswith("encompass_untold") and not r["cancelled_at"]
    }


def test_an_admin_adds_a_holiday_and_the_schools_deadline_moves(
    slack: SlackDriver, ctx: ServiceContext, force: Force
) -> None:
    slack.command(force.officer, NEW)
    [child] = rows(ctx, "incident_child")
    assert child["due_at"] == london("2026-04-07 08:30")

    slack.command(force.admin, 'admin school-holiday add westshire 7/4/2026 17/4/2026 "Easter holidays"')
    said = last(slack)
    assert "Easter holidays (westshire, Tue 07 Apr 2026 to Fri 17 Apr 2026) added." in said
    assert f"Schools' deadlines recomputed on: {INCIDENT}." in said
    [child] = rows(ctx, "incident_child")
    assert child["due_at"] == london("2026-04-20 08:30")
    assert untold_alerts(ctx) == {london("2026-04-20 08:30")}  # the incident was replanned
    [term] = rows(ctx, "school_holiday")
    assert (term["area"], term["name"]) == ("westshire", "Easter holidays")
    assert [a["action"] for a in audit_rows(ctx.engine, entity_type="school_holiday")] == ["create"]
    assert [a["action"] for a in audit_rows(ctx.engine, entity_type="incident_child")][-1] == "update"

    slack.command(force.officer, f"show {INCIDENT}")
    assert "Westshire school holiday" in last(slack) or "westshire school holiday" in last(slack)

    slack.command(force.admin, "admin school-holiday list Westshire")
    assert "westshire: Tue 07 Apr 2026 to Fri 17 Apr 2026, Easter holidays (added by <@UADMIN>)" in last(slack)
    slack.command(force.admin, "school-holiday list cumbria")  # the same command, typed alone
    assert "(shipped)" in last(slack) and "westshire" not in last(slack)

    slack.command(force.admin, "admin school-holiday remove westshire 7/4/2026")
    assert "removed" in last(slack) and INCIDENT in last(slack)
    [child] = rows(ctx, "incident_child")
    assert child["due_at"] == london("2026-04-07 08:30")
    assert untold_alerts(ctx) == {london("2026-04-07 08:30")}
    assert rows(ctx, "school_holiday") == []
    assert [a["action"] for a in audit_rows(ctx.engine, entity_type="school_holiday")] == ["create", "delete"]
    assert slack.api.calls("chat.postMessage") == []  # nothing in a channel


def test_a_school_already_told_keeps_its_deadline(slack: SlackDriver, ctx: ServiceContext, force: Force) -> None:
    slack.command(force.officer, NEW)
    slack.command(force.officer, f"encompass {INCIDENT} told 1")
    slack.command(force.admin, 'admin school-holiday add westshire 7/4/2026 17/4/2026 "Easter holidays"')
    assert "No school waiting to be told is affected." in last(slack)
    [child] = rows(ctx, "incident_child")
    assert child["due_at"] == london("2026-04-07 08:30")


def test_only_admins_change_school_holidays_and_bad_input_writes_nothing(
    slack: SlackDriver, ctx: ServiceContext, force: Force
) -> None:
    slack.command(force.officer, NEW)
    before = row_counts(ctx.engine)
    for user, typed, says in (
        (force.officer, 'admin school-holiday add westshire 7/4/2026 17/4/2026 "Easter"', "add a school holiday"),
        (force.supervisor, 'school-holiday add westshire 7/4/2026 17/4/2026 "Easter"', "add a school holiday"),
        (force.admin, 'admin school-holiday add westshire 17/4/2026 7/4/2026 "Easter"', "before its first"),
        (force.admin, 'admin school-holiday add westshire 1/4/2026 1/9/2026 "Summer"', "at most 62 days"),
        (force.admin, "admin school-holiday add westshire 7/4/2026 17/4/2026", "Usage"),
        (force.admin, 'admin school-holiday add westshire 7/4/2026 17/4/2026 "Easter', "quote is not closed"),
        (force.admin, 'admin school-holiday add westshire 31/4/2026 1/5/2026 "Easter"', "31/4/2026"),
        (force.admin, "admin school-holiday remove westshire 7/4/2026", "No added school holiday of westshire"),
    ):
        slack.command(user, typed)
        assert says in last(slack), (typed, last(slack))
    assert row_counts(ctx.engine) == before
    slack.command(force.admin, 'admin school-holiday add westshire 7/4/2026 17/4/2026 "Easter"')
    slack.command(force.admin, 'admin school-holiday add westshire 7/4/2026 10/4/2026 "Easter again"')
    assert "already has an added holiday" in last(slack) and "/dvpn admin school-holiday remove" in last(slack)
    assert len(rows(ctx, "school_holiday")) == 1
