"""The README's sandbox step for satisfaction, done on the page as a newcomer does it: the owner resolves SUP-1, Riley's
Messages ask for a rating, a click on a score answers it in place, and a low one brings the lead a *Reopen*."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlmodel import select

from bot.sandbox.polling import eventually
from bot.sandbox.runner import Sandbox
from bot.surfaces.ids import ActionId
from bot.surfaces.rating_views import rating_block_id
from config.schema import WorkspaceConfig
from storage.models import Rating, Ticket
from tests.sandbox.support import ALICE, REQUESTER, Page, running_sandbox

README = Path(__file__).resolve().parents[2] / "README.md"
POST = "Customer wants a refund for a double charge, they filed a complaint"


@pytest.fixture
async def sandbox(tmp_path: Path, workspace: WorkspaceConfig) -> AsyncIterator[Sandbox]:
    async with running_sandbox(workspace, tmp_path / ".sandbox") as running:
        yield running


def test_the_readme_names_the_step() -> None:
    text = " ".join(README.read_text(encoding="utf-8").split())
    step = re.search(r"\*\*Resolve and rate\.\*\* (.*?)\d+\. \*\*", text)
    assert step is not None, "the README's sandbox path has no satisfaction step"
    assert "`/ticket close SUP-1 refunded`" in step.group(1) and "“You rated 2/5 — thank you”" in step.group(1)


async def test_rating_a_resolved_ticket_in_the_sandbox(sandbox: Sandbox) -> None:
    async with httpx.AsyncClient(base_url=sandbox.url, timeout=20) as http:
        page = Page(http)
        assert (await page.do("message", REQUESTER, channel="C0INTAKE", text=POST)).json() == {"ok": True}

        async def carded() -> Ticket | None:
            async with sandbox.bot.services.db.transaction() as session:
                ticket = (await session.exec(select(Ticket).where(Ticket.key == "SUP-1"))).first()
            return ticket if ticket is not None and ticket.card_ts else None

        await eventually(carded)
        resolved = await page.do("message", ALICE, channel="C0INTAKE", text="/ticket close SUP-1 refunded")
        assert resolved.json() == {"ok": True}
        riley_dm = (await page.state(REQUESTER))["dm"]

        async def question() -> dict[str, Any] | None:
            messages = (await page.state(REQUESTER, channel=riley_dm))["messages"]
            return next((m for m in messages if ActionId.RATE_2.value in json.dumps(m.get("blocks"))), None)

        asked = await eventually(question)
        assert "How satisfied are you" in asked["text"]
        clicked = await page.do(
            "click",
            REQUESTER,
            channel=riley_dm,
            ts=asked["ts"],
            block_id=rating_block_id("SUP-1"),
            action_id=ActionId.RATE_2.value,
        )
        assert clicked.json() == {"ok": True}

        async def thanked() -> bool:
            messages = (await page.state(REQUESTER, channel=riley_dm))["messages"]
            shown = next(m for m in messages if m["ts"] == asked["ts"])
            return "You rated 2/5 — thank you" in shown["text"] and "actions" not in json.dumps(shown["blocks"])

        assert await eventually(thanked)
        async with sandbox.bot.services.db.transaction() as session:
            [rating] = (await session.exec(select(Rating))).all()
        assert (rating.user_id, rating.score) == (REQUESTER, 2)

        lead_dm = (await page.state("U0LEADSUP"))["dm"]

        async def alert() -> bool:
            messages = (await page.state("U0LEADSUP", channel=lead_dm))["messages"]
            return any(ActionId.REOPEN.value in json.dumps(m.get("blocks")) and "2/5" in m["text"] for m in messages)

        assert await eventually(alert)

        # /digest, typed on the page, shows Support's satisfaction.
        assert (await page.do("message", "U0LEADSUP", channel="C0INTAKE", text="/digest")).json() == {"ok": True}

        async def digest_shown() -> bool:
            messages = (await page.state("U0LEADSUP", channel="C0INTAKE"))["messages"]
            return any(
                "*Satisfaction*\\n2.0/5 · 1 answered" in json.dumps(m.get("blocks"), ensure_ascii=False)
                for m in messages
            )

        assert await eventually(digest_shown)
