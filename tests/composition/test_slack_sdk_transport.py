"""What handlers.web_client.KeptAliveWebClient relies on inside slack_sdk, checked against the
installed slack_sdk: the transport it replaces is one method, given the URL and urllib's Request,
and called for every attempt by the method that applies the retry handlers. If an upgrade changes
that, this fails by name; the behaviour itself is tests/slack/test_kept_alive_connections.py."""

from __future__ import annotations

import inspect

from slack_sdk import WebClient
from slack_sdk.web.base_client import BaseClient

from handlers.web_client import KeptAliveWebClient


def test_the_transport_is_one_method_given_the_url_and_the_request() -> None:
    replaced = inspect.signature(BaseClient._perform_urllib_http_request_internal)
    assert list(replaced.parameters) == ["self", "url", "req"]
    ours = inspect.signature(KeptAliveWebClient._perform_urllib_http_request_internal)
    assert list(ours.parameters) == list(replaced.parameters)


def test_every_attempt_goes_through_it_inside_the_retry_loop() -> None:
    retrying = inspect.getsource(BaseClient._perform_urllib_http_request)
    assert "self._perform_urllib_http_request_internal(url, req)" in retrying
    assert "retry_handlers" in retrying
    assert issubclass(KeptAliveWebClient, WebClient)
