"""What runtime.work_processes relies on inside Bolt, checked against the installed Bolt: if an
upgrade changes any of it, this fails by name before a work process silently stops running work.

The work processes receive a request already verified and parsed by the serving process and run
just one listener of it: they build a BoltRequest in its Socket Mode form (a parsed body, no
signature check) with Bolt's lazy-only headers, and the serving process hands work over by taking
the place of the app's lazy listener runner."""

from __future__ import annotations

import inspect
import json
import multiprocessing
import os
import queue
import threading
import time
from importlib.metadata import version
from typing import Any

import pytest
from slack_bolt import Ack, App, BoltRequest
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.lazy_listener import LazyListenerRunner
from slack_bolt.util.utils import get_name_for_callable

from runtime.work_processes import LAZY_FUNCTION, LAZY_ONLY, Answer, Job, WorkProcesses, _take_jobs

COMMAND = {
    "type": "slash_command",
    "command": "/dvpn",
    "text": "help",
    "user_id": "UOFFA1",
    "team_id": "T0FORCE",
    "channel_id": "C0PPUNORTH",
    "response_url": "http://127.0.0.1:9/unused",
    "trigger_id": "1.2.3",
}

FORM_SUBMITTED = {
    "type": "view_submission",
    "team": {"id": "T0FORCE"},
    "user": {"id": "UOFFA1"},
    "trigger_id": "1.2.4",
    "view": {"id": "VFORM", "type": "modal", "callback_id": "record_form", "blocks": [], "state": {"values": {}}},
}


def test_the_tested_bolt_release_is_installed() -> None:
    # pyproject.toml holds slack-bolt to the minor release this contract was checked on.
    assert version("slack-bolt").startswith("1.30."), version("slack-bolt")


def app_with_a_lazy_command(ran: list[str]) -> App:
    def authorize(enterprise_id: str | None, team_id: str | None) -> AuthorizeResult:
        # As handlers.app does: the configured token, with no auth.test round trip to Slack.
        return AuthorizeResult(enterprise_id=enterprise_id, team_id=team_id, bot_token="xoxb-contract")

    app = App(
        authorize=authorize,
        signing_secret="unused",
        token_verification_enabled=False,
        request_verification_enabled=False,
        process_before_response=True,  # lazy listeners run on the calling thread here
    )

    def acknowledge(ack: Ack) -> None:
        ran.append("ack")
        ack()

    def work(body: dict[str, Any]) -> None:
        ran.append(f"work:{body['text']}")

    app.command("/dvpn")(ack=acknowledge, lazy=[work])
    return app


def test_a_socket_mode_request_takes_a_parsed_body_and_no_signature() -> None:
    request = BoltRequest(body=dict(COMMAND), headers={}, mode="socket_mode")
    assert request.body == COMMAND and request.mode == "socket_mode"


def test_the_lazy_only_headers_run_the_named_listener_and_nothing_else() -> None:
    ran: list[str] = []
    app = app_with_a_lazy_command(ran)
    job = Job(dict(COMMAND), function="work")
    assert job.request().headers[LAZY_ONLY] == ["1"] and job.request().headers[LAZY_FUNCTION] == ["work"]
    assert job.request().lazy_only and job.request().lazy_function_name == "work"

    response = app.dispatch(job.request())

    assert response.status == 200
    assert ran == ["work:help"], "only the lazy listener ran: no second ack, nothing else"


def test_without_the_headers_the_ack_and_the_work_both_run() -> None:
    ran: list[str] = []
    app = app_with_a_lazy_command(ran)
    app.dispatch(BoltRequest(body=dict(COMMAND), headers={}, mode="socket_mode"))
    assert ran[0] == "ack" and "work:help" in ran


def test_listeners_are_named_the_way_the_work_processes_name_them() -> None:
    def work(body: dict[str, Any]) -> None: ...

    assert get_name_for_callable(work) == "work"


def test_the_lazy_listener_runner_can_be_replaced_by_the_work_processes() -> None:
    app = app_with_a_lazy_command([])
    assert isinstance(app.listener_runner.lazy_listener_runner, LazyListenerRunner)
    assert issubclass(WorkProcesses, LazyListenerRunner)
    # Bolt calls start(function, request) on the runner it holds: WorkProcesses keeps that shape.
    bolt_start = inspect.signature(LazyListenerRunner.start)
    ours = inspect.signature(WorkProcesses.start)
    assert list(bolt_start.parameters) == list(ours.parameters) == ["self", "function", "request"]


def test_a_forms_answer_leaves_the_work_process_at_its_ack_while_its_listener_runs_on() -> None:
    """Bolt acks with the Ack it finds in the request's context, so the work process's own
    (AnsweredAtAck) sends the answer at ack(), before the confirmation that follows it is done."""
    confirming, confirmed = threading.Event(), threading.Event()

    def submit(ack: Ack) -> None:
        ack(response_action="errors", errors={"served_at": "Type the time it was served."})
        ack()  # a second ack answers nothing more: the serving process waits for one answer
        confirming.wait(10)
        confirmed.set()

    app = App(
        authorize=lambda enterprise_id, team_id: AuthorizeResult(
            enterprise_id=enterprise_id, team_id=team_id, bot_token="xoxb-contract"
        ),
        signing_secret="unused",
        token_verification_enabled=False,
        request_verification_enabled=False,
        process_before_response=False,  # as a work process's app: the ack answers, the work runs on
    )
    app.view("record_form")(submit)
    context = multiprocessing.get_context("spawn")
    jobs: multiprocessing.Queue[Job | None] = context.Queue()
    answers: multiprocessing.Queue[Answer] = context.Queue()
    jobs.put(Job(dict(FORM_SUBMITTED), asked=7, start_by=time.time() + 60))
    jobs.put(None)
    runner = threading.Thread(target=_take_jobs, args=(app, jobs, answers, os.getppid()))
    runner.start()
    try:
        answer = answers.get(timeout=10)
        assert not confirmed.is_set()  # answered while the listener is still confirming
    finally:
        confirming.set()
        runner.join(10)
    assert answer.asked == 7 and answer.status == 200
    assert json.loads(answer.body) == {
        "response_action": "errors",
        "errors": {"served_at": "Type the time it was served."},
    }
    assert confirmed.wait(10)  # and the listener ran on to its end
    with pytest.raises(queue.Empty):
        answers.get(timeout=0.5)
