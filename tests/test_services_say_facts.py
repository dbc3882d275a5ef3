"""Services return facts, not Slack: no string in services/ (docstrings and comments included)
holds Slack's mention markup or the app's command name. blocks/wording.py renders both."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SERVICES = Path(__file__).resolve().parent.parent / "services"
SLACK_DIALECT = ("<@", "/dvpn")


def slack_strings(path: Path) -> list[str]:
    """Each string constant in the module, f-string parts included, that speaks Slack's dialect."""
    tree = ast.parse(path.read_text(), filename=str(path))
    return [
        f"{path.name}:{node.lineno}: {node.value[:60]!r}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and any(m in node.value for m in SLACK_DIALECT)
    ]


@pytest.mark.parametrize("path", sorted(SERVICES.rglob("*.py")), ids=lambda p: str(p.relative_to(SERVICES)))
def test_no_service_string_holds_a_mention_or_the_command_name(path: Path) -> None:
    assert slack_strings(path) == []


def test_the_check_finds_markup_in_plain_strings_f_strings_and_docstrings(tmp_path: Path) -> None:
    module = tmp_path / "speaks_slack.py"
    module.write_text(
        '"""Try /dvpn list."""\n'
        'who = "<@U1>"\n'
        "def hint(ref: str) -> str:\n"
        '    return f"Book it: `/dvpn hearing {ref}`"\n'
    )
    assert len(slack_strings(module)) == 3


def test_services_is_where_the_check_looks() -> None:
    assert (SERVICES / "errors.py").is_file() and len(list(SERVICES.rglob("*.py"))) > 30
