"""Waiting on the requester ends when the requester answers — in the ticket's thread, or by DM to the bot —
as signed ``message`` events: the ticket resumes with the working time it had left, and its owner is told."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.sandbox import slack_requests
from bot.tickets.sla import WorkingCalendar, working_time_between
from storage.models import Ticket
from tests.support.harness import Harness


async def waiting_ticket(bot: Harness, text: str = "Customer wants a refund for the March order") -> str:
    """A SUP ticket from Erin that its owner set to wait on her; returns the intake message's ts (its thread)."""
    ts, _ = await bot.intake_message(text)
    await bot.drain()
    key = (await bot.tickets())[-1].key
    owner = (await bot.ticket(key)).owner_id
    response = await bot.command(f"wait {key} which order number?", owner)
    assert response.status_code == 200 and "SLA clock is stopped" in response.json()["text"]
    await bot.drain()
    assert (await bot.ticket(key)).status == "waiting"
    return ts


async def reply_in_thread(bot: Harness, thread_ts: str, user: str, text: str) -> dict[str, object]:
    message = bot.fake.post_user_message("C0INTAKE", user, text, thread_ts=thread_ts)
    payload = slack_requests.message_event(channel="C0INTAKE", user=user, text=text, ts=message.ts, thread_ts=thread_ts)
    assert (await bot.event(payload)).status_code == 200
    return payload


async def dm_the_bot(bot: Harness, user: str, text: str, thread_ts: str | None = None) -> None:
    channel = bot.fake.dm_channel_for(user)
    message = bot.fake.post_user_message(channel, user, text, thread_ts=thread_ts)
    payload = slack_requests.message_event(
        channel=channel, user=user, text=text, ts=message.ts, thread_ts=thread_ts, channel_type="im"
    )
    assert (await bot.event(payload)).status_code == 200


def left(ticket: Ticket, since: datetime, bot: Harness) -> timedelta:
    """Working time from ``since`` to the ticket's resolve deadline."""
    calendar = WorkingCalendar.from_workspace(bot.services.workspace)
    assert ticket.resolve_due_at is not None
    return working_time_between(since, ticket.resolve_due_at, calendar)


def dm_texts(bot: Harness, user: str) -> list[str]:
    return [m.text for m in bot.fake.messages_in(bot.fake.dm_channel_for(user))]


async def test_the_requesters_reply_in_the_thread_resumes_the_ticket_and_tells_the_owner(bot: Harness) -> None:
    thread = await waiting_ticket(bot)
    assert any("Reply in the ticket's thread, or here" in text for text in dm_texts(bot, "U0ERIN"))
    paused = await bot.ticket("SUP-1")
    assert paused.paused_at is not None
    had_left = left(paused, paused.paused_at, bot)

    bot.clock.advance(timedelta(hours=2))
    await reply_in_thread(bot, thread, "U0BOB", "I think it was order 77?")  # not the requester: a comment
    assert (await bot.ticket("SUP-1")).status == "waiting"
    answer = await reply_in_thread(bot, thread, "U0ERIN", "It is order 1234, paid twice")

    ticket = await bot.ticket("SUP-1")
    assert (ticket.status, ticket.paused_at) == ("acknowledged", None)
    assert left(ticket, bot.clock.now(), bot) == had_left  # the clock goes on with the working time it had left
    history = await bot.services.tickets.history("SUP-1")
    assert [(e.actor_id, e.action) for e in history.events][-3:] == [
        ("U0BOB", "commented"),
        ("U0ERIN", "commented"),
        ("U0ERIN", "resumed"),
    ]
    assert history.events[-2].note == "It is order 1234, paid twice"

    await bot.drain()
    [told] = [text for text in dm_texts(bot, "U0ALICE") if "answered on *SUP-1*" in text]
    assert "it is back in progress" in told and ">It is order 1234, paid twice" in told
    lines = [m.text for m in bot.fake.messages_in("C0INTAKE", thread_ts=thread) if m.bot_id]
    assert any(line.startswith(":speech_balloon: <@U0ERIN> answered; the clock runs again") for line in lines)
    card = bot.fake.message("C0INTAKE", ticket.card_ts or "")
    assert card is not None and "Acknowledged" in str(card.blocks)

    assert (await bot.event(answer, retry_num=1)).status_code == 200  # Slack's retry of the same event
    history = await bot.services.tickets.history("SUP-1")
    assert [e.action for e in history.events].count("resumed") == 1


async def test_the_requesters_dm_answers_the_ticket_waiting_on_her(bot: Harness) -> None:
    thread = await waiting_ticket(bot)
    await dm_the_bot(bot, "U0BOB", "Erin's order is 1234")  # Bob has nothing waiting on him
    assert (await bot.ticket("SUP-1")).status == "waiting"
    await bot.drain()
    assert any("None of your tickets is waiting for your answer" in text for text in dm_texts(bot, "U0BOB"))

    await dm_the_bot(bot, "U0ERIN", "It is order 1234\npaid twice on the 3rd")
    ticket = await bot.ticket("SUP-1")
    assert ticket.status == "acknowledged"
    history = await bot.services.tickets.history("SUP-1")
    assert [(e.actor_id, e.action, e.note) for e in history.events][-2:] == [
        ("U0ERIN", "commented", "It is order 1234\npaid twice on the 3rd"),
        ("U0ERIN", "resumed", None),
    ]
    await bot.drain()
    # The thread stays the record: the answer is quoted there, and the owner reads it in her DM.
    [line] = [m.text for m in bot.fake.messages_in("C0INTAKE", thread_ts=thread) if "answered by DM" in m.text]
    assert line.endswith("\n>It is order 1234\n>paid twice on the 3rd")
    assert any(">It is order 1234" in text for text in dm_texts(bot, "U0ALICE"))
    assert any("your answer went to *SUP-1*" in text for text in dm_texts(bot, "U0ERIN"))


async def test_with_two_tickets_waiting_a_dm_must_say_which_it_answers(bot: Harness) -> None:
    await waiting_ticket(bot, "Customer wants a refund for the March order")
    await waiting_ticket(bot, "Customer wants a refund for the April order")
    assert [(t.key, t.owner_id) for t in await bot.tickets()] == [("SUP-1", "U0ALICE"), ("SUP-2", "U0BOB")]

    await dm_the_bot(bot, "U0ERIN", "Here is the number: 1234")
    assert {t.status for t in await bot.tickets()} == {"waiting"}
    await bot.drain()
    [asked] = [text for text in dm_texts(bot, "U0ERIN") if text.startswith("Which ticket does this answer?")]
    assert "*SUP-2*, *SUP-1*" in asked

    # A reply in the thread of the bot's DM about SUP-2 answers SUP-2.
    [about_two] = [
        m
        for m in bot.fake.messages_in(bot.fake.dm_channel_for("U0ERIN"))
        if "needs your answer to go on with *SUP-2*" in m.text
    ]
    await dm_the_bot(bot, "U0ERIN", "April: order 5678", thread_ts=about_two.ts)
    assert [(t.key, t.status) for t in await bot.tickets()] == [("SUP-1", "waiting"), ("SUP-2", "acknowledged")]

    # Naming the key works too, wherever the DM is written.
    await dm_the_bot(bot, "U0ERIN", "for sup-1 the order is 1234")
    assert [(t.key, t.status) for t in await bot.tickets()] == [("SUP-1", "acknowledged"), ("SUP-2", "acknowledged")]
    await bot.drain()
    assert any("answered on *SUP-2*" in text for text in dm_texts(bot, "U0BOB"))
    assert any("answered on *SUP-1*" in text for text in dm_texts(bot, "U0ALICE"))
