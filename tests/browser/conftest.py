"""Headless Chromium for the sandbox page: Debian's ``/usr/bin/chromium`` driven by Playwright (its own browser
download is never used), one fresh page per test on a running sandbox."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.sandbox.runner import Sandbox
from config.schema import WorkspaceConfig
from tests.sandbox.support import running_sandbox

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WAIT_MS = 20_000


def _browser_missing() -> str | None:
    try:
        import playwright.async_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed (pip install -e '.[dev]')"
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing (apt-get install chromium)"
    return None


@pytest.fixture
def browser_ready() -> None:
    problem = _browser_missing()
    if problem is None:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"the browser test must run in CI: {problem}")
    pytest.skip(problem)


@pytest.fixture
async def sandbox(tmp_path: Path, workspace: WorkspaceConfig) -> AsyncIterator[Sandbox]:
    async with running_sandbox(workspace, tmp_path / ".sandbox") as running:
        yield running


@pytest.fixture
async def page(browser_ready: None, sandbox: Sandbox) -> AsyncIterator[Any]:
    """A fresh page on the sandbox; page errors (uncaught JavaScript exceptions) fail the test."""
    from playwright.async_api import async_playwright, expect

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            opened = await browser.new_page(viewport={"width": 1400, "height": 820})
            opened.set_default_timeout(WAIT_MS)
            expect.set_options(timeout=WAIT_MS)
            errors: list[Any] = []

            def on_page_error(error: Any) -> None:
                errors.append(error)

            opened.on("pageerror", on_page_error)
            await opened.goto(sandbox.url)
            yield opened
            assert errors == []
        finally:
            await browser.close()
