"""Scheduler fixtures: the local Slack Web API stand-in and a notifier pointed at it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from console.slack_api import SlackWebAPI
from scheduler.notifier import SlackNotifier
from tests.support.sweeps import make_notifier


@pytest.fixture
def slack() -> Iterator[SlackWebAPI]:
    with SlackWebAPI() as api:
        yield api


@pytest.fixture
def notifier(slack: SlackWebAPI) -> SlackNotifier:
    return make_notifier(slack)
