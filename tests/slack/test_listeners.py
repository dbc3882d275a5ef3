"""How the listeners are made: named module-level functions that find the services in Bolt's
request context (handlers.context), so tracebacks and logs say `handlers.buttons.open_record`, and
the work processes, which run a listener by its name, always find the one meant."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, BoltContext
from slack_bolt.listener.custom_listener import CustomListener
from slack_bolt.util.utils import get_name_for_callable

from handlers.context import services
from services.context import ServiceContext
from tests.support.slack_driver import SlackDriver


def registered(slack: SlackDriver) -> list[Callable[..., Any]]:
    """Every function the app runs for a request: the ack functions and the lazy listeners.
    Bolt keeps its listeners in `App._listeners` (tests/composition checks the Bolt release)."""
    found: list[Callable[..., Any]] = []
    for listener in slack.app._listeners:
        assert isinstance(listener, CustomListener)
        found += [listener.ack_function, *listener.lazy_functions]
    return found


def test_every_listener_is_a_named_module_level_function_of_handlers(slack: SlackDriver) -> None:
    functions = registered(slack)
    where = {f"{f.__module__}.{f.__qualname__}" for f in functions}
    nested = sorted(name for name in where if "<locals>" in name or "<lambda>" in name)
    assert nested == [], f"listeners defined inside another function: {nested}"
    assert all(name.startswith("handlers.") for name in where), sorted(where)
    # The walk saw the app's listeners: one of each kind, from every module that registers any.
    assert {
        "handlers.command.answer_command",
        "handlers.buttons.open_record",
        "handlers.buttons.open_hearing_form",
        "handlers.forms.order_type_chosen",
        "handlers.forms.submit_form",
        "handlers.justification.justified",
        "handlers.home.home_opened",
        "handlers.reminder_actions.snooze_reminder",
        "handlers.export_form.submit_export",
        "handlers.after_ack.acknowledge",
    } <= where


def test_no_two_listeners_share_a_name(slack: SlackDriver) -> None:
    # runtime.work_processes hands work over by get_name_for_callable (a bare __name__), and the
    # work process runs the lazy listener of that name: two functions with one name would be one.
    by_name: dict[str, set[int]] = {}
    for function in registered(slack):
        by_name.setdefault(get_name_for_callable(function), set()).add(id(function))
    shared = sorted(name for name, functions in by_name.items() if len(functions) > 1)
    assert shared == [], f"names given to more than one listener: {shared}"
    assert len(by_name) >= 20, sorted(by_name)  # every button, form, command and event listener


def test_a_service_context_copies_as_itself(ctx: ServiceContext) -> None:
    assert copy.copy(ctx) is ctx
    assert copy.deepcopy(ctx) is ctx
    assert copy.deepcopy({"services": ctx})["services"] is ctx


def test_a_lazy_listener_sees_the_apps_very_service_context(slack: SlackDriver, ctx: ServiceContext) -> None:
    """Bolt runs a lazy listener with a deep copy of the request's context (BoltContext.to_copyable):
    the copy must hold the app's ServiceContext, engine and all, not a copy of it or nothing."""
    seen: dict[str, Any] = {}

    def probe_ack(ack: Ack, context: BoltContext) -> None:
        seen["ack context"] = context
        ack()

    def probe_work(context: BoltContext) -> None:
        seen["lazy context"] = context
        seen["services"] = services(context)

    slack.app.action("probe_services")(ack=probe_ack, lazy=[probe_work])

    response = slack.press("UOFFA1", "probe_services", "")

    assert response.status == 200
    assert seen["lazy context"] is not seen["ack context"], "Bolt gave the lazy listener a copied context"
    assert seen["services"] is ctx
    assert seen["services"].engine is ctx.engine
