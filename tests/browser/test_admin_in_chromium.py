"""The Admin view in a real browser (headless Chromium): with ``config_source: database`` an admin opens App Home →
Admin, changes Support's owners in the form (a multi-select of people) and sees the change listed before → after.

``CROSSDESK_SCREENSHOT_ADMIN=docs/images/admin.png`` saves the view as a picture at the end (the guide shows it).
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.sandbox.example import ONCALL, sandbox_example
from bot.sandbox.runner import Sandbox
from bot.surfaces.ids import ActionId
from tests.sandbox.support import running_sandbox
from tests.support.admin import database_workspace


@pytest.fixture
async def sandbox(tmp_path: Path) -> AsyncIterator[Sandbox]:
    # The sandbox's own example (Operations' owners include the user group @oncall), edited from Slack.
    async with running_sandbox(sandbox_example(database_workspace()), tmp_path / ".sandbox") as running:
        yield running


async def test_an_admin_changes_owners_in_the_browser(page: Any, sandbox: Sandbox) -> None:
    from playwright.async_api import expect

    await page.select_option("#as", "U0ADMIN")
    await page.click("#sidebar a.app")  # the app: its Home tab
    await page.click(f'#home button[data-action-id="{ActionId.ADMIN_OPEN.value}"]')
    home = page.locator("#home")
    await expect(home).to_contain_text("Departments")
    await page.click(f'#home button[data-action-id="{ActionId.ADMIN_EDIT_DEPARTMENT.value}"][data-value="SUP"]')
    modal = page.locator(".modal")
    await expect(modal).to_contain_text("Owners")
    await page.select_option('.modal select[name="owners"]', ["U0BOB"])
    if target := os.environ.get("CROSSDESK_SCREENSHOT_ADMIN"):
        await page.screenshot(path=target.replace(".png", "-form.png"))
    await page.click("#modal-submit")
    await expect(modal).to_have_count(0)
    await expect(home).to_contain_text("Owners: @Alice, @Bob → @Bob")
    assert sandbox.bot is not None and sandbox.bot.services is not None
    assert sandbox.bot.services.workspace.department("SUP").owners == ["U0BOB"]
    if target := os.environ.get("CROSSDESK_SCREENSHOT_ADMIN"):
        await page.mouse.move(0, 0)
        await page.screenshot(path=target, full_page=True)


async def test_an_owner_group_stays_through_an_edit_in_the_browser(page: Any, sandbox: Sandbox) -> None:
    """Operations' owners are Frank and @oncall: the form's people picker holds Frank, its own box the group; a
    change of keywords keeps both, and the view shows the group by its handle, as Slack does."""
    from playwright.async_api import expect

    await page.select_option("#as", "U0ADMIN")
    await page.click("#sidebar a.app")
    await page.click(f'#home button[data-action-id="{ActionId.ADMIN_OPEN.value}"]')
    home = page.locator("#home")
    await expect(home).to_contain_text("Owners: @Frank")
    await expect(home).to_contain_text("@oncall")
    await page.click(f'#home button[data-action-id="{ActionId.ADMIN_EDIT_DEPARTMENT.value}"][data-value="OPS"]')
    modal = page.locator(".modal")
    await expect(modal.locator('input[name="owner_groups"]')).to_have_value(ONCALL)
    await page.fill('.modal textarea[name="keywords"]', "server, outage")
    await page.click("#modal-submit")
    await expect(modal).to_have_count(0)
    await expect(home).to_contain_text("Keywords: server, on-call, 服务器, 值班 → server, outage")
    assert sandbox.bot is not None and sandbox.bot.services is not None
    operations = sandbox.bot.services.workspace.department("OPS")
    assert operations is not None and (operations.owners, operations.keywords) == (
        ["U0FRANK", ONCALL],
        ["server", "outage"],
    )
