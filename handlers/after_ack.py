"""Listeners whose only answer to Slack's request is an empty 200: acknowledged at once, their
work run afterwards, elsewhere.

Where the work runs is the app's lazy listener runner's business. In the serving processes it
is handlers.work_processes, which hands each request straight to a work process (no Bolt lazy
listener is started there, so the ack path does not copy the request). Everywhere else the
listener is a Bolt lazy listener: on the in-process work pool, or, in a work process, run by
name from a lazy-only request."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol, runtime_checkable

from slack_bolt import Ack, App

Listener = Callable[..., None]


@runtime_checkable
class HandOff(Protocol):
    def acknowledging(self, listener: Listener) -> Listener:
        """An ack function that acknowledges and hands `listener`'s work to someone else."""
        ...


def acknowledge(ack: Ack) -> None:
    ack()


def after_ack(app: App, register: Callable[..., Any]) -> Callable[[Listener], Listener]:
    """`@after_ack(app, app.action(ID))` instead of `@app.action(ID)`. The listener must not call
    ack() itself: it answers by respond, the Web API or a modal, after the acknowledgement."""
    runner = app.listener_runner.lazy_listener_runner

    def decorate(listener: Listener) -> Listener:
        if isinstance(runner, HandOff):
            register(runner.acknowledging(listener))
        else:
            register(ack=acknowledge, lazy=[listener])
        return listener

    return decorate
