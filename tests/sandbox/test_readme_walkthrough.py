"""The README's "Try it in the sandbox" steps, done as a newcomer does them on the page, hold true.

A walk-through that no longer works is the first thing a newcomer meets; each step here is one of the README's
numbered steps, with the README's own words where the page shows them.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlmodel import select

from bot.sandbox.polling import eventually
from bot.sandbox.runner import Sandbox
from bot.schedule.digest import HANDOFF_FILENAME, SCORECARD_FILENAME
from bot.surfaces.ids import ActionId, BlockId
from config.schema import WorkspaceConfig
from storage.models import Ticket
from tests.sandbox.support import ALICE, REQUESTER, Page, card_in, card_status, has_button, running_sandbox

README = Path(__file__).resolve().parents[2] / "README.md"
FIRST_POST = "Customer wants a refund for a double charge, they filed a complaint"
QUESTION = "Was the customer charged twice?"
PRIVATE_COMMAND = "/ticket Salary question"
CUSTOMER_POST = "ACME says the app crashes at checkout"
CUSTOMER_COMMAND = "/customer 艾克米"


async def _with_map(thread: Callable[[], Awaitable[list[Any]]]) -> list[Any] | None:
    """The digest's thread once the hand-off map is in it."""
    replies = await thread()
    return replies if any(f["name"] == HANDOFF_FILENAME for m in replies for f in m["files"]) else None


@pytest.fixture
async def sandbox(tmp_path: Path, workspace: WorkspaceConfig) -> AsyncIterator[Sandbox]:
    async with running_sandbox(workspace, tmp_path / ".sandbox") as running:
        yield running


@pytest.fixture
async def page(sandbox: Sandbox) -> AsyncIterator[Page]:
    async with httpx.AsyncClient(base_url=sandbox.url, timeout=20) as http:
        yield Page(http)


async def _ticket(sandbox: Sandbox, key: str) -> Ticket | None:
    async with sandbox.bot.services.db.transaction() as session:
        return (await session.exec(select(Ticket).where(Ticket.key == key))).first()


def test_the_readme_walks_through_these_very_words() -> None:
    text = " ".join(README.read_text(encoding="utf-8").split())  # as it reads, whatever the line breaks
    assert FIRST_POST in text and f"`{PRIVATE_COMMAND}`" in text
    assert "*Pause… → Waiting on requester*" in text
    assert f"“{QUESTION}”" in text and "*Put this ticket on hold until the answer comes*" in text
    assert "the hand-off map (who waited on whom, and how long) in its thread" in text
    assert "three lines on the shared goals above the scorecard" in text and "`/digest week`" in text
    assert f"“{CUSTOMER_POST}”" in text and f"`{CUSTOMER_COMMAND}`" in text
    assert "*Customer* and *Change customer*" in text


