"""Every command a message tells a user to type works. The suggestions are read from the source
(every string and f-string in blocks/, handlers/, scheduler/, services/ and console/ that shows
`/dvpn ...`, every `Command(...)` a service or renderer words, and every line of `/dvpn help`),
their placeholders filled with real values (a real record's reference, a team, a time), and each
is sent through the real Bolt app as a signed request. None may answer with a usage error or
"there is no such command": a refusal about the record's state is the bot working, a refusal of
the command's shape is a message that lied to its reader."""

from __future__ import annotations

import ast
import importlib
import itertools
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from handlers.command import ROUTER
from rules.disclosure import Route
from services.context import ServiceContext
from services.disclosures import requests as disclosure_requests
from services.disclosures.requests import NewRequest
from services.incidents import changes
from services.incidents.recording import ChildInput, NewIncident, record_incident
from services.records import hearings
from services.records.order_writer import PersonInput
from tests.support.force import Force, london
from tests.support.records import PERPETRATOR, dapo, dvpn, record
from tests.support.slack_driver import SlackDriver, blocks_text

ROOT = Path(__file__).resolve().parent.parent.parent
SOURCES = ("blocks", "handlers", "scheduler", "services", "console")
SUGGESTION = re.compile(r"`/dvpn ([^`]+)`|(?<![`\w])/dvpn ([a-z]+(?: (?:[A-Z][A-Z-]+|\{[^}]+\}))*)")

# Texts that show `/dvpn` without suggesting a command to type: the words of the help header, the
# command line's own error for a duplicate table entry, the echo of a word that is not a command,
# and the console's hint built from what the user typed.
NOT_SUGGESTIONS = (
    "dvpn-bot: /dvpn commands",
    "/dvpn {word} is defined twice",
    "There is no /dvpn {word[:30]}.",
    "Try: /dvpn {text}",
)
# Suggestions built at run time from what the user typed, each run by the test named.
BUILT_FROM_INPUT = {
    "{usage}": "help: every usage line is run here as it is in /dvpn help",
    "{reading.command}": "tests/security/test_times.py runs the 'Type: ...' fix of every refused time",
    "{question.instead}": "tests/slack/test_corrections.py runs both answers to 'did you mean'",
    "{right}": "tests/slack/test_corrections.py runs both answers to 'did you mean'",
    "{typed}": "tests/security/test_times.py runs the 'Type: ...' fix of every refused time",
    "{ln.usage}": "help: every usage line is run here as it is in /dvpn help",
    "{line.usage}": "help: every usage line is run here as it is in /dvpn help",
    "{line.example}": "help: every example is run here as it is in /dvpn help",
    "{first}": "help: every example is run here as it is in /dvpn help",
    "{word}": "tests/slack/test_corrections.py runs both answers to 'did you mean'",
}


@dataclass(frozen=True)
class Suggested:
    where: str  # file:line
    typed: str  # after `/dvpn `, placeholders as the message shows them


