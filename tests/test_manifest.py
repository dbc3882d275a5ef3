"""The Slack app manifest agrees with the code: the command, the shortcut, the events and scopes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from blocks import actions as ids

ROOT = Path(__file__).resolve().parents[1]


def manifest() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ROOT / "manifest.yml").read_text())
    return loaded


def test_the_command_and_shortcut_are_the_ones_the_app_listens_for() -> None:
    features = manifest()["features"]
    [command] = features["slash_commands"]
    assert command["command"] == "/dvpn"
    assert command["should_escape"] is True  # mentions arrive as <@U123|name>, which /dvpn admin reads
    assert [s["callback_id"] for s in features["shortcuts"]] == [ids.NEW_RECORD_SHORTCUT, ids.NEW_INCIDENT_SHORTCUT]
    assert features["app_home"]["home_tab_enabled"] is True


def test_the_smallest_set_of_scopes_and_the_events_used() -> None:
    settings = manifest()["settings"]
    # files:write: /dvpn stats uploads its chart and /dvpn export its CSV with files_upload_v2.
    # im:history, channels:history, groups:history: before re-sending a reminder or digest whose
    # sender died mid-post, the sweep reads the DM or digest channel for the post's metadata.
    assert manifest()["oauth_config"]["scopes"]["bot"] == [
        "commands",
        "chat:write",
        "im:write",
        "files:write",
        "im:history",
        "channels:history",
        "groups:history",
    ]
    assert settings["event_subscriptions"]["bot_events"] == ["app_home_opened"]
    assert settings["interactivity"]["is_enabled"] is True
    assert settings["socket_mode_enabled"] is True