async def test_open_acknowledge_wait_answer_by_dm_hand_off_and_a_private_ticket(sandbox: Sandbox, page: Page) -> None:
    # 1. Riley posts in #intake: the card appears in the thread, SUP-1 owned by Alice, and it is a complaint.
    assert (await page.do("message", REQUESTER, channel="C0INTAKE", text=FIRST_POST)).json() == {"ok": True}
    root = next(m["ts"] for m in (await page.state(REQUESTER))["messages"] if m["text"] == FIRST_POST)

    async def card() -> dict[str, Any] | None:
        return card_in((await page.state(REQUESTER, thread=root))["thread"])

    found = await eventually(card)
    assert "SUP-1" in json.dumps(found["blocks"]) and "<@U0ALICE>" in json.dumps(found["blocks"])
    ticket = await _ticket(sandbox, "SUP-1")
    assert ticket is not None and ticket.is_complaint

    # 2. Alice's Messages hold a DM about it; she clicks Acknowledge on the card, which changes in place.
    alice_dm = (await page.state(ALICE))["dm"]
    assert await eventually(lambda: any("SUP-1" in m.text for m in sandbox.workspace.messages_in(alice_dm)))
    clicked = await page.do(
        "click",
        ALICE,
        channel="C0INTAKE",
        ts=found["ts"],
        block_id=BlockId.CARD_ACTIONS.value,
        action_id=ActionId.ACKNOWLEDGE.value,
    )
    assert clicked.json() == {"ok": True}

    async def status(expected: str) -> bool:
        now = await card()
        return now is not None and card_status(now) == expected

    assert await eventually(lambda: status("Acknowledged"))

    # 3. Pause… → Waiting on requester; Riley answers in the bot's Messages; the wait ends, Alice gets the answer.
    now = await card()
    assert now is not None and has_button(now, ActionId.PAUSE)
    paused = await page.do(
        "click",
        ALICE,
        channel="C0INTAKE",
        ts=now["ts"],
        block_id=BlockId.CARD_ACTIONS.value,
        action_id=ActionId.PAUSE.value,
        choice="waiting:SUP-1",
    )
    assert paused.json() == {"ok": True}
    assert await eventually(lambda: status("Waiting on requester"))
    riley_dm = (await page.state(REQUESTER))["dm"]
    answer = "The second charge was on the 3rd"
    assert (await page.do("message", REQUESTER, channel=riley_dm, text=answer)).json() == {"ok": True}
    assert await eventually(lambda: status("Acknowledged"))
    assert await eventually(lambda: any(answer in m.text for m in sandbox.workspace.messages_in(alice_dm)))

    # 4. Ask Engineering, waiting for the answer: ENG-1 in #eng with its own owner; its Answer goes to SUP-1's thread
    # and to Alice, and SUP-1's clock runs again.
    now = await card()
    assert now is not None
    ask = await page.do(
        "click",
        ALICE,
        channel="C0INTAKE",
        ts=now["ts"],
        block_id=BlockId.CARD_ACTIONS.value,
        action_id=ActionId.ASK_CONSULT.value,
    )
    assert ask.json() == {"ok": True}

    async def ask_form() -> dict[str, Any] | None:
        modal: dict[str, Any] | None = (await page.state(ALICE))["modal"]
        return modal

    asking = (await eventually(ask_form))["view"]
    assert "Put this ticket on hold until the answer comes" in json.dumps(asking["blocks"])
    answers = {
        BlockId.FORM_DEPARTMENT.value: "ENG",
        BlockId.FORM_QUESTION.value: QUESTION,
        BlockId.FORM_WAIT.value: ["yes"],
    }
    assert (await page.do("submit", ALICE, view_id=asking["id"], answers=answers)).json() == {"ok": True}
    assert await eventually(lambda: status("Waiting on Engineering 研发 (ENG-1)"))
    consult = await _ticket(sandbox, "ENG-1")
    assert consult is not None and consult.kind == "consult"

    async def consult_card() -> dict[str, Any] | None:
        return card_in(await page.state(consult.owner_id, channel="C0ENG"))

    asked = await eventually(consult_card)
    assert QUESTION in json.dumps(asked["blocks"]) and "ENG-1" in json.dumps(asked["blocks"])
    answering = await page.do(
        "click",
        consult.owner_id,
        channel="C0ENG",
        ts=asked["ts"],
        block_id=BlockId.CARD_ACTIONS.value,
        action_id=ActionId.ANSWER_CONSULT.value,
    )
    assert answering.json() == {"ok": True}

    async def answer_form() -> dict[str, Any] | None:
        modal: dict[str, Any] | None = (await page.state(consult.owner_id))["modal"]
        return modal

    form_view = (await eventually(answer_form))["view"]
    reply = {BlockId.FORM_ANSWER.value: "Yes: the second charge is refunded today"}
    assert (await page.do("submit", consult.owner_id, view_id=form_view["id"], answers=reply)).json() == {"ok": True}
    assert await eventually(lambda: status("Acknowledged"))
    assert await eventually(
        lambda: any("second charge is refunded" in m.text for m in sandbox.workspace.messages_in(alice_dm))
    )
    thread_lines = (await page.state(ALICE, thread=root))["thread"]["messages"]
    assert any("second charge is refunded" in m["text"] for m in thread_lines)

    # 5. Reassign to Engineering: Carol gets Accept / Decline; Alice stays the owner until Carol accepts; once she
    # has, the offer's DM has no buttons left.
    now = await card()
    assert now is not None
    reassign = await page.do(
        "click",
        ALICE,
        channel="C0INTAKE",
        ts=now["ts"],
        block_id=BlockId.CARD_ACTIONS.value,
        action_id=ActionId.REASSIGN.value,
    )
    assert reassign.json() == {"ok": True}

    async def form() -> dict[str, Any] | None:
        modal: dict[str, Any] | None = (await page.state(ALICE))["modal"]
        return modal

    view = (await eventually(form))["view"]
    answers = {
        BlockId.FORM_DEPARTMENT.value: "ENG",
        BlockId.FORM_PERSON.value: "U0CAROL",
        BlockId.FORM_REASON.value: "The double charge is a billing bug",
    }
    assert (await page.do("submit", ALICE, view_id=view["id"], answers=answers)).json() == {"ok": True}
    carol_dm = (await page.state("U0CAROL"))["dm"]

    def offer() -> Any:
        messages = sandbox.workspace.messages_in(carol_dm)
        return next((m for m in messages if ActionId.ACCEPT_HANDOFF.value in json.dumps(m.blocks)), None)

    offered = await eventually(offer)
    assert (await _ticket(sandbox, "SUP-1")).owner_id == ALICE  # type: ignore[union-attr]
    accepted = await page.do(
        "click",
        "U0CAROL",
        channel=carol_dm,
        ts=offered.ts,
        block_id=next(b["block_id"] for b in offered.blocks if b.get("type") == "actions"),
        action_id=ActionId.ACCEPT_HANDOFF.value,
    )
    assert accepted.json() == {"ok": True}

    async def carol_owns_it() -> bool:
        ticket = await _ticket(sandbox, "SUP-1")
        return ticket is not None and ticket.owner_id == "U0CAROL"

    assert await eventually(carol_owns_it)
    assert await eventually(lambda: offer() is None)  # the offer's DM settled: no stale buttons

    # 6. A ticket asked for in a DM is private: its card goes to its owner's DM, not to a channel.
    assert (await page.do("message", REQUESTER, channel=riley_dm, text=PRIVATE_COMMAND)).json() == {"ok": True}

    async def private_ticket() -> Ticket | None:
        return await _ticket(sandbox, "SUP-2")

    second = await eventually(private_ticket)
    assert second.is_private
    owner_dm = (await page.state(second.owner_id))["dm"]

    async def card_in_owner_dm() -> bool:
        return card_in({"messages": (await page.state(second.owner_id, channel=owner_dm))["messages"]}) is not None

    assert await eventually(card_in_owner_dm)

    # 7. Jump to 18:00: the digest in #mgmt leads with the shared goals (the example file sets them): three lines
    #    and the scorecard picture; in its thread, the numbers (step 4's consult the slowest hand-off) and the map.
    assert (await page.do("clock", REQUESTER, to="18:00")).json() == {"ok": True}

    async def digest() -> dict[str, Any] | None:
        posted = (await page.state(REQUESTER, channel="C0MGMT"))["messages"]
        return next((m for m in posted if m["blocks"] and "goals met*" in json.dumps(m["blocks"])), None)

    posted = await eventually(digest)

    async def scorecard() -> list[Any]:
        messages = (await page.state(REQUESTER, channel="C0MGMT"))["messages"]
        return [f for m in messages for f in m["files"] if f["name"] == SCORECARD_FILENAME]

    [card] = await eventually(scorecard)
    png = sandbox.workspace.files[card["id"]].content
    assert png is not None and png.startswith(b"\x89PNG")
    if target := os.environ.get("CROSSDESK_SCORECARD"):  # refreshes the README's picture
        await asyncio.to_thread(Path(target).write_bytes, png)

    async def thread() -> list[Any]:
        return (await page.state(REQUESTER, channel="C0MGMT", thread=posted["ts"]))["thread"]["messages"]

    replies = await eventually(lambda: _with_map(thread))
    assert "Slowest hand-off: Customer Support 客户支持 → Engineering 研发" in json.dumps(replies, ensure_ascii=False)
    [picture] = [f for m in replies for f in m["files"] if f["name"] == HANDOFF_FILENAME]
    assert picture["title"].startswith("Crossdesk — hand-offs between departments")


