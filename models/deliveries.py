"""Slack deliveries already taken: one row per request Slack sent, so a retried delivery (Slack's
`X-Slack-Retry-Num`) is recognised by every bot process and changes nothing a second time."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from models.types import utc_column


class SlackDelivery(SQLModel, table=True):
    __tablename__ = "slack_delivery"

    # "event:<event_id>", "trigger:<trigger_id>" or "body:<sha256 of the request body>": the
    # primary key is the claim, so two processes given the same delivery cannot both take it.
    key: str = Field(primary_key=True, max_length=160)
    kind: str = Field(max_length=40)  # command, block_actions, view_submission, event_callback, ...
    received_at: datetime = Field(sa_column=utc_column(nullable=False, index=True))
