"""The App Home: each user's dashboard, published when they open it, and again when something
they started on it is done (a form opened from it saved, a reminder settled, an officer nudged),
so the item they acted on leaves it without their reopening the tab."""

from __future__ import annotations

from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from blocks.home import home_view, unplaced_home
from blocks.wording import problem
from handlers.after_ack import after_ack
from handlers.context import services
from handlers.errors import log_unexpected, reported
from services.context import ServiceContext
from services.governance.access import NotPlaced
from services.reminders.home import home_board


def register(app: App) -> None:
    after_ack(app, app.event("app_home_opened"))(home_opened)


@reported
def home_opened(body: dict[str, Any], event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    if event.get("tab", "home") != "home":
        return  # the Messages tab needs nothing from us
    publish_home(services(context), client, str(event["user"]))


def publish_home(ctx: ServiceContext, client: WebClient, slack_user_id: str) -> None:
    try:
        board = home_board(ctx, slack_user_id)
    except NotPlaced as refused:
        client.views_publish(user_id=slack_user_id, view=unplaced_home(problem(refused)))
        return
    client.views_publish(user_id=slack_user_id, view=home_view(board, ctx.settings.timezone))


def republish_home(ctx: ServiceContext, client: WebClient, slack_user_id: str) -> None:
    """The Home again after an action started on it. The action is done by now: a Home that cannot
    be refreshed is logged, not reported to the user as if the action had failed."""
    try:
        publish_home(ctx, client, slack_user_id)
    except Exception as error:
        log_unexpected(error, "home refresh")
