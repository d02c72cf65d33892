"""``/ticket`` and its subcommands through signed, form-encoded slash-command requests."""

from __future__ import annotations

from datetime import timedelta

import httpx

from bot.surfaces.ids import ActionId
from config.schema import WorkspaceConfig
from tests.support.harness import Harness, running_bot


def answer(response: httpx.Response) -> str:
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["response_type"] == "ephemeral"
    return str(body["text"])


async def test_open_with_priority_answers_with_the_key(bot: Harness) -> None:
    text = answer(await bot.command("urgent Customer cannot log in since the update", "U0ERIN"))
    assert "*SUP-1*" in text or "*ENG-1*" in text
    [ticket] = await bot.tickets()
    assert ticket.priority == "urgent" and ticket.source == "command" and ticket.requester_id == "U0ERIN"
    assert ticket.key in text and f"<@{ticket.owner_id}>" in text
    await bot.drain()
    # A /ticket ticket has no origin message: its card starts a thread in the department channel.
    department_channel = {"SUP": "C0SUPPORT", "ENG": "C0ENG"}[ticket.department_key]
    [card] = bot.fake.messages_in(department_channel)
    ticket = await bot.ticket(ticket.key)
    assert (ticket.card_channel, ticket.card_ts) == (department_channel, card.ts)
    assert (ticket.thread_channel, ticket.thread_ts) == (department_channel, card.ts)


async def test_help_and_usage(bot: Harness) -> None:
    assert "/ticket list" in answer(await bot.command("help", "U0ERIN"))
    unknown = answer(await bot.command("shwo SUP-1", "U0ERIN"))
    assert "Unknown subcommand `shwo`" in unknown and "/ticket show" in unknown
    assert "Usage: `/ticket show KEY`" in answer(await bot.command("show", "U0ERIN"))
    bad_key = answer(await bot.command("ack twelve", "U0ALICE"))
    assert "`twelve` is not a ticket key" in bad_key and "Usage: `/ticket ack KEY`" in bad_key
    assert "Usage: `/ticket assign KEY @person [reason]`" in answer(await bot.command("assign SUP-1 bob", "U0ALICE"))
    assert await bot.tickets() == []


async def test_unknown_key_gets_a_clear_message(bot: Harness) -> None:
    for text in ("show SUP-404", "ack SUP-404", "close SUP-404 done", "reopen SUP-404", "assign SUP-404 <@U0BOB|bob>"):
        reply = answer(await bot.command(text, "U0ALICE"))
        assert "There is no ticket SUP-404" in reply, text


async def test_subcommands_walk_a_ticket_through_its_life(bot: Harness) -> None:
    answer(await bot.command("refund for order 7", "U0ERIN"))
    await bot.drain()
    assert "You acknowledged *SUP-1*" in answer(await bot.command("ack sup-1", "U0ALICE"))
    offered = answer(await bot.command("assign SUP-1 <@U0BOB|bob> knows the billing system", "U0ALICE"))
    assert "Asked <@U0BOB> to take over *SUP-1*" in offered
    assert (await bot.ticket("SUP-1")).owner_id == "U0ALICE"  # until Bob accepts
    await bot.drain()
    assert (await bot.click_in_dm(ActionId.ACCEPT_HANDOFF, "SUP-1", "U0BOB")).status_code == 200
    assert (await bot.ticket("SUP-1")).owner_id == "U0BOB"
    assert "*SUP-1* is resolved" in answer(await bot.command("close SUP-1 refunded in full", "U0BOB"))
    assert "*SUP-1* is closed" in answer(await bot.command("close SUP-1", "U0ERIN"))
    assert "open again" in answer(await bot.command("reopen SUP-1", "U0ERIN"))
    shown = answer(await bot.command("show SUP-1", "U0STRANGER"))
    for expected in (
        "*SUP-1* refund for order 7",
        "acknowledged it",
        "offered it → <@U0BOB>: knows the billing system",
        "accepted it → <@U0BOB>",
        "resolved it: refunded in full",
        "closed it",
        "reopened it",
        "Thread: https://crossdesk.slack.com",
    ):
        assert expected in shown, expected
    await bot.drain()
    ticket = await bot.ticket("SUP-1")
    updates = [c for c in bot.fake.calls_to("chat.update") if c.args.get("ts") == ticket.card_ts]
    assert len(updates) == 6  # every change updates the card in place
    notes = [m.text for m in bot.fake.messages_in(ticket.card_channel or "", thread_ts=ticket.card_ts)][1:]
    assert len(notes) == 6 and "<@U0ALICE> acknowledged" in notes[0] and "<@U0BOB> now owns" in notes[2]
    requester_dm = bot.fake.messages_in(bot.fake.dm_channel_for("U0ERIN"))
    assert any("was resolved by <@U0BOB>" in m.text and "*SUP-1*" in m.text for m in requester_dm)


async def test_refused_subcommand_says_who_may_and_changes_nothing(bot: Harness) -> None:
    answer(await bot.command("refund for order 8", "U0ERIN"))
    reply = answer(await bot.command("ack SUP-1", "U0STRANGER"))
    assert reply == "Only the owner or an admin may acknowledge *SUP-1*."
    reply = answer(await bot.command("ack SUP-1", "U0ALICE"))
    again = answer(await bot.command("ack SUP-1", "U0ALICE"))
    assert "cannot become" in again
    ticket = await bot.ticket("SUP-1")
    assert ticket.status == "acknowledged"
    assert len((await bot.services.tickets.history("SUP-1")).events) == 2


async def test_lists(bot: Harness) -> None:
    answer(await bot.command("refund for order 9", "U0ERIN"))
    answer(await bot.command("high crash on checkout", "U0ERIN"))
    assert "*SUP-1*" in answer(await bot.command("list", "U0ALICE"))
    assert "No tickets" in answer(await bot.command("list mine", "U0BOB"))
    dept = answer(await bot.command("list dept", "U0BOB"))
    assert "*SUP-1*" in dept and "ENG-1" not in dept
    assert "No tickets" in answer(await bot.command("list overdue", "U0ADMIN"))
    bot.clock.advance(timedelta(days=1))
    overdue = answer(await bot.command("list overdue", "U0ADMIN"))
    assert "*SUP-1*" in overdue and "*ENG-1*" in overdue and "overdue" in overdue
    assert "not in any department" in answer(await bot.command("list dept", "U0STRANGER"))


async def test_chinese_workspace_answers_in_chinese(database_url: str, workspace: WorkspaceConfig) -> None:
    async with running_bot(database_url, workspace.model_copy(update={"language": "zh"})) as bot:
        reply = answer(await bot.command("客户投诉要求退款", "U0ERIN"))
        assert "已为" in reply and "SUP-1" in reply
        assert "没有工单 SUP-9" in answer(await bot.command("show SUP-9", "U0ERIN"))


async def test_away_members_are_skipped_by_the_round_robin(bot: Harness) -> None:
    assert "You are away" in answer(await bot.command("away", "U0ALICE"))
    answer(await bot.command("refund one", "U0ERIN"))
    answer(await bot.command("refund two", "U0ERIN"))
    assert [t.owner_id for t in await bot.tickets()] == ["U0BOB", "U0BOB"]
    assert "Welcome back" in answer(await bot.command("back", "U0ALICE"))
    answer(await bot.command("refund three", "U0ERIN"))
    assert (await bot.tickets())[-1].owner_id == "U0ALICE"
    assert "not in any department" in answer(await bot.command("away", "U0STRANGER"))
