"""handlers.web_client.KeptAliveWebClient: Web API calls from one thread share one kept-open
connection, and keeping it never sends a call twice or to a server that has gone."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from slack_sdk.errors import SlackApiError

from config import Settings
from console.slack_api import SlackWebAPI
from handlers.web_client import KeptAliveWebClient, tls_context, web_client
from rules.order_types import OrderType
from scheduler.notifier import posting_client
from tests.support.force import Force
from tests.support.records import DVPN_ANSWERS
from tests.support.slack_driver import SlackDriver, open_record_form


@pytest.fixture
def api() -> Any:
    with SlackWebAPI() as stand_in:
        yield stand_in


def _client(api: SlackWebAPI, retries: int = 0) -> KeptAliveWebClient:
    client = web_client(Settings(slack_api_url=api.api_url, slack_bot_token="xoxb-test"), retries=retries)
    assert isinstance(client, KeptAliveWebClient)
    return client


def test_calls_from_one_thread_share_one_connection(api: SlackWebAPI) -> None:
    client = _client(api)
    for n in range(5):
        client.chat_postMessage(channel="C0PPUNORTH", text=f"call {n}")
    posted = api.calls("chat.postMessage")
    assert [c["text"] for c in posted] == [f"call {n}" for n in range(5)]
    assert len({c.port for c in posted}) == 1


def test_threads_never_share_a_connection(api: SlackWebAPI) -> None:
    client = _client(api)
    ready = threading.Barrier(3)

    def post(name: str) -> None:
        ready.wait()
        for n in range(3):
            client.chat_postMessage(channel="C0PPUNORTH", text=f"{name} {n}")

    threads = [threading.Thread(target=post, args=(name,)) for name in ("a", "b", "c")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ports: dict[str, set[int]] = {}
    for call in api.calls("chat.postMessage"):
        ports.setdefault(call["text"].split()[0], set()).add(call.port)
    assert all(len(used) == 1 for used in ports.values())  # each thread kept its own
    assert len(set().union(*ports.values())) == 3  # and no two shared one


def test_a_connection_the_server_closed_is_not_used_and_the_call_goes_once(api: SlackWebAPI) -> None:
    client = posting_client(_client(api, retries=2))  # the sweep's: nothing re-sent once it may have arrived
    assert isinstance(client, KeptAliveWebClient)
    client.chat_postMessage(channel="C0PPUNORTH", text="before")
    api.stop()  # Slack's front end restarts: the kept connection is closed under the client
    api.start()
    client.chat_postMessage(channel="C0PPUNORTH", text="after")
    posted = api.calls("chat.postMessage")
    assert [c["text"] for c in posted] == ["before", "after"]
    assert posted[0].port != posted[1].port


def test_a_stopped_server_is_not_reached_through_a_kept_connection(api: SlackWebAPI) -> None:
    client = _client(api)
    client.chat_postMessage(channel="C0PPUNORTH", text="before")
    api.stop()
    with pytest.raises(Exception) as refused:
        client.chat_postMessage(channel="C0PPUNORTH", text="while down")
    assert not isinstance(refused.value, SlackApiError)  # no answer at all, as from a server that is down
    assert [c["text"] for c in api.calls("chat.postMessage")] == ["before"]


def test_errors_and_rate_limits_are_answered_as_before(api: SlackWebAPI) -> None:
    client = _client(api, retries=1)
    api.fail(429, method="chat.postMessage", times=1, retry_after=0)
    client.chat_postMessage(channel="C0PPUNORTH", text="after a rate limit")  # waited and sent once more
    api.fail(404, method="chat.postMessage", times=1, error="channel_not_found")
    with pytest.raises(SlackApiError) as refused:
        client.chat_postMessage(channel="C0PPUNORTH", text="refused")
    assert refused.value.response.status_code == 404
    assert refused.value.response["error"] == "channel_not_found"
    client.chat_postMessage(channel="C0PPUNORTH", text="after an error")
    posted = api.calls("chat.postMessage")
    assert [c["text"] for c in posted] == ["after a rate limit", "after an error"]
    assert len({c.port for c in posted}) == 1  # an error answer leaves the connection fit to use


def test_listeners_post_over_kept_connections(slack: SlackDriver, force: Force, slack_api: SlackWebAPI) -> None:
    """Bolt gives each request a new plain WebClient; the app's listeners get the kept-alive kind,
    so nine saved forms' confirmations come over at most one connection per listener thread."""
    for n in range(9):
        view = open_record_form(slack, force.officer, OrderType.DVPN.value)
        answers = {"order_type": "DVPN", **DVPN_ANSWERS, "perpetrator_name": f"Blake Nonesuch {n}"}
        assert slack.submit(force.officer, view, answers).status == 200
    confirmations = slack_api.calls("chat.postEphemeral")
    assert len(confirmations) == 9
    assert len({c.port for c in confirmations}) <= slack.executor._max_workers


def test_one_tls_context_serves_every_client_and_respond(slack: SlackDriver) -> None:
    """Bolt copies the app client's TLS context into each request's client and its respond(): a
    context per call would read the whole CA store every time."""
    context = tls_context()
    assert slack.app.client.ssl is context
    assert web_client(Settings()).ssl is context
    assert posting_client(slack.app.client).ssl is context
