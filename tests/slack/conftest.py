"""The Slack tests drive the real Bolt app (tests/support/slack_app.py)."""

from tests.support.slack_app import ctx, slack, slack_api

__all__ = ["ctx", "slack", "slack_api"]
