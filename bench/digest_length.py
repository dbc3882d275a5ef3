"""How long each demo team's daily digest is: its blocks, the lines the console draws of it (what a
supervisor scrolls through), the characters of its visible text, and its buttons. The demo force
(console/demo*.py) is built at its start (Thu 2 Apr 2026 09:30), and each team's digest is drawn as
its duty supervisor receives it by DM, and as the team channel shows it.

    python -m bench.digest_length
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from blocks.digest import digest_blocks
from config import Settings
from console.demo_people import duty_supervisors
from console.render import BlockRenderer, Style
from console.session import open_console
from services.reminders.digest import digest_for


def visible_characters(blocks: list[dict[str, Any]]) -> int:
    """The characters of every text Slack shows (block texts, fields, context elements, button labels)."""
    total = 0

    def walk(node: Any) -> None:
        nonlocal total
        if isinstance(node, dict):
            if node.get("type") in ("mrkdwn", "plain_text") and isinstance(node.get("text"), str):
                total += len(node["text"])
                return
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(blocks)
    return total


def measure(blocks: list[dict[str, Any]]) -> dict[str, int]:
    drawn = BlockRenderer(Style(), lambda user: f"@{user}", lambda element, block_id: 1).render(blocks)
    return {
        "blocks": len(blocks),
        "lines": len(drawn.lines),
        "characters": visible_characters(blocks),
        "buttons": len(drawn.buttons),
        "json bytes": len(json.dumps(blocks)),
    }


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        console = open_console(
            Settings(), demo=True, database=str(Path(folder) / "demo.db"), write=lambda _: None, style=Style()
        )
        try:
            load = os.getloadavg()
            at = console.clock.now().astimezone(console.ctx.settings.timezone)
            print(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; demo at {at:%a %d %b %Y %H:%M}")
            print(f"{'team':<12} {'as':<8} {'blocks':>6} {'lines':>6} {'chars':>6} {'buttons':>7} {'json bytes':>10}")
            for team, supervisor in sorted(duty_supervisors(console.directory).items()):
                [digest] = digest_for(console.ctx, supervisor.slack_id, team)
                for where, in_channel in (("DM", False), ("channel", True)):
                    figures = measure(digest_blocks(digest, in_channel=in_channel))
                    print(
                        f"{team:<12} {where:<8} {figures['blocks']:>6} {figures['lines']:>6} "
                        f"{figures['characters']:>6} {figures['buttons']:>7} {figures['json bytes']:>10}"
                    )
        finally:
            console.close()


if __name__ == "__main__":
    main()