def _module(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _text(node: ast.expr, namespace: dict[str, object]) -> str | None:
    """A string or f-string as a template: a value the module defines as text is put in, anything
    else stays as `{expression}`."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if not isinstance(node, ast.JoinedStr):
        return None
    out: list[str] = []
    for piece in node.values:
        if isinstance(piece, ast.Constant):
            out.append(str(piece.value))
        elif isinstance(piece, ast.FormattedValue):
            expression = ast.unparse(piece.value)
            try:
                value = eval(expression, dict(namespace))  # module constants only: names not defined stay as {...}
            except Exception:
                value = None
            out.append(value if isinstance(value, str) else f"{{{expression}}}")
    return "".join(out)


def _docstrings(tree: ast.Module) -> set[int]:
    found: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def suggestions() -> list[Suggested]:
    found: list[Suggested] = []
    for folder in SOURCES:
        for path in sorted((ROOT / folder).rglob("*.py")):
            tree = ast.parse(path.read_text())
            namespace = vars(importlib.import_module(_module(path)))
            skip = _docstrings(tree)
            inner = {id(v) for n in ast.walk(tree) if isinstance(n, ast.JoinedStr) for v in n.values}
            where = str(path.relative_to(ROOT))
            for node in ast.walk(tree):
                if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Command":
                    words = [_text(a, namespace) or f"{{{ast.unparse(a)}}}" for a in node.args[:2]]
                    found.append(Suggested(f"{where}:{node.lineno}", " ".join(w for w in words if w)))
                    continue
                if id(node) in skip or id(node) in inner or not isinstance(node, ast.Constant | ast.JoinedStr):
                    continue
                text = _text(node, namespace)
                if not text or "/dvpn " not in text or any(n in text for n in NOT_SUGGESTIONS):
                    continue
                for match in SUGGESTION.finditer(text):
                    found.append(Suggested(f"{where}:{node.lineno}", match[1] or match[2]))
    found += [Suggested(f"/dvpn help: {sub.name}", sub.usage) for sub in ROUTER.subcommands]
    found += [Suggested(f"/dvpn help: {sub.name}'s example", sub.example) for sub in ROUTER.subcommands if sub.example]
    return found


# Expressions in messages, as the values a real message holds.
EXPRESSIONS = {"{names[0]}": "<@UOFFA2>", "{escape(digest.team_name)}": "Team A"}


def commands(typed: str) -> list[str]:
    """One usage pattern as the commands it describes: each `·` or ` | ` alternative and each
    `(TYPE: ...)` form on its own; optional parts left out, then all put in; each `a|b` choice.
    A form ending in `...` only names its words (`admin role|rank|team ...`): the full forms are
    suggested elsewhere (the admin usage) and run from there."""
    for expression, value in EXPRESSIONS.items():
        typed = typed.replace(expression, value)
    pieces = re.split(r" · | \| | \([A-Z]+: ", typed)
    out: list[str] = []
    for piece in pieces:
        piece = piece.strip().rstrip(")").strip()
        for variant in (re.sub(r"\s*\[[^\]]*\]", "", piece), re.sub(r"[\[\]]", "", piece)):
            choices = [token.split("|") if "|" in token else [token] for token in variant.split()]
            out += [" ".join(combo) for combo in itertools.islice(itertools.product(*choices), 8)]
    return [command for command in dict.fromkeys(out) if not command.endswith(" ...")]


SAME_FOR_ALL = {
    "REF": "{ref}",
    "0042": "{ref}",  # the help's examples use a reference's end
    "COMMAND": "hearing",
    "@sam": "<@UOFFA2>",
    "{reference}": "{ref}",
    "{back.reference}": "{ref}",
    "<reference>": "22/123456/26",
    "CRIMEREF": "22/123456/26",
    "COURT": "Birmingham Magistrates",
    "DAYS": "28 days",
    "UNTIL": "until 30/4/2026",
    "TEAM": "Team A",
    "{team_name}": "Team A",
    "HH:MM": "07:30",
    "@leaver": "<@UOFFA2>",
    "@successor": "<@UOFFA1>",
    "<team>": "Team A",
    "@user": "<@UOFFA2>",
    "@you": "<@UOFFA2>",
    "@officer": "<@UOFFA2>",
    "#channel": "<#C0PPUNORTH>",
    "RANK": "inspector",
    "PERIOD": "last 4 weeks",
    "PNC-ID": "12/345678U",
    "TYPE": "DVPN",
    "ARREST-TIME": "now",
    "TEXT": "no contact made",
    "REASON": "entered in error",
    "FIELD": "risk",
    "{field_word}": "risk",
    "VALUE": "high",
    '"WHY"': '"typo in the date"',
    '"..."': '"typo in the date"',
    "{guess}": "help",
    "{example}": "22/123456/26",
    "<days>": "28 days",
    "DATE": "2026-12-29",
    "ID": "{mismatch}",
    "WHEN": "now",
    "<when>": "now",
}
# Values that depend on the command: a hearing is ahead, a name is a person's or a team's.
FOR_COMMAND = {
    "hearing": {"WHEN": "tomorrow 10:00", "<when>": "tomorrow 10:00"},
    "adjourned": {"WHEN": "tomorrow 10:00"},
    "check": {"due WHEN": "due tomorrow 10:00"},
    "perpetrator": {"NAME": PERPETRATOR, "{number}": "1"},
    "search": {"TEXT": "Alexander"},
    "admin": {
        '"NAME"': '"Extra day"',
        "NAME": "Team Z",
        "AREA": "cumbria",
        "FROM": "28/12/2026",
        "TO": "31/12/2026",
        "{where}": "cumbria",
        "{where:60}": "cumbria",
        "{escape(team)}": "Team A",
    },
    "school-holiday": {'"NAME"': '"Extra day"', "AREA": "cumbria", "FROM": "28/12/2026", "TO": "31/12/2026"},
    "new": {"INCIDENT": "{incident}", "{view.reference}": "{incident}"},
    "varied": {"UNTIL": "until 1/10/2026"},
    "monitoring": {"LAST-DAY": "in 2 weeks", "WHEN": "yesterday 10:00"},
    "incident": {
        '"NAME"': '"Sam Sample"',
        '"SCHOOL"': '"Oak Primary"',
        "AREA": "cumbria",
        "N": "15",
        "<yes answers>": "15",
        "WHEN": "today 20:00",
    },
    "marac": {'"WHAT"': '"safety plan review"', "N": "1", "{number}": "1", "WHEN": "tomorrow 10:00"},
    "encompass": {"N": "1", "{number}": "1"},
    "deadline": {"AREA": "cumbria"},
}
# Who types each command: admins' and supervisors' commands by them, the rest by the officer.
TYPED_BY = {
    "admin": "admin",
    "school-holiday": "admin",
    "identity": "admin",
    "export": "supervisor",
    "digest": "supervisor",
    "audit": "supervisor",
}
USAGE_ERRORS = (
    "There is no /dvpn",
    "Usage:",
    "is not a record reference",
    "Give the record's reference",
    "Could not read",
    "is not a field",
    "Say done or due",
    "Give when",
    "Give the hearing time",
    "Give the new hearing time",
    "Give the type first",
    "is not an order type",
    "Something went wrong",
)


def fill(command: str) -> str:
    values = {**SAME_FOR_ALL, **FOR_COMMAND.get(command.split()[0], {})}
    for placeholder in sorted(values, key=len, reverse=True):  # 'due WHEN' before 'WHEN'
        command = re.sub(rf"(?<![\w<@#-]){re.escape(placeholder)}(?![\w>-])", values[placeholder], command)
    return command


def _cases() -> list[tuple[str, str]]:
    cases: list[tuple[str, str]] = []
    for found in suggestions():
        if any(p in found.typed for p in BUILT_FROM_INPUT):
            continue
        for command in commands(found.typed):
            assert command, f"an empty suggestion at {found.where}"
            cases.append((found.where, fill(command)))
    return list(dict.fromkeys(cases))


CASES = _cases()


def _params() -> list[object]:
    seen: dict[str, str] = {}
    for where, command in CASES:
        seen.setdefault(command, where)
    params: list[object] = []
    for command, where in seen.items():
        params.append(pytest.param(command, where, id=command))
    return params


def test_every_suggestion_was_filled_with_real_values() -> None:
    """A placeholder left as the message shows it would be typed literally: each needs a value above."""

    def unfilled(command: str) -> bool:
        words = re.sub(r"\{(ref|mismatch|incident)\}", "", command).split()
        return any(re.fullmatch(r"[A-Z][A-Z-]{2,}|\{.*|.*\}|<[a-z]+>", w) and w not in ("DVPN", "BAIL") for w in words)

    assert sorted({c for _, c in CASES if unfilled(c)}) == []


@pytest.fixture
def places(ctx: ServiceContext, force: Force) -> dict[str, str]:
    """A record for each kind of command: a DVPN heard at 20:30 (so an outcome can be recorded), a
    DAPO (notifications, variations), and an open identity check."""
    notice = record(ctx, force.officer).reference
    hearings.book_hearing(ctx, force.officer, notice, london("2026-04-02 20:30"), "Birmingham Magistrates")
    order = record(ctx, force.officer, dapo()).reference
    record(ctx, force.other_officer, dvpn(perpetrator=PersonInput("Someone Else", None, None, "12/345678U")))
    record(ctx, force.officer, dvpn(perpetrator=PersonInput("Another Person", None, None, "12/345678U")))
    request = disclosure_requests.new_request(
        ctx,
        force.officer,
        NewRequest(Route.ASK, PersonInput("Dana Whitlock"), PersonInput("Gareth Pellow"), london("2026-03-10 14:00")),
    ).reference
    incident = record_incident(ctx, force.officer, _incident())
    changes.record_dash(ctx, force.officer, incident, 15)  # high risk: a referral, then a MARAC, can be recorded
    return {"notice": notice, "order": order, "mismatch": "1", "incident": incident, "request": request}


def _incident() -> NewIncident:
    child = ChildInput("Kit Sample", "Oak Primary", "cumbria")
    return NewIncident(london("2026-04-02 20:00"), PersonInput("Sam Sample"), PersonInput("Alex Example"), (child,))


@pytest.mark.parametrize("command, where", _params())
def test_a_suggested_command_is_understood(
    slack: SlackDriver, ctx: ServiceContext, force: Force, places: dict[str, str], command: str, where: str
) -> None:
    word = command.split()[0]
    ref = places["order"] if word in {"notified", "varied"} else places["notice"]
    ref = places["request"] if word == "clare" else ref
    ref = places["incident"] if word in {"incident", "marac", "encompass"} else ref
    typed = command.replace("{ref}", ref).replace("{mismatch}", places["mismatch"])
    typed = typed.replace("{incident}", places["incident"])
    user = getattr(force, TYPED_BY.get(word, "officer"))
    sent_before = len(slack.sent())

    slack.command(user, typed)

    replies = [c for c in slack.sent()[sent_before:] if c.method == "response_url"]
    said = " ".join(blocks_text(c.blocks) for c in replies)
    assert replies or slack.api.calls("views.open"), f"{typed!r} (from {where}) got no answer"
    assert not any(error in said for error in USAGE_ERRORS), f"{typed!r} (suggested at {where}) answered: {said}"
