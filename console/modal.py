"""A modal as field-by-field prompts. Choices are listed and picked by number or name; dates are
read the way the bot reads them (natural language, day first, UK time); a select that redraws the
form sends its real block_actions payload; inline errors from `response_action: errors` are shown
and their fields asked again. `!submit` sends the form as it stands, `!cancel` closes it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from blocks.wording import problem
from console.people import Directory
from console.render import BlockRenderer, Style, text_of
from console.requests import Answer, SlackRequests, Where
from console.screen import Screen
from services.errors import DomainError
from services.when import parse_day

JSONObject = dict[str, Any]
Ask = Callable[[str], str | None]  # a prompt -> the line typed, or None at the end of input
CANCEL, SUBMIT = "!cancel", "!submit"
MAX_ROUNDS = 10  # a form refused this many times is given up, so a script cannot loop forever


class Outcome(StrEnum):
    SUBMITTED = "submitted"
    CANCELLED = "cancelled"
    ABANDONED = "abandoned"  # the input ended, or the form kept being refused


@dataclass
class Field:
    block: JSONObject

    @property
    def block_id(self) -> str:
        return str(self.block["block_id"])

    @property
    def element(self) -> JSONObject:
        return dict(self.block["element"])


class ModalPrompter:
    def __init__(
        self,
        requests: SlackRequests,
        screen: Screen,
        directory: Directory,
        ask: Ask,
        now: Callable[[], datetime],
        tz: ZoneInfo,
    ) -> None:
        self.requests = requests
        self.screen = screen
        self.directory = directory
        self.ask = ask
        self.now = now
        self.tz = tz
        self.style: Style = screen.style
        self.interrupted: str | None = None  # a slash command typed mid-form: run it after the form closes
        self.asking: tuple[str, JSONObject] = ("", {})  # the user and view a field is asked for

    def run(self, user: str, view: JSONObject) -> Outcome:
        answers: dict[str, JSONObject] = {}  # block id -> the element's state, as Slack sends it
        errors: dict[str, str] = {}
        for _ in range(MAX_ROUNDS):
            self._title(view, errors)
            asked = self._ask_fields(user, view, answers, errors)
            if isinstance(asked, Outcome):
                return asked
            if asked is not None:  # the form was redrawn (a select that dispatches): ask again
                view = asked
                continue
            answer = self.requests.submit(user, view, _state(view, answers))
            self.screen.flush()
            next_view, errors = self._after_submit(view, answer)
            if next_view is None:
                return Outcome.SUBMITTED
            view = next_view
        self.screen.write(self.style.alert("  The form was refused too many times: closed."))
        return Outcome.ABANDONED

    def _title(self, view: JSONObject, errors: dict[str, str]) -> None:
        self.screen.write("")
        title = view.get("title", {}).get("text", "Form")
        self.screen.write(self.style.bold(f"── modal: {title} ──"))
        if errors:
            count = len(errors)
            self.screen.write(self.style.alert(f"  Not saved: {count} field{'s' * (count > 1)} to answer again."))
            return
        others = [b for b in view.get("blocks", []) if b.get("type") not in ("input", "section")]
        for line in BlockRenderer(self.style, self.directory.mention, lambda *_: 0).render(others).lines:
            self.screen.write(line)
        submit = view.get("submit", {}).get("text", "Submit")
        self.screen.write(self.style.dim(f"  Answer each field; Enter keeps it empty. {SUBMIT} = {submit}, {CANCEL}."))

    def _ask_fields(
        self, user: str, view: JSONObject, answers: dict[str, JSONObject], errors: dict[str, str]
    ) -> JSONObject | Outcome | None:
        self.asking = (user, view)
        for block in view.get("blocks", []):
            if block.get("type") == "section" and not errors:
                self.screen.write(
                    self.style.bold("  " + text_of(block.get("text"), self.style, self.directory.mention))
                )
            if block.get("type") != "input":
                continue
            field = Field(block)
            if field.block_id in answers and field.block_id not in errors:
                continue
            state = self._ask_one(field, errors.get(field.block_id))
            if isinstance(state, Outcome):
                return state
            if state is None:  # !submit: leave the rest as they are
                return None
            answers[field.block_id] = state
            if block.get("dispatch_action") and _changed(field.element, state):
                return self._redrawn(user, view, field, state)
        return None

    def _redrawn(self, user: str, view: JSONObject, field: Field, state: JSONObject) -> JSONObject | None:
        """A select with dispatch_action: Slack sends the choice at once and the app redraws the form."""
        self.requests.choose(user, view, field.block_id, field.element, state["selected_option"])
        self.screen.flush()
        if not self.screen.modals:
            return None
        redrawn = self.screen.modals.pop()
        self.screen.modals.clear()
        return redrawn

    def _after_submit(self, view: JSONObject, answer: Answer) -> tuple[JSONObject | None, dict[str, str]]:
        action = answer.response_action
        if action == "errors":
            return view, {str(k): str(v) for k, v in answer.body.get("errors", {}).items()}
        if action in ("update", "push"):
            shown = {**answer.body["view"], "id": view.get("id")}
            if not any(b.get("type") == "input" for b in shown.get("blocks", [])):
                # A view to read, not a form (a record card after its justification): show it, done.
                title = f"modal: {shown.get('title', {}).get('text', '')}"
                self.screen.surface(title, shown.get("blocks", []), Where("modal", view=shown))
                return None, {}
            return shown, {}
        if answer.status >= 400:
            self.screen.write(self.style.alert(f"  The app answered HTTP {answer.status}: not saved."))
        return None, {}

    def _ask_one(self, field: Field, error: str | None) -> JSONObject | Outcome | None:
        block, element = field.block, field.element
        label = text_of(block.get("label"), self.style, self.directory.mention)
        optional = " (optional)" if block.get("optional") else ""
        if block.get("hint"):
            self.screen.write(self.style.dim(f"    {text_of(block['hint'], self.style, self.directory.mention)}"))
        options = element.get("options", []) if element["type"] in ("static_select",) else []
        for number, option in enumerate(options, 1):
            self.screen.write(f"      {number}) {option['text']['text']}")
        while True:
            if error:
                self.screen.write(self.style.alert(f"    ! {error}"))
            line = self.ask(f"  {label}{optional}{_current(element)}: ")
            if line is None:
                return Outcome.ABANDONED
            typed = line.strip()
            if typed == CANCEL:
                self.screen.write(self.style.dim("  (form closed, nothing saved)"))
                return Outcome.CANCELLED
            if typed == SUBMIT:
                return None
            if typed.startswith("/"):  # a command, not an answer (a script out of step): close the form
                self.screen.write(self.style.alert("  (form closed, nothing saved: a command was typed)"))
                self.interrupted = typed
                return Outcome.ABANDONED
            try:
                return self._state(element, typed)
            except ValueError as problem:
                error = str(problem)

    def _state(self, element: JSONObject, typed: str) -> JSONObject:
        """The element's state for what was typed; ValueError says how to answer instead."""
        kind = element["type"]
        if kind == "plain_text_input":
            return {"type": kind, "value": typed or element.get("initial_value")}
        if kind == "static_select":
            return {"type": kind, "selected_option": _pick(element, typed)}
        if kind == "datepicker":
            return {"type": kind, "selected_date": self._date(typed) if typed else element.get("initial_date")}
        if kind == "users_select":
            return {"type": kind, "selected_user": self._user(typed) if typed else element.get("initial_user")}
        if kind == "external_select":
            return {"type": kind, "selected_option": self._suggested(element, typed)}
        if kind == "checkboxes":
            ticked = _yes(typed) if typed else bool(element.get("initial_options"))
            return {"type": kind, "selected_options": element["options"] if ticked else []}
        if kind == "number_input":
            return {"type": kind, "value": _whole_number(element, typed) if typed else element.get("initial_value")}
        raise ValueError(f"the console cannot fill a {kind}")

    def _suggested(self, element: JSONObject, typed: str) -> JSONObject | None:
        """Type-ahead as in Slack: the app is asked for options matching what was typed (an
        options load), and the one that matches, or the only one offered, is chosen."""
        if not typed:
            initial = element.get("initial_option")
            return dict(initial) if initial else None
        user, view = self.asking
        field = next(
            b["block_id"] for b in view.get("blocks", []) if b.get("element") is element or b.get("element") == element
        )
        offered = self.requests.suggest(user, view, field, element, typed)
        exact = [o for o in offered if str(o["value"]).lower() == typed.lower()]
        if exact or len(offered) == 1:
            return (exact or offered)[0]
        if not offered:
            raise ValueError(f"Nothing you may read matches {typed!r}: type more of the reference.")
        shown = ", ".join(str(o["value"]) for o in offered[:5])
        raise ValueError(f"{len(offered)} match: {shown}{' …' if len(offered) > 5 else ''}. Type more of it.")

    def _date(self, typed: str) -> str:
        try:
            return parse_day(typed, field="date").isoformat()
        except DomainError as error:
            raise ValueError(problem(error)) from None

    def _user(self, typed: str) -> str:
        person = self.directory.find(typed)
        if person is not None:
            return person.slack_id
        word = typed.lstrip("@").upper()
        if word[:1] in ("U", "W") and word.isalnum():
            return word
        raise ValueError(f"No one called {typed!r}. Type `people` after the form to see who is here.")


