"""The Bolt app: every listener registered on one App, in HTTP and Socket Mode alike."""

from __future__ import annotations

import logging
from concurrent.futures import Executor, ThreadPoolExecutor

from slack_bolt import App
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.lazy_listener import LazyListenerRunner, ThreadLazyListenerRunner
from slack_sdk import WebClient

from handlers import (
    buttons,
    command,
    deliveries,
    digest_actions,
    errors,
    export_form,
    forms,
    home,
    incident_form,
    record_picker,
    reminder_actions,
)
from handlers.after_ack import HandOff
from handlers.context import ProvideServices
from handlers.verification import SlackSignature
from handlers.web_client import KeptAliveClients, KeptAliveWebClient
from services.context import ServiceContext


def build_app(
    ctx: ServiceContext,
    *,
    client: WebClient,
    signing_secret: str | None,
    executor: Executor | None = None,
    work: LazyListenerRunner | None = None,
) -> App:
    """`client` carries the bot token and the Web API base URL (handlers.web_client).

    Bolt's single-workspace mode calls auth.test before acknowledging the first request, which puts
    a Web API round trip in Slack's 3 seconds (and fails the request when Slack is unreachable).
    Authorising every request with the configured token instead keeps the ack path off the Web
    API: the app starts, and answers, with Slack away.

    Most listeners only acknowledge and then work (handlers.after_ack). `work` runs that work:
    the serving processes pass runtime.work_processes, which run the forms too. Without it, a
    thread pool of its own (DVPN_WORK_THREADS) runs it, so an ack never queues behind earlier work
    on Bolt's listener threads. An injected `executor` (tests, the console) runs both, so whoever
    injected it can wait for everything."""
    bot_token = client.token
    anonymous = KeptAliveWebClient(  # Bolt copies its URL, timeout, TLS context and proxy into each request's client
        base_url=client.base_url,
        timeout=client.timeout,
        ssl=client.ssl,
        proxy=client.proxy,
        retry_handlers=client.retry_handlers,
        logger=client.logger,
    )

    def authorize(enterprise_id: str | None, team_id: str | None) -> AuthorizeResult:
        return AuthorizeResult(enterprise_id=enterprise_id, team_id=team_id, bot_token=bot_token)

    app = App(
        client=anonymous,
        authorize=authorize,
        signing_secret=signing_secret,
        token_verification_enabled=False,
        # Bolt's own check can raise on a malformed header, which reaches the error handler with the
        # unverified body; ours cannot (handlers.verification). Socket Mode's requests are unsigned.
        request_verification_enabled=False,
        before_authorize=SlackSignature(signing_secret),
        # Where the work runs elsewhere (handlers.after_ack's HandOff), a listener's ack function is
        # all this process does with a request: it runs on the request's own thread, which answers
        # the moment it acks. Otherwise Bolt runs it on its pool and answers at the ack, polling for
        # it every 10 ms, while the work goes on after it.
        process_before_response=isinstance(work, HandOff),
        raise_error_for_unhandled_request=False,
        listener_executor=executor,
        logger=logging.getLogger("dvpn.bolt"),
    )
    app.error(errors.on_error)
    app.use(KeptAliveClients())  # each request's client keeps its connections for the next call
    app.use(ProvideServices(ctx))  # listeners are module-level functions: they find the services here
    if work is None:
        pool = executor or ThreadPoolExecutor(max_workers=ctx.settings.work_threads, thread_name_prefix="dvpn-work")
        work = ThreadLazyListenerRunner(logging.getLogger("dvpn.work"), pool)
        app.use(deliveries.once_per_delivery(ctx))  # a delivery Slack sends twice runs once
    # else the work processes take each delivery before running it: this process never waits on the database.
    app.listener_runner.lazy_listener_runner = work
    command.register(app)
    forms.register(app)
    incident_form.register(app)
    buttons.register(app)
    home.register(app)
    reminder_actions.register(app)
    digest_actions.register(app)
    export_form.register(app)
    record_picker.register(app)
    return app
