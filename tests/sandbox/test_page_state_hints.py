"""What the page's state tells about time and attention: the clock's note on a day without work, and how many of
the app's DMs a person has not read yet (the page says up to which message it has shown them)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.sandbox.polling import eventually
from bot.sandbox.runner import Sandbox
from config.schema import WorkspaceConfig
from tests.sandbox.support import ALICE, REQUESTER, Page, running_sandbox


@pytest.fixture
async def sandbox(tmp_path: Path, workspace: WorkspaceConfig) -> AsyncIterator[Sandbox]:
    async with running_sandbox(workspace, tmp_path / ".sandbox") as running:
        yield running


@pytest.fixture
async def page(sandbox: Sandbox) -> AsyncIterator[Page]:
    async with httpx.AsyncClient(base_url=sandbox.url, timeout=20) as http:
        yield Page(http)


async def state(page: Page, me: str, **query: str) -> dict[str, Any]:
    response = await page.http.get("/sandbox/state", params={"as": me, **query})
    response.raise_for_status()
    body: dict[str, Any] = response.json()
    return body


async def test_a_jump_onto_the_weekend_comes_with_a_note_and_the_next_working_day_drops_it(
    sandbox: Sandbox, page: Page
) -> None:
    local = sandbox.clock.now().astimezone(sandbox.time.tz)
    friday = local.date() + timedelta(days=(4 - local.weekday()) % 7 or 7)
    sandbox.clock.set(datetime.combine(friday, time(16, 0), tzinfo=sandbox.time.tz))
    assert (await state(page, REQUESTER))["clock"]["note"] is None
    assert (await page.do("clock", REQUESTER, to="09:30")).json() == {"ok": True}
    note = (await state(page, REQUESTER))["clock"]["note"]
    assert note.startswith(f"Sat {friday + timedelta(days=1)} is not a working day")
    assert f"until Mon {friday + timedelta(days=3)}" in note
    for _ in range(2):
        assert (await page.do("clock", REQUESTER, to="09:30")).json() == {"ok": True}
    assert (await state(page, REQUESTER))["clock"]["note"] is None


async def test_the_apps_dms_count_as_unread_after_the_last_one_the_page_showed(page: Page) -> None:
    response = await page.do("message", REQUESTER, channel="C0INTAKE", text="Customer wants a refund")
    assert response.status_code == 200, response.text

    async def dm_of_alice() -> list[dict[str, Any]]:
        body = await state(page, ALICE, channel=(await state(page, ALICE))["dm"])
        return [m for m in body["messages"] if m["is_bot"]]

    first = (await eventually(dm_of_alice))[-1]
    assert (await state(page, ALICE))["dm_unread"] == 1  # nothing read yet
    assert (await state(page, ALICE, read=first["ts"]))["dm_unread"] == 0
    assert (await state(page, REQUESTER))["dm_unread"] == 0  # the requester got no DM
    assert (await state(page, ALICE, read="not a ts"))["dm_unread"] == 1  # a bad marker reads as nothing read

    for text in ("A second refund", "A third refund"):  # round robin: Bob, then Alice again
        response = await page.do("message", REQUESTER, channel="C0INTAKE", text=text)
        assert response.status_code == 200, response.text
    await eventually(lambda: _more_than(page, ALICE, first["ts"]))


async def _more_than(page: Page, me: str, read: str) -> bool:
    return bool((await state(page, me, read=read))["dm_unread"])