def _changed(element: JSONObject, state: JSONObject) -> bool:
    """A new choice in a select (keeping the one shown does not make Slack send anything)."""
    chosen = state.get("selected_option") or {}
    return bool(chosen) and chosen.get("value") != element.get("initial_option", {}).get("value")


def _current(element: JSONObject) -> str:
    initial = (
        element.get("initial_value")
        or element.get("initial_date")
        or element.get("initial_option", {}).get("text", {}).get("text")
        or element.get("initial_user")
    )
    return f" [{initial}]" if initial else ""


def _pick(element: JSONObject, typed: str) -> JSONObject | None:
    options: list[JSONObject] = element.get("options", [])
    if not typed:
        initial = element.get("initial_option")
        return dict(initial) if initial else None
    if typed.isdigit() and 1 <= int(typed) <= len(options):
        return options[int(typed) - 1]
    lowered = typed.lower()
    for option in options:
        if lowered in (str(option["value"]).lower(), str(option["text"]["text"]).lower()):
            return option
    starting = [o for o in options if str(o["text"]["text"]).lower().startswith(lowered)]
    if len(starting) == 1:
        return starting[0]
    raise ValueError(f"Choose a number from 1 to {len(options)}.")


def _yes(typed: str) -> bool:
    lowered = typed.lower()
    if lowered in ("y", "yes", "true", "1", "x"):
        return True
    if lowered in ("n", "no", "false", "0"):
        return False
    raise ValueError("Answer yes or no.")


