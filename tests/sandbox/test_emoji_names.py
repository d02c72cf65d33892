"""Every emoji the bot writes (``:link:``, ``:bust_in_silhouette:``…) is drawn as a picture in the sandbox, as Slack
draws it, not left as its name: the sandbox page's table (``bot/sandbox/static/blockkit.js``) knows each one.

The names are read from the bot's string literals (docstrings left out: their ``:class:`` and ``:func:`` are
cross-references, not emoji), the sandbox's sample payloads and the example workspace files (Slack statuses).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHORTCODE = re.compile(r"(?<![\w:]):([a-z0-9_+]+):(?![\w:])")


def _docstrings(tree: ast.AST) -> set[int]:
    """The ids of the nodes that are docstrings."""
    found: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def names_the_bot_writes() -> dict[str, str]:
    """Each emoji name in the bot's strings → one place it is written."""
    found: dict[str, str] = {}
    for path in sorted((ROOT / "bot").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skipped = _docstrings(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skipped:
                for name in SHORTCODE.findall(node.value):
                    found.setdefault(name, f"{path.relative_to(ROOT)}:{node.lineno}")
    samples = [*(ROOT / "bot" / "sandbox" / "payloads").glob("*.json"), *(ROOT / "config").glob("*.y*ml")]
    for path in sorted(samples):
        for name in SHORTCODE.findall(path.read_text(encoding="utf-8")):
            found.setdefault(name, str(path.relative_to(ROOT)))
    return found


def names_the_sandbox_draws() -> set[str]:
    script = (ROOT / "bot" / "sandbox" / "static" / "blockkit.js").read_text(encoding="utf-8")
    table = script[script.index("const EMOJI = {") : script.index("};", script.index("const EMOJI = {"))]
    return {match.strip('"') for match in re.findall(r'("[^"]+"|[a-z0-9_]+):\s*"', table)}


def test_every_emoji_the_bot_writes_is_drawn_in_the_sandbox() -> None:
    written = names_the_bot_writes()
    drawn = names_the_sandbox_draws()
    assert {"link", "bust_in_silhouette", "rotating_light", "eyes"} <= set(written), sorted(written)
    missing = {name: where for name, where in written.items() if name not in drawn}
    assert not missing, f"add these to EMOJI in bot/sandbox/static/blockkit.js: {missing}"


def test_the_table_is_read_whole() -> None:
    """The check can fail: the table is read, names quoted or not, and an unknown name is not in it."""
    drawn = names_the_sandbox_draws()
    assert {"ticket", "+1", "spiral_calendar_pad"} <= drawn
    assert "no_such_emoji_name" not in drawn
