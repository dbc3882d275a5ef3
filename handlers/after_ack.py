"""How listeners are registered, so that their work can run outside the serving process.

`after_ack`: listeners whose only answer to Slack is an empty 200 (commands, buttons, events).
They are acknowledged at once and run afterwards. `answered_in_ack`: form submissions, whose
answer (inline errors, the next view) goes in the acknowledgement itself.

Where the work runs is the app's lazy listener runner's business. In the serving processes it is
runtime.work_processes, which hands each request straight to a work process (no Bolt lazy
listener is started there, so the ack path does not copy the request) and, for a form, waits for
its answer. Everywhere else an `after_ack` listener is a Bolt lazy listener (on the in-process work
pool, or in a work process run by name from a lazy-only request) and a form runs where it is."""

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

    def answering(self, listener: Listener) -> Listener:
        """An ack function that has `listener` run elsewhere and acknowledges with its answer."""
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


def answered_in_ack(app: App, register: Callable[..., Any]) -> Callable[[Listener], Listener]:
    """`@answered_in_ack(app, app.view(ID))` instead of `@app.view(ID)`: the listener acks itself."""
    runner = app.listener_runner.lazy_listener_runner

    def decorate(listener: Listener) -> Listener:
        register(runner.answering(listener) if isinstance(runner, HandOff) else listener)
        return listener

    return decorate
