"""What the app sent, as the console shows it. The Web API stand-in tells the screen of every call;
calls are queued (they arrive on server threads) and shown in order between commands, each
labelled with who would see it in Slack. Buttons get numbers for `press N`."""

from __future__ import annotations

import json
import queue
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from console.people import Directory
from console.render import BlockRenderer, Rendered, Style, file_line
from console.requests import Where
from console.slack_api import Call, SlackWebAPI

JSONObject = dict[str, Any]
Write = Callable[[str], None]
QUIET_METHODS = frozenset({"auth.test", "conversations.open", "file_upload", "files.getUploadURLExternal"})


@dataclass(frozen=True)
class Pressable:
    element: JSONObject
    where: Where


class Screen:
    def __init__(self, api: SlackWebAPI, directory: Directory, style: Style, write: Write, channel: str) -> None:
        self.api = api
        self.channel = channel  # where the console's user types commands
        self.directory = directory
        self.style = style
        self.write = write
        self.buttons: dict[int, Pressable] = {}
        self.modals: list[JSONObject] = []  # forms opened (or redrawn) and not yet answered
        self.surfaces_shown = 0
        self.problems = 0  # replies that were a refusal or an error: a failed command
        self._fresh = True  # the next button shown starts a new numbering
        self._where = Where("ephemeral")
        self._calls: queue.Queue[Call] = queue.Queue()
        self.dm_users: dict[str, str] = {}  # DM channel -> user, as conversations.open answered
        # Each message the app posted, numbered in the order shown, so an update or a reply can say
        # which one it is about and `press M.N` can reach any message still standing.
        self.numbered: dict[tuple[str, str], int] = {}
        self.posted: dict[int, tuple[str, str]] = {}
        api.listeners.append(self._calls.put)

    # -- numbering -----------------------------------------------------------------------------------

    def new_step(self) -> None:
        """Called before each command: the buttons it shows are numbered from 1 again."""
        self._fresh = True

    def _number(self, element: JSONObject, block_id: str | None) -> int:
        if self._fresh:
            self.buttons.clear()
            self._fresh = False
        number = len(self.buttons) + 1
        self.buttons[number] = Pressable(element, Where(**{**self._where.__dict__, "block_id": block_id}))
        return number

    # -- showing -------------------------------------------------------------------------------------

    def pending(self) -> bool:
        return not self._calls.empty()

    def flush(self) -> int:
        """Show every call that arrived since the last flush; how many surfaces were shown."""
        shown = 0
        while True:
            try:
                call = self._calls.get_nowait()
            except queue.Empty:
                return shown
            shown += self._show(call)

    def _show(self, call: Call) -> int:
        if call.method in QUIET_METHODS:
            if call.method == "conversations.open":
                user = str(call.get("users", "")).split(",")[0]
                self.dm_users["D" + user.lstrip("UW")] = user
            return 0
        handler = _SHOW.get(call.method)
        if handler is None:
            self.write(self.style.dim(f"(the app called {call.method})"))
            return 1
        handler(self, call)
        self.surfaces_shown += 1
        return 1

    def surface(self, title: str, blocks: list[JSONObject], where: Where, text: str = "", indent: str = "") -> Rendered:
        self._where = where
        if _is_problem(blocks, text):
            self.problems += 1
        rendered = BlockRenderer(self.style, self.directory.mention, self._number).render(blocks)
        self.write("")
        self.write(indent + self.style.bold(f"── {title} ──"))
        lines = rendered.lines or [f"  {text}"]
        for line in lines:
            self.write(indent + line)
        return rendered

    def show_message(self, number: int) -> bool:
        """Show message `number` as it stands now, its buttons numbered afresh for `press N`. False
        if no such message was posted or it is gone (deleted in Slack)."""
        self.buttons.clear()  # only this message's buttons may be pressed next
        self._fresh = False
        if number not in self.posted:
            return False
        channel, ts = self.posted[number]
        standing = next((m for m in self.api.messages(channel) if m["ts"] == ts), None)
        if standing is None:
            return False
        title = f"message {number} as it stands: {self._channel_label(channel)}"
        self.surface(title, standing.get("blocks") or [], Where("message", channel=channel, ts=ts), standing["text"])
        return True

    def who(self, slack_id: str) -> str:
        person = self.directory.by_id(slack_id)
        return f"@{person.short}, {person.describe()}" if person else f"@{slack_id}"

    def _channel_label(self, channel: str) -> str:
        return f"DM to {self.who(user)}" if (user := self._dm_user(channel)) else f"#{channel}"

    def _dm_user(self, channel: str) -> str | None:
        """Whose DM a channel is. The app may post to a user id (Slack opens the DM), or to the DM
        channel conversations.open gave it, possibly before the console was listening: the
        stand-in names a DM channel after its user, so the name tells."""
        if channel.startswith(("U", "W")):
            return channel
        if channel in self.dm_users:
            return self.dm_users[channel]
        if channel.startswith("D"):
            for prefix in ("U", "W"):
                if self.directory.by_id(prefix + channel[1:]) is not None:
                    return prefix + channel[1:]
        return None

    def _response(self, call: Call) -> None:
        kind = call.get("response_type") or "ephemeral"
        title = "reply (only you can see it)" if kind == "ephemeral" else "posted in the channel"
        where = Where("ephemeral" if kind == "ephemeral" else "message", channel=self.channel)
        self.surface(title, call.blocks, where, str(call.get("text", "")))

    def _ephemeral(self, call: Call) -> None:
        title = f"only {self.who(str(call.get('user')))} can see this, in #{call.get('channel')}"
        self.surface(title, call.blocks, Where("ephemeral", channel=str(call.get("channel"))), str(call.get("text")))

    def _message(self, call: Call) -> None:
        channel = str(call.get("channel"))
        stored = self._stored(channel, str(call.get("text", "")))
        ts = stored.get("ts")
        number = len(self.posted) + 1
        if ts:
            self.numbered[(channel, ts)], self.posted[number] = number, (channel, ts)
        root = self.numbered.get((channel, str(stored.get("thread_ts"))))
        where = Where("message", channel=channel, ts=ts)
        if stored.get("thread_ts") and stored.get("thread_ts") != ts:
            title = f"message {number}: reply in the thread of message {root}, {self._channel_label(channel)}"
            self.surface(title, call.blocks, where, str(call.get("text", "")), indent="    │ ")
            return
        title = f"message {number}: {self._channel_label(channel)}"
        self.surface(title, call.blocks, where, str(call.get("text", "")))

    def _stored(self, channel: str, text: str) -> JSONObject:
        """The stored message a post made: the calls are shown after the stand-in kept them, in the
        order they came, so it is the oldest message with its text not numbered yet."""
        for message in self.api.messages(channel):
            if (channel, message["ts"]) not in self.numbered and message.get("text", "") == text:
                return message
        return {}

    def _update(self, call: Call) -> None:
        channel, ts = str(call.get("channel")), str(call.get("ts"))
        number = self.numbered.get((channel, ts))
        if number is None:  # posted before the console was watching (the demo's history): number it now
            number = len(self.posted) + 1
            self.numbered[(channel, ts)], self.posted[number] = number, (channel, ts)
        title = f"updated: {self._channel_label(channel)} (message {number})"
        self.surface(title, call.blocks, Where("message", channel=channel, ts=ts), str(call.get("text", "")))

    def _view(self, call: Call) -> None:
        view = self._stored_view(call)
        if any(b.get("type") == "input" for b in view.get("blocks", [])):
            self.modals.append(view)  # a form: the modal prompter asks for it field by field
            return
        title = f"modal: {view.get('title', {}).get('text', '')}"
        self.surface(title, view.get("blocks", []), Where("modal", view=view))

    def _stored_view(self, call: Call) -> JSONObject:
        view_id = call.get("view_id")
        if view_id and view_id in self.api.state.views:
            return dict(self.api.state.views[view_id])
        sent = call.view  # views.open and views.push: the stored copy carries the id Slack gave it
        opened = [v for v in self.api.state.views.values() if {k: x for k, x in v.items() if k != "id"} == sent]
        return dict(opened[-1]) if opened else sent

    def _home(self, call: Call) -> None:
        user = str(call.get("user_id"))
        view = self.api.state.homes.get(user, call.view)
        self.surface(f"App Home of {self.who(user)}", view.get("blocks", []), Where("home", view=view))

    def _file(self, call: Call) -> None:
        listed = call.get("files") or []
        entries = json.loads(listed) if isinstance(listed, str) else listed
        if call.get("initial_comment"):
            self.write(str(call.get("initial_comment")))
        for entry in entries:
            shared = self.api.state.files.get(str(entry.get("id")), {})
            self.write(file_line({**shared, "title": entry.get("title")}, self.style))


PROBLEM_OPENINGS = (":warning:", ":boom:", "There is no /dvpn")


def _is_problem(blocks: list[JSONObject], text: str) -> bool:
    """The shape of handlers/errors.py's replies: a refusal or an error id, first thing said."""
    said = [b for b in blocks[:2] if b.get("type") == "section"]  # after a header, if there is one
    opening = str(said[0].get("text", {}).get("text", "")) if said else text
    return opening.startswith(PROBLEM_OPENINGS)


_SHOW: dict[str, Callable[[Screen, Call], None]] = {
    "response_url": Screen._response,
    "chat.postEphemeral": Screen._ephemeral,
    "chat.postMessage": Screen._message,
    "chat.update": Screen._update,
    "views.open": Screen._view,
    "views.push": Screen._view,
    "views.update": Screen._view,
    "views.publish": Screen._home,
    "files.completeUploadExternal": Screen._file,
}
