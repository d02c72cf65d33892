"""The fake Slack stays a package of small modules, each saying its job, with one way to import each name."""

from __future__ import annotations

import ast
from pathlib import Path

import bot.sandbox.fake_slack as fake_slack
from bot.sandbox.fake_slack.methods import METHODS

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = Path(fake_slack.__file__).parent
MAX_LINES = 400


def test_every_module_is_small_and_says_its_job() -> None:
    modules = sorted(PACKAGE.rglob("*.py"))
    assert len(modules) > 10
    for path in modules:
        text = path.read_text(encoding="utf-8")
        assert ast.get_docstring(ast.parse(text)), f"{path.relative_to(ROOT)} has no module docstring"
        assert len(text.splitlines()) <= MAX_LINES, f"{path.relative_to(ROOT)} is over {MAX_LINES} lines"


def test_nothing_imports_the_old_god_module() -> None:
    assert not (ROOT / "bot" / "sandbox" / "slack_api.py").exists()
    for folder in ("bot", "tests", "bench"):
        for path in (ROOT / folder).rglob("*.py"):
            if path == Path(__file__).resolve():
                continue
            text = path.read_text(encoding="utf-8")
            assert "sandbox.slack_api" not in text and "sandbox import block_rules" not in text, path


def test_every_web_api_method_is_registered_without_starting_a_server() -> None:
    # fail_next refuses a method the fake does not know, so the registry must be full as soon as a workspace exists.
    assert {"auth.test", "chat.postMessage", "conversations.history", "views.open", "files.completeUploadExternal"} <= (
        METHODS.keys()
    )
    assert (
        len(METHODS) == 23
    )  # as many as the single module had, and usergroups.list, usergroups.users.list, users.profile.get
