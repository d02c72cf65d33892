"""The sandbox end to end: what a person does on the page reaches the real bot as signed Slack requests, and the
bot's answers come back through the fake Web API, the response URL, the live stream and the page's state."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from sqlmodel import select

from bot.sandbox import people
from bot.sandbox.runner import Sandbox
from bot.surfaces.ids import ActionId, BlockId, CallbackId
from config.schema import WorkspaceConfig
from storage.models import Ticket
from tests.sandbox.support import ALICE, REQUESTER, Page, card_in, card_status, has_button, running_sandbox, until


@pytest.fixture
async def sandbox(tmp_path: Path, workspace: WorkspaceConfig) -> AsyncIterator[Sandbox]:
    async with running_sandbox(workspace, tmp_path / ".sandbox") as running:
        yield running


@pytest.fixture
async def page(sandbox: Sandbox) -> AsyncIterator[Page]:
    async with httpx.AsyncClient(base_url=sandbox.url, timeout=20) as http:
        yield Page(http)


async def _ticket_thread(page: Page, text: str) -> tuple[str, dict[str, Any]]:
    """Post ``text`` in the intake channel as the requester; wait for the card in its thread."""
    response = await page.do("message", REQUESTER, channel="C0INTAKE", text=text)
    assert response.status_code == 200, response.text
    top = (await page.state(REQUESTER))["messages"]
    root = next(m["ts"] for m in top if m["text"] == text)

    async def card() -> dict[str, Any] | None:
        return card_in((await page.state(REQUESTER, thread=root))["thread"])

    return root, await until(card)


async def test_a_complaint_becomes_a_card_that_changes_live_when_the_owner_acknowledges(
    sandbox: Sandbox, page: Page
) -> None:
    changes: list[dict[str, Any]] = []

    async def read_stream() -> None:
        async with page.http.stream("GET", "/sandbox/events") as stream:
            async for line in stream.aiter_lines():
                if line.startswith("data: "):
                    changes.append(json.loads(line.removeprefix("data: ")))

    reader = asyncio.create_task(read_stream())
    try:
        await until(lambda: sandbox.live._subscribers)
        root, card = await _ticket_thread(page, "Customer wants a refund for a double charge")
        assert card["text"].startswith("SUP-1") or "SUP-1" in json.dumps(card["blocks"])
        assert has_button(card, ActionId.ACKNOWLEDGE)
        assert "<@U0ALICE>" in json.dumps(card["blocks"])
        await until(lambda: any(c["what"] == "chat.postMessage" for c in changes))

        seen = len(changes)
        clicked = await page.do(
            "click",
            ALICE,
            channel="C0INTAKE",
            ts=card["ts"],
            block_id=BlockId.CARD_ACTIONS.value,
            action_id=ActionId.ACKNOWLEDGE.value,
        )
        assert clicked.json() == {"ok": True}

        async def acknowledged() -> dict[str, Any] | None:
            now = card_in((await page.state(ALICE, thread=root))["thread"])
            return now if now and not has_button(now, ActionId.ACKNOWLEDGE) else None

        changed = await until(acknowledged)
        assert card_status(changed) == "Acknowledged" and changed["ts"] == card["ts"]
        await until(lambda: any(c["what"] == "chat.update" for c in changes[seen:]))
    finally:
        reader.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await reader


async def test_deliveries_are_signed_and_the_bot_refuses_anything_else(sandbox: Sandbox) -> None:
    assert sandbox.bot is not None
    async with httpx.AsyncClient() as http:
        forged = await http.post(
            sandbox.delivery.request_url,
            content=json.dumps({"type": "event_callback", "event": {"type": "message"}}),
            headers={"Content-Type": "application/json", "X-Slack-Request-Timestamp": "1", "X-Slack-Signature": "v0=0"},
        )
    assert forged.status_code == 401
    assert sandbox.signing_secret not in repr(sandbox.bot.settings)


async def test_a_slash_command_answer_is_shown_only_to_the_person_who_typed_it(page: Page) -> None:
    response = await page.do("message", REQUESTER, channel="C0INTAKE", text="/ticket help")
    assert response.json() == {"ok": True}
    mine = [m for m in (await page.state(REQUESTER))["messages"] if m["ephemeral"]]
    assert len(mine) == 1 and "/ticket" in mine[0]["text"]
    assert not [m for m in (await page.state(ALICE))["messages"] if m["ephemeral"]]


async def test_an_unknown_command_is_answered_like_slack_and_reaches_no_one(sandbox: Sandbox, page: Page) -> None:
    calls = len(sandbox.workspace.calls)
    await page.do("message", REQUESTER, channel="C0INTAKE", text="/nonsense now")
    mine = [m for m in (await page.state(REQUESTER))["messages"] if m["ephemeral"]]
    assert mine[-1]["text"] == "`/nonsense` is not a valid command."
    assert len(sandbox.workspace.calls) == calls and sandbox.workspace.messages_in("C0INTAKE") == []


async def test_bad_input_from_the_page_gets_a_clear_message_and_changes_nothing(sandbox: Sandbox, page: Page) -> None:
    unknown_channel = await page.do("message", REQUESTER, channel="C0NOPE", text="hello")
    assert unknown_channel.status_code == 422 and "no channel" in unknown_channel.json()["error"]
    empty = await page.do("message", REQUESTER, channel="C0INTAKE", text="   ")
    assert empty.status_code == 422
    missing_field = await page.do("reaction", REQUESTER, channel="C0INTAKE")
    assert missing_field.status_code == 400 and "ts" in missing_field.json()["error"]
    nobody = await page.do("message", "U0NOBODY", channel="C0INTAKE", text="hello")
    assert nobody.status_code == 400 and "no person 'U0NOBODY'" in nobody.json()["error"]
    bad_clock = await page.do("clock", REQUESTER, to="25:99")
    assert bad_clock.status_code == 422 and "HH:MM" in bad_clock.json()["error"]
    assert sandbox.workspace.messages_in("C0INTAKE") == [] and sandbox.clock.offset.total_seconds() == 0


async def test_the_ticket_reaction_turns_any_message_into_a_ticket(sandbox: Sandbox, page: Page) -> None:
    await page.do("message", ALICE, channel="C0SUPPORT", text="ACME says the invoice total is wrong")
    message = (await page.state(ALICE, channel="C0SUPPORT"))["messages"][0]
    reacted = await page.do("reaction", REQUESTER, channel="C0SUPPORT", ts=message["ts"], name=":ticket:")
    assert reacted.json() == {"ok": True}

    async def card() -> dict[str, Any] | None:
        return card_in((await page.state(REQUESTER, channel="C0SUPPORT", thread=message["ts"]))["thread"])

    assert "SALES-1" in json.dumps((await until(card))["blocks"])
    reactions = (await page.state(REQUESTER, channel="C0SUPPORT"))["messages"][0]["reactions"]
    assert reactions[0]["name"] == "ticket" and reactions[0]["mine"]


async def test_the_form_opens_checks_required_fields_and_creates_the_ticket(sandbox: Sandbox, page: Page) -> None:
    await page.do("message", REQUESTER, channel="C0INTAKE", text="/ticket")
    modal = (await until(lambda: _modal(page)))["view"]
    assert modal["callback_id"] == CallbackId.NEW_TICKET.value
    assert (await page.state(ALICE))["modal"] is None  # the form is the requester's alone

    blank = await page.do("submit", REQUESTER, view_id=modal["id"], answers={})
    assert BlockId.FORM_TITLE.value in blank.json()["errors"]
    assert sandbox.workspace.calls_to("chat.postMessage") == []

    answers = {BlockId.FORM_TITLE.value: "Refund for ACME", BlockId.FORM_DESCRIPTION.value: "charged twice"}
    submitted = await page.do("submit", REQUESTER, view_id=modal["id"], answers=answers)
    assert submitted.json() == {"ok": True}
    assert (await page.state(REQUESTER))["modal"] is None
    await sandbox.workspace.wait_for_calls("chat.postMessage")
    async with sandbox.bot.services.db.transaction() as session:  # type: ignore[union-attr]
        tickets = (await session.exec(select(Ticket))).all()
    assert [t.title for t in tickets] == ["Refund for ACME"]


async def _modal(page: Page) -> dict[str, Any] | None:
    modal: dict[str, Any] | None = (await page.state(REQUESTER))["modal"]
    return modal


async def test_app_home_is_published_when_opened(page: Page) -> None:
    assert (await page.do("home", ALICE)).json() == {"ok": True}

    async def home() -> dict[str, Any] | None:
        view: dict[str, Any] | None = (await page.state(ALICE))["home"]
        return view

    assert (await until(home))["type"] == "home"


async def test_jumping_the_clock_runs_due_work_at_once(sandbox: Sandbox, page: Page) -> None:
    before = sandbox.clock.now()
    assert (await page.do("clock", REQUESTER, minutes=60)).json() == {"ok": True}
    assert (sandbox.clock.now() - before).total_seconds() >= 3600
    # The ticker runs hourly in tests, so the digest can only come from the jump itself.
    assert (await page.do("clock", REQUESTER, to="18:00")).json() == {"ok": True}
    local = sandbox.clock.now().astimezone(sandbox.time.tz)
    assert (local.hour, local.minute) == (18, 0)

    async def digest() -> list[Any]:
        return (await page.state(REQUESTER, channel="C0MGMT"))["messages"]

    posted = await until(digest)
    assert posted[0]["is_bot"] and posted[0]["blocks"]


async def test_a_sandbox_keeps_its_tickets_and_conversations_until_reset(
    tmp_path: Path, workspace: WorkspaceConfig
) -> None:
    data_dir = tmp_path / ".sandbox"

    async def tickets(sandbox: Sandbox) -> int:
        assert sandbox.bot is not None and sandbox.bot.services is not None
        async with sandbox.bot.services.db.transaction() as session:
            return len((await session.exec(select(Ticket))).all())

    async with running_sandbox(workspace, data_dir) as first, httpx.AsyncClient(base_url=first.url) as http:
        root, card = await _ticket_thread(Page(http), "refund please")
        await Page(http).do("clock", REQUESTER, minutes=90)
        offset = first.clock.offset
        assert await tickets(first) == 1
    assert (data_dir / "crossdesk.db").exists() and (data_dir / "workspace.json").exists()

    async with running_sandbox(workspace, data_dir) as again, httpx.AsyncClient(base_url=again.url) as http:
        page = Page(http)
        assert await tickets(again) == 1 and again.clock.offset >= offset
        assert card_in((await page.state(ALICE, thread=root))["thread"]) == card
        await page.do(
            "click",
            ALICE,
            channel="C0INTAKE",
            ts=card["ts"],
            block_id=BlockId.CARD_ACTIONS.value,
            action_id=ActionId.ACKNOWLEDGE.value,
        )

        async def acknowledged() -> bool:
            now = card_in((await page.state(ALICE, thread=root))["thread"])
            return now is not None and card_status(now) == "Acknowledged"

        assert await until(acknowledged)
        await _ticket_thread(page, "a second refund, after the restart")
        assert await tickets(again) == 2

    async with running_sandbox(workspace, data_dir, clean=True) as fresh, httpx.AsyncClient(base_url=fresh.url) as http:
        assert await tickets(fresh) == 0
        assert (await Page(http).state(REQUESTER))["messages"] == [] and fresh.clock.offset.total_seconds() == 0


async def test_rate_limits_can_be_simulated_from_outside(sandbox: Sandbox, page: Page) -> None:
    unknown = await page.do("faults", REQUESTER, method="chat.fly", status=429)
    assert unknown.status_code == 422 and "does not implement" in unknown.json()["error"]
    assert (await page.do("faults", REQUESTER, method="chat.postMessage", status=429, retry_after=7)).json() == {
        "ok": True
    }
    answer = await page.http.post(
        "/api/chat.postMessage",
        json={"channel": "C0INTAKE", "text": "hi"},
        headers={"Authorization": f"Bearer {sandbox.bot_token}"},
    )
    assert answer.status_code == 429 and answer.headers["Retry-After"] == "7"
    assert answer.json() == {"ok": False, "error": "ratelimited"}
    wrong_token = await page.http.post("/api/auth.test", headers={"Authorization": "Bearer xoxb-nope"})
    assert wrong_token.json() == {"ok": False, "error": "invalid_auth"}


async def test_the_shortcut_form_follows_the_department_picked_and_the_pause_menu_works(
    sandbox: Sandbox, page: Page
) -> None:
    await page.do("message", ALICE, channel="C0SUPPORT", text="The checkout page shows an error for ACME")
    message = (await page.state(ALICE, channel="C0SUPPORT"))["messages"][0]
    assert (await page.do("shortcut", REQUESTER, channel="C0SUPPORT", ts=message["ts"])).json() == {"ok": True}
    form = (await until(lambda: _modal(page)))["view"]
    assert form["callback_id"] == CallbackId.NEW_TICKET.value

    picked = await page.do(
        "click",
        REQUESTER,
        view_id=form["id"],
        block_id=BlockId.FORM_DEPARTMENT.value,
        action_id=ActionId.FORM_DEPARTMENT.value,
        choice="SALES",
        answers={BlockId.FORM_TITLE.value: "Checkout error"},
    )
    assert picked.json() == {"ok": True}

    async def hint_names_erin() -> bool:
        modal = await _modal(page)
        return modal is not None and "<@U0ERIN>" in json.dumps(modal["view"]["blocks"])

    assert await until(hint_names_erin)
    form = (await _modal(page) or {})["view"]
    answers = {BlockId.FORM_TITLE.value: "Checkout error", BlockId.FORM_DEPARTMENT.value: "SALES"}
    assert (await page.do("submit", REQUESTER, view_id=form["id"], answers=answers)).json() == {"ok": True}

    async def card() -> dict[str, Any] | None:
        return card_in((await page.state(REQUESTER, channel="C0SUPPORT", thread=message["ts"]))["thread"])

    found = await until(card)
    assert "SALES-1" in json.dumps(found["blocks"])

    async def pick(choice: str) -> httpx.Response:
        return await page.do(
            "click",
            "U0ERIN",
            channel="C0SUPPORT",
            ts=found["ts"],
            block_id=BlockId.CARD_ACTIONS.value,
            action_id=ActionId.PAUSE.value,
            choice=choice,
        )

    wrong = await pick("nonsense")
    assert wrong.status_code == 422 and "not one of the options" in wrong.json()["error"]
    assert (await pick("blocked:SALES-1")).json() == {"ok": True}

    async def blocked() -> bool:
        now = await card()
        return now is not None and card_status(now) == "Blocked"

    assert await until(blocked)


def test_the_sandbox_delivers_exactly_what_the_manifest_subscribes_to() -> None:
    manifest = yaml.safe_load((Path(__file__).resolve().parents[2] / "slack-manifest.yml").read_text())
    assert set(manifest["settings"]["event_subscriptions"]["bot_events"]) == people.SUBSCRIBED_EVENTS
    assert manifest["features"]["app_home"]["messages_tab_read_only_enabled"] is people.MESSAGES_TAB_READ_ONLY
    assert {c["command"] for c in manifest["features"]["slash_commands"]} == people.COMMANDS
    assert [s["callback_id"] for s in manifest["features"]["shortcuts"]] == [people.SHORTCUT_CALLBACK]


async def test_the_apps_messages_tab_takes_messages_and_commands(sandbox: Sandbox, page: Page) -> None:
    dm = (await page.state(ALICE))["dm"]
    sent = await page.do("message", ALICE, channel=dm, text="hello bot")
    assert sent.json() == {"ok": True}  # delivered as message.im: an answer, had a ticket been waiting on Alice

    async def answered() -> bool:
        return any("None of your tickets is waiting" in m.text for m in sandbox.workspace.messages_in(dm))

    assert await until(answered)
    listed = await page.do("message", ALICE, channel=dm, text="/ticket list mine")
    assert listed.json() == {"ok": True}
    mine = [m for m in (await page.state(ALICE, channel=dm))["messages"] if m["ephemeral"]]
    assert len(mine) == 1


async def test_the_clock_control_brings_the_standup_and_its_summary(sandbox: Sandbox, page: Page) -> None:
    for _ in range(4):  # the next 09:30 on a working day (the real date may be a weekend)
        assert (await page.do("clock", REQUESTER, to="09:30")).json() == {"ok": True}
        if sandbox.clock.now().astimezone(sandbox.time.tz).weekday() < 5:
            break
    dm = (await page.state(ALICE))["dm"]

    async def question() -> dict[str, Any] | None:
        messages = (await page.state(ALICE, channel=dm))["messages"]
        return next((m for m in messages if has_button(m, ActionId.STANDUP_ANSWER)), None)

    asked = await until(question)
    block = next(b for b in asked["blocks"] if ActionId.STANDUP_ANSWER.value in json.dumps(b))
    answer = await page.do(
        "click", ALICE, channel=dm, ts=asked["ts"], block_id=block["block_id"], action_id=ActionId.STANDUP_ANSWER.value
    )
    assert answer.json() == {"ok": True}
    form = (await until(lambda: _modal_of(page, ALICE)))["view"]
    assert form["callback_id"] == CallbackId.STANDUP_ANSWER.value
    inputs = [b["block_id"] for b in form["blocks"] if b["type"] == "input"]
    answers = dict(zip(inputs, ["Closed SUP-3", "Refunds queue", "Nothing"], strict=False))
    assert (await page.do("submit", ALICE, view_id=form["id"], answers=answers)).json() == {"ok": True}

    assert (await page.do("clock", REQUESTER, to="10:30")).json() == {"ok": True}

    async def summary() -> dict[str, Any] | None:
        messages = (await page.state(ALICE, channel="C0SUPPORT"))["messages"]
        return next((m for m in messages if "Refunds queue" in json.dumps(m["blocks"])), None)

    assert await until(summary)


async def _modal_of(page: Page, user: str) -> dict[str, Any] | None:
    modal: dict[str, Any] | None = (await page.state(user))["modal"]
    return modal


async def test_a_reply_in_the_ticket_thread_becomes_part_of_its_history(page: Page) -> None:
    root, _ = await _ticket_thread(page, "Refund for ACME, charged twice")
    replied = await page.do("message", ALICE, channel="C0INTAKE", text="Called ACME, refund on its way", thread_ts=root)
    assert replied.json() == {"ok": True}  # the bot answers an event only after its work is committed
    await page.do("message", ALICE, channel="C0INTAKE", text="/ticket show SUP-1")
    mine = [m for m in (await page.state(ALICE))["messages"] if m["ephemeral"]]
    assert "refund on its way" in mine[-1]["text"]


async def test_assigning_with_an_at_mention_typed_in_the_box_offers_the_ticket(sandbox: Sandbox, page: Page) -> None:
    await _ticket_thread(page, "Refund for ACME")
    offered = await page.do("message", ALICE, channel="C0INTAKE", text="/ticket assign SUP-1 @bob customer is his")
    assert offered.json() == {"ok": True}
    mine = [m for m in (await page.state(ALICE))["messages"] if m["ephemeral"]]
    assert "SUP-1" in mine[-1]["text"] and "<@U0BOB>" in mine[-1]["text"]

    async def offer() -> dict[str, Any] | None:
        dm = (await page.state("U0BOB"))["dm"]
        messages = (await page.state("U0BOB", channel=dm))["messages"]
        return next((m for m in messages if has_button(m, ActionId.ACCEPT_HANDOFF)), None)

    assert await until(offer)
