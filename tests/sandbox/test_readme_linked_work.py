"""The README's sandbox step for linked work, done on the page as a newcomer does it: the same refund posted by two
people, one ticket closed as a duplicate of the other, whose card then names both requesters."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from sqlmodel import col, select

from bot.sandbox.polling import eventually
from bot.sandbox.runner import Sandbox
from config.schema import WorkspaceConfig
from storage.models import Ticket
from tests.sandbox.support import REQUESTER, Page, running_sandbox

README = Path(__file__).resolve().parents[2] / "README.md"
POST = "Customer wants a refund for a double charge, they filed a complaint"
ERIN = "U0ERIN"  # "Erin" on the page: Sales


@pytest.fixture
async def sandbox(tmp_path: Path, workspace: WorkspaceConfig) -> AsyncIterator[Sandbox]:
    async with running_sandbox(workspace, tmp_path / ".sandbox") as running:
        yield running


async def tickets(sandbox: Sandbox) -> list[Ticket]:
    async with sandbox.bot.services.db.transaction() as session:
        return list((await session.exec(select(Ticket).order_by(col(Ticket.id)))).all())


def test_the_readme_names_the_step() -> None:
    text = " ".join(README.read_text(encoding="utf-8").split())
    step = re.search(r"\*\*Merge a duplicate\.\*\* (.*?)\d+\. \*\*", text)
    assert step is not None, "the README's sandbox path has no linked-work step"
    words = step.group(1)
    assert "As *Erin*, post the same refund in `#intake`" in words
    assert "`/ticket duplicate <its key> SUP-1`" in words and "`/ticket link KEY OTHER`" in words


async def test_merging_a_duplicate_in_the_sandbox(sandbox: Sandbox) -> None:
    async with httpx.AsyncClient(base_url=sandbox.url, timeout=20) as http:
        page = Page(http)
        for person in (REQUESTER, ERIN):
            assert (await page.do("message", person, channel="C0INTAKE", text=POST)).json() == {"ok": True}

        async def both() -> list[Ticket] | None:
            found = await tickets(sandbox)
            return found if len(found) == 2 and all(t.card_ts for t in found) else None

        first, second = await eventually(both)
        typed = f"/ticket duplicate {second.key} {first.key}"
        assert (await page.do("message", second.owner_id, channel="C0INTAKE", text=typed)).json() == {"ok": True}

        async def merged() -> bool:
            original = next(t for t in await tickets(sandbox) if t.key == first.key)
            assert original.card_channel and original.card_ts
            card = sandbox.workspace.message(original.card_channel, original.card_ts)
            return f"Requested by <@{REQUESTER}> and <@{ERIN}>" in json.dumps(card.blocks)

        assert await eventually(merged)
        assert next(t for t in await tickets(sandbox) if t.key == second.key).status == "closed"
