"""The panel of user groups and statuses in a real browser (headless Chromium): set your status, edit @oncall's
members, and see the page show both, in the workspace's language (English and Chinese).

``CROSSDESK_SCREENSHOT_DIR=some/dir`` saves a picture of the open panel per language there.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.sandbox.example import ONCALL, sandbox_example
from bot.sandbox.runner import Sandbox
from config.schema import WorkspaceConfig
from tests.sandbox.support import running_sandbox

WORDS = {
    "en": ("Groups & status", "User groups and statuses", "Set status", "Save members", "members"),
    "zh": ("用户组与状态", "用户组与状态", "设置状态", "保存成员", "名成员"),
}


@pytest.fixture(params=["en", "zh"])
async def sandbox(request: Any, tmp_path: Path, workspace: WorkspaceConfig) -> AsyncIterator[Sandbox]:
    config = sandbox_example(workspace.model_copy(update={"language": request.param}))
    async with running_sandbox(config, tmp_path / ".sandbox") as running:
        yield running


async def test_the_panel_sets_a_status_and_edits_a_group(page: Any, sandbox: Sandbox) -> None:
    from playwright.async_api import expect

    language = sandbox.config.language
    button, title, set_label, save_label, members_word = WORDS[language]
    await page.select_option("#as", "U0FRANK")
    await expect(page.locator("#teams-open")).to_contain_text(button)
    await page.click("#teams-open")
    panel = page.locator("#teams-panel")
    await expect(panel).to_be_visible()
    await expect(panel).to_contain_text(title)

    await page.select_option("#status-emoji", ":palm_tree:")
    await page.fill("#status-text", "休假中" if language == "zh" else "Out of office")
    await page.select_option("#status-until", "day")
    await page.click("#status-set")
    await expect(page.locator("#status-current")).to_contain_text("🌴")
    assert sandbox.workspace.users["U0FRANK"].status_emoji == ":palm_tree:"

    group = panel.locator(f'.group[data-group="{ONCALL}"]')
    await expect(group).to_contain_text(f"2 {members_word}")
    await group.locator('input[value="U0ERIN"]').check()
    await group.get_by_role("button", name=save_label).click()
    await expect(group).to_contain_text(f"3 {members_word}")
    assert sandbox.workspace.user_groups[ONCALL].users == ["U0ONCALL1", "U0ONCALL2", "U0ERIN"]
    await expect(page.locator("#status-set")).to_have_text(set_label)

    if target := os.environ.get("CROSSDESK_SCREENSHOT_DIR"):
        await page.mouse.move(0, 0)
        await page.screenshot(path=str(Path(target) / f"sandbox-groups-{language}.png"))
