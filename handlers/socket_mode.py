"""Socket Mode: Slack opens a WebSocket to us, so no public URL is needed (the usual choice inside
a police network). The app-level token opens the connection; the bot token answers."""

from __future__ import annotations

from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler

from config import Settings
from handlers.web_client import web_client


def socket_mode_handler(app: App, settings: Settings) -> SocketModeHandler:
    assert settings.slack_app_token, "checked by the caller: Socket Mode needs SLACK_APP_TOKEN"
    # apps.connections.open goes to the configured Web API (GovSlack has its own) with the app token.
    opener = web_client(settings, token=settings.slack_app_token)
    return SocketModeHandler(app, app_token=settings.slack_app_token, web_client=opener)


def run_socket_mode(app: App, settings: Settings) -> None:
    """Connect and serve until interrupted; the client reconnects by itself if the socket drops."""
    socket_mode_handler(app, settings).start()  # type: ignore[no-untyped-call]  # slack_bolt leaves it untyped
