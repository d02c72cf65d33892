"""The stand-up summary's "Make a ticket for another department" button, clicked on the sandbox page.

It used to fail with "missing or bad field 'block_id'": the button sat in a section without a ``block_id``, the
fake Slack stored it so (Slack fills one in), and the page had no block to name in its click.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlmodel import select

from bot.sandbox.runner import Sandbox
from bot.surfaces.ids import ActionId, BlockId, CallbackId
from config.schema import WorkspaceConfig
from storage.models import Ticket
from tests.sandbox.support import ALICE, Page, has_button, running_sandbox, until

LEAD = "U0LEADSUP"


@pytest.fixture
async def sandbox(tmp_path: Path, workspace: WorkspaceConfig) -> AsyncIterator[Sandbox]:
    async with running_sandbox(workspace, tmp_path / ".sandbox") as running:
        yield running


@pytest.fixture
async def page(sandbox: Sandbox) -> AsyncIterator[Page]:
    async with httpx.AsyncClient(base_url=sandbox.url, timeout=20) as http:
        yield Page(http)


def click_on(message: dict[str, Any], block: dict[str, Any], action: ActionId) -> dict[str, Any]:
    """What the page's script posts for a click: ``JSON.stringify`` leaves out a ``block_id`` the block lacks."""
    fields = {"channel": message["channel"], "ts": message["ts"], "action_id": action.value}
    if "block_id" in block:
        fields["block_id"] = block["block_id"]
    return fields


async def test_a_blocker_in_the_summary_becomes_a_ticket_from_the_page(sandbox: Sandbox, page: Page) -> None:
    for _ in range(4):  # the next 09:30 on a working day (the real date may be a weekend)
        assert (await page.do("clock", ALICE, to="09:30")).json() == {"ok": True}
        if sandbox.clock.now().astimezone(sandbox.time.tz).weekday() < 5:
            break
    dm = (await page.state(ALICE))["dm"]

    async def question() -> dict[str, Any] | None:
        messages = (await page.state(ALICE, channel=dm))["messages"]
        return next((m for m in messages if has_button(m, ActionId.STANDUP_ANSWER)), None)

    asked = await until(question)
    [buttons] = [b for b in asked["blocks"] if ActionId.STANDUP_ANSWER.value in json.dumps(b)]
    assert (await page.do("click", ALICE, **click_on(asked, buttons, ActionId.STANDUP_ANSWER))).json() == {"ok": True}
    form = (await until(lambda: _modal_of(page, ALICE)))["view"]
    inputs = [b["block_id"] for b in form["blocks"] if b["type"] == "input"]
    answers = dict(zip(inputs, ["Closed SUP-3", "Refunds queue", "Export crash blocks the ACME refund"], strict=True))
    assert (await page.do("submit", ALICE, view_id=form["id"], answers=answers)).json() == {"ok": True}
    assert (await page.do("clock", ALICE, to="10:30")).json() == {"ok": True}

    async def summary() -> dict[str, Any] | None:
        messages = (await page.state(LEAD, channel="C0SUPPORT"))["messages"]
        return next((m for m in messages if has_button(m, ActionId.STANDUP_BLOCKER_TICKET)), None)

    posted = await until(summary)
    [blocker] = [b for b in posted["blocks"] if ActionId.STANDUP_BLOCKER_TICKET.value in json.dumps(b)]
    assert blocker["block_id"].startswith(BlockId.STANDUP_BLOCKER.value)  # the bot names the block it reads
    clicked = await page.do("click", LEAD, **click_on(posted, blocker, ActionId.STANDUP_BLOCKER_TICKET))
    assert clicked.json() == {"ok": True}, clicked.text

    ticket_form = (await until(lambda: _modal_of(page, LEAD)))["view"]
    assert ticket_form["callback_id"] == CallbackId.NEW_TICKET.value
    assert (await page.do("submit", LEAD, view_id=ticket_form["id"], answers={})).json() == {"ok": True}
    assert sandbox.bot is not None and sandbox.bot.services is not None

    async def ticket() -> Ticket | None:
        async with sandbox.bot.services.db.transaction() as session:  # type: ignore[union-attr]
            return (await session.exec(select(Ticket))).first()

    made = await until(ticket)
    assert (made.title, made.requester_id) == ("Export crash blocks the ACME refund", LEAD)
    assert sandbox.workspace.rejected_calls() == []


async def _modal_of(page: Page, user: str) -> dict[str, Any] | None:
    modal: dict[str, Any] | None = (await page.state(user))["modal"]
    return modal
