"""Attack: `dvpn-bot retention --by` names an admin but cannot prove who typed it: anyone with a
shell on the server can give any admin's Slack id. The README says so (an operator with shell access
is the trust boundary); what the command line can add, it does: the audit rows of a review and an
erasure keep the OS account it ran under, beside the admin it named. A --by naming no admin is still
refused with nothing written."""

from __future__ import annotations

from pathlib import Path

from models.db import make_engine
from tests.support.database import audit_rows, row_counts
from tests.test_retention_cli import REASON, cli, database

__all__ = ["database"]  # the fixture: a lapsed record, the clock six years on

OPERATOR = {"LOGNAME": "ops-jsmith", "USER": "ops-jsmith"}


def test_review_and_erasure_record_the_os_account_beside_the_admin_named(
    tmp_path: Path, database: dict[str, str]
) -> None:
    env = database | OPERATOR
    assert cli(tmp_path, env, "review", "--by", "UADMIN").returncode == 0
    erased = cli(tmp_path, env, "erase", database["reference"], "--reason", REASON, "--by", "UADMIN")
    assert erased.returncode == 0, erased.stderr

    engine = make_engine(database["DATABASE_URL"])
    [review] = audit_rows(engine, action="retention_review")
    [erasure] = audit_rows(engine, action="erase")
    engine.dispose()
    for row in (review, erasure):
        assert row["actor"] == "slack:UADMIN" and row["source"] == "cli"
        assert row["after"]["os_user"] == "ops-jsmith"


def test_a_by_naming_no_admin_is_refused_and_nothing_is_written(tmp_path: Path, database: dict[str, str]) -> None:
    engine = make_engine(database["DATABASE_URL"])
    before = row_counts(engine)
    refused = cli(tmp_path, database | OPERATOR, "erase", database["reference"], "--reason", REASON, "--by", "UOFFA1")
    assert refused.returncode == 2 and "not an active dvpn-bot admin" in refused.stderr
    assert row_counts(engine) == before
    engine.dispose()
