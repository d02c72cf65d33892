"""The sandbox page holds a form's text to its input's ``max_length``, as Slack's own box does: the bot never hears
of a title longer than it asked for."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.sandbox.modals import TOO_LONG
from bot.sandbox.runner import Sandbox
from bot.surfaces.ids import BlockId, CallbackId
from bot.surfaces.views import TITLE_MAX
from config.schema import WorkspaceConfig
from tests.sandbox.support import REQUESTER, Page, running_sandbox, until


@pytest.fixture
async def page(tmp_path: Path, workspace: WorkspaceConfig) -> AsyncIterator[tuple[Sandbox, Page]]:
    async with (
        running_sandbox(workspace, tmp_path / ".sandbox") as sandbox,
        httpx.AsyncClient(base_url=sandbox.url, timeout=20) as http,
    ):
        yield sandbox, Page(http)


async def test_a_title_longer_than_the_box_allows_is_refused_on_the_page(page: tuple[Sandbox, Page]) -> None:
    sandbox, me = page
    await me.do("message", REQUESTER, channel="C0INTAKE", text="/ticket")

    async def form() -> dict[str, Any] | None:
        modal: dict[str, Any] | None = (await me.state(REQUESTER))["modal"]
        return modal

    view = (await until(form))["view"]
    assert view["callback_id"] == CallbackId.NEW_TICKET.value
    too_long = {BlockId.FORM_TITLE.value: "x" * (TITLE_MAX + 1)}
    refused = await me.do("submit", REQUESTER, view_id=view["id"], answers=too_long)
    assert refused.json()["errors"] == {BlockId.FORM_TITLE.value: TOO_LONG.format(count=TITLE_MAX)}
    assert (await me.state(REQUESTER))["modal"]["view"]["id"] == view["id"]  # still open, nothing sent
    assert sandbox.workspace.calls_to("chat.postMessage") == []

    fits = {BlockId.FORM_TITLE.value: "x" * TITLE_MAX}
    assert (await me.do("submit", REQUESTER, view_id=view["id"], answers=fits)).json() == {"ok": True}
    await sandbox.workspace.wait_for_calls("chat.postMessage")
