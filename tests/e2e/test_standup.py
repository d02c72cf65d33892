"""A stand-up round trip through the running bot: questions by DM, answer and skip by signed clicks and
form submissions, ``/standup summary``, the summary in the department channel, and a ticket from a blocker."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import httpx

from bot.runtime.clock import ManualClock
from bot.sandbox import slack_requests
from bot.surfaces.ids import ActionId, BlockId, CallbackId, Command
from bot.surfaces.standup_views import answer_block_id
from config.schema import WorkspaceConfig
from tests.support.harness import Harness, running_bot

MONDAY_0900 = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai, before the 09:30 stand-up
ROUND = "SUP:2026-11-30"
FORM = "application/x-www-form-urlencoded"


async def tick_at(bot: Harness, hour: int, minute: int) -> None:
    bot.clock.set(datetime(2026, 11, 30, hour - 8, minute, tzinfo=UTC))
    assert bot.bot.ticker is not None
    await bot.bot.ticker.tick()
    await bot.drain()


def dms(bot: Harness, user: str) -> list[Any]:
    return bot.fake.messages_in(bot.fake.dm_channel_for(user))


def shows(message: Any, text: str) -> bool:
    return text in message.text or text in json.dumps(message.blocks or [], ensure_ascii=False)


async def standup_command(bot: Harness, text: str, user: str, channel: str = "C0SUPPORT") -> httpx.Response:
    body = slack_requests.slash_command_body(text=text, user=user, channel=channel, command=Command.STANDUP)
    return await bot.post(body, FORM)


async def test_stand_up_round_trip(database_url: str, workspace: WorkspaceConfig) -> None:
    async with running_bot(database_url, workspace, clock=ManualClock(MONDAY_0900)) as bot:
        await tick_at(bot, 9, 0)
        assert not any(shows(m, ActionId.STANDUP_ANSWER) for m in dms(bot, "U0ALICE"))

        await tick_at(bot, 9, 30)
        for user in ("U0ALICE", "U0BOB", "U0LEADSUP"):
            [prompt] = [m for m in dms(bot, user) if shows(m, ActionId.STANDUP_ANSWER)]
            assert shows(prompt, ActionId.STANDUP_SKIP) and shows(prompt, "3. Anything blocking you?")

        # Alice answers through the form the Answer button opens.
        assert (await bot.click_in_dm(ActionId.STANDUP_ANSWER, ROUND, "U0ALICE")).status_code == 200
        form = bot.opened_view()
        assert form["callback_id"] == CallbackId.STANDUP_ANSWER
        blank = await bot.submit(form, "U0ALICE", {answer_block_id(0): " ", answer_block_id(1): ""})
        assert set(blank.json()["errors"]) == {answer_block_id(0), answer_block_id(1)}
        answers = {
            answer_block_id(0): "Closed three refund tickets",
            answer_block_id(1): "Call ACME about their invoice",
            answer_block_id(2): "Export crash blocks the ACME refund",
        }
        submitted = await bot.submit(form, "U0ALICE", answers)
        assert submitted.status_code == 200 and submitted.text == ""
        await bot.drain()
        [settled] = [m for m in dms(bot, "U0ALICE") if shows(m, "Call ACME about their invoice")]
        assert shows(settled, "stand-up for 2026-11-30 is in") and not shows(settled, ActionId.STANDUP_SKIP)

        # Bob skips today.
        assert (await bot.click_in_dm(ActionId.STANDUP_SKIP, ROUND, "U0BOB")).status_code == 200
        await bot.drain()
        assert any(shows(m, "You skipped") for m in dms(bot, "U0BOB"))
        assert not any(shows(m, ActionId.STANDUP_SKIP) for m in dms(bot, "U0BOB"))

        # Halfway: only the lead, who has not answered, is nudged.
        await tick_at(bot, 10, 0)
        assert [m for m in dms(bot, "U0LEADSUP") if shows(m, "still open")]
        assert not [m for m in dms(bot, "U0ALICE") + dms(bot, "U0BOB") if shows(m, "still open")]

        so_far = await standup_command(bot, "summary", "U0LEADSUP")
        body = so_far.json()
        shown = json.dumps(body["blocks"], ensure_ascii=False)
        assert body["response_type"] == "ephemeral" and "(so far)" in shown
        assert "Export crash blocks the ACME refund" in shown and "Skipped: <@U0BOB>" in shown
        assert "Not answered yet: <@U0LEADSUP>" in shown
        outsider = await standup_command(bot, "skip", "U0ERIN")
        assert "not in a department that has a stand-up" in outsider.json()["text"]

        await tick_at(bot, 10, 30)
        [summary] = [m for m in bot.fake.messages_in("C0SUPPORT") if shows(m, "stand-up · 2026-11-30")]
        assert shows(summary, "Call ACME about their invoice") and shows(summary, "Skipped: <@U0BOB>")
        assert shows(summary, "Did not answer: <@U0LEADSUP>") and not shows(summary, "(so far)")
        [button] = [b["accessory"] for b in summary.blocks if "accessory" in b]
        assert button["action_id"] == ActionId.STANDUP_BLOCKER_TICKET
        assert button["text"]["text"] == "Make a ticket for another department"

        click = slack_requests.block_actions_body(
            action_id=ActionId.STANDUP_BLOCKER_TICKET,
            value=button["value"],
            user="U0LEADSUP",
            channel="C0SUPPORT",
            message_ts=summary.ts,
            blocks=summary.blocks,
        )
        assert (await bot.post(click, FORM)).status_code == 200
        ticket_form = bot.opened_view()
        assert ticket_form["callback_id"] == CallbackId.NEW_TICKET
        blocks = {b.get("block_id"): b for b in ticket_form["blocks"]}
        assert blocks[BlockId.FORM_TITLE]["element"]["initial_value"] == "Export crash blocks the ACME refund"
        description = blocks[BlockId.FORM_DESCRIPTION]["element"]["initial_value"]
        assert "From @alice's" in description and "<@" not in description  # a form shows names, not markup
        assert blocks[BlockId.FORM_DEPARTMENT]["element"]["initial_option"]["value"] == "ENG"  # "crash" routes there
        assert (await bot.submit(ticket_form, "U0LEADSUP", {})).status_code == 200
        [ticket] = await bot.tickets()
        assert (ticket.key, ticket.requester_id) == ("ENG-1", "U0LEADSUP")
