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
from tests.sandbox.support import ALICE, REQUESTER, Page, card_in, running_sandbox


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


async def test_the_readmes_two_complaints_put_acme_at_risk_and_tell_erin_once(sandbox: Sandbox, page: Page) -> None:
    """README step 10: two complaints about ACME in 30 days, then *+1 hour* (the page's clock control)."""
    erin = "U0ERIN"
    for text in ("ACME complaint: the invoice is wrong again", "客户艾克米投诉：发货太慢"):
        assert (await page.do("message", REQUESTER, channel="C0INTAKE", text=text)).json() == {"ok": True}
    await sandbox.workspace.wait_for_calls("chat.postMessage", count=6)  # each ticket: card, owner DM, Erin's DM

    async def erins_dms() -> list[str]:
        dm = (await page.state(erin))["dm"]
        return [json.dumps(m, ensure_ascii=False) for m in (await page.state(erin, channel=dm))["messages"]]

    assert not [text for text in await erins_dms() if "at risk" in text]
    for _ in range(2):  # told once, however often the tick runs
        assert (await page.do("clock", REQUESTER, minutes=60)).json() == {"ok": True}
    told = await eventually(lambda: _risk_dms(erins_dms))
    assert len(told) == 1 and "ACME Corp" in told[0] and "2 complaints" in told[0], told
    first = next(m for m in (await page.state(REQUESTER))["messages"] if "invoice" in m["text"])

    async def flagged_card() -> dict[str, Any] | None:  # redrawn in place, maybe just after the DM
        card = card_in((await page.state(REQUESTER, thread=first["ts"]))["thread"])
        return card if card is not None and "at risk" in json.dumps(card["blocks"]) else None

    assert await eventually(flagged_card)


async def _risk_dms(read: Any) -> list[str]:
    return [text for text in await read() if "at risk" in text]
