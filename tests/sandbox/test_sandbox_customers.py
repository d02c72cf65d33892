"""Customers in the sandbox, as a newcomer tries them from the page: the new-ticket form's customer type-ahead asks
the bot for its choices as Slack would (a signed ``block_suggestion``), the ticket's card shows its customer, and
``/customer`` answers with the customer's card, to the person who asked only."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlmodel import select

from bot.sandbox.polling import eventually
from bot.sandbox.runner import Sandbox
from bot.surfaces.ids import BlockId, CallbackId
from config.schema import WorkspaceConfig
from storage.models import Ticket
from tests.sandbox.support import ALICE, REQUESTER, Page, running_sandbox


@pytest.fixture
async def sandbox(tmp_path: Path, workspace: WorkspaceConfig) -> AsyncIterator[Sandbox]:
    async with running_sandbox(workspace, tmp_path / ".sandbox") as running:
        yield running


@pytest.fixture
async def page(sandbox: Sandbox) -> AsyncIterator[Page]:
    async with httpx.AsyncClient(base_url=sandbox.url, timeout=20) as http:
        yield Page(http)


async def _modal(page: Page) -> dict[str, Any] | None:
    modal: dict[str, Any] | None = (await page.state(REQUESTER))["modal"]
    return modal


async def test_the_forms_type_ahead_finds_a_customer_by_a_chinese_alias(sandbox: Sandbox, page: Page) -> None:
    await page.do("message", REQUESTER, channel="C0INTAKE", text="/ticket")
    modal = (await eventually(lambda: _modal(page)))["view"]
    assert modal["callback_id"] == CallbackId.NEW_TICKET.value
    typed = await page.do("options", REQUESTER, view_id=modal["id"], block_id=BlockId.FORM_CUSTOMER.value, value="艾")
    assert typed.status_code == 200, typed.text
    options = typed.json()["options"]
    acme = next(option for option in options if option["value"].isdigit())
    assert "ACME Corp" in acme["text"]["text"]
    closed = await page.do("options", REQUESTER, view_id="V0NOPE", block_id=BlockId.FORM_CUSTOMER.value, value="a")
    assert closed.status_code == 422 and closed.json()["error"] == "that view is closed"

    answers = {BlockId.FORM_TITLE.value: "The invoice total is wrong", BlockId.FORM_CUSTOMER.value: acme}
    submitted = await page.do("submit", REQUESTER, view_id=modal["id"], answers=answers)
    assert submitted.json() == {"ok": True}
    await sandbox.workspace.wait_for_calls("chat.postMessage")
    async with sandbox.bot.services.db.transaction() as session:  # type: ignore[union-attr]
        [ticket] = (await session.exec(select(Ticket))).all()
    assert ticket.customer_name == "ACME Corp" and ticket.lifecycle_stage == "retention"


async def test_customer_answers_with_the_customers_card_to_the_asker_only(sandbox: Sandbox, page: Page) -> None:
    response = await page.do("message", REQUESTER, channel="C0INTAKE", text="/customer 大地")
    assert response.json() == {"ok": True}
    [mine] = [m for m in (await page.state(REQUESTER))["messages"] if m["ephemeral"]]
    shown = json.dumps(mine["blocks"], ensure_ascii=False)
    assert "大地物流" in shown and "Dadi Logistics" in shown
    assert not [m for m in (await page.state(ALICE))["messages"] if m["ephemeral"]]