def _state(view: JSONObject, answers: dict[str, JSONObject]) -> JSONObject:
    """The view's state as Slack submits it: every input, answered or holding its initial value."""
    values: JSONObject = {}
    for block in view.get("blocks", []):
        if block.get("type") != "input":
            continue
        element = block["element"]
        state = answers.get(block["block_id"]) or _initial_state(element)
        values[block["block_id"]] = {element["action_id"]: state}
    return values


def _whole_number(element: JSONObject, typed: str) -> str:
    """As Slack's number field: a whole number within its bounds, or asked again."""
    low, high = int(element.get("min_value", 0)), int(element.get("max_value", 10**9))
    cleaned = typed.strip()
    if not cleaned.isdigit() or not low <= int(cleaned) <= high:
        raise ValueError(f"Give a whole number from {low} to {high}.")
    return cleaned


def _initial_state(element: JSONObject) -> JSONObject:
    kind = element["type"]
    initial: dict[str, JSONObject] = {
        "plain_text_input": {"value": element.get("initial_value")},
        "static_select": {"selected_option": element.get("initial_option")},
        "datepicker": {"selected_date": element.get("initial_date")},
        "users_select": {"selected_user": element.get("initial_user")},
        "checkboxes": {"selected_options": element.get("initial_options", [])},
        "number_input": {"value": element.get("initial_value")},
    }
    return {"type": kind, **initial.get(kind, {})}
