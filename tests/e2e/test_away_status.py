"""Away by Slack status (issue 20, point 4): an owner whose status is one of ``away_statuses`` is skipped by the round
robin until the status ends (on the controllable clock), a status the bot never heard change is read with
``users.profile.get``, and an urgent overdue ticket of an away owner reaches the lead in the same tick, in the lead's
one DM of that tick."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest

from bot.sandbox import slack_requests
from config.schema import WorkspaceConfig
from tests.support.harness import Harness, running_bot


def answer(response: httpx.Response) -> str:
    assert response.status_code == 200, response.text
    return str(response.json()["text"])


async def open_tickets(bot: Harness, count: int, text: str = "refund request") -> list[str]:
    before = len(await bot.tickets())
    for number in range(count):
        answer(await bot.command(f"{text} {before + number}", "U0ERIN"))
    return [t.owner_id for t in (await bot.tickets())[before:]]


async def set_status(bot: Harness, user: str, emoji: str, text: str = "", until: Any = None) -> None:
    """The person sets their status in Slack, and Slack tells the bot."""
    expiration = int(until.timestamp()) if until is not None else 0
    bot.fake.set_status(user, emoji, text, expiration)
    event = slack_requests.user_status_changed_event(user=user, emoji=emoji, text=text, expiration=expiration)
    assert (await bot.event(event)).status_code == 200


async def tick(bot: Harness) -> None:
    assert bot.bot.ticker is not None
    await bot.bot.ticker.tick()
    await bot.drain()


async def test_an_away_status_skips_the_owner_until_it_ends(bot: Harness) -> None:
    await set_status(bot, "U0ALICE", ":palm_tree:", "Back on Monday", until=bot.clock.now() + timedelta(hours=2))
    assert await open_tickets(bot, 2) == ["U0BOB", "U0BOB"]
    assert await bot.services.tickets.next_owner("SUP") == "U0BOB"  # what the new-ticket form says, too

    bot.clock.advance(timedelta(hours=2))  # the status ran out: Slack may not even tell
    assert await open_tickets(bot, 2) == ["U0ALICE", "U0BOB"]

    await set_status(bot, "U0BOB", ":coffee:", "Lunch")  # not an away status
    assert await open_tickets(bot, 2) == ["U0ALICE", "U0BOB"]
    await set_status(bot, "U0BOB", "", "ooo till the 3rd")  # "OOO" matches any case, anywhere in the text
    assert await open_tickets(bot, 2) == ["U0ALICE", "U0ALICE"]
    await set_status(bot, "U0BOB", "", "")  # cleared: the rotation goes on where it was (Bob's turn)
    assert await open_tickets(bot, 2) == ["U0BOB", "U0ALICE"]


async def test_custom_away_texts_replace_the_defaults(database_url: str, workspace: WorkspaceConfig) -> None:
    custom = workspace.model_copy(update={"away_statuses": ["On leave", ":beach_with_umbrella:"]})
    async with running_bot(database_url, custom) as bot:
        await set_status(bot, "U0ALICE", ":palm_tree:", "")  # a default, but not this workspace's
        assert await open_tickets(bot, 2) == ["U0ALICE", "U0BOB"]
        await set_status(bot, "U0ALICE", ":speech_balloon:", "ON LEAVE until Friday")
        assert await open_tickets(bot, 2) == ["U0BOB", "U0BOB"]
        await set_status(bot, "U0ALICE", ":beach_with_umbrella:", "")
        assert await open_tickets(bot, 1) == ["U0BOB"]


async def test_a_status_never_heard_of_is_read_from_slack(bot: Harness) -> None:
    bot.fake.set_status("U0BOB", ":airplane:", "")  # set before the bot was told of anything
    await tick(bot)
    assert "U0BOB" in {c.args["user"] for c in bot.fake.calls_to("users.profile.get")}
    assert await open_tickets(bot, 2) == ["U0ALICE", "U0ALICE"]
    asked = len(bot.fake.calls_to("users.profile.get"))
    await tick(bot)
    assert len(bot.fake.calls_to("users.profile.get")) == asked  # known now: the event tells the rest


async def test_an_urgent_overdue_ticket_of_an_away_owner_reaches_the_lead_in_the_same_tick(bot: Harness) -> None:
    [owner] = await open_tickets(bot, 1, "urgent refund failed twice")  # SUP-1, acknowledge within 15 minutes
    [other] = await open_tickets(bot, 1, "refund for order 9")  # SUP-2, normal: the ladder as before
    assert (owner, other) == ("U0ALICE", "U0BOB")
    await bot.drain()
    await set_status(bot, "U0ALICE", ":face_with_thermometer:", "sick")
    lead = bot.fake.dm_channel_for("U0LEADSUP")

    bot.clock.advance(timedelta(minutes=16))
    await tick(bot)  # the first reminder of SUP-1: Alice is reminded, and the lead is told at once
    [to_lead] = bot.fake.messages_in(lead)
    assert "the owner is away" in to_lead.text and "*SUP-1*" in to_lead.text and "SUP-2" not in to_lead.text
    ticket = await bot.ticket("SUP-1")
    assert ticket.escalation_level == 1
    thread = bot.fake.messages_in(ticket.thread_channel or "", ticket.thread_ts)
    assert any("while <@U0ALICE> is away" in m.text for m in thread)

    bot.clock.advance(timedelta(hours=1))
    await tick(bot)  # told once: the next reminder of SUP-1 does not tell the lead again
    assert len(bot.fake.messages_in(lead)) == 1


async def test_the_lead_hears_once_a_tick_with_both_kinds_of_escalation(bot: Harness) -> None:
    await open_tickets(bot, 2, "refund for order")  # SUP-1 Alice, SUP-2 Bob: normal, 4h to acknowledge
    bot.clock.advance(timedelta(hours=4, minutes=1))
    await tick(bot)
    bot.clock.advance(timedelta(hours=1))
    await tick(bot)  # two reminders each: the next one takes them to the lead
    [urgent] = await open_tickets(bot, 1, "urgent refund failed")  # SUP-3
    await set_status(bot, urgent, ":airplane:", "")
    # Its card posted and the post recorded first: the tick skips a ticket row another transaction holds (SKIP
    # LOCKED on PostgreSQL) and reminds it one tick later, which is not what this test is about.
    await bot.drain()
    lead = bot.fake.dm_channel_for("U0LEADSUP")
    assert bot.fake.messages_in(lead) == []

    bot.clock.advance(timedelta(hours=1))
    await tick(bot)
    [to_lead] = bot.fake.messages_in(lead)  # one voice: one DM with both
    assert "the owner is away" in to_lead.text and "Escalated to you as department lead" in to_lead.text
    assert all(f"*SUP-{n}*" in to_lead.text for n in (1, 2, 3))


@pytest.fixture
async def bot_zh(database_url: str, workspace: WorkspaceConfig) -> Any:
    async with running_bot(database_url, workspace.model_copy(update={"language": "zh"})) as harness:
        yield harness


async def test_the_lead_is_told_in_chinese(bot_zh: Harness) -> None:
    bot = bot_zh
    await open_tickets(bot, 1, "urgent 退款失败")
    await set_status(bot, "U0ALICE", "", "休假中")
    await bot.drain()  # the card's post recorded: a ticket row held then is skipped by the tick (SKIP LOCKED)
    bot.clock.advance(timedelta(minutes=16))
    await tick(bot)
    [to_lead] = bot.fake.messages_in(bot.fake.dm_channel_for("U0LEADSUP"))
    assert "负责人不在" in to_lead.text and "SUP-1" in to_lead.text
