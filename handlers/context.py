"""How a listener reaches the services: the app's ServiceContext rides in Bolt's request context.

Listeners are module-level functions (tracebacks and logs name them `handlers.buttons.open_record`),
so they cannot close over the context. A global middleware puts it into every request's Bolt
`context`; a listener takes Bolt's `context` argument and reads it with `services(context)`. A
lazy listener gets a deep copy of the request's context, and ServiceContext copies as itself
(services/context.py), so every listener sees the app's one ServiceContext."""

from __future__ import annotations

from collections.abc import Callable

from slack_bolt import BoltContext, BoltRequest, BoltResponse
from slack_bolt.middleware import Middleware

from services.context import ServiceContext

KEY = "services"


class ProvideServices(Middleware):
    """A global middleware: every request, in HTTP and Socket Mode alike, carries `ctx`."""

    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def process(self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]) -> BoltResponse | None:
        req.context[KEY] = self.ctx
        return next()


def services(context: BoltContext) -> ServiceContext:
    found = context.get(KEY)
    if not isinstance(found, ServiceContext):  # an app built without handlers.app.build_app
        raise RuntimeError("no ServiceContext in the request's context: build the app with handlers.app.build_app")
    return found
