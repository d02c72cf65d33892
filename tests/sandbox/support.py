"""A running sandbox for tests, and the page's doors (``/sandbox/…``) as a person uses them."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

import httpx

from bot.sandbox.runner import Sandbox
from bot.surfaces.ids import ActionId, BlockId
from config.schema import WorkspaceConfig
from tests.support.harness import assert_no_mistakes

T = TypeVar("T")
REQUESTER, ALICE = "U0REQUESTER", "U0ALICE"


@asynccontextmanager
async def running_sandbox(config: WorkspaceConfig, data_dir: Path, *, clean: bool = False) -> AsyncIterator[Sandbox]:
    """A sandbox on a free port whose ticker only runs when the clock control (or a test) asks."""
    sandbox = Sandbox(config, port=0, data_dir=data_dir, clean=clean, tick_seconds=3600)
    await sandbox.start()
    try:
        yield sandbox
        assert_no_mistakes(sandbox.workspace)
    finally:
        await sandbox.stop()


class Page:
    """What the browser does, over plain HTTP."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http

    async def state(self, me: str, channel: str = "C0INTAKE", thread: str | None = None) -> dict[str, Any]:
        response = await self.http.get("/sandbox/state", params={"as": me, "channel": channel, "thread": thread or ""})
        response.raise_for_status()
        body: dict[str, Any] = response.json()
        return body

    async def do(self, what: str, me: str, **fields: Any) -> httpx.Response:
        return await self.http.post(f"/sandbox/{what}", json={"as": me, **fields})


async def until(check: Callable[[], Any], timeout: float = 10.0) -> Any:  # noqa: ASYNC109
    """Poll ``check`` (sync or async) until it returns something truthy: the bot answers in the background."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        found = check()
        if asyncio.iscoroutine(found):
            found = await found
        if found:
            return found
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"nothing after {timeout}s")
        await asyncio.sleep(0.02)


def card_in(thread: dict[str, Any] | None) -> dict[str, Any] | None:
    """The ticket card among a thread's messages (the bot's message with the card summary block)."""
    for message in (thread or {}).get("messages", []):
        blocks = message.get("blocks") or []
        if message["is_bot"] and any(b.get("block_id") == BlockId.CARD_SUMMARY.value for b in blocks):
            return dict(message)
    return None


def has_button(message: dict[str, Any], action: ActionId) -> bool:
    return action.value in json.dumps(message.get("blocks"))


def card_status(card: dict[str, Any]) -> str:
    fields = next(b for b in card["blocks"] if b.get("block_id") == BlockId.CARD_FIELDS.value)["fields"]
    return str(fields[3]["text"]).split("\n", 1)[1]
