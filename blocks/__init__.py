"""Block Kit builders: pure functions from service results to Slack JSON (the Slack interface issue)."""
