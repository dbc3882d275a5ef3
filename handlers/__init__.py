"""Slack listeners: the /dvpn router, modals, buttons and App Home (the Slack interface issue)."""
