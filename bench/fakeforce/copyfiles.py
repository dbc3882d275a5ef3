"""Rows as PostgreSQL COPY text: one tab-separated file per table, loaded by bench/reporting_data.py."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

NULL = "\\N"

# Columns each file holds, in order, as COPY lists them; columns left out are NULL or their default.
COLUMNS: dict[str, str] = {
    "team": "id, name, digest_channel, digest_time, created_at",
    "app_user": "id, slack_user_id, display_name, role, rank, team_id, active, created_at",
    "team_supervisor": "team_id, user_id",
    "perpetrator": "id, full_name, name_key, date_of_birth, address, pnc_id, created_at, updated_at",
    "protected_person": "id, full_name, name_key, date_of_birth, address, created_at, updated_at",
    "protection_order": (
        "id, reference, order_type, status, perpetrator_id, parent_id, officer_id, team_id, served_at, "
        "made_at, authoriser_name, authoriser_rank, court, conditions, hearing_deadline_at, expires_at, "
        "until_further_order, notification_due_at, risk_level, risk_assessed_at, children_present, "
        "crime_reference, closed_at, close_reason, created_by_id, created_at, updated_at"
    ),
    "order_protected_person": "order_id, person_id",
    "hearing": (
        "id, order_id, scheduled_at, court, after_statutory_deadline, outcome, outcome_recorded_at, "
        "adjourned_to_id, created_by_id, created_at"
    ),
    "breach": (
        "id, order_id, occurred_at, arrested_at, court_deadline_at, crime_reference, "
        "crime_reference_added_at, details, recorded_by_id, recorded_at"
    ),
    "breach_check": "id, order_id, due_at, assigned_to_id, done_at, done_by_id, outcome, created_at",
    "notification": "id, order_id, kind, due_at, received_at, recorded_by_id, created_at",
    "reminder": (
        "id, order_id, kind, due_at, recipient_id, critical, state, attempts, sent_at, slack_channel, "
        "slack_ts, acknowledged_at, acknowledged_by_id, cancelled_at, last_error, escalate_at, created_at"
    ),
    "audit_event": (
        "id, at, actor_user_id, actor, action, entity_type, entity_id, order_id, before, after, justification, source"
    ),
    "reference_counter": "force_code, order_type, year, last_number",
    "digest_run": "id, team_id, local_date, state, attempts, delivered, late, sent_at, created_at",
}


def ts(seconds: int | None) -> str:
    """An instant as COPY text, or NULL."""
    if seconds is None:
        return NULL
    return time.strftime("%Y-%m-%d %H:%M:%S+00", time.gmtime(seconds))


def nullable(value: object) -> str:
    return NULL if value is None else str(value)


class CopyFiles:
    """One tab-separated file per table, opened on first use."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.handles: dict[str, TextIO] = {}
        self.counts: dict[str, int] = {}

    def write(self, table: str, line: str) -> None:
        handle = self.handles.get(table)
        if handle is None:
            handle = self.handles[table] = (self.directory / f"{table}.tsv").open("w", buffering=1 << 20)
            self.counts[table] = 0
        handle.write(line)
        handle.write("\n")
        self.counts[table] += 1

    def path(self, table: str) -> Path:
        return self.directory / f"{table}.tsv"

    def close(self) -> None:
        for handle in self.handles.values():
            handle.close()


@contextmanager
def copy_files(directory: Path) -> Iterator[CopyFiles]:
    files = CopyFiles(directory)
    try:
        yield files
    finally:
        files.close()
