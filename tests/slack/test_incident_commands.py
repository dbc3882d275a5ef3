"""/dvpn incident, marac, encompass and show for an incident, through the real Bolt app, per role:
each reply is the incident's card with initials only; a refusal says what to type and writes nothing."""

from __future__ import annotations

import sqlalchemy as sa

from models import metadata
from services.context import ServiceContext
from tests.support.database import row_counts
from tests.support.force import Force, london
from tests.support.slack_driver import SlackDriver, reply_text

NEW = (
    'incident new victim "Sam Sample" suspect "Alex Example" at today 20:00 crime 22/123456/26 '
    'child "Kit Sample" school "Oak Primary" area cumbria'
)


def rows(ctx: ServiceContext, table: str) -> list[dict[str, object]]:
    with ctx.engine.connect() as connection:
        return [dict(r._mapping) for r in connection.execute(sa.select(metadata.tables[table]))]


def last(slack: SlackDriver) -> str:
    return reply_text(slack.last_reply())


def test_an_officer_records_an_incident_and_meets_its_clocks(
    slack: SlackDriver, ctx: ServiceContext, force: Force
) -> None:
    slack.command(force.officer, NEW)
    text = last(slack)
    assert "Incident WM-INC-2026-0001 recorded." in text
    assert "victim SS" in text and "suspect AE" in text
    for private in ("Sam", "Alex", "Kit", "Oak Primary"):
        assert private not in text
    assert "*Child 1* (KS, present): school *not told*, due Mon 13 Apr 2026 08:30 BST" in text
    [incident] = rows(ctx, "incident")
    assert incident["reported_at"] == london("2026-04-02 20:00") and incident["crime_reference"] == "22/123456/26"
    ref = "WM-INC-2026-0001"
    slack.command(force.officer, f"incident {ref} dash 16")
    assert "DASH recorded on WM-INC-2026-0001: high risk." in last(slack)
    assert "MARAC referral due" in last(slack)
    slack.command(force.champion, "marac due")
    assert ref in last(slack) and "high risk (DASH)" in last(slack)
    slack.command(force.officer, f"marac {ref} referred")
    assert "MARAC referral recorded" in last(slack)
    slack.command(
        force.officer, f'marac {ref} action "safety plan review" owner <@{force.colleague}> due 20/4/2026 12:00'
    )
    assert "MARAC action 1 recorded" in last(slack)
    slack.command(force.colleague, f"marac {ref} done 1")
    assert "MARAC action 1 of WM-INC-2026-0001 done." in last(slack)
    slack.command(force.officer, f"encompass {ref} told 1")
    assert "school told" in last(slack)
    slack.command(force.officer, f'incident {ref} considered no "suspect in custody"')
    assert "suspect in custody" not in last(slack) and "no (reason on record)" in last(slack)
    slack.command(force.officer, f"incident {ref} attended")
    slack.command(force.supervisor, f"show {ref}")
    assert "Incident WM-INC-2026-0001." in last(slack)
    assert "Clocks running" not in last(slack)  # every clock met


def test_refusals_write_nothing_and_name_a_command(slack: SlackDriver, ctx: ServiceContext, force: Force) -> None:
    slack.command(force.officer, NEW)
    ref = "WM-INC-2026-0001"
    before = row_counts(ctx.engine)
    for typed, says in (
        (f"marac {ref} meeting 20/4/2026 10:00", "no MARAC referral is recorded for it"),
        (f"incident {ref} dash lots", "/dvpn incident"),
        (f"incident {ref} considered no", "why"),
        (f"encompass {ref} told 2", "give a number from 1 to 1"),
        ('incident new victim "Sam"', "Name the victim and the suspect"),
    ):
        slack.command(force.officer, typed)
        assert says in last(slack), typed
    slack.command(force.other_officer, f"incident {ref} attended")
    assert "belongs to another team" in last(slack)
    slack.command(force.champion, f"incident {ref} attended")
    assert "can read records but not change them" in last(slack)
    assert row_counts(ctx.engine) == before


def test_the_calculator_explains_the_encompass_deadline(slack: SlackDriver, force: Force) -> None:
    slack.command(force.officer, "deadline encompass 24/12/2025 19:00 in worcestershire")
    text = last(slack)
    # No school holidays configured there: Christmas Day, Boxing Day and the weekend pass.
    assert "Mon 29 Dec 2025 08:30 GMT" in text and "Christmas Day" in text and "Boxing Day" in text
    slack.command(force.officer, "deadline attend today 20:00 standard")
    assert "Sat 04 Apr 2026 20:00 BST" in last(slack) and "DVPN_ATTEND_STANDARD_HOURS" in last(slack)