async def test_a_customer_named_in_a_post_is_linked_and_its_card_is_one_command_away(
    sandbox: Sandbox, page: Page
) -> None:
    # 9. Riley names ACME: the ticket is linked, the card shows the customer, Erin (its account manager) is told.
    assert (await page.do("message", REQUESTER, channel="C0INTAKE", text=CUSTOMER_POST)).json() == {"ok": True}
    root = next(m["ts"] for m in (await page.state(REQUESTER))["messages"] if m["text"] == CUSTOMER_POST)

    async def card() -> dict[str, Any] | None:
        return card_in((await page.state(REQUESTER, thread=root))["thread"])

    shown = await eventually(card)
    assert has_button(shown, ActionId.SHOW_CUSTOMER) and has_button(shown, ActionId.CHANGE_CUSTOMER)
    assert "ACME Corp" in json.dumps(shown["blocks"]) and "<@U0ERIN>" in json.dumps(shown["blocks"])
    [ticket] = [t for t in [await _ticket(sandbox, key) for key in ("ENG-1",)] if t is not None]
    assert ticket.customer_name == "ACME Corp"
    erin = sandbox.workspace.dm_channel_for("U0ERIN")

    async def told() -> bool:
        return any(ticket.key in m.text and "ACME Corp" in m.text for m in sandbox.workspace.messages_in(erin))

    await eventually(told)
    assert (await page.do("message", REQUESTER, channel="C0INTAKE", text=CUSTOMER_COMMAND)).json() == {"ok": True}
    [answer] = [m for m in (await page.state(REQUESTER))["messages"] if m["ephemeral"]]
    assert "ACME Corp" in json.dumps(answer["blocks"]) and ticket.key in json.dumps(answer["blocks"])
