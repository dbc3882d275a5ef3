"""The authorisation matrix for Clare's Law requests: every role against every /dvpn clare path to a
Team A request, through the real Bolt app. What each role may do is written once, in MATRIX; the
test observes what happened (the people named, a row written, a list or figures without names,
nothing, or a refusal that shows and writes nothing) and compares."""

from __future__ import annotations

import pytest

from rules.disclosure import Route
from services.context import ServiceContext
from services.disclosures import requests
from services.disclosures.requests import NewRequest
from services.records.order_writer import PersonInput
from tests.support.database import audit_rows, row_counts
from tests.support.force import Force, london
from tests.support.slack_app import ctx, slack, slack_api  # noqa: F401  (the real Bolt app and Slack stand-in)
from tests.support.slack_driver import SlackDriver, reply_text

REF = "WM-DVDS-2026-0001"
NAMES = ("Dana Whitlock", "Gareth Pellow")
ROLES = ("newcomer", "officer", "other_officer", "supervisor", "champion", "admin")
SHOWN, LISTED, WRITTEN, REFUSED, NOTHING = "shown", "listed", "written", "refused", "nothing"
WRITERS = {"officer": WRITTEN, "supervisor": WRITTEN}
READERS = {"officer": LISTED, "supervisor": LISTED, "champion": LISTED, "admin": LISTED}

# command -> {role: outcome}; a role not named is REFUSED.
MATRIX: dict[str, dict[str, str]] = {
    f"clare {REF}": {"officer": SHOWN, "supervisor": SHOWN, "champion": LISTED, "admin": LISTED},
    "clare list all": {**READERS, "other_officer": NOTHING},
    "clare stats 2026-03": {**READERS, "other_officer": LISTED},
    f"clare {REF} checks": WRITERS,
    f"clare {REF} forum": WRITERS,
    f'clare {REF} close "withdrawn by the applicant"': WRITERS,
    'clare new know "Ann Other" "Bob Other"': {**WRITERS, "other_officer": WRITTEN},
}


def observed(driver: SlackDriver, service: ServiceContext, before: dict[str, int], audited: int) -> str:
    after = row_counts(service.engine)
    changes = [r["action"] for r in audit_rows(service.engine)[audited:] if r["action"] in ("create", "update")]
    if changes or {k for k in after if after[k] != before.get(k) and k != "audit_event"}:
        return WRITTEN
    said = " ".join(reply_text(c) for c in driver.sent() if c.method == "response_url")
    if said.strip().startswith(":warning:"):
        return REFUSED
    if any(name in said for name in NAMES):
        return SHOWN
    if REF in said or "Clare's Law figures" in said:
        return LISTED
    return NOTHING


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("typed", list(MATRIX))
def test_each_role_gets_what_the_matrix_says(
    slack: SlackDriver,  # noqa: F811
    ctx: ServiceContext,  # noqa: F811
    force: Force,
    typed: str,
    role: str,
) -> None:
    new = NewRequest(Route.ASK, PersonInput(NAMES[0]), PersonInput(NAMES[1]), london("2026-03-10 14:00"))
    assert requests.new_request(ctx, force.officer, new).reference == REF
    before, audited = row_counts(ctx.engine), len(audit_rows(ctx.engine))
    slack.api.clear()

    slack.command(getattr(force, role), typed)

    expected = MATRIX[typed].get(role, REFUSED)
    got = observed(slack, ctx, before, audited)
    assert got == expected, f"{role} on {typed}: {got}, expected {expected}"
    if expected in (REFUSED, NOTHING, LISTED):
        after = row_counts(ctx.engine)
        assert {k for k in after if after[k] != before[k]} <= {"audit_event", "slack_delivery"}
